/**
 * «Вставить список из другого файла»: the scratch sheet «Список для загрузки» the chair pastes a list
 * into (with its own headers, in any order), reading it as the domain engine's grid, writing the
 * mapped rows into the member table in the register's order, and the memory of mappings kept in the
 * workbook's document settings (header texts and value words only: no personal data).
 *
 * Every operation takes the request context it is given: one sync to look, one to read, one per
 * chunk of written rows.
 */
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, MEMBER_TABLE_NAME, RESULT_HEADER, ROW_KEY_HEADER, columnByKey, type MemberColumn, type RawMemberRow } from '../../domain/members/columns';
import { detectLayout, type ImportGrid, type SavedMapping, type ValueChoices } from '../../domain/members/list-import';
import { checkSnils, formatSnils } from '../../domain/snils';
import { isCodedColumn, matchVocabulary, MEMBER_VOCABULARIES, choiceLabel } from '../../domain/members/vocabulary';
import { mapMemberHeaders, toSheetCell } from './member-sheet';
import { cellText, chunkLimits, isBlankCell, isoDateFromSerial, jsonBytes, readRowsInChunks, SheetError, type ChunkLimits } from './sheet-utils';
import type { ExcelCapabilities } from './capabilities';

export const IMPORT_SHEET_NAME = 'Список для загрузки';
/** Widest list read (columns); an HR export rarely has more than 40. */
export const IMPORT_MAX_COLUMNS = 200;
const WRITE_CHUNK_ROWS = 1000;

/** Shows the scratch sheet (creating it empty when the book has none). */
export async function showImportSheet(context: Excel.RequestContext): Promise<{ created: boolean }> {
  const existing = context.workbook.worksheets.getItemOrNullObject(IMPORT_SHEET_NAME);
  await context.sync();
  const sheet = existing.isNullObject ? context.workbook.worksheets.add(IMPORT_SHEET_NAME) : existing;
  sheet.activate();
  sheet.getRange('A1').select();
  await context.sync();
  return { created: existing.isNullObject };
}

export interface ImportSheetRead {
  grid: ImportGrid;
  /** 0-based sheet column of grid column 0. */
  colOffset: number;
}

/** A number format that shows a date (d, m, y outside quotes and brackets), not text or a plain number. */
function isDateFormat(nf: unknown): boolean {
  if (typeof nf !== 'string' || nf === '@' || nf === 'General') return false;
  const bare = nf.replace(/"[^"]*"|\[[^\]]*\]/g, '');
  return /[dy]/i.test(bare) || /(^|[^h:])m+([^s:]|$)/i.test(bare);
}

/** Values and number formats of a block, read in chunks sized by the payload (Excel on the web caps a request at about 5 MB). */
async function readBlock(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  at: { rowIndex: number; columnIndex: number; rowCount: number },
  width: number,
  limits?: Partial<ChunkLimits>,
): Promise<{ values: unknown[][]; formats: unknown[][] }> {
  const values: unknown[][] = new Array<unknown[]>(at.rowCount);
  const formats: unknown[][] = new Array<unknown[]>(at.rowCount);
  const ranges = new Map<number, Excel.Range>();
  const base = chunkLimits(limits);
  await readRowsInChunks(
    context,
    at.rowCount,
    width,
    (start, count) => {
      const r = sheet.getRangeByIndexes(at.rowIndex + start, at.columnIndex, count, width);
      r.load('numberFormat');
      ranges.set(start, r);
      return r;
    },
    (start, rows) => {
      const nf = ranges.get(start)?.numberFormat ?? [];
      ranges.delete(start);
      rows.forEach((row, i) => {
        values[start + i] = row;
        formats[start + i] = nf[i] ?? [];
      });
    },
    // Half the planned payload: the number formats come with the values.
    { ...base, maxBytes: Math.floor(base.maxBytes / 2) },
    { guessBytesPerCell: 48 },
  );
  return { values, formats };
}

/** Reads a grid of cells from `sheetName` (the scratch sheet by default): values, dates as dates, hidden columns, merged areas. */
export async function readListSheet(
  context: Excel.RequestContext,
  sheetName = IMPORT_SHEET_NAME,
  limits?: Partial<ChunkLimits>,
  caps: Pick<ExcelCapabilities, 'mergedAreas'> = { mergedAreas: true },
): Promise<ImportSheetRead> {
  const sheet = context.workbook.worksheets.getItemOrNullObject(sheetName);
  await context.sync();
  if (sheet.isNullObject) throw new SheetError('sheet_missing', `Листа «${sheetName}» нет. Нажмите «Вставить список из другого файла» — лист появится, вставьте на него список.`);
  const used = sheet.getUsedRangeOrNullObject(true);
  used.load('rowIndex, columnIndex, rowCount, columnCount');
  await context.sync();
  if (used.isNullObject) return { grid: { rows: [], firstRowNumber: 1 }, colOffset: 0 };
  const width = Math.min(used.columnCount, IMPORT_MAX_COLUMNS);
  const hiddenProbes: Excel.Range[] = [];
  for (let c = 0; c < width; c++) {
    const r = sheet.getRangeByIndexes(used.rowIndex, used.columnIndex + c, 1, 1);
    r.load('columnHidden');
    hiddenProbes.push(r);
  }
  // Merged areas (ExcelApi 1.13): an Excel without them reads none (asked by the requirement set,
  // not by the method's presence: see capabilities.ts).
  type MergeProbe = { isNullObject: boolean; areas: { items: { rowIndex: number; columnIndex: number; rowCount: number; columnCount: number }[] } };
  const withMerges = used as unknown as { getMergedAreasOrNullObject?: () => MergeProbe & { load(p: string): void } };
  let merges: (MergeProbe & { load(p: string): void }) | null = null;
  if (caps.mergedAreas === true && typeof withMerges.getMergedAreasOrNullObject === 'function') {
    try {
      merges = withMerges.getMergedAreasOrNullObject();
      merges.load('areas/items/rowIndex, areas/items/columnIndex, areas/items/rowCount, areas/items/columnCount');
    } catch {
      merges = null;
    }
  }
  await context.sync();
  const block = await readBlock(context, sheet, used, width, limits);
  const rows = block.values.map((row, r) =>
    row.map((v, c) => {
      if (typeof v === 'number' && isDateFormat(block.formats[r]?.[c])) {
        const iso = isoDateFromSerial(v);
        if (iso) return new Date(`${iso}T00:00:00Z`);
      }
      return v === '' ? null : v;
    }),
  );
  const mergeList =
    merges && !merges.isNullObject
      ? merges.areas.items.map((a) => ({ top: a.rowIndex - used.rowIndex, left: a.columnIndex - used.columnIndex, bottom: a.rowIndex - used.rowIndex + a.rowCount - 1, right: a.columnIndex - used.columnIndex + a.columnCount - 1 }))
      : [];
  return {
    grid: { rows, hidden: hiddenProbes.map((p) => p.columnHidden === true), merges: mergeList, firstRowNumber: used.rowIndex + 1 },
    colOffset: used.columnIndex,
  };
}

/** A mapped value as it goes into the member table: the register's label, a formatted СНИЛС, a date serial. */
export function importCell(col: MemberColumn, v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return '';
    return toSheetCell(col, v.toISOString().slice(0, 10));
  }
  if (isCodedColumn(col.key) && (typeof v === 'string' || typeof v === 'number')) {
    const vocab = MEMBER_VOCABULARIES[col.key];
    const m = matchVocabulary(vocab, String(v));
    return m.kind === 'value' ? choiceLabel(vocab, m.code) : String(v);
  }
  if (col.type === 'snils') {
    const r = checkSnils(v);
    return r.ok ? formatSnils(r.value) : cellText(v);
  }
  if (col.type === 'date') return toSheetCell(col, v);
  if (typeof v === 'number') return col.type === 'phone' ? String(v) : String(v);
  return cellText(v);
}

export interface AppendReport {
  rows: number;
  /** Sheet rows (1-based) the list went to: first and last. */
  firstRow: number;
  lastRow: number;
  syncs: number;
}

/**
 * Writes the rows at the end of the member table (into its blank rows first), each value in the
 * column of the same register column whatever the table's order. Syncs: 1 + 1 per chunk.
 */
export async function appendToMemberTable(context: Excel.RequestContext, rows: readonly RawMemberRow[]): Promise<AppendReport> {
  const table = context.workbook.tables.getItemOrNullObject(MEMBER_TABLE_NAME);
  await context.sync();
  if (table.isNullObject) throw new SheetError('table_missing', `Листа «${MEMBER_SHEET_NAME}» в этой книге ещё нет. Нажмите «Создать лист членов», затем перенесите список.`);
  const header = table.getHeaderRowRange();
  header.load('values');
  const body = table.getDataBodyRange();
  body.load('rowIndex, columnIndex, rowCount, columnCount');
  await context.sync();
  // Blank rows at the end of the table (a new table has one) are filled first: only the table's last
  // rows are read to find them (a register of 30,000 rows is not read whole).
  const tailCount = Math.min(body.rowCount, 500);
  const tail = table.worksheet.getRangeByIndexes(body.rowIndex + body.rowCount - tailCount, body.columnIndex, Math.max(1, tailCount), body.columnCount);
  tail.load('values');
  await context.sync();
  let syncs = 3;
  const map = mapMemberHeaders(header.values[0] ?? []);
  const needed = MEMBER_COLUMNS.filter((c) => c.required).map((c) => c.key);
  const missing = needed.filter((k) => map.position[k] === undefined);
  if (missing.length) {
    throw new SheetError(
      'columns_missing',
      `В таблице на листе «${MEMBER_SHEET_NAME}» нет столбцов: ${missing.map((k) => `«${columnByKey(k).header}»`).join(', ')}. Нажмите «Создать лист членов» — недостающие столбцы будут добавлены, затем перенесите список снова.`,
    );
  }
  const width = body.columnCount;
  const values = rows.map((raw) => {
    const out: (string | number)[] = new Array(width).fill('');
    for (const col of MEMBER_COLUMNS) {
      const pos = map.position[col.key];
      if (pos === undefined || col.hidden) continue;
      const v = (raw as Record<string, unknown>)[col.key];
      if (v !== undefined) out[pos] = importCell(col, v);
    }
    return out;
  });
  let firstFree = body.rowCount;
  const tailStart = body.rowCount - tailCount;
  while (firstFree > tailStart && (tail.values[firstFree - 1 - tailStart] ?? []).every((v) => isBlankCell(v))) firstFree--;
  const intoBlank = Math.min(values.length, body.rowCount - firstFree);
  if (intoBlank > 0) {
    table.worksheet.getRangeByIndexes(body.rowIndex + firstFree, body.columnIndex, intoBlank, width).values = values.slice(0, intoBlank);
  }
  for (let i = intoBlank; i < values.length; i += WRITE_CHUNK_ROWS) {
    table.rows.add(undefined, values.slice(i, i + WRITE_CHUNK_ROWS));
    await context.sync();
    syncs++;
  }
  if (intoBlank > 0 && intoBlank === values.length) {
    await context.sync();
    syncs++;
  }
  const firstRow = body.rowIndex + firstFree + 1;
  return { rows: values.length, firstRow, lastRow: firstRow + values.length - 1, syncs };
}

/**
 * Empties the scratch sheet after its rows went into the member table (the list itself stays in its
 * own file), and shows its hidden columns again: the next list pasted there must not inherit them.
 */
export async function clearImportSheet(context: Excel.RequestContext): Promise<void> {
  const sheet = context.workbook.worksheets.getItemOrNullObject(IMPORT_SHEET_NAME);
  await context.sync();
  if (sheet.isNullObject) return;
  const used = sheet.getUsedRangeOrNullObject();
  used.load('columnIndex, columnCount');
  await context.sync();
  if (used.isNullObject) return;
  used.clear('Contents');
  // Merged cells of the last list would merge the next one's cells (Range.unmerge, ExcelApi 1.2).
  const unmergeable = used as unknown as { unmerge?: () => void };
  if (typeof unmergeable.unmerge === 'function') unmergeable.unmerge();
  for (let c = 0; c < Math.min(used.columnCount, IMPORT_MAX_COLUMNS); c++) sheet.getRangeByIndexes(0, used.columnIndex + c, 1, 1).columnHidden = false;
  await context.sync();
}

// ============================================================ a list pasted over the member table's header

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RescueResult = { moved: true; rows: number } | { moved: false; reason: 'not_a_list' | 'has_registry_rows' | 'table_ok' };

/**
 * A list pasted with its own header row over the member table's header: the table's header no longer
 * names the register's columns. When the sheet holds a list the engine recognises and no row of the
 * register (no registry id anywhere), the list moves to «Список для загрузки» (to be mapped there)
 * and the member table gets its own header back, empty. Otherwise nothing changes.
 */
export async function rescuePastedList(context: Excel.RequestContext, limits?: Partial<ChunkLimits>): Promise<RescueResult> {
  const table = context.workbook.tables.getItemOrNullObject(MEMBER_TABLE_NAME);
  await context.sync();
  if (table.isNullObject) return { moved: false, reason: 'not_a_list' };
  const header = table.getHeaderRowRange();
  header.load('values, rowIndex, columnIndex, columnCount');
  const sheet = table.worksheet;
  const used = sheet.getUsedRangeOrNullObject(true);
  used.load('rowIndex, columnIndex, rowCount, columnCount');
  await context.sync();
  const map = mapMemberHeaders(header.values[0] ?? []);
  if (MEMBER_COLUMNS.filter((c) => c.required).every((c) => map.position[c.key] !== undefined)) return { moved: false, reason: 'table_ok' };
  if (used.isNullObject) return { moved: false, reason: 'not_a_list' };
  const block = await readBlock(context, sheet, used, used.columnCount, limits);
  const grid = block.values.map((r) => r.map((v) => (v === '' ? null : v)));
  if (grid.some((r) => r.some((v) => typeof v === 'string' && UUID.test(v.trim())))) return { moved: false, reason: 'has_registry_rows' };
  const layout = detectLayout({ rows: grid });
  if (!layout) return { moved: false, reason: 'not_a_list' };
  // Into the scratch sheet, as pasted (its first row at A1).
  let scratch = context.workbook.worksheets.getItemOrNullObject(IMPORT_SHEET_NAME);
  await context.sync();
  if (scratch.isNullObject) scratch = context.workbook.worksheets.add(IMPORT_SHEET_NAME);
  else {
    const old = scratch.getUsedRangeOrNullObject();
    await context.sync();
    if (!old.isNullObject) old.clear('Contents');
  }
  // The pasted block only: the table's own empty columns to its right (their headers untouched) stay behind.
  const ownHeaders = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER];
  let width = 0;
  for (let c = 0; c < used.columnCount; c++) {
    const own = used.rowIndex === header.rowIndex && cellText(block.values[0][c]) === ownHeaders[used.columnIndex + c - header.columnIndex];
    if (!own || block.values.slice(1).some((r) => !isBlankCell(r[c]))) width = c + 1;
  }
  // Values with their formats (a date stays a date, a text stays text), in chunks of about the same payload as read.
  const base = chunkLimits(limits);
  let heaviest = 1;
  for (const r of block.values) heaviest = Math.max(heaviest, jsonBytes(r));
  const perChunk = Math.max(1, Math.min(base.maxRows, Math.floor(base.maxBytes / 2 / (heaviest * 2 + width * 16))));
  for (let start = 0; start < used.rowCount; start += perChunk) {
    const count = Math.min(perChunk, used.rowCount - start);
    const target = scratch.getRangeByIndexes(start, 0, count, width);
    target.numberFormat = block.formats.slice(start, start + count).map((r) => r.slice(0, width)) as string[][];
    target.values = block.values.slice(start, start + count).map((r) => r.slice(0, width)) as (string | number | boolean)[][];
    if (start + count < used.rowCount) await context.sync();
  }
  // The member table: its own header back, its cells empty.
  used.clear('Contents');
  // The add-in's table: the member columns, then «Результат» and the hidden «Ключ строки» (an older
  // table may lack the last ones; it keeps as many columns as it has).
  const current = header.values[0] ?? [];
  const restored = current.map((h, i) => (i < ownHeaders.length ? ownHeaders[i] : cellText(h)));
  header.values = [restored];
  scratch.activate();
  await context.sync();
  return { moved: true, rows: layout.dataRows.length };
}

// ============================================================ the memory of mappings (document settings)

/** The part of Office.Settings used here (Office.context.document.settings). */
export interface DocSettings {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  saveAsync(callback?: (result: { status: string }) => void): void;
}

/** Office.context.document.settings when the host has it (saved inside the workbook); no globalThis: old web views lack it. */
export function workbookSettings(): DocSettings | null {
  if (typeof Office === 'undefined') return null;
  return (Office as unknown as { context?: { document?: { settings?: DocSettings } } }).context?.document?.settings ?? null;
}

export const MAPPINGS_SETTING = 'reestr.listMappings';
export const VALUES_SETTING = 'reestr.valueChoices';
const MAX_SHAPES = 30;

export interface ImportMemory {
  shapes: Record<string, SavedMapping>;
  values: ValueChoices;
}

export function loadImportMemory(settings: DocSettings | null): ImportMemory {
  const shapes = settings?.get(MAPPINGS_SETTING);
  const values = settings?.get(VALUES_SETTING);
  return {
    shapes: shapes && typeof shapes === 'object' ? (shapes as Record<string, SavedMapping>) : {},
    values: values && typeof values === 'object' ? (values as ValueChoices) : {},
  };
}

/** Remembers the mapping of one shape and the value choices; saved inside the workbook. */
export function saveImportMemory(settings: DocSettings | null, signature: string, mapping: SavedMapping, values: ValueChoices): Promise<boolean> {
  if (!settings) return Promise.resolve(false);
  const memory = loadImportMemory(settings);
  const shapes = { ...memory.shapes, [signature]: mapping };
  const keys = Object.keys(shapes);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_SHAPES))) delete shapes[k];
  const merged: ValueChoices = { ...memory.values };
  for (const [col, choices] of Object.entries(values) as [keyof ValueChoices, Record<string, string | null>][]) merged[col] = { ...(merged[col] ?? {}), ...choices };
  settings.set(MAPPINGS_SETTING, shapes);
  settings.set(VALUES_SETTING, merged);
  return new Promise((resolve) => settings.saveAsync((r) => resolve(r.status === 'succeeded')));
}
