/**
 * Reading a member list out of a worksheet: what each cell holds (which row holds the headers and which
 * column is which is the domain engine's job: domain/members/list-import.ts) — typed values as exceljs gives them (strings, numbers, dates), rich text
 * and hyperlinks as their text, formulas by their cached result (never evaluated), Excel errors
 * and formulas without a result as problems of that cell.
 */
import type ExcelJS from 'exceljs';
import type { ColumnKey } from '../../../domain/members/columns';
import { restoreNeutralised } from './neutralise';

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
