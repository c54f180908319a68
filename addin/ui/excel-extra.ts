/**
 * Excel operations the pane needs that addin/excel does not have (yet). Same rules as there: each
 * takes the request context it is given (the UI wraps it in Excel.run), loads what it needs in one
 * sync, computes in plain TypeScript, writes whole column slices, one sync per chunk.
 */
import { MEMBER_TABLE_NAME } from '../../domain/members/columns';
import { mapMemberHeaders } from '../excel/member-sheet';
import { cellText, chunkLimits, officeErrorCode, readRowsInChunks, SheetError } from '../excel/sheet-utils';

export interface ForgetReport {
  /** Rows whose id and version were cleared. */
  rows: number;
  syncs: number;
}

/**
 * After «Отменить последнюю отправку»: the members that push created are gone from the registry and
 * the ones it updated got a new version, so rows carrying those ids are turned back into rows without
 * an id — the next push matches them again by СНИЛС or name + birth date and nothing is duplicated
 * or refused. Rows are found by id (not by row number: the chair may have sorted the sheet since).
 * «Результат» gets `resultText`. Syncs: 1 (table) + reads of the id column + 1 write per chunk.
 */
export async function forgetRegistryIds(context: Excel.RequestContext, ids: ReadonlySet<string>, resultText: string): Promise<ForgetReport> {
  const table = context.workbook.tables.getItem(MEMBER_TABLE_NAME);
  const header = table.getHeaderRowRange();
  header.load('values, rowIndex, columnIndex, columnCount');
  const body = table.getDataBodyRange();
  body.load('rowIndex, rowCount');
  const sheet = table.worksheet;
  try {
    await context.sync();
  } catch (err) {
    if (officeErrorCode(err) === 'ItemNotFound') throw new SheetError('table_missing', 'Лист членов Профсоюза не найден: на листе нечего менять.');
    throw err;
  }
  let syncs = 1;
  const columns = mapMemberHeaders(header.values[0]);
  const idPos = columns.position.id;
  const versionPos = columns.position.version;
  const resultPos = columns.position.result;
  if (idPos === undefined || versionPos === undefined) return { rows: 0, syncs };
  const limits = chunkLimits();
  const hits: number[] = [];
  const stats = await readRowsInChunks(
    context,
    body.rowCount,
    1,
    (start, count) => sheet.getRangeByIndexes(body.rowIndex + start, header.columnIndex + idPos, count, 1),
    (start, values) => values.forEach((v, i) => {
      const id = cellText(v[0]).trim();
      if (id && ids.has(id)) hits.push(start + i);
    }),
    limits,
    { guessBytesPerCell: 40 },
  );
  syncs += stats.syncs;
  if (hits.length === 0) return { rows: 0, syncs };
  // One column slice per column from the first to the last hit; null leaves a cell as it is.
  const first = hits[0];
  const last = hits[hits.length - 1];
  const hitSet = new Set(hits);
  const step = Math.max(1, limits.maxRows);
  for (let start = first; start <= last; start += step) {
    const count = Math.min(step, last - start + 1);
    const slice = (value: string): (string | null)[][] => Array.from({ length: count }, (_, i) => [hitSet.has(start + i) ? value : null]);
    const at = (pos: number) => sheet.getRangeByIndexes(body.rowIndex + start, header.columnIndex + pos, count, 1);
    at(idPos).values = slice('') as string[][];
    at(versionPos).values = slice('') as string[][];
    if (resultPos !== undefined) at(resultPos).values = slice(resultText) as string[][];
    await context.sync();
    syncs++;
  }
  return { rows: hits.length, syncs };
}

/** The hidden key column of the passport form («Паспорт ППО», column A) is scanned this far. */
const PASSPORT_SCAN_ROWS = 200;

/**
 * Selects the value cell of a passport field (for a click on a passport error in the pane): the
 * row is found by the field's key in the form's hidden column A, so moved rows are still found.
 * Two syncs. Returns the address, or null when the field is not on the sheet.
 */
export async function selectPassportField(context: Excel.RequestContext, sheetName: string, key: string): Promise<string | null> {
  const ws = context.workbook.worksheets.getItem(sheetName);
  const keys = ws.getRange(`A1:A${PASSPORT_SCAN_ROWS}`).load('values');
  try {
    await context.sync();
  } catch (err) {
    if (officeErrorCode(err) === 'ItemNotFound') throw new SheetError('sheet_missing', `Лист «${sheetName}» не найден: нажмите «Показать паспорт на листе».`);
    throw err;
  }
  const i = (keys.values as unknown[][]).findIndex((r) => cellText(r[0]).trim() === key);
  if (i < 0) return null;
  const address = `C${i + 1}`;
  ws.activate();
  ws.getRange(address).select();
  await context.sync();
  return address;
}
