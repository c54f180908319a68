/**
 * Issue 15, hole 9: every read that answers members' personal data is written to the audit log, as
 * exports already are — the member card, transfers (list and one), the to-issue list, eligibility,
 * dry runs, and batches (list and one). The test walks each such route as a chair and expects one new
 * audit row naming the reader and the organisation, with ids and counts only (no names, dates, СНИЛС).
 * A guard makes a new personal-data GET route fail here until its read is audited and walked.
 */
import request from 'supertest';
import type { AnyRoute } from '../../server/http/route';
import { auth, startTestApp, type TestApp } from '../support/app';
import { dbVariants } from '../support/db';

/** Personal-data GET routes audited elsewhere, with the test that shows it. */
const AUDITED_ELSEWHERE: Record<string, string> = {
  'GET /organisations/:orgId/members/export.xlsx': 'members.exported — server/routes/spreadsheets.test.ts',
  'GET /organisations/:orgId/members/export.csv': 'members.exported — server/routes/spreadsheets.test.ts',
  'GET /card-batches/:batchId/application.docx': 'card_batch.exported — server/routes/cards.test.ts',
  'GET /card-batches/:batchId/register.xlsx': 'card_batch.exported — server/routes/cards.test.ts',
  'GET /card-batches/:batchId/register.csv': 'card_batch.exported — server/routes/cards.test.ts',
};

interface Walk {
  route: string;
  action: string;
  call(): Promise<request.Response>;
}

describe.each(dbVariants())('every read of personal data is audited (%s)', (variant) => {
  let t: TestApp;
  let school: string;
  let memberId: string;
  let batchId: string;
  let transferId: string;
  let walks: Walk[];

  beforeAll(async () => {
    t = await startTestApp(variant);
    school = await t.token('school');
    const orgId = t.demo.orgIds.school;
    const pushed = await request(t.app).post(`/api/v1/organisations/${orgId}/members/sync`).set(auth(school))
      .send({ idempotencyKey: 'reads-audit-0001', rows: [{ row: 2, values: { surname: 'Читаемова', name: 'Вера', patronymic: 'Ильинична', birthDate: '03.03.1983', category: 'Работник' } }] });
    expect(pushed.status).toBe(200);
    memberId = pushed.body.rows[0].id;
    batchId = pushed.body.batchId;
    const transfer = await request(t.app).post(`/api/v1/members/${memberId}/transfers`).set(auth(school)).send({ toOrgId: t.demo.orgIds.kindergarten });
    expect(transfer.status).toBe(201);
    transferId = transfer.body.id;
    const api = (method: 'get' | 'post', path: string, body?: object) => () => {
      const r = request(t.app)[method](`/api/v1${path}`).set(auth(school));
      return body ? r.send(body) : r;
    };
    walks = [
      { route: 'GET /organisations/:orgId/members', action: 'members.pulled', call: api('get', `/organisations/${orgId}/members`) },
      { route: 'GET /members/:memberId', action: 'member.card_read', call: api('get', `/members/${memberId}`) },
      { route: 'GET /organisations/:orgId/transfers', action: 'transfers.listed', call: api('get', `/organisations/${orgId}/transfers?direction=outgoing`) },
      { route: 'GET /transfers/:transferId', action: 'transfer.read', call: api('get', `/transfers/${transferId}`) },
      { route: 'GET /organisations/:orgId/cards/to-issue', action: 'cards.to_issue_listed', call: api('get', `/organisations/${orgId}/cards/to-issue`) },
      { route: 'POST /organisations/:orgId/cards/eligibility', action: 'cards.eligibility_checked', call: api('post', `/organisations/${orgId}/cards/eligibility`, { memberIds: [memberId] }) },
      {
        route: 'POST /organisations/:orgId/members/sync (dry run)', action: 'members.dry_run',
        call: api('post', `/organisations/${orgId}/members/sync`, { idempotencyKey: 'reads-audit-dry-1', dryRun: true, rows: [{ row: 2, values: { surname: 'Читаемова', name: 'Вера', patronymic: 'Ильинична', birthDate: '03.03.1983', category: 'Работник' } }] }),
      },
      { route: 'GET /organisations/:orgId/batches', action: 'member_batches.listed', call: api('get', `/organisations/${orgId}/batches`) },
      { route: 'GET /batches/:batchId', action: 'member_batch.read', call: api('get', `/batches/${batchId}`) },
    ];
  });
  afterAll(() => t.close());

  test('each read writes exactly one audit row: the reader, the organisation, ids and counts — no personal data', async () => {
    const schoolUser = await t.ctx.db.models.User.findOne({ where: { login: 'school' } });
    const failures: string[] = [];
    for (const w of walks) {
      const before = await t.ctx.db.models.AuditEntry.count({ where: { action: w.action } });
      const res = await w.call();
      if (res.status !== 200) {
        failures.push(`${w.route}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const rows = await t.ctx.db.models.AuditEntry.findAll({ where: { action: w.action }, order: [['id', 'ASC']] });
      if (rows.length !== before + 1) {
        failures.push(`${w.route}: expected one new «${w.action}» audit row, got ${rows.length - before}`);
        continue;
      }
      const row = rows[rows.length - 1];
      if (row.userId !== schoolUser!.id) failures.push(`${w.route}: audit row names user ${row.userId}`);
      if (row.orgId !== t.demo.orgIds.school) failures.push(`${w.route}: audit row names organisation ${row.orgId}`);
      if (/Читаемова|Вера|Ильинична|1983/.test(JSON.stringify(row.toJSON()))) failures.push(`${w.route}: personal data in the audit row`);
    }
    expect(failures).toEqual([]);
  });

  test('every personal-data GET route is walked here or audited as an export', () => {
    const walked = new Set(walks.map((w) => w.route));
    const missing = (t.app.locals.routes as AnyRoute[])
      .filter((r) => r.method === 'get' && (r.access.kind === 'org' || r.access.kind === 'resource') && r.access.personalData)
      .map((r) => `GET ${r.path}`)
      .filter((k) => !walked.has(k) && !AUDITED_ELSEWHERE[k]);
    expect(missing).toEqual([]);
  });
});
