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
  const hits = candidates.filter((o) => {
    const name = fold(String(o.name));
    return words.every((w) => name.includes(w));
  });
  hits.sort((a, b) => String(a.name).length - String(b.name).length || String(a.name).localeCompare(String(b.name), 'ru'));
  const shown = hits.slice(0, FIND_LIMIT);
  const ancestorIds = [...new Set(shown.flatMap((o) => pathIds(String(o.path)).filter((id) => id !== Number(o.id))))];
  const names = new Map<number, string>();
  if (ancestorIds.length) {
    for (const r of await selectRows<{ id: number; name: string }>(ctx.db, `SELECT id, name FROM organisations WHERE id IN (${ancestorIds.map((id) => Number(id) | 0).join(', ')})`)) {
      names.set(Number(r.id), String(r.name));
    }
  }
  return shown.map((o) => ({
    id: Number(o.id),
    name: String(o.name),
    above: pathIds(String(o.path))
      .filter((id) => id !== Number(o.id))
      .reverse()
      .map((id) => names.get(id))
      .filter((n): n is string => Boolean(n)),
  }));
}
