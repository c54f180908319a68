/**
 * Inputs the fuzzers found (bench/faults.ts --only fuzz), kept as plain cases on both databases.
 *
 * A date cell given as a number is an Excel serial. A serial beyond JavaScript's date range (about
 * 100,025,568 days after 1899-12-30, e.g. 100025570 or 1e15) came out of domain/dates as the "date"
 * 0NaN-NaN-NaN and passed every check: SQLite stored it as the member's birth date, PostgreSQL
 * refused it and the push answered 500. Such a cell must be an error at its cell, like any other
 * impossible date, and nothing may be written.
 */
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { auth, startTestApp, type TestApp } from '../support/app';
import { dbVariants } from '../support/db';

const HUGE_SERIALS = [100025570, 1e15, Number.MAX_SAFE_INTEGER];

describe.each(dbVariants())('fuzz findings (%s)', (variant) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp(variant);
    token = await t.token('school');
  });
  afterAll(() => t.close());

  const count = async () => Number((await t.ctx.db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM members', { type: QueryTypes.SELECT }))[0].n);

  test.each(['birthDate', 'joinedAt', 'consentUnionDate'])('a huge Excel serial in %s is an error at that cell, and nothing is written', async (field) => {
    for (const serial of HUGE_SERIALS) {
      const before = await count();
      const values: Record<string, unknown> = { surname: 'Датова', name: 'Анна', birthDate: '01.02.1980', category: 'Работник', [field]: serial };
      if (field === 'consentUnionDate') values.consentUnion = 'Дано';
      const res = await request(t.app)
        .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
        .set(auth(token))
        .send({ idempotencyKey: `huge-serial-${field}-${serial}`, rows: [{ row: 2, values }] });
      expect(`${field}=${serial} → ${res.status}`).toBe(`${field}=${serial} → 200`);
      expect(res.body.rows[0].outcome).toBe('error');
      expect(res.body.rows[0].errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await count()).toBe(before);
    }
  });

  test('a huge Excel serial as the passport\'s registration date is refused at the field', async () => {
    for (const serial of HUGE_SERIALS) {
      const res = await request(t.app).put(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(token)).send({ data: { registrationDate: serial } });
      expect(`registrationDate=${serial} → ${res.status}`).toBe(`registrationDate=${serial} → 400`);
      expect(res.body.errors[0].field).toBe('data.registrationDate');
    }
  });
});
