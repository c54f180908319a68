/**
 * Configuration from the environment (server/config.ts): one zod schema, so a value the server does
 * not understand stops it with the variable's name instead of silently meaning the default; and the
 * defaults that keep a demo install off the network (issue 15, hole 3).
 */
import request from 'supertest';
import { startTestApp, type TestApp } from '../test/support/app';
import { loadConfig } from './config';
import { DEMO_LOGINS_REFUSED } from './services/auth.service';

describe('environment parsing', () => {
  test.each([
    ['DEMO', 'ture'],
    ['DEMO', '2'],
    ['TRUST_PROXY', 'nginx'],
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['LOCKOUT_THRESHOLD', '-1'],
    ['SCRYPT_COST', '1000'],
    ['LOG_LEVEL', 'loud'],
    ['PUBLIC_ORIGIN', 'reestr.example.ru'],
    ['PUBLIC_ORIGIN', 'https://reestr.example.ru/path'],
    ['ADDIN_ORIGIN', 'https://ok.example.org,not a url'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['BODY_LIMIT', 'five megabytes'],
    ['DEBUG_HEAP', 'maybe'],
  ])('%s=%s is an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}="${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}": `));
  });

  test('every bad variable is listed at once, in Russian', () => {
    expect(() => loadConfig({ DEMO: 'ture', PORT: 'x' })).toThrow(/Неверная настройка в переменных окружения:\n {2}PORT="x": ожидается целое неотрицательное число\n {2}DEMO="ture": ожидается 1 или 0/);
  });

  test('a certificate without its key is an error', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: '/etc/ssl/x.crt' })).toThrow(/TLS_CERT_FILE и TLS_KEY_FILE задаются вместе/);
  });

  test('flags take the usual spellings; empty means unset', () => {
    for (const v of ['1', 'true', 'YES', 'on', 'да']) expect(loadConfig({ DEMO: v }).demo).toBe(true);
    for (const v of ['0', 'false', 'No', 'off', 'нет']) expect(loadConfig({ DEMO: v }).demo).toBe(false);
    expect(loadConfig({ DEMO: '', PORT: '' })).toMatchObject({ demo: true, port: 3000 });
  });

  test('TRUST_PROXY: 1 (or true) trusts one proxy hop, never every X-Forwarded-For entry', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  test('the other values as before', () => {
    const c = loadConfig({ PORT: '8080', LOGIN_RATE_LIMIT: '7', ADDIN_ORIGIN: 'https://a.example.org/, https://b.example.org', BODY_LIMIT: '10mb' });
    expect(c).toMatchObject({ port: 8080, loginRateLimit: 7, addinOrigins: ['https://a.example.org', 'https://b.example.org'], bodyLimit: '10mb', publicOrigin: 'http://localhost:8080' });
  });
});

describe('a default install is a demo on this computer only', () => {
  test('no settings: demo, listening on 127.0.0.1, demo logins allowed', () => {
    expect(loadConfig({})).toMatchObject({ demo: true, host: '127.0.0.1', demoLoginsRefused: false });
  });

  test('HOST says otherwise: the demo listens there', () => {
    expect(loadConfig({ HOST: '0.0.0.0' })).toMatchObject({ demo: true, host: '0.0.0.0' });
  });

  test('not a demo: every interface unless HOST is set', () => {
    expect(loadConfig({ DEMO: '0' }).host).toBeNull();
    expect(loadConfig({ DEMO: '0', HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
  });

  test('a wrong DATABASE_URL is named, and its password is not repeated (the error reaches the journal)', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgress://registry:s3cret-Pa55@db:5432/registry' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'postgress://registry:s3cret-Pa55@db:5432/registry' })).not.toThrow(/s3cret-Pa55/);
  });

  test.each([
    ['PUBLIC_ORIGIN', { PUBLIC_ORIGIN: 'https://reestr.example.ru' }],
    ['TLS', { TLS_CERT_FILE: '/x.crt', TLS_KEY_FILE: '/x.key' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://u@db:5432/registry' }],
  ])('set up for real use (%s): no demo by default, and demo logins refused even with DEMO=1', (_what, env) => {
    expect(loadConfig(env)).toMatchObject({ demo: false, demoLoginsRefused: true });
    expect(loadConfig({ ...env, DEMO: '1' })).toMatchObject({ demo: true, demoLoginsRefused: true });
    // Test and benchmark databases (invented people only) may opt in, by name.
    expect(loadConfig({ ...env, DEMO: '1', ALLOW_DEMO_LOGINS: '1' }).demoLoginsRefused).toBe(false);
  });
});

describe.each(['sqlite', ...(process.env.TEST_PG_AVAILABLE === '1' ? ['postgres' as const] : [])] as const)('demo logins on a server set up for real use (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant, { demoLoginsRefused: true });
  });
  afterAll(() => t.close());

  test('every demo login is refused with a clear message, whatever the password; nothing is recorded', async () => {
    for (const [login, password] of [['admin', 'demo-admin-2026'], ['School', 'demo-school-2026'], ['territory', 'wrong']]) {
      const res = await request(t.app).post('/api/v1/auth/login').send({ login, password });
      expect(res.status).toBe(403);
      expect(res.body.code ?? res.body.type).toMatch(/demo_login_refused/);
      expect(res.body.detail ?? res.body.title).toBe(DEMO_LOGINS_REFUSED);
    }
    expect(await t.ctx.db.models.AuthToken.count()).toBe(0);
  });
});

// Its own register: the test above counts the sessions ever written, and this one signs in first.
describe.each(['sqlite', ...(process.env.TEST_PG_AVAILABLE === '1' ? ['postgres' as const] : [])] as const)('a demo sign-in remembered before the server was set up for real use (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant, { demoLoginsRefused: true });
  });
  afterAll(() => t.close());

  test('a demo sign-in remembered before the server was set up for real use opens nothing afterwards: the refresh ends its family, its session is refused', async () => {
    t.ctx.config.demoLoginsRefused = false;
    const signedIn = await request(t.app).post('/api/v1/auth/login').send({ login: 'admin', password: 'demo-admin-2026', remember: true });
    expect(signedIn.status).toBe(200);
    expect(typeof signedIn.body.refreshToken).toBe('string');
    // The same data folder, now with PUBLIC_ORIGIN, TLS or DATABASE_URL.
    t.ctx.config.demoLoginsRefused = true;
    const refreshed = await request(t.app).post('/api/v1/auth/refresh').send({ refreshToken: signedIn.body.refreshToken });
    expect([refreshed.status, refreshed.body.code ?? refreshed.body.type]).toEqual([403, expect.stringMatching(/demo_login_refused/)]);
    expect(await t.ctx.db.models.RefreshToken.count({ where: { revokedAt: null } })).toBe(0);
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${signedIn.body.token as string}`);
    expect(me.status).toBeGreaterThanOrEqual(401);
    expect(me.status).toBeLessThan(404);
  });
});
