/**
 * Housekeeping: rows that only matter for a while are deleted when their time is over, so that the
 * database does not grow with every push and every sign-in.
 *  - idempotency_keys: the stored answer of each pushed chunk (up to a few hundred KB for 2,000 rows).
 *    A chunk is retried within minutes (the add-in retries at once; a chair after a lost connection
 *    the same day); after IDEMPOTENCY_RETENTION_HOURS the answer is deleted. A retry after that is
 *    answered afresh: the rows match the members they created (by СНИЛС or name and birth date), so
 *    they come back `unchanged`, never as duplicates.
 *  - rate_limit_hits: windows that ended more than a day ago.
 *  - auth_tokens: tokens expired more than 30 days ago (sign-ins themselves stay in the audit log);
 *    refresh_tokens («Запомнить меня») the same, counted from their own expiry.
 *  - printed documents' files whose links expired (server/services/documents/downloads.ts).
 * Runs when the server starts and then every hour (`startHousekeeping`), in every server process —
 * each statement is one idempotent DELETE, so processes sharing one PostgreSQL do not get in each other's way.
 */
import { Op, QueryTypes } from 'sequelize';
import type { Ctx } from './context';
import { sweepExpired } from './documents/downloads';
import { timestampLit } from './members/sql-literals';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const RATE_LIMIT_RETENTION_MS = DAY_MS;
export const TOKEN_RETENTION_MS = 30 * DAY_MS;

export interface HousekeepingResult {
  idempotencyKeys: number;
  rateLimitWindows: number;
  authTokens: number;
  refreshTokens: number;
  documentFiles: number;
}

/** Runs a DELETE and returns how many rows it deleted (Sequelize reports it for both databases with BULKDELETE). */
async function deleted(ctx: Ctx, sql: string): Promise<number> {
  const n = await ctx.db.sequelize.query(sql, { type: QueryTypes.BULKDELETE });
  return Number(n ?? 0);
}

export async function runHousekeeping(ctx: Ctx): Promise<HousekeepingResult> {
  const now = ctx.now().getTime();
  const keysBefore = timestampLit(ctx.db, new Date(now - ctx.config.idempotencyRetentionHours * HOUR_MS));
  const idempotencyKeys = await deleted(ctx, `DELETE FROM idempotency_keys WHERE created_at < ${keysBefore}`);
  const rateLimitWindows = await deleted(ctx, `DELETE FROM rate_limit_hits WHERE reset_ms < ${Math.floor(now - RATE_LIMIT_RETENTION_MS)}`);
  const authTokens = await ctx.db.models.AuthToken.destroy({ where: { expiresAt: { [Op.lt]: new Date(now - TOKEN_RETENTION_MS) } } });
  const refreshTokens = await ctx.db.models.RefreshToken.destroy({ where: { expiresAt: { [Op.lt]: new Date(now - TOKEN_RETENTION_MS) } } });
  const documentFiles = await sweepExpired(ctx);
  return { idempotencyKeys, rateLimitWindows, authTokens, refreshTokens, documentFiles };
}

/** Runs now and every `everyMs`; a failure is logged (without data) and tried again next time. Returns the stop function. */
export function startHousekeeping(ctx: Ctx, everyMs = HOUR_MS): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const r = await runHousekeeping(ctx);
      if (r.idempotencyKeys + r.rateLimitWindows + r.authTokens + r.refreshTokens + r.documentFiles > 0) ctx.log.info(r, 'housekeeping: expired rows deleted');
    } catch (err) {
      ctx.log.warn({ err: { name: (err as Error).name } }, 'housekeeping failed; will try again');
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
