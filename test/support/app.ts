/** A real registry app on a fresh database, with the demo tree seeded and a controllable clock. */
import request from 'supertest';
import { createApp, type AppDeps, type RegistryApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/logger';
import { seedDemo, DEMO_LOGINS, type DemoSeedOptions, type DemoSeedResult } from '../../server/services/demo-seed';
import type { Ctx } from '../../server/services/context';
import { openTestDb, type DbVariant, type TestDb } from './db';

export interface TestApp {
  app: RegistryApp;
  ctx: Ctx;
  demo: DemoSeedResult;
  testDb: TestDb;
  clock: { now: Date; advanceMinutes(m: number): void };
  /** Sign in as a demo login; returns the bearer token. */
  token(login: DemoLoginName): Promise<string>;
  close(): Promise<void>;
}

export type DemoLoginName = (typeof DEMO_LOGINS)[number]['login'];

export function testConfig(overrides: Partial<Config> = {}): Config {
  return loadConfig(
    { LOG_LEVEL: 'info', LOG_FILE: process.env.LOG_FILE, DEMO: '1' },
    { scryptCost: 1024, loginRateLimit: 1000, ...overrides },
  );
}

/**
 * `options`: how the demo is seeded (by default the bare tree, without the details documents need) and
 * what the composition root is given besides its defaults (e.g. `memberCounters: null`).
 */
export async function startTestApp(
  variant: DbVariant,
  overrides: Partial<Config> = {},
  options: DemoSeedOptions & Pick<AppDeps, 'memberCounters'> = {},
): Promise<TestApp> {
  const { memberCounters, ...demoOptions } = options;
  const testDb = await openTestDb(variant);
  const config = testConfig({ dataDir: testDb.dataDir, databaseUrl: testDb.databaseUrl, ...overrides });
  const clock = {
    now: new Date('2026-11-26T09:00:00Z'),
    advanceMinutes(m: number) {
      this.now = new Date(this.now.getTime() + m * 60_000);
    },
  };
  const log = createLogger(config.logLevel, config.logFile);
  const app = createApp({ config, db: testDb.db, log, now: () => clock.now, ...(memberCounters !== undefined ? { memberCounters } : {}) });
  // By default the bare demo tree: the tests of «details missing» answers fill the details themselves
  // (prepareConsentDetails); server/services/demo-documents.test.ts starts from the full demo.
  const demo = await seedDemo(app.locals.ctx, { documentDetails: false, ...demoOptions });
  const tokens = new Map<string, string>();
  return {
    app,
    ctx: app.locals.ctx,
    demo,
    testDb,
    clock,
    async token(login) {
      const cached = tokens.get(login);
      if (cached) return cached;
      const password = DEMO_LOGINS.find((l) => l.login === login)!.password;
      const res = await request(app).post('/api/v1/auth/login').send({ login, password });
      if (res.status !== 200) throw new Error(`demo login ${login} failed: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(login, res.body.token);
      return res.body.token as string;
    },
    close: () => testDb.cleanup(),
  };
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
