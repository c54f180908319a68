// Decides once per run whether the PostgreSQL half of the database tests runs.
// CI sets REQUIRE_PG=1 (after starting PostgreSQL): then an unreachable server fails the run.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export default async function globalSetup(): Promise<void> {
  const logDir = path.resolve(__dirname, '../../artifacts/test-logs');
  fs.rmSync(logDir, { recursive: true, force: true });
  fs.mkdirSync(logDir, { recursive: true });

  const url = process.env.TEST_PG_URL ?? DEFAULT_TEST_PG_URL;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env.TEST_PG_URL = url;
    process.env.TEST_PG_AVAILABLE = '1';
  } catch (err) {
    if (process.env.REQUIRE_PG === '1') {
      throw new Error(`PostgreSQL is required for this run but ${url} is unreachable: ${(err as Error).message}`);
    }
    process.env.TEST_PG_AVAILABLE = '0';
    console.warn(`\n[tests] PostgreSQL at ${url} is unreachable: PostgreSQL variants of the database tests are skipped. Set REQUIRE_PG=1 to make this an error.\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
