/**
 * The sign-in lockout under concurrent attempts. Sequential failures lock the account at the threshold
 * (covered here and, across two server processes, in test/trust/load.test.ts). Attempts that arrive
 * at once must not get around it: once the threshold is reached, a correct password sent in the same
 * burst must not sign in, and the account is locked once.
 */
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app';
import { dbVariants } from '../support/db';

describe.each(dbVariants())('sign-in lockout under a burst of attempts (%s)', (variant) => {
  let t: TestApp;
  // A fresh app per test: each test counts failures from zero (the first leaves the account locked).
  beforeEach(async () => {
    t = await startTestApp(variant, { lockoutThreshold: 5 });
  });
  afterEach(() => t.close());

  const attempt = (password: string) => request(t.app).post('/api/v1/auth/login').send({ login: 'school', password });

  test('sequential failures lock the account at the threshold; then even the right password is refused', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(`wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    expect((await attempt('demo-school-2026')).status).toBe(423);
    t.clock.advanceMinutes(t.ctx.config.lockoutMinutes + 1);
    expect((await attempt('demo-school-2026')).status).toBe(200);
  });

  test('a burst past the threshold does not let the right password in', async () => {
    // Four failures on record: the next wrong password locks the account.
    for (let i = 0; i < 4; i++) expect((await attempt(`wrong-before-${i}`)).status).toBe(401);
    const lockedBefore = await t.ctx.db.models.AuditEntry.count({ where: { action: 'account.locked' } });
    // Ten wrong guesses and, sent last, the right password — all at once.
    const burst = await Promise.all([...Array.from({ length: 10 }, (_, i) => attempt(`wrong-burst-${i}`)), attempt('demo-school-2026')]);
    const statuses = burst.map((r) => r.status);
    const locks = (await t.ctx.db.models.AuditEntry.count({ where: { action: 'account.locked' } })) - lockedBefore;
    console.log(`lockout burst (${variant}): answers ${statuses.join(',')}; account locked ${locks} time(s)`);
    expect(burst[10].status).not.toBe(200);
    expect(burst[10].body.token).toBeUndefined();
    expect(locks).toBe(1);
  });
});
