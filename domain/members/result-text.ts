/**
 * The «Результат» text of a row, the same in the add-in's table and in the workbook the upload page
 * returns: the outcome, then each problem once — the column's name once, no «Строка N.» (the row is
 * the cell's own row). Messages of the row check already start with the column's header
 * («СНИЛС: контрольное число…»); a message that does not (a repeat of another row, a conflict) gets it.
 */
import { columnByKey, type ColumnKey } from './columns';
import { OUTCOME_LABELS, type SyncOutcome, type SyncRowResult } from './sync-contract';

export const RESULT_MAX_CHARS = 1000;

/** What a dry run («Проверить») writes: nothing was saved yet. */
export const DRY_RUN_LABELS: Record<SyncOutcome, string> = {
  created: 'Будет добавлен',
  updated: 'Будет обновлён',
  unchanged: 'Без изменений',
  error: OUTCOME_LABELS.error,
  conflict: OUTCOME_LABELS.conflict,
};

/** "Строка 7. СНИЛС: …" → "СНИЛС: …"; "Строка 7: этот человек…" → "Этот человек…". */
export function withoutRowPrefix(message: string): string {
  const s = message.replace(/^Строка \d+[.:,]?\s*/, '');
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

function headerOf(field: string): string | null {
  try {
    return columnByKey(field as ColumnKey).header;
  } catch {
    return null;
  }
}

/** One problem of a cell as the result and the note show it: the column named once, no row prefix. */
export function fieldMessage(field: string, message: string): string {
  const m = withoutRowPrefix(message);
  const header = headerOf(field);
  if (!header || field === 'id' || field === 'version') return m;
  const low = m.toLowerCase();
  if (low.startsWith(header.toLowerCase())) return m;
  return `${header}: ${m ? m[0].toLowerCase() + m.slice(1) : m}`;
}

const cap = (s: string) => (s.length > RESULT_MAX_CHARS ? `${s.slice(0, RESULT_MAX_CHARS - 1)}…` : s);

/** «Ошибка: СНИЛС: контрольное число не сходится…; Телефон: …» */
export function errorResultText(errors: readonly { field: string; message: string }[]): string {
  const parts = errors.map((e) => fieldMessage(e.field, e.message));
  return cap(parts.length ? `${OUTCOME_LABELS.error}: ${parts.join('; ')}` : OUTCOME_LABELS.error);
}

/** The «Результат» text of one sync result (`dryRun`: «Будет добавлен» instead of «Добавлен»). */
export function resultText(r: SyncRowResult, dryRun = false): string {
  const label = (dryRun ? DRY_RUN_LABELS : OUTCOME_LABELS)[r.outcome];
  if (r.outcome === 'error') return errorResultText(r.errors ?? []);
  if (r.outcome === 'conflict' && r.conflict?.message) return cap(`${label}: ${withoutRowPrefix(r.conflict.message)}`);
  return label;
}
