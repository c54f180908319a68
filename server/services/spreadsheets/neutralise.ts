/**
 * Formula injection («CSV injection»): a text that begins with =, +, -, @, a tab or a carriage return
 * is taken for a formula by Excel, LibreOffice and МойОфис when a CSV is opened or a cell is re-typed.
 * Whatever we write from the register is neutralised:
 *  - in CSV, such a text is prefixed with an apostrophe ('=HYPERLINK(…) is shown as text);
 *  - in .xlsx, every text is written as a string cell (shared string, never a formula) in a column
 *    with the text format «@», so even re-typing the cell in Excel keeps it text.
 * On upload the apostrophe we added is taken off again, so an exported CSV round-trips unchanged.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** True when a spreadsheet would read this text as a formula. */
export function isFormulaLike(value: string): boolean {
  return FORMULA_START.test(value);
}

/** The text as it is safe to put into a CSV cell: formula-like text gets a leading apostrophe. */
export function neutraliseCell(value: string): string {
  return isFormulaLike(value) ? `'${value}` : value;
}

/** Undoes neutraliseCell: "'=1+2" → "=1+2"; any other text is returned as it is. */
export function restoreNeutralised(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}
