import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { kdf } from '../services/passwords';

describe.each(dbVariants())('sign-in and tokens (%s)', (variant) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(variant, { lockoutThreshold: 3, lockoutMinutes: 15, tokenTtlMinutes: 60 });
  });
  afterEach(() => t.close());

  test('a demo login signs in and sees who it is', async () => {
    const token = await t.token('school');
    const me = await request(t.app).get('/api/v1/me').set(auth(token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ login: 'school', role: 'primary_chair', orgId: t.demo.orgIds.school });
    expect(me.body.obligationRecordedAt).not.toBeNull();
  });

  test('wrong password is 401 problem+json in Russian; the login is not revealed', async () => {
    const bad = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'nope' });
    const unknown = await request(t.app).post('/api/v1/auth/login').send({ login: 'nobody', password: 'nope' });
    expect(bad.status).toBe(401);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.detail).toMatch(/Неверный логин или пароль/);
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe(bad.body.detail);
  });

  test('repeated failures lock the account; the lock ends after the set time', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'bad' })).status).toBe(401);
    }
    const third = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'bad' });
    expect(third.status).toBe(423);
    expect(third.body.detail).toMatch(/заблокирован на 15 мин/);
    // Even the right password is refused while locked.
    const right = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' });
    expect(right.status).toBe(423);
    t.clock.advanceMinutes(16);
    const after = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' });
    expect(after.status).toBe(200);
  });

  test('every sign-in costs exactly one scrypt run: unknown, disabled, locked, wrong and right password alike (logins cannot be told apart by time)', async () => {
    const spy = jest.spyOn(kdf, 'scrypt');
    try {
      const runs = async (login: string, password: string) => {
        spy.mockClear();
        const res = await request(t.app).post('/api/v1/auth/login').send({ login, password });
        return { status: res.status, runs: spy.mock.calls.length };
      };
      await t.ctx.db.models.User.update({ active: false }, { where: { login: 'kindergarten' } });
      expect(await runs('nobody-here', 'whatever')).toEqual({ status: 401, runs: 1 });
      expect(await runs('kindergarten', 'demo-kindergarten-2026')).toEqual({ status: 401, runs: 1 });
      expect(await runs('school', 'wrong')).toEqual({ status: 401, runs: 1 });
      expect(await runs('school', 'demo-school-2026')).toEqual({ status: 200, runs: 1 });
      await t.ctx.db.models.User.update({ lockedUntil: new Date(t.clock.now.getTime() + 60_000) }, { where: { login: 'school' } });
      expect(await runs('school', 'demo-school-2026')).toEqual({ status: 423, runs: 1 });
    } finally {
      spy.mockRestore();
    }
  });

  test('guessing the current password at a password change locks like sign-in and ends the session', async () => {
    const token = await t.token('school');
    const change = (oldPassword: string) => request(t.app).post('/api/v1/auth/password').set(auth(token)).send({ oldPassword, newPassword: 'Новый-пароль-2027' });
    for (let i = 0; i < 2; i++) {
      const wrong = await change(`угадываю-${i}`);
      expect(wrong.status).toBe(400);
      expect(wrong.body.errors[0].field).toBe('oldPassword');
    }
    const third = await change('угадываю-3');
    expect(third.status).toBe(423);
    expect(third.body.detail).toMatch(/заблокирована на 15 мин/);
    // The session is over, and the right password does not open the account until the lock ends.
    expect((await request(t.app).get('/api/v1/me').set(auth(token))).status).toBe(401);
    expect((await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' })).status).toBe(423);
    expect(await t.ctx.db.models.AuditEntry.count({ where: { action: 'account.locked' } })).toBe(1);
    t.clock.advanceMinutes(16);
    expect((await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' })).status).toBe(200);
  });

  test('failed password-change guesses and failed sign-ins share one counter', async () => {
    const token = await t.token('school');
    expect((await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'bad' })).status).toBe(401);
    expect((await request(t.app).post('/api/v1/auth/password').set(auth(token)).send({ oldPassword: 'bad', newPassword: 'Новый-пароль-2027' })).status).toBe(400);
    expect((await request(t.app).post('/api/v1/auth/password').set(auth(token)).send({ oldPassword: 'bad', newPassword: 'Новый-пароль-2027' })).status).toBe(423);
  });

  test('a token expires and a revoked token stops working', async () => {
    const token = await t.token('school');
    expect((await request(t.app).get('/api/v1/me').set(auth(token))).status).toBe(200);
    t.clock.advanceMinutes(61);
    const expired = await request(t.app).get('/api/v1/me').set(auth(token));
    expect(expired.status).toBe(401);
    expect(expired.body.type).toBe('/problems/session_expired');

    const fresh = (await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' })).body.token;
    expect((await request(t.app).post('/api/v1/auth/logout').set(auth(fresh))).status).toBe(204);
    expect((await request(t.app).get('/api/v1/me').set(auth(fresh))).status).toBe(401);
  });

  test('tokens are stored hashed', async () => {
    const token = await t.token('school');
    const rows = await t.ctx.db.models.AuthToken.findAll();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tokenHash !== token && /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  test('no token, a malformed header and a random token are all 401', async () => {
    expect((await request(t.app).get('/api/v1/me')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/me').set('Authorization', 'Basic abc')).status).toBe(401);
    expect((await request(t.app).get('/api/v1/me').set(auth('x'.repeat(43)))).status).toBe(401);
  });

  test('sign-in is rate limited per client', async () => {
    await t.close();
    t = await startTestApp(variant, { loginRateLimit: 3, loginRateWindowSeconds: 60 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await request(t.app).post('/api/v1/auth/login').send({ login: 'x', password: 'y' })).status);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });

  test('malformed JSON, wrong types, unknown fields, oversized body → 4xx problem naming the field', async () => {
    const malformed = await request(t.app).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"login": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toBe('/problems/malformed_json');

    const wrongType = await request(t.app).post('/api/v1/auth/login').send({ login: 5, password: 'x' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors.map((e: { field: string }) => e.field)).toContain('login');

    const unknown = await request(t.app).post('/api/v1/auth/login').send({ login: 'a', password: 'b', admin: true });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toMatch(/admin/);

    const huge = await request(t.app).post('/api/v1/auth/login').send({ login: 'a', password: 'x'.repeat(6 * 1024 * 1024) });
    expect(huge.status).toBe(413);

    const proto = await request(t.app).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"__proto__": {"admin": true}, "login": "a", "password": "b"}');
    expect(proto.status).toBe(400);
  });
});
