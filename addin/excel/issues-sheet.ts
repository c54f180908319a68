/**
 * «Ошибки проверки»: the full list of problems of the last check or push on a sheet of its own — the
 * report a chair can print, filter, or send to the person who keeps the HR list. The sheet notes
 * stop at MARK_NOTES_CAP; this list does not. The sheet is replaced each time (it holds nothing
 * else); rows go in chunks planned from their JSON size, one sync each.
 */
import { chunkLimits, jsonBytes, planChunks, rangeAddress, type ChunkLimits } from './sheet-utils';

export const ISSUES_SHEET_NAME = 'Ошибки проверки';

export interface IssueRow {
  row: number;
  column: string;
  message: string;
}

export async function writeIssuesSheet(context: Excel.RequestContext, rows: readonly IssueRow[], opts: { limits?: Partial<ChunkLimits> } = {}): Promise<{ rows: number; syncs: number }> {
  const limits = chunkLimits(opts.limits);
  const old = context.workbook.worksheets.getItemOrNullObject(ISSUES_SHEET_NAME);
  old.load('name');
  await context.sync();
  let syncs = 1;
  // the sheet of an earlier report is emptied and reused (it holds nothing but the report)
  const sheet = old.isNullObject ? context.workbook.worksheets.add(ISSUES_SHEET_NAME) : old;
  if (!old.isNullObject) sheet.getRange().clear('Contents');
  const header = sheet.getRangeByIndexes(0, 0, 1, 3);
  header.values = [['Строка', 'Столбец', 'Что не так']];
  header.format.font.bold = true;
  sheet.getRangeByIndexes(0, 0, 1, 1).format.columnWidth = 60;
  sheet.getRangeByIndexes(0, 1, 1, 1).format.columnWidth = 150;
  sheet.getRangeByIndexes(0, 2, 1, 1).format.columnWidth = 480;
  sheet.freezePanes.freezeRows(1);
  const grid = rows.map((r) => [r.row, r.column, r.message] as (string | number)[]);
  const spans = planChunks(grid.length, (i) => ({ bytes: jsonBytes(grid[i]) + 4, ops: 0 }), limits, { bytes: 2_000, ops: 10 });
  if (spans.length === 0) {
    sheet.activate();
    await context.sync();
    return { rows: 0, syncs: syncs + 1 };
  }
  for (let s = 0; s < spans.length; s++) {
    const { start, end } = spans[s];
    const range = sheet.getRange(rangeAddress(2 + start, 0, end - start, 3));
    range.numberFormat = Array.from({ length: end - start }, () => ['0', '@', '@']);
    range.values = grid.slice(start, end);
    if (s === spans.length - 1) sheet.activate();
    await context.sync();
    syncs++;
  }
  return { rows: rows.length, syncs };
}
