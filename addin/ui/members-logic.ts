/**
 * The pane's reasoning about member rows, free of Excel and the DOM (tested with jest): checking
 * rows with domain/, duplicates inside the sheet, the issue list («Строка 12, «Дата рождения»: …»),
 * push summaries in Russian.
 */
import { plural } from '../../domain/cell';
import { columnByKey, type ColumnKey, type MemberData, type RawMemberRow } from '../../domain/members/columns';
import { duplicateKeys, findDuplicateRows } from '../../domain/members/duplicates';
import { normalizeMemberRow } from '../../domain/members/normalize-row';
import type { SyncOutcome, SyncRowIn, SyncRowResult } from '../../domain/members/sync-contract';
import { formatCount } from './format';

/** One problem the pane lists and the sheet marks. */
export interface Issue {
  /** Excel row number (1-based). */
  row: number;
  /** The column to go to; 'result' for a row-level problem (a conflict). */
  field: ColumnKey | 'result';
  /** Full message as domain/ words it (starts with the column header). */
  message: string;
  kind: 'error' | 'duplicate' | 'conflict';
}

export interface SheetRowIn {
  row: number;
  id: string | null;
  version: number | null;
  values: RawMemberRow;
}

export interface CheckResult {
  /** Rows looked at (blank rows are not counted: readMemberRows skips them). */
  checked: number;
  /** Rows without any problem. */
  okRows: number;
  /** Rows with at least one problem. */
  badRows: number;
  issues: Issue[];
}

function headerOf(field: ColumnKey | 'result'): string {
  if (field === 'result') return 'Результат';
  try {
    return columnByKey(field).header;
  } catch {
    return field;
  }
}

/**
 * «Проверить»: every row through normalizeMemberRow (the same rules as the server), then duplicates
 * among the good rows (by СНИЛС, or by surname + name + patronymic + birth date with ё = е).
 */
export function checkRows(rows: readonly SheetRowIn[], today: string): CheckResult {
  const issues: Issue[] = [];
  const good: { row: number; data: MemberData }[] = [];
  const bad = new Set<number>();
  for (const r of rows) {
    const res = normalizeMemberRow(r.values, { today });
    if (res.ok) good.push({ row: r.row, data: res.data });
    else {
      bad.add(r.row);
      for (const e of res.errors) issues.push({ row: r.row, field: e.field, message: e.message, kind: 'error' });
    }
  }
  const dups = findDuplicateRows(good);
  const byRow = new Map(good.map((g) => [g.row, g.data]));
  for (const [row, first] of dups) {
    const a = byRow.get(row)!;
    const b = byRow.get(first)!;
    const sameSnils = a.snils !== null && a.snils === b.snils;
    const sameName = duplicateKeys(a).some((k) => k.startsWith('name:') && duplicateKeys(b).includes(k));
    const field: ColumnKey = sameSnils ? 'snils' : 'surname';
    const why = sameSnils && sameName ? 'тот же СНИЛС, те же ФИО и дата рождения' : sameSnils ? 'тот же СНИЛС' : 'те же ФИО и дата рождения; ё и е не различаются';
    issues.push({
      row,
      field,
      message: `${headerOf(field)}: этот человек уже записан в строке ${first} (${why}) — удалите лишнюю строку или исправьте данные`,
      kind: 'duplicate',
    });
    bad.add(row);
  }
  issues.sort((x, y) => x.row - y.row);
  return { checked: rows.length, okRows: rows.length - bad.size, badRows: bad.size, issues };
}

/**
 * Where the chair finds the message of a marked cell, as this Excel allows: a note (ExcelApi 1.18),
 * a comment (1.10 — Excel 2021/2024 and Microsoft 365 show it as a threaded comment), or only the
 * «Результат» column and the pane's list (Excel 2019, ExcelApi 1.8: no notes from add-ins).
 * `capped`: cells left without a note because of the cap (see MARK_NOTES_CAP).
 */
export function marksWhere(kind: 'notes' | 'comments' | 'none', capped = 0, cap = 2_000): string {
  const base =
    kind === 'notes'
      ? 'описание — в примечании к ячейке, в столбце «Результат» и в списке ниже'
      : kind === 'comments'
        ? 'описание — в комментарии к ячейке (Excel показывает его как цепочку комментариев), в столбце «Результат» и в списке ниже'
        : 'описание — в столбце «Результат» и в списке ниже (эта версия Excel не даёт надстройке добавлять примечания к ячейкам)';
  if (kind === 'none' || capped <= 0) return base;
  return `${base}. ${kind === 'notes' ? 'Примечания' : 'Комментарии'} добавлены только к первым ${formatCount(cap)} ошибкам, чтобы лист не стал медленным; у остальных ${formatCount(capped)} описание — в столбце «Результат» и в списке`;
}

/** The message without its leading «<column header>: », to show after the header in the list. */
export function issueText(issue: Pick<Issue, 'field' | 'message'>): string {
  const h = headerOf(issue.field);
  // The server names the row itself («Строка 12. …»); the list already does.
  const m = issue.message.replace(/^Строка \d+\.\s*/, '');
  return m.startsWith(`${h}: `) ? m.slice(h.length + 2) : m;
}

/** «Строка 12, «Дата рождения»: введите дату в виде ДД.ММ.ГГГГ» */
export function issueLine(issue: Pick<Issue, 'row' | 'field' | 'message'>): string {
  return `${issueTitle(issue)}: ${issueText(issue)}`;
}

/** The column header of an issue («Результат» for a row-level one). */
export function issueColumn(issue: Pick<Issue, 'field'>): string {
  return headerOf(issue.field);
}

export function issueTitle(issue: Pick<Issue, 'row' | 'field'>): string {
  return `Строка ${issue.row}, «${headerOf(issue.field)}»`;
}

/** The issues of a push answer: every bad field of error rows, and one line per conflict row. */
export function issuesFromResults(results: readonly SyncRowResult[]): Issue[] {
  const out: Issue[] = [];
  for (const r of results) {
    if (r.outcome === 'error') {
      const errs = r.errors ?? [];
      if (errs.length === 0) out.push({ row: r.row, field: 'result', message: 'Строка не принята — проверьте её и отправьте снова', kind: 'error' });
      for (const e of errs) out.push({ row: r.row, field: e.field, message: e.message, kind: 'error' });
    } else if (r.outcome === 'conflict') {
      out.push({ row: r.row, field: 'result', message: r.conflict?.message ?? 'Запись изменена в реестре — загрузите список заново', kind: 'conflict' });
    }
  }
  return out.sort((a, b) => a.row - b.row);
}

/** Marks for markValidationErrors (row-level problems go to «Результат» via the surname cell). */
export function marksFromIssues(issues: readonly Issue[]): { row: number; field: ColumnKey; message: string }[] {
  return issues.map((i) => ({ row: i.row, field: i.field === 'result' ? 'surname' : i.field, message: i.message }));
}

/** What is sent for each sheet row. */
export function toSyncRows(rows: readonly SheetRowIn[]): SyncRowIn[] {
  return rows.map((r) => ({ row: r.row, ...(r.id ? { id: r.id, version: r.version } : {}), values: r.values }));
}

export function rowsWord(n: number): string {
  return plural(n, ['строка', 'строки', 'строк']);
}

/** After a verb: «принял 21 строку», «проверил 2 строки». */
function rowsAcc(n: number): string {
  return plural(n, ['строку', 'строки', 'строк']);
}

/** «Добавлено: 12 · Обновлено: 3 · …» as label/number pairs for the summary. */
export function summaryItems(counts: Record<SyncOutcome, number>, dryRun: boolean): { outcome: SyncOutcome; label: string; count: number }[] {
  const labels: Record<SyncOutcome, string> = dryRun
    ? { created: 'Будут добавлены', updated: 'Будут обновлены', unchanged: 'Без изменений', error: 'С ошибками', conflict: 'Конфликты' }
    : { created: 'Добавлено', updated: 'Обновлено', unchanged: 'Без изменений', error: 'С ошибками', conflict: 'Конфликты' };
  return (Object.keys(labels) as SyncOutcome[]).map((o) => ({ outcome: o, label: labels[o], count: counts[o] ?? 0 }));
}

/** One sentence about a finished push, for the notice title. */
export function summarySentence(counts: Record<SyncOutcome, number>, dryRun: boolean): string {
  const accepted = counts.created + counts.updated + counts.unchanged;
  const problems = counts.error + counts.conflict;
  if (dryRun) {
    return problems === 0
      ? `Сервер проверил ${formatCount(accepted)} ${rowsAcc(accepted)}: ошибок нет, можно отправлять`
      : `Сервер проверил ${formatCount(accepted + problems)} ${rowsAcc(accepted + problems)}: ${formatCount(problems)} ${plural(problems, ['требует', 'требуют', 'требуют'])} исправления`;
  }
  if (problems === 0) return `Готово: реестр принял ${formatCount(accepted)} ${rowsAcc(accepted)}`;
  return `Реестр принял ${formatCount(accepted)} ${rowsAcc(accepted)}; ${formatCount(problems)} ${rowsWord(problems)} не ${plural(problems, ['принята', 'приняты', 'приняты'])} — исправьте и отправьте снова`;
}

