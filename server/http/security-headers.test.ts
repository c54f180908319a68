import request from 'supertest';
import { startTestApp, type TestApp } from '../../test/support/app';
import { MANIFEST_NEEDS_HTTPS_STATUS } from '../app';

describe('security headers and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { addinOrigins: ['https://addin.example.org'] });
  });
  afterAll(() => t.close());

  test('helmet headers on API answers; no x-powered-by; problem bodies carry no stack', async () => {
    const res = await request(t.app).get('/api/v1/nowhere');
    expect(res.status).toBe(404);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self' https:\/\/\*\.officeapps\.live\.com/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self' https:\/\/appsforoffice\.microsoft\.com/);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules/);
  });

  test('CORS answers only the add-in origin, with the Authorization header allowed', async () => {
    const allowed = await request(t.app)
      .options('/api/v1/me')
      .set('Origin', 'https://addin.example.org')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://addin.example.org');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/);

    const other = await request(t.app).options('/api/v1/me').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const otherGet = await request(t.app).get('/api/v1/health').set('Origin', 'https://evil.example.com');
    expect(otherGet.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('Cache-Control: no-store on every API answer — the sign-in token, problems, unknown paths, preflights; openapi.json is explicitly public (issue 15, hole 11)', async () => {
    const login = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' });
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const wrong = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'wrong-password-1' });
    expect([wrong.status, wrong.headers['cache-control']]).toEqual([401, 'no-store']);
    const unknown = await request(t.app).get('/api/v1/nowhere');
    expect([unknown.status, unknown.headers['cache-control']]).toEqual([404, 'no-store']);
    const malformed = await request(t.app).post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{');
    expect([malformed.status, malformed.headers['cache-control']]).toEqual([400, 'no-store']);
    const preflight = await request(t.app).options('/api/v1/me').set('Origin', 'https://addin.example.org').set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['cache-control']).toBe('no-store');
    expect((await request(t.app).get('/api/v1/health')).headers['cache-control']).toBe('no-store');
    expect((await request(t.app).get('/api/v1/openapi.json')).headers['cache-control']).toBe('public, max-age=300');
  });

  test('without HTTPS the manifest is never served: a Russian page says how to set HTTPS up (Office refuses http:// add-ins silently)', async () => {
    expect(t.ctx.config.publicOrigin).toMatch(/^http:\/\//);
    const res = await request(t.app).get('/manifest.xml');
    expect(res.status).toBe(MANIFEST_NEEDS_HTTPS_STATUS);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).not.toMatch(/<OfficeApp|http:\/\/localhost:\d+\/taskpane/);
    expect(res.text).toContain('Excel загружает надстройки только по защищённому адресу');
    expect(res.text).toContain('npm run start:https');
    expect(res.text).toContain('PUBLIC_ORIGIN=https://');
  });
});

describe('the manifest with an https public origin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { publicOrigin: 'https://reestr.example.ru' });
  });
  afterAll(() => t.close());

  test('is served with the public origin written in, and only https addresses in it', async () => {
    const res = await request(t.app).get('/manifest.xml');
    expect(res.status).toBe(200);
    expect(res.text).toContain('https://reestr.example.ru/');
    expect(res.text).not.toContain('https://localhost:3000');
    expect(res.text).not.toMatch(/http:\/\/(?!schemas\.|www\.w3\.org)/);
  });
});
