/**
 * Housekeeping on both databases: what is old is deleted, what is recent stays, and a push retried after
 * its stored answer was deleted still writes nobody twice.
 */
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { DEMO_LOGINS } from './demo-seed';
import { runHousekeeping } from './housekeeping';

const DAY = 24 * 60;

describe.each(dbVariants())('housekeeping (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());

  const count = async (sql: string) => Number((await t.ctx.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT }))[0].n);
  const rows = (from: number) =>
    [
      { surname: 'Старова', name: 'Анна', birthDate: '01.02.1980', category: 'Работник', snils: '112-233-445 95' },
      { surname: 'Новикова', name: 'Вера', birthDate: '03.04.1985', category: 'Работник' },
    ].map((values, i) => ({ row: from + i, values }));
  const signIn = async (login: 'school') => {
    const password = DEMO_LOGINS.find((l) => l.login === login)!.password;
    return (await request(t.app).post('/api/v1/auth/login').send({ login, password }).expect(200)).body.token as string;
  };
  const push = (token: string, key: string, from: number) =>
    request(t.app).post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`).set(auth(token)).send({ idempotencyKey: key, rows: rows(from) });

  test('old answers, rate-limit windows and long-expired tokens go; recent ones stay; a late retry duplicates nothing', async () => {
    const oldToken = await t.token('school');
    const first = await push(oldToken, 'housekeeping-old-1', 2);
    expect(first.body.counts.created).toBe(2);
    const members = await count('SELECT COUNT(*) AS n FROM members');

    t.clock.advanceMinutes(31 * DAY);
    const token = await signIn('school');
    const recent = await push(token, 'housekeeping-new-1', 2);
    expect(recent.body).toMatchObject({ counts: { unchanged: 2 } });
    // Another client's sign-in window that ended a month ago (this client's own window was just renewed).
    await t.ctx.db.sequelize.query(`INSERT INTO rate_limit_hits (key, hits, reset_ms) VALUES ('login:203.0.113.7', 3, ${t.clock.now.getTime() - 30 * DAY * 60_000})`);
    const keysBefore = await count('SELECT COUNT(*) AS n FROM idempotency_keys');
    const tokensBefore = await count('SELECT COUNT(*) AS n FROM auth_tokens');
    const windowsBefore = await count('SELECT COUNT(*) AS n FROM rate_limit_hits');

    const r = await runHousekeeping(t.ctx);
    expect(r).toMatchObject({ idempotencyKeys: 1, authTokens: 1, rateLimitWindows: 1 });
    expect(await count('SELECT COUNT(*) AS n FROM idempotency_keys')).toBe(keysBefore - r.idempotencyKeys);
    expect(await count('SELECT COUNT(*) AS n FROM auth_tokens')).toBe(tokensBefore - r.authTokens);
    expect(await count('SELECT COUNT(*) AS n FROM rate_limit_hits')).toBe(windowsBefore - r.rateLimitWindows);
    expect(await count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = 'housekeeping-old-1'")).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM idempotency_keys WHERE key = 'housekeeping-new-1'")).toBe(1);

    // The recent key still replays its stored answer (the same batch); the current token still works.
    const replay = await push(token, 'housekeeping-new-1', 2);
    expect(replay.body).toEqual(recent.body);
    // The old key's answer is gone: the same rows are answered afresh and match the members they created.
    const late = await push(token, 'housekeeping-old-1', 2);
    expect(late.status).toBe(200);
    expect(late.body.counts).toMatchObject({ created: 0, unchanged: 2 });
    expect(await count('SELECT COUNT(*) AS n FROM members')).toBe(members);

    // Nothing left to delete: a second run deletes nothing.
    expect(await runHousekeeping(t.ctx)).toEqual({ idempotencyKeys: 0, rateLimitWindows: 0, authTokens: 0, refreshTokens: 0, documentFiles: 0 });
  });
});
