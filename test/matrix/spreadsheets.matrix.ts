import { everyone, type BaseFixtures, type MatrixArea, type MatrixRequest } from './types';

/** A one-member CSV checked without writing (dry run): the same body for every role. */
const CSV = 'Фамилия;Имя;Дата рождения;Категория\r\nМатрицева;Анна;01.02.1990;Работник\r\n';

const upload = (orgId: number): MatrixRequest => ({ path: `/organisations/${orgId}/members/upload?dryRun=1`, raw: { contentType: 'text/csv', data: Buffer.from(CSV, 'utf8') } });

export const spreadsheetsMatrix: MatrixArea = {
  entries: [
    {
      route: 'POST /organisations/:orgId/members/upload', roles: everyone,
      own: (f: BaseFixtures) => upload(f.org.school),
      foreign: (f: BaseFixtures) => upload(f.org.otherSchool),
    },
    {
      route: 'POST /organisations/:orgId/members/upload/preview', roles: everyone,
      own: (f: BaseFixtures) => ({ path: `/organisations/${f.org.school}/members/upload/preview`, raw: { contentType: 'text/csv', data: Buffer.from(CSV, 'utf8') } }),
      foreign: (f: BaseFixtures) => ({ path: `/organisations/${f.org.otherSchool}/members/upload/preview`, raw: { contentType: 'text/csv', data: Buffer.from(CSV, 'utf8') } }),
    },
    { route: 'GET /members/template.xlsx', roles: everyone, own: () => ({ path: '/members/template.xlsx' }) },
    {
      route: 'GET /organisations/:orgId/members/export.xlsx', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/members/export.xlsx?subtree=1` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/members/export.xlsx?subtree=1` }),
    },
    {
      route: 'GET /organisations/:orgId/members/export.csv', roles: everyone,
      own: (f) => ({ path: `/organisations/${f.org.school}/members/export.csv` }),
      foreign: (f) => ({ path: `/organisations/${f.org.otherSchool}/members/export.csv` }),
    },
  ],
};
