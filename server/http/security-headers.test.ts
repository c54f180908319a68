import request from 'supertest';
import { startTestApp, type TestApp } from '../../test/support/app';

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

  test('the manifest is served with the public origin written in', async () => {
    const res = await request(t.app).get('/manifest.xml');
    expect(res.status).toBe(200);
    expect(res.text).toContain(t.ctx.config.publicOrigin);
    expect(res.text).not.toContain('https://localhost:3000');
  });
});
