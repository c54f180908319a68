/** The bulk writer's interface and what both adapters share (see ./index.ts). */
export type BulkValue = string | number | boolean | null | undefined;
export type BulkType = 'text' | 'integer' | 'date' | 'timestamptz' | 'boolean';

export interface BulkColumn {
  name: string;
  /** Default 'text'. */
  type?: BulkType;
}

export interface VersionedTable {
  table: string;
  /** Every column the rows carry, in row order. */
  columns: readonly BulkColumn[];
  /** The key column (text), the version column (integer) and the columns an update never changes. */
  key: string;
  version: string;
  immutable: readonly string[];
}

export interface BulkWriter {
  /** Queues an INSERT of `rows` (each in `columns` order). */
  insert(table: string, columns: readonly BulkColumn[], rows: readonly (readonly BulkValue[])[]): void;
  /**
   * Updates rows whose stored version is still `expected[i]` (each row carries version expected[i] + 1);
   * returns the keys it updated. A row changed or deleted meanwhile is simply not updated.
   */
  updateVersioned(spec: VersionedTable, rows: readonly (readonly BulkValue[])[], expected: readonly number[]): Promise<Set<string>>;
  /** The keys among `keys` whose row still has the paired version. */
  existingVersions(table: string, key: string, version: string, keys: readonly string[], versions: readonly number[]): Promise<Set<string>>;
  /** Queues `DELETE FROM table WHERE column IN (values)`. */
  deleteIn(table: string, column: string, values: readonly string[]): void;
  /**
   * Lets what is queued reach the database (one turn of the event loop) and returns: the database then
   * works on it while the caller prepares the next statements. Queued statements otherwise leave only
   * at the caller's next await.
   */
  send(): Promise<void>;
  flush(): Promise<void>;
}

/** NUL is not storable in text on PostgreSQL; both adapters drop it so a value reads back the same on both. */
export function storableText(s: string): string {
  return s.includes('\0') ? s.replace(/\0/g, '') : s;
}

/** Runs queued statements one after another; `flush` throws the first failure. */
export class StatementQueue {
  private chain: Promise<void> = Promise.resolve();

  push(run: () => Promise<unknown>): void {
    this.chain = this.chain.then(async () => {
      await run();
    });
    this.chain.catch(() => undefined);
  }

  /** Runs `run` after everything queued so far (a failure there is thrown here). */
  async after<T>(run: () => Promise<T>): Promise<T> {
    await this.flush();
    return run();
  }

  async flush(): Promise<void> {
    const chain = this.chain;
    this.chain = Promise.resolve();
    await chain;
  }
}
