/**
 * The member sheet «Члены профсоюза»: an Excel table with the columns of domain/members/columns.ts,
 * then «Результат». This file only moves cells; validation is the task pane's job (domain/).
 *
 * Every operation takes the request context it is given and keeps the number of syncs constant per
 * chunk: one sync to look at the table, a constant few to find old marks and read small columns,
 * then one sync per chunk of rows. Chunks are planned from an estimate of the payload (UTF-8 JSON
 * of what is sent or, for reads, of the rows already read), well under Excel on the web's ~5 MB.
 */
import {
  columnByKey,
  MEMBER_COLUMNS,
  MEMBER_SHEET_NAME,
  MEMBER_TABLE_NAME,
  RESULT_HEADER,
  type ColumnKey,
  type MemberColumn,
  type MemberFieldKey,
  type RawMemberRow,
} from '../../domain/members/columns';
import { errorResultText, resultText, withoutRowPrefix } from '../../domain/members/result-text';
import { OUTCOME_LABELS, type SyncRowResult } from '../../domain/members/sync-contract';
import { BASELINE_CAPABILITIES, markKind, type ExcelCapabilities } from './capabilities';
import { probeStore, queueEnsureStore, readStore, storeWriter, writeStore, STORE_ROW_BYTES } from './fingerprint-store';
import { listSource, probeListsSheet, queueWriteLists } from './lists';
import { assignRowKeys, placeRows, ROW_KEY_HEADER, type LostReason, type Placement, type SentRowRef } from './row-keys';
import {
  CONFLICT_FILL,
  ERROR_FILL,
  fillOps,
  deleteOurMarks,
  loadMarkIndex,
  queueAddMarks,
  queueCellFill,
  queueDeleteOurMarksInRows,
  queueRowFill,
  type MarkIndex,
} from './marks';
import {
  cellAddress,
  cellText,
  chunkLimits,
  fingerprint,
  intersectAreas,
  isBlankCell,
  jsonBytes,
  narrowRows,
  normalizeHeader,
  officeErrorCode,
  parseAddress,
  planChunks,
  rangeAddress,
  readRowsInChunks,
  serialFromDateText,
  SheetError,
  widthInPoints,
  type ChunkLimits,
} from './sheet-utils';

// ====================================================================== columns by header

/** 'rowKey': the hidden «Ключ строки» a push finds its rows by (see row-keys.ts). */
export type SheetColumnKey = ColumnKey | 'result' | 'rowKey';

export interface ColumnMap {
  /** Header texts as they stand in the table, left to right. */
  headers: string[];
  /** For each table column: which register column it is, or null for a column of the user's own. */
  keys: (SheetColumnKey | null)[];
  /** 0-based position inside the table of each column found. */
  position: Partial<Record<SheetColumnKey, number>>;
  /** Headers we do not know (ignored when reading). */
  unknown: string[];
  /** Register columns not found. */
  missing: ColumnKey[];
}

/** Columns without which rows cannot be read or written back safely. */
export const REQUIRED_SHEET_COLUMNS: readonly ColumnKey[] = [...MEMBER_COLUMNS.filter((c) => c.required).map((c) => c.key), 'id', 'version'];

/**
 * Maps table headers to columns by their text, not their place: the exact header first, then the
 * aliases HR exports use (case-, ё- and punctuation-insensitive). Each column is taken once.
 */
export function mapMemberHeaders(headers: readonly unknown[]): ColumnMap {
  const texts = headers.map((h) => cellText(h).trim());
  const norm = texts.map(normalizeHeader);
  const keys: (SheetColumnKey | null)[] = texts.map(() => null);
  const position: Partial<Record<SheetColumnKey, number>> = {};
  const defs: { key: SheetColumnKey; header: string; aliases: readonly string[] }[] = [
    ...MEMBER_COLUMNS.map((c) => ({ key: c.key as SheetColumnKey, header: c.header, aliases: c.aliases })),
    { key: 'result', header: RESULT_HEADER, aliases: [] },
    { key: 'rowKey', header: ROW_KEY_HEADER, aliases: [] },
  ];
  const take = (key: SheetColumnKey, wanted: string): boolean => {
    const i = norm.findIndex((h, j) => keys[j] === null && h !== '' && h === wanted);
    if (i < 0) return false;
    keys[i] = key;
    position[key] = i;
    return true;
  };
  for (const d of defs) take(d.key, normalizeHeader(d.header));
  for (const d of defs) {
    if (position[d.key] !== undefined) continue;
    for (const a of d.aliases) if (take(d.key, normalizeHeader(a))) break;
  }
  return {
    headers: texts,
    keys,
    position,
    unknown: texts.filter((t, i) => keys[i] === null && t !== ''),
    missing: MEMBER_COLUMNS.map((c) => c.key).filter((k) => position[k] === undefined),
  };
}

function headerList(keys: readonly ColumnKey[]): string {
  return keys.map((k) => `«${columnByKey(k).header}»`).join(', ');
}

function assertColumns(map: ColumnMap, needed: readonly ColumnKey[]): void {
  const missing = needed.filter((k) => map.position[k] === undefined);
  if (missing.length === 0) return;
  throw new SheetError(
    'columns_missing',
    `В таблице на листе «${MEMBER_SHEET_NAME}» нет столбцов: ${headerList(missing)}. Впишите заголовки обратно или нажмите «Создать лист членов» — недостающие столбцы будут добавлены в конец таблицы, данные не пострадают.`,
  );
}

// ====================================================================== cell formats and conversions

/** Number format of a column: dates as dates, the version as a number, everything else as text ('@'), so leading zeros survive. */
export function numberFormatOf(col: MemberColumn | 'result' | 'rowKey'): string {
  if (col === 'result' || col === 'rowKey') return '@';
  if (col.type === 'date') return 'dd.mm.yyyy';
  if (col.type === 'version') return '0';
  return '@';
}

const RESULT_WIDTH_CHARS = 40;
const ROW_KEY_WIDTH_CHARS = 14;

/**
 * A value from the registry as it is written into a cell: dates as Excel serials (a real date in
 * any locale), text columns as strings (never a number Excel would reformat), enum codes as labels.
 */
export function toSheetCell(col: MemberColumn, value: unknown): string | number {
  if (value === null || value === undefined) return '';
  switch (col.type) {
    case 'date':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      return serialFromDateText(String(value)) ?? String(value);
    case 'version':
      if (typeof value === 'number') return value;
      return /^\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : String(value);
    case 'enum': {
      const s = String(value);
      return col.options?.find((o) => o.code === s)?.label ?? s;
    }
    default:
      return typeof value === 'string' ? value : cellText(value);
  }
}

function queueColumnFormat(sheet: Excel.Worksheet, headerRow0: number, bodyRow0: number, bodyRows: number, colIndex: number, key: SheetColumnKey): void {
  const def = key === 'result' || key === 'rowKey' ? null : columnByKey(key);
  const body = sheet.getRangeByIndexes(bodyRow0, colIndex, bodyRows, 1);
  body.numberFormat = [[numberFormatOf(def ?? (key as 'result' | 'rowKey'))]];
  body.dataValidation.clear();
  if (def?.type === 'enum') {
    body.dataValidation.rule = { list: { inCellDropDown: true, source: listSource(def.key) } };
    body.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: def.header.slice(0, 32), message: `Выберите значение из списка. ${def.help}`.slice(0, 255) };
    body.dataValidation.prompt = { showPrompt: true, title: def.header.slice(0, 32), message: def.help.slice(0, 255) };
  } else if (def?.type === 'date') {
    body.dataValidation.rule = { date: { operator: 'Between', formula1: '1900-03-01', formula2: '2099-12-31' } };
    body.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: def.header.slice(0, 32), message: 'Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2020.' };
    body.dataValidation.prompt = { showPrompt: true, title: def.header.slice(0, 32), message: def.help.slice(0, 255) };
  }
  const head = sheet.getRangeByIndexes(headerRow0, colIndex, 1, 1);
  head.format.columnWidth = widthInPoints(def?.width ?? (key === 'rowKey' ? ROW_KEY_WIDTH_CHARS : RESULT_WIDTH_CHARS));
  if (def?.hidden || key === 'rowKey') head.columnHidden = true;
}

function queueAllColumnFormats(sheet: Excel.Worksheet, headerRow0: number, bodyRow0: number, bodyRows: number, col0: number, keys: readonly (SheetColumnKey | null)[]): void {
  keys.forEach((k, i) => {
    if (k !== null) queueColumnFormat(sheet, headerRow0, bodyRow0, bodyRows, col0 + i, k);
  });
}

// ====================================================================== looking at the table

interface TableMeta {
  table: Excel.Table;
  sheet: Excel.Worksheet;
  sheetName: string;
  headerRow0: number;
  col0: number;
  width: number;
  bodyRow0: number;
  bodyRows: number;
  /** 1-based sheet rows of the body. */
  firstRow: number;
  lastRow: number;
  columns: ColumnMap;
}

/** One sync: the table, its header and body. `extra` queues more loads into the same sync. */
async function loadMemberTable(context: Excel.RequestContext, extra?: (sheet: Excel.Worksheet) => void): Promise<TableMeta> {
  const table = context.workbook.tables.getItem(MEMBER_TABLE_NAME);
  const header = table.getHeaderRowRange();
  header.load('values, rowIndex, columnIndex, columnCount');
  const body = table.getDataBodyRange();
  body.load('rowIndex, rowCount');
  const sheet = table.worksheet;
  sheet.load('name');
  extra?.(sheet);
  try {
    await context.sync();
  } catch (err) {
    if (officeErrorCode(err) === 'ItemNotFound') {
      throw new SheetError('table_missing', `Таблица реестра не найдена. Нажмите «Создать лист членов» — будет создан лист «${MEMBER_SHEET_NAME}» с таблицей; другие листы не изменятся.`);
    }
    throw err;
  }
  return {
    table,
    sheet,
    sheetName: sheet.name,
    headerRow0: header.rowIndex,
    col0: header.columnIndex,
    width: header.columnCount,
    bodyRow0: body.rowIndex,
    bodyRows: body.rowCount,
    firstRow: body.rowIndex + 1,
    lastRow: body.rowIndex + body.rowCount,
    columns: mapMemberHeaders(header.values[0]),
  };
}

// ====================================================================== createMemberSheet

export interface CreateSheetReport {
  /** True when the table was created now (false: an existing one was checked and repaired). */
  created: boolean;
  /** Headers of columns appended to an existing table. */
  addedColumns: string[];
  sheetName: string;
  syncs: number;
}

/**
 * Lays out the member sheet, or checks and repairs an existing one without touching its rows:
 * the table with headers in schema order and «Результат»; dropdowns from the very hidden «Списки»;
 * dates as dd.mm.yyyy with date validation; text columns as text ('@'); frozen header; widths;
 * hidden id and version; header style. Columns missing from an existing table are appended.
 */
export async function createMemberSheet(context: Excel.RequestContext): Promise<CreateSheetReport> {
  let syncs = 0;
  const sheetProbe = context.workbook.worksheets.getItemOrNullObject(MEMBER_SHEET_NAME);
  sheetProbe.load('name');
  const tableProbe = context.workbook.tables.getItemOrNullObject(MEMBER_TABLE_NAME);
  tableProbe.load('name');
  const listsProbe = probeListsSheet(context);
  const storeProbe = probeStore(context);
  await context.sync();
  syncs++;

  let meta: TableMeta | null = null;
  if (!tableProbe.isNullObject) {
    meta = await loadMemberTable(context);
    syncs++;
  } else if (!sheetProbe.isNullObject) {
    const used = sheetProbe.getUsedRangeOrNullObject(true);
    used.load('address');
    await context.sync();
    syncs++;
    if (!used.isNullObject) {
      throw new SheetError(
        'sheet_occupied',
        `На листе «${MEMBER_SHEET_NAME}» уже есть данные, но нет таблицы реестра. Переименуйте этот лист (например, в «${MEMBER_SHEET_NAME} (старый)») и нажмите «Создать лист членов» снова; строки можно будет перенести в новую таблицу.`,
      );
    }
  }

  queueWriteLists(context, listsProbe);
  queueEnsureStore(context, storeProbe);

  const addedColumns: string[] = [];
  let sheet: Excel.Worksheet;
  let sheetName: string;
  if (meta === null) {
    sheet = sheetProbe.isNullObject ? context.workbook.worksheets.add(MEMBER_SHEET_NAME) : sheetProbe;
    sheetName = MEMBER_SHEET_NAME;
    const headers = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER];
    const keys: SheetColumnKey[] = [...MEMBER_COLUMNS.map((c) => c.key), 'result', 'rowKey'];
    const headRange = sheet.getRangeByIndexes(0, 0, 1, headers.length);
    headRange.numberFormat = [['@']];
    headRange.values = [headers];
    const table = sheet.tables.add(rangeAddress(1, 0, 1, headers.length), true);
    table.name = MEMBER_TABLE_NAME;
    table.style = 'TableStyleMedium2';
    queueAllColumnFormats(sheet, 0, 1, 1, 0, keys);
    queueHeaderStyle(sheet, 0, 0, headers.length);
    sheet.freezePanes.freezeRows(1);
    sheet.activate();
  } else {
    sheet = meta.sheet;
    sheetName = meta.sheetName;
    const keys = [...meta.columns.keys];
    const wanted: SheetColumnKey[] = [
      ...meta.columns.missing,
      ...(meta.columns.position.result === undefined ? (['result'] as const) : []),
      ...(meta.columns.position.rowKey === undefined ? (['rowKey'] as const) : []),
    ];
    for (const k of wanted) {
      const header = k === 'result' ? RESULT_HEADER : k === 'rowKey' ? ROW_KEY_HEADER : columnByKey(k).header;
      meta.table.columns.add(undefined, undefined, header);
      keys.push(k);
      // the hidden «Ключ строки» is the pane's own business: not worth a word to the chair
      if (k !== 'rowKey') addedColumns.push(header);
    }
    queueAllColumnFormats(sheet, meta.headerRow0, meta.bodyRow0, meta.bodyRows, meta.col0, keys);
    queueHeaderStyle(sheet, meta.headerRow0, meta.col0, keys.length);
    sheet.freezePanes.freezeRows(meta.headerRow0 + 1);
  }
  await context.sync();
  syncs++;
  return { created: meta === null, addedColumns, sheetName, syncs };
}

function queueHeaderStyle(sheet: Excel.Worksheet, headerRow0: number, col0: number, width: number): void {
  const head = sheet.getRangeByIndexes(headerRow0, col0, 1, width);
  head.format.font.bold = true;
  head.format.wrapText = true;
  head.format.verticalAlignment = 'Center';
  head.format.rowHeight = 45;
}

// ====================================================================== readMemberRows

export interface MemberSheetRow {
  /** Excel row number (1-based), as the chair sees it. */
  row: number;
  id: string | null;
  version: number | null;
  /** Raw cell values of the member columns (not id/version/«Результат»), keyed by column key. */
  values: RawMemberRow;
  /** Fingerprint of the member columns; pass it back to writeSyncResults via `sent`. */
  fingerprint: string;
  /** The row's key in «Ключ строки» (with `assignKeys`: unique, written before this returns); null without. */
  key: string | null;
}

export interface MemberSheetRead {
  rows: MemberSheetRow[];
  columns: ColumnMap;
  sheetName: string;
  /** Sheet rows of the table body (1-based, inclusive). */
  firstRow: number;
  lastRow: number;
  blankRows: number;
  /** Rows left out by `onlyChanged` because they match what the registry last accepted. */
  unchangedRows: number;
  syncs: number;
}

export interface ReadMemberRowsOptions {
  /** Only rows that are new or changed since the registry last accepted them. */
  onlyChanged?: boolean;
  /**
   * Give every returned row a unique key in the hidden «Ключ строки» column (added to the table when
   * an older sheet lacks it): rows without a key, or with a key another row has too, get a new one,
   * written before this returns. A push reads with this, so that its results find their rows by key.
   */
  assignKeys?: boolean;
  limits?: Partial<ChunkLimits>;
}

const MEMBER_FIELDS: readonly MemberColumn[] = MEMBER_COLUMNS.filter((c) => c.type !== 'id' && c.type !== 'version');

/** The fingerprint of a row's member fields, in schema order (independent of the column order in the sheet). */
export function memberRowFingerprint(values: RawMemberRow): string {
  return fingerprint(MEMBER_FIELDS.map((c) => values[c.key]));
}

function parseId(v: unknown): string | null {
  const s = cellText(v).trim();
  return s === '' ? null : s;
}

function parseVersion(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const s = cellText(v).trim();
  return /^\d+$/.test(s) ? Number(s) : null;
}

/**
 * Reads the table body in chunks (one sync each), mapping columns by header. Fully blank rows are
 * skipped; row numbers stay the sheet's. Missing required columns (and id/version) are an error the
 * chair can act on; columns of the user's own are ignored.
 */
export async function readMemberRows(context: Excel.RequestContext, opts: ReadMemberRowsOptions = {}): Promise<MemberSheetRead> {
  const limits = chunkLimits(opts.limits);
  let storeProbe: Excel.Worksheet | undefined;
  let meta = await loadMemberTable(context, () => {
    if (opts.onlyChanged) storeProbe = probeStore(context);
  });
  let syncs = 1;
  assertColumns(meta.columns, REQUIRED_SHEET_COLUMNS);
  if (opts.assignKeys && meta.columns.position.rowKey === undefined) {
    // A sheet made before row keys: the hidden column is appended (rows untouched), then looked at again.
    meta.table.columns.add(undefined, undefined, ROW_KEY_HEADER);
    queueColumnFormat(meta.sheet, meta.headerRow0, meta.bodyRow0, meta.bodyRows, meta.col0 + meta.width, 'rowKey');
    await context.sync();
    meta = await loadMemberTable(context);
    syncs += 2;
  }
  let store: Map<string, string> | null = null;
  if (opts.onlyChanged && storeProbe) {
    const s = await readStore(context, storeProbe, limits);
    syncs += s.syncs;
    store = s.map;
  }
  const pos = meta.columns.position;
  const fields = MEMBER_FIELDS.filter((c) => pos[c.key] !== undefined).map((c) => [c.key, pos[c.key] as number] as const);
  const idPos = pos.id as number;
  const versionPos = pos.version as number;
  const keyPos = pos.rowKey;
  const rows: MemberSheetRow[] = [];
  /** Every non-blank row's key cell (sent or not): a key is unique only if no other row has it. */
  const keyed: { row: number; key: string }[] = [];
  let blankRows = 0;
  let unchangedRows = 0;
  const stats = await readRowsInChunks(
    context,
    meta.bodyRows,
    meta.width,
    (start, count) => meta.sheet.getRangeByIndexes(meta.bodyRow0 + start, meta.col0, count, meta.width),
    (start, values) => {
      values.forEach((cells, i) => {
        const values: RawMemberRow = {};
        let blank = true;
        for (const [key, p] of fields) {
          values[key] = cells[p];
          if (!isBlankCell(cells[p])) blank = false;
        }
        const id = parseId(cells[idPos]);
        const version = parseVersion(cells[versionPos]);
        if (blank && id === null && isBlankCell(cells[versionPos])) {
          blankRows++;
          return;
        }
        const row = meta.firstRow + start + i;
        const key = keyPos === undefined ? '' : cellText(cells[keyPos]).trim();
        keyed.push({ row, key });
        const fp = memberRowFingerprint(values);
        if (store && id !== null && store.get(id) === fp) {
          unchangedRows++;
          return;
        }
        rows.push({ row, id, version, values, fingerprint: fp, key: key || null });
      });
    },
    limits,
  );
  syncs += stats.syncs;
  if (opts.assignKeys && keyPos !== undefined) {
    const fresh = assignRowKeys(keyed, new Set(rows.map((r) => r.row)));
    for (const r of rows) r.key = fresh.get(r.row) ?? r.key;
    syncs += await writeColumnCells(context, meta, keyPos, fresh, limits);
  }
  return { rows, columns: meta.columns, sheetName: meta.sheetName, firstRow: meta.firstRow, lastRow: meta.lastRow, blankRows, unchangedRows, syncs };
}

/**
 * Writes `cells` (sheet row → value) into one table column: column slices from the first row to the
 * last, `null` leaving the cells between alone; one sync per slice. Returns the syncs.
 */
async function writeColumnCells(context: Excel.RequestContext, meta: TableMeta, pos: number, cells: ReadonlyMap<number, string>, limits: ChunkLimits): Promise<number> {
  if (cells.size === 0) return 0;
  const rows = [...cells.keys()].sort((a, b) => a - b);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const step = Math.max(1, Math.min(narrowRows(limits, 1), Math.floor(limits.maxBytes / 40)));
  let syncs = 0;
  for (let start = first; start <= last; start += step) {
    const count = Math.min(step, last - start + 1);
    const slice = Array.from({ length: count }, (_, i) => [cells.get(start + i) ?? null]);
    meta.sheet.getRangeByIndexes(start - 1, meta.col0 + pos, count, 1).values = slice as string[][];
    await context.sync();
    syncs++;
  }
  return syncs;
}

// ====================================================================== writeMembersFromRegistry

export interface RegistryRow {
  id: string;
  version: number;
  /** Cell values by member field key (camelCase), as domain's memberDataToCells gives them. */
  cells: Record<string, string | number | null>;
}

export type ProgressCallback = (done: number, total: number) => void;

export interface WriteRegistryOptions {
  onProgress?: ProgressCallback;
  caps?: ExcelCapabilities;
  limits?: Partial<ChunkLimits>;
}

export interface WriteReport {
  rows: number;
  chunks: number;
  syncs: number;
}

/** Fixed payload allowance of the chunk that also carries the preparation or the validation rules. */
const FIXED_CHUNK_BYTES = 40_000;
const FIXED_CHUNK_OPS = 300;

/**
 * Replaces the table body with the registry's rows: our old marks are removed, the table is sized
 * once (Table.resize where available, otherwise surplus rows deleted and rows appended per chunk),
 * then each chunk writes one 2-D `numberFormat` and one 2-D `values` array in one sync. Columns are
 * placed by header; columns of the user's own are emptied (the rows are new). The fingerprints of the
 * written rows are stored so that «только изменённые» knows them.
 */
export async function writeMembersFromRegistry(
  context: Excel.RequestContext,
  rows: readonly RegistryRow[],
  optsOrProgress: WriteRegistryOptions | ProgressCallback = {},
): Promise<WriteReport> {
  const opts: WriteRegistryOptions = typeof optsOrProgress === 'function' ? { onProgress: optsOrProgress } : optsOrProgress;
  const caps = opts.caps ?? BASELINE_CAPABILITIES;
  const limits = chunkLimits(opts.limits);
  let storeProbe: Excel.Worksheet | undefined;
  const meta = await loadMemberTable(context, () => {
    storeProbe = probeStore(context);
  });
  let syncs = 1;
  assertColumns(meta.columns, MEMBER_COLUMNS.map((c) => c.key));
  // our old marks go first, page by page and in bounded deletes (never one request for them all)
  const marks = await loadMarkIndex(context, meta.sheet, caps, limits);
  syncs += marks.syncs;
  syncs += (await deleteOurMarks(context, marks.index, limits)).syncs;

  const { keys, width } = { keys: meta.columns.keys, width: meta.width };
  const formatsRow = keys.map((k) => (k === null ? null : numberFormatOf(k === 'result' || k === 'rowKey' ? k : columnByKey(k))));
  // each table column: where its value comes from (a member field's index, id, version, or nothing)
  const fieldIndex = new Map<ColumnKey, number>(MEMBER_FIELDS.map((c, i) => [c.key, i]));
  const sources = keys.map((k) => (k === null || k === 'result' || k === 'rowKey' ? -1 : k === 'id' ? -2 : k === 'version' ? -3 : (fieldIndex.get(k) ?? -1)));
  const grid: (string | number)[][] = [];
  const fps: string[] = [];
  for (const r of rows) {
    const fieldValues = MEMBER_FIELDS.map((c) => toSheetCell(c, r.cells[c.key as MemberFieldKey]));
    fps.push(fingerprint(fieldValues)); // the same as memberRowFingerprint of the cells read back
    grid.push(sources.map((src) => (src >= 0 ? fieldValues[src] : src === -2 ? r.id : src === -3 ? r.version : '')));
  }
  const formatsBytes = jsonBytes(formatsRow);
  const newRows = Math.max(rows.length, 1);
  const appendRows = caps.tableResize ? 0 : Math.max(0, newRows - meta.bodyRows);
  const spans = planChunks(
    grid.length,
    (i) => ({ bytes: jsonBytes(grid[i]) + formatsBytes + STORE_ROW_BYTES + (i >= meta.bodyRows && appendRows > 0 ? width * 3 + 2 : 0), ops: 0 }),
    limits,
    { bytes: FIXED_CHUNK_BYTES, ops: FIXED_CHUNK_OPS },
  );

  const store = storeWriter(context, storeProbe as Excel.Worksheet);
  const prepare = (): void => {
    const oldBody = meta.sheet.getRangeByIndexes(meta.bodyRow0, meta.col0, meta.bodyRows, width);
    oldBody.clear('Contents');
    oldBody.format.fill.clear();
    if (caps.tableResize) {
      meta.table.resize(rangeAddress(meta.headerRow0 + 1, meta.col0, 1 + newRows, width, meta.sheetName));
    } else if (meta.bodyRows > newRows) {
      meta.sheet.getRangeByIndexes(meta.bodyRow0 + newRows, meta.col0, meta.bodyRows - newRows, width).delete('Up');
    }
    store.reset();
  };
  const finish = (): void => {
    queueAllColumnFormats(meta.sheet, meta.headerRow0, meta.bodyRow0, newRows, meta.col0, keys);
  };

  if (spans.length === 0) {
    prepare();
    finish();
    await context.sync();
    syncs++;
    opts.onProgress?.(0, 0);
    return { rows: 0, chunks: 0, syncs };
  }
  let done = 0;
  for (let s = 0; s < spans.length; s++) {
    const { start, end } = spans[s];
    if (s === 0) prepare();
    const count = end - start;
    // rows beyond the current table end are appended (blank) first, so formats and values land inside the table
    const tableRowsNow = Math.max(meta.bodyRows, start);
    if (!caps.tableResize && end > tableRowsNow) {
      const add = end - tableRowsNow;
      meta.table.rows.add(undefined, Array.from({ length: add }, () => Array.from({ length: width }, () => '')));
    }
    const range = meta.sheet.getRangeByIndexes(meta.bodyRow0 + start, meta.col0, count, width);
    range.numberFormat = Array.from({ length: count }, () => formatsRow);
    range.values = grid.slice(start, end);
    store.rows(
      start,
      rows.slice(start, end).map((r, i) => [r.id, fps[start + i]] as const),
    );
    if (s === spans.length - 1) finish();
    await context.sync();
    syncs++;
    done = end;
    opts.onProgress?.(done, rows.length);
  }
  return { rows: rows.length, chunks: spans.length, syncs };
}

// ====================================================================== marks: shared machinery

const ERROR_LABEL = OUTCOME_LABELS.error;
const CONFLICT_LABEL = OUTCOME_LABELS.conflict;

function wasMarked(text: unknown): 'error' | 'conflict' | null {
  const s = cellText(text);
  if (s.startsWith(ERROR_LABEL)) return 'error';
  if (s.startsWith(CONFLICT_LABEL)) return 'conflict';
  return null;
}

/** «Ошибка: СНИЛС: неверная контрольная сумма; Телефон: …» — one text for the add-in and the upload page (domain/members/result-text). */
export { errorResultText, resultText };

interface RowPlan {
  /** New «Результат» text (undefined: unchanged). */
  result?: string;
  id?: string;
  version?: number;
  /** Clear this row's fill and our notes before marking. */
  clear: boolean;
  conflict: boolean;
  cells: { col: number; message: string }[];
}

/**
 * At most this many cells get a note (or comment) per marking; the rest of the error cells are
 * filled red and their message is in «Результат» and in the pane's list. Every note is one object
 * Excel creates and later loads, finds and deletes again: 20,000 of them would make each check and
 * push crawl on Excel on the web, and a chair reads the first screenful anyway.
 */
export const MARK_NOTES_CAP = 2_000;

export interface MarkReport {
  /** Rows whose marks changed. */
  rows: number;
  /** Cells filled red. */
  errorCells: number;
  conflictRows: number;
  notesAdded: number;
  /** Error cells left without a note because of MARK_NOTES_CAP (their fill and «Результат» are there). */
  notesCapped: number;
  notesDeleted: number;
  /** Input rows outside the table body (ignored). */
  skipped: number;
  chunks: number;
  syncs: number;
}

interface MarkContext {
  meta: TableMeta;
  index: MarkIndex;
  oldResults: unknown[];
  syncs: number;
}

/** Sync 1: the table; then the notes (or comments) page by page with their locations; then the «Результат» column. */
async function openForMarks(context: Excel.RequestContext, caps: ExcelCapabilities, limits: ChunkLimits, extra?: () => void): Promise<MarkContext> {
  const meta = await loadMemberTable(context, () => {
    extra?.();
  });
  let syncs = 1;
  const located = await loadMarkIndex(context, meta.sheet, caps, limits);
  syncs += located.syncs;
  const oldResults: unknown[] = new Array(meta.bodyRows).fill('');
  const resultPos = meta.columns.position.result;
  if (resultPos !== undefined) {
    const stats = await readRowsInChunks(
      context,
      meta.bodyRows,
      1,
      (start, count) => meta.sheet.getRangeByIndexes(meta.bodyRow0 + start, meta.col0 + resultPos, count, 1),
      (start, values) => values.forEach((v, i) => (oldResults[start + i] = v[0])),
      limits,
      // «Результат» texts run to hundreds of Cyrillic letters: a first guess that does not ask too much
      { guessBytesPerCell: 600, maxRows: narrowRows(limits, 1) },
    );
    syncs += stats.syncs;
  }
  return { meta, index: located.index, oldResults, syncs };
}

/**
 * Writes planned rows in chunks over the span they cover: each chunk writes the «Результат», id and
 * version column slices (null = leave the cell alone) and queues its fills and notes; one sync each.
 */
async function applyPlans(
  context: Excel.RequestContext,
  mc: MarkContext,
  plans: Map<number, RowPlan>,
  caps: ExcelCapabilities,
  limits: ChunkLimits,
  onProgress?: ProgressCallback,
): Promise<Omit<MarkReport, 'skipped'>> {
  const { meta, index } = mc;
  const report = { rows: plans.size, errorCells: 0, conflictRows: 0, notesAdded: 0, notesCapped: 0, notesDeleted: 0, chunks: 0, syncs: mc.syncs };
  let noteBudget = MARK_NOTES_CAP;
  if (plans.size === 0) return report;
  const rowsSorted = [...plans.keys()].sort((a, b) => a - b);
  const first = rowsSorted[0];
  const last = rowsSorted[rowsSorted.length - 1];
  const pos = meta.columns.position;
  const kind = markKind(caps);
  const ourNotesPerRow = new Map<number, number>();
  for (const e of index.entries) if (e.ours) ourNotesPerRow.set(e.row, (ourNotesPerRow.get(e.row) ?? 0) + 1);
  const cost = (i: number): { bytes: number; ops: number } => {
    const p = plans.get(first + i);
    if (!p) return { bytes: 15, ops: 0 };
    const notes = kind === 'none' ? 0 : p.cells.length;
    return {
      bytes: 20 + jsonBytes(p.result ?? null) + jsonBytes(p.id ?? null) + 12 + p.cells.reduce((s, c) => s + jsonBytes(c.message) + 120, 0),
      ops: (p.clear ? 1 : 0) + (p.conflict ? 1 : 0) + fillOps(p.cells.length, caps) + notes + (ourNotesPerRow.get(first + i) ?? 0),
    };
  };
  const spans = planChunks(last - first + 1, cost, limits, { bytes: 2_000, ops: 10 });
  const write = (key: 'result' | 'id' | 'version', start: number, count: number, pick: (p: RowPlan) => string | number | undefined): void => {
    const p = pos[key];
    if (p === undefined) return;
    const col: (string | number | null)[][] = [];
    let any = false;
    for (let i = 0; i < count; i++) {
      const plan = plans.get(first + start + i);
      const v = plan ? pick(plan) : undefined;
      if (v !== undefined) any = true;
      col.push([v === undefined ? null : v]);
    }
    if (!any) return;
    const range = meta.sheet.getRangeByIndexes(first - 1 + start, meta.col0 + p, count, 1);
    range.values = col as (string | number)[][];
  };
  for (const span of spans) {
    const count = span.end - span.start;
    const spanRows = rowsSorted.filter((r) => r >= first + span.start && r < first + span.end);
    write('id', span.start, count, (p) => p.id);
    write('version', span.start, count, (p) => p.version);
    write('result', span.start, count, (p) => p.result);
    const clearRows = spanRows.filter((r) => plans.get(r)?.clear);
    report.notesDeleted += queueDeleteOurMarksInRows(index, new Set(spanRows));
    queueRowFill(meta.sheet, clearRows, meta.col0, meta.width, null, caps);
    const conflictRows = spanRows.filter((r) => plans.get(r)?.conflict);
    queueRowFill(meta.sheet, conflictRows, meta.col0, meta.width, CONFLICT_FILL, caps);
    report.conflictRows += conflictRows.length;
    const cells = spanRows.flatMap((r) => (plans.get(r)?.cells ?? []).map((c) => ({ row: r, col: c.col, message: c.message })));
    queueCellFill(meta.sheet, cells, ERROR_FILL, caps);
    report.errorCells += cells.length;
    const noted = cells.slice(0, Math.max(0, noteBudget));
    if (markKind(caps) !== 'none') report.notesCapped += cells.length - noted.length;
    const added = queueAddMarks(meta.sheet, meta.sheetName, noted, index, caps);
    noteBudget -= added;
    report.notesAdded += added;
    await context.sync();
    report.syncs++;
    report.chunks++;
    onProgress?.(span.end, last - first + 1);
  }
  return report;
}

/** The sheet column that shows an error in `field`: the field's own cell, or «Результат» for hidden or missing columns. */
function errorColumn(meta: TableMeta, field: ColumnKey): number | null {
  const p = meta.columns.position[field];
  const def = MEMBER_COLUMNS.find((c) => c.key === field);
  if (p !== undefined && !def?.hidden) return meta.col0 + p;
  const r = meta.columns.position.result;
  return r === undefined ? null : meta.col0 + r;
}

// ====================================================================== writeSyncResults

export interface WriteSyncResultsOptions {
  caps?: ExcelCapabilities;
  /**
   * The rows that were sent (from readMemberRows): their fingerprints are stored for accepted rows.
   * When they carry keys (readMemberRows with `assignKeys`), each result is written onto the row
   * that holds its key NOW (see row-keys.ts), never by row number.
   */
  sent?: readonly { row: number; fingerprint: string; key?: string | null; id?: string | null }[];
  limits?: Partial<ChunkLimits>;
  onProgress?: ProgressCallback;
}

export interface SyncWriteReport extends MarkReport {
  /** Sent row → the row its result was written on (only with keyed `sent`). */
  placed: Map<number, number>;
  /** Sent rows whose result was written nowhere: deleted, copied or overwritten meanwhile. */
  lost: Map<number, LostReason>;
}

const ACCEPTED = new Set(['created', 'updated', 'unchanged']);

/** Reads the key and id columns of the whole body (chunked; 2 columns). */
async function readKeysAndIds(context: Excel.RequestContext, meta: TableMeta, limits: ChunkLimits): Promise<{ current: { row: number; key: string; id: string }[]; syncs: number }> {
  const keyPos = meta.columns.position.rowKey;
  const idPos = meta.columns.position.id;
  const current = Array.from({ length: meta.bodyRows }, (_, i) => ({ row: meta.firstRow + i, key: '', id: '' }));
  let syncs = 0;
  for (const [pos, field] of [
    [keyPos, 'key'],
    [idPos, 'id'],
  ] as const) {
    if (pos === undefined) continue;
    const stats = await readRowsInChunks(
      context,
      meta.bodyRows,
      1,
      (start, count) => meta.sheet.getRangeByIndexes(meta.bodyRow0 + start, meta.col0 + pos, count, 1),
      (start, values) => values.forEach((v, i) => (current[start + i][field] = cellText(v[0]).trim())),
      limits,
      { guessBytesPerCell: 48, maxRows: narrowRows(limits, 1) },
    );
    syncs += stats.syncs;
  }
  return { current, syncs };
}

/** Where the keyed sent rows are now (no key column at all: every one is lost — nothing is guessed). */
async function placeSent(
  context: Excel.RequestContext,
  meta: TableMeta,
  sent: readonly SentRowRef[],
  limits: ChunkLimits,
  answeredId?: (row: number) => string | null,
): Promise<Placement & { syncs: number }> {
  if (meta.columns.position.rowKey === undefined) {
    return { placed: new Map(), lost: new Map(sent.map((s) => [s.row, 'deleted' as LostReason])), syncs: 0 };
  }
  const { current, syncs } = await readKeysAndIds(context, meta, limits);
  return { ...placeRows(sent, current, answeredId), syncs };
}

function keyedSent(sent: WriteSyncResultsOptions['sent']): SentRowRef[] | null {
  if (!sent?.length || !sent.every((s) => typeof s.key === 'string' && s.key !== '')) return null;
  return sent.map((s) => ({ row: s.row, key: s.key as string, id: s.id ?? null }));
}

/**
 * Where the rows of a push are now (for a server check, whose marks go through markValidationErrors):
 * the table's key and id columns read once. Sent row → current row, and the rows that are gone.
 */
export async function locateSentRows(context: Excel.RequestContext, sent: readonly SentRowRef[], opts: { limits?: Partial<ChunkLimits> } = {}): Promise<Placement & { syncs: number }> {
  const limits = chunkLimits(opts.limits);
  const meta = await loadMemberTable(context);
  const p = await placeSent(context, meta, sent, limits);
  return { ...p, syncs: p.syncs + 1 };
}

/**
 * Writes the server's answer back: ids and versions into the hidden columns, the outcome into
 * «Результат», red cells with notes for errors, yellow rows for conflicts; rows that were marked
 * before and are fine now lose their marks. Rows are matched by sheet row number.
 */
export async function writeSyncResults(context: Excel.RequestContext, results: readonly SyncRowResult[], opts: WriteSyncResultsOptions = {}): Promise<SyncWriteReport> {
  const caps = opts.caps ?? BASELINE_CAPABILITIES;
  const limits = chunkLimits(opts.limits);
  let storeProbe: Excel.Worksheet | undefined;
  const mc = await openForMarks(context, caps, limits, () => {
    if (opts.sent?.length) storeProbe = probeStore(context);
  });
  assertColumns(mc.meta.columns, ['id', 'version']);
  const { meta } = mc;
  const keyed = keyedSent(opts.sent);
  let placement: Placement | null = null;
  if (keyed) {
    const answered = new Map(results.map((r) => [r.row, r.id ?? null]));
    const p = await placeSent(context, meta, keyed, limits, (row) => answered.get(row) ?? null);
    mc.syncs += p.syncs;
    placement = p;
  }
  /** The row a result goes to now: by key when the sent rows had keys, else by its row number. */
  const target = (sentRow: number): number | null => (placement ? (placement.placed.get(sentRow) ?? null) : sentRow);
  const plans = new Map<number, RowPlan>();
  let skipped = 0;
  for (const r0 of results) {
    const at = target(r0.row);
    if (at === null || !Number.isInteger(at) || at < meta.firstRow || at > meta.lastRow) {
      skipped++;
      continue;
    }
    const r = at === r0.row ? r0 : { ...r0, row: at };
    const before = wasMarked(mc.oldResults[r.row - meta.firstRow]);
    const plan: RowPlan = { result: resultText(r), clear: before !== null, conflict: r.outcome === 'conflict', cells: [] };
    if (ACCEPTED.has(r.outcome)) {
      if (r.id) plan.id = r.id;
      if (typeof r.version === 'number') plan.version = r.version;
    }
    if (r.outcome === 'error') {
      const byCol = new Map<number, string[]>();
      for (const e of r.errors ?? []) {
        const col = errorColumn(meta, e.field);
        if (col === null) continue;
        byCol.set(col, [...(byCol.get(col) ?? []), withoutRowPrefix(e.message)]);
      }
      if (byCol.size === 0) {
        const col = errorColumn(meta, 'id');
        if (col !== null) byCol.set(col, [plan.result as string]);
      }
      plan.cells = [...byCol].map(([col, msgs]) => ({ col, message: msgs.join('\n') }));
    }
    plans.set(r.row, plan);
  }
  const report = await applyPlans(context, mc, plans, caps, limits, opts.onProgress);

  // fingerprints of accepted rows
  if (storeProbe && opts.sent?.length) {
    const fpByRow = new Map(opts.sent.map((s) => [s.row, s.fingerprint]));
    const updates: [string, string][] = [];
    for (const r of results) {
      if (placement?.lost.has(r.row)) continue;
      const fp = fpByRow.get(r.row);
      if (fp && r.id && ACCEPTED.has(r.outcome)) updates.push([r.id, fp]);
    }
    if (updates.length) {
      const s = await readStore(context, storeProbe, limits);
      report.syncs += s.syncs;
      for (const [id, fp] of updates) s.map.set(id, fp);
      report.syncs += await writeStore(context, storeProbe, s.map, limits);
    }
  }
  return { ...report, skipped, placed: placement?.placed ?? new Map(results.map((r) => [r.row, r.row])), lost: placement?.lost ?? new Map() };
}

// ====================================================================== markValidationErrors / clearMarks

export interface MarkOptions {
  caps?: ExcelCapabilities;
  limits?: Partial<ChunkLimits>;
}

/**
 * Marks the result of «Проверить» (the whole sheet was checked): each bad cell red with a note,
 * «Ошибка: …» in «Результат»; marks of earlier checks and failed pushes on rows that are now fine
 * are removed. Conflict marks stay until the next push (a local check does not resolve them), unless
 * the row now has errors.
 */
export async function markValidationErrors(
  context: Excel.RequestContext,
  errors: readonly { row: number; field: ColumnKey; message: string }[],
  opts: MarkOptions = {},
): Promise<MarkReport> {
  const caps = opts.caps ?? BASELINE_CAPABILITIES;
  const limits = chunkLimits(opts.limits);
  const mc = await openForMarks(context, caps, limits);
  const { meta } = mc;
  const byRow = new Map<number, { field: ColumnKey; message: string }[]>();
  let skipped = 0;
  for (const e of errors) {
    if (!Number.isInteger(e.row) || e.row < meta.firstRow || e.row > meta.lastRow) {
      skipped++;
      continue;
    }
    byRow.set(e.row, [...(byRow.get(e.row) ?? []), { field: e.field, message: e.message }]);
  }
  const plans = new Map<number, RowPlan>();
  mc.oldResults.forEach((text, i) => {
    const row = meta.firstRow + i;
    const before = wasMarked(text);
    const errs = byRow.get(row);
    if (errs) {
      const byCol = new Map<number, string[]>();
      for (const e of errs) {
        const col = errorColumn(meta, e.field);
        if (col !== null) byCol.set(col, [...(byCol.get(col) ?? []), e.message]);
      }
      plans.set(row, { result: errorResultText(errs), clear: before !== null, conflict: false, cells: [...byCol].map(([col, msgs]) => ({ col, message: msgs.join('\n') })) });
    } else if (before === 'error') {
      plans.set(row, { result: '', clear: true, conflict: false, cells: [] });
    }
  });
  const report = await applyPlans(context, mc, plans, caps, limits);
  return { ...report, skipped };
}

/** Removes every mark: red and yellow fills of marked rows, our notes, and their «Результат» texts. */
export async function clearMarks(context: Excel.RequestContext, opts: MarkOptions = {}): Promise<MarkReport> {
  const caps = opts.caps ?? BASELINE_CAPABILITIES;
  const limits = chunkLimits(opts.limits);
  const mc = await openForMarks(context, caps, limits);
  const plans = new Map<number, RowPlan>();
  mc.oldResults.forEach((text, i) => {
    if (wasMarked(text)) plans.set(mc.meta.firstRow + i, { result: '', clear: true, conflict: false, cells: [] });
  });
  for (const e of mc.index.entries) {
    if (e.ours && !plans.has(e.row) && e.row >= mc.meta.firstRow && e.row <= mc.meta.lastRow) plans.set(e.row, { clear: false, conflict: false, cells: [] });
  }
  const report = await applyPlans(context, mc, plans, caps, limits);
  // our notes outside the body (rows deleted since) go too, at most maxOps per request
  const stray = await deleteOurMarks(context, mc.index, limits);
  report.syncs += stray.syncs;
  report.notesDeleted += stray.deleted;
  return { ...report, skipped: 0 };
}

// ====================================================================== selection

/** Selects the cell of `field` in sheet row `row` (for a click on an error in the pane). Returns its address. */
export async function selectCell(context: Excel.RequestContext, row: number, field: ColumnKey | 'result'): Promise<string> {
  const meta = await loadMemberTable(context);
  const r = Math.min(Math.max(row, meta.firstRow), meta.lastRow);
  const col = field === 'result' ? (meta.columns.position.result === undefined ? meta.col0 : meta.col0 + meta.columns.position.result) : (errorColumn(meta, field) ?? meta.col0);
  const address = cellAddress(r, col);
  meta.sheet.activate();
  meta.sheet.getRange(address).select();
  await context.sync();
  return address;
}

export interface SelectionOptions {
  caps?: ExcelCapabilities;
}

/**
 * Sheet row numbers (1-based, ascending, distinct) of the VISIBLE rows of the current selection
 * inside the table body; empty when the selection is elsewhere. Rows hidden by a filter (or by hand)
 * are left out — see readSelectedRows. Two syncs.
 */
export async function readSelectedRowNumbers(context: Excel.RequestContext, opts: SelectionOptions = {}): Promise<number[]> {
  return (await readSelectedRows(context, opts)).visible;
}

export interface SelectedRows {
  /** Selected body rows a chair can see (1-based, ascending). */
  visible: number[];
  /** Selected body rows hidden by a filter or by hand: actions leave them out. */
  hidden: number[];
}

/**
 * The current selection inside the table body, split into visible and hidden rows. A selection made
 * by dragging over a filtered table covers the rows the filter hides too (Excel selects the whole
 * block); an action on «выделенные строки» must not reach them. The visible ones come from
 * `Range.getVisibleView()` (ExcelApi 1.3, «RangeView represents a set of visible cells of the parent
 * range») of a one-column slice of each selected block: its `cellAddresses` name one cell per visible
 * row. Two syncs (one when nothing of the table is selected).
 */
export async function readSelectedRows(context: Excel.RequestContext, opts: SelectionOptions = {}): Promise<SelectedRows> {
  const caps = opts.caps ?? BASELINE_CAPABILITIES;
  let selection: Excel.Range | Excel.RangeAreas | undefined;
  let meta: TableMeta;
  try {
    meta = await loadMemberTable(context, () => {
      selection = caps.rangeAreas ? context.workbook.getSelectedRanges() : context.workbook.getSelectedRange();
      selection.load('address');
    });
  } catch (err) {
    const code = officeErrorCode(err);
    if (code === 'InvalidSelection' || code === 'InvalidOperation') {
      throw new SheetError('selection_invalid', 'Выделите строки одним прямоугольным блоком (без Ctrl) и повторите.');
    }
    throw err;
  }
  const parsed = parseAddress((selection as Excel.Range).address);
  if (parsed.sheet !== null && parsed.sheet.toLowerCase() !== meta.sheetName.toLowerCase()) return { visible: [], hidden: [] };
  const body = { row: meta.bodyRow0, col: meta.col0, rows: meta.bodyRows, cols: meta.width };
  const rows = new Set<number>();
  const views: Excel.RangeView[] = [];
  for (const a of parsed.areas) {
    const x = intersectAreas(a, body);
    if (!x) continue;
    for (let r = x.row; r < x.row + x.rows; r++) rows.add(r + 1);
    views.push(meta.sheet.getRangeByIndexes(x.row, meta.col0, x.rows, 1).getVisibleView().load('cellAddresses'));
  }
  if (views.length === 0) return { visible: [], hidden: [] };
  await context.sync();
  const visible = new Set<number>();
  for (const v of views) {
    for (const line of v.cellAddresses as unknown[][]) {
      const m = /(\d+)$/.exec(String(line[0] ?? ''));
      if (m) visible.add(Number(m[1]));
    }
  }
  const all = [...rows].sort((a, b) => a - b);
  return { visible: all.filter((r) => visible.has(r)), hidden: all.filter((r) => !visible.has(r)) };
}
