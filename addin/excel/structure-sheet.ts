/**
 * The sheet «Структура»: профбюро and профгруппы as an Excel table (structure-layout.ts), with the
 * registry id in a hidden column. Kinds and states are dropdowns from «Списки». Columns are found
 * by header; rows are read and written in chunks like the member table (one sync per chunk).
 */
import type { ExcelCapabilities } from './capabilities';
import { BASELINE_CAPABILITIES } from './capabilities';
import { listSource, probeListsSheet, queueWriteLists } from './lists';
import {
  cellText,
  chunkLimits,
  isBlankCell,
  jsonBytes,
  normalizeHeader,
  officeErrorCode,
  planChunks,
  rangeAddress,
  readRowsInChunks,
  SheetError,
  widthInPoints,
  type ChunkLimits,
} from './sheet-utils';
import { STRUCTURE_COLUMNS, STRUCTURE_SHEET_NAME, STRUCTURE_TABLE_NAME, UNIT_KINDS, UNIT_STATUSES, type StructureColumn, type StructureColumnKey } from './structure-layout';

export interface StructureUnitCells {
  id: string | null;
  /** Name of the профбюро this unit belongs to; null: the primary organisation itself. */
  parentName: string | null;
  /** Label as in the sheet («Профбюро»/«Профгруппа»); codes are accepted when writing. */
  kind: string | null;
  name: string | null;
  /** Label («Действует»/«Закрыто»); codes are accepted when writing. */
  status: string | null;
}

export interface StructureRow extends StructureUnitCells {
  /** Excel row number. */
  row: number;
}

interface StructureMeta {
  table: Excel.Table;
  sheet: Excel.Worksheet;
  sheetName: string;
  headerRow0: number;
  col0: number;
  width: number;
  bodyRow0: number;
  bodyRows: number;
  position: Partial<Record<StructureColumnKey, number>>;
}

export function mapStructureHeaders(headers: readonly unknown[]): Partial<Record<StructureColumnKey, number>> {
  const norm = headers.map(normalizeHeader);
  const position: Partial<Record<StructureColumnKey, number>> = {};
  for (const c of STRUCTURE_COLUMNS) {
    const i = norm.indexOf(normalizeHeader(c.header));
    if (i >= 0) position[c.key] = i;
  }
  return position;
}

async function loadStructureTable(context: Excel.RequestContext): Promise<StructureMeta> {
  const table = context.workbook.tables.getItem(STRUCTURE_TABLE_NAME);
  const header = table.getHeaderRowRange().load('values, rowIndex, columnIndex, columnCount');
  const body = table.getDataBodyRange().load('rowIndex, rowCount');
  const sheet = table.worksheet;
  sheet.load('name');
  try {
    await context.sync();
  } catch (err) {
    if (officeErrorCode(err) === 'ItemNotFound') {
      throw new SheetError('table_missing', `Таблица структуры не найдена. Откройте в панели раздел «Структура» — лист «${STRUCTURE_SHEET_NAME}» будет создан.`);
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
    position: mapStructureHeaders(header.values[0]),
  };
}

function queueColumnFormat(sheet: Excel.Worksheet, headerRow0: number, bodyRow0: number, bodyRows: number, col: number, def: StructureColumn): void {
  const body = sheet.getRangeByIndexes(bodyRow0, col, bodyRows, 1);
  body.numberFormat = [['@']];
  body.dataValidation.clear();
  if (def.list) {
    body.dataValidation.rule = { list: { inCellDropDown: true, source: listSource(def.list) } };
    body.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: def.header.slice(0, 32), message: `Выберите значение из списка. ${def.help}`.slice(0, 255) };
  }
  const head = sheet.getRangeByIndexes(headerRow0, col, 1, 1);
  head.format.columnWidth = widthInPoints(def.width);
  if (def.hidden) head.columnHidden = true;
}

function queueFormats(m: { sheet: Excel.Worksheet; headerRow0: number; bodyRow0: number; col0: number }, bodyRows: number, position: Partial<Record<StructureColumnKey, number>>): void {
  for (const def of STRUCTURE_COLUMNS) {
    const p = position[def.key];
    if (p !== undefined) queueColumnFormat(m.sheet, m.headerRow0, m.bodyRow0, bodyRows, m.col0 + p, def);
  }
}

/** Creates the structure table (or repairs one that lost columns); rows are kept. */
export async function createStructureSheet(context: Excel.RequestContext): Promise<{ created: boolean; addedColumns: string[]; syncs: number }> {
  const sheetProbe = context.workbook.worksheets.getItemOrNullObject(STRUCTURE_SHEET_NAME);
  sheetProbe.load('name');
  const tableProbe = context.workbook.tables.getItemOrNullObject(STRUCTURE_TABLE_NAME);
  tableProbe.load('name');
  const listsProbe = probeListsSheet(context);
  await context.sync();
  let syncs = 1;
  let meta: StructureMeta | null = null;
  if (!tableProbe.isNullObject) {
    meta = await loadStructureTable(context);
    syncs++;
  } else if (!sheetProbe.isNullObject) {
    const used = sheetProbe.getUsedRangeOrNullObject(true);
    used.load('address');
    await context.sync();
    syncs++;
    if (!used.isNullObject) {
      throw new SheetError('sheet_occupied', `На листе «${STRUCTURE_SHEET_NAME}» уже есть данные, но нет таблицы структуры. Переименуйте этот лист и откройте раздел «Структура» снова.`);
    }
  }
  queueWriteLists(context, listsProbe);
  const addedColumns: string[] = [];
  if (meta === null) {
    const sheet = sheetProbe.isNullObject ? context.workbook.worksheets.add(STRUCTURE_SHEET_NAME) : sheetProbe;
    const headers = STRUCTURE_COLUMNS.map((c) => c.header);
    const head = sheet.getRangeByIndexes(0, 0, 1, headers.length);
    head.numberFormat = [['@']];
    head.values = [headers];
    head.format.font.bold = true;
    const table = sheet.tables.add(rangeAddress(1, 0, 1, headers.length), true);
    table.name = STRUCTURE_TABLE_NAME;
    table.style = 'TableStyleMedium2';
    queueFormats({ sheet, headerRow0: 0, bodyRow0: 1, col0: 0 }, 1, Object.fromEntries(STRUCTURE_COLUMNS.map((c, i) => [c.key, i])));
    sheet.freezePanes.freezeRows(1);
  } else {
    const position = { ...meta.position };
    let width = meta.width;
    for (const def of STRUCTURE_COLUMNS) {
      if (position[def.key] !== undefined) continue;
      meta.table.columns.add(undefined, undefined, def.header);
      position[def.key] = width++;
      addedColumns.push(def.header);
    }
    queueFormats(meta, meta.bodyRows, position);
    meta.sheet.freezePanes.freezeRows(meta.headerRow0 + 1);
  }
  await context.sync();
  syncs++;
  return { created: meta === null, addedColumns, syncs };
}

/** Reads the units (blank rows skipped, row numbers kept). One sync plus one per chunk. */
export async function readStructure(context: Excel.RequestContext, opts: { limits?: Partial<ChunkLimits> } = {}): Promise<{ rows: StructureRow[]; syncs: number }> {
  const limits = chunkLimits(opts.limits);
  const meta = await loadStructureTable(context);
  const missing = STRUCTURE_COLUMNS.filter((c) => meta.position[c.key] === undefined);
  if (missing.length) {
    throw new SheetError('columns_missing', `В таблице структуры нет столбцов: ${missing.map((c) => `«${c.header}»`).join(', ')}. Откройте раздел «Структура» заново — столбцы будут добавлены.`);
  }
  const rows: StructureRow[] = [];
  const at = (cells: unknown[], key: StructureColumnKey): string | null => {
    const s = cellText(cells[meta.position[key] as number]).trim();
    return s === '' ? null : s;
  };
  const stats = await readRowsInChunks(
    context,
    meta.bodyRows,
    meta.width,
    (start, count) => meta.sheet.getRangeByIndexes(meta.bodyRow0 + start, meta.col0, count, meta.width),
    (start, values) =>
      values.forEach((cells, i) => {
        if (STRUCTURE_COLUMNS.every((c) => isBlankCell(cells[meta.position[c.key] as number]))) return;
        rows.push({ row: meta.bodyRow0 + start + i + 1, id: at(cells, 'id'), parentName: at(cells, 'parentName'), kind: at(cells, 'kind'), name: at(cells, 'name'), status: at(cells, 'status') });
      }),
    limits,
  );
  return { rows, syncs: 1 + stats.syncs };
}

function label(options: readonly { code: string; label: string }[], v: string | null): string {
  if (v === null) return '';
  return options.find((o) => o.code === v)?.label ?? v;
}

/**
 * Replaces the table body with the registry's units (creating the sheet if needed): the table is
 * sized once, then one sync per chunk.
 */
export async function writeStructure(
  context: Excel.RequestContext,
  units: readonly StructureUnitCells[],
  opts: { caps?: ExcelCapabilities; limits?: Partial<ChunkLimits> } = {},
): Promise<{ rows: number; syncs: number }> {
  const caps = opts.caps ?? BASELINE_CAPABILITIES;
  const limits = chunkLimits(opts.limits);
  let syncs = 0;
  let meta: StructureMeta;
  try {
    meta = await loadStructureTable(context);
    syncs++;
  } catch (err) {
    if (!(err instanceof SheetError) || err.code !== 'table_missing') throw err;
    syncs += 1 + (await createStructureSheet(context)).syncs;
    meta = await loadStructureTable(context);
    syncs++;
  }
  if (STRUCTURE_COLUMNS.some((c) => meta.position[c.key] === undefined)) {
    syncs += (await createStructureSheet(context)).syncs;
    meta = await loadStructureTable(context);
    syncs++;
  }
  const keyAt: (StructureColumnKey | null)[] = Array.from({ length: meta.width }, () => null);
  for (const c of STRUCTURE_COLUMNS) keyAt[meta.position[c.key] as number] = c.key;
  const grid = units.map((u) =>
    keyAt.map((k) => {
      if (k === 'kind') return label(UNIT_KINDS, u.kind);
      if (k === 'status') return label(UNIT_STATUSES, u.status);
      return k === null ? '' : (u[k] ?? '');
    }),
  );
  const n = Math.max(units.length, 1);
  const formats = keyAt.map(() => '@');
  const spans = planChunks(grid.length, (i) => ({ bytes: jsonBytes(grid[i]) + jsonBytes(formats) + (caps.tableResize ? 0 : meta.width * 3) }), limits, { bytes: 20_000 });
  const prepare = (): void => {
    const old = meta.sheet.getRangeByIndexes(meta.bodyRow0, meta.col0, meta.bodyRows, meta.width);
    old.clear('Contents');
    if (caps.tableResize) meta.table.resize(rangeAddress(meta.headerRow0 + 1, meta.col0, 1 + n, meta.width, meta.sheetName));
    else if (meta.bodyRows > n) meta.sheet.getRangeByIndexes(meta.bodyRow0 + n, meta.col0, meta.bodyRows - n, meta.width).delete('Up');
  };
  const finish = (): void => queueFormats(meta, n, meta.position);
  if (spans.length === 0) {
    prepare();
    finish();
    await context.sync();
    return { rows: 0, syncs: syncs + 1 };
  }
  for (let s = 0; s < spans.length; s++) {
    const { start, end } = spans[s];
    if (s === 0) prepare();
    const tableRows = Math.max(meta.bodyRows, start);
    if (!caps.tableResize && end > tableRows) {
      meta.table.rows.add(undefined, Array.from({ length: end - tableRows }, () => keyAt.map(() => '')));
    }
    const range = meta.sheet.getRangeByIndexes(meta.bodyRow0 + start, meta.col0, end - start, meta.width);
    range.numberFormat = Array.from({ length: end - start }, () => formats);
    range.values = grid.slice(start, end);
    if (s === spans.length - 1) finish();
    await context.sync();
    syncs++;
  }
  return { rows: units.length, syncs };
}
