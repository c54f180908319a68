/**
 * The configurable list of deregistration reasons (снятие с учёта): the defaults of
 * domain/members/codes plus the extra reasons of config/deregistration-reasons.json (or the file named
 * by DEREGISTRATION_REASONS_FILE), read once into Config.deregistrationReasons at start. The defaults
 * cannot be removed: members already deregistered carry their codes.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseConfig, readConfigJson } from '../../config-file';
import { DEREGISTRATION_REASONS, type Option } from '../../../domain/members/codes';

export const DEFAULT_DEREGISTRATION_REASONS_PATH = path.resolve(__dirname, '..', '..', '..', 'config', 'deregistration-reasons.json');

const FileSchema = z
  .object({
    $comment: z.string().optional(),
    extra: z.array(
      z
        .object({
          code: z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'code: latin lower-case letters, digits and _, 2–32 characters, starting with a letter'),
          label: z.string().trim().min(2).max(120),
        })
        .strict(),
    ),
  })
  .strict();

/** The defaults and the file's extra reasons; a broken file stops the start with its name. */
export function parseDeregistrationReasons(json: unknown, source = 'deregistration reasons'): readonly Option<string>[] {
  const data = parseConfig(FileSchema, json, source);
  const out: Option<string>[] = DEREGISTRATION_REASONS.map((r) => ({ code: r.code, label: r.label }));
  const problems: string[] = [];
  data.extra.forEach((r, i) => {
    if (out.some((x) => x.code === r.code)) problems.push(`extra.${i}: the code "${r.code}" is already in the list`);
    else if (out.some((x) => x.label.toLowerCase() === r.label.toLowerCase())) problems.push(`extra.${i}: the label "${r.label}" is already in the list`);
    else out.push({ code: r.code, label: r.label });
  });
  if (problems.length) throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  return Object.freeze(out.map((r) => Object.freeze(r)));
}

export function loadDeregistrationReasons(file = DEFAULT_DEREGISTRATION_REASONS_PATH): readonly Option<string>[] {
  return parseDeregistrationReasons(readConfigJson(file, 'deregistration reasons'), file);
}

/**
 * What the two functions below read from the service context (Ctx). Written out rather than imported:
 * config.ts loads the file through this module, so importing Ctx (and with it Config) would close the
 * cycle config.ts → reasons.ts → context.ts → config.ts.
 */
interface ReasonsContext {
  readonly config: { readonly deregistrationReasons: readonly Option<string>[] };
}

/** The reasons this server accepts (GET /deregistration-reasons, deregistration). */
export function getDeregistrationReasons(ctx: ReasonsContext): readonly Option<string>[] {
  return ctx.config.deregistrationReasons;
}

export function deregistrationReasonLabel(ctx: ReasonsContext, code: string | null): string | null {
  if (code === null) return null;
  return getDeregistrationReasons(ctx).find((r) => r.code === code)?.label ?? code;
}
