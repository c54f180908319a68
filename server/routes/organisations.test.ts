import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { seedMembers } from '../services/cards/test-fixtures';

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

  test('moving a профбюро that holds профгруппы and a nested профбюро rewrites the path and depth of every descendant', async () => {
    const region = await t.token('region');
    const { Organisation } = t.ctx.db.models;
    const create = async (token: string, parentId: number, kind: string, name: string) => {
      const res = await api().post(`/api/v1/organisations/${parentId}/children`).set(auth(token)).send({ kind, name });
      expect(res.status).toBe(201);
      return res.body as { id: number; path: string; depth: number };
    };
    const schoolId = t.demo.orgIds.school;
    const bureau = await create(school, schoolId, 'subdivision', 'Начальная школа');
    const g1 = await create(school, bureau.id, 'group', '1-е классы');
    const g2 = await create(school, bureau.id, 'group', '2-е классы');
    const inner = await create(school, bureau.id, 'subdivision', 'Группа продлённого дня');
    const g3 = await create(school, inner.id, 'group', 'Воспитатели ГПД');
    const sibling = await create(school, schoolId, 'subdivision', 'Старшая школа');
    const siblingGroup = await create(school, sibling.id, 'group', '10-е классы');
    // A primary organisation straight under the region: two levels higher than the school.
    const target = await create(region, t.demo.orgIds.region, 'primary', 'ППО колледжа');
    expect([bureau.depth, g1.depth, inner.depth, g3.depth, target.depth]).toEqual([4, 5, 5, 6, 2]);

    /** Every node of the whole tree: path = parent's path + own id, depth = parent's depth + 1. */
    const treeProblems = async () => {
      const all = await Organisation.findAll();
      const byId = new Map(all.map((o) => [o.id, o]));
      return all.flatMap((o) => {
        const parent = o.parentId === null ? null : byId.get(o.parentId)!;
        const path = `${parent ? parent.path : '/'}${o.id}/`;
        const depth = parent ? parent.depth + 1 : 0;
        return o.path === path && o.depth === depth ? [] : [`${o.name}: ${o.path} depth ${o.depth}, expected ${path} depth ${depth}`];
      });
    };
    const node = async (id: number) => {
      const o = (await Organisation.findByPk(id))!;
      return { parentId: o.parentId, path: o.path, depth: o.depth };
    };
    const before = { sibling: await node(sibling.id), siblingGroup: await node(siblingGroup.id), kindergarten: await node(t.demo.orgIds.kindergarten) };

    // Up two levels, into another primary organisation (the region chair manages both).
    const moved = await api().patch(`/api/v1/organisations/${bureau.id}`).set(auth(region)).send({ parentId: target.id });
    expect(moved.status).toBe(200);
    const top = `${target.path}${bureau.id}/`;
    expect(moved.body).toMatchObject({ parentId: target.id, path: top, depth: 3 });
    expect(await node(g1.id)).toEqual({ parentId: bureau.id, path: `${top}${g1.id}/`, depth: 4 });
    expect(await node(g2.id)).toEqual({ parentId: bureau.id, path: `${top}${g2.id}/`, depth: 4 });
    expect(await node(inner.id)).toEqual({ parentId: bureau.id, path: `${top}${inner.id}/`, depth: 4 });
    expect(await node(g3.id)).toEqual({ parentId: inner.id, path: `${top}${inner.id}/${g3.id}/`, depth: 5 });
    expect(await treeProblems()).toEqual([]);
    // Nothing else moved.
    expect({ sibling: await node(sibling.id), siblingGroup: await node(siblingGroup.id), kindergarten: await node(t.demo.orgIds.kindergarten) }).toEqual(before);

    // The subtree reads from its new place and is gone from the old one (and from the school chair's scope).
    const there = await api().get(`/api/v1/organisations/${target.id}/structure`).set(auth(region));
    expect(there.body.map((o: { id: number }) => o.id).sort()).toEqual([target.id, bureau.id, g1.id, g2.id, inner.id, g3.id].sort());
    expect(there.body.map((o: { path: string }) => o.path)).toEqual(there.body.map((o: { path: string }) => o.path).sort());
    const schoolStructure = await api().get(`/api/v1/organisations/${schoolId}/structure`).set(auth(school));
    expect(schoolStructure.body.map((o: { id: number }) => o.id).sort()).toEqual([schoolId, sibling.id, siblingGroup.id].sort());
    expect((await api().get(`/api/v1/organisations/${g3.id}`).set(auth(school))).status).toBe(404);

    // And down three levels, under the sibling профбюро of the school.
    const back = await api().patch(`/api/v1/organisations/${bureau.id}`).set(auth(region)).send({ parentId: sibling.id });
    expect(back.status).toBe(200);
    const low = `${before.sibling.path}${bureau.id}/`;
    expect(back.body).toMatchObject({ parentId: sibling.id, path: low, depth: 5 });
    expect(await node(g3.id)).toEqual({ parentId: inner.id, path: `${low}${inner.id}/${g3.id}/`, depth: 7 });
    expect(await node(g1.id)).toEqual({ parentId: bureau.id, path: `${low}${g1.id}/`, depth: 6 });
    expect(await treeProblems()).toEqual([]);
    expect((await api().get(`/api/v1/organisations/${g3.id}`).set(auth(school))).body).toMatchObject({ depth: 7, path: `${low}${inner.id}/${g3.id}/` });
    expect((await api().get(`/api/v1/organisations/${target.id}/structure`).set(auth(region))).body).toHaveLength(1);
  });
  test('a профбюро with members moves inside its ППО, never into another one (members change ППО by a transfer)', async () => {
    const territory = await t.token('territory');
    const schoolId = t.demo.orgIds.school;
    const make = async (parentId: number, kind: string, name: string) => {
      const res = await api().post(`/api/v1/organisations/${parentId}/children`).set(auth(school)).send({ kind, name });
      expect(res.status).toBe(201);
      return res.body as { id: number; path: string };
    };
    const bureau = await make(schoolId, 'subdivision', 'Филиал на Лесной');
    const group = await make(bureau.id, 'group', 'Учителя филиала');
    const otherBureau = await make(schoolId, 'subdivision', 'Основное здание');
    const [memberId] = await seedMembers(t.ctx, [{ orgId: group.id, primaryOrgId: schoolId, surname: 'Филиалова' }]);

    const away = await api().patch(`/api/v1/organisations/${bureau.id}`).set(auth(territory)).send({ parentId: t.demo.orgIds.kindergarten });
    expect(away.status).toBe(409);
    expect(away.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(away.body.detail).toMatch(/^В подразделении «Филиал на Лесной» и вложенных в него состоят или состояли на учёте члены Профсоюза \(1\)/);
    expect(away.body.errors).toEqual([{ field: 'parentId', message: 'Подразделение с членами Профсоюза переносится только внутри своей ППО.' }]);
    const stayed = (await t.ctx.db.models.Organisation.findByPk(bureau.id))!;
    expect({ parentId: stayed.parentId, path: stayed.path }).toEqual({ parentId: schoolId, path: bureau.path });

    // Inside the school it moves, and the member keeps the school.
    const inside = await api().patch(`/api/v1/organisations/${bureau.id}`).set(auth(school)).send({ parentId: otherBureau.id });
    expect(inside.status).toBe(200);
    expect(inside.body.path).toBe(`${otherBureau.path}${bureau.id}/`);
    const [m] = (await t.ctx.db.sequelize.query(`SELECT org_id, primary_org_id FROM members WHERE id = '${memberId}'`))[0] as { org_id: number; primary_org_id: number }[];
    expect({ org: Number(m.org_id), primary: Number(m.primary_org_id) }).toEqual({ org: group.id, primary: schoolId });

    // Someone who was registered there and left counts too: the history stays with its ППО.
    const past = await make(schoolId, 'group', 'Бывшая профгруппа');
    await seedMembers(t.ctx, [{ orgId: past.id, primaryOrgId: schoolId, surname: 'Выбывшая', deregisteredAt: '2026-10-01' }]);
    const pastAway = await api().patch(`/api/v1/organisations/${past.id}`).set(auth(territory)).send({ parentId: t.demo.orgIds.kindergarten });
    expect(pastAway.status).toBe(409);
    expect(pastAway.body.detail).toMatch(/состоят или состояли на учёте члены Профсоюза \(1\)/);

    // An empty unit still moves anywhere the structure allows.
    const empty = await make(schoolId, 'subdivision', 'Пустое подразделение');
    expect((await api().patch(`/api/v1/organisations/${empty.id}`).set(auth(territory)).send({ parentId: t.demo.orgIds.kindergarten })).status).toBe(200);
  });
  test('a primary organisation found by name anywhere in the union (for a transfer): case and ё do not matter, units and closed ones are not found', async () => {
    const admin = await t.token('admin');
    const make = async (parentId: number, kind: string, name: string) => {
      const res = await api().post(`/api/v1/organisations/${parentId}/children`).set(auth(admin)).send({ kind, name });
      expect(res.status).toBe(201);
      return res.body as { id: number };
    };
    const district = await make(t.demo.orgIds.region, 'territorial', 'Заречная районная организация Профсоюза');
    const gym = await make(district.id, 'primary', 'ППО МБОУ «Гимназия № 2 имени Ф. Ёлкина»');
    await make(gym.id, 'group', 'Профгруппа гимназии № 2');
    const closed = await make(district.id, 'primary', 'ППО гимназии № 2 (закрыта)');
    expect((await api().post(`/api/v1/organisations/${closed.id}/close`).set(auth(admin))).status).toBe(200);

    const find = (q: string) => api().get('/api/v1/primary-organisations').query({ q }).set(auth(school));
    const found = await find('ГИМНАЗИЯ 2 елкина');
    expect(found.status).toBe(200);
    expect(found.body).toEqual([
      {
        id: gym.id,
        name: 'ППО МБОУ «Гимназия № 2 имени Ф. Ёлкина»',
        above: ['Заречная районная организация Профсоюза', 'Демонстрационная региональная организация Профсоюза', 'Общероссийский Профсоюз образования'],
        territorial: 'Заречная районная организация Профсоюза',
        inn: null,
        chairInitials: null,
      },
    ]);
    expect((await find('школа')).body.map((o: { id: number }) => o.id)).toEqual([t.demo.orgIds.school]);
    expect((await find('нет такой организации')).body).toEqual([]);
    const short = await find(' ш ');
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([{ field: 'q', message: 'Не меньше трёх знаков' }]);
  });
});
