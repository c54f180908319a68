/**
 * Who may reach what. Every organisation-scoped request goes through here: an organisation outside
 * the actor's subtree answers 404 exactly like one that does not exist.
 *
 * Where the check lives: once per request, at its entry point. For HTTP that is http/route.ts — a route
 * with access kind 'org' gets its organisation from orgInScope (handed to the handler as `org`) and, with
 * `personalData`, the obligation gate. A service that takes a `ScopedOrg` (syncMembers, uploadMembers)
 * does not check again: the type says its caller did. A service that takes `ScopedOrg | number`
 * (scopedOrg below) checks an id itself, so a script or another service calling it is checked too.
 */
import { Op } from 'sequelize';
import { isInSubtree, subtreeRange } from '../../domain/organisations';
import { roleLabel, type Role } from '../../domain/roles';
import { forbidden, notFound } from '../errors';
import type { Actor, Ctx } from './context';
import type { OrganisationRow, UserRow } from '../db/models';

declare const scopeChecked: unique symbol;

/** An organisation orgInScope let the actor reach (only orgInScope makes one): proof that scope was checked. */
export type ScopedOrg = OrganisationRow & { readonly [scopeChecked]: true };

export async function orgInScope(ctx: Ctx, actor: Actor, orgId: number): Promise<ScopedOrg> {
  if (!Number.isSafeInteger(orgId) || orgId <= 0) throw notFound('Организация не найдена.');
  const org = await ctx.db.models.Organisation.findByPk(orgId);
  if (!org || !isInSubtree(org.path, actor.orgPath)) throw notFound('Организация не найдена.');
  return org as ScopedOrg;
}

/**
 * The organisation a service works on: a ScopedOrg its caller has checked (a route, once per request),
 * or an id, checked here — so a service called with an id (a script, another service, a test) is
 * checked at that entry point.
 */
export async function scopedOrg(ctx: Ctx, actor: Actor, org: ScopedOrg | number): Promise<ScopedOrg> {
  return typeof org === 'number' ? orgInScope(ctx, actor, org) : org;
}

/** A user account the actor manages: in the actor's subtree and strictly below the actor's own level. */
export async function managedUser(ctx: Ctx, actor: Actor, userId: number): Promise<{ user: UserRow; org: OrganisationRow }> {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw notFound('Учётная запись не найдена.');
  const user = await ctx.db.models.User.findByPk(userId);
  const org = user ? await ctx.db.models.Organisation.findByPk(user.orgId) : null;
  if (!user || !org || !isInSubtree(org.path, actor.orgPath)) throw notFound('Учётная запись не найдена.');
  if (user.id === actor.userId || (org.id === actor.orgId && actor.role !== 'central_admin')) {
    throw forbidden('Свою учётную запись и учётные записи своего уровня ведёт вышестоящая организация.');
  }
  return { user, org };
}

export function requireRole(actor: Actor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) {
    throw forbidden(`Это действие недоступно для роли «${roleLabel(actor.role)}».`);
  }
}

/** Personal data of members is closed until the signed non-disclosure obligation is recorded. */
export function requireObligation(actor: Actor): void {
  if (!actor.obligationRecorded) {
    throw forbidden(
      'Работа с персональными данными членов Профсоюза откроется после того, как вышестоящая организация отметит получение вашего подписанного обязательства о неразглашении персональных данных.',
      'obligation_required',
    );
  }
}

export function subtreeWhere(path: string) {
  const { from, to } = subtreeRange(path);
  return { [Op.gte]: from, [Op.lt]: to };
}
