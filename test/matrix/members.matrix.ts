import request from 'supertest';
import type { Role } from '../../domain/roles';
import { formatSnils } from '../../domain/snils';
import { seedMembers } from '../../server/services/cards/test-fixtures';
import { inventedSnils } from '../../server/services/members/demo-members';
import { auth } from '../support/app';
import { everyone, type BaseFixtures, type Expect, type MatrixArea } from './types';

/** Accepting or rejecting a transfer is the receiving organisation's decision (the demo school is the sender). */
const receivers: Record<Role, Expect> = { central_admin: 'allowed', regional: 'allowed', territorial: 'allowed', primary_chair: 403 };

let key = 0;
const dryRunBody = () => ({
  idempotencyKey: `matrix-${++key}-${Date.now()}`,
  dryRun: true,
  rows: [{ row: 2, values: { surname: 'Матрицева Анна Петровна', birthDate: '01.02.1990', category: 'Работник' } }],
});

async function admin(f: BaseFixtures) {
  return f.t.token('admin');
}

async function post(f: BaseFixtures, path: string, body: object): Promise<Record<string, unknown>> {
  const res = await request(f.t.app).post(`/api/v1${path}`).set(auth(await admin(f))).send(body);
  if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

async function pushTwo(f: BaseFixtures, orgId: number, snilsFrom: number): Promise<{ batchId: string; ids: string[] }> {
  const body = await post(f, `/organisations/${orgId}/members/sync`, {
    idempotencyKey: `matrix-fixture-${orgId}-${snilsFrom}`,
    rows: [
      { row: 2, values: { surname: 'Чужова', name: 'Ольга', birthDate: '03.04.1985', snils: formatSnils(inventedSnils(snilsFrom)), category: 'Работник' } },
      { row: 3, values: { surname: 'Чужов', name: 'Олег', birthDate: '05.06.1979', snils: formatSnils(inventedSnils(snilsFrom + 1)), category: 'Работник' } },
    ],
  });
  return { batchId: String(body.batchId), ids: (body.rows as { id: string }[]).map((r) => r.id) };
}

const x = (f: BaseFixtures, k: string) => f.extra[k] as string;

/*
 * One-shot actions (deregister, transfer, accept / reject / cancel a transfer, revert a push) get a
 * fresh target for every call, so that each role's cell shows the action really succeeding rather
 * than the 409 «already done» left by the role before it.
 */
let freshNo = 0;
async function freshMember(f: BaseFixtures): Promise<string> {
  // A birth date of its own: accepting a transfer refuses a second member with the same name and birth date.
  const birthDate = new Date(Date.UTC(1970, 0, 1) + ++freshNo * 41 * 86_400_000).toISOString().slice(0, 10);
  return (await seedMembers(f.t.ctx, [{ orgId: f.org.school, birthDate }]))[0];
}
async function freshTransfer(f: BaseFixtures): Promise<string> {
  return String((await post(f, `/members/${await freshMember(f)}/transfers`, { toOrgId: f.org.kindergarten })).id);
}
let freshSnils = 710_000;
async function freshBatch(f: BaseFixtures): Promise<string> {
  freshSnils += 2;
  return (await pushTwo(f, f.org.school, freshSnils)).batchId;
}

export const membersMatrix: MatrixArea = {
  async setup(f) {
    const page = await request(f.t.app).get(`/api/v1/organisations/${f.org.school}/members?subtree=1&limit=10`).set(auth(await admin(f)));
    const ids = (page.body.items as { id: string }[]).map((m) => m.id);
    if (ids.length < 2) throw new Error('the demo school needs its seeded members for the matrix');
    f.extra.member = ids[0];
    const transfer = async (memberId: string, toOrgId: number) => String((await post(f, `/members/${memberId}/transfers`, { toOrgId })).id);
    f.extra.transfer = await transfer(ids[1], f.org.kindergarten);
    f.extra.batch = (await pushTwo(f, f.org.school, 700_000)).batchId;
    const foreign = await pushTwo(f, f.org.otherSchool, 700_100);
    f.extra.foreignBatch = foreign.batchId;
    f.extra.foreignMember = foreign.ids[0];
    const otherSchool2 = Number((await post(f, `/organisations/${f.org.otherTerritorial}/children`, { kind: 'primary', name: 'ППО второй чужой школы' })).id);
    f.extra.foreignTransfer = await transfer(foreign.ids[1], otherSchool2);
  },
  entries: [
    {
      route: 'POST /organisations/:orgId/members/sync', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/members/sync`, body: dryRunBody() }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/members/sync`, body: dryRunBody() }),
    },
    {
      route: 'GET /organisations/:orgId/members', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/members?subtree=1&limit=5` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/members?subtree=1&limit=5` }),
    },
    {
      route: 'POST /organisations/:orgId/members/actions', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/members/actions`, body: { action: 'consents', memberIds: [x(f, 'member')], consents: { notify: { state: 'refused' } } } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/members/actions`, body: { action: 'consents', memberIds: [x(f, 'foreignMember')], consents: { notify: { state: 'refused' } } } }),
    },
    {
      route: 'GET /organisations/:orgId/transfers', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/transfers?direction=outgoing` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/transfers?direction=outgoing` }),
    },
    {
      route: 'GET /organisations/:orgId/batches', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/batches` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/batches` }),
    },
    {
      route: 'GET /members/:memberId', roles: everyone,
      own: (f) => ({ path: `/members/${x(f, 'member')}` }),
      foreign: (f) => ({ path: `/members/${x(f, 'foreignMember')}` }),
    },
    {
      route: 'POST /members/:memberId/deregister', roles: everyone,
      own: async (f) => ({ path: `/members/${await freshMember(f)}/deregister`, body: { date: '2026-11-01', reason: 'left_job' } }),
      foreign: (f) => ({ path: `/members/${x(f, 'foreignMember')}/deregister`, body: { date: '2026-11-01', reason: 'left_job' } }),
    },
    {
      route: 'POST /members/:memberId/transfers', roles: everyone,
      own: async (f) => ({ path: `/members/${await freshMember(f)}/transfers`, body: { toOrgId: f.org.kindergarten } }),
      foreign: (f) => ({ path: `/members/${x(f, 'foreignMember')}/transfers`, body: { toOrgId: f.org.kindergarten } }),
    },
    {
      route: 'GET /transfers/:transferId', roles: everyone,
      own: (f) => ({ path: `/transfers/${x(f, 'transfer')}` }),
      foreign: (f) => ({ path: `/transfers/${x(f, 'foreignTransfer')}` }),
    },
    {
      route: 'POST /transfers/:transferId/accept', roles: receivers,
      own: async (f) => ({ path: `/transfers/${await freshTransfer(f)}/accept`, body: {} }),
      foreign: (f) => ({ path: `/transfers/${x(f, 'foreignTransfer')}/accept`, body: {} }),
    },
    {
      route: 'POST /transfers/:transferId/reject', roles: receivers,
      own: async (f) => ({ path: `/transfers/${await freshTransfer(f)}/reject` }),
      foreign: (f) => ({ path: `/transfers/${x(f, 'foreignTransfer')}/reject` }),
    },
    {
      route: 'POST /transfers/:transferId/cancel', roles: everyone,
      own: async (f) => ({ path: `/transfers/${await freshTransfer(f)}/cancel` }),
      foreign: (f) => ({ path: `/transfers/${x(f, 'foreignTransfer')}/cancel` }),
    },
    {
      route: 'GET /batches/:batchId', roles: everyone,
      own: (f) => ({ path: `/batches/${x(f, 'batch')}` }),
      foreign: (f) => ({ path: `/batches/${x(f, 'foreignBatch')}` }),
    },
    {
      route: 'POST /batches/:batchId/revert', roles: everyone,
      own: async (f) => ({ path: `/batches/${await freshBatch(f)}/revert` }),
      foreign: (f) => ({ path: `/batches/${x(f, 'foreignBatch')}/revert` }),
    },
    {
      route: 'GET /deregistration-reasons', roles: everyone,
      own: () => ({ path: '/deregistration-reasons' }),
    },
  ],
};
