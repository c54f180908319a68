/**
 * Idempotent pushes: the answer to a chunk is stored with its key (per user) in the same transaction as
 * the writes, so a retried chunk gets the same answer and writes nothing twice.
 */
import { createHash } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { selectRows } from '../../db/sql';
import { AppError } from '../../errors';
import type { Ctx } from '../context';
import { exec, lit, timestampLit } from './sql-literals';

export interface StoredAnswer {
  scope: string;
  requestHash: string;
  response: string;
}

export function requestHash(scope: string, body: unknown): string {
  return createHash('sha256').update(scope).update('\n').update(JSON.stringify(body)).digest('hex');
}

export async function findAnswer(ctx: Ctx, userId: number, key: string, transaction?: Transaction): Promise<StoredAnswer | null> {
  const [row] = await selectRows<{ scope: string; request_hash: string; response: string }>(
    ctx.db,
    'SELECT scope, request_hash, response FROM idempotency_keys WHERE user_id = :userId AND key = :key',
    { userId, key },
    transaction,
  );
  return row ? { scope: row.scope, requestHash: row.request_hash, response: row.response } : null;
}

/** The stored answer when the same request was already answered; 409 when the key was used for another request. */
export function replay<T>(stored: StoredAnswer, scope: string, hash: string): T {
  if (stored.scope !== scope || stored.requestHash !== hash) {
    throw new AppError(
      409,
      'idempotency_key_reused',
      'Этот ключ повторной отправки (idempotencyKey) уже использован для других строк. Отправьте изменённые строки с новым ключом.',
    );
  }
  return JSON.parse(stored.response) as T;
}

export async function saveAnswer(
  ctx: Ctx,
  transaction: Transaction,
  a: { userId: number; key: string; scope: string; requestHash: string; statusCode: number; response: string },
): Promise<void> {
  await exec(
    ctx.db,
    `INSERT INTO idempotency_keys (user_id, key, scope, request_hash, status_code, response, created_at) VALUES (${lit(a.userId)}, ${lit(a.key)}, ${lit(a.scope)}, ${lit(a.requestHash)}, ${lit(a.statusCode)}, ${lit(a.response)}, ${timestampLit(ctx.db, ctx.now())})`,
    transaction,
  );
}
