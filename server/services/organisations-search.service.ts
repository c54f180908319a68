/**
 * Finding a primary organisation by name anywhere in the union: the chair who transfers a member
 * names the receiving ППО, which lies outside their own subtree. Only organisation names and their
 * place in the tree are answered (no personal data, nothing of the organisation's members).
 *
 * Names are compared in JavaScript, case- and ё-insensitively: SQLite's lower() knows only ASCII and
 * PostgreSQL's depends on the database's ctype. One query reads the active primary organisations'
 * names (about 83,000 for the whole union, a few megabytes); transfers are rare, so the cost is paid
 * rarely and no copy is kept in memory between requests.
 */
import { pathIds, PRIMARY_KINDS } from '../../domain/organisations';
import { badRequest } from '../errors';
import { selectRows } from '../db/sql';
import type { Ctx } from './context';

export interface FoundOrganisation {
  id: number;
  name: string;
  /** The names above it, nearest first («Заречная районная организация», «Региональная организация …»). */
  above: string[];
  /**
   * What tells two ППО of the same name apart (issue 15): the territorial organisation it belongs to
   * (the nearest territorial ancestor; the parent when it has none), the organisation's ИНН from its
   * passport, and the chair's initials only — never the chair's full name.
   */
  territorial: string | null;
  inn: string | null;
  chairInitials: string | null;
}

/** «Иванова Мария Сергеевна» → «И. М. С.»: initials only, in the order written. */
export function initialsOf(fullName: string | null | undefined): string | null {
  const parts = String(fullName ?? '').split(/[\s.]+/).filter((p) => /^\p{L}/u.test(p));
  if (!parts.length) return null;
  return parts.slice(0, 3).map((p) => `${p[0].toUpperCase()}.`).join(' ');
}

export const FIND_LIMIT = 20;

const fold = (s: string) => s.toLowerCase().replace(/ё/g, 'е').replace(/[«»"“”„]/g, '').replace(/\s+/g, ' ').trim();

export async function findPrimaryOrganisations(ctx: Ctx, query: string): Promise<FoundOrganisation[]> {
  const words = fold(query).split(' ').filter(Boolean);
  if (words.join('').length < 3) {
    throw badRequest('Введите не меньше трёх букв или цифр названия организации.', [{ field: 'q', message: 'Не меньше трёх знаков' }]);
  }
  const kinds = PRIMARY_KINDS.map((k) => `'${k}'`).join(', ');
  const candidates = await selectRows<{ id: number; name: string; path: string }>(
    ctx.db,
    `SELECT id, name, path FROM organisations WHERE status = 'active' AND kind IN (${kinds})`,
  );
  // (Only the shown ones get their passports and chairs read below.)
  const hits = candidates.filter((o) => {
    const name = fold(String(o.name));
    return words.every((w) => name.includes(w));
  });
  hits.sort((a, b) => String(a.name).length - String(b.name).length || String(a.name).localeCompare(String(b.name), 'ru'));
  const shown = hits.slice(0, FIND_LIMIT);
  const ancestorIds = [...new Set(shown.flatMap((o) => pathIds(String(o.path)).filter((id) => id !== Number(o.id))))];
  const ancestors = new Map<number, { name: string; kind: string }>();
  if (ancestorIds.length) {
    for (const r of await selectRows<{ id: number; name: string; kind: string }>(ctx.db, `SELECT id, name, kind FROM organisations WHERE id IN (${ancestorIds.map((id) => Number(id) | 0).join(', ')})`)) {
      ancestors.set(Number(r.id), { name: String(r.name), kind: String(r.kind) });
    }
  }
  const shownIds = shown.map((o) => Number(o.id) | 0);
  const passports = new Map<number, { inn: string | null; chair: string | null }>();
  const chairs = new Map<number, string>();
  if (shownIds.length) {
    const list = shownIds.join(', ');
    for (const r of await selectRows<{ org_id: number; inn: string | null; chair_full_name: string | null }>(ctx.db, `SELECT org_id, inn, chair_full_name FROM passports WHERE org_id IN (${list})`)) {
      passports.set(Number(r.org_id), { inn: r.inn ? String(r.inn) : null, chair: r.chair_full_name ? String(r.chair_full_name) : null });
    }
    // Without a chair in the passport: the chair's account (the oldest active one).
    for (const r of await selectRows<{ org_id: number; full_name: string; active: unknown }>(ctx.db, `SELECT org_id, full_name, active FROM users WHERE role = 'primary_chair' AND org_id IN (${list}) ORDER BY id`)) {
      const active = r.active === true || Number(r.active) === 1;
      if (active && !chairs.has(Number(r.org_id))) chairs.set(Number(r.org_id), String(r.full_name));
    }
  }
  return shown.map((o) => {
    const above = pathIds(String(o.path))
      .filter((id) => id !== Number(o.id))
      .reverse()
      .map((id) => ancestors.get(id))
      .filter((a): a is { name: string; kind: string } => Boolean(a));
    const territorial = above.find((a) => a.kind === 'territorial' || a.kind === 'primary_territorial') ?? above[0] ?? null;
    const passport = passports.get(Number(o.id));
    return {
      id: Number(o.id),
      name: String(o.name),
      above: above.map((a) => a.name),
      territorial: territorial?.name ?? null,
      inn: passport?.inn ?? null,
      chairInitials: initialsOf(passport?.chair ?? chairs.get(Number(o.id))),
    };
  });
}
