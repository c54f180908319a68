import request from 'supertest';
import type { Role } from '../../domain/roles';
import { seedMembers } from '../../server/services/cards/test-fixtures';
import { auth } from '../support/app';
import { everyone, managers, type BaseFixtures, type Expect, type MatrixArea } from './types';

const adminOnly: Record<Role, Expect> = { central_admin: 'allowed', regional: 403, territorial: 403, primary_chair: 403 };

/** Managers work on the territorial organisation (batches are collected there); a primary chair on the school (to reach the role check). */
function ownOrg(f: BaseFixtures, role: Role): number {
  return role === 'primary_chair' ? f.org.school : f.org.territorial;
}

async function post(f: BaseFixtures, path: string, body: object): Promise<Record<string, unknown>> {
  const res = await request(f.t.app).post(`/api/v1${path}`).set(auth(await f.t.token('admin'))).send(body);
  if (res.status >= 300) throw new Error(`fixture ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

const x = (f: BaseFixtures, k: string) => f.extra[k] as string;
const n = (f: BaseFixtures, k: string) => f.extra[k] as number;

async function orderAndCollect(f: BaseFixtures, primary: number, collector: number, memberId: string): Promise<number> {
  await post(f, `/organisations/${primary}/card-orders`, { memberIds: [memberId] });
  return Number((await post(f, `/organisations/${collector}/card-batches`, {})).id);
}

/** A submitted order in the demo school not yet in a batch, so that each manager's «collect a batch» really creates one (not 422 «no orders»). */
async function freshSubmittedOrder(f: BaseFixtures): Promise<void> {
  const [memberId] = await seedMembers(f.t.ctx, [{ orgId: f.org.school }]);
  await post(f, `/organisations/${f.org.school}/card-orders`, { memberIds: [memberId] });
}

const deliveryCsv = (memberId: string) => `ID члена Профсоюза;Статус ЭПБ;Дата статуса\r\n${memberId};Изготовлен;\r\n`;

export const cardsMatrix: MatrixArea = {
  async setup(f) {
    const own = await seedMembers(f.t.ctx, [{ orgId: f.org.school }, { orgId: f.org.school }, { orgId: f.org.school }, { orgId: f.org.school }]);
    const foreign = await seedMembers(f.t.ctx, [{ orgId: f.org.otherSchool }, { orgId: f.org.otherSchool }]);
    Object.assign(f.extra, { cardMember: own[0], cardMemberToOrder: own[1], cardForeignMember: foreign[0] });
    f.extra.cardBatch = await orderAndCollect(f, f.org.school, f.org.territorial, own[2]);
    f.extra.cardForeignBatch = await orderAndCollect(f, f.org.otherSchool, f.org.otherTerritorial, foreign[1]);
    const toCancel = await post(f, `/organisations/${f.org.school}/card-orders`, { memberIds: [own[3]] });
    f.extra.cardOrder = (toCancel.orders as { id: number }[])[0].id;
    const foreignOrder = await seedMembers(f.t.ctx, [{ orgId: f.org.otherSchool }]);
    f.extra.cardForeignOrder = ((await post(f, `/organisations/${f.org.otherSchool}/card-orders`, { memberIds: foreignOrder })).orders as { id: number }[])[0].id;
  },
  entries: [
    {
      route: 'POST /organisations/:orgId/cards/eligibility', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/cards/eligibility`, body: { memberIds: [x(f, 'cardMember')] } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/cards/eligibility`, body: { memberIds: [x(f, 'cardForeignMember')] } }),
    },
    {
      route: 'POST /organisations/:orgId/card-orders', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/card-orders`, body: { memberIds: [x(f, 'cardMemberToOrder')] } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/card-orders`, body: { memberIds: [x(f, 'cardForeignMember')] } }),
    },
    {
      route: 'GET /organisations/:orgId/card-orders', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/card-orders` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/card-orders` }),
    },
    {
      route: 'POST /card-orders/:orderId/cancel', roles: everyone,
      own: (f) => ({ path: `/card-orders/${n(f, 'cardOrder')}/cancel` }),
      foreign: (f) => ({ path: `/card-orders/${n(f, 'cardForeignOrder')}/cancel` }),
    },
    {
      route: 'POST /organisations/:orgId/card-batches', roles: managers,
      own: async (f, role) => {
        if (role !== 'primary_chair') await freshSubmittedOrder(f);
        return { path: `/organisations/${ownOrg(f, role)}/card-batches`, body: {} };
      },
      foreign: (f) => ({ path: `/organisations/${f.org.otherTerritorial}/card-batches`, body: {} }),
    },
    {
      route: 'GET /organisations/:orgId/card-batches', roles: managers,
      own: (f, role) => ({ path: `/organisations/${ownOrg(f, role)}/card-batches` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherTerritorial}/card-batches` }),
    },
    {
      route: 'GET /card-batches/:batchId/application.docx', roles: managers,
      own: (f) => ({ path: `/card-batches/${n(f, 'cardBatch')}/application.docx` }),
      foreign: (f) => ({ path: `/card-batches/${n(f, 'cardForeignBatch')}/application.docx` }),
    },
    {
      route: 'GET /card-batches/:batchId/register.xlsx', roles: managers,
      own: (f) => ({ path: `/card-batches/${n(f, 'cardBatch')}/register.xlsx` }),
      foreign: (f) => ({ path: `/card-batches/${n(f, 'cardForeignBatch')}/register.xlsx` }),
    },
    {
      route: 'GET /card-batches/:batchId/register.csv', roles: managers,
      own: (f) => ({ path: `/card-batches/${n(f, 'cardBatch')}/register.csv` }),
      foreign: (f) => ({ path: `/card-batches/${n(f, 'cardForeignBatch')}/register.csv` }),
    },
    {
      route: 'POST /card-batches/:batchId/links', roles: managers,
      own: (f) => ({ path: `/card-batches/${n(f, 'cardBatch')}/links`, body: { file: 'register.csv' } }),
      foreign: (f) => ({ path: `/card-batches/${n(f, 'cardForeignBatch')}/links`, body: { file: 'register.csv' } }),
    },
    {
      route: 'POST /organisations/:orgId/cards/delivery-import', roles: managers,
      own: (f, role) => ({ path: `/organisations/${ownOrg(f, role)}/cards/delivery-import?dryRun=1`, raw: { contentType: 'text/csv', data: deliveryCsv(x(f, 'cardMember')) } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherTerritorial}/cards/delivery-import?dryRun=1`, raw: { contentType: 'text/csv', data: deliveryCsv(x(f, 'cardForeignMember')) } }),
    },
    {
      route: 'POST /organisations/:orgId/cards/issue', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/cards/issue`, body: { memberIds: [x(f, 'cardMember')] } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/cards/issue`, body: { memberIds: [x(f, 'cardForeignMember')] } }),
    },
    {
      route: 'GET /organisations/:orgId/cards/to-issue', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/cards/to-issue` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/cards/to-issue` }),
    },
    {
      route: 'GET /organisations/:orgId/cards/budget', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/cards/budget?year=2026` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/cards/budget?year=2026` }),
    },
    {
      route: 'GET /organisations/:orgId/cards/budget.xlsx', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/cards/budget.xlsx?year=2026` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/cards/budget.xlsx?year=2026` }),
    },
    {
      route: 'POST /organisations/:orgId/cards/budget-link', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/cards/budget-link`, body: { year: 2026 } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/cards/budget-link`, body: { year: 2026 } }),
    },
    {
      route: 'GET /settings/card-prices', roles: everyone,
      own: () => ({ path: '/settings/card-prices' }),
    },
    {
      route: 'PUT /settings/card-prices', roles: adminOnly,
      own: () => ({ path: '/settings/card-prices', body: { year: 2099, priceRub: 30 } }),
    },
  ],
};
