import express, { type Router } from 'express';
import request from 'supertest';
import type { AnyRoute } from './route';
import { openApiPath } from './openapi';
import { createApp, type RegistryApp } from '../app';
import { startTestApp, type TestApp } from '../../test/support/app';

/** What express 5 keeps per entry of a router's stack (not in its public types). */
interface Layer {
  name: string;
  rawPath?: string;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

function joinPath(prefix: string, p: string | undefined): string {
  if (p === undefined || p === '/') return prefix || '/';
  return prefix + p;
}

/**
 * Everything express really has mounted, read from the router stacks (not from app.locals.routes):
 * routes as 'METHOD /full/path/{param}', middleware as 'USE /mount/path name'. Nested routers are walked.
 */
function mountedByExpress(app: RegistryApp): { routes: string[]; middleware: string[] } {
  const routes: string[] = [];
  const middleware: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        if (typeof layer.route.path !== 'string') throw new Error(`route with a non-string path under ${prefix}: ${String(layer.route.path)}`);
        const full = joinPath(prefix, layer.route.path).replace(/:(\w+)/g, '{$1}');
        for (const m of Object.keys(layer.route.methods)) routes.push(`${m === '_all' ? 'ALL' : m.toUpperCase()} ${full}`);
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, joinPath(prefix, layer.rawPath));
      } else {
        middleware.push(`USE ${joinPath(prefix, layer.rawPath)} ${layer.name}`);
      }
    }
  };
  const root = (app as unknown as { router?: { stack?: Layer[] } }).router?.stack;
  if (!Array.isArray(root)) throw new Error('express 5 app.router.stack not found: the router walk needs updating');
  walk(root, '');
  return { routes: routes.sort(), middleware: middleware.sort() };
}

/** What is mounted outside the documented API, each on purpose. Anything else is a finding. */
const NOT_API = [
  'GET /', // redirect to the upload page (/upload.html, a static file)
  'GET /manifest.xml', // the add-in manifest with the public origin written in
  'USE / <anonymous>', // request log
  'USE / <anonymous>', // 404 page outside the API
  'USE / <anonymous>', // problem+json error middleware
  'USE / helmetMiddleware',
  'USE / serveStatic', // the add-in's built files and the upload page
  'USE /api corsMiddleware',
  'USE /api noStore', // Cache-Control: no-store on every API answer (issue 15, hole 11)
  'USE /api/v1 <anonymous>', // the API's own 404
  'USE /api/v1 jsonParser',
  'USE /api/v1/auth/login <anonymous>', // sign-in rate limit in front of the documented POST /auth/login
].sort();

function documentedOperations(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

/** a − b as multisets (a middleware name may be mounted more than once on the same path). */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((x) => {
    const i = left.indexOf(x);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

/** What express serves that the document lacks, and what the document promises that express lacks. */
function compare(app: RegistryApp, doc: { paths: Record<string, Record<string, unknown>> }) {
  const { routes, middleware } = mountedByExpress(app);
  const documented = documentedOperations(doc);
  const api = routes.filter((r) => / \/api\/v1(\/|$)/.test(r));
  const rest = [...routes.filter((r) => !api.includes(r)), ...middleware].sort();
  return {
    api,
    undocumented: api.filter((r) => !documented.includes(r)),
    notMounted: documented.filter((d) => !api.includes(d)),
    unexpectedMounts: minus(rest, NOT_API),
    missingMounts: minus(NOT_API, rest),
  };
}

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

  test("express's own router stack mounts exactly the documented /api/v1 operations, plus a short list of non-API mounts", async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json')).body;
    const c = compare(t.app, doc);
    expect(c.api.length).toBeGreaterThan(50);
    expect(c.api.filter((r, i) => c.api.indexOf(r) !== i)).toEqual([]); // nothing mounted twice
    expect(c.undocumented).toEqual([]);
    expect(c.notMounted).toEqual([]);
    expect(c.unexpectedMounts).toEqual([]);
    expect(c.missingMounts).toEqual([]);
  });

  test('the router walk catches a route added to express directly, inside or outside the API router', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json')).body;
    const app = createApp({ config: t.ctx.config, db: t.ctx.db, log: t.ctx.log });
    const apiLayer = (app as unknown as { router: { stack: Layer[] } }).router.stack.find((l) => l.rawPath === '/api/v1' && Array.isArray(l.handle.stack));
    const api = apiLayer!.handle as unknown as Router;
    api.get('/x', (_req, res) => void res.end());
    const nested = express.Router();
    nested.delete('/members/:memberId/secret', (_req, res) => void res.end());
    api.use('/nested', nested);
    app.post('/debug', (_req, res) => void res.end());
    const c = compare(app, doc);
    expect(c.undocumented).toEqual(['DELETE /api/v1/nested/members/{memberId}/secret', 'GET /api/v1/x']);
    expect(c.notMounted).toEqual([]);
    expect(c.unexpectedMounts).toEqual(['POST /debug']);
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
