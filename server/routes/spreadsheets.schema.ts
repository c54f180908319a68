/** Query strings of the spreadsheet routes (uploads, template, exports). */
import { z } from 'zod';
import { CATEGORIES } from '../../domain/members/codes';
import { IMPORT_TARGETS, type ImportTarget } from '../../domain/members/list-import';
import { MEMBER_VOCABULARIES, type CodedColumnKey } from '../../domain/members/vocabulary';

const flag = z.enum(['0', '1']);

const TARGETS = IMPORT_TARGETS.map((t) => t.target) as [ImportTarget, ...ImportTarget[]];

/**
 * The chair's choices of the mapping step, as JSON in the query (no personal data: header texts,
 * register columns, the words of coded columns and their meanings).
 */
export const uploadMappingSchema = z.strictObject({
  targets: z.record(z.string().max(200), z.enum(TARGETS)).optional(),
  values: z.partialRecord(z.enum(Object.keys(MEMBER_VOCABULARIES) as [CodedColumnKey, ...CodedColumnKey[]]), z.record(z.string().max(200), z.string().max(64).nullable())).optional(),
  category: z.enum(CATEGORIES.map((c) => c.code) as [string, ...string[]]).optional(),
});

const mappingParam = z
  .string()
  .max(8000)
  .transform((s, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'mapping: не JSON' });
      return z.NEVER;
    }
    const r = uploadMappingSchema.safeParse(json);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: `mapping: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` });
      return z.NEVER;
    }
    return r.data;
  });

export const uploadQuery = z.strictObject({
  /** 1 — «Проверить»: the answer in full, nothing written. */
  dryRun: flag.optional(),
  /** The mapping step's choices (JSON): columns by header, meanings of coded values, a category for every row. */
  mapping: mappingParam.optional(),
});

export const exportQuery = z.strictObject({
  /** 1 (default) — with the members of units and, above a primary organisation, of its primaries. */
  subtree: flag.optional(),
  /** 1 — deregistered members too (with the date and reason of deregistration). */
  includeDeregistered: flag.optional(),
});

export const previewQuery = z.strictObject({
  /** Choices made so far (JSON, as for the upload): the values are grouped under the chosen columns. */
  mapping: mappingParam.optional(),
});
