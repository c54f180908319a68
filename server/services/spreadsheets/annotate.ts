/**
 * Writing the answer into the chair's own workbook: «Результат» for every row that had data, a light
 * red fill and a note with the message on every bad cell, a yellow fill on conflict rows, the ids and
 * versions in the hidden columns (added when the file had none), and the sheet «Итог загрузки».
 * Marks of an earlier answer are cleared first; the chair's own notes are never replaced.
 *
 * exceljs shares one style object between cells loaded with the same style, so a style is always
 * replaced by a copy (`cell.style = { ...cell.style, fill }`), never changed in place.
 */
import type ExcelJS from 'exceljs';
import { columnByKey, RESULT_HEADER, type ColumnKey, type FieldError } from '../../../domain/members/columns';
import { DRY_RUN_LABELS, resultText, withoutRowPrefix } from '../../../domain/members/result-text';
import { OUTCOME_LABELS, type SyncOutcome, type SyncRowResult } from '../../../domain/members/sync-contract';
import { CONFLICT_ARGB, ERROR_ARGB, MARK_PREFIX, RESULT_WIDTH, SUMMARY_SHEET_NAME } from './member-layout';
import { cellText, findRow, type HeaderMap } from './sheet-read';

const ALL_LABELS = [...new Set([...Object.values(OUTCOME_LABELS), ...Object.values(DRY_RUN_LABELS)])];

export { DRY_RUN_LABELS, resultText, withoutRowPrefix };

function noteText(note: ExcelJS.Comment | string | undefined): string | null {
  if (note === undefined || note === null) return null;
  if (typeof note === 'string') return note;
  return (note.texts ?? []).map((t) => t.text ?? '').join('');
}

function setFill(cell: ExcelJS.Cell, argb: string | null): void {
  if (argb) {
    cell.style = { ...cell.style, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb } } };
  } else {
    const { fill: _fill, ...rest } = cell.style ?? {};
    cell.style = rest;
  }
}

function fillArgb(cell: ExcelJS.Cell): string | null {
  const f = cell.style?.fill;
  return f && f.type === 'pattern' && f.pattern === 'solid' ? (f.fgColor?.argb ?? null) : null;
}

/** exceljs has no way to delete a note: the value is set again without it. */
function removeNote(cell: ExcelJS.Cell): void {
  const value = cell.value;
  (cell as unknown as { _comment?: unknown })._comment = undefined;
  cell.value = null;
  cell.value = value;
}

export interface SheetColumns {
  /** Member columns by key (1-based), including the id and version columns added now. */
  columns: Partial<Record<ColumnKey, number>>;
  resultCol: number;
  added: string[];
}

/** The last column that holds anything in the header row or the given rows. */
function lastUsedColumn(ws: ExcelJS.Worksheet, fromRow: number, toRow: number): number {
  let last = 0;
  for (let r = fromRow; r <= toRow; r++) {
    const row = findRow(ws, r);
    if (!row) continue;
    row.eachCell({ includeEmpty: false }, (_cell, col) => {
      if (col > last) last = col;
    });
  }
  return last;
}

/** Adds «ID в реестре», «Версия» (hidden) and «Результат» where the sheet has none, after everything it holds. */
export function ensureAnswerColumns(ws: ExcelJS.Worksheet, map: HeaderMap, lastRow: number): SheetColumns {
  const columns = { ...map.columns };
  const added: string[] = [];
  let next = lastUsedColumn(ws, map.row, lastRow) + 1;
  const header = ws.getRow(map.row);
  const addColumn = (title: string, width: number, numFmt: string, hidden: boolean): number => {
    const col = next++;
    const cell = header.getCell(col);
    cell.value = title;
    cell.style = { ...cell.style, font: { bold: true }, alignment: { vertical: 'middle', wrapText: true } };
    const column = ws.getColumn(col);
    column.width = width;
    column.numFmt = numFmt;
    if (hidden) column.hidden = true;
    added.push(title);
    return col;
  };
  for (const key of ['id', 'version'] as const) {
    if (columns[key] === undefined) {
      const c = columnByKey(key);
      columns[key] = addColumn(c.header, c.width, key === 'version' ? '0' : '@', true);
    }
  }
  const resultCol = map.resultCol ?? addColumn(RESULT_HEADER, RESULT_WIDTH, '@', false);
  return { columns, resultCol, added };
}

export interface AnnotateInput {
  ws: ExcelJS.Worksheet;
  cols: SheetColumns;
  /** One result per non-blank row. */
  results: readonly SyncRowResult[];
  /** Rows skipped as blank (their old answer text is cleared). */
  blankRows: readonly number[];
  dryRun: boolean;
}

export interface AnnotateStats {
  errorCells: number;
  conflictRows: number;
  notes: number;
}

/** Writes the answer into the member sheet. */
export function annotateSheet({ ws, cols, results, blankRows, dryRun }: AnnotateInput): AnnotateStats {
  const stats: AnnotateStats = { errorCells: 0, conflictRows: 0, notes: 0 };
  const markCols = [...new Set([...Object.values(cols.columns), cols.resultCol])].filter((c): c is number => typeof c === 'number');
  const clearRow = (r: number): void => {
    const row = findRow(ws, r);
    if (!row) return;
    const old = cellText(row.getCell(cols.resultCol).value);
    const ours = ALL_LABELS.some((l) => old.startsWith(l));
    for (const c of markCols) {
      const cell = row.findCell(c);
      if (!cell) continue;
      const note = noteText(cell.note);
      if (note !== null && note.startsWith(MARK_PREFIX)) removeNote(cell);
      if (ours) {
        const argb = fillArgb(cell);
        if (argb === ERROR_ARGB || argb === CONFLICT_ARGB) setFill(cell, null);
      }
    }
    if (ours) row.getCell(cols.resultCol).value = null;
  };
  const note = (cell: ExcelJS.Cell, text: string): void => {
    const existing = noteText(cell.note);
    if (existing !== null && !existing.startsWith(MARK_PREFIX)) return; // the chair's own note stays
    if (existing !== null) removeNote(cell);
    cell.note = `${MARK_PREFIX}${text}`;
    stats.notes++;
  };

  for (const r of blankRows) clearRow(r);
  for (const res of results) {
    clearRow(res.row);
    const row = ws.getRow(res.row);
    const resultCell = row.getCell(cols.resultCol);
    resultCell.value = resultText(res, dryRun);
    if (res.outcome === 'error') {
      setFill(resultCell, ERROR_ARGB);
      const byCell = new Map<number, string[]>();
      for (const e of res.errors ?? []) {
        const col = columnOfError(cols, e);
        const list = byCell.get(col) ?? [];
        list.push(withoutRowPrefix(e.message));
        byCell.set(col, list);
      }
      for (const [col, messages] of byCell) {
        if (col === cols.resultCol) continue;
        const cell = row.getCell(col);
        setFill(cell, ERROR_ARGB);
        note(cell, messages.join('\n'));
        stats.errorCells++;
      }
    } else if (res.outcome === 'conflict') {
      stats.conflictRows++;
      for (const c of markCols) setFill(row.getCell(c), CONFLICT_ARGB);
      const anchor = cols.columns.surname ?? cols.resultCol;
      if (res.conflict && anchor !== cols.resultCol) note(row.getCell(anchor), withoutRowPrefix(res.conflict.message));
    }
    // A dry run saves nothing: ids and versions are written only by a real upload.
    if (!dryRun && (res.outcome === 'created' || res.outcome === 'updated' || res.outcome === 'unchanged') && res.id) {
      row.getCell(cols.columns.id!).value = res.id;
      if (res.version !== undefined) row.getCell(cols.columns.version!).value = res.version;
    }
  }
  return stats;
}

/** The cell an error belongs to; a column the file does not have → the full-name column for name parts, else «Результат». */
function columnOfError(cols: SheetColumns, e: FieldError): number {
  const direct = cols.columns[e.field];
  if (direct !== undefined) return direct;
  if ((e.field === 'name' || e.field === 'patronymic') && cols.columns.surname !== undefined) return cols.columns.surname;
  return cols.resultCol;
}

export interface SummaryInput {
  dryRun: boolean;
  orgName: string;
  date: string;
  source: string;
  sheetName: string;
  counts: Record<SyncOutcome, number>;
  rows: number;
  blankRows: readonly number[];
  /** «Итого» / «Всего» lines and group headings inside the list: not members, not loaded. */
  totalsRows?: readonly number[];
  unknownColumns: readonly string[];
  absentColumns: readonly string[];
  addedColumns: readonly string[];
}

/** «строка 6» / «строки 3, 5, 9 и ещё 12». */
function rowList(rows: readonly number[], max = 30): string {
  const shown = rows.slice(0, max).join(', ');
  return `${rows.length === 1 ? 'строка' : 'строки'} ${shown}${rows.length > max ? ` и ещё ${rows.length - max}` : ''}`;
}

const listOf = (items: readonly string[], max = 20) => {
  const shown = items.slice(0, max).map((s) => `«${s}»`).join(', ');
  return items.length > max ? `${shown} и ещё ${items.length - max}` : shown;
};

/** The sheet «Итог загрузки» (replaced when the workbook already has one from an earlier answer). */
export function addSummarySheet(wb: ExcelJS.Workbook, s: SummaryInput): ExcelJS.Worksheet {
  const old = wb.getWorksheet(SUMMARY_SHEET_NAME);
  if (old) wb.removeWorksheet(old.id);
  const ws = wb.addWorksheet(SUMMARY_SHEET_NAME);
  ws.getColumn(1).width = 44;
  ws.getColumn(2).width = 90;
  const lines: [string, string | number][] = [];
  const add = (a: string, b: string | number = '') => lines.push([a, b]);
  add(s.dryRun ? 'Итог проверки списка' : 'Итог загрузки списка');
  add('Организация', s.orgName);
  add('Дата', s.date);
  add('Что сделано', s.dryRun ? 'Только проверка: в реестр ничего не записано' : 'Загрузка в реестр');
  add('Файл', s.source);
  add('');
  add('Строк с данными', s.rows);
  add(s.dryRun ? 'Будут добавлены' : 'Добавлены', s.counts.created);
  add(s.dryRun ? 'Будут обновлены' : 'Обновлены', s.counts.updated);
  add('Без изменений', s.counts.unchanged);
  add('С ошибками (не записаны)', s.counts.error);
  add('Конфликты (не записаны)', s.counts.conflict);
  add('Пустые строки (пропущены)', s.blankRows.length ? `${s.blankRows.length} — ${rowList(s.blankRows)}` : 0);
  if (s.totalsRows?.length) add('Строки итогов и заголовки групп (не загружались)', `${s.totalsRows.length} — ${rowList(s.totalsRows)}`);
  add('');
  if (s.unknownColumns.length) add('Столбцы, которые не загружались', `${listOf(s.unknownColumns)} — таких столбцов нет в шаблоне реестра, их содержимое не читалось.`);
  if (s.absentColumns.length) add('Столбцы шаблона, которых нет в файле', `${listOf(s.absentColumns)} — эти сведения в реестре не изменялись.`);
  if (s.addedColumns.length) {
    const hidden = s.addedColumns.filter((c) => c !== RESULT_HEADER);
    add('Добавленные столбцы', `${listOf(s.addedColumns)}.${hidden.length ? ` Столбцы ${listOf(hidden)} скрыты: это служебные столбцы реестра — не изменяйте и не удаляйте их.` : ''}`);
  }
  add('');
  add('Что дальше', nextSteps(s));
  lines.forEach(([a, b], i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = a;
    if (b !== '') row.getCell(2).value = b;
    row.getCell(2).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
    row.getCell(1).alignment = { vertical: 'top' };
  });
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell(`A${lines.length}`).font = { bold: true };
  return ws;
}

function nextSteps(s: SummaryInput): string {
  const sheet = `на листе «${s.sheetName}»`;
  const parts: string[] = [];
  if (s.counts.error) {
    parts.push(`Исправьте ячейки, закрашенные красным ${sheet}: что не так — в примечании к ячейке и в столбце «${RESULT_HEADER}».`);
  }
  if (s.counts.conflict) {
    parts.push(`Строки, закрашенные жёлтым, — конфликты: что делать, написано в столбце «${RESULT_HEADER}».`);
  }
  if (s.dryRun) {
    parts.push('Если всё верно, нажмите «Загрузить»: строки с ошибками и конфликтами записаны не будут, остальные — будут.');
  } else if (s.counts.error || s.counts.conflict) {
    parts.push('Затем загрузите этот же файл снова: уже записанные строки не задвоятся — их ID записаны в скрытый столбец «ID в реестре».');
  } else {
    parts.push('Все строки с данными в реестре. Сохраните этот файл: в нём записаны ID, и при следующей загрузке строки обновят записи, а не добавят людей второй раз.');
  }
  return parts.join(' ');
}
