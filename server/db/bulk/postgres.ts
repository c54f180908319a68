/**
 * The PostgreSQL bulk adapter: every value travels as a bound parameter. A group of rows becomes one
 * array parameter per column and one statement, `INSERT INTO t (…) SELECT … FROM unnest($1::text[],
 * $2::integer[], …)`; a column whose value every row shares is bound once as a scalar. The SQL text is
 * a few hundred bytes whatever the number of rows, so PostgreSQL parses almost nothing and a chunk of
 * 2,000 members is one round trip per table instead of one per 500 rows.
 *
 * Errors keep Sequelize's error class name and the driver's SQLSTATE (`parent.code`) but carry neither
 * the SQL nor the parameters nor the server's message, which may quote a value (personal data).
 */
import { QueryTypes, type Transaction } from 'sequelize';
import type { Db } from '../index';
import { StatementQueue, storableText, type BulkColumn, type BulkValue, type BulkWriter, type VersionedTable } from './types';

/** Rows per statement: bounds one statement's parameter size; a push chunk (2,000 rows) is one statement. */
const ROWS_PER_STATEMENT = 5000;

function bindValue(v: BulkValue): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
      return storableText(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error('non-finite number in a bulk write');
      return v;
    case 'boolean':
      return v;
    default:
      throw new Error('unsupported value type in a bulk write');
  }
}

function cleanError(err: unknown): Error {
  const e = err as { name?: string; message?: string; parent?: { code?: string; message?: string }; original?: { code?: string } };
  const code = e.parent?.code ?? e.original?.code;
  const unique = code === '23505';
  const lost = !code && /Connection terminated|not queryable|ECONNRESET|EPIPE/.test(`${e.message ?? ''} ${e.parent?.message ?? ''}`);
  const out = new Error(unique ? 'unique constraint violated' : 'database statement failed');
  out.name = unique ? 'SequelizeUniqueConstraintError' : lost ? 'SequelizeConnectionError' : (e.name ?? 'SequelizeDatabaseError');
  Object.assign(out, { parent: { code }, original: { code } });
  return out;
}

function groupsOf<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

function typeOf(c: BulkColumn): string {
  return c.type ?? 'text';
}

export class PostgresBulkWriter implements BulkWriter {
  private readonly queue = new StatementQueue();

  constructor(
    private readonly db: Db,
    private readonly tx: Transaction,
  ) {}

  private async run<T extends object>(sql: string, bind: unknown[], select: boolean): Promise<T[]> {
    try {
      if (select) return await this.db.sequelize.query<T>(sql, { bind, transaction: this.tx, type: QueryTypes.SELECT });
      await this.db.sequelize.query(sql, { bind, transaction: this.tx, type: QueryTypes.RAW });
      return [];
    } catch (err) {
      throw cleanError(err);
    }
  }

  insert(table: string, columns: readonly BulkColumn[], values: readonly (readonly BulkValue[])[]): void {
    for (const g of groupsOf(values)) {
      const { sql, bind } = insertStatement(table, columns, g);
      this.queue.push(() => this.run(sql, bind, false));
    }
  }

  async updateVersioned(spec: VersionedTable, values: readonly (readonly BulkValue[])[], expected: readonly number[]): Promise<Set<string>> {
    const mutable = spec.columns.map((c, i) => ({ c, i })).filter(({ c }) => c.name !== spec.key && !spec.immutable.includes(c.name));
    const keyAt = spec.columns.findIndex((c) => c.name === spec.key);
    const done = new Set<string>();
    for (let start = 0; start < values.length; start += ROWS_PER_STATEMENT) {
      const g = values.slice(start, start + ROWS_PER_STATEMENT);
      const bind: unknown[] = [g.map((r) => bindValue(r[keyAt])), expected.slice(start, start + g.length).map(bindValue)];
      for (const { i } of mutable) bind.push(g.map((r) => bindValue(r[i])));
      const params = ['$1::text[]', '$2::integer[]', ...mutable.map(({ c }, k) => `$${k + 3}::${typeOf(c)}[]`)];
      const alias = ['k', 'expected', ...mutable.map((_, k) => `c${k}`)];
      const sql =
        `UPDATE ${spec.table} AS t SET ${mutable.map(({ c }, k) => `${c.name} = v.c${k}`).join(', ')} ` +
        `FROM unnest(${params.join(', ')}) AS v(${alias.join(', ')}) ` +
        `WHERE t.${spec.key} = v.k AND t.${spec.version} = v.expected RETURNING t.${spec.key} AS k`;
      const found = await this.queue.after(() => this.run<{ k: string }>(sql, bind, true));
      for (const r of found) done.add(r.k);
    }
    return done;
  }

  async existingVersions(table: string, key: string, version: string, keys: readonly string[], versions: readonly number[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const sql =
      `SELECT t.${key} AS k FROM ${table} AS t JOIN unnest($1::text[], $2::integer[]) AS v(k, ver) ` +
      `ON t.${key} = v.k AND t.${version} = v.ver`;
    const found = await this.queue.after(() => this.run<{ k: string }>(sql, [keys.map(bindValue), versions.map(bindValue)], true));
    return new Set(found.map((r) => r.k));
  }

  deleteIn(table: string, column: string, values: readonly string[]): void {
    if (values.length === 0) return;
    const bind = [values.map(bindValue)];
    this.queue.push(() => this.run(`DELETE FROM ${table} WHERE ${column} = ANY($1::text[])`, bind, false));
  }

  send(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }
}

/** `INSERT … SELECT` from unnest of one array per varying column; shared values bound once. */
export function insertStatement(table: string, columns: readonly BulkColumn[], values: readonly (readonly BulkValue[])[]): { sql: string; bind: unknown[] } {
  const n = columns.length;
  const prepared = values.map((r) => {
    const out: (string | number | boolean | null)[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = bindValue(r[i]);
    return out;
  });
  const first = prepared[0];
  const shared: boolean[] = new Array(n).fill(values.length > 1);
  for (let r = 1; r < prepared.length; r++) {
    const row = prepared[r];
    for (let i = 0; i < n; i++) if (shared[i] && row[i] !== first[i]) shared[i] = false;
  }
  if (shared.every(Boolean)) shared.fill(false);
  const bind: unknown[] = [];
  const select: string[] = [];
  const arrays: string[] = [];
  const alias: string[] = [];
  for (let i = 0; i < n; i++) {
    const type = typeOf(columns[i]);
    if (shared[i]) {
      bind.push(first[i]);
      select.push(`$${bind.length}::${type}`);
    } else {
      bind.push(prepared.map((r) => r[i]));
      arrays.push(`$${bind.length}::${type}[]`);
      alias.push(`c${i}`);
      select.push(`v.c${i}`);
    }
  }
  const sql = `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT ${select.join(', ')} FROM unnest(${arrays.join(', ')}) AS v(${alias.join(', ')})`;
  return { sql, bind };
}
