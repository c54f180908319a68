import request from 'supertest';
import type { AnyRoute } from './route';
import { openApiPath } from './openapi';
import { startTestApp, type TestApp } from '../../test/support/app';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('is served and lists exactly the routes the server has', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const routes = (t.app.locals.routes as AnyRoute[]).map((r) => `${r.method.toUpperCase()} /api/v1${openApiPath(r.path)}`).sort();
    expect(documented).toEqual(routes);
  });

  test('every documented route answers (not the API 404) — the document matches the express router', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    for (const [p, ops] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
      for (const m of Object.keys(ops)) {
        const url = p.replace(/\{\w+\}/g, '1');
        const r = await (request(t.app) as unknown as Record<string, (u: string) => request.Test>)[m](url);
        expect(`${m} ${p}: ${r.body?.detail ?? ''}`).not.toMatch(/Нет такого адреса API/);
      }
    }
  });

  test('request bodies carry their zod schema, with required fields and no extra properties', async () => {
    const res = await request(t.app).get('/api/v1/openapi.json');
    const login = res.body.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema;
    expect(login.required).toEqual(['login', 'password']);
    expect(login.additionalProperties).toBe(false);
    const passport = res.body.paths['/api/v1/organisations/{orgId}/passport'].put;
    expect(passport.parameters[0]).toMatchObject({ name: 'orgId', in: 'path', required: true });
  });
});
