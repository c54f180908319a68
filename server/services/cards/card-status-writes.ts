/**
 * THE write path of card (ЭПБ) statuses for orders, cancellations, delivery lists and issuing.
 * Every status change these make goes through `writeCardStatuses`, in the caller's transaction:
 *  - reads the members' current card status (and version) in multi-row SELECTs,
 *  - checks each change against the server's transition table (transitions.ts) and refuses an
 *    illegal one with domain/cards' Russian reason; a date before the current status's date is
 *    refused too (statuses arrive in order),
 *  - UPDATE members SET card_status, card_status_at, version = version + 1, updated_at, updated_by
 *    in multi-row statements guarded by the version just read (a member changed meanwhile is «stale»),
 *  - INSERT card_events (from, to, via, at, user) and the audit log (field name only) in multi-row statements,
 *  - hands the changes to the roll-up counters the context carries (ctx.memberCounters) in the same transaction.
 *
 * It does not go through the member register's writeMembers: only the card columns change, and the
 * counters are fed here directly (writeMembers' listeners would count the same change twice).
 */
import type { Transaction } from 'sequelize';
import type { CardChangeVia } from '../../../domain/cards';
import type { CardStatus } from '../../../domain/members/codes';
import type { Ctx } from '../context';
import { exec, groups, inList, isoDate, isoTimestamp, lit, rows, timestampLit } from '../members/sql-literals';
import type { MemberChange, MemberCounterState } from '../progress/counters';
import { cardChangeProblem } from './transitions';

export interface CardStatusRequest {
  memberId: string;
  to: CardStatus;
  via: CardChangeVia;
  /** When the status was reached (e.g. the date in a delivery list); default: now. */
  at?: Date;
}

export interface CardWriteOptions {
  /** Who makes the change (null: the system). */
  userId: number | null;
  now: Date;
  /** Check and answer, write nothing. */
  dryRun?: boolean;
  /** Non-personal details for each member's audit row (order id, import, …). */
  auditDetails?: Record<string, unknown>;
}

export type CardWriteResult =
  | { memberId: string; outcome: 'updated'; from: CardStatus | null; to: CardStatus }
  | { memberId: string; outcome: 'unchanged'; status: CardStatus }
  | { memberId: string; outcome: 'refused'; from: CardStatus | null; to: CardStatus; message: string }
  /** No such member (callers check scope before; this is a member deleted meanwhile). */
  | { memberId: string; outcome: 'missing' }
  /** The member changed between the read and the write (another writer): nothing written, try again. */
  | { memberId: string; outcome: 'stale' };

/** The member columns a card write reads: the card, the version guard, and what the counters need. */
export interface CardMemberState extends MemberCounterState {
  id: string;
  primaryOrgId: number;
  version: number;
  cardStatus: CardStatus | null;
  /** ISO timestamp of the last status change. */
  cardStatusAt: string | null;
  deregisteredAt: string | null;
}

const STATE_COLUMNS =
  'id, org_id, primary_org_id, version, card_status, card_status_at, deregistered_at, consent_union, consent_operator, consent_notify, surname, name, birth_date, phone';

export function stateFromRow(r: Record<string, unknown>): CardMemberState {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    orgId: Number(r.org_id),
    primaryOrgId: Number(r.primary_org_id),
    version: Number(r.version),
    cardStatus: (s(r.card_status) || null) as CardStatus | null,
    cardStatusAt: isoTimestamp(r.card_status_at),
    deregisteredAt: isoDate(r.deregistered_at),
    consentUnion: s(r.consent_union),
    consentOperator: s(r.consent_operator),
    consentNotify: s(r.consent_notify),
    surname: s(r.surname),
    name: s(r.name),
    birthDate: isoDate(r.birth_date),
    phone: s(r.phone),
  };
}

/** The members' card states by id (multi-row SELECTs), read in the transaction when one is given. */
export async function readCardStates(ctx: Ctx, memberIds: readonly string[], tx?: Transaction): Promise<Map<string, CardMemberState>> {
  const out = new Map<string, CardMemberState>();
  for (const part of groups([...new Set(memberIds)])) {
    const found = await rows<Record<string, unknown>>(ctx.db, `SELECT ${STATE_COLUMNS} FROM members WHERE ${inList('id', part)}`, tx);
    for (const r of found) out.set(String(r.id), stateFromRow(r));
  }
  return out;
}

/**
 * Checks and writes card status changes in the caller's transaction; one result per request, in
 * request order. A member may appear once per call.
 */
export async function writeCardStatuses(ctx: Ctx, tx: Transaction, requests: readonly CardStatusRequest[], o: CardWriteOptions): Promise<CardWriteResult[]> {
  const ids = requests.map((r) => r.memberId);
  if (new Set(ids).size !== ids.length) throw new Error('writeCardStatuses: a member appears twice in one call');
  const db = ctx.db;
  const current = await readCardStates(ctx, ids, tx);

  const results: CardWriteResult[] = [];
  const planned: { req: CardStatusRequest; state: CardMemberState; at: Date; index: number }[] = [];
  for (const req of requests) {
    const state = current.get(req.memberId);
    if (!state) {
      results.push({ memberId: req.memberId, outcome: 'missing' });
      continue;
    }
    const from = state.cardStatus;
    if ((from ?? 'not_ordered') === req.to) {
      results.push({ memberId: req.memberId, outcome: 'unchanged', status: req.to });
      continue;
    }
    const at = req.at ?? o.now;
    const problem = cardChangeProblem(ctx.config.cardTransitions, state, req.to, req.via, req.at ?? null);
    if (problem) {
      results.push({ memberId: req.memberId, outcome: 'refused', from, to: req.to, message: problem });
      continue;
    }
    planned.push({ req, state, at, index: results.length });
    results.push({ memberId: req.memberId, outcome: 'updated', from, to: req.to });
  }
  if (o.dryRun || planned.length === 0) return results;

  const pg = db.dialect === 'postgres';
  const nowLit = timestampLit(db, o.now);
  const user = lit(o.userId);
  const written = new Set<string>();
  for (const group of groups(planned)) {
    const values = group.map((p) => `(${lit(p.state.id)},${lit(p.state.version)},${lit(p.req.to)},${timestampLit(db, p.at)})`).join(',');
    const sql =
      `WITH v(id, expected_version, to_status, status_at) AS (VALUES ${values}) ` +
      `UPDATE members SET card_status = v.to_status, card_status_at = v.status_at${pg ? '::timestamptz' : ''}, ` +
      `version = members.version + 1, updated_at = ${nowLit}, updated_by = ${user} ` +
      `FROM v WHERE members.id = v.id AND members.version = v.expected_version RETURNING members.id`;
    for (const r of await rows<{ id: string }>(db, sql, tx)) written.add(String(r.id));
  }

  const done = planned.filter((p) => written.has(p.state.id));
  for (const p of planned) if (!written.has(p.state.id)) results[p.index] = { memberId: p.state.id, outcome: 'stale' };
  if (done.length === 0) return results;

  const events = done.map((p) => `(${lit(p.state.id)},${lit(p.state.cardStatus)},${lit(p.req.to)},${lit(p.req.via)},${timestampLit(db, p.at)},${user},NULL)`);
  for (const g of groups(events)) {
    await exec(db, `INSERT INTO card_events (member_id, from_status, to_status, via, at, user_id, batch_id) VALUES ${g.join(',')}`, tx);
  }

  const audit = done.map((p) => {
    const details = JSON.stringify({ via: p.req.via, from: p.state.cardStatus ?? 'not_ordered', to: p.req.to, ...(o.auditDetails ?? {}) });
    return `(${nowLit},${user},${lit(p.state.primaryOrgId)},'member.card_status','member',${lit(p.state.id)},'["cardStatus"]',${lit(details)})`;
  });
  for (const g of groups(audit)) {
    await exec(db, `INSERT INTO audit_log (at, user_id, org_id, action, entity, entity_id, fields, details) VALUES ${g.join(',')}`, tx);
  }

  const changes: MemberChange[] = done.map((p) => ({
    memberId: p.state.id,
    orgId: p.state.orgId,
    before: p.state,
    after: { ...p.state, cardStatus: p.req.to },
  }));
  if (ctx.memberCounters) await ctx.memberCounters.apply(ctx, tx, changes);
  return results;
}
