/**
 * CSV as chairs save it from Excel, LibreOffice, МойОфис or Р7: UTF-8 (with or without BOM) or
 * Windows-1251 (Excel's «CSV (разделители — запятые)» on a Russian Windows), UTF-16 with a BOM
 * («Текст Юникод»), separated by «;» (Russian Excel), «,» or a tab; quoted fields may hold the
 * separator, quotes ("") and line breaks. And the register's own CSV export (UTF-8 with BOM, «;»).
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { neutraliseCell } from './neutralise';

export type CsvEncoding = 'UTF-8' | 'Windows-1251' | 'UTF-16';
export type CsvSeparator = ';' | ',' | '\t';

export const CSV_SEPARATOR_LABELS: Record<CsvSeparator, string> = { ';': 'точка с запятой', ',': 'запятая', '\t': 'табуляция' };

/**
 * Caps applied WHILE a CSV is read, so that a hostile file (20 MB of line breaks, one 20 MB cell,
 * millions of «;») costs bounded memory and stops at the first cap it exceeds.
 */
export interface CsvLimits {
  /** Records in the file, blank ones included (they are counted, not kept). */
  maxRecords: number;
  /** Fields in one record. */
  maxColumns: number;
  /** Cells kept over the whole file: each non-blank record up to its last non-empty field. */
  maxCells: number;
  /** Characters in one field. */
  maxCellChars: number;
}

const NO_LIMITS: CsvLimits = { maxRecords: Infinity, maxColumns: Infinity, maxCells: Infinity, maxCellChars: Infinity };

export type CsvLimitCode = 'csv_too_many_rows' | 'csv_too_many_columns' | 'csv_too_many_cells' | 'csv_cell_too_long';

/** Why a CSV cannot be read; `line` is the line of the file (1-based) where the trouble starts. */
export class CsvError extends Error {
  constructor(
    readonly code: 'csv_quote' | 'csv_not_text' | CsvLimitCode,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** Bytes decoded at a time: the whole file is never one string. */
const CHUNK_BYTES = 256 * 1024;
/** Text looked at to find the separator. */
const HEAD_CHARS = 256 * 1024;

function startsWith(buf: Buffer, bytes: readonly number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

/** The encoding (BOM first, then strict UTF-8, else Windows-1251) and the text, piece by piece. */
function decodeChunks(buf: Buffer): { encoding: CsvEncoding; chunks: () => Generator<string> } {
  let encoding: CsvEncoding;
  let body = buf;
  let decode: (piece: Buffer, last: boolean) => string;
  if (startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])) {
    encoding = 'UTF-16';
    const decoder = new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be');
    body = buf.subarray(2);
    decode = (piece, last) => decoder.decode(piece, { stream: !last });
  } else {
    // A text file has no NUL bytes; a binary file (a picture, a PDF, an old .xls) almost always does.
    if (buf.subarray(0, 64 * 1024).includes(0)) throw new CsvError('csv_not_text', 'binary');
    if (startsWith(buf, UTF8_BOM) || isUtf8(buf)) {
      encoding = 'UTF-8';
      if (startsWith(buf, UTF8_BOM)) body = buf.subarray(3);
      const decoder = new TextDecoder('utf-8');
      decode = (piece, last) => decoder.decode(piece, { stream: !last });
    } else {
      encoding = 'Windows-1251';
      decode = (piece) => iconv.decode(piece, 'win1251');
    }
  }
  function* chunks(): Generator<string> {
    if (body.length === 0) return;
    for (let at = 0; at < body.length; at += CHUNK_BYTES) {
      const end = Math.min(body.length, at + CHUNK_BYTES);
      yield decode(body.subarray(at, end), end === body.length);
    }
  }
  return { encoding, chunks };
}

/** Decodes the bytes of a text file: BOM first, then strict UTF-8, else Windows-1251. */
export function decodeCsv(buf: Buffer): { text: string; encoding: CsvEncoding } {
  const { encoding, chunks } = decodeChunks(buf);
  return { text: [...chunks()].join(''), encoding };
}
/**
 * The separator: the one of «;», «,» and tab that occurs most (outside quotes) in the first ten
 * non-empty lines; «;» wins a tie (it is what Russian Excel writes). No separator at all → «;».
 */
export function detectSeparator(text: string): CsvSeparator {
  const counts: Record<CsvSeparator, number> = { ';': 0, ',': 0, '\t': 0 };
  let lines = 0;
  let inQuotes = false;
  let lineHasText = false;
  const limit = Math.min(text.length, 256 * 1024);
  for (let i = 0; i < limit && lines < 10; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === '\n' || c === '\r') {
      if (lineHasText) lines++;
      lineHasText = false;
    } else {
      if (c === ';' || c === ',' || c === '\t') counts[c]++;
      if (c.trim()) lineHasText = true;
    }
  }
  let best: CsvSeparator = ';';
  for (const s of [',', '\t'] as const) if (counts[s] > counts[best]) best = s;
  return best;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum State {
  /** At the start of a field. */
  Start,
  /** Inside an unquoted field. */
  Plain,
  /** Inside a quoted field. */
  Quoted,
  /** A quote inside a quoted field: a second one is a quote, anything else closes the field. */
  QuoteSeen,
  /** After the closing quote, up to the separator (kept, leniently). */
  AfterQuote,
}

const ru = (n: number) => n.toLocaleString('ru-RU');

/**
 * Splits CSV text into records of fields (RFC 4180, leniently), fed piece by piece: CRLF, LF or CR
 * end a record; a field that begins with a quote runs to the matching quote ("" is a quote inside)
 * and may hold separators and line breaks; a quote inside an unquoted field is kept as it is. A quote
 * that is never closed is an error (reading on would swallow every following row into one cell).
 * The caps on fields per record and characters per field are checked as the text arrives.
 */
export class CsvScanner {
  private state = State.Start;
  private fields: string[] = [];
  /** The current field's text from earlier pieces. */
  private field = '';
  private quoted = false;
  private skipLf = false;
  private lastWasCr = false;
  private line = 1;
  private quoteLine = 1;
  private records = 0;

  constructor(
    private readonly sep: CsvSeparator,
    private readonly limits: CsvLimits,
    /** Every record with its number (1-based) and the file line it starts on. */
    private readonly onRecord: (fields: string[], record: number, line: number) => void,
  ) {}

  private recordLine = 1;

  push(text: string): void {
    const sepCode = this.sep.charCodeAt(0);
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Start: {
          const c = text.charCodeAt(i);
          if (this.skipLf) {
            this.skipLf = false;
            if (c === LF) {
              i++;
              continue;
            }
          }
          if (this.fields.length === 0) this.recordLine = this.line;
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.quoted = true;
            this.quoteLine = this.line;
            i++;
          } else {
            this.state = State.Plain;
          }
          break;
        }
        case State.Plain:
        case State.AfterQuote: {
          let j = i;
          while (j < n) {
            const c = text.charCodeAt(j);
            if (c === sepCode || c === CR || c === LF) break;
            j++;
          }
          this.append(text, i, j);
          if (j === n) return;
          this.endField();
          const c = text.charCodeAt(j);
          i = j + 1;
          this.state = State.Start;
          if (c !== sepCode) {
            this.endRecord();
            this.line++;
            this.skipLf = c === CR;
          }
          break;
        }
        case State.Quoted: {
          const q = text.indexOf('"', i);
          const to = q < 0 ? n : q;
          this.countBreaks(text, i, to);
          this.append(text, i, to);
          if (q < 0) return;
          this.state = State.QuoteSeen;
          i = q + 1;
          break;
        }
        case State.QuoteSeen: {
          if (text.charCodeAt(i) === QUOTE) {
            this.field += '"';
            this.lastWasCr = false;
            this.state = State.Quoted;
            i++;
          } else {
            this.state = State.AfterQuote;
          }
          break;
        }
      }
    }
  }

  /** The end of the text: the last record (unless the text ended with a line break), or the unclosed quote. */
  end(): void {
    if (this.state === State.Quoted) {
      throw new CsvError('csv_quote', `Кавычка, открытая в строке ${this.quoteLine} файла, не закрыта до конца файла`, this.quoteLine);
    }
    if (this.state === State.Start && this.fields.length === 0) return;
    this.endField();
    if (this.fields.length > 1 || this.fields[0] !== '') this.endRecord();
    this.fields = [];
  }

  private append(text: string, from: number, to: number): void {
    if (to === from) return;
    if (this.field.length + (to - from) > this.limits.maxCellChars) {
      throw new CsvError(
        'csv_cell_too_long',
        `В строке ${this.quoted ? this.quoteLine : this.line} файла поле длиннее ${ru(this.limits.maxCellChars)} знаков (столько не помещается даже в ячейку Excel)`,
        this.quoted ? this.quoteLine : this.line,
      );
    }
    this.field += text.slice(from, to);
  }

  private countBreaks(text: string, from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const c = text.charCodeAt(k);
      if (c === CR) this.line++;
      else if (c === LF && !this.lastWasCr) this.line++;
      this.lastWasCr = c === CR;
    }
  }

  private endField(): void {
    const value = this.quoted && this.field.includes('\r') ? this.field.replace(/\r\n?/g, '\n') : this.field;
    this.fields.push(value);
    this.field = '';
    this.quoted = false;
    this.lastWasCr = false;
    if (this.fields.length > this.limits.maxColumns) {
      throw new CsvError(
        'csv_too_many_columns',
        `В строке ${this.recordLine} файла больше ${ru(this.limits.maxColumns)} полей, а в таблице может быть не больше ${ru(this.limits.maxColumns)} столбцов`,
        this.recordLine,
      );
    }
  }

  private endRecord(): void {
    this.records++;
    if (this.records > this.limits.maxRecords) {
      throw new CsvError('csv_too_many_rows', `В файле больше ${ru(this.limits.maxRecords)} строк (пустые строки тоже считаются)`, this.recordLine);
    }
    const fields = this.fields;
    this.fields = [];
    this.onRecord(fields, this.records, this.recordLine);
  }
}

/** Every record of a CSV text, blank ones included (as records of one empty field), without caps. */
export function parseCsv(text: string, sep: CsvSeparator): string[][] {
  const records: string[][] = [];
  const scanner = new CsvScanner(sep, NO_LIMITS, (fields) => records.push(fields));
  scanner.push(text);
  scanner.end();
  return records;
}

/** A non-blank record of a CSV file: its number (the row it becomes in a sheet) and its fields up to the last non-empty one. */
export interface CsvRow {
  row: number;
  cells: string[];
}

export interface CsvTable {
  encoding: CsvEncoding;
  separator: CsvSeparator;
  /** Non-blank records only. */
  rows: CsvRow[];
  /** All records, blank ones included. */
  records: number;
  /** Records whose every field is empty or spaces: counted, not kept. */
  blank: number;
}

/**
 * Reads a CSV file under caps: decodes it piece by piece (never the whole file as one string),
 * finds the separator in its first lines, and keeps only non-blank records, each up to its last
 * non-empty field. `inspectHead` sees the first text of the file (to refuse, say, an HTML page).
 * Throws CsvError: 'csv_not_text', 'csv_quote', or the first cap of `limits` exceeded.
 */
export function readCsv(buf: Buffer, limits: CsvLimits, opts: { inspectHead?: (head: string) => void } = {}): CsvTable {
  const { encoding, chunks } = decodeChunks(buf);
  const pieces = chunks();
  const head: string[] = [];
  let headChars = 0;
  for (let p = pieces.next(); !p.done; p = pieces.next()) {
    let piece = p.value;
    if (head.length === 0) piece = piece.replace(/^\ufeff/, '');
    head.push(piece);
    headChars += piece.length;
    if (headChars >= HEAD_CHARS) break;
  }
  const headText = head.join('');
  opts.inspectHead?.(headText);
  const separator = detectSeparator(headText);
  const rows: CsvRow[] = [];
  let cells = 0;
  let blank = 0;
  let records = 0;
  const scanner = new CsvScanner(separator, limits, (fields, record, line) => {
    records = record;
    let last = fields.length - 1;
    while (last >= 0 && fields[last].trim() === '') last--;
    if (last < 0) {
      blank++;
      return;
    }
    cells += last + 1;
    if (cells > limits.maxCells) {
      throw new CsvError('csv_too_many_cells', `В файле больше ${ru(limits.maxCells)} заполненных полей`, line);
    }
    rows.push({ row: record, cells: last + 1 === fields.length ? fields : fields.slice(0, last + 1) });
  });
  scanner.push(headText);
  for (let p = pieces.next(); !p.done; p = pieces.next()) scanner.push(p.value);
  scanner.end();
  return { encoding, separator, rows, records, blank };
}


function quoteField(value: string, sep: string): string {
  return value.includes(sep) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV for Excel, LibreOffice, МойОфис: UTF-8 with a BOM (so Excel does not take it for Windows-1251),
 * «;» (what Russian Excel expects), CRLF, every text neutralised against formula injection.
 */
export function toCsv(rows: readonly (readonly (string | number | null)[])[], sep: CsvSeparator = ';'): Buffer {
  const text = rows
    .map((r) => r.map((v) => (v === null ? '' : typeof v === 'number' ? String(v) : quoteField(neutraliseCell(v), sep))).join(sep))
    .join('\r\n');
  return Buffer.concat([Buffer.from(UTF8_BOM), Buffer.from(`${text}\r\n`, 'utf8')]);
}
