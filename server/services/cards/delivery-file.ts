/**
 * Reading a delivery list (список доставки) from the card operator or the regional committee:
 * .xlsx, or .csv in UTF-8 (with or without BOM), UTF-16 or Windows-1251, separated by `;`, `,` or tab.
 * The header row is found by its names (the register's own headers, docs/card-operator-register.md,
 * and a few common variants); cells are returned raw — checking them is the import's business.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../../errors';
import { guardXlsxZip } from './zip-limits';

export type DeliveryColumn = 'memberId' | 'snils' | 'status' | 'date';

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
  'В файле не найдена строка заголовков. Нужны столбцы «ID члена Профсоюза» и/или «СНИЛС», «Статус ЭПБ» и «Дата статуса» (как в реестре, выгруженном для оператора).';

/** Finds the header among the first rows: it names the status and at least one way to identify the member. */
function findHeader(table: readonly (readonly unknown[])[]): { index: number; map: Map<DeliveryColumn, number> } {
  for (let i = 0; i < Math.min(table.length, 20); i++) {
    const map = headerMap(table[i]);
    if (map.has('status') && (map.has('memberId') || map.has('snils'))) return { index: i, map };
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

/** Bytes → text: BOM first, then strict UTF-8, else Windows-1251 (what Excel «CSV (разделители — запятые)» writes in Russia). */
export function decodeText(buf: Buffer): { text: string; encoding: DeliveryFile['encoding'] } {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8' };
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), 'utf16le'), encoding: 'utf-16' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf16be'), encoding: 'utf-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(buf, 'win1251'), encoding: 'windows-1251' };
  }
}

/** The separator of the first non-empty line: the most frequent of `;`, `,` and tab outside quotes (`;` on a tie). */
export function detectSeparator(text: string): ';' | ',' | '\t' {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  let seen = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (seen) break;
    } else if (!quoted && (ch === ';' || ch === ',' || ch === '\t')) {
      counts[ch]++;
      seen = true;
    } else if (ch.trim()) seen = true;
  }
  if (counts['\t'] > counts[';'] && counts['\t'] > counts[',']) return '\t';
  return counts[','] > counts[';'] ? ',' : ';';
}

/** RFC 4180 records (quotes doubled inside quoted fields, line breaks allowed inside quotes). */
export function parseCsv(text: string, sep: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      out.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    out.push(row);
  }
  return out;
}

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
  guardXlsxZip(buf);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new AppError(422, 'delivery_bad_file', 'Файл .xlsx не читается. Откройте его в Excel, сохраните заново как «Книга Excel (*.xlsx)» и загрузите снова.');
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
  const { text, encoding } = decodeText(buf);
  if (text.includes('\u0000')) throw new AppError(422, 'delivery_bad_file', 'Файл не похож на таблицу (.xlsx или .csv). Сохраните список доставки в Excel как .xlsx или .csv.');
  const separator = detectSeparator(text);
  const records = parseCsv(text, separator);
  const table: string[][] = [];
  const rowNumbers: number[] = [];
  records.forEach((r, i) => {
    if (r.every((c) => c.trim() === '')) return;
    table.push(r);
    rowNumbers.push(i + 1);
  });
  return { format: 'csv', encoding, separator, ...rowsFrom(table, rowNumbers) };
}
