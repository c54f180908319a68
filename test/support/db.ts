/**
 * Fresh databases for tests: a new SQLite file per call, and (when PostgreSQL is reachable) a new
 * PostgreSQL database per call, dropped afterwards. `dbVariants()` lists which to run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Db } from '../../server/db';

export type DbVariant = 'sqlite' | 'postgres';

export function dbVariants(): DbVariant[] {
  return process.env.TEST_PG_AVAILABLE === '1' ? ['sqlite', 'postgres'] : ['sqlite'];
}

export interface TestDb {
  db: Db;
  variant: DbVariant;
  dataDir: string;
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

const ADMIN_PG_URL = () => process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function pgUrl(database: string): string {
  const u = new URL(ADMIN_PG_URL());
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `reg_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_PG_URL() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: pgUrl(name),
    drop: async () => {
      const c = new Client({ connectionString: ADMIN_PG_URL() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function openTestDb(variant: DbVariant, opts: { migrate?: boolean } = {}): Promise<TestDb> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-test-'));
  if (variant === 'sqlite') {
    const db = await openDatabase({ databaseUrl: null, dataDir, migrate: opts.migrate });
    return {
      db, variant, dataDir, databaseUrl: null,
      cleanup: async () => {
        await db.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const pg = await createPgDatabase();
  const db = await openDatabase({ databaseUrl: pg.url, dataDir, migrate: opts.migrate, poolMax: 5 });
  return {
    db, variant, dataDir, databaseUrl: pg.url,
    cleanup: async () => {
      await db.close();
      await pg.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
