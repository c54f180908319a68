/**
 * An uploaded .xlsx is an untrusted ZIP archive of XML parts, and exceljs trusts it completely:
 * it inflates every part into memory without a limit, creates one object per cell of a data
 * validation range (a dropdown on a whole column, J2:J1048576, costs a million objects and ten
 * seconds) and one cell per cell of a merged area. Before exceljs sees the file:
 *  1. the ZIP guard of the documents service (server/services/documents/zip-guard.ts) reads the
 *     central directory and inflates every entry under a hard cap — a zip bomb is refused (413);
 *  2. the package must be an Excel workbook (not OpenDocument, not a Word document);
 *  3. rows and cells are counted in the sheet XML (more than a register ever holds → 413);
 *  4. data validation ranges are clamped to the used rows (plus spare rows) and giant merged areas
 *     are dropped — they are typing help and looks, never data.
 */
import JSZip from 'jszip';
import { AppError } from '../../errors';
import { scanZip, ZipRejected, type ZipLimits } from '../documents/zip-guard';
import { formatFileSize } from '../../../domain/text';
import type { CsvLimits } from './csv';

/** A register of 30,000 members unpacks to about 50 MB of XML. */
export const XLSX_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2000,
  maxUnpackedBytes: 128 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 32 * 1024 * 1024,
};

/** Row elements over all sheets: members (30,000), their header, and rows that only carry formatting. */
export const XLSX_MAX_ROW_ELEMENTS = 60_000;
/** Cells over all sheets (exceljs keeps ~400 bytes per cell in memory). */
export const XLSX_MAX_CELLS = 1_000_000;
/** Columns in one row of a table (Excel's own limit: XFD = 16,384). */
export const TABLE_MAX_COLUMNS = 16_384;
/** Characters in one cell (Excel's own limit, «Excel specifications and limits»: 32,767). */
export const TABLE_MAX_CELL_CHARS = 32_767;

/** The caps a CSV table is read under (server/services/spreadsheets/csv.ts checks them while reading). */
export const CSV_TABLE_LIMITS: CsvLimits = {
  maxRecords: XLSX_MAX_ROW_ELEMENTS,
  maxColumns: TABLE_MAX_COLUMNS,
  maxCells: XLSX_MAX_CELLS,
  maxCellChars: TABLE_MAX_CELL_CHARS,
};

/** Data validation is kept this many rows below the last used row (room to type new members). */
export const VALIDATION_SPARE_ROWS = 1000;
const VALIDATION_MAX_CELLS_PER_RANGE = 200_000;
const VALIDATION_MAX_CELLS_PER_SHEET = 500_000;
const MERGE_MAX_CELLS = 10_000;
const MERGE_MAX_CELLS_PER_SHEET = 100_000;
const MAX_COL = TABLE_MAX_COLUMNS;
const MAX_ROW = 1_048_576;

export const xlsxBroken = () =>
  new AppError(
    422,
    'upload_broken',
    'Файл .xlsx повреждён или сохранён в необычном виде (например, защищён паролем), и прочитать его не удаётся. Откройте его в Excel, LibreOffice или МойОфис и сохраните заново как «Книга Excel (*.xlsx)» без пароля.',
  );

const unpacksTooLarge = () =>
  new AppError(
    413,
    'upload_unpacks_too_large',
    `Файл .xlsx распаковывается в слишком большой объём (больше ${formatFileSize(XLSX_ZIP_LIMITS.maxUnpackedBytes)}) — у списка членов Профсоюза так не бывает. Скопируйте список на чистый лист новой книги без картинок и лишних листов и загрузите её.`,
  );

const tooManyCells = (what: string) =>
  new AppError(413, 'upload_too_many_rows', `В файле слишком много ${what} для одного списка. Оставьте в книге только список членов Профсоюза (до 30 000 строк) или разделите его на части.`);

function notWorkbook(zip: JSZip, mimetype: string | null): AppError {
  if (mimetype?.includes('opendocument.spreadsheet')) {
    return new AppError(
      415,
      'upload_not_spreadsheet',
      'Файл сохранён в формате OpenDocument (.ods). В LibreOffice или МойОфис выберите «Сохранить как» → «Книга Excel 2007–365 (.xlsx)» (или CSV) и загрузите новый файл.',
    );
  }
  if (zip.file('word/document.xml')) {
    return new AppError(415, 'upload_not_spreadsheet', 'Это документ Word, а не таблица. Загрузите список членов Профсоюза в виде книги Excel (.xlsx) или файла CSV.');
  }
  return new AppError(415, 'upload_not_spreadsheet', 'Этот архив — не книга Excel. Загрузите список членов Профсоюза в виде книги Excel (.xlsx) или файла CSV.');
}

// ---------------------------------------------------------------------------------- cell references

interface Area {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function colNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function colLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** "A1", "$A$1:$B$5", "A:A", "3:3" → an area; null for anything else. */
export function parseArea(ref: string): Area | null {
  const parts = ref.replace(/\$/g, '').split(':');
  if (parts.length > 2) return null;
  const ends = parts.map((p) => /^([A-Za-z]{1,3})?(\d{1,7})?$/.exec(p));
  if (ends.some((m) => !m || (!m[1] && !m[2]))) return null;
  const [a, b] = [ends[0]!, ends[ends.length - 1]!];
  const area: Area = {
    left: a[1] ? colNumber(a[1]) : 1,
    top: a[2] ? Number(a[2]) : 1,
    right: b[1] ? colNumber(b[1]) : MAX_COL,
    bottom: b[2] ? Number(b[2]) : MAX_ROW,
  };
  if (parts.length === 1 && (!a[1] || !a[2])) return null;
  if (area.left > area.right || area.top > area.bottom || area.right > MAX_COL || area.bottom > MAX_ROW || area.top < 1 || area.left < 1) return null;
  return area;
}

function areaRef(a: Area): string {
  const tl = `${colLetters(a.left)}${a.top}`;
  return a.top === a.bottom && a.left === a.right ? tl : `${tl}:${colLetters(a.right)}${a.bottom}`;
}

const cellsOf = (a: Area) => (a.bottom - a.top + 1) * (a.right - a.left + 1);

/** The used area of a sheet part: the last row element, and the last column of its <dimension>. */
function usedArea(xml: string): { lastRow: number; lastCol: number } {
  const dim = /<(?:\w+:)?dimension\s+ref="([^"]*)"/.exec(xml);
  const area = dim ? parseArea(dim[1]) : null;
  let lastRow = 0;
  const rowTag = /<(?:\w+:)?row\b[^>]*?\sr="(\d+)"/g;
  for (let m = rowTag.exec(xml); m; m = rowTag.exec(xml)) lastRow = Math.max(lastRow, Number(m[1]));
  return { lastRow: Math.max(1, lastRow), lastCol: area && area.right < MAX_COL ? area.right : MAX_COL };
}

/**
 * Clamps data validation ranges to the used rows plus VALIDATION_SPARE_ROWS and drops merged areas
 * that are larger than any real header. Returns the XML unchanged when nothing is too big.
 */
export function tameSheetXml(xml: string): string {
  if (!/<(?:\w+:)?(dataValidation|mergeCell)\b/.test(xml)) return xml;
  const { lastRow, lastCol } = usedArea(xml);
  let validationCells = 0;
  let out = xml.replace(/(<(?:\w+:)?dataValidation\b[^>]*?\ssqref=")([^"]*)(")/g, (_m, open: string, sqref: string, close: string) => {
    const kept: string[] = [];
    let first: Area | null = null;
    for (const token of sqref.trim().split(/\s+/)) {
      const a = parseArea(token);
      if (!a) continue;
      first ??= a;
      const clamped: Area = {
        ...a,
        bottom: Math.min(a.bottom, Math.max(lastRow, a.top) + VALIDATION_SPARE_ROWS),
        right: Math.min(a.right, Math.max(lastCol, a.left)),
      };
      const n = cellsOf(clamped);
      if (n > VALIDATION_MAX_CELLS_PER_RANGE || validationCells + n > VALIDATION_MAX_CELLS_PER_SHEET) continue;
      validationCells += n;
      kept.push(areaRef(clamped));
    }
    // A rule must keep some range: its first cell is inside the original one.
    if (!kept.length) kept.push(first ? areaRef({ top: first.top, left: first.left, bottom: first.top, right: first.left }) : 'A1');
    return `${open}${kept.join(' ')}${close}`;
  });
  let mergedCells = 0;
  out = out.replace(/<(?:\w+:)?mergeCell\s+ref="([^"]*)"\s*\/>/g, (m, ref: string) => {
    const a = parseArea(ref);
    if (!a) return '';
    const n = cellsOf(a);
    if (n > MERGE_MAX_CELLS || mergedCells + n > MERGE_MAX_CELLS_PER_SHEET) return '';
    mergedCells += n;
    return m;
  });
  return out;
}

/**
 * Checks and tames an uploaded .xlsx; returns the bytes to hand to exceljs (the same buffer when
 * nothing had to change). Throws AppError 413 (bomb, too many rows or cells), 415 (not an Excel
 * workbook), 422 (broken).
 */
export async function prepareXlsx(buf: Buffer): Promise<Buffer> {
  const counts = { rows: 0, cells: 0, strings: 0 };
  try {
    // Rows and cells are counted while each part is inflated, never holding a part whole: a sheet of
    // millions of rows stops at the cap after a few megabytes, whatever it unpacks to.
    await scanZip(buf, XLSX_ZIP_LIMITS, (name) => {
      if (/^xl\/worksheets\/[^/]+\.xml$/i.test(name)) {
        return tagCounter([
          [ROW_TAG, () => ++counts.rows > XLSX_MAX_ROW_ELEMENTS && tooManyCells('строк')],
          [CELL_TAG, () => ++counts.cells > XLSX_MAX_CELLS && tooManyCells('заполненных ячеек')],
        ]);
      }
      // Each shared string is the text of at least one cell: more strings than cells is not a list.
      if (/^xl\/sharedStrings\.xml$/i.test(name)) return tagCounter([[STRING_TAG, () => ++counts.strings > XLSX_MAX_CELLS && tooManyCells('заполненных ячеек')]]);
      return null;
    });
  } catch (err) {
    if (err instanceof ZipRejected) throw err.status === 413 ? unpacksTooLarge() : xlsxBroken();
    throw err;
  }
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(buf);
  } catch {
    throw xlsxBroken();
  }
  if (!zip.file('xl/workbook.xml')) {
    const mimetype = zip.file('mimetype') ? await zip.file('mimetype')!.async('string') : null;
    throw notWorkbook(zip, mimetype);
  }
  let changed = false;
  const sheets = Object.keys(zip.files).filter((name) => /^xl\/worksheets\/[^/]+\.xml$/i.test(name));
  for (const name of sheets) {
    const xml = await zip.file(name)!.async('string');
    const tamed = tameSheetXml(xml);
    if (tamed !== xml) {
      zip.file(name, tamed);
      changed = true;
    }
  }
  return changed ? zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' }) : buf;
}

const ROW_TAG = /<(?:\w{1,8}:)?row[\s>/]/g;
const CELL_TAG = /<(?:\w{1,8}:)?c[\s>/]/g;
const STRING_TAG = /<(?:\w{1,8}:)?si[\s>/]/g;
/** Longer than any of the tags above, so a tag cut between two pieces is whole in the next window. */
const CARRY = 16;

/**
 * Counts tags in a part that arrives piece by piece; `onTag` returns an error to throw (or false).
 * A match is counted in the window where it ends, so a tag split between pieces counts once.
 */
export function tagCounter(tags: readonly (readonly [RegExp, () => AppError | false])[]): (piece: Buffer) => void {
  let carry = '';
  return (piece) => {
    const text = carry + piece.toString('latin1');
    for (const [re, onTag] of tags) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m.index + m[0].length <= carry.length) continue;
        const err = onTag();
        if (err) throw err;
      }
    }
    carry = text.slice(-CARRY);
  };
}
