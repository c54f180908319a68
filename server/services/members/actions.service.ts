/**
 * Explicit actions on members: deregistration (снятие с учёта) and one action for the rows selected
 * in the sheet (consents, card status). Never a side effect of a row missing from a sheet.
 */
import { normalizeSpaces } from '../../../domain/cell';
import { CONSENT_KINDS, labelForCode, type CardStatus, type ConsentKind, type ConsentState } from '../../../domain/members/codes';
import { formatDateRu, parseDate } from '../../../domain/dates';
import { isInSubtree } from '../../../domain/organisations';
import { formulaStartProblem } from '../../../domain/text';
import { badRequest, conflict, unprocessable } from '../../errors';
import { cardChangeProblem } from '../cards/transitions';
import type { ScopedOrg } from '../access';
import { latestTodayIso, type Actor, type Ctx } from '../context';
import { MEMBER_NOT_FOUND, isMemberId, memberInScope } from './member-access';
import { memberSelectList, recordFromRow, type MemberRecord } from './member-record';
import { memberTransaction } from './member-tx';
import { writeMembers, type MemberWrite } from './member-writes';
import { getMemberCard, type MemberCard } from './pull.service';
import { getDeregistrationReasons } from './reasons';
import { exec, inList, lit, rows, timestampLit } from './sql-literals';

export interface DeregisterInput {
  /** ISO date of deregistration. */
  date: string;
  /** A code from getDeregistrationReasons(ctx). */
  reason: string;
  comment?: string | null;
}

function checkPastDate(ctx: Ctx, value: string, field: string, label: string): string {
  const r = parseDate(value, { label, notAfter: latestTodayIso(ctx) });
  if (!r.ok) throw badRequest(r.message, [{ field, message: r.message }]);
  return r.value;
}

/** Deregisters a member: date and reason recorded, the card blocked (card_events via 'system'), pending transfers cancelled. */
export async function deregisterMember(ctx: Ctx, actor: Actor, memberId: string, input: DeregisterInput): Promise<MemberCard> {
  const found = await memberInScope(ctx, actor, memberId);
  const reasons = getDeregistrationReasons(ctx);
  if (!reasons.some((r) => r.code === input.reason)) {
    const list = reasons.map((r) => `«${r.label}»`).join(', ');
    throw badRequest(`Причина снятия с учёта не из списка. Выберите одну из причин: ${list}.`, [{ field: 'reason', message: `Выберите одну из причин: ${list}` }]);
  }
  const date = checkPastDate(ctx, input.date, 'date', 'Дата снятия с учёта');
  if (found.joinedAt && date < found.joinedAt) {
    const m = `Дата снятия с учёта раньше даты вступления в Профсоюз (${formatDateRu(found.joinedAt)}) — проверьте дату.`;
    throw badRequest(m, [{ field: 'date', message: m }]);
  }
  const comment = (input.comment && normalizeSpaces(input.comment)) || null;
  const formula = comment ? formulaStartProblem(comment, 'Комментарий') : null;
  if (formula) throw unprocessable(formula, 'comment');
  await memberTransaction(ctx, [found.primaryOrgId], async (tx) => {
    const rec = await memberInScope(ctx, actor, memberId, tx);
    if (rec.deregisteredAt) throw conflict(`Член Профсоюза уже снят с учёта ${formatDateRu(rec.deregisteredAt)}.`, { deregisteredAt: rec.deregisteredAt });
    const after: MemberRecord = { ...rec, deregisteredAt: date, deregistrationReason: input.reason, deregistrationComment: comment, cardStatus: 'blocked' };
    if (rec.cardStatus === 'blocked') after.cardStatusAt = rec.cardStatusAt;
    const res = await writeMembers(ctx, tx, [{ op: 'update', before: rec, after }], {
      userId: actor.userId,
      batch: null,
      cardVia: 'system',
      updateAction: 'member.deregistered',
      auditDetails: { reason: input.reason },
      now: ctx.now(),
    });
    if (res.stale.length) throw conflict('Запись только что изменил другой пользователь. Откройте карточку заново и повторите.');
    await exec(
      ctx.db,
      `UPDATE member_transfers SET status = 'cancelled', decided_by = ${lit(actor.userId)}, decided_at = ${timestampLit(ctx.db, ctx.now())} WHERE member_id = ${lit(rec.id)} AND status = 'pending'`,
      tx,
    );
  });
  return getMemberCard(ctx, actor, memberId);
}

export type ConsentChange = { state: ConsentState | null; date?: string | null };

export type MembersAction =
  | { action: 'consents'; memberIds: string[]; consents: Partial<Record<ConsentKind, ConsentChange>> }
  | { action: 'card_status'; memberIds: string[]; status: CardStatus; date?: string | null };

export interface ActionRowResult {
  memberId: string;
  outcome: 'updated' | 'unchanged' | 'error';
  version?: number;
  message?: string;
}

export interface ActionResponse {
  counts: Record<ActionRowResult['outcome'], number>;
  results: ActionRowResult[];
}

const CONSENT_FIELDS: Record<ConsentKind, { state: 'consentUnion' | 'consentOperator' | 'consentNotify'; date: 'consentUnionDate' | 'consentOperatorDate' | 'consentNotifyDate' }> = {
  union: { state: 'consentUnion', date: 'consentUnionDate' },
  operator: { state: 'consentOperator', date: 'consentOperatorDate' },
  notify: { state: 'consentNotify', date: 'consentNotifyDate' },
};

/** One action for the members selected in the sheet; every member gets its own result. */
/** `org`: access checked once, by the caller (the route's orgInScope): see services/access.ts. */
export async function applyMembersAction(ctx: Ctx, actor: Actor, org: ScopedOrg, input: MembersAction): Promise<ActionResponse> {
  const ids = [...new Set(input.memberIds.map((id) => id.toLowerCase()))];

  // Validate the action itself once (the same for every member).
  const consentPlan: { kind: ConsentKind; state: ConsentState | null; date: string | null }[] = [];
  let cardAt: string | null = null;
  if (input.action === 'consents') {
    for (const k of Object.keys(input.consents) as ConsentKind[]) {
      const c = input.consents[k]!;
      const label = `Согласие ${labelForCode(CONSENT_KINDS, k)}`;
      const date = c.date ? checkPastDate(ctx, c.date, `consents.${k}.date`, `${label}: дата`) : null;
      if (c.state === 'given' && !date) {
        throw badRequest(`${label}: укажите дату подписи согласия.`, [{ field: `consents.${k}.date`, message: 'Укажите дату подписи согласия' }]);
      }
      if (c.state === 'revoked' && !date) {
        throw badRequest(`${label}: укажите дату отзыва согласия — с неё идёт срок прекращения обработки персональных данных.`, [{ field: `consents.${k}.date`, message: 'Укажите дату отзыва согласия' }]);
      }
      if (c.state === null && date) {
        throw badRequest(`${label}: указана дата, но не указано, дано ли согласие.`, [{ field: `consents.${k}.state`, message: 'Выберите «Дано», «Отказ» или «Отозвано»' }]);
      }
      consentPlan.push({ kind: k, state: c.state, date });
    }
    if (!consentPlan.length) throw badRequest('Не выбрано ни одного согласия.', [{ field: 'consents', message: 'Укажите хотя бы одно согласие' }]);
  } else if (input.date) {
    cardAt = new Date(`${checkPastDate(ctx, input.date, 'date', 'Дата смены статуса ЭПБ')}T00:00:00.000Z`).toISOString();
  }

  const readInScope = async (tx?: Parameters<typeof rows>[2]) => {
    const valid = ids.filter(isMemberId);
    if (!valid.length) return new Map<string, MemberRecord>();
    const found = await rows<Record<string, unknown>>(
      ctx.db,
      `SELECT ${memberSelectList('m')}, o.path AS org_path FROM members m JOIN organisations o ON o.id = m.org_id WHERE ${inList('m.id', valid)}`,
      tx,
    );
    return new Map(found.filter((r) => isInSubtree(String(r.org_path), org.path)).map((r) => [String(r.id), recordFromRow(r)]));
  };
  const first = await readInScope();
  const primaries = [...new Set([...first.values()].map((r) => r.primaryOrgId))];

  return memberTransaction(ctx, primaries, async (tx) => {
    const current = await readInScope(tx);
    const results: ActionRowResult[] = [];
    const writes: MemberWrite[] = [];
    const writeIdx: number[] = [];
    for (const id of ids) {
      const rec = current.get(id);
      if (!rec) {
        results.push({ memberId: id, outcome: 'error', message: MEMBER_NOT_FOUND });
        continue;
      }
      if (rec.deregisteredAt) {
        results.push({ memberId: id, outcome: 'error', message: `Снят(а) с учёта ${formatDateRu(rec.deregisteredAt)} — изменения не вносятся.` });
        continue;
      }
      const after: MemberRecord = { ...rec };
      if (input.action === 'consents') {
        for (const c of consentPlan) {
          after[CONSENT_FIELDS[c.kind].state] = c.state;
          after[CONSENT_FIELDS[c.kind].date] = c.date;
        }
      } else {
        const problem = cardChangeProblem(ctx.config.cardTransitions, rec, input.status, 'sheet', cardAt ? new Date(cardAt) : null);
        if (problem) {
          results.push({ memberId: id, outcome: 'error', message: problem });
          continue;
        }
        after.cardStatus = input.status;
        if ((rec.cardStatus ?? 'not_ordered') !== input.status) after.cardStatusAt = cardAt ?? ctx.now().toISOString();
      }
      const same =
        input.action === 'consents'
          ? consentPlan.every((c) => rec[CONSENT_FIELDS[c.kind].state] === c.state && rec[CONSENT_FIELDS[c.kind].date] === c.date)
          : (rec.cardStatus ?? 'not_ordered') === input.status;
      if (same) {
        results.push({ memberId: id, outcome: 'unchanged', version: rec.version });
        continue;
      }
      writeIdx.push(results.length);
      results.push({ memberId: id, outcome: 'updated', version: rec.version + 1 });
      writes.push({ op: 'update', before: rec, after });
    }
    if (writes.length) {
      const res = await writeMembers(ctx, tx, writes, {
        userId: actor.userId,
        batch: null,
        cardVia: 'sheet',
        updateAction: input.action === 'consents' ? 'member.consents' : 'member.card_status',
        now: ctx.now(),
      });
      const stale = new Set(res.stale.map((w) => (w.op === 'create' ? w.after.id : w.before.id)));
      for (const i of writeIdx) {
        if (stale.has(results[i].memberId)) results[i] = { memberId: results[i].memberId, outcome: 'error', message: 'Запись только что изменил другой пользователь — повторите действие.' };
      }
    }
    const counts = { updated: 0, unchanged: 0, error: 0 };
    for (const r of results) counts[r.outcome] += 1;
    return { counts, results };
  });
}
