/**
 * A small, typed fake of the part of the Excel JavaScript API that addin/excel uses, for jest and
 * for the browser tests (no Node imports, no globals: bundle it into a page as is).
 *
 * Faithful where our code could go wrong:
 * - a batch is queued and runs only at `context.sync()`; reading a property before `load()` + `sync()`
 *   throws `PropertyNotLoaded`, and `isNullObject` is readable only after the object took part in a sync;
 * - a request above the payload cap (5 MB on Excel on the web) is refused whole with
 *   `RequestPayloadSizeLimitExceeded`; a response above it with `ResponsePayloadSizeLimitExceeded`;
 *   every sync is recorded with its action count and payload estimate;
 * - errors surface at sync time with Office.js codes (`ItemNotFound`, `InvalidArgument`, …), and the
 *   actions before the failing one stay applied, as in Excel;
 * - `values` must match the range's shape; `null` in an input array leaves a cell unchanged; strings
 *   written into a non-text cell are parsed the way Excel (ru-RU) parses typed input ("0123" → 123,
 *   "01.02.1990" → a date serial), so a column without the '@' format loses leading zeros here too;
 * - cell-level properties cannot be set on whole columns/rows; `getRanges` refuses addresses above
 *   255 characters; a cell holds at most one note and one comment thread;
 * - a table always keeps a header row and at least one body row; new rows from `rows.add` copy the
 *   number formats of the row above; deleting cells shifts the cells, notes and comments below.
 * - rows hidden by a filter or by hand: `Range.rowHidden` is true when all rows of the range are
 *   hidden, false when none, null when some (ExcelApi 1.2, docs «Excel.Range.rowHidden»);
 *   `Range.getVisibleView()` gives a RangeView of only the visible rows, whose `cellAddresses`,
 *   `values` and `rowCount` load like a range's (ExcelApi 1.3, docs «Excel.RangeView»). Rows a
 *   table's AutoFilter hides are hidden rows to both (Excel's own «visible cells only» rule).
 * - what a chair does by hand while a request is in flight (the test handle: `sortTable`,
 *   `deleteTableRows`, `insertTableRows`, `filterTable`): sorting moves whole table rows — values,
 *   number formats, fills, notes and comments travel with their cells (Excel's «Sort» moves notes
 *   and comments with the sorted cells); deleting or inserting table rows shifts the rows below.
 * Not modelled: formulas, calculation, styles beyond what tests read, events, undo.
 */

type Scalar = string | number | boolean;

const ROWS = 1_048_576;
const COLS = 16_384;
const ACTION_OVERHEAD_BYTES = 40;

export interface FakeExcelOptions {
  /** Refuse requests and responses above this many bytes (default 5,000,000). */
  payloadCap?: number;
  /** Sheets of the new workbook (default one sheet «Лист1»). */
  sheets?: string[];
  /** Longest `getRanges` address (default 255). */
  rangeAreasAddressMax?: number;
}

export interface SyncRecord {
  actions: number;
  requestBytes: number;
  responseBytes: number;
}

export class FakeOfficeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RichApi.Error';
  }
}

interface Rect {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

interface CellModel {
  value: Scalar;
  nf?: string;
  nfSeq: number;
  fill: string | null;
  bold?: boolean;
}

interface ValidationModel {
  rule?: unknown;
  errorAlert?: unknown;
  prompt?: unknown;
}

interface NoteModel {
  content: string;
}

interface CommentModel {
  id: string;
  content: string;
}

class SheetModel {
  visibility: 'Visible' | 'Hidden' | 'VeryHidden' = 'Visible';
  readonly cells = new Map<number, CellModel>();
  readonly nfLayers: { rect: Rect; nf: string; seq: number }[] = [];
  readonly colWidths = new Map<number, number>();
  readonly hiddenCols = new Set<number>();
  /** 0-based sheet rows hidden (by hand or by a filter). */
  readonly hiddenRows = new Set<number>();
  frozenRows = 0;
  readonly validation = new Map<number, ValidationModel>();
  readonly notes = new Map<number, NoteModel>();
  readonly comments = new Map<number, CommentModel>();
  readonly styleLog: { rect: Rect; prop: string; value: unknown }[] = [];
  constructor(public name: string) {}
}

interface TableModel {
  name: string;
  sheet: SheetModel;
  rect: Rect; // header row included
  style: string;
}

interface RangeRef {
  sheet: SheetModel;
  rect: Rect;
}

const key = (r: number, c: number): number => r * COLS + c;

function fail(code: string, message: string): never {
  throw new FakeOfficeError(code, message);
}

function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

const bytesOf = (v: unknown): number => utf8Bytes(JSON.stringify(v) ?? '');

function colLetter(c: number): string {
  let n = c + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function colIndex(s: string): number {
  let n = 0;
  for (const ch of s.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function parseRef(ref: string): Rect {
  const r = ref.replace(/\$/g, '').toUpperCase().trim();
  const [a, b = a] = r.split(':');
  const cell = /^([A-Z]{1,3})(\d+)$/;
  const m1 = cell.exec(a);
  const m2 = cell.exec(b);
  if (m1 && m2) {
    const r1 = Number(m1[2]) - 1;
    const r2 = Number(m2[2]) - 1;
    const c1 = colIndex(m1[1]);
    const c2 = colIndex(m2[1]);
    if (r1 < 0 || r2 < 0 || r1 >= ROWS || r2 >= ROWS || c1 >= COLS || c2 >= COLS) fail('InvalidArgument', `bad address ${ref}`);
    return { row: Math.min(r1, r2), col: Math.min(c1, c2), rows: Math.abs(r2 - r1) + 1, cols: Math.abs(c2 - c1) + 1 };
  }
  if (/^[A-Z]{1,3}$/.test(a) && /^[A-Z]{1,3}$/.test(b)) {
    const c1 = colIndex(a);
    const c2 = colIndex(b);
    return { row: 0, col: Math.min(c1, c2), rows: ROWS, cols: Math.abs(c2 - c1) + 1 };
  }
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const r1 = Number(a) - 1;
    const r2 = Number(b) - 1;
    return { row: Math.min(r1, r2), col: 0, rows: Math.abs(r2 - r1) + 1, cols: COLS };
  }
  return fail('InvalidArgument', `The argument is invalid or missing or has an incorrect format: ${ref}`);
}

function splitQualified(address: string): { sheet: string | null; ref: string } {
  const bang = address.lastIndexOf('!');
  if (bang < 0) return { sheet: null, ref: address.trim() };
  let s = address.slice(0, bang).trim();
  if (s.startsWith("'") && s.endsWith("'")) s = s.slice(1, -1).replace(/''/g, "'");
  return { sheet: s, ref: address.slice(bang + 1).trim() };
}

function splitList(address: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < address.length; i++) {
    const ch = address[i];
    if (ch === "'") {
      if (q && address[i + 1] === "'") {
        cur += "''";
        i++;
        continue;
      }
      q = !q;
      cur += ch;
    } else if (!q && (ch === ',' || ch === ';')) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out.filter((s) => s.length > 0);
}

function qualifiedSheetName(name: string): string {
  return /^[A-Za-zА-Яа-яЁё_][A-Za-z0-9А-Яа-яЁё_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function refText(rect: Rect): string {
  if (rect.rows === ROWS) return `${colLetter(rect.col)}:${colLetter(rect.col + rect.cols - 1)}`;
  if (rect.cols === COLS) return `${rect.row + 1}:${rect.row + rect.rows}`;
  const a = `${colLetter(rect.col)}${rect.row + 1}`;
  return rect.rows === 1 && rect.cols === 1 ? a : `${a}:${colLetter(rect.col + rect.cols - 1)}${rect.row + rect.rows}`;
}

const isUnbounded = (r: Rect): boolean => r.rows === ROWS || r.cols === COLS;

function intersects(a: Rect, b: Rect): boolean {
  return a.row < b.row + b.rows && b.row < a.row + a.rows && a.col < b.col + b.cols && b.col < a.col + a.cols;
}

function excelSerial(y: number, m: number, d: number): number | null {
  const ms = Date.UTC(y, m - 1, d);
  const dt = new Date(ms);
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d || y < 1900) return null;
  return Math.round((ms - Date.UTC(1899, 11, 30)) / 86_400_000);
}

// ====================================================================== the workbook model

class WorkbookModel {
  readonly sheets: SheetModel[] = [];
  readonly tables: TableModel[] = [];
  activeSheet: SheetModel;
  selection: { sheet: SheetModel; rects: Rect[] };
  private seq = 1;
  private nextCommentId = 1;

  constructor(names: string[]) {
    for (const n of names) this.sheets.push(new SheetModel(n));
    this.activeSheet = this.sheets[0];
    this.selection = { sheet: this.sheets[0], rects: [{ row: 0, col: 0, rows: 1, cols: 1 }] };
  }

  findSheet(name: string): SheetModel | undefined {
    const n = name.toLowerCase();
    return this.sheets.find((s) => s.name.toLowerCase() === n);
  }

  findTable(name: string): TableModel | undefined {
    const n = name.toLowerCase();
    return this.tables.find((t) => t.name.toLowerCase() === n);
  }

  addSheet(name: string): SheetModel {
    if (!name || name.length > 31 || /[[\]:*?/\\]/.test(name) || name.startsWith("'") || name.endsWith("'")) fail('InvalidArgument', `bad sheet name ${name}`);
    if (this.findSheet(name)) fail('ItemAlreadyExists', `A sheet named ${name} already exists.`);
    const s = new SheetModel(name);
    this.sheets.push(s);
    return s;
  }

  nextSeq(): number {
    return this.seq++;
  }

  newCommentId(): string {
    return `c${this.nextCommentId++}`;
  }

  // --- cells

  cell(s: SheetModel, r: number, c: number): CellModel | undefined {
    return s.cells.get(key(r, c));
  }

  ensureCell(s: SheetModel, r: number, c: number): CellModel {
    const k = key(r, c);
    let cell = s.cells.get(k);
    if (!cell) {
      cell = { value: '', nfSeq: 0, fill: null };
      s.cells.set(k, cell);
    }
    return cell;
  }

  numberFormatAt(s: SheetModel, r: number, c: number): string {
    const cell = this.cell(s, r, c);
    let best = cell?.nf !== undefined ? { nf: cell.nf, seq: cell.nfSeq } : { nf: 'General', seq: 0 };
    for (const layer of s.nfLayers) {
      if (layer.seq > best.seq && r >= layer.rect.row && r < layer.rect.row + layer.rect.rows && c >= layer.rect.col && c < layer.rect.col + layer.rect.cols) {
        best = { nf: layer.nf, seq: layer.seq };
      }
    }
    return best.nf;
  }

  /** Stores a value the way Excel stores typed input. */
  writeValue(s: SheetModel, r: number, c: number, v: unknown): void {
    if (v === null || v === undefined) return; // null leaves the cell unchanged
    let value: Scalar;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) fail('InvalidArgument', 'not a finite number');
      value = v;
    } else if (typeof v === 'boolean') value = v;
    else if (typeof v === 'string') value = this.parseTyped(v, this.numberFormatAt(s, r, c));
    else return fail('InvalidArgument', `unsupported value ${typeof v}`);
    if (typeof value === 'string' && value.length > 32767) fail('InvalidArgument', 'text longer than 32767 characters');
    if (value === '') {
      const cell = this.cell(s, r, c);
      if (cell) cell.value = '';
      return;
    }
    this.ensureCell(s, r, c).value = value;
  }

  private parseTyped(v: string, nf: string): Scalar {
    if (nf === '@' || v === '') return v;
    if (v.startsWith('=')) return '#NAME?';
    if (/^[+-]?\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim());
    const m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v.trim());
    if (m) {
      const serial = excelSerial(Number(m[3]), Number(m[2]), Number(m[1]));
      if (serial !== null) return serial;
    }
    const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
    if (iso) {
      const serial = excelSerial(Number(iso[1]), Number(iso[2]), Number(iso[3]));
      if (serial !== null) return serial;
    }
    return v;
  }

  readValues(s: SheetModel, rect: Rect): Scalar[][] {
    const out: Scalar[][] = [];
    for (let r = 0; r < rect.rows; r++) {
      const row: Scalar[] = [];
      for (let c = 0; c < rect.cols; c++) row.push(this.cell(s, rect.row + r, rect.col + c)?.value ?? '');
      out.push(row);
    }
    return out;
  }

  writeValues(s: SheetModel, rect: Rect, values: unknown): void {
    if (isUnbounded(rect)) fail('InvalidArgument', 'Cell-level properties cannot be set on an entire column or row.');
    if (!Array.isArray(values) || values.length !== rect.rows || values.some((row) => !Array.isArray(row) || row.length !== rect.cols)) {
      fail('InvalidArgument', "The number of rows or columns in the input array doesn't match the size or dimensions of the range.");
    }
    this.guardTableHeaders(s, rect, values as unknown[][]);
    for (let r = 0; r < rect.rows; r++) for (let c = 0; c < rect.cols; c++) this.writeValue(s, rect.row + r, rect.col + c, (values as unknown[][])[r][c]);
  }

  private guardTableHeaders(s: SheetModel, rect: Rect, values: unknown[][]): void {
    for (const t of this.tables) {
      if (t.sheet !== s || !intersects(rect, { row: t.rect.row, col: t.rect.col, rows: 1, cols: t.rect.cols })) continue;
      const r = t.rect.row - rect.row;
      if (r < 0 || r >= rect.rows) continue;
      const seen = new Set<string>();
      for (let c = 0; c < t.rect.cols; c++) {
        const inRect = t.rect.col + c - rect.col;
        const v = inRect >= 0 && inRect < rect.cols && values[r][inRect] !== null ? values[r][inRect] : this.cell(s, t.rect.row, t.rect.col + c)?.value;
        const h = String(v ?? '').toLowerCase();
        if (h === '') fail('InvalidArgument', 'A table header cannot be empty.');
        if (seen.has(h)) fail('InvalidArgument', 'Table headers must be unique.');
        seen.add(h);
      }
    }
  }

  writeNumberFormat(s: SheetModel, rect: Rect, nf: unknown): void {
    if (isUnbounded(rect)) fail('InvalidArgument', 'Cell-level properties cannot be set on an entire column or row.');
    if (!Array.isArray(nf) || !nf.every(Array.isArray)) fail('InvalidArgument', 'numberFormat must be a 2-D array');
    const arr = nf as unknown[][];
    const broadcast = arr.length === 1 && arr[0].length === 1;
    if (!broadcast && (arr.length !== rect.rows || arr.some((row) => row.length !== rect.cols))) {
      fail('InvalidArgument', "The number of rows or columns in the input array doesn't match the size or dimensions of the range.");
    }
    const seq = this.nextSeq();
    if (broadcast && rect.rows * rect.cols > 200_000) {
      if (arr[0][0] !== null) s.nfLayers.push({ rect: { ...rect }, nf: String(arr[0][0]), seq });
      return;
    }
    for (let r = 0; r < rect.rows; r++) {
      for (let c = 0; c < rect.cols; c++) {
        const v = broadcast ? arr[0][0] : arr[r][c];
        if (v === null || v === undefined) continue;
        const cell = this.ensureCell(s, rect.row + r, rect.col + c);
        cell.nf = String(v);
        cell.nfSeq = seq;
      }
    }
  }

  forEachCell(rect: Rect, fn: (r: number, c: number) => void): void {
    if (rect.rows * rect.cols > 2_000_000) fail('InvalidArgument', 'fake: range too large for a per-cell operation');
    for (let r = 0; r < rect.rows; r++) for (let c = 0; c < rect.cols; c++) fn(rect.row + r, rect.col + c);
  }

  setFill(s: SheetModel, rect: Rect, color: string | null): void {
    if (isUnbounded(rect)) {
      // clearing whole columns: only cells that exist can carry a fill
      for (const [k, cell] of s.cells) {
        const r = Math.floor(k / COLS);
        const c = k % COLS;
        if (r >= rect.row && r < rect.row + rect.rows && c >= rect.col && c < rect.col + rect.cols) cell.fill = color;
      }
      return;
    }
    this.forEachCell(rect, (r, c) => {
      if (color === null) {
        const cell = this.cell(s, r, c);
        if (cell) cell.fill = null;
      } else this.ensureCell(s, r, c).fill = color;
    });
  }

  clear(s: SheetModel, rect: Rect, applyTo: string): void {
    const contents = applyTo === 'All' || applyTo === 'Contents';
    const formats = applyTo === 'All' || applyTo === 'Formats';
    for (const [k, cell] of s.cells) {
      const r = Math.floor(k / COLS);
      const c = k % COLS;
      if (r < rect.row || r >= rect.row + rect.rows || c < rect.col || c >= rect.col + rect.cols) continue;
      if (contents) cell.value = '';
      if (formats) {
        cell.fill = null;
        cell.nf = 'General';
        cell.nfSeq = this.nextSeq();
        cell.bold = undefined;
      }
    }
    if (formats) s.nfLayers.push({ rect: { ...rect }, nf: 'General', seq: this.nextSeq() });
  }

  usedRect(s: SheetModel, valuesOnly: boolean): Rect | null {
    let r0 = Infinity;
    let r1 = -1;
    let c0 = Infinity;
    let c1 = -1;
    for (const [k, cell] of s.cells) {
      const used = cell.value !== '' || (!valuesOnly && (cell.fill !== null || (cell.nf !== undefined && cell.nf !== 'General')));
      if (!used) continue;
      const r = Math.floor(k / COLS);
      const c = k % COLS;
      r0 = Math.min(r0, r);
      r1 = Math.max(r1, r);
      c0 = Math.min(c0, c);
      c1 = Math.max(c1, c);
    }
    if (r1 < 0) return null;
    return { row: r0, col: c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 };
  }

  /** Moves cells (with notes and comments) of columns [col, col+cols) at rows ≥ fromRow by `delta` rows. */
  shiftRows(s: SheetModel, fromRow: number, col: number, cols: number, delta: number): void {
    const inCols = (c: number): boolean => c >= col && c < col + cols;
    for (const map of [s.cells, s.notes, s.comments, s.validation] as Map<number, unknown>[]) {
      const moved: [number, unknown][] = [];
      for (const [k, v] of map) {
        const r = Math.floor(k / COLS);
        const c = k % COLS;
        if (!inCols(c)) continue;
        if (delta < 0 && r >= fromRow + delta && r < fromRow) {
          map.delete(k); // deleted cells
          continue;
        }
        if (r >= fromRow) {
          map.delete(k);
          moved.push([key(r + delta, c), v]);
        }
      }
      for (const [k, v] of moved) map.set(k, v);
    }
  }

  tableAt(s: SheetModel, rect: Rect): TableModel | undefined {
    return this.tables.find((t) => t.sheet === s && intersects(t.rect, rect));
  }

  addTable(s: SheetModel, rect: Rect, hasHeaders: boolean): TableModel {
    if (isUnbounded(rect)) fail('InvalidArgument', 'A table cannot cover entire columns.');
    if (this.tableAt(s, rect)) fail('InvalidOperation', 'A table cannot overlap another table.');
    const r = { ...rect };
    if (!hasHeaders) {
      this.shiftRows(s, r.row, r.col, r.cols, 1);
    }
    if (r.rows === 1) r.rows = 2;
    const seen = new Set<string>();
    for (let c = 0; c < r.cols; c++) {
      let h = String(this.cell(s, r.row, r.col + c)?.value ?? '');
      if (!h || !hasHeaders) h = `Столбец${c + 1}`;
      let unique = h;
      for (let i = 2; seen.has(unique.toLowerCase()); i++) unique = `${h}${i}`;
      seen.add(unique.toLowerCase());
      const cell = this.ensureCell(s, r.row, r.col + c);
      cell.value = unique;
    }
    let n = this.tables.length + 1;
    while (this.findTable(`Таблица${n}`)) n++;
    const t: TableModel = { name: `Таблица${n}`, sheet: s, rect: r, style: 'TableStyleMedium2' };
    this.tables.push(t);
    return t;
  }

  renameTable(t: TableModel, name: string): void {
    if (!/^[A-Za-zА-Яа-яЁё_\\][A-Za-z0-9А-Яа-яЁё_.]*$/.test(name) || /^[A-Za-z]{1,3}\d+$/.test(name) || name.length > 255) fail('InvalidArgument', `bad table name ${name}`);
    const other = this.findTable(name);
    if (other && other !== t) fail('InvalidArgument', `The table name ${name} is already taken.`);
    t.name = name;
  }

  deleteRange(s: SheetModel, rect: Rect, shift: string): void {
    if (shift !== 'Up') fail('InvalidArgument', 'fake: only DeleteShiftDirection.up is modelled');
    if (isUnbounded(rect)) fail('InvalidArgument', 'fake: deleting whole rows/columns is not modelled');
    for (const t of this.tables) {
      if (t.sheet !== s) continue;
      const below = rect.row < t.rect.row + t.rect.rows && rect.col < t.rect.col + t.rect.cols && t.rect.col < rect.col + rect.cols;
      if (!below && !intersects(t.rect, rect)) continue;
      if (!intersects(t.rect, rect)) {
        if (t.rect.row > rect.row && (rect.col > t.rect.col || rect.col + rect.cols < t.rect.col + t.rect.cols)) {
          fail('InvalidOperation', 'This operation would shift cells in a table.');
        }
        continue;
      }
      const fullWidth = rect.col <= t.rect.col && rect.col + rect.cols >= t.rect.col + t.rect.cols;
      const inBody = rect.row > t.rect.row && rect.row + rect.rows <= t.rect.row + t.rect.rows;
      if (!fullWidth || !inBody) fail('InvalidOperation', 'This operation would shift cells in a table.');
      if (t.rect.rows - rect.rows < 2) fail('InvalidOperation', 'A table must keep at least one row.');
    }
    this.shiftRows(s, rect.row + rect.rows, rect.col, rect.cols, -rect.rows);
    for (const t of this.tables) {
      if (t.sheet === s && intersects(t.rect, rect)) t.rect.rows -= rect.rows;
      else if (t.sheet === s && t.rect.row > rect.row && t.rect.col >= rect.col && t.rect.col + t.rect.cols <= rect.col + rect.cols) t.rect.row -= rect.rows;
    }
  }

  addTableRows(t: TableModel, values: unknown): void {
    if (!Array.isArray(values) || values.length === 0 || values.some((r) => !Array.isArray(r) || r.length !== t.rect.cols)) {
      fail('InvalidArgument', "The number of rows or columns in the input array doesn't match the size or dimensions of the range.");
    }
    const n = (values as unknown[][]).length;
    const end = t.rect.row + t.rect.rows;
    this.shiftRows(t.sheet, end, t.rect.col, t.rect.cols, n);
    for (const other of this.tables) {
      if (other !== t && other.sheet === t.sheet && other.rect.row >= end && intersects({ row: 0, col: t.rect.col, rows: ROWS, cols: t.rect.cols }, other.rect)) other.rect.row += n;
    }
    // new table rows take the number formats of the row above
    const seq = this.nextSeq();
    for (let c = 0; c < t.rect.cols; c++) {
      const nf = this.numberFormatAt(t.sheet, end - 1, t.rect.col + c);
      for (let r = 0; r < n; r++) {
        const cell = this.ensureCell(t.sheet, end + r, t.rect.col + c);
        cell.nf = nf;
        cell.nfSeq = seq;
      }
    }
    t.rect.rows += n;
    this.writeValues(t.sheet, { row: end, col: t.rect.col, rows: n, cols: t.rect.cols }, values);
  }

  addTableColumn(t: TableModel, name: string | undefined): void {
    const col = t.rect.col + t.rect.cols;
    for (let r = 0; r < t.rect.rows; r++) {
      if (this.cell(t.sheet, t.rect.row + r, col)?.value) fail('InvalidOperation', 'fake: the column right of the table must be empty');
    }
    if (this.tables.some((o) => o !== t && o.sheet === t.sheet && intersects(o.rect, { row: t.rect.row, col, rows: t.rect.rows, cols: 1 }))) fail('InvalidOperation', 'A table cannot overlap another table.');
    const existing = new Set<string>();
    for (let c = 0; c < t.rect.cols; c++) existing.add(String(this.cell(t.sheet, t.rect.row, t.rect.col + c)?.value ?? '').toLowerCase());
    const base = name ?? `Столбец${t.rect.cols + 1}`;
    let unique = base;
    for (let i = 2; existing.has(unique.toLowerCase()); i++) unique = `${base}${i}`;
    this.ensureCell(t.sheet, t.rect.row, col).value = unique;
    t.rect.cols += 1;
  }

  resizeTable(t: TableModel, s: SheetModel, rect: Rect): void {
    if (s !== t.sheet) fail('InvalidArgument', 'The new range must be on the same sheet.');
    if (rect.row !== t.rect.row) fail('InvalidArgument', 'The header row must stay in the same row.');
    if (!intersects(rect, t.rect)) fail('InvalidArgument', 'The new range must overlap the table.');
    if (rect.rows < 2) fail('InvalidArgument', 'A table must keep at least one row.');
    if (this.tables.some((o) => o !== t && o.sheet === s && intersects(o.rect, rect))) fail('InvalidOperation', 'A table cannot overlap another table.');
    t.rect = { ...rect };
  }
}

// ====================================================================== proxies

type Action = { bytes: number; run: () => { bytes: number; commit: () => void } | void };

class FakeContext {
  readonly workbook: FakeWorkbook;
  _pending: Action[] = [];
  /** *OrNullObject proxies: a sync settles their isNullObject even without load(), as in Office.js. */
  _nullables: FakeObject<unknown>[] = [];
  constructor(readonly _fake: FakeExcel) {
    this.workbook = new FakeWorkbook(this);
  }
  sync(): Promise<void> {
    return this._fake._sync(this);
  }
  _enqueue(a: Action): void {
    this._pending.push(a);
  }
  get _model(): WorkbookModel {
    return this._fake._model;
  }
}

function parseLoad(arg: unknown): string[] {
  if (arg === undefined) return [];
  if (typeof arg === 'string') return arg.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(arg)) return arg.flatMap((a) => parseLoad(a));
  if (arg && typeof arg === 'object' && typeof (arg as { select?: unknown }).select === 'string') return parseLoad((arg as { select: string }).select);
  return fail('InvalidArgument', 'fake: unsupported load argument');
}

abstract class FakeObject<M> {
  private _cache: { v: M | null } | undefined;
  private _synced = false;
  protected readonly _loaded = new Map<string, unknown>();

  constructor(
    protected readonly _ctx: FakeContext,
    private readonly _resolver: () => M | null,
    nullable = false,
  ) {
    if (nullable) _ctx._nullables.push(this as FakeObject<unknown>);
  }

  get context(): FakeContext {
    return this._ctx;
  }

  /** Resolved once, at the first action that uses the object (as Office.js instantiates it). */
  _resolveOrNull(): M | null {
    if (!this._cache) this._cache = { v: this._resolver() };
    this._synced = true;
    return this._cache.v;
  }

  _resolve(): M {
    const m = this._resolveOrNull();
    if (m === null) fail('InvalidObjectPath', 'fake: the object is a null object; check isNullObject before using it');
    return m;
  }

  get isNullObject(): boolean {
    if (!this._synced) fail('PropertyNotLoaded', "The property 'isNullObject' is not available. Call load() and context.sync() first.");
    return this._cache?.v === null;
  }

  load(arg?: unknown): this {
    const props = parseLoad(arg);
    this._ctx._enqueue({
      bytes: bytesOf(props),
      run: () => {
        const m = this._resolveOrNull();
        if (m === null) return { bytes: 20, commit: () => undefined };
        const data: Record<string, unknown> = {};
        for (const p of props.length ? props : this._defaultProps()) data[p] = this._read(m, p);
        return {
          bytes: bytesOf(data),
          commit: () => {
            for (const [k, v] of Object.entries(data)) this._loaded.set(k, v);
          },
        };
      },
    });
    return this;
  }

  /** Marks properties as loaded (collections deliver their items' properties this way). */
  _setLoaded(data: Record<string, unknown>): void {
    this._synced = true;
    for (const [k, v] of Object.entries(data)) this._loaded.set(k, v);
  }

  protected _defaultProps(): string[] {
    return fail('InvalidArgument', 'fake: load() needs the list of properties');
  }

  protected _get<T>(prop: string): T {
    if (!this._loaded.has(prop)) {
      fail('PropertyNotLoaded', `The property '${prop}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
    }
    return this._loaded.get(prop) as T;
  }

  protected _act(args: unknown, run: (m: M) => void): void {
    this._ctx._enqueue({
      bytes: bytesOf(args),
      run: () => {
        run(this._resolve());
      },
    });
  }

  protected abstract _read(m: M, prop: string): unknown;
}

class FakeWorkbook {
  readonly worksheets: FakeWorksheetCollection;
  readonly tables: FakeTableCollection;
  readonly comments: FakeCommentCollection;
  readonly notes: FakeNoteCollection;
  constructor(private readonly ctx: FakeContext) {
    this.worksheets = new FakeWorksheetCollection(ctx);
    this.tables = new FakeTableCollection(ctx, null);
    this.comments = new FakeCommentCollection(ctx, () => null);
    this.notes = new FakeNoteCollection(ctx, () => null);
  }
  getSelectedRange(): FakeRange {
    return new FakeRange(this.ctx, () => {
      const sel = this.ctx._model.selection;
      if (sel.rects.length !== 1) fail('InvalidSelection', 'The current selection is invalid for this operation.');
      return { sheet: sel.sheet, rect: sel.rects[0] };
    });
  }
  getSelectedRanges(): FakeRangeAreas {
    return new FakeRangeAreas(this.ctx, () => {
      const sel = this.ctx._model.selection;
      return { sheet: sel.sheet, rects: sel.rects };
    });
  }
}

class FakeWorksheetCollection {
  constructor(private readonly ctx: FakeContext) {}
  getItem(name: string): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.ctx._model.findSheet(name) ?? fail('ItemNotFound', `The requested resource doesn't exist: sheet ${name}`));
  }
  getItemOrNullObject(name: string): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.ctx._model.findSheet(name) ?? null, true);
  }
  add(name: string): FakeWorksheet {
    let created: SheetModel | undefined;
    const ws = new FakeWorksheet(this.ctx, () => created ?? fail('InvalidObjectPath', 'fake: sheet not added yet'));
    this.ctx._enqueue({
      bytes: bytesOf({ add: name }),
      run: () => {
        created = this.ctx._model.addSheet(name);
      },
    });
    return ws;
  }
}

class FakeFreezePanes {
  constructor(private readonly ws: FakeWorksheet) {}
  freezeRows(count = 1): void {
    this.ws._queue({ freezeRows: count }, (s) => {
      s.frozenRows = count;
    });
  }
}

class FakeWorksheet extends FakeObject<SheetModel> {
  readonly tables: FakeTableCollection;
  readonly freezePanes: FakeFreezePanes;
  readonly notes: FakeNoteCollection;
  readonly comments: FakeCommentCollection;
  constructor(ctx: FakeContext, resolver: () => SheetModel | null, nullable = false) {
    super(ctx, resolver, nullable);
    this.tables = new FakeTableCollection(ctx, this);
    this.freezePanes = new FakeFreezePanes(this);
    this.notes = new FakeNoteCollection(ctx, () => this._resolve());
    this.comments = new FakeCommentCollection(ctx, () => this._resolve());
  }
  _queue(args: unknown, run: (s: SheetModel) => void): void {
    this._act(args, run);
  }
  protected override _read(s: SheetModel, prop: string): unknown {
    switch (prop) {
      case 'name':
        return s.name;
      case 'visibility':
        return s.visibility;
      case 'position':
        return this._ctx._model.sheets.indexOf(s);
      default:
        return fail('InvalidArgument', `fake: Worksheet.${prop} is not modelled`);
    }
  }
  get name(): string {
    return this._get('name');
  }
  get visibility(): string {
    return this._get('visibility');
  }
  set visibility(v: string) {
    this._act({ visibility: v }, (s) => {
      if (v !== 'Visible' && v !== 'Hidden' && v !== 'VeryHidden') fail('InvalidArgument', `bad visibility ${v}`);
      if (v !== 'Visible' && this._ctx._model.sheets.filter((o) => o !== s && o.visibility === 'Visible').length === 0) fail('InvalidOperation', 'A workbook must keep at least one visible sheet.');
      s.visibility = v;
      const model = this._ctx._model;
      if (v !== 'Visible' && model.activeSheet === s) model.activeSheet = model.sheets.find((o) => o.visibility === 'Visible') ?? s;
    });
  }
  activate(): void {
    this._act({ activate: true }, (s) => {
      if (s.visibility !== 'Visible') fail('InvalidOperation', 'A hidden sheet cannot be activated.');
      this._ctx._model.activeSheet = s;
    });
  }
  getRange(address?: string): FakeRange {
    return new FakeRange(this._ctx, () => {
      const s = this._resolve();
      if (address === undefined) return { sheet: s, rect: { row: 0, col: 0, rows: ROWS, cols: COLS } };
      const q = splitQualified(address);
      if (q.sheet !== null && q.sheet.toLowerCase() !== s.name.toLowerCase()) fail('InvalidArgument', 'address of another sheet');
      return { sheet: s, rect: parseRef(q.ref) };
    });
  }
  getRangeByIndexes(row: number, col: number, rows: number, cols: number): FakeRange {
    return new FakeRange(this._ctx, () => {
      const s = this._resolve();
      if (![row, col, rows, cols].every(Number.isInteger) || row < 0 || col < 0 || rows < 1 || cols < 1 || row + rows > ROWS || col + cols > COLS) {
        fail('InvalidArgument', `bad indexes ${row},${col},${rows},${cols}`);
      }
      return { sheet: s, rect: { row, col, rows, cols } };
    });
  }
  getRanges(address: string): FakeRangeAreas {
    return new FakeRangeAreas(this._ctx, () => {
      const s = this._resolve();
      const max = this._ctx._fake.options.rangeAreasAddressMax;
      if (address.length > max) fail('InvalidArgument', `The argument is invalid or missing or has an incorrect format (address longer than ${max}).`);
      return { sheet: s, rects: splitList(address).map((a) => parseRef(splitQualified(a).ref)) };
    });
  }
  getUsedRangeOrNullObject(valuesOnly?: boolean): FakeRange {
    return new FakeRange(this._ctx, () => {
      const s = this._resolve();
      const rect = this._ctx._model.usedRect(s, valuesOnly === true);
      return rect ? { sheet: s, rect } : null;
    }, true);
  }
}

class FakeTableCollection {
  constructor(
    private readonly ctx: FakeContext,
    private readonly ws: FakeWorksheet | null,
  ) {}
  add(address: string | FakeRange, hasHeaders: boolean): FakeTable {
    let created: TableModel | undefined;
    const t = new FakeTable(this.ctx, () => created ?? fail('InvalidObjectPath', 'fake: table not added yet'));
    this.ctx._enqueue({
      bytes: bytesOf({ addTable: typeof address === 'string' ? address : 'range', hasHeaders }),
      run: () => {
        let ref: RangeRef;
        if (typeof address === 'string') {
          const q = splitQualified(address);
          const s = this.ws ? this.ws._resolve() : q.sheet ? (this.ctx._model.findSheet(q.sheet) ?? fail('ItemNotFound', 'sheet')) : fail('InvalidArgument', 'workbook.tables.add needs a sheet name');
          ref = { sheet: s, rect: parseRef(q.ref) };
        } else ref = address._resolve();
        created = this.ctx._model.addTable(ref.sheet, ref.rect, hasHeaders);
      },
    });
    return t;
  }
  getItem(name: string): FakeTable {
    return new FakeTable(this.ctx, () => this.find(name) ?? fail('ItemNotFound', `The requested resource doesn't exist: table ${name}`));
  }
  getItemOrNullObject(name: string): FakeTable {
    return new FakeTable(this.ctx, () => this.find(name) ?? null, true);
  }
  private find(name: string): TableModel | undefined {
    const t = this.ctx._model.findTable(name);
    if (t && this.ws && t.sheet !== this.ws._resolve()) return undefined;
    return t;
  }
}

class FakeTableColumns {
  constructor(private readonly t: FakeTable) {}
  add(index?: number, values?: unknown, name?: string): void {
    if (index !== undefined && index !== null) fail('InvalidArgument', 'fake: only appending columns is modelled');
    if (values !== undefined && values !== null) fail('InvalidArgument', 'fake: column values on add are not modelled');
    this.t._queue({ addColumn: name ?? null }, (m) => this.t.context._model.addTableColumn(m, name));
  }
}

class FakeTableRows {
  constructor(private readonly t: FakeTable) {}
  add(index?: number | null, values?: unknown): void {
    if (index !== undefined && index !== null) fail('InvalidArgument', 'fake: only appending rows is modelled');
    this.t._queue({ addRows: values }, (m) => this.t.context._model.addTableRows(m, values));
  }
}

class FakeTable extends FakeObject<TableModel> {
  readonly columns = new FakeTableColumns(this);
  readonly rows = new FakeTableRows(this);
  private _ws: FakeWorksheet | undefined;
  _queue(args: unknown, run: (t: TableModel) => void): void {
    this._act(args, run);
  }
  protected override _read(t: TableModel, prop: string): unknown {
    switch (prop) {
      case 'name':
        return t.name;
      case 'style':
        return t.style;
      default:
        return fail('InvalidArgument', `fake: Table.${prop} is not modelled`);
    }
  }
  get name(): string {
    return this._get('name');
  }
  set name(v: string) {
    this._act({ name: v }, (t) => this._ctx._model.renameTable(t, v));
  }
  set style(v: string) {
    this._act({ style: v }, (t) => {
      t.style = v;
    });
  }
  get worksheet(): FakeWorksheet {
    if (!this._ws) this._ws = new FakeWorksheet(this._ctx, () => this._resolve().sheet);
    return this._ws;
  }
  getHeaderRowRange(): FakeRange {
    return new FakeRange(this._ctx, () => {
      const t = this._resolve();
      return { sheet: t.sheet, rect: { row: t.rect.row, col: t.rect.col, rows: 1, cols: t.rect.cols } };
    });
  }
  getDataBodyRange(): FakeRange {
    return new FakeRange(this._ctx, () => {
      const t = this._resolve();
      return { sheet: t.sheet, rect: { row: t.rect.row + 1, col: t.rect.col, rows: t.rect.rows - 1, cols: t.rect.cols } };
    });
  }
  getRange(): FakeRange {
    return new FakeRange(this._ctx, () => {
      const t = this._resolve();
      return { sheet: t.sheet, rect: { ...t.rect } };
    });
  }
  resize(newRange: string | FakeRange): void {
    this._act({ resize: typeof newRange === 'string' ? newRange : 'range' }, (t) => {
      let ref: RangeRef;
      if (typeof newRange === 'string') {
        const q = splitQualified(newRange);
        const s = q.sheet ? (this._ctx._model.findSheet(q.sheet) ?? fail('ItemNotFound', 'sheet')) : t.sheet;
        ref = { sheet: s, rect: parseRef(q.ref) };
      } else ref = newRange._resolve();
      this._ctx._model.resizeTable(t, ref.sheet, ref.rect);
    });
  }
}

class FakeFill {
  constructor(private readonly apply: (args: unknown, fn: (m: WorkbookModel, ref: RangeRef) => void) => void) {}
  set color(c: string) {
    if (typeof c !== 'string' || c === '') fail('InvalidArgument', 'fill.color needs a colour; use fill.clear() to remove a fill');
    this.apply({ fill: c }, (m, ref) => m.setFill(ref.sheet, ref.rect, c));
  }
  clear(): void {
    this.apply({ fillClear: true }, (m, ref) => m.setFill(ref.sheet, ref.rect, null));
  }
}

class FakeFont {
  constructor(private readonly apply: (args: unknown, fn: (m: WorkbookModel, ref: RangeRef) => void) => void) {}
  set bold(b: boolean) {
    this.apply({ bold: b }, (m, ref) => m.forEachCell(ref.rect, (r, c) => {
      m.ensureCell(ref.sheet, r, c).bold = b;
    }));
  }
  set color(v: string) {
    this.apply({ fontColor: v }, (_m, ref) => ref.sheet.styleLog.push({ rect: ref.rect, prop: 'font.color', value: v }));
  }
  set size(v: number) {
    this.apply({ fontSize: v }, (_m, ref) => ref.sheet.styleLog.push({ rect: ref.rect, prop: 'font.size', value: v }));
  }
}

class FakeRangeFormat {
  readonly fill: FakeFill;
  readonly font: FakeFont;
  constructor(private readonly apply: (args: unknown, fn: (m: WorkbookModel, ref: RangeRef) => void) => void) {
    this.fill = new FakeFill(apply);
    this.font = new FakeFont(apply);
  }
  private log(prop: string, value: unknown): void {
    this.apply({ [prop]: value }, (_m, ref) => ref.sheet.styleLog.push({ rect: ref.rect, prop, value }));
  }
  set columnWidth(w: number) {
    this.apply({ columnWidth: w }, (_m, ref) => {
      if (!(w >= 0)) fail('InvalidArgument', 'bad width');
      for (let c = 0; c < ref.rect.cols; c++) ref.sheet.colWidths.set(ref.rect.col + c, w);
    });
  }
  set rowHeight(h: number) {
    this.log('rowHeight', h);
  }
  set wrapText(v: boolean) {
    this.log('wrapText', v);
  }
  set horizontalAlignment(v: string) {
    this.log('horizontalAlignment', v);
  }
  set verticalAlignment(v: string) {
    this.log('verticalAlignment', v);
  }
}

class FakeDataValidation {
  constructor(private readonly apply: (args: unknown, fn: (m: WorkbookModel, ref: RangeRef) => void) => void) {}
  private setPart(part: 'rule' | 'errorAlert' | 'prompt', v: unknown): void {
    this.apply({ [part]: v }, (m, ref) => {
      if (part === 'rule') validateRule(v);
      if (part === 'prompt' && v && typeof v === 'object') {
        const p = v as { title?: string; message?: string };
        if ((p.title ?? '').length > 32 || (p.message ?? '').length > 255) fail('InvalidArgument', 'prompt title ≤ 32, message ≤ 255 characters');
      }
      if (part === 'errorAlert' && v && typeof v === 'object') {
        const p = v as { title?: string; message?: string };
        if ((p.title ?? '').length > 32 || (p.message ?? '').length > 255) fail('InvalidArgument', 'alert title ≤ 32, message ≤ 255 characters');
      }
      const rect = isUnbounded(ref.rect) ? fail('InvalidArgument', 'fake: validation on whole columns is not modelled') : ref.rect;
      m.forEachCell(rect, (r, c) => {
        const k = key(r, c);
        const cur = ref.sheet.validation.get(k) ?? {};
        ref.sheet.validation.set(k, { ...cur, [part]: v });
      });
    });
  }
  set rule(v: unknown) {
    this.setPart('rule', v);
  }
  set errorAlert(v: unknown) {
    this.setPart('errorAlert', v);
  }
  set prompt(v: unknown) {
    this.setPart('prompt', v);
  }
  clear(): void {
    this.apply({ validationClear: true }, (m, ref) => {
      if (isUnbounded(ref.rect)) {
        for (const k of [...ref.sheet.validation.keys()]) {
          const r = Math.floor(k / COLS);
          const c = k % COLS;
          if (intersects({ row: r, col: c, rows: 1, cols: 1 }, ref.rect)) ref.sheet.validation.delete(k);
        }
        return;
      }
      m.forEachCell(ref.rect, (r, c) => ref.sheet.validation.delete(key(r, c)));
    });
  }
}

function validateRule(v: unknown): void {
  if (!v || typeof v !== 'object') fail('InvalidArgument', 'rule must be an object');
  const kinds = Object.keys(v as object);
  if (kinds.length !== 1) fail('InvalidArgument', 'A rule has exactly one criterion.');
  const list = (v as { list?: { source?: unknown } }).list;
  if (list !== undefined) {
    const src = list.source;
    if (typeof src !== 'string' || src.length === 0) fail('InvalidArgument', 'list source must be a string');
    if (!src.startsWith('=') && src.length > 255) fail('InvalidArgument', 'A list typed into the rule is limited to 255 characters.');
  }
}

class FakeRange extends FakeObject<RangeRef> {
  readonly format: FakeRangeFormat;
  readonly dataValidation: FakeDataValidation;
  private _ws: FakeWorksheet | undefined;
  constructor(ctx: FakeContext, resolver: () => RangeRef | null, nullable = false) {
    super(ctx, resolver, nullable);
    const apply = (args: unknown, fn: (m: WorkbookModel, ref: RangeRef) => void): void => this._act(args, (ref) => fn(this._ctx._model, ref));
    this.format = new FakeRangeFormat(apply);
    this.dataValidation = new FakeDataValidation(apply);
  }
  protected override _read(ref: RangeRef, prop: string): unknown {
    const m = this._ctx._model;
    const { sheet, rect } = ref;
    switch (prop) {
      case 'address':
        return `${qualifiedSheetName(sheet.name)}!${refText(rect)}`;
      case 'rowIndex':
        return rect.row;
      case 'columnIndex':
        return rect.col;
      case 'rowCount':
        return rect.rows;
      case 'columnCount':
        return rect.cols;
      case 'values':
        return isUnbounded(rect) ? null : m.readValues(sheet, rect);
      case 'numberFormat': {
        if (isUnbounded(rect)) return null;
        const out: string[][] = [];
        for (let r = 0; r < rect.rows; r++) {
          const row: string[] = [];
          for (let c = 0; c < rect.cols; c++) row.push(m.numberFormatAt(sheet, rect.row + r, rect.col + c));
          out.push(row);
        }
        return out;
      }
      case 'columnHidden': {
        let all = true;
        for (let c = 0; c < rect.cols; c++) all = all && sheet.hiddenCols.has(rect.col + c);
        return all;
      }
      case 'rowHidden': {
        let hidden = 0;
        for (let r = 0; r < rect.rows; r++) if (sheet.hiddenRows.has(rect.row + r)) hidden++;
        return hidden === 0 ? false : hidden === rect.rows ? true : null;
      }
      default:
        return fail('InvalidArgument', `fake: Range.${prop} is not modelled`);
    }
  }
  get address(): string {
    return this._get('address');
  }
  get rowIndex(): number {
    return this._get('rowIndex');
  }
  get columnIndex(): number {
    return this._get('columnIndex');
  }
  get rowCount(): number {
    return this._get('rowCount');
  }
  get columnCount(): number {
    return this._get('columnCount');
  }
  get values(): Scalar[][] {
    return this._get('values');
  }
  set values(v: Scalar[][]) {
    this._act({ values: v }, (ref) => this._ctx._model.writeValues(ref.sheet, ref.rect, v));
  }
  get numberFormat(): string[][] {
    return this._get('numberFormat');
  }
  set numberFormat(v: string[][]) {
    this._act({ numberFormat: v }, (ref) => this._ctx._model.writeNumberFormat(ref.sheet, ref.rect, v));
  }
  get columnHidden(): boolean {
    return this._get('columnHidden');
  }
  get rowHidden(): boolean | null {
    return this._get('rowHidden');
  }
  set rowHidden(v: boolean) {
    this._act({ rowHidden: v }, (ref) => {
      for (let r = 0; r < ref.rect.rows; r++) {
        if (v) ref.sheet.hiddenRows.add(ref.rect.row + r);
        else ref.sheet.hiddenRows.delete(ref.rect.row + r);
      }
    });
  }
  /** The visible rows of the range (ExcelApi 1.3). */
  getVisibleView(): FakeRangeView {
    return new FakeRangeView(this._ctx, () => this._resolve());
  }
  set columnHidden(v: boolean) {
    this._act({ columnHidden: v }, (ref) => {
      for (let c = 0; c < ref.rect.cols; c++) {
        if (v) ref.sheet.hiddenCols.add(ref.rect.col + c);
        else ref.sheet.hiddenCols.delete(ref.rect.col + c);
      }
    });
  }
  get worksheet(): FakeWorksheet {
    if (!this._ws) this._ws = new FakeWorksheet(this._ctx, () => this._resolve().sheet);
    return this._ws;
  }
  clear(applyTo: string = 'All'): void {
    this._act({ clear: applyTo }, (ref) => this._ctx._model.clear(ref.sheet, ref.rect, applyTo));
  }
  delete(shift: string): void {
    this._act({ delete: shift }, (ref) => this._ctx._model.deleteRange(ref.sheet, ref.rect, shift));
  }
  select(): void {
    this._act({ select: true }, (ref) => {
      if (ref.sheet.visibility !== 'Visible') fail('InvalidOperation', 'Cannot select on a hidden sheet.');
      const m = this._ctx._model;
      m.activeSheet = ref.sheet;
      m.selection = { sheet: ref.sheet, rects: [ref.rect] };
    });
  }
}

/** A RangeView: the rows of a range that are not hidden, read-only here (cellAddresses, values, rowCount, columnCount). */
class FakeRangeView extends FakeObject<RangeRef> {
  protected override _read(ref: RangeRef, prop: string): unknown {
    const { sheet, rect } = ref;
    if (isUnbounded(rect)) fail('InvalidArgument', 'fake: a view of whole rows/columns is not modelled');
    const visible: number[] = [];
    for (let r = 0; r < rect.rows; r++) if (!sheet.hiddenRows.has(rect.row + r)) visible.push(rect.row + r);
    switch (prop) {
      case 'rowCount':
        return visible.length;
      case 'columnCount':
        return rect.cols;
      case 'cellAddresses':
        return visible.map((r) => Array.from({ length: rect.cols }, (_, c) => `${qualifiedSheetName(sheet.name)}!${colLetter(rect.col + c)}${r + 1}`));
      case 'values':
        return visible.map((r) => this._ctx._model.readValues(sheet, { row: r, col: rect.col, rows: 1, cols: rect.cols })[0]);
      default:
        return fail('InvalidArgument', `fake: RangeView.${prop} is not modelled`);
    }
  }
  get rowCount(): number {
    return this._get('rowCount');
  }
  get columnCount(): number {
    return this._get('columnCount');
  }
  get cellAddresses(): string[][] {
    return this._get('cellAddresses');
  }
  get values(): Scalar[][] {
    return this._get('values');
  }
}

class FakeRangeAreas extends FakeObject<{ sheet: SheetModel; rects: Rect[] }> {
  readonly format: { fill: FakeFill };
  constructor(ctx: FakeContext, resolver: () => { sheet: SheetModel; rects: Rect[] } | null) {
    super(ctx, resolver);
    const apply = (args: unknown, fn: (m: WorkbookModel, ref: RangeRef) => void): void =>
      this._act(args, (areas) => {
        for (const rect of areas.rects) fn(this._ctx._model, { sheet: areas.sheet, rect });
      });
    this.format = { fill: new FakeFill(apply) };
  }
  protected override _read(a: { sheet: SheetModel; rects: Rect[] }, prop: string): unknown {
    switch (prop) {
      case 'address':
        return a.rects.map((r) => `${qualifiedSheetName(a.sheet.name)}!${refText(r)}`).join(',');
      case 'areaCount':
        return a.rects.length;
      default:
        return fail('InvalidArgument', `fake: RangeAreas.${prop} is not modelled`);
    }
  }
  get address(): string {
    return this._get('address');
  }
  get areaCount(): number {
    return this._get('areaCount');
  }
}

// --- notes and comments

type Located<T> = { sheet: SheetModel; item: T };

function locate<T>(sheets: SheetModel[], map: (s: SheetModel) => Map<number, T>, item: T): { sheet: SheetModel; k: number } | null {
  for (const s of sheets) for (const [k, v] of map(s)) if (v === item) return { sheet: s, k };
  return null;
}

abstract class FakeCellItem<T extends object> extends FakeObject<Located<T>> {
  protected abstract _map(s: SheetModel): Map<number, T>;
  protected override _read(m: Located<T>, prop: string): unknown {
    if (prop === 'content') return (m.item as unknown as { content: string }).content;
    if (prop === 'id' && 'id' in m.item) return (m.item as unknown as { id: string }).id;
    return fail('InvalidArgument', `fake: ${prop} is not modelled`);
  }
  get content(): string {
    return this._get('content');
  }
  set content(v: string) {
    this._act({ content: v }, (m) => {
      (m.item as unknown as { content: string }).content = v;
    });
  }
  delete(): void {
    this._act({ delete: true }, (m) => {
      const at = locate(this._ctx._model.sheets, (s) => this._map(s), m.item);
      if (at) this._map(at.sheet).delete(at.k);
    });
  }
  getLocation(): FakeRange {
    return new FakeRange(this._ctx, () => {
      const m = this._resolve();
      const at = locate(this._ctx._model.sheets, (s) => this._map(s), m.item) ?? fail('ItemNotFound', 'The item was deleted.');
      return { sheet: at.sheet, rect: { row: Math.floor(at.k / COLS), col: at.k % COLS, rows: 1, cols: 1 } };
    });
  }
}

class FakeNote extends FakeCellItem<NoteModel> {
  protected _map(s: SheetModel): Map<number, NoteModel> {
    return s.notes;
  }
}

class FakeComment extends FakeCellItem<CommentModel> {
  protected _map(s: SheetModel): Map<number, CommentModel> {
    return s.comments;
  }
  get id(): string {
    return this._get('id');
  }
}

abstract class FakeCellItemCollection<T extends object, P extends FakeCellItem<T>> {
  private _items: P[] | undefined;
  constructor(
    protected readonly ctx: FakeContext,
    private readonly sheetOf: () => SheetModel | null,
  ) {}
  protected abstract map(s: SheetModel): Map<number, T>;
  protected abstract create(content: string): T;
  protected abstract proxy(resolver: () => Located<T> | null, nullable?: boolean): P;
  protected abstract readonly what: string;

  private cellOf(cellAddress: string | FakeRange): RangeRef {
    if (typeof cellAddress !== 'string') return cellAddress._resolve();
    const q = splitQualified(cellAddress);
    const own = this.sheetOf();
    let sheet: SheetModel;
    if (q.sheet !== null) sheet = this.ctx._model.findSheet(q.sheet) ?? fail('InvalidCellAddress', `no sheet in ${cellAddress}`);
    else if (own) sheet = own;
    else return fail('InvalidCellAddress', 'A workbook-level collection needs an address with the sheet name.');
    if (own && own !== sheet) fail('InvalidCellAddress', 'The cell is on another sheet.');
    const rect = parseRef(q.ref);
    if (rect.rows !== 1 || rect.cols !== 1) fail('InvalidCellAddress', 'The address must be a single cell.');
    return { sheet, rect };
  }

  private sheets(): SheetModel[] {
    const own = this.sheetOf();
    return own ? [own] : this.ctx._model.sheets;
  }

  add(cellAddress: string | FakeRange, content: string): P {
    let created: Located<T> | undefined;
    const p = this.proxy(() => created ?? fail('InvalidObjectPath', 'fake: not added yet'));
    this.ctx._enqueue({
      bytes: bytesOf({ cellAddress: typeof cellAddress === 'string' ? cellAddress : 'range', content }),
      run: () => {
        const { sheet, rect } = this.cellOf(cellAddress);
        const k = key(rect.row, rect.col);
        if (this.map(sheet).has(k)) fail('InvalidArgument', `The cell already has a ${this.what}.`);
        const item = this.create(String(content));
        this.map(sheet).set(k, item);
        created = { sheet, item };
      },
    });
    return p;
  }

  getItemOrNullObject(cellAddress: string): P {
    return this.proxy(() => {
      const { sheet, rect } = this.cellOf(cellAddress);
      const item = this.map(sheet).get(key(rect.row, rect.col));
      return item ? { sheet, item } : null;
    }, true);
  }

  getItemByCell(cellAddress: string): P {
    return this.proxy(() => {
      const { sheet, rect } = this.cellOf(cellAddress);
      const item = this.map(sheet).get(key(rect.row, rect.col)) ?? fail('ItemNotFound', `The cell has no ${this.what}.`);
      return { sheet, item };
    });
  }

  /**
   * `load('items/content')`, or with paging as Office.js's collection load options allow:
   * `{ content: true, $top, $skip }` (Excel.Interfaces.CollectionLoadOptions) or `{ select, top, skip }`
   * (OfficeExtension.LoadOption) — only that slice of the items comes back (and counts for the payload).
   */
  load(arg?: unknown): this {
    let top = Infinity;
    let skip = 0;
    let raw: string[];
    if (arg && typeof arg === 'object' && !Array.isArray(arg)) {
      const o = arg as Record<string, unknown>;
      const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : v === undefined ? d : fail('InvalidArgument', 'fake: bad top/skip'));
      top = num(o.$top ?? o.top, Infinity);
      skip = num(o.$skip ?? o.skip, 0);
      raw = typeof o.select === 'string' ? parseLoad(o.select) : Object.keys(o).filter((k) => !['$top', '$skip', 'top', 'skip', '$all'].includes(k) && o[k] === true);
    } else raw = parseLoad(arg);
    const props = raw.map((p) => p.replace(/^items\//, '')).filter((p) => p !== 'items');
    this.ctx._enqueue({
      bytes: bytesOf(props),
      run: () => {
        const all: Located<T>[] = [];
        for (const s of this.sheets()) for (const item of this.map(s).values()) all.push({ sheet: s, item });
        const found = all.slice(skip, top === Infinity ? undefined : skip + top);
        const proxies = found.map((f) => {
          const p = this.proxy(() => f);
          p._resolveOrNull();
          return p;
        });
        const data = found.map((f) => Object.fromEntries(props.map((p) => [p, (f.item as Record<string, unknown>)[p]])));
        return {
          bytes: bytesOf(data),
          commit: () => {
            proxies.forEach((p, i) => p._setLoaded(data[i]));
            this._items = proxies;
          },
        };
      },
    });
    return this;
  }

  get items(): P[] {
    if (!this._items) fail('PropertyNotLoaded', "The property 'items' is not available. Call load() and context.sync() first.");
    return this._items;
  }
}

class FakeNoteCollection extends FakeCellItemCollection<NoteModel, FakeNote> {
  protected readonly what = 'note';
  protected map(s: SheetModel): Map<number, NoteModel> {
    return s.notes;
  }
  protected create(content: string): NoteModel {
    return { content };
  }
  protected proxy(resolver: () => Located<NoteModel> | null, nullable = false): FakeNote {
    return new FakeNote(this.ctx, resolver, nullable);
  }
}

class FakeCommentCollection extends FakeCellItemCollection<CommentModel, FakeComment> {
  protected readonly what = 'comment';
  protected map(s: SheetModel): Map<number, CommentModel> {
    return s.comments;
  }
  protected create(content: string): CommentModel {
    return { id: this.ctx._model.newCommentId(), content };
  }
  protected proxy(resolver: () => Located<CommentModel> | null, nullable = false): FakeComment {
    return new FakeComment(this.ctx, resolver, nullable);
  }
}

// ====================================================================== the test handle

/** What a test reads back from a sheet, directly from the model (no sync, not counted). */
export interface SheetView {
  readonly name: string;
  readonly visibility: string;
  readonly frozenRows: number;
  values(address: string): Scalar[][];
  /** Sets cells as if the user typed them (parsed like Excel parses typed input). */
  setValues(address: string, values: unknown[][]): void;
  numberFormat(address: string): string;
  setNumberFormat(address: string, nf: string): void;
  fill(address: string): string | null;
  setFill(address: string, color: string | null): void;
  bold(address: string): boolean;
  note(address: string): string | undefined;
  setNote(address: string, content: string): void;
  comment(address: string): string | undefined;
  notesCount(): number;
  commentsCount(): number;
  isColumnHidden(column: string | number): boolean;
  columnWidth(column: string | number): number | undefined;
  validation(address: string): { rule?: unknown; errorAlert?: unknown; prompt?: unknown } | undefined;
  styles(prop: string): { address: string; value: unknown }[];
}

export interface TableView {
  readonly name: string;
  readonly sheetName: string;
  /** e.g. "A1:X11" (header included). */
  readonly address: string;
  readonly headers: string[];
  readonly bodyRowCount: number;
  /** 1-based sheet row of the first body row. */
  readonly firstBodyRow: number;
  bodyValues(): Scalar[][];
}

export class FakeExcel {
  readonly options: Required<FakeExcelOptions>;
  readonly _model: WorkbookModel;
  private readonly _context: FakeContext;
  syncCount = 0;
  readonly syncs: SyncRecord[] = [];

  constructor(options: FakeExcelOptions = {}) {
    this.options = {
      payloadCap: options.payloadCap ?? 5_000_000,
      sheets: options.sheets ?? ['Лист1'],
      rangeAreasAddressMax: options.rangeAreasAddressMax ?? 255,
    };
    this._model = new WorkbookModel(this.options.sheets);
    this._context = new FakeContext(this);
  }

  /** The request context to pass to the Excel operations. */
  get context(): Excel.RequestContext {
    return this._context as unknown as Excel.RequestContext;
  }

  /** A fresh context on the same workbook (as a new `Excel.run` would give). */
  newContext(): Excel.RequestContext {
    return new FakeContext(this) as unknown as Excel.RequestContext;
  }

  get maxRequestBytes(): number {
    return this.syncs.reduce((m, s) => Math.max(m, s.requestBytes), 0);
  }

  get maxResponseBytes(): number {
    return this.syncs.reduce((m, s) => Math.max(m, s.responseBytes), 0);
  }

  resetCounters(): void {
    this.syncCount = 0;
    this.syncs.length = 0;
  }

  async _sync(ctx: FakeContext): Promise<void> {
    await Promise.resolve();
    this.syncCount++;
    const actions = ctx._pending;
    ctx._pending = [];
    const rec: SyncRecord = { actions: actions.length, requestBytes: 0, responseBytes: 0 };
    for (const a of actions) rec.requestBytes += a.bytes + ACTION_OVERHEAD_BYTES;
    this.syncs.push(rec);
    if (rec.requestBytes > this.options.payloadCap) {
      throw new FakeOfficeError('RequestPayloadSizeLimitExceeded', `The request payload size has exceeded the limit (${rec.requestBytes} bytes).`);
    }
    const commits: (() => void)[] = [];
    for (const a of actions) {
      const r = a.run();
      if (r) {
        rec.responseBytes += r.bytes;
        commits.push(r.commit);
      }
    }
    if (rec.responseBytes > this.options.payloadCap) {
      throw new FakeOfficeError('ResponsePayloadSizeLimitExceeded', `The response payload size has exceeded the limit (${rec.responseBytes} bytes).`);
    }
    for (const c of commits) c();
    const nullables = ctx._nullables;
    ctx._nullables = [];
    for (const n of nullables) {
      try {
        n._resolveOrNull();
      } catch {
        // a broken path stays unresolved: reading isNullObject then throws, as a failed object would
      }
    }
  }

  // --- set-up and inspection for tests

  sheetNames(): string[] {
    return this._model.sheets.map((s) => s.name);
  }

  addSheet(name: string): SheetView {
    this._model.addSheet(name);
    return this.sheet(name);
  }

  get activeSheetName(): string {
    return this._model.activeSheet.name;
  }

  get selectionAddress(): string {
    const sel = this._model.selection;
    return sel.rects.map((r) => `${qualifiedSheetName(sel.sheet.name)}!${refText(r)}`).join(',');
  }

  setSelection(sheetName: string, address: string): void {
    const s = this._model.findSheet(sheetName) ?? fail('ItemNotFound', sheetName);
    this._model.selection = { sheet: s, rects: splitList(address).map((a) => parseRef(a)) };
    this._model.activeSheet = s;
  }

  // --- what a chair does by hand (between or during the add-in's requests; not counted as syncs)

  private tableModel(name: string): TableModel {
    return this._model.findTable(name) ?? fail('ItemNotFound', `no table ${name}`);
  }

  /**
   * «Сортировка» of the table body by `compare` on the rows' values: whole rows move, with their
   * number formats, fills, notes and comments (as Excel's sort carries them).
   */
  sortTable(name: string, compare: (a: Scalar[], b: Scalar[]) => number): void {
    const t = this.tableModel(name);
    const s = t.sheet;
    const body0 = t.rect.row + 1;
    const n = t.rect.rows - 1;
    const rowsNow = Array.from({ length: n }, (_, i) => ({
      values: this._model.readValues(s, { row: body0 + i, col: t.rect.col, rows: 1, cols: t.rect.cols })[0],
      from: body0 + i,
    }));
    const order = [...rowsNow].sort((a, b) => compare(a.values, b.values));
    for (const map of [s.cells, s.notes, s.comments] as Map<number, unknown>[]) {
      const taken = new Map<number, unknown>();
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < t.rect.cols; c++) {
          const k = key(body0 + i, t.rect.col + c);
          if (map.has(k)) taken.set(k, map.get(k));
          map.delete(k);
        }
      }
      order.forEach((r, i) => {
        for (let c = 0; c < t.rect.cols; c++) {
          const v = taken.get(key(r.from, t.rect.col + c));
          if (v !== undefined) map.set(key(body0 + i, t.rect.col + c), v);
        }
      });
    }
  }

  /** Deletes `count` table rows starting at 1-based sheet row `sheetRow` («Удалить строки таблицы»). */
  deleteTableRows(name: string, sheetRow: number, count = 1): void {
    const t = this.tableModel(name);
    this._model.deleteRange(t.sheet, { row: sheetRow - 1, col: t.rect.col, rows: count, cols: t.rect.cols }, 'Up');
  }

  /** Inserts table rows with `values` above 1-based sheet row `sheetRow` («Вставить строки таблицы выше»). */
  insertTableRows(name: string, sheetRow: number, values: unknown[][]): void {
    const t = this.tableModel(name);
    const at = sheetRow - 1;
    if (at <= t.rect.row || at > t.rect.row + t.rect.rows) fail('InvalidArgument', 'fake: insert inside the table body');
    this._model.shiftRows(t.sheet, at, t.rect.col, t.rect.cols, values.length);
    t.rect.rows += values.length;
    this._model.writeValues(t.sheet, { row: at, col: t.rect.col, rows: values.length, cols: t.rect.cols }, values);
  }

  /** The table's AutoFilter: body rows whose values fail `keep` are hidden; `null` shows every row again. */
  filterTable(name: string, keep: ((values: Scalar[]) => boolean) | null): void {
    const t = this.tableModel(name);
    for (let i = 1; i < t.rect.rows; i++) {
      const r = t.rect.row + i;
      const values = this._model.readValues(t.sheet, { row: r, col: t.rect.col, rows: 1, cols: t.rect.cols })[0];
      if (keep === null || keep(values)) t.sheet.hiddenRows.delete(r);
      else t.sheet.hiddenRows.add(r);
    }
  }

  /** Creates a table directly in the model (test set-up; not counted as a sync). */
  createTable(sheetName: string, address: string, name: string, headers: string[], rows: unknown[][] = []): TableView {
    const s = this._model.findSheet(sheetName) ?? this._model.addSheet(sheetName);
    const rect = parseRef(address);
    this._model.writeValues(s, { row: rect.row, col: rect.col, rows: 1, cols: headers.length }, [headers]);
    if (rows.length) this._model.writeValues(s, { row: rect.row + 1, col: rect.col, rows: rows.length, cols: headers.length }, rows);
    const t = this._model.addTable(s, { row: rect.row, col: rect.col, rows: 1 + Math.max(rows.length, 1), cols: headers.length }, true);
    this._model.renameTable(t, name);
    return this.table(name) as TableView;
  }

  table(name: string): TableView | undefined {
    const t = this._model.findTable(name);
    if (!t) return undefined;
    const model = this._model;
    return {
      name: t.name,
      sheetName: t.sheet.name,
      address: refText(t.rect),
      headers: model.readValues(t.sheet, { row: t.rect.row, col: t.rect.col, rows: 1, cols: t.rect.cols })[0].map(String),
      bodyRowCount: t.rect.rows - 1,
      firstBodyRow: t.rect.row + 2,
      bodyValues: () => model.readValues(t.sheet, { row: t.rect.row + 1, col: t.rect.col, rows: t.rect.rows - 1, cols: t.rect.cols }),
    };
  }

  sheet(name: string): SheetView {
    const model = this._model;
    const s = model.findSheet(name) ?? fail('ItemNotFound', `no sheet ${name}`);
    const cellRef = (address: string): { r: number; c: number } => {
      const rect = parseRef(address);
      return { r: rect.row, c: rect.col };
    };
    const colOf = (column: string | number): number => (typeof column === 'number' ? column : colIndex(column));
    return {
      name: s.name,
      get visibility() {
        return s.visibility;
      },
      get frozenRows() {
        return s.frozenRows;
      },
      values: (address) => model.readValues(s, parseRef(address)),
      setValues: (address, values) => {
        const rect = parseRef(address);
        model.writeValues(s, { row: rect.row, col: rect.col, rows: values.length, cols: values[0]?.length ?? 0 }, values);
      },
      numberFormat: (address) => {
        const { r, c } = cellRef(address);
        return model.numberFormatAt(s, r, c);
      },
      setNumberFormat: (address, nf) => model.writeNumberFormat(s, parseRef(address), [[nf]]),
      fill: (address) => {
        const { r, c } = cellRef(address);
        return model.cell(s, r, c)?.fill ?? null;
      },
      setFill: (address, color) => model.setFill(s, parseRef(address), color),
      bold: (address) => {
        const { r, c } = cellRef(address);
        return model.cell(s, r, c)?.bold === true;
      },
      note: (address) => {
        const { r, c } = cellRef(address);
        return s.notes.get(key(r, c))?.content;
      },
      setNote: (address, content) => {
        const { r, c } = cellRef(address);
        s.notes.set(key(r, c), { content });
      },
      comment: (address) => {
        const { r, c } = cellRef(address);
        return s.comments.get(key(r, c))?.content;
      },
      notesCount: () => s.notes.size,
      commentsCount: () => s.comments.size,
      isColumnHidden: (column) => s.hiddenCols.has(colOf(column)),
      columnWidth: (column) => s.colWidths.get(colOf(column)),
      validation: (address) => {
        const { r, c } = cellRef(address);
        return s.validation.get(key(r, c));
      },
      styles: (prop) => s.styleLog.filter((e) => e.prop === prop).map((e) => ({ address: refText(e.rect), value: e.value })),
    };
  }
}
