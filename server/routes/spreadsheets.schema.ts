/** Query strings of the spreadsheet routes (uploads, template, exports). */
import { z } from 'zod';

const flag = z.enum(['0', '1']);

export const uploadQuery = z.strictObject({
  /** 1 — «Проверить»: the answer in full, nothing written. */
  dryRun: flag.optional(),
});

export const exportQuery = z.strictObject({
  /** 1 (default) — with the members of units and, above a primary organisation, of its primaries. */
  subtree: flag.optional(),
  /** 1 — deregistered members too (with the date and reason of deregistration). */
  includeDeregistered: flag.optional(),
});
