import request from 'supertest';
import type { Role } from '../../domain/roles';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { auth } from '../support/app';
import { everyone, managers, type BaseFixtures, type MatrixArea } from './types';

let unitCounter = 0;

/** The demo login of each role. */
const DEMO_OF_ROLE: Record<Role, string> = { central_admin: 'admin', regional: 'region', territorial: 'territory', primary_chair: 'school' };

/** A session of its own for the role's demo login (logout ends the session it is called with). */
async function freshLogin(f: BaseFixtures, role: Role): Promise<string> {
  const demo = DEMO_LOGINS.find((l) => l.login === DEMO_OF_ROLE[role])!;
  const res = await request(f.t.app).post('/api/v1/auth/login').send({ login: demo.login, password: demo.password });
  if (res.status !== 200) throw new Error(`fixture login ${demo.login}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** A refresh token of the role's demo login («Запомнить меня»), fresh for each use (each works once). */
async function rememberedSignIn(f: BaseFixtures, role: Role): Promise<string> {
  const demo = DEMO_LOGINS.find((l) => l.login === DEMO_OF_ROLE[role])!;
  const res = await request(f.t.app).post('/api/v1/auth/login').send({ login: demo.login, password: demo.password, remember: true });
  if (res.status !== 200 || typeof res.body.refreshToken !== 'string') throw new Error(`fixture remembered login ${demo.login}: ${res.status}`);
  return res.body.refreshToken as string;
}

/**
 * A throwaway account of the role (created by the central admin at an organisation of the role's
 * level) signed in with its one-time password: the password change can really succeed, and no
 * demo login's password moves.
 */
async function throwawaySession(f: BaseFixtures, role: Role): Promise<{ token: string; password: string }> {
  const home: Record<Role, number> = { central_admin: f.org.central, regional: f.org.region, territorial: f.org.territorial, primary_chair: f.org.school };
  const created = await request(f.t.app)
    .post(`/api/v1/organisations/${home[role]}/accounts`)
    .set(auth(await f.t.token('admin')))
    .send({ fullName: 'Одноразов Пётр Петрович' });
  if (created.status !== 201 || created.body.account.role !== role) throw new Error(`fixture account for ${role}: ${created.status} ${JSON.stringify(created.body)}`);
  const password = created.body.oneTimePassword as string;
  const signIn = await request(f.t.app).post('/api/v1/auth/login').send({ login: created.body.account.login, password });
  if (signIn.status !== 200) throw new Error(`fixture sign-in for ${role}: ${signIn.status} ${JSON.stringify(signIn.body)}`);
  return { token: signIn.body.token as string, password };
}
/** A fresh профгруппа of the given primary organisation, for routes that change or close their target. */
async function freshUnit(f: BaseFixtures, primaryId: number): Promise<number> {
  const token = await f.t.token('admin');
  const res = await request(f.t.app)
    .post(`/api/v1/organisations/${primaryId}/children`)
    .set(auth(token))
    .send({ kind: 'group', name: `Профгруппа матрицы ${++unitCounter}` });
  if (res.status !== 201) throw new Error(`fixture unit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

export const foundationMatrix: MatrixArea = {
  entries: [
    { route: 'GET /health', roles: everyone, own: () => ({ path: '/health' }) },
    { route: 'GET /openapi.json', roles: everyone, own: () => ({ path: '/openapi.json' }) },
    { route: 'GET /primary-organisations', roles: everyone, own: () => ({ path: '/primary-organisations?q=школа' }) },
    { route: 'POST /auth/login', roles: everyone, own: () => ({ path: '/auth/login', body: { login: 'school', password: 'demo-school-2026' } }) },
    {
      route: 'POST /auth/password', roles: everyone,
      own: async (f, role) => {
        const s = await throwawaySession(f, role);
        return { path: '/auth/password', token: s.token, body: { oldPassword: s.password, newPassword: 'Другой-пароль-2026' } };
      },
    },
    { route: 'POST /auth/logout', roles: everyone, own: async (f, role) => ({ path: '/auth/logout', token: await freshLogin(f, role) }) },
    {
      route: 'POST /auth/refresh', roles: everyone,
      own: async (f, role) => ({ path: '/auth/refresh', body: { refreshToken: await rememberedSignIn(f, role) } }),
    },
    { route: 'POST /auth/logout-all', roles: everyone, own: async (f, role) => ({ path: '/auth/logout-all', token: (await throwawaySession(f, role)).token }) },
    { route: 'GET /me', roles: everyone, own: () => ({ path: '/me' }) },
    { route: 'POST /me/progress', roles: everyone, own: () => ({ path: '/me/progress', body: { what: 'training' } }) },
    {
      route: 'GET /organisations/:orgId', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}` }),
    },
    {
      route: 'GET /organisations/:orgId/children', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/children` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/children` }),
    },
    {
      route: 'GET /organisations/:orgId/structure', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/structure` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/structure` }),
    },
    {
      route: 'POST /organisations/:orgId/children', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/children`, body: { kind: 'group', name: `Профгруппа ${++unitCounter}` } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/children`, body: { kind: 'group', name: `Профгруппа ${++unitCounter}` } }),
    },
    {
      route: 'PATCH /organisations/:orgId', roles: everyone,
      own: async (f) => ({ path: `/organisations/${await freshUnit(f, f.org.school)}`, body: { name: `Переименованная ${++unitCounter}` } }),
      foreign: async (f) => ({ path: `/organisations/${await freshUnit(f, f.org.otherSchool)}`, body: { name: `Переименованная ${++unitCounter}` } }),
    },
    {
      route: 'POST /organisations/:orgId/close', roles: everyone,
      own: async (f) => ({ path: `/organisations/${await freshUnit(f, f.org.school)}/close` }),
      foreign: async (f) => ({ path: `/organisations/${await freshUnit(f, f.org.otherSchool)}/close` }),
    },
    {
      route: 'GET /organisations/:orgId/passport', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/passport` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/passport` }),
    },
    {
      route: 'PUT /organisations/:orgId/passport', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/passport`, body: { data: { chairPosition: 'Учитель' } } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/passport`, body: { data: { chairPosition: 'Учитель' } } }),
    },
    {
      route: 'GET /organisations/:orgId/accounts', roles: managers,
      own: (f) => ({ path: `/organisations/${f.org.school}/accounts` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/accounts` }),
    },
    {
      route: 'POST /organisations/:orgId/accounts', roles: managers,
      own: (f) => ({ path: `/organisations/${f.org.school}/accounts`, body: { fullName: 'Петров Пётр Петрович' } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/accounts`, body: { fullName: 'Петров Пётр Петрович' } }),
    },
    {
      route: 'POST /accounts/:userId/reset-password', roles: managers,
      own: (f) => ({ path: `/accounts/${f.user.school}/reset-password` }),
      foreign: (f) => ({ path: `/accounts/${f.user.otherSchool}/reset-password` }),
    },
    {
      route: 'POST /accounts/:userId/obligation', roles: managers,
      own: (f) => ({ path: `/accounts/${f.user.school}/obligation`, body: { signedAt: '2026-11-01' } }),
      foreign: (f) => ({ path: `/accounts/${f.user.otherSchool}/obligation`, body: { signedAt: '2026-11-01' } }),
    },
    {
      route: 'POST /accounts/:userId/active', roles: managers,
      own: (f) => ({ path: `/accounts/${f.user.school}/active`, body: { active: true } }),
      foreign: (f) => ({ path: `/accounts/${f.user.otherSchool}/active`, body: { active: true } }),
    },
  ],
};
