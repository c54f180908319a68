/** The organisation tree: read a subtree, add organisations and units, rename, move and close them. */
import { Op, type Transaction } from 'sequelize';
import { canContain, checkOrganisationName, childPath, isPrimary, isUnit, organisationNameKey, orgKindLabel, pathIds, PRIMARY_KINDS, rootPath, subtreeRange, type OrgKind } from '../../domain/organisations';
import { roleRank } from '../../domain/roles';
import { AppError, badRequest, conflict, forbidden, unprocessable } from '../errors';
import type { OrganisationRow } from '../db/models';
import { orgInScope, scopedOrg, subtreeWhere, type ScopedOrg } from './access';
import { selectRows } from '../db/sql';
import { recordAudit } from './audit.service';
import { memberTransaction } from './members/member-tx';
import type { Actor, Ctx } from './context';

export interface OrgView {
  id: number;
  parentId: number | null;
  kind: OrgKind;
  kindLabel: string;
  name: string;
  path: string;
  depth: number;
  status: 'active' | 'closed';
  closedAt: string | null;
}

export function orgView(o: OrganisationRow): OrgView {
  return {
    id: o.id,
    parentId: o.parentId,
    kind: o.kind,
    kindLabel: orgKindLabel(o.kind),
    name: o.name,
    path: o.path,
    depth: o.depth,
    status: o.status,
    closedAt: o.closedAt ? o.closedAt.toISOString() : null,
  };
}

export async function getOrganisation(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number): Promise<OrgView> {
  return orgView(await scopedOrg(ctx, actor, orgId));
}

export async function listChildren(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number, includeClosed: boolean): Promise<OrgView[]> {
  const org = await scopedOrg(ctx, actor, orgId);
  const rows = await ctx.db.models.Organisation.findAll({
    where: { parentId: org.id, ...(includeClosed ? {} : { status: 'active' }) },
    order: [['name', 'ASC']],
  });
  return rows.map(orgView);
}

/** Units (профбюро, профгруппы) of a primary organisation, the whole subtree, in path order. */
export async function listSubtree(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number): Promise<OrgView[]> {
  const org = await scopedOrg(ctx, actor, orgId);
  const { from, to } = subtreeRange(org.path);
  const rows = await ctx.db.models.Organisation.findAll({ where: { path: { [Op.gte]: from, [Op.lt]: to } }, order: [['path', 'ASC']] });
  return rows.map(orgView);
}

/** Creating units is the primary chair's own work; organisations of the tree are created from above. */
function checkMayCreate(actor: Actor, parent: OrganisationRow, kind: OrgKind): void {
  if (!isUnit(kind) && roleRank(actor.role) < 2) {
    throw forbidden('Председатель ППО может создавать только профбюро и профгруппы.');
  }
  if (!canContain(parent.kind, kind)) {
    throw badRequest(`«${orgKindLabel(kind)}» не может входить в «${orgKindLabel(parent.kind)}».`, [
      { field: 'kind', message: `Нельзя создать «${orgKindLabel(kind)}» внутри «${orgKindLabel(parent.kind)}».` },
    ]);
  }
  if (parent.status === 'closed') throw conflict('Организация закрыта: в неё нельзя добавлять подразделения.');
}

export async function createOrganisation(
  ctx: Ctx,
  actor: Actor,
  parentId: ScopedOrg | number,
  input: { kind: OrgKind; name: string },
): Promise<OrgView> {
  const parent = await scopedOrg(ctx, actor, parentId);
  checkMayCreate(actor, parent, input.kind);
  const name = validName(input.name);
  return ctx.db.sequelize.transaction(async (transaction) => {
    await assertNameFree(ctx, parent, input.kind, name, null, transaction);
    const org = await insertOrganisation(ctx, parent, input.kind, name, transaction);
    await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'organisation.created', entity: 'organisation', entityId: org.id, fields: ['kind', 'name'] }, transaction);
    return orgView(org);
  });
}

/** Insert a node: its path needs its own id, so it is written in two steps inside one transaction. */
export async function insertOrganisation(
  ctx: Ctx,
  parent: OrganisationRow | null,
  kind: OrgKind,
  name: string,
  transaction?: Transaction,
): Promise<OrganisationRow> {
  const { Organisation } = ctx.db.models;
  const now = ctx.now();
  const org = await Organisation.create(
    { parentId: parent?.id ?? null, kind, name, path: `/pending-${Math.random().toString(36).slice(2)}/`, depth: parent ? parent.depth + 1 : 0, createdAt: now, updatedAt: now },
    { transaction },
  );
  org.path = parent ? childPath(parent.path, org.id) : rootPath(org.id);
  await org.save({ transaction });
  return org;
}

/** The domain's rule for names (no formula-like start, …): 422 naming the field. */
function validName(name: string): string {
  const r = checkOrganisationName(name);
  if (!r.ok) throw unprocessable(r.message, 'name');
  return r.value;
}

/**
 * Names are unique (case, ё/е, quotes and spaces aside) among the active children of one parent, and a
 * primary organisation's name among every ППО of its territorial organisation — so that the union-wide
 * search for a transfer does not show two ППО of one district under the same name.
 */
async function assertNameFree(ctx: Ctx, parent: OrganisationRow, kind: OrgKind, name: string, exceptId: number | null, transaction: Transaction): Promise<void> {
  const { Organisation } = ctx.db.models;
  const territorialWide = isPrimary(kind) && (parent.kind === 'territorial' || parent.kind === 'primary_territorial');
  const candidates = await Organisation.findAll({
    where: territorialWide
      ? { path: subtreeWhere(parent.path), kind: { [Op.in]: [...PRIMARY_KINDS] }, status: 'active' }
      : { parentId: parent.id, status: 'active' },
    attributes: ['id', 'name'],
    transaction,
  });
  const key = organisationNameKey(name);
  const same = candidates.find((o) => o.id !== exceptId && organisationNameKey(o.name) === key);
  if (same) {
    const message = territorialWide
      ? `В этой территориальной организации уже есть первичная организация «${same.name}». Уточните название — например, добавьте номер или населённый пункт.`
      : `В этой организации уже есть подразделение «${same.name}». Выберите другое название.`;
    throw new AppError(409, 'conflict', message, [{ field: 'name', message }], { field: 'name' });
  }
}

export async function updateOrganisation(
  ctx: Ctx,
  actor: Actor,
  orgId: ScopedOrg | number,
  input: { name?: string; parentId?: number },
): Promise<OrgView> {
  const org = await scopedOrg(ctx, actor, orgId);
  if (org.id === actor.orgId && input.parentId !== undefined) {
    throw forbidden('Свою организацию переносит вышестоящая организация.');
  }
  if (org.status === 'closed') throw conflict('Организация закрыта: её нельзя изменять.');
  const newName = input.name === undefined ? undefined : validName(input.name);
  const moving = input.parentId !== undefined && input.parentId !== org.parentId;
  const newParent = moving ? await orgInScope(ctx, actor, input.parentId!) : null;
  // A unit moving between primary organisations is checked for members under the member writers'
  // lock of both (no push registers someone in it between the count and the move).
  const primaries = newParent && isUnit(org.kind) ? await Promise.all([primaryOf(ctx, org), primaryOf(ctx, newParent)]) : null;
  const crossing = primaries !== null && primaries[0] !== primaries[1];
  const run = <T>(fn: (t: Transaction) => Promise<T>) =>
    crossing ? memberTransaction(ctx, primaries.filter((id): id is number => id !== null), fn) : ctx.db.sequelize.transaction(fn);
  return run(async (transaction) => {
    const fields: string[] = [];
    if (newParent) {
      if (newParent.path.startsWith(org.path)) {
        throw badRequest('Нельзя перенести подразделение внутрь него самого.', [{ field: 'parentId', message: 'Выберите другое вышестоящее подразделение.' }]);
      }
      if (!isUnit(org.kind) && roleRank(actor.role) < 2) throw forbidden('Председатель ППО может переносить только профбюро и профгруппы.');
      if (!canContain(newParent.kind, org.kind)) {
        throw badRequest(`«${orgKindLabel(org.kind)}» не может входить в «${orgKindLabel(newParent.kind)}».`, [
          { field: 'parentId', message: 'Такой перенос не допускается структурой Профсоюза.' },
        ]);
      }
      if (newParent.status === 'closed') throw conflict('Нельзя перенести в закрытую организацию.');
      await assertNameFree(ctx, newParent, org.kind, newName ?? org.name, org.id, transaction);
      if (crossing) await assertNoMembers(ctx, org, transaction);
      await movePaths(ctx, org, newParent, transaction);
      fields.push('parentId');
    }
    if (newName !== undefined && newName !== org.name) {
      const parent = org.parentId ? await ctx.db.models.Organisation.findByPk(org.parentId, { transaction }) : null;
      if (parent) await assertNameFree(ctx, parent, org.kind, newName, org.id, transaction);
      org.name = newName;
      await org.save({ transaction });
      fields.push('name');
    }
    if (fields.length) {
      await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'organisation.updated', entity: 'organisation', entityId: org.id, fields }, transaction);
    }
    await org.reload({ transaction });
    return orgView(org);
  });
}

/** The primary organisation a node is in (itself when it is one); null above the primary level. */
async function primaryOf(ctx: Ctx, node: OrganisationRow): Promise<number | null> {
  if (isPrimary(node.kind)) return node.id;
  const ancestors = await ctx.db.models.Organisation.findAll({ where: { id: pathIds(node.path) }, attributes: ['id', 'kind'] });
  return ancestors.find((a) => isPrimary(a.kind))?.id ?? null;
}

/**
 * A профбюро or профгруппа moves into another primary organisation only while nobody is (or was)
 * registered in it: members belong to a primary organisation, and they change it by a transfer the
 * receiving chair accepts, never as a side effect of the structure.
 */
async function assertNoMembers(ctx: Ctx, unit: OrganisationRow, transaction: Transaction): Promise<void> {
  const range = subtreeRange(unit.path);
  const [row] = await selectRows<{ n: number | string }>(
    ctx.db,
    'SELECT COUNT(*) AS n FROM members m JOIN organisations o ON o.id = m.org_id WHERE o.path >= :from AND o.path < :to',
    { from: range.from, to: range.to },
    transaction,
  );
  const n = Number(row?.n ?? 0);
  if (n > 0) {
    const message =
      `В подразделении «${unit.name}» и вложенных в него состоят или состояли на учёте члены Профсоюза (${n}), поэтому в другую первичную организацию его не перенести. ` +
      'Членов Профсоюза переводят в другую ППО переводом (его принимает председатель той ППО), а подразделение создайте там заново.';
    throw new AppError(409, 'unit_has_members', message, [{ field: 'parentId', message: 'Подразделение с членами Профсоюза переносится только внутри своей ППО.' }]);
  }
}

/** Rewrite the materialised path of a node and all its descendants in one statement. */
async function movePaths(ctx: Ctx, org: OrganisationRow, newParent: OrganisationRow, transaction: Transaction): Promise<void> {
  const oldPath = org.path;
  const newPath = childPath(newParent.path, org.id);
  const depthDelta = newParent.depth + 1 - org.depth;
  const { from, to } = subtreeRange(oldPath);
  const concat = ctx.db.dialect === 'postgres' ? ':newPath || substr(path, :cut)' : ':newPath || substr(path, :cut)';
  await ctx.db.sequelize.query(
    `UPDATE organisations SET path = ${concat}, depth = depth + :depthDelta, updated_at = :now WHERE path >= :from AND path < :to`,
    { replacements: { newPath, cut: oldPath.length + 1, depthDelta, from, to, now: ctx.now() }, transaction },
  );
  await ctx.db.models.Organisation.update({ parentId: newParent.id }, { where: { id: org.id }, transaction });
}

/**
 * Close an organisation (or unit). Nothing is deleted: the history stays. A node with active
 * children or with registered members cannot be closed until they are moved or deregistered.
 */
export async function closeOrganisation(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number): Promise<OrgView> {
  const org = await scopedOrg(ctx, actor, orgId);
  if (org.id === actor.orgId) throw forbidden('Свою организацию закрывает вышестоящая организация.');
  if (!isUnit(org.kind) && roleRank(actor.role) < 2) throw forbidden('Председатель ППО может закрывать только профбюро и профгруппы.');
  if (org.status === 'closed') return orgView(org);
  return ctx.db.sequelize.transaction(async (transaction) => {
    const activeChildren = await ctx.db.models.Organisation.count({ where: { parentId: org.id, status: 'active' }, transaction });
    if (activeChildren > 0) {
      throw conflict(`Сначала закройте или перенесите вложенные подразделения (их ${activeChildren}).`);
    }
    const members = await countActiveMembers(ctx, org.id, transaction);
    if (members > 0) {
      throw conflict(`В подразделении состоят на учёте ${members} чел. Перенесите их в другое подразделение или снимите с учёта, затем закройте.`);
    }
    await org.update({ status: 'closed', closedAt: ctx.now() }, { transaction });
    await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'organisation.closed', entity: 'organisation', entityId: org.id, fields: ['status'] }, transaction);
    return orgView(org);
  });
}

async function countActiveMembers(ctx: Ctx, orgId: number, transaction: Transaction): Promise<number> {
  const [rows] = await ctx.db.sequelize.query('SELECT COUNT(*) AS n FROM members WHERE org_id = :orgId AND deregistered_at IS NULL', {
    replacements: { orgId },
    transaction,
  });
  return Number((rows as { n: number | string }[])[0]?.n ?? 0);
}
