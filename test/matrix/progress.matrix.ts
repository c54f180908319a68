import request from 'supertest';
import type { Role } from '../../domain/roles';
import { auth } from '../support/app';
import { everyone, type BaseFixtures, type Expect, type MatrixArea } from './types';

/** Campaign dates are edited by the central registry and regional organisations only. */
const editors: Record<Role, Expect> = { central_admin: 'allowed', regional: 'allowed', territorial: 403, primary_chair: 403 };

let counter = 0;

/** The organisation each role works on: editors on the region, the others on their own organisation. */
function ownOrg(f: BaseFixtures, role: Role): number {
  if (role === 'central_admin' || role === 'regional') return f.org.region;
  return role === 'territorial' ? f.org.territorial : f.org.school;
}

async function campaign(f: BaseFixtures, orgId: number, name: string): Promise<number> {
  const token = await f.t.token('admin');
  const res = await request(f.t.app).post(`/api/v1/organisations/${orgId}/campaigns`).set(auth(token)).send({ name, startYear: 2026 });
  if (res.status !== 201) throw new Error(`fixture campaign: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

export const progressMatrix: MatrixArea = {
  async setup(f) {
    f.extra.regionCampaign = await campaign(f, f.org.region, 'Кампания матрицы (регион)');
    f.extra.otherCampaign = await campaign(f, f.org.otherRegion, 'Кампания матрицы (другой регион)');
  },
  entries: [
    {
      route: 'GET /organisations/:orgId/progress', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/progress` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/progress` }),
    },
    {
      route: 'GET /organisations/:orgId/progress.xlsx', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/progress.xlsx` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/progress.xlsx` }),
    },
    {
      route: 'POST /organisations/:orgId/progress-link', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/progress-link` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/progress-link` }),
    },
    {
      route: 'GET /organisations/:orgId/checklist', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/checklist` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/checklist` }),
    },
    {
      route: 'GET /organisations/:orgId/campaigns', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/campaigns` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/campaigns` }),
    },
    {
      route: 'POST /organisations/:orgId/campaigns', roles: editors,
      own: (f, role) => ({ path: `/organisations/${ownOrg(f, role)}/campaigns`, body: { name: `Кампания ${++counter}`, startYear: 2027 } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherRegion}/campaigns`, body: { name: `Кампания ${++counter}`, startYear: 2027 } }),
    },
    {
      route: 'PATCH /organisations/:orgId/campaigns/:campaignId', roles: editors,
      own: (f, role) => ({ path: `/organisations/${ownOrg(f, role)}/campaigns/${f.extra.regionCampaign}`, body: { name: `Кампания переименована ${++counter}` } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherRegion}/campaigns/${f.extra.otherCampaign}`, body: { name: `Кампания переименована ${++counter}` } }),
    },
  ],
};
