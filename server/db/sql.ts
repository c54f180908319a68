/** Small helpers for hand-written SQL that must behave the same on SQLite and PostgreSQL. */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Db } from './index';

/**
 * Run an INSERT/UPDATE … RETURNING and get its rows. Sequelize's SQLite driver runs statements that
 * start with INSERT/UPDATE through `run` (which drops rows); a leading comment makes it use `all`.
 */
export async function returning<T extends object>(
  db: Db,
  sql: string,
  replacements: Record<string, unknown> | unknown[],
  transaction?: Transaction,
): Promise<T[]> {
  return db.sequelize.query<T>(`/* returning */ ${sql}`, { replacements, type: QueryTypes.SELECT, transaction });
}

export async function selectRows<T extends object>(
  db: Db,
  sql: string,
  replacements: Record<string, unknown> | unknown[] = {},
  transaction?: Transaction,
): Promise<T[]> {
  return db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
}
