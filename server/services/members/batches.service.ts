/**
 * Undo of a push: a batch is reverted as a whole — members it created are deleted, members it updated
 * get their previous data back — only while no later change touched any of its members (each member's
 * version still equals the version the batch left). Otherwise nothing is reverted and the answer lists
 * the rows (row numbers and member ids, no personal data) that stand in the way.
 */
import { newId } from './ids';
import { isInSubtree } from '../../../domain/organisations';
import { AppError, conflict, notFound } from '../../errors';
import type { ScopedOrg } from '../access';
import { auditRead } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { memberSelectList, recordFromRow, type MemberRecord } from './member-record';
import { memberTransaction } from './member-tx';
import { writeMembers, type MemberWrite } from './member-writes';
import { exec, inList, isoTimestamp, lit, rows, timestampLit } from './sql-literals';

export interface BatchView {
  id: string;
  orgId: number;
  userId: number;
  kind: 'push' | 'upload' | 'revert';
  createdAt: string | null;
  counts: Record<string, number>;
  revertsBatchId: string | null;
  revertedAt: string | null;
  revertedBy: number | null;
}

export interface RevertResult {
  /** The batch that records the revert itself. */
  batchId: string;
  revertedBatchId: string;
  restored: number;
  deleted: number;
}

const BATCH_NOT_FOUND = 'Отправка не найдена.';

function view(r: Record<string, unknown>): BatchView {
  return {
    id: String(r.id),
    orgId: Number(r.org_id),
    userId: Number(r.user_id),
    kind: r.kind as BatchView['kind'],
    createdAt: isoTimestamp(r.created_at),
    counts: JSON.parse(String(r.counts)) as Record<string, number>,
    revertsBatchId: (r.reverts_batch_id as string | null) ?? null,
    revertedAt: isoTimestamp(r.reverted_at),
    revertedBy: r.reverted_by == null ? null : Number(r.reverted_by),
  };
}

const BATCH_SELECT = 'SELECT b.id, b.org_id, b.user_id, b.kind, b.created_at, b.counts, b.reverts_batch_id, b.reverted_at, b.reverted_by, o.path AS org_path FROM member_batches b JOIN organisations o ON o.id = b.org_id';

async function batchInScope(ctx: Ctx, actor: Actor, batchId: string, tx?: Parameters<typeof rows>[2]): Promise<Record<string, unknown>> {
  if (!/^[0-9a-f-]{36}$/i.test(batchId)) throw notFound(BATCH_NOT_FOUND);
  const [b] = await rows<Record<string, unknown>>(ctx.db, `${BATCH_SELECT} WHERE b.id = ${lit(batchId.toLowerCase())}`, tx);
  if (!b || !isInSubtree(String(b.org_path), actor.orgPath)) throw notFound(BATCH_NOT_FOUND);
  return b;
}

export async function getBatch(ctx: Ctx, actor: Actor, batchId: string): Promise<BatchView> {
  const b = view(await batchInScope(ctx, actor, batchId));
  await auditRead(ctx, actor, { action: 'member_batch.read', orgId: b.orgId, entity: 'member_batch', entityId: b.id });
  return b;
}

/** The latest batches of a primary organisation (newest first). */
/** `org`: access checked once, by the caller (the route's orgInScope): see services/access.ts. */
export async function listBatches(ctx: Ctx, actor: Actor, org: ScopedOrg, limit = 50): Promise<BatchView[]> {
  const found = await rows<Record<string, unknown>>(
    ctx.db,
    `${BATCH_SELECT} WHERE b.org_id = ${lit(org.id)} ORDER BY b.created_at DESC, b.id LIMIT ${Math.min(Math.max(1, Math.floor(limit)), 500)}`,
  );
  await auditRead(ctx, actor, { action: 'member_batches.listed', orgId: org.id, entity: 'organisation', entityId: org.id, details: { count: found.length } });
  return found.map(view);
}

export async function revertBatch(ctx: Ctx, actor: Actor, batchId: string): Promise<RevertResult> {
  const b0 = await batchInScope(ctx, actor, batchId);
  const orgId = Number(b0.org_id);
  return memberTransaction(ctx, [orgId], async (tx) => {
    const b = await batchInScope(ctx, actor, batchId, tx);
    if (b.kind === 'revert') throw conflict('Это отмена другой отправки; её саму отменить нельзя. Отправьте нужные строки ещё раз.');
    if (b.reverted_at) throw conflict('Эта отправка уже отменена.', { revertedAt: isoTimestamp(b.reverted_at) });
    const changes = await rows<{ member_id: string; op: string; row_no: number | null; before: string | null; after_version: number | null }>(
      ctx.db,
      `SELECT member_id, op, row_no, before, after_version FROM member_changes WHERE batch_id = ${lit(String(b.id))} ORDER BY row_no, member_id`,
      tx,
    );
    const current = new Map<string, MemberRecord>();
    for (let i = 0; i < changes.length; i += 1000) {
      const ids = changes.slice(i, i + 1000).map((c) => c.member_id);
      const found = await rows<Record<string, unknown>>(ctx.db, `SELECT ${memberSelectList('m')} FROM members m WHERE ${inList('m.id', ids)}`, tx);
      for (const r of found) current.set(String(r.id), recordFromRow(r));
    }
    const blocked = changes.filter((c) => {
      const m = current.get(c.member_id);
      return !m || m.version !== Number(c.after_version);
    });
    if (blocked.length) {
      const rowsList = blocked.map((c) => ({ row: c.row_no == null ? null : Number(c.row_no), memberId: c.member_id }));
      const numbers = rowsList.filter((r) => r.row !== null).map((r) => r.row);
      const shown = numbers.slice(0, 30).join(', ') + (numbers.length > 30 ? ` и ещё ${numbers.length - 30}` : '');
      throw new AppError(
        409,
        'revert_blocked',
        `Отменить эту отправку нельзя: после неё ${blocked.length === 1 ? 'изменена запись' : 'изменены записи'}${numbers.length ? ` из ${numbers.length === 1 ? 'строки' : 'строк'} ${shown}` : ''}. Ничего не отменено. Исправьте эти строки вручную и отправьте их ещё раз.`,
        [],
        { rows: rowsList },
      );
    }
    const writes: MemberWrite[] = changes.map((c) => {
      const now = current.get(c.member_id)!;
      if (c.op === 'create') return { op: 'delete', before: now, row: c.row_no };
      const previous = JSON.parse(String(c.before)) as MemberRecord;
      return { op: 'update', before: now, after: { ...previous, id: now.id }, row: c.row_no };
    });
    const revertId = newId();
    const counts = { restored: writes.filter((w) => w.op === 'update').length, deleted: writes.filter((w) => w.op === 'delete').length };
    const nowLit = timestampLit(ctx.db, ctx.now());
    await exec(
      ctx.db,
      `INSERT INTO member_batches (id, org_id, user_id, kind, created_at, counts, reverts_batch_id) VALUES (${lit(revertId)}, ${lit(orgId)}, ${lit(actor.userId)}, 'revert', ${nowLit}, ${lit(JSON.stringify(counts))}, ${lit(String(b.id))})`,
      tx,
    );
    const res = await writeMembers(ctx, tx, writes, { userId: actor.userId, batch: { id: revertId }, cardVia: 'system', updateAction: 'member.restored', now: ctx.now() });
    if (res.stale.length) throw conflict('Записи этой отправки только что изменили. Ничего не отменено — повторите.');
    await exec(ctx.db, `UPDATE member_batches SET reverted_at = ${nowLit}, reverted_by = ${lit(actor.userId)} WHERE id = ${lit(String(b.id))}`, tx);
    return { batchId: revertId, revertedBatchId: String(b.id), ...counts };
  });
}
