/**
 * The operator returns the register (no member id, no СНИЛС — domain/card-operator-data.ts): the delivery
 * list finds each member by the order number, full name (ё = е, any case) and birth date; two namesakes
 * born the same day in one order, or a row whose id and name point at different people, are row errors.
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../../test/support/app';
import { cardOf, seedMembers } from './test-fixtures';

describe('delivery list by order number, name and birth date (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('found by the register’s own columns; namesakes and contradicting rows are refused per row', async () => {
    const { school, territorial } = t.demo.orgIds;
    const [yolkina, twinA, twinB, other] = await seedMembers(t.ctx, [
      { orgId: school, surname: 'Ёлкина', name: 'Анна', patronymic: 'Петровна', birthDate: '1981-01-01' },
      { orgId: school, surname: 'Иванова', name: 'Мария', patronymic: null, birthDate: '1990-05-05' },
      { orgId: school, surname: 'Иванова', name: 'Мария', patronymic: null, birthDate: '1990-05-05' },
      { orgId: school, surname: 'Смирнова', name: 'Ольга', patronymic: null, birthDate: '1985-02-02' },
    ]);
    const schoolToken = await t.token('school');
    const territory = await t.token('territory');
    const order = await request(t.app).post(`/api/v1/organisations/${school}/card-orders`).set(auth(schoolToken)).send({ memberIds: [yolkina, twinA, twinB, other] });
    expect(order.body.ordered).toBe(4);
    const number = order.body.orders?.[0]?.number ?? (await request(t.app).get(`/api/v1/organisations/${school}/card-orders`).set(auth(schoolToken))).body[0].number;

    const csv = [
      'Номер заявки;Фамилия;Имя;Отчество;Дата рождения;Статус ЭПБ;Дата статуса',
      `${number};ЕЛКИНА;анна;петровна;01.01.1981;Изготовлен;`,
      `${number};Иванова;Мария;;05.05.1990;Изготовлен;`,
      `${number};Смирнова;Ольга;;02.02.1986;Изготовлен;`,
    ].join('\r\n');
    const res = await request(t.app).post(`/api/v1/organisations/${territorial}/cards/delivery-import`).set(auth(territory)).set('Content-Type', 'text/csv').send(Buffer.from(csv, 'utf8'));
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: { row: number; outcome: string; message: string | null }) => [r.row, r.outcome, r.message?.slice(0, 40) ?? null])).toEqual([
      [2, 'updated', null],
      [3, 'error', 'В этой заявке два члена Профсоюза с один'],
      [4, 'error', 'Член Профсоюза не найден в реестре вашей'],
    ]);
    expect((await cardOf(t.ctx, yolkina)).cardStatus).toBe('produced');

    // An id and a name that point at different people.
    const mixed = `ID члена Профсоюза;Номер заявки;Фамилия;Имя;Отчество;Дата рождения;Статус ЭПБ\r\n${other};${number};Ёлкина;Анна;Петровна;01.01.1981;Изготовлен\r\n`;
    const contradicting = await request(t.app).post(`/api/v1/organisations/${territorial}/cards/delivery-import?dryRun=1`).set(auth(territory)).set('Content-Type', 'text/csv').send(Buffer.from(mixed, 'utf8'));
    expect(contradicting.body.rows[0]).toMatchObject({ outcome: 'error', message: expect.stringMatching(/относятся к другому члену Профсоюза/) });
  });
});
