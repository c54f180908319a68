import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';

describe.each(dbVariants())('organisations, structure and passport (%s)', (variant) => {
  let t: TestApp;
  let school: string;
  beforeEach(async () => {
    t = await startTestApp(variant);
    school = await t.token('school');
  });
  afterEach(() => t.close());

  const api = () => request(t.app);

  test('a primary chair builds the structure: профбюро with профгруппы; rename, move, close', async () => {
    const orgId = t.demo.orgIds.school;
    const bureau = await api().post(`/api/v1/organisations/${orgId}/children`).set(auth(school)).send({ kind: 'subdivision', name: '  Начальная   школа ' });
    expect(bureau.status).toBe(201);
    expect(bureau.body).toMatchObject({ kind: 'subdivision', name: 'Начальная школа', parentId: orgId, depth: 4 });
    const group = await api().post(`/api/v1/organisations/${bureau.body.id}/children`).set(auth(school)).send({ kind: 'group', name: '1-е классы' });
    expect(group.status).toBe(201);
    expect(group.body.path).toBe(`${bureau.body.path}${group.body.id}/`);

    // Duplicate name under the same parent is refused.
    const dup = await api().post(`/api/v1/organisations/${orgId}/children`).set(auth(school)).send({ kind: 'subdivision', name: 'Начальная школа' });
    expect(dup.status).toBe(409);

    // A group cannot hold anything; a primary chair cannot create a territorial organisation.
    const intoGroup = await api().post(`/api/v1/organisations/${group.body.id}/children`).set(auth(school)).send({ kind: 'group', name: 'x' });
    expect(intoGroup.status).toBe(400);
    expect(intoGroup.body.errors[0].field).toBe('kind');
    const territorial = await api().post(`/api/v1/organisations/${orgId}/children`).set(auth(school)).send({ kind: 'territorial', name: 'x' });
    expect(territorial.status).toBe(403);

    // Move the bureau's group up to the primary organisation: its path follows.
    const moved = await api().patch(`/api/v1/organisations/${group.body.id}`).set(auth(school)).send({ parentId: orgId, name: 'Первые классы' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentId: orgId, name: 'Первые классы' });
    const schoolOrg = (await api().get(`/api/v1/organisations/${orgId}`).set(auth(school))).body;
    expect(moved.body.path).toBe(`${schoolOrg.path}${group.body.id}/`);
    expect(moved.body.depth).toBe(4);

    // A node cannot move into itself.
    const cycle = await api().patch(`/api/v1/organisations/${bureau.body.id}`).set(auth(school)).send({ parentId: bureau.body.id });
    expect(cycle.status).toBe(400);

    // Close: the group disappears from the active list but stays in history.
    expect((await api().post(`/api/v1/organisations/${group.body.id}/close`).set(auth(school))).body.status).toBe('closed');
    const children = await api().get(`/api/v1/organisations/${orgId}/children`).set(auth(school));
    expect(children.body.map((c: { name: string }) => c.name)).toEqual(['Начальная школа']);
    const all = await api().get(`/api/v1/organisations/${orgId}/children?includeClosed=1`).set(auth(school));
    expect(all.body).toHaveLength(2);

    // A bureau with an active group inside cannot be closed.
    await api().post(`/api/v1/organisations/${bureau.body.id}/children`).set(auth(school)).send({ kind: 'group', name: '2-е классы' });
    const closeBureau = await api().post(`/api/v1/organisations/${bureau.body.id}/close`).set(auth(school));
    expect(closeBureau.status).toBe(409);

    // The chair cannot move or close its own organisation.
    expect((await api().post(`/api/v1/organisations/${orgId}/close`).set(auth(school))).status).toBe(403);

    const structure = await api().get(`/api/v1/organisations/${orgId}/structure`).set(auth(school));
    expect(structure.body.map((o: { path: string }) => o.path)).toEqual([...structure.body.map((o: { path: string }) => o.path)].sort());
    expect(structure.body[0].id).toBe(orgId);

    const audit = await t.ctx.db.models.AuditEntry.findAll({ where: { entity: 'organisation' } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['organisation.created', 'organisation.updated', 'organisation.closed']));
  });

  test('levels may be skipped: a primary organisation directly under the region', async () => {
    const region = await t.token('region');
    const res = await api().post(`/api/v1/organisations/${t.demo.orgIds.region}/children`).set(auth(region)).send({ kind: 'primary_territorial', name: 'ППО университета (с правами территориальной)' });
    expect(res.status).toBe(201);
    expect(res.body.depth).toBe(2);
  });

  test('passport: read with completeness per tab, save with validation, version guard', async () => {
    const kg = await t.token('kindergarten');
    const orgId = t.demo.orgIds.kindergarten;
    const empty = await api().get(`/api/v1/organisations/${orgId}/passport`).set(auth(kg));
    expect(empty.status).toBe(200);
    expect(empty.body.version).toBe(0);
    expect(empty.body.completeness.percent).toBe(0);
    expect(empty.body.completeness.tabs.map((t: { label: string }) => t.label)).toEqual(['ИНПО', 'Регистрация', 'Организация', 'Адреса и телефоны']);

    const saved = await api()
      .put(`/api/v1/organisations/${orgId}/passport`)
      .set(auth(kg))
      .send({ version: 0, data: { inpoNumber: '1600100099', unionName: 'ППО детского сада № 5', inn: '7830002293', kpp: '783001001', ogrn: '1027700132195', registrationDate: '14.02.2003', phone: '8 (843) 200-00-05' } });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    expect(saved.body.data).toMatchObject({ registrationDate: '2003-02-14', phone: '+78432000005', inn: '7830002293' });
    const tabs = Object.fromEntries(saved.body.completeness.tabs.map((x: { tab: string }) => [x.tab, x]));
    expect(tabs.inpo.percent).toBe(100);
    expect(tabs.registration.percent).toBe(100);
    expect(tabs.organisation.missing).toEqual(['Образовательная организация', 'Тип организации', 'Председатель (ФИО)', 'Численность работников', 'Численность обучающихся']);
    expect(tabs.contacts.missing).toEqual(['Юридический адрес', 'Почтовый индекс', 'Эл. почта']);

    // Someone else's stale version is refused.
    const stale = await api().put(`/api/v1/organisations/${orgId}/passport`).set(auth(kg)).send({ version: 0, data: { chairPosition: 'Воспитатель' } });
    expect(stale.status).toBe(409);

    // Invalid ИНН/КПП/ОГРН → 400 naming each field; nothing saved.
    const bad = await api().put(`/api/v1/organisations/${orgId}/passport`).set(auth(kg)).send({ data: { inn: '7830002294', kpp: '78300100', ogrn: '1027700132196', employeesCount: -1, email: 'нет' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['data.email', 'data.employeesCount', 'data.inn', 'data.kpp', 'data.ogrn']);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'data.inn').message).toMatch(/ИНН/);
    const after = await api().get(`/api/v1/organisations/${orgId}/passport`).set(auth(kg));
    expect(after.body.data.inn).toBe('7830002293');
    expect(after.body.version).toBe(1);

    // Unknown fields and wrong types are 400, not 500.
    expect((await api().put(`/api/v1/organisations/${orgId}/passport`).set(auth(kg)).send({ data: { hacker: 1 } })).status).toBe(400);
    expect((await api().put(`/api/v1/organisations/${orgId}/passport`).set(auth(kg)).send({ data: { inn: { $gt: 1 } } })).status).toBe(400);
    expect((await api().put(`/api/v1/organisations/${orgId}/passport`).set(auth(kg)).send([1, 2])).status).toBe(400);

    // The passport is only for primary organisations.
    const territory = await t.token('territory');
    expect((await api().get(`/api/v1/organisations/${t.demo.orgIds.territorial}/passport`).set(auth(territory))).status).toBe(400);

    const audit = await t.ctx.db.models.AuditEntry.findOne({ where: { entity: 'passport' } });
    expect(JSON.parse(audit!.fields!)).toEqual(expect.arrayContaining(['inn', 'phone']));
  });
});
