/**
 * Plain helpers for the Excel layer: addresses, payload estimates and chunk plans, Excel dates,
 * row fingerprints, and one chunked reader. Nothing here touches `Office`/`Excel` globals; the
 * only function that talks to Excel (`readRowsInChunks`) takes the request context it is given.
 */

/** Excel on the web refuses a request or a response above about 5 MB. */
export const PAYLOAD_CAP_BYTES = 5_000_000;

/** Excel's grid. */
export const MAX_SHEET_ROWS = 1_048_576;
export const MAX_SHEET_COLUMNS = 16_384;

/** A `getRanges()` address list longer than this is refused by Excel (the same limit as a union in the UI). */
export const RANGE_AREAS_ADDRESS_MAX = 255;

/**
 * Limits of one request. `maxBytes` is what we plan for: half the cap. Our estimate counts the data
 * in UTF-8 bytes, not the small JSON envelope Office.js wraps around each action; and whether Excel
 * counts UTF-8 bytes or UTF-16 code units (2 bytes each), a request planned at 2.5 MB of UTF-8 stays
 * under 5 MB either way.
 */
export interface ChunkLimits {
  /** Planned payload of one request (bytes of UTF-8 JSON). */
  maxBytes: number;
  /** Rows per request, whatever their size (keeps each request's work bounded on old PCs). */
  maxRows: number;
  /** Proxy objects and actions per request (per-cell marks, notes). */
  maxOps: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = {
  maxBytes: 2_500_000,
  maxRows: 5_000,
  maxOps: 4_000,
};

export function chunkLimits(overrides?: Partial<ChunkLimits>): ChunkLimits {
  const l = { ...DEFAULT_CHUNK_LIMITS, ...(overrides ?? {}) };
  if (!(l.maxBytes > 0) || !(l.maxRows >= 1) || !(l.maxOps >= 1)) throw new Error('chunk limits must be positive');
  if (l.maxBytes > PAYLOAD_CAP_BYTES) throw new Error('chunk maxBytes above the Excel payload cap');
  return l;
}

/** A problem the chair must act on (the message is Russian and names what to do). */
export class SheetError extends Error {
  constructor(
    readonly code: 'table_missing' | 'columns_missing' | 'sheet_occupied' | 'sheet_missing' | 'selection_invalid',
    message: string,
  ) {
    super(message);
    this.name = 'SheetError';
  }
}

// ---------------------------------------------------------------- addresses

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= MAX_SHEET_COLUMNS) throw new Error(`column index out of range: ${index}`);
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A → 0, AA → 26. */
export function columnIndex(letters: string): number {
  const up = letters.toUpperCase();
  if (!/^[A-Z]{1,3}$/.test(up)) throw new Error(`not a column: ${letters}`);
  let n = 0;
  for (const ch of up) n = n * 26 + (ch.charCodeAt(0) - 64);
  if (n > MAX_SHEET_COLUMNS) throw new Error(`not a column: ${letters}`);
  return n - 1;
}

/** Sheet name as it must stand in a formula or a qualified address: always quoted, quotes doubled. */
export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** "C5" from a 1-based row and a 0-based column; with `sheet`, "'Лист'!C5". */
export function cellAddress(row: number, col: number, sheet?: string): string {
  const a = `${columnLetter(col)}${row}`;
  return sheet === undefined ? a : `${quoteSheetName(sheet)}!${a}`;
}

/** "C5:E9" for `rows` × `cols` cells starting at 1-based `row`, 0-based `col` (a single cell stays "C5"). */
export function rangeAddress(row: number, col: number, rows: number, cols: number, sheet?: string): string {
  if (rows < 1 || cols < 1) throw new Error('empty range');
  const a = rows === 1 && cols === 1 ? `${columnLetter(col)}${row}` : `${columnLetter(col)}${row}:${columnLetter(col + cols - 1)}${row + rows - 1}`;
  return sheet === undefined ? a : `${quoteSheetName(sheet)}!${a}`;
}

/** One rectangle, 0-based, as `getRangeByIndexes` takes it. */
export interface Area {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

export interface ParsedAddress {
  /** The sheet named in the address (unquoted), or null when the address has none. */
  sheet: string | null;
  areas: Area[];
}

/**
 * Parses what Excel returns in `Range.address` / `RangeAreas.address`: "A1", "'Лист 1'!B2:C5",
 * "Лист!C:C", "Лист!3:5", "Лист!A1:B2, Лист!D4" (areas separated by commas or semicolons).
 */
export function parseAddress(address: string): ParsedAddress {
  const parts = splitAreas(address);
  let sheet: string | null = null;
  const areas: Area[] = [];
  for (const part of parts) {
    const { sheet: s, ref } = splitSheet(part);
    if (s !== null) {
      if (sheet !== null && sheet !== s) throw new Error(`address spans several sheets: ${address}`);
      sheet = s;
    }
    areas.push(parseRef(ref));
  }
  return { sheet, areas };
}

function splitAreas(address: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const ch = address[i];
    if (ch === "'") {
      if (quoted && address[i + 1] === "'") {
        cur += "''";
        i++;
        continue;
      }
      quoted = !quoted;
      cur += ch;
    } else if (!quoted && (ch === ',' || ch === ';')) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  if (out.length === 0) throw new Error('empty address');
  return out;
}

function splitSheet(part: string): { sheet: string | null; ref: string } {
  const bang = part.lastIndexOf('!');
  if (bang < 0) return { sheet: null, ref: part };
  let s = part.slice(0, bang);
  if (s.startsWith("'") && s.endsWith("'")) s = s.slice(1, -1).replace(/''/g, "'");
  return { sheet: s, ref: part.slice(bang + 1) };
}

function parseRef(ref: string): Area {
  const r = ref.replace(/\$/g, '').toUpperCase();
  const [a, b = a] = r.split(':');
  const cell = /^([A-Z]{1,3})(\d+)$/;
  const colOnly = /^([A-Z]{1,3})$/;
  const rowOnly = /^(\d+)$/;
  let m1 = cell.exec(a);
  let m2 = cell.exec(b);
  if (m1 && m2) {
    const c1 = columnIndex(m1[1]);
    const c2 = columnIndex(m2[1]);
    const r1 = Number(m1[2]);
    const r2 = Number(m2[2]);
    return { row: Math.min(r1, r2) - 1, col: Math.min(c1, c2), rows: Math.abs(r2 - r1) + 1, cols: Math.abs(c2 - c1) + 1 };
  }
  m1 = colOnly.exec(a);
  m2 = colOnly.exec(b);
  if (m1 && m2) {
    const c1 = columnIndex(m1[1]);
    const c2 = columnIndex(m2[1]);
    return { row: 0, col: Math.min(c1, c2), rows: MAX_SHEET_ROWS, cols: Math.abs(c2 - c1) + 1 };
  }
  m1 = rowOnly.exec(a);
  m2 = rowOnly.exec(b);
  if (m1 && m2) {
    const r1 = Number(m1[1]);
    const r2 = Number(m2[1]);
    return { row: Math.min(r1, r2) - 1, col: 0, rows: Math.abs(r2 - r1) + 1, cols: MAX_SHEET_COLUMNS };
  }
  throw new Error(`not an address: ${ref}`);
}

/** The overlap of two areas, or null. */
export function intersectAreas(a: Area, b: Area): Area | null {
  const row = Math.max(a.row, b.row);
  const col = Math.max(a.col, b.col);
  const rowEnd = Math.min(a.row + a.rows, b.row + b.rows);
  const colEnd = Math.min(a.col + a.cols, b.col + b.cols);
  if (rowEnd <= row || colEnd <= col) return null;
  return { row, col, rows: rowEnd - row, cols: colEnd - col };
}

/** Consecutive runs of sorted, distinct row numbers: [3,4,5,9] → [{first:3,count:3},{first:9,count:1}]. */
export function rowRuns(sortedRows: readonly number[]): { first: number; count: number }[] {
  const runs: { first: number; count: number }[] = [];
  for (const r of sortedRows) {
    const last = runs[runs.length - 1];
    if (last && r === last.first + last.count) last.count++;
    else if (last && r < last.first + last.count) continue;
    else runs.push({ first: r, count: 1 });
  }
  return runs;
}

/**
 * Joins addresses into comma-separated lists no longer than `maxLength`, for `Worksheet.getRanges`:
 * one RangeAreas object then carries many scattered cells.
 */
export function groupAddresses(addresses: readonly string[], maxLength = RANGE_AREAS_ADDRESS_MAX): string[] {
  const groups: string[] = [];
  let cur = '';
  for (const a of addresses) {
    if (a.length > maxLength) throw new Error(`address longer than ${maxLength}: ${a}`);
    if (!cur) cur = a;
    else if (cur.length + 1 + a.length <= maxLength) cur += `,${a}`;
    else {
      groups.push(cur);
      cur = a;
    }
  }
  if (cur) groups.push(cur);
  return groups;
}

// ---------------------------------------------------------------- payload estimates and chunk plans

/** Bytes of `s` in UTF-8 (Cyrillic letters take two). */
export function utf8Length(s: string): number {
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

/** Estimated bytes of a value once serialised as JSON, as Office.js sends it. */
export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? '');
}

/** What one item (a row, a result) costs in a request. */
export interface ItemCost {
  bytes: number;
  ops?: number;
}

export interface ChunkSpan {
  start: number;
  end: number;
}

/**
 * Greedy plan: consecutive items packed while the chunk stays within `maxBytes`, `maxRows` items and
 * `maxOps` operations. An item heavier than a whole chunk gets a chunk of its own (the caller's
 * budget is half the cap, so one such row still fits in a request).
 */
export function planChunks(count: number, costOf: (index: number) => ItemCost, limits: ChunkLimits, fixed: ItemCost = { bytes: 0, ops: 0 }): ChunkSpan[] {
  const spans: ChunkSpan[] = [];
  let start = 0;
  let bytes = fixed.bytes;
  let ops = fixed.ops ?? 0;
  for (let i = 0; i < count; i++) {
    const c = costOf(i);
    const cOps = c.ops ?? 0;
    const n = i - start;
    if (n > 0 && (n + 1 > limits.maxRows || bytes + c.bytes > limits.maxBytes || ops + cOps > limits.maxOps)) {
      spans.push({ start, end: i });
      start = i;
      bytes = fixed.bytes;
      ops = fixed.ops ?? 0;
    }
    bytes += c.bytes;
    ops += cOps;
  }
  if (count > start) spans.push({ start, end: count });
  return spans;
}

/** True for Excel's "request/response too large" errors (then a smaller chunk is tried). */
export function isPayloadLimitError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'RequestPayloadSizeLimitExceeded' || code === 'ResponsePayloadSizeLimitExceeded' || code === 'PayloadTooLarge';
}

/** Error code of an Office.js error (`ItemNotFound`, …), or undefined. */
export function officeErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export interface ChunkedReadStats {
  syncs: number;
  chunks: number;
  /** Largest response we received, by our estimate. */
  maxResponseBytes: number;
}

/** Row limit for reading or writing a narrow slice (one or two columns): rows are cheap there. */
export function narrowRows(limits: ChunkLimits, width: number): number {
  return Math.max(limits.maxRows, Math.floor((limits.maxRows * 24) / Math.max(1, width)));
}

/**
 * Reads `total` rows, `width` cells wide, in chunks: one `load('values')` and one `sync` per chunk.
 * The first chunk assumes `guessBytesPerCell`; later chunks are sized from the rows already read
 * (the heaviest row seen, with a margin). If Excel still refuses the payload, the chunk is halved
 * and read again.
 */
export async function readRowsInChunks(
  context: Excel.RequestContext,
  total: number,
  width: number,
  rangeFor: (start: number, count: number) => Excel.Range,
  onRows: (start: number, values: unknown[][]) => void,
  limits: ChunkLimits,
  opts: { guessBytesPerCell?: number; maxRows?: number } = {},
): Promise<ChunkedReadStats> {
  const stats: ChunkedReadStats = { syncs: 0, chunks: 0, maxResponseBytes: 0 };
  let bytesPerRow = Math.max(1, width) * (opts.guessBytesPerCell ?? 64);
  const maxRows = opts.maxRows ?? limits.maxRows;
  let start = 0;
  while (start < total) {
    const count = Math.max(1, Math.min(total - start, maxRows, Math.floor(limits.maxBytes / bytesPerRow)));
    const range = rangeFor(start, count);
    range.load('values');
    stats.syncs++;
    try {
      await context.sync();
    } catch (err) {
      if (isPayloadLimitError(err) && count > 1) {
        bytesPerRow = Math.ceil(limits.maxBytes / Math.floor(count / 2));
        continue;
      }
      throw err;
    }
    const values = range.values as unknown[][];
    let heaviest = 0;
    let sum = 0;
    for (const row of values) {
      const b = jsonBytes(row);
      sum += b;
      if (b > heaviest) heaviest = b;
    }
    stats.maxResponseBytes = Math.max(stats.maxResponseBytes, sum);
    bytesPerRow = Math.max(8, Math.ceil(heaviest * 1.25), Math.ceil((sum / values.length) * 2));
    onRows(start, values);
    stats.chunks++;
    start += count;
  }
  return stats;
}

// ---------------------------------------------------------------- headers and cells

/** Header text for matching: case-, ё-, space- and punctuation-insensitive. */
export function normalizeHeader(s: unknown): string {
  return String(s ?? '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s.,:;()«»"/\\-]+/g, ' ')
    .trim();
}

/** True when a cell holds nothing (Excel returns "" for an empty cell). */
export function isBlankCell(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** The text of a cell for fingerprints and messages: "" for empty, numbers as JavaScript prints them. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

/** Excel column width in points for a width in characters (Calibri 11: 7 px a character plus 5 px padding). */
export function widthInPoints(chars: number): number {
  return Math.round((chars * 7 + 5) * 0.75 * 100) / 100;
}

// ---------------------------------------------------------------- Excel dates (1900 date system)

const DAY_MS = 86_400_000;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Excel serial number of a calendar date, or null if the date does not exist. */
export function serialFromYmd(y: number, m: number, d: number): number | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const ms = Date.UTC(y, m - 1, d);
  const dt = new Date(ms);
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  const serial = Math.round((ms - EXCEL_EPOCH_MS) / DAY_MS);
  return serial >= 61 ? serial : null; // before 1 March 1900 Excel's serials are off by its 1900 leap-year bug
}

/** "1990-02-01" from a serial (the integer part; a time of day is dropped). */
export function isoDateFromSerial(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 61 || serial > 2_958_465) return null;
  const dt = new Date(EXCEL_EPOCH_MS + Math.floor(serial) * DAY_MS);
  const y = dt.getUTCFullYear();
  const m = String(dt.getUTCMonth() + 1).padStart(2, '0');
  const d = String(dt.getUTCDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/**
 * A date written by the registry ("1990-02-01", "1990-02-01T00:00:00Z" or "01.02.1990") as an Excel
 * serial, so the cell holds a real date whatever the user's locale; null when it is not such a date.
 */
export function serialFromDateText(s: string): number | null {
  const t = s.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (m) return serialFromYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(t);
  if (m) return serialFromYmd(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

// ---------------------------------------------------------------- fingerprints

/**
 * A 64-bit fingerprint (16 hex digits) of a row's cell texts, to tell whether a row changed since
 * the last successful exchange with the registry. Two independent 32-bit hashes: FNV-1a and a
 * Murmur-style mix; a missed change would need both to collide.
 */
const imul = Math.imul; // a local binding: much faster than a global lookup inside jest's vm context

export function fingerprint(parts: readonly unknown[]): string {
  let h1 = 0x811c9dc5 | 0;
  let h2 = (0x9747b28c ^ parts.length) | 0;
  for (const p of parts) {
    const s = cellText(p);
    for (let i = 0; i <= s.length; i++) {
      const c = i < s.length ? s.charCodeAt(i) : 0x1f; // unit separator after each part
      h1 = imul(h1 ^ c, 0x01000193);
      h2 = imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
  }
  h2 = imul(h2 ^ (h2 >>> 15), 0x5bd1e995);
  return (h1 >>> 0).toString(16).padStart(8, '0') + ((h2 ^ (h2 >>> 16)) >>> 0).toString(16).padStart(8, '0');
}

/**
 * The number format of every cell that holds a string becomes '@' (Text), in place; other cells keep
 * theirs. Text that came from the server (names of subordinate organisations, campaign names…) is then
 * written as text and never read as a formula, whatever it starts with: Excel keeps what is entered
 * into a Text-formatted cell as it is, «=…» included (Microsoft Support, «Formulas shown as text»: a
 * cell formatted as Text does not calculate). The format must be set before the values, in the same
 * batch — the callers assign `numberFormat` first, then `values`. The server refuses such names too
 * (domain/text.ts formulaStartProblem); this guards the sheet against names stored before that rule.
 */
export function textFormatForStrings(values: readonly (readonly unknown[])[], formats: string[][]): string[][] {
  for (let r = 0; r < values.length; r++) {
    for (let c = 0; c < values[r].length; c++) if (typeof values[r][c] === 'string') formats[r][c] = '@';
  }
  return formats;
}
