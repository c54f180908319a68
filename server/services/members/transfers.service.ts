/**
 * Transfers between primary organisations (переход в другую организацию Профсоюза): the sending
 * organisation requests, the receiving one accepts or rejects; the sender may cancel while pending.
 * The receiving organisation may lie outside the sender's subtree (another district or region).
 */
import { newId } from './ids';
import type { Transaction } from 'sequelize';
import { isInSubtree, isPrimary, subtreeRange } from '../../../domain/organisations';
import { badRequest, conflict, forbidden, notFound } from '../../errors';
import type { ScopedOrg } from '../access';
import { auditRead, recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { memberInScope } from './member-access';
import { memberNameKey, memberSelectList, recordFromRow } from './member-record';
import { memberTransaction } from './member-tx';
import { writeMembers } from './member-writes';
import { exec, isoDate, isoTimestamp, lit, rows, timestampLit } from './sql-literals';

export type TransferStatus = 'pending' | 'accepted' | 'rejected' | 'cancelled';

export interface TransferView {
  id: string;
  memberId: string;
  /** Who is being transferred: the receiving chair needs to recognise the person. */
  member: { surname: string; name: string; patronymic: string | null; birthDate: string };
  from: { id: number; name: string };
  to: { id: number; name: string };
  status: TransferStatus;
  requestedAt: string | null;
  requestedBy: number;
  decidedAt: string | null;
  decidedBy: number | null;
}

const TRANSFER_NOT_FOUND = 'Перевод не найден.';

const TRANSFER_SELECT = `SELECT t.id, t.member_id, t.from_org_id, t.to_org_id, t.status, t.requested_at, t.requested_by, t.decided_at, t.decided_by,
  m.surname, m.name, m.patronymic, m.birth_date, fo.name AS from_name, fo.path AS from_path, tor.name AS to_name, tor.path AS to_path
  FROM member_transfers t JOIN members m ON m.id = t.member_id JOIN organisations fo ON fo.id = t.from_org_id JOIN organisations tor ON tor.id = t.to_org_id`;

interface TransferRow extends Record<string, unknown> {
  from_path: string;
  to_path: string;
}

function view(r: Record<string, unknown>): TransferView {
  return {
    id: String(r.id),
    memberId: String(r.member_id),
    member: { surname: String(r.surname), name: String(r.name), patronymic: (r.patronymic as string | null) ?? null, birthDate: isoDate(r.birth_date)! },
    from: { id: Number(r.from_org_id), name: String(r.from_name) },
    to: { id: Number(r.to_org_id), name: String(r.to_name) },
    status: r.status as TransferStatus,
    requestedAt: isoTimestamp(r.requested_at),
    requestedBy: Number(r.requested_by),
    decidedAt: isoTimestamp(r.decided_at),
    decidedBy: r.decided_by == null ? null : Number(r.decided_by),
  };
}

async function loadTransfer(ctx: Ctx, transferId: string, tx?: Transaction): Promise<TransferRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(transferId)) return null;
  const [r] = await rows<TransferRow>(ctx.db, `${TRANSFER_SELECT} WHERE t.id = ${lit(transferId.toLowerCase())}`, tx);
  return r ?? null;
}

/** A transfer the actor may see: the sending or the receiving organisation is in their subtree. */
async function transferInScope(ctx: Ctx, actor: Actor, transferId: string, tx?: Transaction): Promise<TransferRow> {
  const t = await loadTransfer(ctx, transferId, tx);
  if (!t || !(isInSubtree(t.from_path, actor.orgPath) || isInSubtree(t.to_path, actor.orgPath))) throw notFound(TRANSFER_NOT_FOUND);
  return t;
}

export async function requestTransfer(ctx: Ctx, actor: Actor, memberId: string, input: { toOrgId: number }): Promise<TransferView> {
  const rec = await memberInScope(ctx, actor, memberId);
  const to = await ctx.db.models.Organisation.findByPk(input.toOrgId);
  if (!to || !isPrimary(to.kind)) throw notFound('Организация, в которую переводится член Профсоюза, не найдена. Укажите первичную профсоюзную организацию.');
  if (to.status === 'closed') throw conflict(`Организация «${to.name}» закрыта: в неё нельзя перевести.`);
  if (to.id === rec.primaryOrgId) throw badRequest('Член Профсоюза уже состоит на учёте в этой организации.', [{ field: 'toOrgId', message: 'Выберите другую организацию' }]);
  const id = newId();
  await memberTransaction(ctx, [rec.primaryOrgId], async (tx) => {
    const cur = await memberInScope(ctx, actor, memberId, tx);
    if (cur.deregisteredAt) throw conflict('Член Профсоюза снят с учёта: перевести его нельзя.');
    const [pending] = await rows<{ id: string; to_org_id: number }>(ctx.db, `SELECT id, to_org_id FROM member_transfers WHERE member_id = ${lit(cur.id)} AND status = 'pending'`, tx);
    if (pending) {
      throw conflict('Перевод этого члена Профсоюза уже оформлен и ждёт решения принимающей организации.', { transferId: pending.id, toOrgId: Number(pending.to_org_id) });
    }
    await exec(
      ctx.db,
      `INSERT INTO member_transfers (id, member_id, from_org_id, to_org_id, requested_by, requested_at, status) VALUES (${lit(id)}, ${lit(cur.id)}, ${lit(cur.primaryOrgId)}, ${lit(to.id)}, ${lit(actor.userId)}, ${timestampLit(ctx.db, ctx.now())}, 'pending')`,
      tx,
    );
    await recordAudit(ctx, { userId: actor.userId, orgId: cur.primaryOrgId, action: 'member.transfer_requested', entity: 'member', entityId: cur.id, details: { transferId: id, toOrgId: to.id } }, tx);
  });
  return view((await loadTransfer(ctx, id))!);
}

/** `org`: access checked once, by the caller (the route's orgInScope): see services/access.ts. */
export async function listTransfers(
  ctx: Ctx,
  actor: Actor,
  org: ScopedOrg,
  opts: { direction: 'incoming' | 'outgoing'; status?: TransferStatus | 'all' },
): Promise<TransferView[]> {
  const { from, to } = subtreeRange(org.path);
  const side = opts.direction === 'incoming' ? 'tor' : 'fo';
  const status = opts.status ?? 'pending';
  const found = await rows<Record<string, unknown>>(
    ctx.db,
    `${TRANSFER_SELECT} WHERE ${side}.path >= ${lit(from)} AND ${side}.path < ${lit(to)}${status === 'all' ? '' : ` AND t.status = ${lit(status)}`} ORDER BY t.requested_at DESC, t.id LIMIT 1000`,
  );
  const list = found.map(view);
  await auditRead(ctx, actor, { action: 'transfers.listed', orgId: org.id, entity: 'organisation', entityId: org.id, details: { direction: opts.direction, status, count: list.length } });
  return list;
}

type Decision = 'accept' | 'reject' | 'cancel';

async function decide(ctx: Ctx, actor: Actor, transferId: string, decision: Decision, unitId?: number): Promise<TransferView> {
  const t0 = await transferInScope(ctx, actor, transferId);
  const receiver = isInSubtree(t0.to_path, actor.orgPath);
  const sender = isInSubtree(t0.from_path, actor.orgPath);
  if (decision === 'cancel' ? !sender : !receiver) {
    throw forbidden(
      decision === 'cancel'
        ? 'Отменить перевод может только организация, из которой переводится член Профсоюза.'
        : 'Принять или отклонить перевод может только организация, в которую переводится член Профсоюза.',
    );
  }
  const fromId = Number(t0.from_org_id);
  const toId = Number(t0.to_org_id);
  let targetOrgId = toId;
  if (decision === 'accept' && unitId !== undefined && unitId !== toId) {
    const unit = await ctx.db.models.Organisation.findByPk(unitId);
    if (!unit || !isInSubtree(unit.path, String(t0.to_path)) || unit.status !== 'active') {
      throw badRequest('Подразделение не найдено в принимающей организации.', [{ field: 'unitId', message: 'Выберите профбюро или профгруппу своей организации' }]);
    }
    targetOrgId = unit.id;
  }
  await memberTransaction(ctx, [fromId, toId], async (tx) => {
    const t = await transferInScope(ctx, actor, transferId, tx);
    if (t.status !== 'pending') throw conflict('По этому переводу уже принято решение.', { status: t.status });
    const now = ctx.now();
    const status: TransferStatus = decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected' : 'cancelled';
    if (decision === 'accept') {
      const [row] = await rows<Record<string, unknown>>(ctx.db, `SELECT ${memberSelectList('m')} FROM members m WHERE m.id = ${lit(String(t.member_id))}`, tx);
      const rec = recordFromRow(row);
      if (rec.deregisteredAt) throw conflict('Член Профсоюза снят с учёта, пока перевод ждал решения: перевод невозможен.');
      if (rec.primaryOrgId !== fromId) throw conflict('Член Профсоюза уже состоит на учёте в другой организации: перевод невозможен.');
      const [twin] = await rows<{ id: string }>(
        ctx.db,
        `SELECT id FROM members WHERE name_key = ${lit(memberNameKey(rec))} AND deregistered_at IS NULL AND +primary_org_id = ${lit(toId)}`,
        tx,
      );
      if (twin) {
        throw conflict('В вашей организации уже есть член Профсоюза с такими же ФИО и датой рождения. Если это тот же человек, снимите лишнюю запись с учёта и примите перевод снова.', { memberId: twin.id });
      }
      const res = await writeMembers(ctx, tx, [{ op: 'update', before: rec, after: { ...rec, orgId: targetOrgId, primaryOrgId: toId } }], {
        userId: actor.userId,
        batch: null,
        cardVia: 'system',
        updateAction: 'member.transferred',
        auditDetails: { transferId: String(t.id), fromOrgId: fromId, toOrgId: toId },
        now,
      });
      if (res.stale.length) throw conflict('Запись только что изменили. Повторите.');
    }
    await exec(
      ctx.db,
      `UPDATE member_transfers SET status = ${lit(status)}, decided_by = ${lit(actor.userId)}, decided_at = ${timestampLit(ctx.db, now)} WHERE id = ${lit(String(t.id))} AND status = 'pending'`,
      tx,
    );
    if (decision !== 'accept') {
      await recordAudit(
        ctx,
        { userId: actor.userId, orgId: decision === 'cancel' ? fromId : toId, action: `member.transfer_${status}`, entity: 'member', entityId: String(t.member_id), details: { transferId: String(t.id) } },
        tx,
      );
    }
  });
  return view((await loadTransfer(ctx, transferId))!);
}

/** The receiving organisation accepts: the member moves (org_id, primary_org_id, version + 1). `unitId`: a unit of the receiver. */
export function acceptTransfer(ctx: Ctx, actor: Actor, transferId: string, opts: { unitId?: number } = {}): Promise<TransferView> {
  return decide(ctx, actor, transferId, 'accept', opts.unitId);
}

export function rejectTransfer(ctx: Ctx, actor: Actor, transferId: string): Promise<TransferView> {
  return decide(ctx, actor, transferId, 'reject');
}

export function cancelTransfer(ctx: Ctx, actor: Actor, transferId: string): Promise<TransferView> {
  return decide(ctx, actor, transferId, 'cancel');
}

export async function getTransfer(ctx: Ctx, actor: Actor, transferId: string): Promise<TransferView> {
  const t = view(await transferInScope(ctx, actor, transferId));
  await auditRead(ctx, actor, { action: 'transfer.read', orgId: actor.orgId, entity: 'member_transfer', entityId: t.id, details: { memberId: t.memberId } });
  return t;
}
