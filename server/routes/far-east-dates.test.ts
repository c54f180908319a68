/**
 * «Not in the future» is judged by the latest date anywhere in Russia (UTC+12), not by UTC: at 8:30
 * in the morning in Vladivostok (UTC+10) it is still yesterday in UTC, and the chair's «today» must
 * be accepted — in the sheet, in the action on selected rows, for an obligation, a deregistration
 * and a card status — while the day after stays refused. A status the chair dated «today» that way
 * does not make the next sheet push out of order.
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { latestTodayIso } from '../services/context';
import { seedMembers } from '../services/cards/test-fixtures';

describe.each(dbVariants())('dates typed in the Far East (%s)', (variant) => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp(variant);
    // 22:30 UTC on the 26th = 08:30 on the 27th in Vladivostok, 01:30 on the 27th in Moscow.
    t.clock.now = new Date('2026-11-26T22:30:00.000Z');
    token = await t.token('school');
  });
  afterAll(() => t.close());

  const api = () => request(t.app);

  test('the latest date in Russia is UTC+12', () => {
    expect(latestTodayIso({ ...t.ctx, now: () => new Date('2026-11-26T11:59:59.000Z') })).toBe('2026-11-26');
    expect(latestTodayIso({ ...t.ctx, now: () => new Date('2026-11-26T12:00:00.000Z') })).toBe('2026-11-27');
  });

  test('a consent signed «today» in Vladivostok is pushed from the sheet; the day after is refused', async () => {
    const push = (date: string, row: number, snilsTail: string) =>
      api()
        .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
        .set(auth(token))
        .send({
          idempotencyKey: `far-east-${row}`,
          rows: [{ row, values: { surname: 'Приморская', name: ['Анна', 'Вера'][row % 2], birthDate: `0${row}.03.1980`, category: 'Работник', consentUnion: 'Дано', consentUnionDate: date, snils: snilsTail } }],
        });
    const ok = await push('27.11.2026', 2, '');
    expect(ok.body.rows[0]).toMatchObject({ outcome: 'created' });
    const tomorrow = await push('28.11.2026', 3, '');
    expect(tomorrow.body.rows[0]).toMatchObject({ outcome: 'error', errors: [{ field: 'consentUnionDate', message: expect.stringMatching(/ещё не наступила/) }] });
  });

  test('the obligation and a deregistration dated «today» are recorded; the day after is not', async () => {
    const kg = (await t.ctx.db.models.User.findOne({ where: { login: 'kindergarten' } }))!;
    const territory = await t.token('territory');
    expect((await api().post(`/api/v1/accounts/${kg.id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-28' })).status).toBe(400);
    expect((await api().post(`/api/v1/accounts/${kg.id}/obligation`).set(auth(territory)).send({ signedAt: '2026-11-27' })).status).toBe(200);

    const [id] = await seedMembers(t.ctx, [{ orgId: t.demo.orgIds.school, surname: 'Уходящая' }]);
    expect((await api().post(`/api/v1/members/${id}/deregister`).set(auth(token)).send({ date: '2026-11-28', reason: 'left_job' })).status).toBe(400);
    expect((await api().post(`/api/v1/members/${id}/deregister`).set(auth(token)).send({ date: '2026-11-27', reason: 'left_job' })).status).toBe(200);
  });

  test('a card issued «today» by the action, then the sheet pushed: not out of order', async () => {
    const [id] = await seedMembers(t.ctx, [{ orgId: t.demo.orgIds.school, surname: 'Картова', cardStatus: 'received', cardStatusAt: '2026-11-20T10:00:00.000Z' }]);
    const act = await api()
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/actions`)
      .set(auth(token))
      .send({ action: 'card_status', memberIds: [id], status: 'lost', date: '2026-11-27' });
    expect(act.body.results).toEqual([{ memberId: id, outcome: 'updated', version: 2 }]);

    const page = await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/members?limit=1000`).set(auth(token));
    const m = page.body.items.find((x: { id: string }) => x.id === id) as { id: string; version: number; cells: Record<string, string | null> };
    // The status dated the 27th is now before «now» in UTC (the 26th): a change from the sheet is still in order.
    const pushed = await api()
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
      .set(auth(token))
      .send({ idempotencyKey: 'far-east-card', rows: [{ row: 2, id: m.id, version: m.version, values: { ...m.cells, phone: '+79140001122' } }] });
    expect(pushed.body.rows[0]).toMatchObject({ outcome: 'updated' });
  });
});
