/**
 * One transaction per write on members, serialised per primary organisation.
 *
 * PostgreSQL: a transaction-scoped advisory lock per primary organisation involved (in id order, so two
 * writers never wait for each other crosswise): pushes into one organisation run one after another,
 * pushes into different organisations run in parallel.
 *
 * SQLite: one writer at a time anyway. Sequelize opens a separate SQLite connection for each
 * transaction, and that connection has no busy timeout (server/db/connection.ts sets PRAGMAs on the
 * default connection only), so two member transactions started at once would fail with SQLITE_BUSY.
 * They are queued in-process instead.
 *
 * Not re-entrant: never call memberTransaction from inside its own callback (on SQLite it would wait
 * for itself); pass the transaction down instead.
 */
import type { Transaction } from 'sequelize';
import type { Db } from '../../db';
import type { Ctx } from '../context';
import { profileTimer } from './profile';
import { assertStandardStrings, exec } from './sql-literals';

/** First key of the two-key advisory lock: 'MEMB'. */
const LOCK_SPACE = 0x4d454d42;

const queues = new WeakMap<Db, Promise<unknown>>();

function enqueue<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  const tail = queues.get(db) ?? Promise.resolve();
  const run = tail.then(fn, fn);
  queues.set(
    db,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}

export async function memberTransaction<T>(ctx: Ctx, primaryOrgIds: readonly number[], fn: (tx: Transaction) => Promise<T>): Promise<T> {
  const db = ctx.db;
  if (db.dialect === 'postgres') {
    await assertStandardStrings(db);
    const begin = profileTimer('begin');
    let commit: () => void = () => undefined;
    const result = await db.sequelize.transaction(async (tx) => {
      for (const id of [...new Set(primaryOrgIds)].sort((a, b) => a - b)) {
        await exec(db, `SELECT pg_advisory_xact_lock(${LOCK_SPACE}, ${Number(id) | 0})`, tx);
      }
      begin();
      const r = await fn(tx);
      commit = profileTimer('commit');
      return r;
    });
    commit();
    return result;
  }
  return enqueue(db, async () => {
    const begin = profileTimer('begin');
    let commit: () => void = () => undefined;
    const result = await db.sequelize.transaction(async (tx) => {
      begin();
      const r = await fn(tx);
      commit = profileTimer('commit');
      return r;
    });
    commit();
    return result;
  });
}

/** True for a unique-index violation (a concurrent writer registered the same СНИЛС first). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { name?: string; parent?: { code?: string }; original?: { code?: string } };
  if (e?.name === 'SequelizeUniqueConstraintError') return true;
  const code = e?.parent?.code ?? e?.original?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}
