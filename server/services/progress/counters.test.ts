/**
 * The counters against the truth: every kind of member state (JS vs SQL definition), then long random
 * sequences of member changes (created, updated, deregistered, transferred, deleted — applied through
 * applyMemberChanges as the member write path does), tree changes (new organisations and units, moves,
 * closing), accounts and passports — after each round the stored counters must equal a recomputation
 * from scratch.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { CARD_STATUSES } from '../../../domain/members/codes';
import { canContain, isPrimary, isUnit, type OrgKind } from '../../../domain/organisations';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { selectRows } from '../../db/sql';
import { createAccount, recordObligation, setAccountActive } from '../accounts.service';
import type { Actor, Ctx } from '../context';
import { closeOrganisation, createOrganisation, updateOrganisation } from '../organisations.service';
import { updatePassport } from '../passport.service';
import {
  applyMemberChanges,
  computeCountersFromScratch,
  ensureCountersCurrent,
  readAllStats,
  recomputeCounters,
  syncCounters,
  writeTransaction,
  type MemberChange,
  type MemberCounterState,
} from './counters';
import { MEMBER_KEYS, memberAggregateSql, memberVector } from './vector';
import { seededRandom } from '../../../domain/seeded-random';

const CONSENTS = [null, 'given', 'refused', 'revoked'] as const;
const CARDS = [null, ...CARD_STATUSES.map((c) => c.code)];

interface TestMember {
  id: string;
  state: MemberCounterState;
}

async function insertMembers(ctx: Ctx, tx: Transaction, rows: { id: string; primaryOrgId: number; state: MemberCounterState }[]): Promise<void> {
  const now = ctx.now();
  for (const r of rows) {
    const s = r.state;
    await ctx.db.sequelize.query(
      `INSERT INTO members (id, org_id, primary_org_id, surname, name, name_key, birth_date, phone, category, consent_union, consent_operator, consent_notify, card_status,
         registered_at, deregistered_at, version, created_at, updated_at)
       VALUES (:id, :orgId, :primaryOrgId, :surname, :name, :nameKey, :birthDate, :phone, 'employee', :cu, :co, :cn, :card, '2026-01-10', :dereg, 1, :now, :now)`,
      {
        replacements: {
          id: r.id, orgId: s.orgId, primaryOrgId: r.primaryOrgId, surname: s.surname, name: s.name, nameKey: `${r.id}|x`,
          birthDate: s.birthDate, phone: s.phone, cu: s.consentUnion, co: s.consentOperator, cn: s.consentNotify, card: s.cardStatus,
          dereg: s.deregisteredAt ?? null, now,
        },
        transaction: tx,
      },
    );
  }
}

async function updateMember(ctx: Ctx, tx: Transaction, id: string, primaryOrgId: number, s: MemberCounterState): Promise<void> {
  await ctx.db.sequelize.query(
    `UPDATE members SET org_id = :orgId, primary_org_id = :primaryOrgId, surname = :surname, name = :name, phone = :phone, consent_union = :cu,
       consent_operator = :co, consent_notify = :cn, card_status = :card, deregistered_at = :dereg, version = version + 1 WHERE id = :id`,
    {
      replacements: {
        id, orgId: s.orgId, primaryOrgId, surname: s.surname, name: s.name, phone: s.phone, cu: s.consentUnion, co: s.consentOperator,
        cn: s.consentNotify, card: s.cardStatus, dereg: s.deregisteredAt ?? null,
      },
      transaction: tx,
    },
  );
}

/** Stored counters and a recomputation from scratch, side by side. */
async function compare(ctx: Ctx): Promise<{ stored: Record<string, unknown>; fresh: Record<string, unknown> }> {
  await ensureCountersCurrent(ctx);
  const stored = Object.fromEntries((await readAllStats(ctx)).map((r) => [r.orgId, { path: r.path, kind: r.kind, facts: r.facts, counters: r.counters }]));
  const fresh = Object.fromEntries([...(await computeCountersFromScratch(ctx)).values()].map((r) => [r.orgId, { path: r.path, kind: r.kind, facts: r.facts, counters: r.counters }]));
  return { stored, fresh };
}

describe.each(dbVariants())('progress counters (%s)', (variant) => {
  let t: TestApp;
  let ctx: Ctx;
  let admin: Actor;
  beforeEach(async () => {
    t = await startTestApp(variant);
    ctx = t.ctx;
    const user = (await ctx.db.models.User.findOne({ where: { login: 'admin' } }))!;
    admin = { userId: user.id, login: 'admin', role: 'central_admin', orgId: t.demo.orgIds.central, orgPath: `/${t.demo.orgIds.central}/`, obligationRecorded: true, mustChangePassword: false, tokenId: 0 };
  });
  afterEach(() => t.close());

  test('what a member contributes is the same in TypeScript and in SQL, for every kind of member', async () => {
    const org = t.demo.orgIds.kindergarten;
    const rows: { id: string; primaryOrgId: number; state: MemberCounterState }[] = [];
    for (const cu of CONSENTS)
      for (const co of CONSENTS)
        for (const cn of CONSENTS)
          for (const card of CARDS)
            for (const variantNo of [0, 1, 2]) {
              rows.push({
                id: randomUUID(),
                primaryOrgId: org,
                state: {
                  orgId: org, consentUnion: cu, consentOperator: co, consentNotify: cn, cardStatus: card,
                  surname: 'Иванова', name: 'Анна', birthDate: '1980-02-03',
                  phone: variantNo === 1 ? null : variantNo === 2 ? '' : '+79123456789',
                  deregisteredAt: variantNo === 2 && card === 'issued' ? '2026-02-01' : null,
                },
              });
            }
    await writeTransaction(ctx, (tx) => insertMembers(ctx, tx, rows));
    const agg = memberAggregateSql();
    const [sqlRow] = await selectRows<Record<string, unknown>>(
      ctx.db,
      `SELECT ${Object.entries(agg).map(([k, sql]) => `${sql} AS k_${k}`).join(', ')} FROM members WHERE org_id = :org AND deregistered_at IS NULL`,
      { org },
    );
    const expected = Object.fromEntries(MEMBER_KEYS.map((k) => [k, 0]));
    for (const r of rows) for (const k of MEMBER_KEYS) expected[k] += memberVector(r.state)[k];
    const got = Object.fromEntries(MEMBER_KEYS.map((k) => [k, Number(sqlRow[`k_${k}`.toLowerCase()] ?? sqlRow[`k_${k}`])]));
    expect(got).toEqual(expected);
    // Sanity: the definitions are not trivially zero.
    expect(expected.cardsEligible).toBeGreaterThan(0);
    expect(expected.consentsAnswered).toBeGreaterThan(0);
    expect(expected.cardsIssued).toBeLessThan(expected.cardsReceived);
  });

  test('random member changes, tree changes, accounts and passports: counters equal a recomputation after every round', async () => {
    const r = seededRandom(variant === 'sqlite' ? 7 : 11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    const members: TestMember[] = [];
    const primaryOf = async (orgId: number): Promise<number> => {
      const [row] = await selectRows<{ path: string }>(ctx.db, 'SELECT path FROM organisations WHERE id = :orgId', { orgId });
      const ids = row.path.split('/').filter(Boolean).map(Number);
      const orgs = await selectRows<{ id: number; kind: OrgKind }>(ctx.db, `SELECT id, kind FROM organisations WHERE id IN (${ids.join(',')})`);
      for (const id of [...ids].reverse()) if (isPrimary(orgs.find((o) => Number(o.id) === id)!.kind)) return id;
      throw new Error('no primary above');
    };
    const orgs = async () =>
      (await selectRows<{ id: number; kind: OrgKind; status: string; parent_id: number | null }>(ctx.db, 'SELECT id, kind, status, parent_id FROM organisations ORDER BY id')).map((o) => ({
        ...o,
        id: Number(o.id),
      }));
    const randomState = (orgId: number): MemberCounterState => ({
      orgId,
      consentUnion: pick(CONSENTS),
      consentOperator: pick(CONSENTS),
      consentNotify: pick(CONSENTS),
      cardStatus: pick(CARDS),
      surname: 'Петрова',
      name: r() < 0.95 ? 'Ольга' : '',
      birthDate: '1985-06-07',
      phone: r() < 0.85 ? '+79001234567' : null,
      deregisteredAt: r() < 0.05 ? '2026-03-01' : null,
    });
    let unitNo = 0;
    // A second region with a territorial organisation and a primary directly under the region.
    const region2 = (await createOrganisation(ctx, admin, t.demo.orgIds.central, { kind: 'regional', name: 'Вторая региональная' })).id;
    await createOrganisation(ctx, admin, region2, { kind: 'territorial', name: 'Вторая районная' });
    await createOrganisation(ctx, admin, region2, { kind: 'primary_territorial', name: 'ППО вуза' });

    for (let round = 0; round < 12; round++) {
      for (let op = 0; op < 10; op++) {
        const all = (await orgs()).filter((o) => o.status === 'active');
        const holders = all.filter((o) => isPrimary(o.kind) || isUnit(o.kind));
        const dice = r();
        if (dice < 0.45) {
          // A push: creates, updates, deregistrations, transfers and a deletion in one transaction.
          await writeTransaction(ctx, async (tx) => {
            const changes: MemberChange[] = [];
            const n = 1 + Math.floor(r() * 25);
            const fresh: { id: string; primaryOrgId: number; state: MemberCounterState }[] = [];
            for (let i = 0; i < n; i++) {
              const org = pick(holders).id;
              const m = { id: randomUUID(), primaryOrgId: await primaryOf(org), state: randomState(org) };
              fresh.push(m);
              changes.push({ memberId: m.id, orgId: org, before: null, after: m.state });
            }
            await insertMembers(ctx, tx, fresh);
            members.push(...fresh.map((m) => ({ id: m.id, state: m.state })));
            for (const m of members.filter(() => r() < 0.2)) {
              const kind = r();
              const before = m.state;
              let after: MemberCounterState | null;
              if (kind < 0.5) after = { ...randomState(before.orgId), deregisteredAt: before.deregisteredAt };
              else if (kind < 0.7) after = { ...before, deregisteredAt: before.deregisteredAt ? null : '2026-04-01' };
              else if (kind < 0.95) after = { ...before, orgId: pick(holders).id };
              else after = null;
              if (after) {
                await updateMember(ctx, tx, m.id, await primaryOf(after.orgId), after);
                m.state = after;
              } else {
                await ctx.db.sequelize.query('DELETE FROM members WHERE id = :id', { replacements: { id: m.id }, transaction: tx });
                members.splice(members.indexOf(m), 1);
              }
              changes.push({ memberId: m.id, before, after });
            }
            await applyMemberChanges(ctx, tx, changes);
          });
        } else if (dice < 0.6) {
          // The tree: a new unit or primary organisation, or a move of a unit / primary / territorial organisation.
          const what = r();
          if (what < 0.35) {
            const parent = pick(all.filter((o) => canContain(o.kind, 'group')));
            await createOrganisation(ctx, admin, parent.id, { kind: r() < 0.5 ? 'group' : 'subdivision', name: `Подразделение ${++unitNo}` }).catch(() => undefined);
          } else if (what < 0.5) {
            const parent = pick(all.filter((o) => canContain(o.kind, 'primary')));
            await createOrganisation(ctx, admin, parent.id, { kind: 'primary', name: `ППО ${++unitNo}` });
          } else {
            const mover = pick(all.filter((o) => o.parent_id !== null && o.kind !== 'regional'));
            const targets = all.filter((o) => o.id !== mover.id && o.id !== mover.parent_id && canContain(o.kind, mover.kind));
            if (targets.length) await updateOrganisation(ctx, admin, mover.id, { parentId: pick(targets).id }).catch(() => undefined);
          }
        } else if (dice < 0.7) {
          // Close an empty unit or primary organisation (refused when it still has members or children).
          const candidates = all.filter((o) => isUnit(o.kind) || o.kind === 'primary');
          if (candidates.length) await closeOrganisation(ctx, admin, pick(candidates).id).catch(() => undefined);
        } else if (dice < 0.85) {
          // Accounts: a chair's login, the obligation, training, disabling.
          const primary = pick(all.filter((o) => isPrimary(o.kind)));
          const acc = await createAccount(ctx, admin, primary.id, { fullName: 'Председатель Тестовой Организации' }).catch(() => null);
          const users = await ctx.db.models.User.findAll({ where: { orgId: primary.id } });
          const user = acc ? users.find((u) => u.id === acc.account.id)! : users[0];
          if (user) {
            const a = r();
            if (a < 0.4) await recordObligation(ctx, admin, user.id, '2026-11-20');
            else if (a < 0.7) await user.update({ trainingCompletedAt: ctx.now() });
            else if (a < 0.8) await user.update({ firstRunCompletedAt: ctx.now() });
            else await setAccountActive(ctx, admin, user.id, r() < 0.5);
          }
        } else {
          // A passport: complete or partial.
          const primary = pick(all.filter((o) => isPrimary(o.kind)));
          const full = r() < 0.5;
          await updatePassport(ctx, admin, primary.id, {
            data: {
              inpoNumber: '1600100012', unionName: 'ППО', inn: full ? '7830002293' : null, kpp: '783001001', ogrn: '1027700132195', registrationDate: '2003-02-14',
              institutionName: 'МБОУ', institutionType: 'Общеобразовательная организация (школа)', chairFullName: 'Иванова Мария Сергеевна',
              employeesCount: Math.floor(r() * 100), studentsCount: full ? Math.floor(r() * 500) : null,
              legalAddress: 'г. Казань', postalIndex: '420000', phone: '+78432000001', email: full ? 'ppo@example.org' : null,
            },
          });
        }
        t.clock.advanceMinutes(37);
      }
      const { stored, fresh } = await compare(ctx);
      expect({ round, stored }).toEqual({ round, stored: fresh });
    }
    // The sequence really exercised the counters.
    const total = (await readAllStats(ctx)).find((s) => s.orgId === t.demo.orgIds.central)!.counters;
    expect(total.registered).toBeGreaterThan(50);
    expect(total.cardsEligible + total.cardsOrdered + total.withMembers + total.accounts + total.passports).toBeGreaterThan(0);
  });

  test('a missed change is repaired by recomputing the subtree; the ancestors follow by the difference', async () => {
    await ensureCountersCurrent(ctx);
    const kg = t.demo.orgIds.kindergarten;
    const id = randomUUID();
    // Written without telling the counters (as a buggy writer would).
    await writeTransaction(ctx, (tx) =>
      insertMembers(ctx, tx, [{ id, primaryOrgId: kg, state: { orgId: kg, consentUnion: 'given', consentOperator: 'given', consentNotify: 'given', cardStatus: null, surname: 'А', name: 'Б', birthDate: '1990-01-01', phone: '+79000000000' } }]),
    );
    let { stored, fresh } = await compare(ctx);
    expect(stored).not.toEqual(fresh);
    const res = await recomputeCounters(ctx, t.demo.orgIds.territorial);
    expect(res.organisations).toBe(3);
    ({ stored, fresh } = await compare(ctx));
    expect(stored).toEqual(fresh);
    // And a full rebuild gives the same.
    await recomputeCounters(ctx);
    expect((await compare(ctx)).stored).toEqual(fresh);
  });

  test('the queue of changed organisations is folded in once, and a move carries the subtree along', async () => {
    await ensureCountersCurrent(ctx);
    const { territorial, region, school } = t.demo.orgIds;
    const before = Object.fromEntries((await readAllStats(ctx)).map((s) => [s.orgId, s.counters.registered]));
    expect(before[school]).toBeGreaterThan(0);
    const region2 = await createOrganisation(ctx, admin, t.demo.orgIds.central, { kind: 'regional', name: 'Регион для переноса' });
    await updateOrganisation(ctx, admin, territorial, { parentId: region2.id });
    expect((await syncCounters(ctx)).organisations).toBeGreaterThan(0);
    expect((await syncCounters(ctx)).organisations).toBe(0);
    const after = Object.fromEntries((await readAllStats(ctx)).map((s) => [s.orgId, s.counters.registered]));
    expect(after[region]).toBe(0);
    expect(after[region2.id]).toBe(before[territorial]);
    expect(after[t.demo.orgIds.central]).toBe(before[t.demo.orgIds.central]);
    const { stored, fresh } = await compare(ctx);
    expect(stored).toEqual(fresh);
  });
});
