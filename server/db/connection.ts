/** One Sequelize instance per server (or per test): SQLite file under DATA_DIR, or PostgreSQL by DATABASE_URL. */
import fs from 'node:fs';
import path from 'node:path';
import { Sequelize, Transaction } from 'sequelize';

export type Dialect = 'sqlite' | 'postgres';

export interface DbOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** SQLite file name inside dataDir. */
  sqliteFile?: string;
  poolMax?: number;
}

export function sqlitePath(opts: Pick<DbOptions, 'dataDir' | 'sqliteFile'>): string {
  return path.join(opts.dataDir, opts.sqliteFile ?? 'registry.sqlite');
}

export async function connect(opts: DbOptions): Promise<Sequelize> {
  if (opts.databaseUrl) {
    const sequelize = new Sequelize(opts.databaseUrl, {
      dialect: 'postgres',
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
  await sequelize.query('PRAGMA journal_mode = WAL');
  await sequelize.query('PRAGMA synchronous = NORMAL');
  await sequelize.query('PRAGMA foreign_keys = ON');
  await sequelize.query('PRAGMA busy_timeout = 10000');
  return sequelize;
}

export function dialectOf(sequelize: Sequelize): Dialect {
  return sequelize.getDialect() === 'postgres' ? 'postgres' : 'sqlite';
}
