/**
 * The progress API over real HTTP, on a small tree with a skipped level (a primary organisation with
 * the rights of a territorial one directly under the region), every figure against hand-computed
 * values; deadlines with the injected clock; the checklist of a primary chair; who may edit campaigns;
 * the .xlsx read back; and the counters after pushes, deregistrations and transfers through the member API.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import type { MemberRecord } from '../services/members/member-record';
import { memberTransaction } from '../services/members/member-tx';
import { writeMembers } from '../services/members/member-writes';
import { inventPeople, peopleAsSheetRows } from '../services/members/demo-members';
import { computeCountersFromScratch, readAllStats } from '../services/progress/counters';

interface Tree {
  R: number; T: number; P1: number; P2: number; P3: number; U1: number; G1: number; G2: number;
  chairP1: string;
}

const PASSPORT_FULL = {
  inpoNumber: '1600100012', unionName: 'Первичная профсоюзная организация', inn: '7830002293', kpp: '783001001', ogrn: '1027700132195',
  registrationDate: '2003-02-14', institutionName: 'МБОУ «Школа № 7»', institutionType: 'Общеобразовательная организация (школа)',
  chairFullName: 'Иванова Мария Сергеевна', employeesCount: 60, studentsCount: 300, legalAddress: 'г. Казань, ул. Школьная, д. 7',
  postalIndex: '420000', phone: '+78432000007', email: 'ppo7@example.org',
};

function member(orgId: number, primaryOrgId: number, o: Partial<MemberRecord>): MemberRecord {
  const now = '2026-11-26T09:00:00.000Z';
  return {
    id: randomUUID(), orgId, primaryOrgId, surname: 'Смирнова', name: 'Елена', patronymic: 'Петровна', sex: 'female', birthDate: '1981-04-05',
    snils: null, phone: '+79161234567', email: null, position: null, category: 'employee', joinedAt: null,
    consentUnion: null, consentUnionDate: null, consentOperator: null, consentOperatorDate: null, consentNotify: null, consentNotifyDate: null,
    cardStatus: 'not_ordered', cardStatusAt: null, address: null, idDocument: null, registeredAt: '2026-11-01',
    deregisteredAt: null, deregistrationReason: null, deregistrationComment: null, version: 1, lastBatchId: null,
    createdBy: null, updatedBy: null, createdAt: now, updatedAt: now, ...o,
  };
}
const given3 = { consentUnion: 'given', consentOperator: 'given', consentNotify: 'given' } as const;

describe.each(dbVariants())('progress API (%s)', (variant) => {
  let t: TestApp;
  let admin: string;
  let tree: Tree;
  const api = () => request(t.app);

  async function post(token: string, path: string, body: object, status = 201) {
    const res = await api().post(`/api/v1${path}`).set(auth(token)).send(body);
    if (res.status !== status) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
  async function chairToken(login: string, oneTime: string): Promise<string> {
    const first = await api().post('/api/v1/auth/login').send({ login, password: oneTime });
    await api().post('/api/v1/auth/password').set(auth(first.body.token)).send({ oldPassword: oneTime, newPassword: 'Новый-пароль-председателя-2026' }).expect(204);
    return first.body.token as string;
  }
  /** A new session (tokens expire when the clock is moved by days). */
  async function login(name: 'admin'): Promise<string> {
    const res = await api().post('/api/v1/auth/login').send({ login: name, password: 'demo-admin-2026' });
    return res.body.token as string;
  }
  async function write(records: MemberRecord[]): Promise<void> {
    await memberTransaction(t.ctx, [...new Set(records.map((r) => r.primaryOrgId))], (tx) =>
      writeMembers(t.ctx, tx, records.map((after) => ({ op: 'create' as const, after })), { userId: null, batch: null, cardVia: 'system', now: t.clock.now }),
    );
  }

  /**
   * Region R: territorial T with P1 (school: group G2) and P2 (kindergarten); P3 — a university with the
   * rights of a territorial organisation directly under R (faculty U1 with department G1).
   */
  async function buildTree(): Promise<Tree> {
    const c = t.demo.orgIds.central;
    const R = (await post(admin, `/organisations/${c}/children`, { kind: 'regional', name: 'Тестовая региональная организация' })).id;
    const T = (await post(admin, `/organisations/${R}/children`, { kind: 'territorial', name: 'Районная организация (тест)' })).id;
    const P1 = (await post(admin, `/organisations/${T}/children`, { kind: 'primary', name: 'ППО школы № 7' })).id;
    const P2 = (await post(admin, `/organisations/${T}/children`, { kind: 'primary', name: 'ППО детского сада № 3' })).id;
    const P3 = (await post(admin, `/organisations/${R}/children`, { kind: 'primary_territorial', name: 'ППО университета' })).id;
    const U1 = (await post(admin, `/organisations/${P3}/children`, { kind: 'subdivision', name: 'Физический факультет' })).id;
    const G1 = (await post(admin, `/organisations/${U1}/children`, { kind: 'group', name: 'Кафедра общей физики' })).id;
    const G2 = (await post(admin, `/organisations/${P1}/children`, { kind: 'group', name: '1-е классы' })).id;
    const a1 = await post(admin, `/organisations/${P1}/accounts`, { fullName: 'Иванова Мария Сергеевна' });
    await post(admin, `/organisations/${P2}/accounts`, { fullName: 'Фёдорова Анна Ивановна' });
    const a3 = await post(admin, `/organisations/${P3}/accounts`, { fullName: 'Орлов Олег Олегович' });
    await post(admin, `/accounts/${a1.account.id}/obligation`, { signedAt: '2026-11-20' }, 200);
    await post(admin, `/accounts/${a3.account.id}/obligation`, { signedAt: '2026-11-20' }, 200);
    const chairP1 = await chairToken(a1.account.login, a1.oneTimePassword);
    await post(chairP1, '/me/progress', { what: 'training' }, 200);
    const chairP3 = await chairToken(a3.account.login, a3.oneTimePassword);
    await post(chairP3, '/me/progress', { what: 'firstRun' }, 200);
    const put = (org: number, data: object) => api().put(`/api/v1/organisations/${org}/passport`).set(auth(admin)).send({ data }).expect(200);
    await put(P1, PASSPORT_FULL);
    await put(P2, { inpoNumber: '1600100013', unionName: 'ППО детского сада № 3' });
    await put(P3, { ...PASSPORT_FULL, employeesCount: 1000, studentsCount: 9000, email: null });
    await write([
      member(P1, P1, { ...given3, cardStatus: 'issued' }), // m1
      member(G2, P1, { ...given3, consentNotify: 'refused', cardStatus: 'received' }), // m2
      member(P1, P1, { ...given3, cardStatus: 'not_ordered' }), // m3: can be ordered
      member(P1, P1, { consentUnion: 'given', consentOperator: 'refused' }), // m4: notify not collected
      member(P1, P1, { ...given3, cardStatus: 'issued', deregisteredAt: '2026-10-01', deregistrationReason: 'left_job' }), // m5: not counted
      member(G1, P3, { ...given3, cardStatus: 'ordered' }), // m6
      member(U1, P3, { ...given3, phone: null }), // m7: no phone, cannot be ordered
      member(P3, P3, {}), // m8: nothing collected
    ]);
    return { R, T, P1, P2, P3, U1, G1, G2, chairP1 };
  }

  beforeEach(async () => {
    t = await startTestApp(variant);
    admin = await t.token('admin');
    tree = await buildTree();
  });
  afterEach(() => t.close());

  const pct = (s: { steps: { step: number; percent: number | null }[] }) => Object.fromEntries(s.steps.map((x) => [x.step, x.percent]));
  const done = (s: { steps: { step: number; done: boolean }[] }) => s.steps.filter((x) => x.done).map((x) => x.step);

  test('every measure against hand-computed values, with a skipped level, and drill-down', async () => {
    const res = await api().get(`/api/v1/organisations/${tree.R}/progress`).set(auth(admin));
    expect(res.status).toBe(200);
    const r = res.body;
    expect(r.organisation.counts).toEqual({
      primaries: 3, accounts: 3, obligations: 2, trained: 2, tabInpo: 3, tabRegistration: 2, tabOrganisation: 2, tabContacts: 1,
      passports: 1, structures: 2, employees: 1060, students: 9300, withMembers: 2, registered: 7, consentUnion: 6, consentOperator: 5,
      consentNotify: 4, consentsAnswered: 5, cardsEligible: 1, cardsOrdered: 3, cardsReceived: 2, cardsIssued: 1,
    });
    expect(pct(r.organisation)).toEqual({ 1: 66.7, 2: 66.7, 3: 33.3, 4: 66.7, 5: 71.4, 6: 75, 7: 50 });
    expect(r.organisation.coveragePercent).toBe(0.1);
    expect(done(r.organisation)).toEqual([]);
    // One row per direct child, in Russian alphabetical order: the university (skipped level) and the territorial organisation.
    expect(r.children.map((c: { name: string; kind: string; hasChildren: boolean }) => [c.name, c.kind, c.hasChildren])).toEqual([
      ['ППО университета', 'primary_territorial', true],
      ['Районная организация (тест)', 'territorial', true],
    ]);
    const [p3, tt] = r.children;
    expect(p3.counts).toMatchObject({ primaries: 1, obligations: 1, trained: 1, passports: 0, tabContacts: 0, structures: 1, registered: 3, consentsAnswered: 2, cardsEligible: 0, cardsOrdered: 1, cardsReceived: 0 });
    expect(pct(p3)).toEqual({ 1: 100, 2: 100, 3: 0, 4: 100, 5: 66.7, 6: 100, 7: null });
    expect(done(p3)).toEqual([1, 2, 4, 6]);
    expect(tt.counts).toMatchObject({ primaries: 2, accounts: 2, obligations: 1, trained: 1, passports: 1, withMembers: 1, registered: 4, consentsAnswered: 3, cardsEligible: 1, cardsOrdered: 2, cardsReceived: 2, cardsIssued: 1 });
    expect(pct(tt)).toEqual({ 1: 50, 2: 50, 3: 50, 4: 50, 5: 75, 6: 66.7, 7: 50 });
    const step4 = tt.steps[3];
    expect(step4.indicators.find((i: { key: string }) => i.key === 'registered')).toMatchObject({ value: 4, of: 360, percent: 1.1 });

    // Drill down: the territorial organisation's children are the two primary organisations.
    const down = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(down.organisation.counts).toEqual(tt.counts);
    const p1 = down.children.find((c: { orgId: number }) => c.orgId === tree.P1);
    const p2 = down.children.find((c: { orgId: number }) => c.orgId === tree.P2);
    expect(pct(p1)).toEqual({ 1: 100, 2: 100, 3: 100, 4: 100, 5: 75, 6: 66.7, 7: 50 });
    expect(done(p1)).toEqual([1, 2, 3, 4]);
    expect(p1.coveragePercent).toBe(1.1);
    expect(pct(p2)).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0, 5: null, 6: null, 7: null });
    expect(p2.counts).toMatchObject({ accounts: 1, tabInpo: 1, tabRegistration: 0 });

    // Into the university: the faculty is a unit — steps 1–4 do not apply to it.
    const uni = (await api().get(`/api/v1/organisations/${tree.P3}/progress`).set(auth(admin))).body;
    expect(uni.children).toHaveLength(1);
    const u1 = uni.children[0];
    expect(u1.steps.slice(0, 4).map((s: { applies: boolean; percent: number | null }) => [s.applies, s.percent])).toEqual([[false, null], [false, null], [false, null], [false, null]]);
    expect(u1.counts).toMatchObject({ registered: 2, cardsOrdered: 1, consentsAnswered: 2 });
    expect(pct(u1)).toEqual({ 1: null, 2: null, 3: null, 4: null, 5: 100, 6: 100, 7: null });

    // The figures are counts only: no names, СНИЛС or phones anywhere in the answer.
    expect(JSON.stringify(r)).not.toMatch(/Смирнова|\+7916|Иванова Мария/);
  });

  test('deadlines with the injected clock: overdue flags, the day a step was reached, a region\'s own campaign', async () => {
    // The built-in roadmap (2020–2021) applies everywhere at first: every unfinished step is long overdue.
    let r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(r.campaign).toMatchObject({ name: 'Дорожная карта «Семь месяцев – семь шагов»', builtin: true, rootOrgId: t.demo.orgIds.central });
    expect(r.campaign.steps.map((s: { dueOn: string }) => s.dueOn)).toEqual(['2020-11-15', '2020-12-15', '2021-01-31', '2021-02-28', '2021-03-31', '2021-04-30', '2021-05-31']);
    expect(r.organisation.overdueSteps).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const p1 = r.children.find((c: { orgId: number }) => c.orgId === tree.P1);
    expect(p1.overdueSteps).toEqual([5, 6, 7]);
    expect(p1.steps.slice(0, 4).map((s: { reachedOn: string | null }) => s.reachedOn)).toEqual(['2026-11-26', '2026-11-26', '2026-11-26', '2026-11-26']);
    expect(p1.steps[4].reachedOn).toBeNull();

    // The region starts its own campaign for 2026/27: it applies to the region's subtree only.
    const region = await post(admin, `/organisations/${tree.R}/campaigns`, { name: 'Семь шагов 2026/27', startYear: 2026 });
    expect(region.steps.map((s: { startsOn: string; dueOn: string }) => [s.startsOn, s.dueOn])).toEqual([
      ['2026-11-01', '2026-11-15'], ['2026-11-15', '2026-12-15'], ['2026-12-15', '2027-01-31'], ['2027-02-01', '2027-02-28'],
      ['2027-03-01', '2027-03-31'], ['2027-04-01', '2027-04-30'], ['2027-05-01', '2027-05-31'],
    ]);
    r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(r.campaign.id).toBe(region.id);
    // 26 November 2026: only step 1 (due 15 November) is overdue for the territorial organisation.
    expect(r.organisation.overdueSteps).toEqual([1]);
    expect(r.children.find((c: { orgId: number }) => c.orgId === tree.P1).overdueSteps).toEqual([]);
    const demo = (await api().get(`/api/v1/organisations/${t.demo.orgIds.territorial}/progress`).set(auth(admin))).body;
    expect(demo.campaign.builtin).toBe(true);

    // 16 December: step 2 is overdue too. On 20 December the school collects the last consent: step 5 reached that day.
    t.clock.advanceMinutes(20 * 24 * 60);
    admin = await login('admin');
    r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(r.today).toBe('2026-12-16');
    expect(r.organisation.overdueSteps).toEqual([1, 2]);
    t.clock.advanceMinutes(4 * 24 * 60);
    admin = await login('admin');
    const [m4] = await t.ctx.db.sequelize.query("SELECT id, version FROM members WHERE primary_org_id = :p AND consent_operator = 'refused'", { replacements: { p: tree.P1 }, type: 'SELECT' as never }) as unknown as { id: string; version: number }[];
    await post(admin, `/organisations/${tree.P1}/members/actions`, { action: 'consents', memberIds: [m4.id], consents: { notify: { state: 'refused', date: '2026-12-20' } } }, 200);
    r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    const school = r.children.find((c: { orgId: number }) => c.orgId === tree.P1);
    expect(school.steps[4]).toMatchObject({ done: true, percent: 100, reachedOn: '2026-12-20', overdue: false });
    // The territorial organisation: P2 has no members, so its consents are complete too.
    expect(r.organisation.steps[4]).toMatchObject({ done: true, reachedOn: '2026-12-20' });
    // And the first reach stays when the step falls back below 100%.
    const extra = member(tree.P1, tree.P1, {});
    await write([extra]);
    t.clock.advanceMinutes(24 * 60);
    admin = await login('admin');
    r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(r.children.find((c: { orgId: number }) => c.orgId === tree.P1).steps[4]).toMatchObject({ done: false, reachedOn: '2026-12-20' });
    // After the deadline (31 March 2027): reached in time, so not overdue; never-reached steps are.
    t.clock.advanceMinutes(102 * 24 * 60);
    admin = await login('admin');
    r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(r.today).toBe('2027-04-02');
    expect(r.children.find((c: { orgId: number }) => c.orgId === tree.P1).steps[4]).toMatchObject({ done: false, reachedOn: '2026-12-20', overdue: false });
    expect(r.children.find((c: { orgId: number }) => c.orgId === tree.P2).overdueSteps).toEqual([1, 2, 3, 4, 5]);
  });

  test('the checklist of a primary chair: done / next / deadline, instructions and the add-in views', async () => {
    const res = await api().get(`/api/v1/organisations/${tree.P1}/checklist`).set(auth(tree.chairP1));
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c).toMatchObject({ orgId: tree.P1, orgName: 'ППО школы № 7', nextStep: 5, doneSteps: 4 });
    expect(c.items.map((i: { status: string }) => i.status)).toEqual(['done', 'done', 'done', 'done', 'next', 'later', 'later']);
    expect(c.items.map((i: { view: string }) => i.view)).toEqual(['account', 'training', 'passport', 'members', 'consents', 'cards', 'cards']);
    expect(c.items[2].relatedViews).toEqual(['structure']);
    for (const item of c.items) {
      expect(item.instructions.length).toBeGreaterThanOrEqual(4);
      for (const line of item.instructions) expect(line).toMatch(/^[А-ЯЁ«]/);
      expect(item.summary).toMatch(/[а-яё]/);
    }
    expect(c.items[4].summary).toBe('Все три согласия отмечены у 3 из 4 чел. Даны: Профсоюзу — 4, ООО «ФИНФОРТ» — 3, на уведомления — 2. Срок был 31.03.2021 — шаг просрочен.');
    expect(c.items[5].summary).toMatch(/^Заказано ЭПБ: 2\. Можно заказать ещё: 1\./);
    expect(c.items[0]).toMatchObject({ done: true, overdue: false, dueOn: '2020-11-15', reachedOn: '2026-11-26' });

    // The kindergarten: nothing but a login; step 1 is next and says what is missing.
    const kg = (await api().get(`/api/v1/organisations/${tree.P2}/checklist`).set(auth(admin))).body;
    expect(kg.nextStep).toBe(1);
    expect(kg.items[0].summary).toMatch(/^Логин выдан, но подписанное обязательство о неразглашении ещё не отмечено/);
    expect(kg.items[2].summary).toMatch(/Не заполнены вкладки паспорта: «Регистрация», «Организация», «Адреса и телефоны»/);

    // Only for a primary organisation.
    const notPrimary = await api().get(`/api/v1/organisations/${tree.T}/checklist`).set(auth(admin));
    expect(notPrimary.status).toBe(400);
    expect(notPrimary.body.detail).toMatch(/первичной профсоюзной организации/);
  });

  test('campaigns: central and regional administrators edit, others read; versions, dates and names are checked', async () => {
    const region = await t.token('region');
    const territory = await t.token('territory');
    const school = await t.token('school');
    const demoRegion = t.demo.orgIds.region;
    const list = (await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/campaigns`).set(auth(school))).body;
    expect(list.active).toMatchObject({ builtin: true, editable: false, active: true });

    expect((await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/campaigns`).set(auth(territory)).send({ name: 'Своя кампания' })).status).toBe(403);
    expect((await api().patch(`/api/v1/organisations/${t.demo.orgIds.school}/campaigns/${list.active.id}`).set(auth(school)).send({ name: 'x' })).status).toBe(403);
    // The regional administrator cannot touch the central campaign (not in their subtree: as if absent).
    expect((await api().patch(`/api/v1/organisations/${t.demo.orgIds.central}/campaigns/${list.active.id}`).set(auth(region)).send({ name: 'x' })).status).toBe(404);

    const created = await api().post(`/api/v1/organisations/${demoRegion}/campaigns`).set(auth(region)).send({ name: 'Региональная кампания 2026', startYear: 2026 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ rootOrgId: demoRegion, builtin: false, editable: true, active: true, version: 1 });
    const again = await api().post(`/api/v1/organisations/${demoRegion}/campaigns`).set(auth(region)).send({ name: 'Региональная кампания 2026' });
    expect(again.status).toBe(409);

    const patched = await api().patch(`/api/v1/organisations/${demoRegion}/campaigns/${created.body.id}`).set(auth(region)).send({ version: 1, steps: [{ step: 1, dueOn: '2026-11-30' }] });
    expect(patched.status).toBe(200);
    expect(patched.body.steps[0]).toMatchObject({ step: 1, startsOn: '2026-11-01', dueOn: '2026-11-30' });
    expect(patched.body.version).toBe(2);
    const stale = await api().patch(`/api/v1/organisations/${demoRegion}/campaigns/${created.body.id}`).set(auth(region)).send({ version: 1, name: 'Другое имя' });
    expect(stale.status).toBe(409);
    const backwards = await api().patch(`/api/v1/organisations/${demoRegion}/campaigns/${created.body.id}`).set(auth(region)).send({ steps: [{ step: 3, startsOn: '2027-02-01', dueOn: '2027-01-01' }] });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].message).toMatch(/Шаг 3/);

    // The school now sees the region's campaign; the territorial chair reads it but cannot edit it.
    const seen = (await api().get(`/api/v1/organisations/${t.demo.orgIds.territorial}/campaigns`).set(auth(territory))).body;
    expect(seen.active).toMatchObject({ id: created.body.id, editable: false });
    expect(seen.campaigns.map((c: { builtin: boolean }) => c.builtin)).toEqual([true, false]);
    const checklist = (await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/checklist`).set(auth(school))).body;
    expect(checklist.items[0].dueOn).toBe('2026-11-30');

    // The central administrator edits the built-in roadmap campaign.
    const central = await api().patch(`/api/v1/organisations/${t.demo.orgIds.central}/campaigns/${list.active.id}`).set(auth(admin)).send({ name: 'Дорожная карта 2020–2021' });
    expect(central.status).toBe(200);
    expect(central.body).toMatchObject({ name: 'Дорожная карта 2020–2021', editable: true });
    const audit = await t.ctx.db.models.AuditEntry.findAll({ where: { entity: 'campaign' } });
    expect(audit.map((a) => a.action).sort()).toEqual(['progress.campaign_created', 'progress.campaign_updated', 'progress.campaign_updated']);
  });

  test('the .xlsx: one row per child and a total, percentages, conditional formatting, frozen header', async () => {
    const res = await api().get(`/api/v1/organisations/${tree.R}/progress.xlsx`).set(auth(admin)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(decodeURIComponent(res.headers['content-disposition'])).toContain('Ход внедрения — Тестовая региональная организация — 2026-11-26.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Ход внедрения')!;
    expect(ws).toBeDefined();
    expect(String(ws.getCell('A1').value)).toBe('Ход внедрения реестра: Тестовая региональная организация');
    expect(String(ws.getCell('A3').value)).toMatch(/Диаграмму строит надстройка/);
    expect(ws.getRow(5).getCell(6).value).toBe('Шаг 1. Доступ к реестру: логины, пароли, обязательства');
    const rows = [6, 7, 8].map((n) => ws.getRow(n));
    expect(rows.map((r) => r.getCell(1).value)).toEqual(['ППО университета', 'Районная организация (тест)', 'Всего: Тестовая региональная организация']);
    expect(rows.map((r) => r.getCell(4).value)).toEqual([3, 4, 7]);
    const stepValues = (r: ExcelJS.Row) => [6, 7, 8, 9, 10, 11, 12].map((c) => r.getCell(c).value);
    expect(stepValues(rows[0])).toEqual([1, 1, 0, 1, 0.667, 1, null]);
    expect(stepValues(rows[2])).toEqual([0.667, 0.667, 0.333, 0.667, 0.714, 0.75, 0.5]);
    expect(rows[2].getCell(6).numFmt).toBe('0.0%');
    // Hidden overdue flags drive the red rule: the university is late with steps 3, 5 and 7 (roadmap dates;
    // its ordered card has not arrived, so step 7 has nothing issued yet).
    expect([13, 14, 15, 16, 17, 18, 19].map((c) => rows[0].getCell(c).value)).toEqual([0, 0, 1, 0, 1, 0, 1]);
    expect(ws.getColumn(13).hidden).toBe(true);
    const cf = (ws as unknown as { conditionalFormattings: { ref: string; rules: { type: string; formulae: string[]; style: { fill: { bgColor: { argb: string } } } }[] }[] }).conditionalFormattings;
    expect(cf).toHaveLength(7);
    expect(cf[0].ref).toBe('F6:F8');
    expect(cf[0].rules.map((r) => [r.type, r.formulae[0], r.style.fill.bgColor.argb])).toEqual([
      ['expression', '$M6=1', 'FFFFC7CE'],
      ['expression', 'AND(ISNUMBER(F6),F6>=1)', 'FFC6EFCE'],
    ]);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 5 });
  });

  test('the .xlsx through a single-use link (what the pane opens): the same file once, then 410 Gone; the printing is audited', async () => {
    const issued = await api().post(`/api/v1/organisations/${tree.R}/progress-link`).set(auth(admin)).send({});
    expect(issued.status).toBe(201);
    const path = new URL(issued.body.downloadUrl).pathname;
    expect(path).toMatch(/^\/api\/v1\/downloads\/[A-Za-z0-9_-]{43}$/);
    const binary = (r: NodeJS.ReadableStream, cb: (err: Error | null, body: Buffer) => void) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    };
    const first = await api().get(path).buffer(true).parse(binary as never);
    expect(first.status).toBe(200);
    expect(decodeURIComponent(first.headers['content-disposition'])).toContain('Ход внедрения — Тестовая региональная организация');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(first.body as unknown as ArrayBuffer);
    expect(String(wb.getWorksheet('Ход внедрения')!.getCell('A1').value)).toBe('Ход внедрения реестра: Тестовая региональная организация');
    expect((await api().get(path)).status).toBe(410);
    const printed = await t.ctx.db.models.AuditEntry.findOne({ where: { entity: 'printed_document', entityId: issued.body.documentId } });
    expect(JSON.parse(String(printed!.details))).toMatchObject({ kind: 'progress-report', format: 'xlsx' });
  });

  test('counters stay right through the member API: pushes, deregistration, a transfer between organisations', async () => {
    const compare = async () => {
      const stored = Object.fromEntries((await readAllStats(t.ctx)).map((s) => [s.orgId, s.counters]));
      const fresh = Object.fromEntries([...(await computeCountersFromScratch(t.ctx)).values()].map((s) => [s.orgId, s.counters]));
      expect(stored).toEqual(fresh);
    };
    await api().get(`/api/v1/organisations/${tree.R}/progress`).set(auth(admin)).expect(200);
    const people = inventPeople(40, { seed: 5, snilsFrom: 90_000 });
    const sync = await api()
      .post(`/api/v1/organisations/${tree.P2}/members/sync`)
      .set(auth(admin))
      .send({ idempotencyKey: `progress-${randomUUID()}`, rows: peopleAsSheetRows(people).map((values, i) => ({ row: i + 2, values })) });
    expect(sync.status).toBe(200);
    expect(sync.body.counts.created).toBe(40);
    await compare();
    let r = (await api().get(`/api/v1/organisations/${tree.T}/progress`).set(auth(admin))).body;
    expect(r.children.find((c: { orgId: number }) => c.orgId === tree.P2).counts.registered).toBe(40);
    expect(r.organisation.counts.withMembers).toBe(2);

    const ids = sync.body.rows.map((x: { id: string }) => x.id);
    await post(admin, `/members/${ids[0]}/deregister`, { date: '2026-11-25', reason: 'own_wish' }, 200);
    await compare();
    const transfer = await post(admin, `/members/${ids[1]}/transfers`, { toOrgId: tree.P3 });
    await post(admin, `/transfers/${transfer.id}/accept`, { unitId: tree.G1 }, 200);
    await compare();
    r = (await api().get(`/api/v1/organisations/${tree.R}/progress`).set(auth(admin))).body;
    expect(r.organisation.counts.registered).toBe(7 + 40 - 1);
    expect(r.children.find((c: { orgId: number }) => c.orgId === tree.P3).counts.registered).toBe(4);
    // The same people pushed again (empty phone cells keep the stored phones): the counters stay equal to the truth.
    const again = await api()
      .post(`/api/v1/organisations/${tree.P2}/members/sync`)
      .set(auth(admin))
      .send({ idempotencyKey: `progress-${randomUUID()}`, rows: peopleAsSheetRows(people.slice(2)).map((values, i) => ({ row: i + 2, values: { ...values, phone: '' } })) });
    expect(again.status).toBe(200);
    await compare();
  });
});
