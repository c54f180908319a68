/**
 * Counters under concurrent pushes into different primary organisations (PostgreSQL: transactions run
 * in parallel). Every push adds to the counters of the same ancestors (district, region, centre); the
 * rows must be locked in one order, or two pushes each hold a row the other needs — a deadlock, which
 * the chair sees as «try again» (503). Found by bench/load.ts: 7–36 deadlocks a minute with 50 chairs.
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { inventPeople, peopleAsSheetRows } from '../members/demo-members';
import { insertOrganisation } from '../organisations.service';
import { computeCountersFromScratch, readAllStats } from './counters';

const SCHOOLS = 25;
const ROUNDS = 4;

describe.each(dbVariants())('progress counters under concurrent pushes (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());

  test(`${SCHOOLS} schools pushing at once, ${ROUNDS} rounds: every push answered 200, counters equal a recount`, async () => {
    const territorial = (await t.ctx.db.models.Organisation.findByPk(t.demo.orgIds.territorial))!;
    const schools: number[] = [];
    for (let i = 0; i < SCHOOLS; i++) schools.push((await insertOrganisation(t.ctx, territorial, 'primary', `ППО школы № ${100 + i}`)).id);
    const token = await t.token('territory');
    const statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const answers = await Promise.all(
        schools.map((orgId, i) => {
          const people = inventPeople(60, { seed: 1000 * round + i, snilsFrom: 500_000 + 10_000 * round + 100 * i });
          return request(t.app)
            .post(`/api/v1/organisations/${orgId}/members/sync`)
            .set(auth(token))
            .send({ idempotencyKey: `concurrent-${round}-${i}`, rows: peopleAsSheetRows(people).map((values, j) => ({ row: j + 2, values })) });
        }),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const stored = Object.fromEntries((await readAllStats(t.ctx)).map((s) => [s.orgId, s.counters]));
    const fresh = Object.fromEntries([...(await computeCountersFromScratch(t.ctx)).values()].map((s) => [s.orgId, s.counters]));
    expect(stored).toEqual(fresh);
  });
});

const pgOnly = dbVariants().includes('postgres') ? describe : describe.skip;

pgOnly('progress counters: row lock order (postgres)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('postgres');
  });
  afterAll(() => t.close());

  test('a push waiting for the centre\'s counters holds no other counter row (locks are taken in id order)', async () => {
    const { central, region, territorial, school } = t.demo.orgIds;
    const seq = t.ctx.db.sequelize;
    // Move the centre's row to the end of its page (each update writes a new tuple version), so a
    // plan that visits the table in physical order would reach it last.
    for (let i = 0; i < 5; i++) await seq.query(`UPDATE org_stats SET m_registered = m_registered WHERE org_id = ${central}`);
    const holder = await seq.transaction();
    await seq.query(`SELECT org_id FROM org_stats WHERE org_id = ${central} FOR UPDATE`, { transaction: holder });
    const push = request(t.app)
      .post(`/api/v1/organisations/${school}/members/sync`)
      .set(auth(await t.token('school')))
      .send({ idempotencyKey: 'lock-order-1', rows: [{ row: 2, values: { surname: 'Замкова', name: 'Ольга', birthDate: '02.03.1981', category: 'Работник' } }] })
      .then((r) => r);
    // Wait until the push is blocked on the centre's row.
    for (let i = 0; i < 100; i++) {
      // Waits in this test's own database only (other test files may run on other databases of the same server).
      const [rows] = await seq.query(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND l.locktype = 'transactionid' AND a.datname = current_database()`,
      );
      if ((rows as { n: number }[])[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const probe = await seq.transaction();
    try {
      for (const id of [region, territorial, school]) {
        await seq.query(`SELECT org_id FROM org_stats WHERE org_id = ${id} FOR UPDATE NOWAIT`, { transaction: probe });
      }
    } finally {
      await probe.rollback();
      await holder.commit();
    }
    expect((await push).status).toBe(200);
  });
});
