/**
 * Reading a delivery list (список доставки) from the card operator or the regional committee:
 * .xlsx, or .csv in UTF-8 (with or without BOM), UTF-16 or Windows-1251, separated by `;`, `,` or tab
 * — through the register's shared spreadsheet readers (server/services/spreadsheets: the ZIP guard and
 * taming of untrusted .xlsx, CSV decoding and parsing). The header row is found by its names (the
 * register's own headers, docs/card-operator-register.md, and a few common variants); cells are
 * returned raw — checking them is the import's business.
 */
import ExcelJS from 'exceljs';
import { AppError } from '../../errors';
import { CsvError, readCsv, type CsvEncoding, type CsvTable } from '../spreadsheets/csv';
import { CSV_TABLE_LIMITS, prepareXlsx, xlsxBroken } from '../spreadsheets/xlsx-package';

export type DeliveryColumn = 'memberId' | 'snils' | 'order' | 'surname' | 'name' | 'patronymic' | 'birthDate' | 'status' | 'date';

/** The register's own way to name a member (what the operator has): order number, full name, birth date. */
export const ORDER_KEY_COLUMNS = ['order', 'surname', 'name', 'birthDate'] as const;

export interface DeliveryFileRow {
  /** Row number in the file (1-based, as Excel shows it; the header row counts). */
  row: number;
  cells: Partial<Record<DeliveryColumn, unknown>>;
}

export interface DeliveryFile {
  format: 'xlsx' | 'csv';
  encoding: 'utf-8' | 'utf-16' | 'windows-1251' | null;
  separator: ';' | ',' | '\t' | null;
  headerRow: number;
  columns: DeliveryColumn[];
  rows: DeliveryFileRow[];
}

const HEADER_NAMES: Record<DeliveryColumn, readonly string[]> = {
  memberId: ['id члена профсоюза', 'id', 'идентификатор', 'идентификатор члена профсоюза', 'id в реестре', 'member id', 'member_id', 'memberid'],
  snils: ['снилс', 'номер снилс', 'snils'],
  order: ['номер заявки', 'заявка', 'заявка №', 'номер заявки на эпб'],
  surname: ['фамилия'],
  name: ['имя'],
  patronymic: ['отчество'],
  birthDate: ['дата рождения', 'дата рожд'],
  status: ['статус эпб', 'статус', 'статус билета', 'статус карты', 'статус электронного профсоюзного билета', 'status'],
  date: ['дата статуса', 'дата', 'дата изменения статуса', 'дата доставки', 'date'],
};

export function normaliseHeader(v: unknown): string {
  return String(v ?? '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[«»"'.:*]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function headerMap(cells: readonly unknown[]): Map<DeliveryColumn, number> {
  const out = new Map<DeliveryColumn, number>();
  cells.forEach((c, i) => {
    const h = normaliseHeader(c);
    if (!h) return;
    for (const [col, names] of Object.entries(HEADER_NAMES) as [DeliveryColumn, readonly string[]][]) {
      if (!out.has(col) && names.includes(h)) out.set(col, i);
    }
  });
  return out;
}

const NO_HEADER =
  'В файле не найдена строка заголовков. Нужны «Статус ЭПБ» и «Дата статуса» и то, по чему найти члена Профсоюза: «Номер заявки», «Фамилия», «Имя», «Отчество», «Дата рождения» (как в реестре, выгруженном для оператора), или «ID члена Профсоюза», или «СНИЛС».';

/** Finds the header among the first rows: it names the status and at least one way to identify the member. */
function findHeader(table: readonly (readonly unknown[])[]): { index: number; map: Map<DeliveryColumn, number> } {
  for (let i = 0; i < Math.min(table.length, 20); i++) {
    const map = headerMap(table[i]);
    if (map.has('status') && (map.has('memberId') || map.has('snils') || ORDER_KEY_COLUMNS.every((c) => map.has(c)))) return { index: i, map };
  }
  throw new AppError(422, 'delivery_no_header', NO_HEADER);
}

function rowsFrom(table: readonly (readonly unknown[])[], rowNumbers: readonly number[]): { headerRow: number; columns: DeliveryColumn[]; rows: DeliveryFileRow[] } {
  const { index, map } = findHeader(table);
  const rows: DeliveryFileRow[] = [];
  for (let i = index + 1; i < table.length; i++) {
    const cells: DeliveryFileRow['cells'] = {};
    for (const [col, at] of map) cells[col] = table[i][at];
    rows.push({ row: rowNumbers[i], cells });
  }
  return { headerRow: rowNumbers[index], columns: [...map.keys()], rows };
}

// ------------------------------------------------------------------ CSV

const ENCODINGS: Record<CsvEncoding, DeliveryFile['encoding']> = { 'UTF-8': 'utf-8', 'UTF-16': 'utf-16', 'Windows-1251': 'windows-1251' };

const NOT_TABLE = () => new AppError(422, 'delivery_bad_file', 'Файл не похож на таблицу (.xlsx или .csv). Сохраните список доставки в Excel как .xlsx или .csv.');

// ------------------------------------------------------------------ XLSX

function xlsxCell(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v !== 'object') return v;
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('result' in v) return v.result instanceof Date || typeof v.result !== 'object' ? v.result : null;
  if ('text' in v) return typeof v.text === 'string' ? v.text : null;
  if ('error' in v) return null;
  return null;
}

async function readXlsx(buf: Buffer): Promise<{ table: unknown[][]; rowNumbers: number[] }> {
  // 413 for a zip bomb or too many rows, 415 for an archive that is not a workbook, 422 for a broken one.
  const prepared = await prepareXlsx(buf);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(prepared as unknown as ArrayBuffer);
  } catch {
    throw xlsxBroken();
  }
  const ws = wb.worksheets.find((w) => w.state === 'visible' && w.actualRowCount > 0) ?? wb.worksheets[0];
  const table: unknown[][] = [];
  const rowNumbers: number[] = [];
  if (!ws) return { table, rowNumbers };
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: unknown[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(xlsxCell(row.getCell(c).value));
    table.push(cells);
    rowNumbers.push(n);
  });
  return { table, rowNumbers };
}

const isZip = (buf: Buffer) => buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;

/** Reads a delivery list; 422 with a Russian message when it is not a list we understand. */
export async function readDeliveryFile(buf: Buffer): Promise<DeliveryFile> {
  if (buf.length === 0) throw new AppError(422, 'delivery_empty', 'Файл пустой. Выберите файл списка доставки (.xlsx или .csv).');
  if (isZip(buf)) {
    const { table, rowNumbers } = await readXlsx(buf);
    return { format: 'xlsx', encoding: null, separator: null, ...rowsFrom(table, rowNumbers) };
  }
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0xd0cf11e0) {
    throw new AppError(422, 'delivery_xls', 'Файл в старом формате Excel (.xls). Откройте его в Excel и сохраните как «Книга Excel (*.xlsx)» или «CSV (разделитель — точка с запятой)».');
  }
  let csv: CsvTable;
  try {
    csv = readCsv(buf, CSV_TABLE_LIMITS);
  } catch (err) {
    if (err instanceof CsvError) throw csvProblem(err);
    throw err;
  }
  const table = csv.rows.map((r) => r.cells);
  const rowNumbers = csv.rows.map((r) => r.row);
  return { format: 'csv', encoding: ENCODINGS[csv.encoding], separator: csv.separator, ...rowsFrom(table, rowNumbers) };
}

/** A CSV that cannot be read: broken quotes, not text, or a cap exceeded while reading (server/services/spreadsheets/csv.ts). */
function csvProblem(err: CsvError): AppError {
  if (err.code === 'csv_quote') return new AppError(422, 'delivery_bad_csv', `${err.message}. Проверьте кавычки в этой строке.`);
  if (err.code === 'csv_not_text') return NOT_TABLE();
  const status = err.code === 'csv_too_many_rows' || err.code === 'csv_too_many_cells' ? 413 : 422;
  return new AppError(status, 'delivery_too_large', `${err.message}. Список доставки так не выглядит: удалите лишние (в том числе пустые) строки или разделите список на несколько файлов.`);
}
