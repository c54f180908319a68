/**
 * Multi-row SQL for the member hot path, written as escaped literals.
 *
 * Why literals and not bound parameters: the node `sqlite3` driver binds parameters one by one from
 * JavaScript and re-prepares every statement, so a 500-row INSERT with 17,000 bound parameters is
 * ~1.8× slower than the same statement with inlined literals (measured, see bench/members.bench.ts),
 * and a JSON parameter unpacked with json_each costs SQLite more than the insert itself. Literals also
 * make SQLite's 32,766 and PostgreSQL's 65,535 bound-parameter limits irrelevant; statements are still
 * split into groups of a few hundred rows to keep each one small.
 *
 * Safety: only four kinds of value reach SQL here — null, finite numbers, booleans and strings.
 * Strings are quoted with every `'` doubled, which is the complete escaping rule for SQLite string
 * literals and for PostgreSQL with standard_conforming_strings = on (the default since 9.1, checked
 * once per database by `assertStandardStrings`); NUL characters, which neither database stores in
 * text, are dropped. Identifiers are never taken from input.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Db } from '../index';

export type SqlValue = string | number | boolean | null | undefined;

/** Rows per multi-row statement. */
export const ROWS_PER_STATEMENT = 500;

export function lit(v: SqlValue): string {
  if (v === null || v === undefined) return 'NULL';
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) throw new Error('non-finite number in SQL literal');
      return String(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'string': {
      let s = v;
      if (s.includes("'")) s = s.replace(/'/g, "''");
      if (s.includes('\0')) s = s.replace(/\0/g, '');
      return `'${s}'`;
    }
    default:
      throw new Error('unsupported SQL literal type');
  }
}

/** `(v1, v2, …)` */
export function tuple(values: readonly SqlValue[]): string {
  let out = '(';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    out += lit(values[i]);
  }
  return out + ')';
}

/** Splits rows into groups of `size`. */
export function groups<T>(rows: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Timestamps as the databases' own drivers write them (Sequelize's SQLite format keeps models able to read them). */
export function timestampLit(db: Db, d: Date): string {
  if (db.dialect === 'postgres') return lit(d.toISOString());
  return lit(sqliteTimestamp(d));
}

export function sqliteTimestamp(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
}

/** A stored timestamp (Date from pg, text from SQLite) → ISO 8601, or null. */
export function isoTimestamp(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  // The form this module and Sequelize write on SQLite: 'YYYY-MM-DD HH:MM:SS.SSS +00:00'.
  if (s.length === 30 && s.endsWith(' +00:00') && s[10] === ' ') return `${s.slice(0, 10)}T${s.slice(11, 23)}Z`;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return s;
  const d = new Date(`${m[1]}T${m[2]}${m[3] ? (m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z'}`);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

/** A stored DATE (text on both databases through Sequelize) → 'YYYY-MM-DD' or null. */
export function isoDate(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
}

/** Multi-row INSERT statements of at most `size` rows each. */
export function insertStatements(table: string, columns: readonly string[], values: readonly (readonly SqlValue[])[], size = ROWS_PER_STATEMENT): string[] {
  const head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
  const out: string[] = [];
  for (let i = 0; i < values.length; i += size) {
    const end = Math.min(values.length, i + size);
    let sql = head;
    for (let j = i; j < end; j++) {
      if (j > i) sql += ',';
      sql += tuple(values[j]);
    }
    out.push(sql);
  }
  return out;
}

/** `col IN (…)` for a list of strings or numbers; an empty list matches nothing. */
export function inList(column: string, values: readonly SqlValue[]): string {
  if (values.length === 0) return '1=0';
  let out = `${column} IN (`;
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    out += lit(values[i]);
  }
  return out + ')';
}

interface RawSqlite {
  exec(sql: string, cb: (err: Error | null) => void): void;
  all(sql: string, cb: (err: Error | null, rows: unknown[]) => void): void;
}
interface RawPg {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/**
 * Inside a transaction the statements go straight to the transaction's own driver connection:
 * Sequelize's query() inspects every statement's text several times (lower-casing it to guess the
 * statement kind), which for 250 KB multi-row statements costs more than running them.
 * Errors are re-shaped like Sequelize's (name + `parent` with the driver's code) and carry no SQL.
 */
function rawConnection(transaction?: Transaction): unknown {
  return transaction ? (transaction as unknown as { connection?: unknown }).connection : undefined;
}

function driverError(err: unknown): Error {
  const e = err as { code?: string; message?: string };
  const unique = e.code === '23505' || (e.code === 'SQLITE_CONSTRAINT' && /UNIQUE|PRIMARY KEY/.test(e.message ?? ''));
  const out = new Error(unique ? 'unique constraint violated' : 'database statement failed');
  // pg reports a lost connection without an SQLSTATE ("Connection terminated unexpectedly", "… is not
  // queryable"); the message is dropped below, so keep what it meant: a 503 "try again", not a 500.
  const lost = !e.code && /Connection terminated|not queryable|ECONNRESET|EPIPE/.test(e.message ?? '');
  out.name = unique ? 'SequelizeUniqueConstraintError' : e.code === 'SQLITE_BUSY' ? 'SequelizeTimeoutError' : lost ? 'SequelizeConnectionError' : 'SequelizeDatabaseError';
  const code = unique && e.code !== '23505' ? 'SQLITE_CONSTRAINT_UNIQUE' : e.code;
  Object.assign(out, { parent: { code }, original: { code } });
  return out;
}

async function raw(db: Db, conn: unknown, sql: string, wantRows: boolean): Promise<unknown[]> {
  if (db.dialect === 'postgres') {
    try {
      return (await (conn as RawPg).query(sql)).rows;
    } catch (err) {
      throw driverError(err);
    }
  }
  const c = conn as RawSqlite;
  return new Promise((resolve, reject) => {
    if (wantRows) c.all(sql, (err, found) => (err ? reject(driverError(err)) : resolve(found)));
    else c.exec(sql, (err) => (err ? reject(driverError(err)) : resolve([])));
  });
}

/** Runs a statement that returns nothing. */
export async function exec(db: Db, sql: string, transaction?: Transaction): Promise<void> {
  const conn = rawConnection(transaction);
  if (conn) {
    await raw(db, conn, sql, false);
    return;
  }
  await db.sequelize.query(sql, { transaction, type: QueryTypes.RAW });
}

/** Runs a SELECT (or a `… RETURNING` statement) and returns its rows. */
export async function rows<T extends object>(db: Db, sql: string, transaction?: Transaction): Promise<T[]> {
  const conn = rawConnection(transaction);
  if (conn) return (await raw(db, conn, sql, true)) as T[];
  // A leading comment makes Sequelize's SQLite driver use `all` for INSERT/UPDATE … RETURNING (see server/db/sql.ts).
  return db.sequelize.query<T>(`/* rows */ ${sql}`, { transaction, type: QueryTypes.SELECT });
}

const checkedStandardStrings = new WeakSet<Db>();

/** PostgreSQL must treat backslashes in literals as ordinary characters (the default); refuse to write otherwise. */
export async function assertStandardStrings(db: Db): Promise<void> {
  if (db.dialect !== 'postgres' || checkedStandardStrings.has(db)) return;
  const [row] = await rows<{ standard_conforming_strings: string }>(db, 'SHOW standard_conforming_strings');
  if (row?.standard_conforming_strings !== 'on') throw new Error('standard_conforming_strings must be on');
  checkedStandardStrings.add(db);
}
