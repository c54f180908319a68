/**
 * express-rate-limit store kept in the database, so that limits are counted across every server
 * instance behind a load balancer. One atomic upsert per hit (same SQL on SQLite ≥ 3.35 and PostgreSQL).
 */
import type { Options, Store, ClientRateLimitInfo } from 'express-rate-limit';
import type { Db } from '../db';
import { returning } from '../db/sql';

export class DbRateLimitStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;

  constructor(
    private readonly db: Db,
    readonly prefix: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.clock().getTime();
    const rows = await returning<{ hits: number | string; reset_ms: number | string }>(
      this.db,
      `INSERT INTO rate_limit_hits (key, hits, reset_ms) VALUES (:key, 1, :reset)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN rate_limit_hits.reset_ms <= :now THEN 1 ELSE rate_limit_hits.hits + 1 END,
         reset_ms = CASE WHEN rate_limit_hits.reset_ms <= :now THEN :reset ELSE rate_limit_hits.reset_ms END
       RETURNING hits, reset_ms`,
      { key: this.prefix + key, now, reset: now + this.windowMs },
    );
    const row = rows[0];
    return { totalHits: Number(row?.hits ?? 1), resetTime: new Date(Number(row?.reset_ms ?? now + this.windowMs)) };
  }

  async decrement(key: string): Promise<void> {
    await this.db.sequelize.query('UPDATE rate_limit_hits SET hits = hits - 1 WHERE key = :key AND hits > 0', {
      replacements: { key: this.prefix + key },
    });
  }

  async resetKey(key: string): Promise<void> {
    await this.db.sequelize.query('DELETE FROM rate_limit_hits WHERE key = :key', { replacements: { key: this.prefix + key } });
  }
}
