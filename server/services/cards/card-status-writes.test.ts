/**
 * The one card status write path against the transition table: every (from, to, via) — the allowed
 * ones of DEFAULT_CARD_TRANSITIONS (and the server's addition) are written with their event, audit
 * row and counters; every other pair is refused with domain/cards' Russian reason and changes nothing.
 */
import { DEFAULT_CARD_TRANSITIONS, cardTransitionProblem, type CardChangeVia } from '../../../domain/cards';
import type { CardStatus } from '../../../domain/members/codes';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { lit, rows } from '../members/sql-literals';
import { memberTransaction } from '../members/member-tx';
import { computeCountersFromScratch, readStats } from '../progress/counters';
import { writeCardStatuses, type CardStatusRequest } from './card-status-writes';
import { createOrg, seedMembers } from './test-fixtures';
import { CARD_STATUS_CODES, CARD_VIAS, loadCardTransitions } from './transitions';

/** The table the server runs with out of the box: config/card-transitions.json. */
const SERVER_CARD_TRANSITIONS = loadCardTransitions();

interface Case {
  from: CardStatus;
  to: CardStatus;
  via: CardChangeVia;
}

const ALL: Case[] = CARD_STATUS_CODES.flatMap((from) => CARD_STATUS_CODES.flatMap((to) => CARD_VIAS.map((via) => ({ from, to, via }))));
const allowed = (c: Case) => SERVER_CARD_TRANSITIONS.some((t) => t.from === c.from && t.to === c.to && t.via.includes(c.via));
const key = (c: Case) => `${c.from}→${c.to} via ${c.via}`;

describe.each(dbVariants())('writeCardStatuses (%s)', (variant) => {
  let t: TestApp;
  let primary: number;
  beforeAll(async () => {
    t = await startTestApp(variant);
    primary = await createOrg(t, t.demo.orgIds.territorial, 'primary', 'ППО школы переходов');
  });
  afterAll(() => t.close());

  test('the configured table shipped is the domain default, which lets an order be withdrawn (also a reissue: «Перевыпуск» → «Утерян»)', () => {
    expect(SERVER_CARD_TRANSITIONS).toEqual(DEFAULT_CARD_TRANSITIONS);
    expect(t.ctx.config.cardTransitions).toEqual(DEFAULT_CARD_TRANSITIONS);
    expect(SERVER_CARD_TRANSITIONS).toContainEqual({ from: 'reissue', to: 'lost', via: ['order'] });
    expect(SERVER_CARD_TRANSITIONS).toContainEqual({ from: 'ordered', to: 'not_ordered', via: ['order'] });
  });

  test(`every (from, to, via): ${ALL.length} changes in one call, allowed ones written, the others refused with the Russian reason`, async () => {
    const ctx = t.ctx;
    const ids = await seedMembers(
      ctx,
      ALL.map((c) => ({ orgId: primary, cardStatus: c.from, cardStatusAt: '2026-01-10T08:00:00.000Z' })),
    );
    const before = new Map<string, { version: number; events: number }>();
    for (const r of await rows<{ id: string; version: number; n: unknown }>(
      ctx.db,
      `SELECT m.id, m.version, (SELECT COUNT(*) FROM card_events e WHERE e.member_id = m.id) AS n FROM members m WHERE m.primary_org_id = ${lit(primary)}`,
    )) {
      before.set(String(r.id), { version: Number(r.version), events: Number(r.n) });
    }
    const requests: CardStatusRequest[] = ALL.map((c, i) => ({ memberId: ids[i], to: c.to, via: c.via }));
    const results = await memberTransaction(ctx, [primary], (tx) => writeCardStatuses(ctx, tx, requests, { userId: 1, now: ctx.now() }));

    // Outcomes, case by case.
    const wrong: string[] = [];
    ALL.forEach((c, i) => {
      const r = results[i];
      if (r.memberId !== ids[i]) wrong.push(`${key(c)}: result for another member`);
      if (c.from === c.to) {
        if (r.outcome !== 'unchanged') wrong.push(`${key(c)}: expected unchanged, got ${r.outcome}`);
      } else if (allowed(c)) {
        if (r.outcome !== 'updated') wrong.push(`${key(c)}: expected updated, got ${JSON.stringify(r)}`);
      } else if (r.outcome !== 'refused' || r.message !== cardTransitionProblem(c.from, c.to, c.via, SERVER_CARD_TRANSITIONS) || !/^Статус ЭПБ нельзя сменить с «/.test(r.message)) {
        wrong.push(`${key(c)}: expected refused with the domain message, got ${JSON.stringify(r)}`);
      }
    });
    expect(wrong).toEqual([]);

    // Every transition of the default table is allowed for each of its ways.
    for (const d of DEFAULT_CARD_TRANSITIONS) {
      for (const via of d.via) {
        const i = ALL.findIndex((c) => c.from === d.from && c.to === d.to && c.via === via);
        expect([key(ALL[i]), results[i].outcome]).toEqual([key(ALL[i]), 'updated']);
      }
    }

    // The database: status, version and one event (with its way and user) for the written ones only; nothing for the others.
    const after = await rows<Record<string, unknown>>(
      ctx.db,
      `SELECT m.id, m.card_status, m.version, m.updated_by, (SELECT COUNT(*) FROM card_events e WHERE e.member_id = m.id) AS n,
         (SELECT e.via FROM card_events e WHERE e.member_id = m.id ORDER BY e.id DESC LIMIT 1) AS last_via,
         (SELECT e.from_status FROM card_events e WHERE e.member_id = m.id ORDER BY e.id DESC LIMIT 1) AS last_from,
         (SELECT e.user_id FROM card_events e WHERE e.member_id = m.id ORDER BY e.id DESC LIMIT 1) AS last_user,
         (SELECT COUNT(*) FROM audit_log a WHERE a.entity_id = m.id AND a.action = 'member.card_status') AS audits
       FROM members m WHERE m.primary_org_id = ${lit(primary)}`,
    );
    const byId = new Map(after.map((r) => [String(r.id), r]));
    const dbWrong: string[] = [];
    ALL.forEach((c, i) => {
      const r = byId.get(ids[i])!;
      const b = before.get(ids[i])!;
      const written = c.from !== c.to && allowed(c);
      const expectStatus = written ? c.to : c.from;
      if (r.card_status !== expectStatus) dbWrong.push(`${key(c)}: status ${String(r.card_status)}`);
      if (Number(r.version) !== b.version + (written ? 1 : 0)) dbWrong.push(`${key(c)}: version ${String(r.version)}`);
      if (Number(r.n) !== b.events + (written ? 1 : 0)) dbWrong.push(`${key(c)}: events ${String(r.n)}`);
      if (Number(r.audits) !== (written ? 1 : 0)) dbWrong.push(`${key(c)}: audit rows ${String(r.audits)}`);
      if (written && (r.last_via !== c.via || r.last_from !== c.from || Number(r.last_user) !== 1 || Number(r.updated_by) !== 1)) {
        dbWrong.push(`${key(c)}: event ${String(r.last_from)} via ${String(r.last_via)} by ${String(r.last_user)}`);
      }
    });
    expect(dbWrong).toEqual([]);

    // The progress counters followed the changes (the hook ran in the same transaction).
    const stored = (await readStats(ctx, [primary])).get(primary)!;
    const fresh = (await computeCountersFromScratch(ctx, primary)).get(primary)!;
    for (const k of ['registered', 'cardsEligible', 'cardsOrdered', 'cardsReceived', 'cardsIssued'] as const) {
      expect([k, stored.counters[k]]).toEqual([k, fresh.counters[k]]);
    }
    expect(fresh.counters.cardsIssued).toBeGreaterThan(0);
  });

  test('a dry run answers the same and writes nothing; a date before the current status is refused', async () => {
    const ctx = t.ctx;
    const [a, b] = await seedMembers(ctx, [
      { orgId: primary, cardStatus: 'ordered', cardStatusAt: '2026-11-20T10:00:00.000Z' },
      { orgId: primary, cardStatus: 'ordered', cardStatusAt: '2026-11-20T10:00:00.000Z' },
    ]);
    const dry = await memberTransaction(ctx, [primary], (tx) =>
      writeCardStatuses(ctx, tx, [{ memberId: a, to: 'produced', via: 'import' }], { userId: 1, now: ctx.now(), dryRun: true }),
    );
    expect(dry).toEqual([{ memberId: a, outcome: 'updated', from: 'ordered', to: 'produced' }]);
    const [row] = await rows<{ card_status: string; version: number }>(ctx.db, `SELECT card_status, version FROM members WHERE id = ${lit(a)}`);
    expect([row.card_status, Number(row.version)]).toEqual(['ordered', 1]);

    const early = await memberTransaction(ctx, [primary], (tx) =>
      writeCardStatuses(ctx, tx, [{ memberId: b, to: 'produced', via: 'import', at: new Date('2026-11-01T00:00:00.000Z') }], { userId: 1, now: ctx.now() }),
    );
    expect(early[0]).toMatchObject({ outcome: 'refused', message: 'Дата статуса «Изготовлен» (01.11.2026) раньше даты текущего статуса «Заказан» (20.11.2026). Проверьте дату.' });
    const missing = await memberTransaction(ctx, [primary], (tx) =>
      writeCardStatuses(ctx, tx, [{ memberId: '00000000-0000-4000-8000-000000000000', to: 'ordered', via: 'order' }], { userId: 1, now: ctx.now() }),
    );
    expect(missing).toEqual([{ memberId: '00000000-0000-4000-8000-000000000000', outcome: 'missing' }]);
    await expect(
      memberTransaction(ctx, [primary], (tx) =>
        writeCardStatuses(ctx, tx, [{ memberId: a, to: 'produced', via: 'import' }, { memberId: a, to: 'sent', via: 'import' }], { userId: 1, now: ctx.now() }),
      ),
    ).rejects.toThrow(/appears twice/);
  });
});
