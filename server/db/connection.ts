/** One Sequelize instance per server (or per test): SQLite file under DATA_DIR, or PostgreSQL by DATABASE_URL. */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Sequelize, Transaction } from 'sequelize';

export type Dialect = 'sqlite' | 'postgres';

export interface DbOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** SQLite file name inside dataDir. */
  sqliteFile?: string;
  poolMax?: number;
}

/**
 * pg clients that never crash the process: a connection terminated by the server (restart, admin
 * command) emits 'error' on the client, and Sequelize attaches its own listener only after the
 * connection is set up. A listener from birth turns that window's error into a failed query (503).
 */
class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => {
      (this as unknown as { _invalid?: boolean })._invalid = true;
    });
  }
}
const guardedPg: typeof pg = Object.create(pg, { Client: { value: GuardedClient } });

export function sqlitePath(opts: Pick<DbOptions, 'dataDir' | 'sqliteFile'>): string {
  return path.join(opts.dataDir, opts.sqliteFile ?? 'registry.sqlite');
}

export async function connect(opts: DbOptions): Promise<Sequelize> {
  if (opts.databaseUrl) {
    const sequelize = new Sequelize(opts.databaseUrl, {
      dialect: 'postgres',
      dialectModule: guardedPg,
      logging: false,
      pool: { max: opts.poolMax ?? 10, min: 0, idle: 10_000, acquire: 30_000 },
    });
    await sequelize.authenticate();
    return sequelize;
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const sequelize = new Sequelize({
    dialect: 'sqlite',
    storage: sqlitePath(opts),
    logging: false,
    // One connection: SQLite serialises writers anyway, and one connection keeps transactions simple.
    pool: { max: 1, min: 1, idle: Number.MAX_SAFE_INTEGER },
    transactionType: Transaction.TYPES.IMMEDIATE,
  });
  preparePerConnection(sequelize);
  await sequelize.query('PRAGMA journal_mode = WAL'); // persistent: a property of the file
  return sequelize;
}

/**
 * Settings that SQLite keeps per connection (not per file).
 *  - cache_size: 8 MB of pages (the default is 2 MB): more of the member table's six indexes stay in
 *    memory between the statements of a push. 32 MB was no faster in bench/members.bench.ts and cost
 *    ~25 MB more peak RSS for 100,000 rows (each kept connection holds its own cache).
 *  - wal_autocheckpoint: 10,000 pages (~40 MB of WAL) instead of 1,000. With the default nearly every
 *    2,000-row push ran a checkpoint inside its COMMIT (copying pages back and syncing the file); now
 *    one in several does, and an index page changed by several pushes is copied back once. Measured
 *    in bench/members.bench.ts: COMMIT time for 10,000 rows 165–287 ms → 58–64 ms.
 */
const SQLITE_CONNECTION_PRAGMAS =
  'PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 10000;';

/** Transaction connections kept open for the next transaction (each holds its warm page cache). */
const IDLE_TRANSACTION_CONNECTIONS = 1;

interface SqliteHandle {
  uuid?: string;
  exec(sql: string, cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
}

interface SqliteConnectionManager {
  connections: Record<string, SqliteHandle>;
  getConnection(options?: { uuid?: string }): Promise<SqliteHandle>;
  releaseConnection(connection: SqliteHandle, force?: boolean): void;
  close(): Promise<void>;
}

/**
 * Sequelize's SQLite driver opens a separate connection for every transaction and closes it after the
 * commit. Two changes here:
 *  - every connection it hands out gets the same settings before its first statement (without this, a
 *    transaction would run with the defaults: no busy timeout, synchronous = FULL);
 *  - a transaction's connection, once committed or rolled back, is kept (one; member writes run one at
 *    a time on SQLite anyway) and handed to the next transaction instead of opening a new one: opening
 *    costs ~4 ms, and a new connection starts with an empty page cache, so every index page a push
 *    touches had to be read and parsed again (measured in bench/members.bench.ts). Sequelize releases a connection only after COMMIT or a
 *    successful ROLLBACK (a failed rollback destroys it instead), so a kept connection is never in
 *    the middle of a transaction.
 */
function preparePerConnection(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as SqliteConnectionManager;
  const getConnection = manager.getConnection.bind(manager);
  const releaseConnection = manager.releaseConnection.bind(manager);
  const close = manager.close.bind(manager);
  const prepared = new WeakSet<SqliteHandle>();
  const idle: SqliteHandle[] = [];
  let closed = false;
  manager.getConnection = async (options?: { uuid?: string }) => {
    const uuid = options?.uuid;
    if (uuid && uuid !== 'default' && !manager.connections[uuid] && idle.length) {
      const reused = idle.pop()!;
      reused.uuid = uuid;
      manager.connections[uuid] = reused;
      return reused;
    }
    const connection = await getConnection(options);
    if (!prepared.has(connection)) {
      prepared.add(connection);
      await new Promise<void>((resolve, reject) => connection.exec(SQLITE_CONNECTION_PRAGMAS, (err) => (err ? reject(err) : resolve())));
    }
    return connection;
  };
  manager.releaseConnection = (connection: SqliteHandle, force?: boolean) => {
    const uuid = connection.uuid;
    if (!closed && !force && uuid && uuid !== 'default' && manager.connections[uuid] === connection && idle.length < IDLE_TRANSACTION_CONNECTIONS) {
      delete manager.connections[uuid];
      idle.push(connection);
      return;
    }
    releaseConnection(connection, force);
  };
  manager.close = async () => {
    closed = true;
    await Promise.all(idle.splice(0).map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
    await close();
  };
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'postgres' ? 'postgres' : 'sqlite';
}
