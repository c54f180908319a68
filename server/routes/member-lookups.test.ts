/**
 * Issue 15, hole 5: a push (or a dry run) must not be a membership oracle. A row that matches a member
 * of another organisation names that organisation only when СНИЛС, surname and birth date all match;
 * every such look-up is audited (ids and counts only) and capped per user and day.
 */
import request from 'supertest';
import { formatSnils } from '../../domain/snils';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { selectRows } from '../db/sql';
import { inventedSnils } from '../services/members/demo-members';

type Row = { row: number; values: Record<string, unknown> };
let keySeq = 0;
const KG_NAME = 'ППО МБДОУ «Детский сад № 5 «Солнышко»';

describe.each(dbVariants())('union-wide look-ups of members (%s)', (variant) => {
  let t: TestApp;
  let school: number;
  let kindergarten: number;
  beforeEach(async () => {
    t = await startTestApp(variant, { memberLookupDailyLimit: 4, tokenTtlMinutes: 48 * 60 });
    school = t.demo.orgIds.school;
    kindergarten = t.demo.orgIds.kindergarten;
    // A member of the kindergarten (pushed by the territorial chair, whose obligation is recorded).
    const res = await push(kindergarten, [{ row: 2, values: { surname: 'Ёлкина', name: 'Анна', patronymic: 'Петровна', birthDate: '05.05.1985', snils: formatSnils(inventedSnils(901)), category: 'Работник' } }], { login: 'territory' });
    expect(res.body.counts.created).toBe(1);
  });
  afterEach(() => t.close());

  async function push(orgId: number, rows: Row[], opts: { login?: 'school' | 'territory'; dryRun?: boolean } = {}) {
    return request(t.app)
      .post(`/api/v1/organisations/${orgId}/members/sync`)
      .set(auth(await t.token(opts.login ?? 'school')))
      .send({ idempotencyKey: `lookup-${process.pid}-${++keySeq}`, ...(opts.dryRun ? { dryRun: true } : {}), rows });
  }
  const probe = (values: Record<string, unknown>, dryRun = true) => push(school, [{ row: 2, values: { name: 'Анна', category: 'Работник', ...values } }], { dryRun });
  const snils = formatSnils(inventedSnils(901));
  const memberCount = async () => Number((await selectRows<{ n: number | string }>(t.ctx.db, 'SELECT COUNT(*) AS n FROM members'))[0].n);

  test('СНИЛС, surname (ё, case aside) and birth date all match: the other organisation is named', async () => {
    const res = await probe({ surname: 'ЕЛКИНА', birthDate: '1985-05-05', snils });
    expect(res.body.rows[0]).toMatchObject({ outcome: 'conflict', conflict: { reason: 'registered_elsewhere', organisationName: KG_NAME } });
    expect(res.body.rows[0].conflict.message).toContain(KG_NAME);
  });

  test.each([
    ['a СНИЛС with an invented surname', { surname: 'Выдуманная', birthDate: '05.05.1985', snils }],
    ['the right СНИЛС and surname with another birth date', { surname: 'Ёлкина', birthDate: '06.05.1985', snils }],
    ['surname, name, patronymic and birth date without СНИЛС', { surname: 'Ёлкина', patronymic: 'Петровна', birthDate: '05.05.1985' }],
  ])('%s: only «a transfer is needed», no organisation name (dry run and real push)', async (_what, values) => {
    for (const dryRun of [true, false]) {
      const res = await probe(values, dryRun);
      expect(res.status).toBe(200);
      const row = res.body.rows[0];
      expect(row).toMatchObject({ outcome: 'conflict', conflict: { reason: 'registered_elsewhere' } });
      expect(row.conflict.organisationName).toBeUndefined();
      expect(row.conflict.message).toMatch(/другой первичной организации/);
      expect(row.conflict.message).toMatch(/перевод/);
      expect(JSON.stringify(res.body)).not.toMatch(/Солнышко|Детский сад/);
    }
  });

  test('each request with look-ups writes one audit row: counts and member ids, no personal data', async () => {
    await probe({ surname: 'Выдуманная', birthDate: '05.05.1985', snils });
    await probe({ surname: 'Ёлкина', birthDate: '05.05.1985', snils }, false);
    const rows = await t.ctx.db.models.AuditEntry.findAll({ where: { action: 'members.looked_up_elsewhere' }, order: [['id', 'ASC']] });
    expect(rows).toHaveLength(2);
    const [member] = await selectRows<{ id: string }>(t.ctx.db, 'SELECT id FROM members WHERE primary_org_id = :kindergarten', { kindergarten });
    expect(rows.map((r) => JSON.parse(String(r.details)))).toEqual([
      { dryRun: true, hits: 1, named: 0, memberIds: [member!.id] },
      { dryRun: false, hits: 1, named: 1, memberIds: [member!.id] },
    ]);
    for (const r of rows) {
      expect(r.orgId).toBe(school);
      // the member ids (checked above) are random hex and may hold «1985» or 11 digits by chance: left out here
      const withoutIds = JSON.stringify(r.toJSON()).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>');
      expect(withoutIds).not.toMatch(/Ёлкина|Выдуманная|1985|\d{3}-\d{3}-\d{3}|\d{11}|Солнышко/);
    }
    // A push that finds nobody elsewhere writes no look-up row.
    await probe({ surname: 'Новенькая', birthDate: '01.01.1990', snils: formatSnils(inventedSnils(902)) });
    expect(await t.ctx.db.models.AuditEntry.count({ where: { action: 'members.looked_up_elsewhere' } })).toBe(2);
  });

  test('look-ups are capped per user and day: over the cap 429 problem+json in Russian, nothing written; the next day opens again', async () => {
    const invented = (i: number) => ({ surname: `Выдуманная`, birthDate: '05.05.1985', snils, name: ['Анна', 'Вера', 'Нина', 'Ольга', 'Ирина'][i] });
    for (let i = 0; i < 4; i++) expect((await probe(invented(i))).status).toBe(200);
    const before = await memberCount();
    const over = await push(school, [
      { row: 2, values: { ...invented(4), category: 'Работник' } },
      { row: 3, values: { surname: 'Новая', name: 'Нина', birthDate: '01.01.1991', snils: formatSnils(inventedSnils(903)), category: 'Работник' } },
    ]);
    expect(over.status).toBe(429);
    expect(over.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(over.body.detail).toMatch(/За сутки можно проверить не больше 4/);
    expect(over.body.rows).toBeUndefined();
    expect(await memberCount()).toBe(before);
    // Another chair is not affected; rows that find nobody elsewhere are not counted.
    expect((await probe({ surname: 'Новая', birthDate: '01.01.1991', snils: formatSnils(inventedSnils(903)) })).status).toBe(200);
    t.clock.advanceMinutes(24 * 60);
    expect((await probe(invented(4))).status).toBe(200);
  });
});
