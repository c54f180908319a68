/**
 * Reading a member list out of a worksheet: which row holds the column headers (among the first
 * ten), which column is which (by header or an HR alias, case-, ё- and punctuation-insensitively),
 * and what each cell holds — typed values as exceljs gives them (strings, numbers, dates), rich text
 * and hyperlinks as their text, formulas by their cached result (never evaluated), Excel errors
 * and formulas without a result as problems of that cell.
 */
import type ExcelJS from 'exceljs';
import { MEMBER_COLUMNS, RESULT_HEADER, ROW_KEY_HEADER, columnByKey, type ColumnKey } from '../../../domain/members/columns';
import { restoreNeutralised } from './neutralise';

export const HEADER_SEARCH_ROWS = 10;

/** 'Дата рождения:' → 'дата рождения'; «Ф.И.О.» → 'ф и о'; ё → е. The add-in compares headers the same way. */
export function normaliseHeader(s: string): string {
  return s
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s.,:;()«»"/\\-]+/g, ' ')
    .trim();
}

type Cell = ExcelJS.CellValue;

/** The text a cell shows, for headers: strings, numbers, rich text, hyperlinks, formula results. */
export function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    if ('hyperlink' in v) return cellText((v as { text?: Cell }).text ?? '');
    if ('result' in v) return cellText((v as { result?: Cell }).result ?? null);
  }
  return '';
}

export interface HeaderMap {
  /** 1-based header row. */
  row: number;
  /** 1-based column of each member column found. */
  columns: Partial<Record<ColumnKey, number>>;
  /** «Результат» from an earlier answer of ours: rewritten, never read as data. */
  resultCol: number | null;
  /** Headers of the chair's own columns (not loaded). */
  unknown: string[];
  /** The surname column is «ФИО»-like: a full name in one cell; no «Имя» column is needed. */
  fullNameColumn: boolean;
  /** Member columns found. */
  matched: number;
}

const SURNAME = columnByKey('surname');
const SURNAME_KEY = normaliseHeader(SURNAME.header);

/** Maps header texts (index 0 = column 1) to columns: exact headers first, then aliases; each column is taken once. */
export function mapHeaders(texts: readonly string[], row: number): HeaderMap {
  const norm = texts.map(normaliseHeader);
  const taken: (ColumnKey | 'result' | null)[] = texts.map(() => null);
  const columns: Partial<Record<ColumnKey, number>> = {};
  let resultCol: number | null = null;
  let fullNameColumn = false;
  const take = (wanted: string): number => {
    const i = norm.findIndex((h, j) => taken[j] === null && h !== '' && h === wanted);
    return i;
  };
  const r = take(normaliseHeader(RESULT_HEADER));
  if (r >= 0) {
    taken[r] = 'result';
    resultCol = r + 1;
  }
  for (const c of MEMBER_COLUMNS) {
    const i = take(normaliseHeader(c.header));
    if (i >= 0) {
      taken[i] = c.key;
      columns[c.key] = i + 1;
    }
  }
  for (const c of MEMBER_COLUMNS) {
    if (columns[c.key] !== undefined) continue;
    for (const alias of c.aliases) {
      const a = normaliseHeader(alias);
      const i = take(a);
      if (i < 0) continue;
      taken[i] = c.key;
      columns[c.key] = i + 1;
      if (c.key === 'surname' && a !== SURNAME_KEY) fullNameColumn = true;
      break;
    }
  }
  return {
    row,
    columns,
    resultCol,
    // the add-in's hidden «Ключ строки» is neither data nor worth a word in the upload summary
    unknown: texts.filter((t, i) => taken[i] === null && t.trim() !== '' && normaliseHeader(t) !== normaliseHeader(ROW_KEY_HEADER)).map((t) => t.trim()),
    fullNameColumn,
    matched: Object.keys(columns).length,
  };
}

/**
 * The header row of a sheet: among its first rows, the one that names the surname (or full name)
 * column and at least one more member column, with the most member columns; null when none does.
 */
export function findHeaderRow(rowTexts: (row: number) => string[], lastRow: number): HeaderMap | null {
  let best: HeaderMap | null = null;
  for (let r = 1; r <= Math.min(HEADER_SEARCH_ROWS, lastRow); r++) {
    const map = mapHeaders(rowTexts(r), r);
    if (map.columns.surname === undefined || map.matched < 2) continue;
    if (!best || map.matched > best.matched) best = map;
  }
  return best;
}

/** Member columns a list cannot do without (the name column is not needed when the surname column holds the full name). */
export function missingRequired(map: HeaderMap): ColumnKey[] {
  return MEMBER_COLUMNS.filter((c) => c.required && map.columns[c.key] === undefined && !(c.key === 'name' && map.fullNameColumn)).map((c) => c.key);
}

// ------------------------------------------------------------------------------------------ cells

export type CellRead = { ok: true; value: unknown } | { ok: false; problem: 'formula' | 'error'; code?: string };

/** Longest text taken from one cell (the sync API's limit); longer is a problem of that cell. */
export const CELL_MAX_CHARS = 2000;

/**
 * What one cell holds, for the member pipeline: strings (our CSV apostrophe taken off), numbers,
 * booleans and Dates as they are; rich text and hyperlinks as text; a formula by its cached result.
 */
export function readCell(v: Cell): CellRead {
  if (v === null || v === undefined) return { ok: true, value: undefined };
  if (typeof v === 'string') return { ok: true, value: restoreNeutralised(v) };
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return { ok: true, value: v };
  if (typeof v === 'object') {
    const o = v as unknown as Record<string, unknown>;
    if ('error' in o) return { ok: false, problem: 'error', code: String(o.error ?? '') };
    if ('formula' in o || 'sharedFormula' in o) {
      const result = o.result as Cell | undefined;
      if (result === undefined || result === null) return { ok: false, problem: 'formula' };
      return readCell(result);
    }
    if ('richText' in o || 'hyperlink' in o) return { ok: true, value: restoreNeutralised(cellText(v)) };
  }
  // Anything else (a checkbox, an unknown object) is handed over as it is: the row check calls it a bad value.
  return { ok: true, value: v };
}

/** The row if the sheet has it (exceljs' `getRow` would create it); exceljs does not declare `findRow`. */
export function findRow(ws: ExcelJS.Worksheet, r: number): ExcelJS.Row | undefined {
  return (ws as unknown as { findRow(r: number): ExcelJS.Row | undefined }).findRow(r);
}
