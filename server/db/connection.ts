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

/** Settings that SQLite keeps per connection (not per file). */
const SQLITE_CONNECTION_PRAGMAS = 'PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;';

interface SqliteHandle {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/**
 * Sequelize's SQLite driver opens a separate connection for every transaction; without this, a
 * transaction would run with the defaults (no busy timeout, synchronous = FULL). Every connection it
 * hands out gets the same settings before its first statement.
 */
function preparePerConnection(sequelize: Sequelize): void {
  const manager = sequelize.connectionManager as unknown as { getConnection(options?: unknown): Promise<SqliteHandle> };
  const getConnection = manager.getConnection.bind(manager);
  const prepared = new WeakSet<SqliteHandle>();
  manager.getConnection = async (options?: unknown) => {
    const connection = await getConnection(options);
    if (!prepared.has(connection)) {
      prepared.add(connection);
      await new Promise<void>((resolve, reject) => connection.exec(SQLITE_CONNECTION_PRAGMAS, (err) => (err ? reject(err) : resolve())));
    }
    return connection;
  };
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'postgres' ? 'postgres' : 'sqlite';
}
