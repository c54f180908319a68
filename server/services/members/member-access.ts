/** A member by id, only when it lies in the actor's subtree (otherwise 404, as if it did not exist). */
import type { Transaction } from 'sequelize';
import { isInSubtree } from '../../../domain/organisations';
import { notFound } from '../../errors';
import type { Actor, Ctx } from '../context';
import { memberSelectList, recordFromRow, type MemberRecord } from './member-record';
import { lit, rows } from './sql-literals';

export const MEMBER_NOT_FOUND = 'Член Профсоюза не найден (или он не относится к вашей организации).';

export function isMemberId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

export async function loadMember(ctx: Ctx, memberId: string, transaction?: Transaction): Promise<{ rec: MemberRecord; orgPath: string } | null> {
  if (!isMemberId(memberId)) return null;
  const [row] = await rows<Record<string, unknown>>(
    ctx.db,
    `SELECT ${memberSelectList('m')}, o.path AS org_path FROM members m JOIN organisations o ON o.id = m.org_id WHERE m.id = ${lit(memberId.toLowerCase())}`,
    transaction,
  );
  return row ? { rec: recordFromRow(row), orgPath: String(row.org_path) } : null;
}

export async function memberInScope(ctx: Ctx, actor: Actor, memberId: string, transaction?: Transaction): Promise<MemberRecord> {
  const found = await loadMember(ctx, memberId, transaction);
  if (!found || !isInSubtree(found.orgPath, actor.orgPath)) throw notFound(MEMBER_NOT_FOUND);
  return found.rec;
}
