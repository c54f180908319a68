/** Finding the same member twice: by СНИЛС, or by surname + name + patronymic + date of birth (ё = е). */
import { nameKey } from '../names';
import type { MemberData } from './columns';

/** The keys a member is matched by: 'snils:<11 digits>' (when known) and 'name:<nameKey>|<birthDate>'. */
export function duplicateKeys(data: Pick<MemberData, 'surname' | 'name' | 'patronymic' | 'birthDate' | 'snils'>): string[] {
  const keys: string[] = [];
  if (data.snils) keys.push(`snils:${data.snils}`);
  keys.push(`name:${nameKey(data.surname, data.name, data.patronymic)}|${data.birthDate}`);
  return keys;
}

/**
 * For each row that repeats an earlier one (by any key), the number of the first row it repeats.
 * Rows are taken in ascending row order; the result maps later row → earlier row.
 */
export function findDuplicateRows(rows: readonly { row: number; data: MemberData }[]): Map<number, number> {
  const firstByKey = new Map<string, number>();
  const result = new Map<number, number>();
  const sorted = [...rows].sort((a, b) => a.row - b.row);
  for (const { row, data } of sorted) {
    const keys = duplicateKeys(data);
    let first: number | undefined;
    for (const k of keys) {
      const seen = firstByKey.get(k);
      if (seen !== undefined && seen !== row && (first === undefined || seen < first)) first = seen;
    }
    if (first !== undefined) result.set(row, first);
    for (const k of keys) if (!firstByKey.has(k)) firstByKey.set(k, row);
  }
  return result;
}
