/**
 * CSV as chairs save it from Excel, LibreOffice, МойОфис or Р7: UTF-8 (with or without BOM) or
 * Windows-1251 (Excel's «CSV (разделители — запятые)» on a Russian Windows), UTF-16 with a BOM
 * («Текст Юникод»), separated by «;» (Russian Excel), «,» or a tab; quoted fields may hold the
 * separator, quotes ("") and line breaks. And the register's own CSV export (UTF-8 with BOM, «;»).
 */
import iconv from 'iconv-lite';
import { neutraliseCell } from './neutralise';

export type CsvEncoding = 'UTF-8' | 'Windows-1251' | 'UTF-16';
export type CsvSeparator = ';' | ',' | '\t';

export const CSV_SEPARATOR_LABELS: Record<CsvSeparator, string> = { ';': 'точка с запятой', ',': 'запятая', '\t': 'табуляция' };

/** Why a CSV cannot be read; `line` is the line of the file (1-based) where the trouble starts. */
export class CsvError extends Error {
  constructor(
    readonly code: 'csv_quote' | 'csv_not_text',
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CsvError';
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(buf: Buffer, bytes: readonly number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

/** Decodes the bytes of a text file: BOM first, then strict UTF-8, else Windows-1251. */
export function decodeCsv(buf: Buffer): { text: string; encoding: CsvEncoding } {
  if (startsWith(buf, [0xff, 0xfe])) return { text: buf.subarray(2).toString('utf16le'), encoding: 'UTF-16' };
  if (startsWith(buf, [0xfe, 0xff])) {
    const body = Buffer.from(buf.subarray(2, 2 + ((buf.length - 2) & ~1)));
    body.swap16();
    return { text: body.toString('utf16le'), encoding: 'UTF-16' };
  }
  // A text file has no NUL bytes; a binary file (a picture, a PDF, an old .xls) almost always does.
  const head = buf.subarray(0, 64 * 1024);
  if (head.includes(0)) throw new CsvError('csv_not_text', 'binary');
  if (startsWith(buf, UTF8_BOM)) return { text: new TextDecoder('utf-8').decode(buf.subarray(3)), encoding: 'UTF-8' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'UTF-8' };
  } catch {
    return { text: iconv.decode(buf, 'win1251'), encoding: 'Windows-1251' };
  }
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

/**
 * Splits CSV text into records of fields (RFC 4180, leniently): CRLF, LF or CR end a record; a field
 * that begins with a quote runs to the matching quote ("" is a quote inside) and may hold separators
 * and line breaks; a quote inside an unquoted field is kept as it is. A quote that is never closed
 * is an error (reading on would swallow every following row into one cell).
 */
export function parseCsv(text: string, sep: CsvSeparator): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  for (;;) {
    // One field starts at i.
    let value: string;
    if (text[i] === '"') {
      const startLine = line;
      const parts: string[] = [];
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) {
          throw new CsvError('csv_quote', `Кавычка, открытая в строке ${startLine} файла, не закрыта до конца файла`, startLine);
        }
        const chunk = text.slice(from, q);
        line += countBreaks(chunk);
        parts.push(chunk);
        if (text[q + 1] === '"') {
          parts.push('"');
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the separator is kept (lenient).
      let j = i;
      while (j < n && text[j] !== sep && text[j] !== '\n' && text[j] !== '\r') j++;
      if (j > i) parts.push(text.slice(i, j));
      i = j;
      value = parts.join('').replace(/\r\n?/g, '\n');
    } else {
      let j = i;
      while (j < n && text[j] !== sep && text[j] !== '\n' && text[j] !== '\r') j++;
      value = text.slice(i, j);
      i = j;
    }
    record.push(value);
    if (i >= n) {
      if (record.length > 1 || record[0] !== '') records.push(record);
      return records;
    }
    const c = text[i];
    if (c === sep) {
      i++;
      continue;
    }
    // A line break ends the record.
    records.push(record);
    record = [];
    i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    line++;
    if (i >= n) return records;
  }
}

function countBreaks(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\n') k++;
    else if (s[i] === '\r' && s[i + 1] !== '\n') k++;
  }
  return k;
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
