import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Role } from '../../domain/roles';
import { insertMembers, prepareConsentDetails } from '../../server/services/documents/test-fixtures';
import { auth } from '../support/app';
import { everyone, managers, type BaseFixtures, type Expect, type MatrixArea } from './types';

const adminOnly: Record<Role, Expect> = { central_admin: 'allowed', regional: 403, territorial: 403, primary_chair: 403 };
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Organisations without a passport keep their details for documents; a primary chair is refused by role on its own school. */
const detailsTarget = (f: BaseFixtures, role: Role) => (role === 'primary_chair' ? f.org.school : f.org.territorial);

let letterCounter = 0;

/** A fresh single-use link (the download route is public: the token is the credential). */
async function freshDownloadPath(f: BaseFixtures): Promise<string> {
  const res = await request(f.t.app).post('/api/v1/me/documents/obligation').set(auth(await f.t.token('admin')));
  if (res.status !== 201) throw new Error(`fixture download: ${res.status} ${JSON.stringify(res.body)}`);
  return new URL(res.body.downloadUrl as string).pathname.replace(/^\/api\/v1/, '');
}

export const documentsMatrix: MatrixArea = {
  async setup(f) {
    const [schoolMember] = await insertMembers(f.t.ctx, f.org.school, [{ surname: 'Матрицева', name: 'Анна', patronymic: 'Ивановна' }]);
    const [otherMember] = await insertMembers(f.t.ctx, f.org.otherSchool, [{ surname: 'Чужакова', name: 'Вера', patronymic: 'Павловна' }]);
    await prepareConsentDetails(f.t.app, await f.t.token('admin'), [f.org.territorial, f.org.region, f.org.central]);
    f.extra.schoolMember = schoolMember;
    f.extra.otherMember = otherMember;
  },
  entries: [
    { route: 'GET /templates', roles: adminOnly, own: () => ({ path: '/templates' }) },
    { route: 'GET /templates/:kind', roles: adminOnly, own: () => ({ path: '/templates/obligation' }) },
    { route: 'POST /templates/:kind/link', roles: adminOnly, own: () => ({ path: '/templates/obligation/link' }) },
    {
      route: 'PUT /templates/:kind', roles: adminOnly,
      own: () => ({ path: '/templates/obligation', raw: { contentType: DOCX, data: fs.readFileSync(path.resolve(__dirname, '../../templates/obligation.docx')) } }),
    },
    { route: 'GET /settings/documents', roles: adminOnly, own: () => ({ path: '/settings/documents' }) },
    {
      route: 'PUT /settings/documents', roles: adminOnly,
      own: () => ({ path: '/settings/documents', body: { cardOperator: { address: '190000, г. Санкт-Петербург, ул. Тестовая, д. 1' } } }),
    },
    {
      route: 'GET /organisations/:orgId/documents/details', roles: managers,
      own: (f, role) => ({ path: `/organisations/${detailsTarget(f, role)}/documents/details` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherTerritorial}/documents/details` }),
    },
    {
      route: 'PUT /organisations/:orgId/documents/details', roles: managers,
      own: (f, role) => ({ path: `/organisations/${detailsTarget(f, role)}/documents/details`, body: { contact: '+7 843 200-00-00' } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherTerritorial}/documents/details`, body: { contact: '+7 843 200-00-00' } }),
    },
    {
      route: 'POST /organisations/:orgId/documents/consents', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/documents/consents`, body: { memberIds: [f.extra.schoolMember], format: 'docx' } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/documents/consents`, body: { memberIds: [f.extra.otherMember], format: 'docx' } }),
    },
    {
      route: 'POST /accounts/:userId/documents/obligation', roles: managers,
      own: (f) => ({ path: `/accounts/${f.user.school}/documents/obligation` }),
      foreign: (f) => ({ path: `/accounts/${f.user.otherSchool}/documents/obligation` }),
    },
    { route: 'POST /me/documents/obligation', roles: everyone, own: () => ({ path: '/me/documents/obligation' }) },
    {
      route: 'POST /organisations/:orgId/accounts/with-letter', roles: managers,
      own: (f) => ({ path: `/organisations/${f.org.school}/accounts/with-letter`, body: { fullName: `Письмова Ольга ${['Ивановна', 'Петровна', 'Сергеевна'][++letterCounter % 3]}`, contact: '+7 843 200-00-00' } }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/accounts/with-letter`, body: { fullName: 'Письмова Ольга Ивановна', contact: '+7 843 200-00-00' } }),
    },
    {
      route: 'POST /accounts/:userId/reset-password/with-letter', roles: managers,
      own: (f) => ({ path: `/accounts/${f.user.school}/reset-password/with-letter`, body: { contact: '+7 843 200-00-00' } }),
      foreign: (f) => ({ path: `/accounts/${f.user.otherSchool}/reset-password/with-letter`, body: { contact: '+7 843 200-00-00' } }),
    },
    { route: 'GET /downloads/:token', roles: everyone, own: async (f) => ({ path: await freshDownloadPath(f) }) },
  ],
};
