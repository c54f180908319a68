/**
 * Uploading a member list without the add-in: a .xlsx (from Excel 2013+, LibreOffice, МойОфис, Р7)
 * or a .csv goes through the SAME pipeline as the add-in's push (syncMembers, batch kind 'upload'),
 * and the chair gets the same workbook back with the answer written into it (see annotate.ts).
 *
 *  bytes → format (by content, not by name) → guarded .xlsx or decoded CSV → one exceljs workbook
 *  → the sheet with a header row → one SyncRowIn per non-blank row (row = the sheet row) → chunks
 *  with idempotency keys from the sha256 of the file and the mapping step's choices (the same file
 *  uploaded again with the same choices replays the same answer and writes nothing twice) → syncMembers → «Результат», marks, ids → .xlsx.
 *
 * A cell that cannot be read (a formula without a cached result, an Excel error, a text over 2,000
 * characters, a damaged id/version) makes its row an error here, with the row's other problems found
 * by the same domain check; such a row is not sent. Every non-blank row gets exactly one result.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { isBlankCell } from '../../../domain/cell';
import { formatDateRu } from '../../../domain/dates';
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, RESULT_HEADER, ROW_KEY_HEADER, columnByKey, type ColumnKey, type FieldError, type MemberFieldKey, type RawMemberRow } from '../../../domain/members/columns';
import { duplicateKeys } from '../../../domain/members/duplicates';
import { normalizeMemberRow } from '../../../domain/members/normalize-row';
import { SYNC_CHUNK_MAX_ROWS, type SyncOutcome, type SyncRowIn, type SyncRowResult } from '../../../domain/members/sync-contract';
import { AppError, badRequest } from '../../errors';
import type { FileResult } from '../../http/route';
import type { ScopedOrg } from '../access';
import { latestTodayIso, type Actor, type Ctx } from '../context';
import { requirePrimary, syncMembers } from '../members/sync.service';
import { addSummarySheet, annotateSheet, ensureAnswerColumns } from './annotate';
import { CSV_SEPARATOR_LABELS, CsvError, readCsv, type CsvEncoding, type CsvSeparator, type CsvTable } from './csv';
import { addListsSheet, colLetter, INSTRUCTION_SHEET_NAME, LISTS_SHEET_NAME, layoutMemberColumn, SPARE_ROWS, styleHeaderRow, SUMMARY_SHEET_NAME, XLSX_CONTENT_TYPE } from './member-layout';
import { CELL_MAX_CHARS, cellText, findRow, readCell, type CellRead, type HeaderMap } from './sheet-read';
import {
  detectLayout,
  duplicateTargets,
  headerKey,
  IMPORT_TARGETS,
  valueGroups,
  importRows,
  missingTargets,
  SKIP_LABEL,
  targetLabel,
  targetsOf,
  type ImportGrid,
  type ImportLayout,
  type ImportTarget,
  type ValueChoices,
} from '../../../domain/members/list-import';
import { CATEGORIES, labelForCode, type CategoryCode } from '../../../domain/members/codes';
import { choiceLabel, MEMBER_VOCABULARIES } from '../../../domain/members/vocabulary';
import { CSV_TABLE_LIMITS, prepareXlsx, xlsxBroken } from './xlsx-package';

/** The largest list one upload takes (the largest primary organisation the register is designed for). */
export const UPLOAD_MAX_ROWS = 30_000;

export type UploadFormat = 'xlsx' | 'csv';

export interface UploadOptions {
  /** «Проверить»: the full answer, nothing written (no member, no batch, no ids in the file). */
  dryRun: boolean;
  /** The chair's column and value choices (the upload page's mapping step). */
  mapping?: UploadMapping;
}

export interface UploadSummary {
  dryRun: boolean;
  format: UploadFormat;
  /** Non-blank rows (each got one result). */
  rows: number;
  blank: number;
  created: number;
  updated: number;
  unchanged: number;
  error: number;
  conflict: number;
}

export interface UploadResult {
  file: FileResult;
  summary: UploadSummary;
}

// ------------------------------------------------------------------------------------ the format

const notSpreadsheet = () =>
  new AppError(
    415,
    'upload_not_spreadsheet',
    'Файл не похож на таблицу: это не книга Excel (.xlsx) и не текстовый файл CSV. В Excel, LibreOffice или МойОфис сохраните список как «Книга Excel (*.xlsx)» или «CSV (разделители — точка с запятой)» и загрузите его.',
  );

const startsWith = (buf: Buffer, bytes: readonly number[]) => buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);

/** The format by the first bytes; refuses old .xls / password-protected workbooks and other binaries. */
export function detectFormat(buf: Buffer): UploadFormat {
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) return 'xlsx';
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    throw new AppError(
      415,
      'upload_old_excel',
      'Это книга в старом формате Excel 97–2003 (.xls) или книга, защищённая паролем. Откройте её и сохраните как «Книга Excel (*.xlsx)» без пароля (или как CSV), затем загрузите новый файл.',
    );
  }
  const binary = [
    [0x25, 0x50, 0x44, 0x46], // %PDF
    [0x89, 0x50, 0x4e, 0x47], // PNG
    [0xff, 0xd8, 0xff], // JPEG
    [0x47, 0x49, 0x46, 0x38], // GIF
    [0x1f, 0x8b], // gzip
    [0x52, 0x61, 0x72, 0x21], // RAR
    [0x37, 0x7a, 0xbc, 0xaf], // 7z
  ];
  if (binary.some((b) => startsWith(buf, b))) throw notSpreadsheet();
  return 'csv';
}

// ------------------------------------------------------------------------------------ opening

interface OpenedBook {
  wb: ExcelJS.Workbook;
  format: UploadFormat;
  /** For the summary: how the file was read. */
  csv?: { encoding: CsvEncoding; separator: CsvSeparator };
}

async function openXlsx(buf: Buffer): Promise<OpenedBook> {
  const prepared = await prepareXlsx(buf);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(prepared as unknown as ArrayBuffer);
  } catch {
    throw xlsxBroken();
  }
  return { wb, format: 'xlsx' };
}

function openCsv(buf: Buffer): OpenedBook {
  let table: CsvTable;
  try {
    table = readCsv(buf, CSV_TABLE_LIMITS, {
      inspectHead: (head) => {
        if (/^\s*</.test(head)) {
          throw new AppError(
            415,
            'upload_not_spreadsheet',
            'Файл — веб-страница или XML (так сохраняют «таблицы Excel» некоторые кадровые программы), а не CSV. Откройте его в Excel, LibreOffice или МойОфис и сохраните как «Книга Excel (*.xlsx)», затем загрузите новый файл.',
          );
        }
      },
    });
  } catch (err) {
    if (err instanceof CsvError) throw csvProblem(err);
    throw err;
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(MEMBER_SHEET_NAME);
  for (const { row: r, cells } of table.rows) {
    const row = ws.getRow(r);
    cells.forEach((v, j) => {
      if (v !== '') row.getCell(j + 1).value = v;
    });
  }
  return { wb, format: 'csv', csv: { encoding: table.encoding, separator: table.separator } };
}

/** What the chair is told when a CSV cannot be read: broken quotes, not text, or a cap exceeded while reading. */
function csvProblem(err: CsvError): AppError {
  switch (err.code) {
    case 'csv_not_text':
      return notSpreadsheet();
    case 'csv_quote':
      return new AppError(422, 'upload_csv_quote', `${err.message}: из-за этого все следующие строки попали бы в одну ячейку. Найдите в этой строке лишнюю или непарную кавычку ("), исправьте её и загрузите файл снова.`);
    case 'csv_too_many_rows':
    case 'csv_too_many_cells':
      return new AppError(413, 'upload_too_many_rows', `${err.message}, а за один раз можно загрузить не больше ${UPLOAD_MAX_ROWS.toLocaleString('ru-RU')} строк. Удалите лишние (в том числе пустые) строки или разделите список на несколько файлов.`);
    case 'csv_too_many_columns':
      return new AppError(422, 'upload_too_many_columns', `${err.message}. Проверьте, что файл — список членов Профсоюза и разделитель в нём один.`);
    case 'csv_cell_too_long':
      return new AppError(422, 'upload_cell_too_long', `${err.message}. Проверьте кавычки в этой строке (непарная кавычка склеивает строки в одно поле) и что файл — список членов Профсоюза.`);
  }
}

const tooManyRows = (what: string) =>
  new AppError(413, 'upload_too_many_rows', `В файле ${what}, а за один раз можно загрузить не больше ${UPLOAD_MAX_ROWS.toLocaleString('ru-RU')} строк. Разделите список на несколько файлов.`);

// ------------------------------------------------------------------------------------ the table

/**
 * The chair's choices from the upload page's mapping step (or none: the engine's guesses stand).
 * No personal data: header texts, targets, and the words of coded columns.
 */
export interface UploadMapping {
  /** Header key (headerKey) → target; overrides the guess for that column. */
  targets?: Record<string, ImportTarget>;
  values?: ValueChoices;
  /** A category for every row when the list has no «Категория» column. */
  category?: string;
}

interface Located {
  ws: ExcelJS.Worksheet;
  map: HeaderMap;
  layout: ImportLayout;
  grid: ImportGrid;
  targets: ImportTarget[];
  /** Cells that could not be read, by `row:col` (0-based grid coordinates). */
  problems: Map<string, CellRead & { ok: false }>;
  /** Columns of the register's own service columns (1-based). */
  idCol?: number;
  versionCol?: number;
}

const SKIPPED_SHEETS = new Set([SUMMARY_SHEET_NAME, INSTRUCTION_SHEET_NAME, LISTS_SHEET_NAME]);

function rowTexts(ws: ExcelJS.Worksheet, r: number): string[] {
  const row = findRow(ws, r);
  if (!row) return [];
  const out: string[] = [];
  row.eachCell({ includeEmpty: false }, (cell, col) => {
    out[col - 1] = cellText(cell.value).replace(/\s+/g, ' ').trim();
  });
  for (let i = 0; i < out.length; i++) out[i] ??= '';
  return out;
}

/** A cell that could not be read stands in the grid as this object (not blank, no text). */
const UNREADABLE = Object.freeze({ unreadable: true });

/** The sheet as the engine's grid: values (readCell), hidden columns, merged areas. */
function gridOf(ws: ExcelJS.Worksheet): { grid: ImportGrid; problems: Map<string, CellRead & { ok: false }> } {
  const rows: unknown[][] = [];
  const problems = new Map<string, CellRead & { ok: false }>();
  const last = ws.rowCount;
  let width = 0;
  for (let r = 1; r <= last; r++) {
    const out: unknown[] = [];
    const row = findRow(ws, r);
    row?.eachCell({ includeEmpty: false }, (cell, c) => {
      const got = readCell(cell.value);
      if (got.ok) out[c - 1] = got.value;
      else {
        out[c - 1] = UNREADABLE;
        problems.set(`${r - 1}:${c - 1}`, got);
      }
    });
    for (let i = 0; i < out.length; i++) if (!(i in out)) out[i] = null;
    width = Math.max(width, out.length);
    rows.push(out);
  }
  const hidden: boolean[] = [];
  for (let c = 1; c <= width; c++) hidden.push(ws.getColumn(c).hidden === true);
  const merges: { top: number; left: number; bottom: number; right: number }[] = [];
  const model = (ws as unknown as { model?: { merges?: string[] } }).model;
  for (const m of model?.merges ?? []) {
    const x = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(m);
    if (!x) continue;
    merges.push({ top: Number(x[2]) - 1, left: colNumber(x[1]) - 1, bottom: Number(x[4]) - 1, right: colNumber(x[3]) - 1 });
  }
  return { grid: { rows, hidden, merges, firstRowNumber: 1 }, problems };
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

const headerList = (keys: readonly string[]) => keys.map((k) => `«${columnByKey(k as ColumnKey).header}»`).join(', ');
const SERVICE = { id: headerKey(columnByKey('id').header), version: headerKey(columnByKey('version').header), result: headerKey(RESULT_HEADER), rowKey: headerKey(ROW_KEY_HEADER) };

/** The first visible sheet with a recognisable header row among its first 20 rows, mapped by the domain engine. */
const noHeader = () =>
  new AppError(
    422,
    'upload_no_header',
    'Не найдена строка с названиями столбцов. В одной из первых 20 строк листа со списком должны стоять заголовки — например «ФИО» (или «Фамилия» и «Имя»), «Дата рождения», «Категория». Скачайте шаблон и перенесите список в него.',
  );

interface Found {
  ws: ExcelJS.Worksheet;
  grid: ImportGrid;
  problems: Map<string, CellRead & { ok: false }>;
  layout: ImportLayout;
  targets: ImportTarget[];
}

/** The first visible sheet whose header row the engine finds, with the chair's column choices applied. */
function findList(wb: ExcelJS.Workbook, mapping: UploadMapping): Found {
  for (const ws of wb.worksheets) {
    if (ws.state !== 'visible' && ws.state !== undefined) continue;
    if (SKIPPED_SHEETS.has(ws.name)) continue;
    const { grid, problems } = gridOf(ws);
    const layout = detectLayout(grid);
    if (!layout) continue;
    const targets = targetsOf(layout);
    layout.columns.forEach((c, i) => {
      const t = mapping.targets?.[headerKey(c.header)];
      if (t !== undefined) targets[i] = t;
    });
    return { ws, grid, problems, layout, targets };
  }
  throw noHeader();
}

function locateTable(wb: ExcelJS.Workbook, mapping: UploadMapping): Located {
  {
    const { ws, grid, problems, layout, targets } = findList(wb, mapping);
    const headerRow = layout.headerRow + 1;
    const keyAt = (k: string) => layout.columns.findIndex((c) => headerKey(c.header) === k);
    const idIdx = keyAt(SERVICE.id);
    const versionIdx = keyAt(SERVICE.version);
    const resultIdx = keyAt(SERVICE.result);
    // The add-in's hidden «Ключ строки» (a workbook saved from Excel and uploaded): neither data nor worth a word.
    const rowKeyIdx = keyAt(SERVICE.rowKey);
    const missing = missingTargets(targets).filter((k) => !(k === 'category' && mapping.category));
    if (missing.length) {
      throw new AppError(
        422,
        'upload_columns_missing',
        `На листе «${ws.name}» (названия столбцов — в строке ${headerRow}) не найдены столбцы: ${headerList(missing)}. Назовите столбцы так, как в шаблоне (или «ФИО» для фамилии, имени и отчества в одной ячейке), выберите их на шаге «Столбцы» или скачайте шаблон и перенесите список в него.`,
        missing.map((k) => ({ field: k, message: `Нет столбца «${columnByKey(k).header}»` })),
      );
    }
    const dup = duplicateTargets(targets);
    if (dup.length) {
      throw new AppError(422, 'upload_columns_twice', `На листе «${ws.name}» в один столбец реестра попадают два столбца файла: ${dup.map((t) => `«${targetLabel(t)}»`).join(', ')}. Для лишнего выберите «${SKIP_LABEL}».`);
    }
    const columns: Partial<Record<ColumnKey, number>> = {};
    let fullNameColumn = false;
    targets.forEach((t, i) => {
      if (t === 'skip') return;
      if (t === 'fullName') {
        columns.surname = i + 1;
        fullNameColumn = true;
      } else columns[t] = i + 1;
    });
    if (idIdx >= 0) columns.id = idIdx + 1;
    if (versionIdx >= 0) columns.version = versionIdx + 1;
    const map: HeaderMap = {
      row: headerRow,
      columns,
      resultCol: resultIdx >= 0 ? resultIdx + 1 : null,
      unknown: layout.columns.filter((c, i) => targets[i] === 'skip' && c.header && ![idIdx, versionIdx, resultIdx, rowKeyIdx].includes(i)).map((c) => c.header),
      fullNameColumn,
      matched: Object.keys(columns).length,
    };
    return { ws, map, layout, grid, targets, problems, ...(idIdx >= 0 ? { idCol: idIdx + 1 } : {}), ...(versionIdx >= 0 ? { versionCol: versionIdx + 1 } : {}) };
  }
}

// ------------------------------------------------------------------------------------ the mapping step

/** What the upload page shows in its mapping step: no cell of a person, only headers and the words of coded columns. */
export interface UploadPreview {
  format: UploadFormat;
  sheet: string;
  headerRow: number;
  dataRows: number;
  totalsRows: number;
  columns: { index: number; letter: string; header: string; key: string; target: ImportTarget; source: string; hidden: boolean }[];
  values: { column: string; header: string; value: string; key: string; rows: number; kind: 'value' | 'ambiguous' | 'unknown'; code: string | null; choices: (string | null)[]; hint: string }[];
  missing: string[];
  targets: { target: ImportTarget; label: string }[];
  categories: { code: string; label: string }[];
}

/** The engine's reading of a file for the upload page's mapping step; nothing is written. */
export async function previewUpload(scoped: ScopedOrg, body: Buffer, mapping: UploadMapping = {}): Promise<UploadPreview> {
  requirePrimary(scoped);
  if (body.length === 0) throw badRequest('Файл пустой. Выберите файл со списком членов Профсоюза (.xlsx или .csv).');
  const format = detectFormat(body);
  const book = format === 'xlsx' ? await openXlsx(body) : openCsv(body);
  const { ws, grid, layout, targets } = findList(book.wb, mapping);
  const groups = valueGroups(grid, layout, targets, mapping.values ?? {});
  return {
    format,
    sheet: ws.name,
    headerRow: layout.headerRow + 1,
    dataRows: layout.dataRows.length,
    totalsRows: layout.skipped.filter((x) => x.why !== 'blank').length,
    columns: layout.columns.map((c, i) => ({ index: c.index, letter: colLetter(c.index + 1), header: c.header, key: headerKey(c.header), target: targets[i], source: targets[i] !== c.target ? 'chosen' : c.source, hidden: c.hidden })),
    values: groups.map((g) => {
      const vocab = MEMBER_VOCABULARIES[g.column];
      const m = g.match;
      return {
        column: g.column,
        header: columnByKey(g.column).header,
        value: g.value,
        key: g.key,
        rows: g.rows,
        kind: m.kind,
        code: g.chosen !== undefined ? g.chosen : m.kind === 'value' ? m.code : null,
        choices: m.kind === 'ambiguous' && m.codes.includes(null) ? [null, ...vocab.options.map((o) => o.code)] : vocab.options.map((o) => o.code),
        hint: m.kind === 'ambiguous' ? `Можно понять двояко: ${m.why}.` : m.kind === 'unknown' ? (m.nearest ? `Такого значения нет. Возможно, «${choiceLabel(vocab, m.nearest)}»?` : 'Такого значения нет в списке.') : 'Понято само.',
      };
    }),
    missing: missingTargets(targets),
    targets: [...IMPORT_TARGETS],
    categories: CATEGORIES.map((c) => ({ code: c.code, label: c.label })),
  };
}

interface SourceRow {
  row: number;
  id: string | null;
  version: number | null;
  values: RawMemberRow;
  /** Cells that could not be read: the row is an error without being sent. */
  problems: FieldError[];
}

const prefix = (row: number, message: string) => `Строка ${row}. ${message}`;

function readRows(t: Located, today: string, mapping: UploadMapping): { rows: SourceRow[]; blankRows: number[]; totalsRows: number[]; lastRow: number } {
  const rows: SourceRow[] = [];
  const imported = importRows(t.grid, t.layout, t.targets, { today, choices: mapping.values ?? {} });
  const category = mapping.category && !t.targets.includes('category') ? labelForCode(CATEGORIES, mapping.category as CategoryCode) || mapping.category : null;
  const keyOfCol = new Map<number, MemberFieldKey>();
  t.targets.forEach((x, i) => {
    if (x !== 'skip' && x !== 'fullName') keyOfCol.set(i, x);
    if (x === 'fullName') keyOfCol.set(i, 'surname');
  });
  let lastRow = t.map.row;
  for (const imp of imported) {
    const r = imp.row;
    const g = r - 1;
    const src: SourceRow = { row: r, id: null, version: null, values: {}, problems: [] };
    const cells = t.grid.rows[g];
    // Unreadable cells of loaded columns (formulas without a result, Excel errors).
    for (const [i, key] of keyOfCol) {
      const p = t.problems.get(`${g}:${i}`);
      if (!p) continue;
      const header = columnByKey(key).header;
      src.problems.push({
        field: key,
        message: prefix(
          r,
          p.problem === 'formula'
            ? `${header}: ячейка содержит формулу, а её результат в файле не сохранён. Замените формулу значением (Копировать → Специальная вставка → Значения) и загрузите файл снова`
            : `${header}: в ячейке ошибка Excel${p.code ? ` ${p.code}` : ''} — исправьте формулу или впишите значение вручную`,
        ),
      });
    }
    for (const [k, v] of Object.entries(imp.values) as [MemberFieldKey, unknown][]) {
      if (v === UNREADABLE || src.problems.some((p) => p.field === k)) continue;
      if (typeof v === 'string' && v.length > CELL_MAX_CHARS) {
        src.problems.push({ field: k, message: prefix(r, `${columnByKey(k).header}: в ячейке слишком длинный текст (${v.length} знаков, можно не больше ${CELL_MAX_CHARS}) — сократите его`) });
      } else {
        // Columns present in the file travel even when empty: an empty cell clears the stored value.
        src.values[k] = isBlankCell(v) ? null : v;
      }
    }
    if (category !== null && isBlankCell(src.values.category)) src.values.category = category;
    if (t.idCol !== undefined) {
      const v = cells[t.idCol - 1];
      if (!isBlankCell(v)) {
        const s = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
        if (!s || s.length > 64) src.problems.push({ field: 'id', message: prefix(r, `${columnByKey('id').header}: служебный столбец испорчен — не изменяйте его; если в строке новый человек, очистите эту ячейку`) });
        else src.id = s;
      }
    }
    if (t.versionCol !== undefined) {
      const v = cells[t.versionCol - 1];
      if (!isBlankCell(v)) {
        const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
        if (!Number.isSafeInteger(n) || n < 0) src.problems.push({ field: 'version', message: prefix(r, `${columnByKey('version').header}: служебный столбец испорчен (должно быть целое число) — не изменяйте его; загрузите список из реестра заново`) });
        else src.version = n;
      }
    }
    // A row with data only in columns that are not loaded (a note, a number) is not a member row.
    const loaded = Object.values(src.values).some((v) => !isBlankCell(v)) || src.problems.length > 0 || src.id !== null;
    if (!loaded) continue;
    rows.push(src);
    lastRow = r;
    if (rows.length > UPLOAD_MAX_ROWS) throw tooManyRows(`больше ${UPLOAD_MAX_ROWS.toLocaleString('ru-RU')} строк с данными`);
  }
  const blankRows = t.layout.skipped.filter((x) => x.why === 'blank').map((x) => x.row);
  // Rows with data only in columns not loaded count as blank for the summary (nothing to load in them).
  const taken = new Set(rows.map((x) => x.row));
  for (const imp of imported) if (!taken.has(imp.row) && imp.row < lastRow) blankRows.push(imp.row);
  blankRows.sort((a, b) => a - b);
  const totalsRows = t.layout.skipped.filter((x) => x.why !== 'blank').map((x) => x.row);
  return { rows, blankRows: blankRows.filter((b) => b < lastRow), totalsRows, lastRow };
}

/** A row that is not sent: its unreadable cells plus every other problem the domain check finds. */
function localError(src: SourceRow, today: string): SyncRowResult {
  const bad = new Set(src.problems.map((p) => p.field));
  const checked = normalizeMemberRow(src.values, { today });
  const others = checked.ok ? [] : checked.errors.filter((e) => !bad.has(e.field)).map((e) => ({ field: e.field, message: prefix(src.row, e.message) }));
  return { row: src.row, outcome: 'error', errors: [...src.problems, ...others] };
}

/**
 * Repeats across the whole file, for lists longer than one chunk (inside a chunk the sync finds them
 * itself, with the same words): the later row is an error naming the earlier one.
 */
function fileRepeats(rows: readonly SourceRow[], today: string): Map<number, SyncRowResult> {
  const out = new Map<number, SyncRowResult>();
  const first = new Map<string, number>();
  for (const src of rows) {
    if (src.problems.length) continue;
    const checked = normalizeMemberRow(src.values, { today });
    if (!checked.ok) continue;
    const keys = [...(src.id ? [`id:${src.id}`] : []), ...duplicateKeys(checked.data)];
    let earlier: number | undefined;
    let byKey = '';
    for (const k of keys) {
      const seen = first.get(k);
      if (seen !== undefined && (earlier === undefined || seen < earlier)) {
        earlier = seen;
        byKey = k;
      }
    }
    for (const k of keys) if (!first.has(k)) first.set(k, src.row);
    if (earlier === undefined) continue;
    const field: ColumnKey = byKey.startsWith('snils:') ? 'snils' : byKey.startsWith('id:') ? 'id' : 'surname';
    const what = field === 'snils' ? 'тот же СНИЛС' : field === 'id' ? 'тот же ID в реестре' : 'те же ФИО и дата рождения';
    out.set(src.row, {
      row: src.row,
      outcome: 'error',
      errors: [{ field, message: prefix(src.row, `Повторяет строку ${earlier}: ${what}. Один человек вносится в список один раз — удалите лишнюю строку или исправьте данные`) }],
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------ the upload

function sourceText(book: OpenedBook, sheetName: string, headerRow: number): string {
  if (book.format === 'csv' && book.csv) {
    return `Файл CSV (кодировка ${book.csv.encoding}, разделитель — ${CSV_SEPARATOR_LABELS[book.csv.separator]}, названия столбцов — в строке ${headerRow}). Ответ — книга Excel, собранная из этого CSV; сам CSV-файл не изменён. Загружать снова можно и эту книгу.`;
  }
  return `Книга Excel (.xlsx), лист «${sheetName}», названия столбцов — в строке ${headerRow}.`;
}

/** JSON with object keys sorted at every level: the same choices give the same text. */
function sortedJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Reads the file, sends its rows through syncMembers (batch kind 'upload'), answers with the annotated
 * workbook. Throws AppError 4xx for a file that cannot be taken as a list (nothing is written then).
 */
export async function uploadMembers(ctx: Ctx, actor: Actor, scoped: ScopedOrg, body: Buffer, opts: UploadOptions): Promise<UploadResult> {
  const org = requirePrimary(scoped);
  if (body.length === 0) throw badRequest('Файл пустой. Выберите файл со списком членов Профсоюза (.xlsx или .csv).');
  // The content decides, not the name or the Content-Type: a workbook renamed to .csv is still a workbook.
  const format = detectFormat(body);
  const book = format === 'xlsx' ? await openXlsx(body) : openCsv(body);
  const located = locateTable(book.wb, opts.mapping ?? {});
  const { ws, map } = located;
  const today = latestTodayIso(ctx);
  const { rows, blankRows, totalsRows, lastRow } = readRows(located, today, opts.mapping ?? {});
  if (rows.length === 0) {
    throw new AppError(422, 'upload_no_rows', `На листе «${ws.name}» под названиями столбцов (строка ${map.row}) нет ни одной заполненной строки. Впишите членов Профсоюза — по одному в строке — и загрузите файл снова.`);
  }

  const results = new Map<number, SyncRowResult>();
  for (const src of rows) if (src.problems.length) results.set(src.row, localError(src, today));
  const toSend = rows.filter((r) => !results.has(r.row));
  if (toSend.length > SYNC_CHUNK_MAX_ROWS) {
    for (const [row, res] of fileRepeats(toSend, today)) results.set(row, res);
  }
  const syncRows: SyncRowIn[] = rows
    .filter((r) => !results.has(r.row))
    .map((r) => ({ row: r.row, ...(r.id ? { id: r.id } : {}), ...(r.version !== null ? { version: r.version } : {}), values: r.values }));

  // The same file with other choices of the mapping step sends other rows: another key, not a replay.
  const hash = createHash('sha256').update(body).update('\u0000').update(sortedJson(opts.mapping ?? {})).digest('hex');
  for (let start = 0, chunk = 0; start < syncRows.length; start += SYNC_CHUNK_MAX_ROWS, chunk++) {
    const part = syncRows.slice(start, start + SYNC_CHUNK_MAX_ROWS);
    try {
      const answer = await syncMembers(ctx, actor, org, { idempotencyKey: `upload:${org.id}:${hash}:${chunk}`, dryRun: opts.dryRun, rows: part }, { batchKind: 'upload' });
      for (const r of answer.rows) results.set(r.row, r);
    } catch (err) {
      if (err instanceof AppError && chunk > 0 && !opts.dryRun) {
        throw new AppError(
          err.status,
          err.code,
          `${err.detail} Строки файла до ${part[0].row}-й уже записаны в реестр: загрузите этот же файл ещё раз — записанные строки не задвоятся.`,
          err.fields,
          err.extra,
        );
      }
      throw err;
    }
  }

  const ordered = rows.map((r) => results.get(r.row)!);
  const counts: Record<SyncOutcome, number> = { created: 0, updated: 0, unchanged: 0, error: 0, conflict: 0 };
  for (const r of ordered) counts[r.outcome]++;

  if (book.format === 'csv') layoutCsvSheet(book.wb, ws, map, lastRow);
  const cols = ensureAnswerColumns(ws, map, lastRow);
  annotateSheet({ ws, cols, results: ordered, blankRows, dryRun: opts.dryRun });
  addSummarySheet(book.wb, {
    dryRun: opts.dryRun,
    orgName: org.name,
    date: formatDateRu(today),
    source: sourceText(book, ws.name, map.row),
    sheetName: ws.name,
    counts,
    rows: rows.length,
    blankRows,
    totalsRows,
    unknownColumns: map.unknown,
    absentColumns: MEMBER_COLUMNS.filter((c) => !c.hidden && map.columns[c.key] === undefined && !(c.key === 'name' && map.fullNameColumn) && !(c.key === 'patronymic' && map.fullNameColumn)).map((c) => c.header),
    addedColumns: cols.added,
  });
  const file = Buffer.from(await book.wb.xlsx.writeBuffer());
  return {
    file: { file, contentType: XLSX_CONTENT_TYPE, fileName: opts.dryRun ? 'Проверка списка — результат.xlsx' : 'Загрузка списка — результат.xlsx' },
    summary: { dryRun: opts.dryRun, format: book.format, rows: rows.length, blank: blankRows.length, ...counts },
  };
}

/** A workbook built from a CSV gets the template's looks for the columns it has: widths, formats, dropdowns, a frozen header. */
function layoutCsvSheet(wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet, map: HeaderMap, lastRow: number): void {
  const lists = addListsSheet(wb);
  for (const col of MEMBER_COLUMNS) {
    const c = map.columns[col.key];
    if (c !== undefined) layoutMemberColumn(ws, c, col, { first: map.row + 1, last: lastRow + SPARE_ROWS }, lists);
  }
  const width = Math.max(0, ...rowTexts(ws, map.row).map((_t, i) => i + 1));
  styleHeaderRow(ws, map.row, width);
}
