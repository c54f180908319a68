/** Which members and organisations a card request may touch, and the write transaction cards use. */
import type { Transaction } from 'sequelize';
import { subtreeRange } from '../../../domain/organisations';
import type { OrganisationRow } from '../../db/models';
import { notFound } from '../../errors';
import type { Ctx } from '../context';
import { memberTransaction } from '../members/member-tx';
import { groups, inList, lit, rows } from '../members/sql-literals';

export const MEMBERS_OUTSIDE =
  'Среди выбранных есть члены Профсоюза, которых нет в этой организации (или они не относятся к вашей организации). Обновите лист из реестра и выберите строки заново.';

/** `o.path >= … AND o.path < …` for the organisation's subtree (alias `o` for organisations). */
export function subtreeCondition(path: string, alias = 'o'): string {
  const { from, to } = subtreeRange(path);
  return `${alias}.path >= ${lit(from)} AND ${alias}.path < ${lit(to)}`;
}

/**
 * The primary organisation of each member, when every one of them is registered in the
 * organisation's subtree; otherwise 404 (a member elsewhere answers exactly like one that does not exist).
 */
export async function membersInSubtree(ctx: Ctx, org: OrganisationRow, memberIds: readonly string[]): Promise<Map<string, number>> {
  const ids = [...new Set(memberIds.map((id) => id.toLowerCase()))];
  const out = new Map<string, number>();
  for (const part of groups(ids)) {
    const found = await rows<{ id: string; primary_org_id: unknown }>(
      ctx.db,
      `SELECT m.id, m.primary_org_id FROM members m JOIN organisations o ON o.id = m.org_id WHERE ${inList('m.id', part)} AND ${subtreeCondition(org.path)}`,
    );
    for (const r of found) out.set(String(r.id), Number(r.primary_org_id));
  }
  if (out.size !== ids.length) throw notFound(MEMBERS_OUTSIDE);
  return out;
}

/**
 * A write transaction queued with the member register's writers (SQLite: one writer at a time;
 * PostgreSQL: advisory locks of the primary organisations whose members are written).
 */
export function cardTransaction<T>(ctx: Ctx, primaryOrgIds: readonly number[], fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return memberTransaction(ctx, primaryOrgIds, fn);
}
