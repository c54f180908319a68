/**
 * Every route × every role × own / foreign organisation: allowed, 403 or 404 — and 401 without a
 * token, and 403 for personal data — and for the account routes that hand out access to it — before the
 * caller's own non-disclosure obligation is recorded. The test fails
 * when a route has no entry in test/matrix/, so a new route cannot ship without its access rule, and
 * when an organisation-scoped entry has no `foreign` builder (its 404 check would silently not run).
 * 'allowed' means a 2xx answer: each one-shot action gets a fresh target per role in its `own` builder.
 */
import request from 'supertest';
import type { Role } from '../domain/roles';
import type { AnyRoute } from '../server/http/route';
import { startTestApp, auth, type TestApp } from './support/app';
import { dbVariants } from './support/db';
import { MATRIX_AREAS } from './matrix';
import type { BaseFixtures, MatrixEntry, MatrixRequest } from './matrix/types';

const ROLE_LOGINS: Record<Role, 'admin' | 'region' | 'territory' | 'school'> = {
  central_admin: 'admin',
  regional: 'region',
  territorial: 'territory',
  primary_chair: 'school',
};

function routeKey(r: AnyRoute): string {
  return `${r.method.toUpperCase()} ${r.path}`;
}

async function send(t: TestApp, method: string, req: MatrixRequest, token: string | null) {
  let call = request(t.app)[method.toLowerCase() as 'get'](`/api/v1${req.path}`);
  if (token) call = call.set(auth(token));
  if (req.raw) return call.set('Content-Type', req.raw.contentType).send(req.raw.data);
  if (req.body !== undefined) return call.send(req.body as object);
  return call;
}

async function baseFixtures(t: TestApp): Promise<BaseFixtures> {
  const admin = await t.token('admin');
  const post = async (path: string, body: object) => {
    const res = await request(t.app).post(`/api/v1${path}`).set(auth(admin)).send(body);
    if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const otherRegion = (await post(`/organisations/${t.demo.orgIds.central}/children`, { kind: 'regional', name: 'Другая региональная организация' })).id;
  const otherTerritorial = (await post(`/organisations/${otherRegion}/children`, { kind: 'territorial', name: 'Другая районная организация' })).id;
  const otherSchool = (await post(`/organisations/${otherTerritorial}/children`, { kind: 'primary', name: 'ППО чужой школы' })).id;
  const schoolUser = (await post(`/organisations/${t.demo.orgIds.school}/accounts`, { fullName: 'Сидорова Нина Павловна' })).account.id;
  const otherUser = (await post(`/organisations/${otherSchool}/accounts`, { fullName: 'Орлов Олег Олегович' })).account.id;
  return {
    t,
    org: { ...t.demo.orgIds, otherRegion, otherTerritorial, otherSchool },
    user: { school: schoolUser, otherSchool: otherUser },
    extra: {},
  };
}

describe.each(dbVariants())('authorisation matrix (%s)', (variant) => {
  let t: TestApp;
  let f: BaseFixtures;
  const entries: MatrixEntry[] = MATRIX_AREAS.flatMap((a) => a.entries);

  beforeAll(async () => {
    t = await startTestApp(variant);
    f = await baseFixtures(t);
    for (const area of MATRIX_AREAS) await area.setup?.(f);
  });
  afterAll(() => t.close());

  test('every route has exactly one matrix entry, and every entry a route', () => {
    const routes = (t.app.locals.routes as AnyRoute[]).map(routeKey).sort();
    const listed = entries.map((e) => e.route).sort();
    expect(routes.filter((r) => !listed.includes(r))).toEqual([]);
    expect(listed.filter((r) => !routes.includes(r))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });

  test('every organisation-scoped route has a foreign-target builder, so its 404 check runs', () => {
    const missing: string[] = [];
    for (const route of t.app.locals.routes as AnyRoute[]) {
      const a = route.access;
      if (a.kind !== 'org' && a.kind !== 'resource') continue;
      const entry = entries.find((e) => e.route === routeKey(route));
      if (!entry) continue; // reported by the first test
      // 'org' routes always name an organisation; a 'resource' route is scoped whenever a role below the centre may use it
      // (the ones for the central admin only — templates, settings — have no organisation to be foreign to).
      const scoped = a.kind === 'org' || (['regional', 'territorial', 'primary_chair'] as Role[]).some((r) => entry.roles[r] === 'allowed');
      if (scoped && !entry.foreign) missing.push(`${entry.route}: no \`foreign\` builder in test/matrix/ — add one that targets another region's organisation`);
    }
    expect(missing).toEqual([]);
  });

  test('each role on its own organisation: allowed (a real 2xx success) or 403, never 5xx', async () => {
    const failures: string[] = [];
    for (const entry of entries) {
      const route = (t.app.locals.routes as AnyRoute[]).find((r) => routeKey(r) === entry.route);
      if (!route) continue;
      for (const role of Object.keys(ROLE_LOGINS) as Role[]) {
        const req = await entry.own(f, role);
        const res = await send(t, route.method, req, req.token ?? (await t.token(ROLE_LOGINS[role])));
        const expected = entry.roles[role];
        // 'allowed' means the action succeeded: a 400/409/422 would hide whether the access rule let it through.
        const ok = expected === 'allowed' ? res.status >= 200 && res.status < 300 : res.status === expected;
        if (!ok) failures.push(`${entry.route} as ${role}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        // Issue 15, hole 11: nothing but an explicitly public answer may be kept by a browser or proxy.
        const cache = res.status < 300 && route.cacheControl ? route.cacheControl : 'no-store';
        if (res.headers['cache-control'] !== cache) failures.push(`${entry.route} as ${role} (${res.status}): Cache-Control ${res.headers['cache-control']}, expected ${cache}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test('another organisation answers 404, as if it did not exist', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const entry of entries.filter((e) => e.foreign)) {
      const route = (t.app.locals.routes as AnyRoute[]).find((r) => routeKey(r) === entry.route)!;
      checked++;
      for (const role of ['regional', 'territorial', 'primary_chair'] as Role[]) {
        if (entry.roles[role] !== 'allowed') continue;
        const req = await entry.foreign!(f, role);
        const res = await send(t, route.method, req, await t.token(ROLE_LOGINS[role]));
        if (res.status !== 404) failures.push(`${entry.route} as ${role} on a foreign target: expected 404, got ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  test('without a token every non-public route is 401', async () => {
    const failures: string[] = [];
    for (const route of t.app.locals.routes as AnyRoute[]) {
      if (route.access.kind === 'public') continue;
      const entry = entries.find((e) => e.route === routeKey(route));
      if (!entry) continue; // reported by the first test
      const req = await entry.own(f, 'central_admin');
      const res = await send(t, route.method, req, null);
      if (res.status !== 401) failures.push(`${routeKey(route)}: expected 401, got ${res.status}`);
      if (res.headers['cache-control'] !== 'no-store') failures.push(`${routeKey(route)} (401): Cache-Control ${res.headers['cache-control']}, expected no-store`);
    }
    expect(failures).toEqual([]);
  });

  test('routes that hand out access (accounts, one-time passwords, obligations) need the caller\'s own obligation: refused without, allowed with', async () => {
    // The refused caller: a territorial chair of the demo territory whose obligation is not recorded.
    const admin = await t.token('admin');
    const created = await request(t.app).post(`/api/v1/organisations/${f.org.territorial}/accounts`).set(auth(admin)).send({ fullName: 'Безобязательств Олег Олегович' });
    expect(created.status).toBe(201);
    const signIn = await request(t.app).post('/api/v1/auth/login').send({ login: created.body.account.login, password: created.body.oneTimePassword });
    const refusedToken = signIn.body.token as string;
    const changed = await request(t.app).post('/api/v1/auth/password').set(auth(refusedToken)).send({ oldPassword: created.body.oneTimePassword, newPassword: 'Районный-пароль-2026' });
    expect(changed.status).toBe(204);

    const gated = (t.app.locals.routes as AnyRoute[]).filter(
      (r) => (r.access.kind === 'org' || r.access.kind === 'resource') && r.access.personalData && r.access.roles.includes('territorial') && !r.access.roles.includes('primary_chair'),
    );
    expect(gated.map(routeKey)).toEqual(expect.arrayContaining([
      'POST /organisations/:orgId/accounts',
      'POST /organisations/:orgId/accounts/with-letter',
      'POST /accounts/:userId/reset-password',
      'POST /accounts/:userId/reset-password/with-letter',
      'POST /accounts/:userId/obligation',
    ]));
    const failures: string[] = [];
    for (const route of gated) {
      const entry = entries.find((e) => e.route === routeKey(route));
      if (!entry) continue; // reported by the first test
      const refused = await send(t, route.method, await entry.own(f, 'territorial'), refusedToken);
      if (refused.status !== 403 || refused.body.type !== '/problems/obligation_required') failures.push(`${routeKey(route)} without own obligation: got ${refused.status} ${refused.body.type}`);
      const allowed = await send(t, route.method, await entry.own(f, 'territorial'), await t.token('territory'));
      if (allowed.status < 200 || allowed.status >= 300) failures.push(`${routeKey(route)} with own obligation: got ${allowed.status} ${JSON.stringify(allowed.body).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
  });

  test('personal data stays closed to a chair whose obligation is not recorded', async () => {
    const kg = await t.token('kindergarten');
    const personal = (t.app.locals.routes as AnyRoute[]).filter(
      (r) => (r.access.kind === 'org' || r.access.kind === 'resource') && r.access.personalData && r.access.roles.includes('primary_chair'),
    );
    expect(personal.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const route of personal) {
      const entry = entries.find((e) => e.route === routeKey(route));
      if (!entry) continue; // reported by the first test
      const req = await entry.own(f, 'primary_chair');
      const path = req.path.replace(`/organisations/${f.org.school}/`, `/organisations/${f.org.kindergarten}/`).replace(new RegExp(`/organisations/${f.org.school}$`), `/organisations/${f.org.kindergarten}`);
      const res = await send(t, route.method, { ...req, path }, kg);
      if (res.status !== 403 || res.body.type !== '/problems/obligation_required') failures.push(`${routeKey(route)}: got ${res.status} ${res.body.type}`);
    }
    expect(failures).toEqual([]);
  });
});
