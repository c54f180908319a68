/** The configurable list of deregistration reasons (снятие с учёта). */
import { DEREGISTRATION_REASONS, type Option } from '../../../domain/members/codes';
import type { Ctx } from '../context';

/**
 * The reasons this server accepts. Today the default list of domain/members/codes; a configured
 * extension (environment or settings) plugs in here, and every caller already reads the list
 * through this function.
 */
export function getDeregistrationReasons(_ctx: Ctx): readonly Option<string>[] {
  return DEREGISTRATION_REASONS;
}

export function deregistrationReasonLabel(ctx: Ctx, code: string | null): string | null {
  if (code === null) return null;
  return getDeregistrationReasons(ctx).find((r) => r.code === code)?.label ?? code;
}
