/** The «Подразделение» column: профбюро and профгруппы of a primary organisation, matched by name. */
import { Op, type Transaction } from 'sequelize';
import { isUnit, subtreeRange } from '../../../domain/organisations';
import type { OrganisationRow } from '../../db/models';
import type { Ctx } from '../context';

export interface UnitInfo {
  id: number;
  name: string;
  path: string;
  status: 'active' | 'closed';
  isUnit: boolean;
}

export interface UnitIndex {
  primary: { id: number; name: string; path: string };
  /** Every organisation of the primary organisation's subtree (itself included), by id. */
  byId: Map<number, UnitInfo>;
  /** Active units by simplified name. */
  byKey: Map<string, UnitInfo[]>;
}

/** Case-, ё-, quote- and space-insensitive key of a unit name. */
export function unitKey(name: string): string {
  return name.toLowerCase().replace(/ё/g, 'е').replace(/[«»"“”„']/g, '').replace(/\s+/g, ' ').trim();
}

export async function loadUnits(ctx: Ctx, primary: Pick<OrganisationRow, 'id' | 'name' | 'path'>, transaction?: Transaction): Promise<UnitIndex> {
  const { from, to } = subtreeRange(primary.path);
  const orgs = await ctx.db.models.Organisation.findAll({
    where: { path: { [Op.gte]: from, [Op.lt]: to } },
    attributes: ['id', 'name', 'path', 'kind', 'status'],
    raw: true,
    transaction,
  });
  const byId = new Map<number, UnitInfo>();
  const byKey = new Map<string, UnitInfo[]>();
  for (const o of orgs) {
    const info: UnitInfo = { id: o.id, name: o.name, path: o.path, status: o.status, isUnit: isUnit(o.kind) };
    byId.set(o.id, info);
    if (info.isUnit && info.status === 'active') {
      const k = unitKey(o.name);
      byKey.set(k, [...(byKey.get(k) ?? []), info]);
    }
  }
  return { primary: { id: primary.id, name: primary.name, path: primary.path }, byId, byKey };
}

/** The name shown in the «Подразделение» column for a member registered in `orgId` (null: the primary organisation). */
export function unitNameOf(index: UnitIndex, orgId: number): string | null {
  if (orgId === index.primary.id) return null;
  return index.byId.get(orgId)?.name ?? null;
}

export type UnitResolution = { ok: true; orgId: number; name: string | null } | { ok: false; message: string };

const LIST_MAX = 15;

/** A unit name from a sheet → the unit; empty or the primary organisation's own name → the primary organisation. */
export function resolveUnit(index: UnitIndex, name: string | null, currentOrgId?: number): UnitResolution {
  if (name === null || name.trim() === '') return { ok: true, orgId: index.primary.id, name: null };
  const key = unitKey(name);
  if (key === unitKey(index.primary.name)) return { ok: true, orgId: index.primary.id, name: null };
  const found = index.byKey.get(key) ?? [];
  if (found.length === 1) return { ok: true, orgId: found[0].id, name: found[0].name };
  if (currentOrgId !== undefined) {
    // The member's own unit keeps matching even if it was closed since.
    const current = index.byId.get(currentOrgId);
    if (current && current.isUnit && unitKey(current.name) === key) return { ok: true, orgId: current.id, name: current.name };
  }
  if (found.length > 1) {
    const where = found.map((u) => `«${index.byId.get(parentIdOf(u.path))?.name ?? index.primary.name}»`).join(', ');
    return {
      ok: false,
      message: `Подразделение: подразделений «${found[0].name}» несколько (в ${where}) — переименуйте их в разделе «Структура», чтобы названия различались`,
    };
  }
  const names = [...index.byKey.values()].flat().map((u) => u.name).sort((a, b) => a.localeCompare(b, 'ru'));
  if (names.length === 0) {
    return {
      ok: false,
      message: `Подразделение: в вашей организации нет профбюро и профгрупп, а указано «${name.trim()}» — оставьте ячейку пустой (член Профсоюза будет учтён в самой первичной организации) или сначала создайте подразделение в разделе «Структура»`,
    };
  }
  const listed = names.slice(0, LIST_MAX).map((n) => `«${n}»`).join(', ') + (names.length > LIST_MAX ? ` и ещё ${names.length - LIST_MAX}` : '');
  return {
    ok: false,
    message: `Подразделение: «${name.trim()}» нет в вашей организации. Есть: ${listed}. Выберите одно из них или оставьте ячейку пустой`,
  };
}

function parentIdOf(path: string): number {
  const ids = path.split('/').filter(Boolean);
  return Number(ids[ids.length - 2]);
}
