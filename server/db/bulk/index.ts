/**
 * Multi-row writes inside one transaction, the same interface on both databases:
 *  - PostgreSQL (./postgres.ts): bound array parameters — `INSERT … SELECT … FROM unnest($1::text[], …)`,
 *    `UPDATE … FROM unnest(…)`, `= ANY($1)` — through Sequelize's query with `bind`. No value is ever
 *    written into the SQL text, and a chunk of any size is one statement per table.
 *  - SQLite (./sqlite.ts): multi-row statements with escaped literals (./sqlite-literals.ts explains why
 *    that is the fast way with the node sqlite3 driver, and why it is safe).
 *
 * Values: null/undefined, finite numbers, booleans and strings. A timestamp column takes ISO 8601 text
 * (each adapter stores it the way that database's models read it). NUL characters, which neither
 * database keeps in text, are dropped from strings by both adapters alike.
 *
 * Writes that return nothing are queued (`insert`, `deleteIn`) and run in order on the transaction's
 * connection while JavaScript prepares the next ones; `flush` waits for them and throws the first failure
 * (nothing after a failure runs; the caller's transaction is then rolled back). Reads that need the
 * database's answer (`updateVersioned`, `existingVersions`) run after everything queued before them.
 */
import type { Transaction } from 'sequelize';
import type { Db } from '../index';
import { PostgresBulkWriter } from './postgres';
import { SqliteBulkWriter } from './sqlite';
import type { BulkWriter } from './types';

export type { BulkColumn, BulkType, BulkValue, BulkWriter, VersionedTable } from './types';
export { storableText } from './types';

export function bulkWriter(db: Db, tx: Transaction): BulkWriter {
  return db.dialect === 'postgres' ? new PostgresBulkWriter(db, tx) : new SqliteBulkWriter(db, tx);
}

