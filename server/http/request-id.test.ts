/** Every answer carries an X-Request-Id the pane shows with a server error, so a chair can quote it. */
import request from 'supertest';
import { startTestApp, type TestApp } from '../../test/support/app';

describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { addinOrigins: ['https://addin.example.org'] });
  });
  afterAll(() => t.close());

  test('each answer has its own id; an add-in on another origin may read it (CORS exposes it)', async () => {
    const a = await request(t.app).get('/api/v1/nowhere').set('Origin', 'https://addin.example.org');
    const b = await request(t.app).get('/api/v1/nowhere');
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    expect(a.headers['access-control-expose-headers']).toMatch(/X-Request-Id/);
  });
});
