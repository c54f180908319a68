/**
 * «Запомнить меня на этом компьютере»: refresh tokens through the real HTTP API on SQLite and
 * PostgreSQL — issued only when asked, stored hashed, rotated on every exchange, a reused token ends
 * its whole family (and the sessions it issued), and a password change, a reset, a deactivation,
 * a logout and «Выйти на всех устройствах» end them.
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';

describe.each(dbVariants())('remembered sign-in: refresh tokens (%s)', (variant) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(variant, { tokenTtlMinutes: 60, refreshTtlDays: 30 });
  });
  afterEach(() => t.close());

  const api = () => request(t.app);
  const remember = async (login = 'school', password = 'demo-school-2026') => {
    const res = await api().post('/api/v1/auth/login').send({ login, password, remember: true });
    expect(res.status).toBe(200);
    return res.body as { token: string; refreshToken: string; refreshExpiresAt: string };
  };
  const exchange = (refreshToken: string) => api().post('/api/v1/auth/refresh').send({ refreshToken });
  const rows = async (sql: string) => (await t.ctx.db.sequelize.query(sql))[0] as Record<string, unknown>[];

  test('only «remember me» issues a refresh token; the database keeps its hash, never the token', async () => {
    const plain = await api().post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' });
    expect(plain.status).toBe(200);
    expect(plain.body.refreshToken).toBeUndefined();
    const r = await remember();
    expect(r.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(new Date(r.refreshExpiresAt).getTime() - t.clock.now.getTime()).toBe(30 * 24 * 60 * 60_000);
    const stored = await rows('SELECT token_hash, family_id FROM refresh_tokens');
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(r.refreshToken);
  });

  test('an exchange gives a working session and a new refresh token; the old one is spent', async () => {
    const first = await remember();
    t.clock.advanceMinutes(24 * 60); // the next day: the session of yesterday has expired
    expect((await api().get('/api/v1/me').set(auth(first.token))).status).toBe(401);
    const next = await exchange(first.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(first.refreshToken);
    expect(next.body.user).toMatchObject({ login: 'school' });
    expect((await api().get('/api/v1/me').set(auth(next.body.token))).status).toBe(200);
    // The chain goes on: the new one works once too.
    const third = await exchange(next.body.refreshToken);
    expect(third.status).toBe(200);
    const family = await rows('SELECT DISTINCT family_id FROM refresh_tokens');
    expect(family).toHaveLength(1);
    const audit = await rows("SELECT action FROM audit_log WHERE action LIKE 'auth.%' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(['auth.login', 'auth.refresh', 'auth.refresh']);
  });

  test('reuse detection: a spent token presented again ends the whole family and its sessions', async () => {
    const first = await remember();
    const second = await exchange(first.refreshToken);
    expect(second.status).toBe(200);
    // Someone replays the first (copied) token: refused, and the chair's current chain ends too.
    const replay = await exchange(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(replay.body).toMatchObject({ type: expect.stringMatching(/refresh_ended$/), detail: 'Вход на этом компьютере больше не запомнен. Войдите снова.' });
    expect((await exchange(second.body.refreshToken)).status).toBe(401);
    expect((await api().get('/api/v1/me').set(auth(second.body.token))).status).toBe(401);
    expect((await api().get('/api/v1/me').set(auth(first.token))).status).toBe(401);
    expect((await rows("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.refresh_reused'"))[0].n).toEqual(variant === 'postgres' ? '1' : 1);
    // Another computer's family (another sign-in with «remember me») is not touched.
    const other = await remember();
    expect((await exchange(other.refreshToken)).status).toBe(200);
  });

  test('two exchanges of one token at the same moment: one wins, the family ends', async () => {
    const first = await remember();
    const [a, b] = await Promise.all([exchange(first.refreshToken), exchange(first.refreshToken)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
    const winner = a.status === 200 ? a : b;
    expect((await exchange(winner.body.refreshToken)).status).toBe(401);
  });

  test('an unused refresh token lapses after its term; unknown and malformed ones are refused with a field', async () => {
    const first = await remember();
    t.clock.advanceMinutes(30 * 24 * 60 + 1);
    expect((await exchange(first.refreshToken)).status).toBe(401);
    expect((await exchange('not-a-token')).status).toBe(401);
    const empty = await api().post('/api/v1/auth/refresh').send({ refreshToken: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'refreshToken' })]);
  });

  test('a password change ends «remember me» everywhere, this computer included; the current session stays', async () => {
    const s = await remember('kindergarten', 'demo-kindergarten-2026');
    const elsewhere = await remember('kindergarten', 'demo-kindergarten-2026');
    const changed = await api()
      .post('/api/v1/auth/password')
      .set(auth(s.token))
      .send({ oldPassword: 'demo-kindergarten-2026', newPassword: 'Новый-пароль-2026' });
    expect(changed.status).toBe(204);
    expect((await exchange(s.refreshToken)).status).toBe(401);
    expect((await exchange(elsewhere.refreshToken)).status).toBe(401);
    expect((await api().get('/api/v1/me').set(auth(s.token))).status).toBe(200);
  });

  test('a deactivation and a password reset by the territorial chair end it', async () => {
    const chair = await remember();
    const userId = (await api().get('/api/v1/me').set(auth(chair.token))).body.id as number;
    const territory = await t.token('territory');
    expect((await api().post(`/api/v1/accounts/${userId}/active`).set(auth(territory)).send({ active: false })).status).toBe(200);
    expect((await exchange(chair.refreshToken)).status).toBe(401);
    expect((await api().post(`/api/v1/accounts/${userId}/active`).set(auth(territory)).send({ active: true })).status).toBe(200);
    // Enabled again: the old remembered sign-in stays ended; a new one works until the reset.
    expect((await exchange(chair.refreshToken)).status).toBe(401);
    const again = await remember();
    const reset = await api().post(`/api/v1/accounts/${userId}/reset-password`).set(auth(territory));
    expect(reset.status).toBe(200);
    expect((await exchange(again.refreshToken)).status).toBe(401);
  });

  test('«Выйти на всех устройствах» ends every session and every remembered computer; «Выйти» only this one', async () => {
    const here = await remember();
    const there = await remember();
    const third = await remember();
    expect((await api().post('/api/v1/auth/logout').set(auth(here.token))).status).toBe(204);
    expect((await exchange(here.refreshToken)).status).toBe(401);
    expect((await exchange(there.refreshToken)).status).toBe(200);
    const all = await api().post('/api/v1/auth/logout-all').set(auth(third.token));
    expect(all.status).toBe(204);
    expect((await exchange(third.refreshToken)).status).toBe(401);
    expect((await api().get('/api/v1/me').set(auth(third.token))).status).toBe(401);
    const live = await rows('SELECT COUNT(*) AS n FROM refresh_tokens WHERE revoked_at IS NULL AND used_at IS NULL');
    expect(Number(live[0].n)).toBe(0);
    expect((await rows("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'auth.logout_all'")).map((r) => Number(r.n))).toEqual([1]);
  });
});
