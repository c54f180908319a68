/**
 * Dropdown lists for data validation live on a very hidden sheet «Списки»: a list typed into a rule
 * is limited to 255 characters, a reference to cells is not, and the labels change in one place.
 */
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { STRUCTURE_COLUMNS, UNIT_KINDS, UNIT_STATUSES } from './structure-layout';
import { columnLetter, quoteSheetName, rangeAddress, SheetError } from './sheet-utils';

export const LISTS_SHEET_NAME = 'Списки';

export interface ListDef {
  readonly key: string;
  readonly header: string;
  readonly labels: readonly string[];
}

export const LISTS: readonly ListDef[] = [
  ...MEMBER_COLUMNS.filter((c) => c.type === 'enum' && c.options).map((c) => ({
    key: c.key as string,
    header: c.header,
    labels: (c.options ?? []).map((o) => o.label),
  })),
  { key: 'unitKind', header: STRUCTURE_COLUMNS.find((c) => c.key === 'kind')?.header ?? 'Вид', labels: UNIT_KINDS.map((o) => o.label) },
  { key: 'unitStatus', header: STRUCTURE_COLUMNS.find((c) => c.key === 'status')?.header ?? 'Состояние', labels: UNIT_STATUSES.map((o) => o.label) },
];

/** Formula for a list rule: "='Списки'!$B$2:$B$7". */
export function listSource(key: string): string {
  const i = LISTS.findIndex((l) => l.key === key);
  if (i < 0) throw new Error(`no list ${key}`);
  const col = columnLetter(i);
  return `=${quoteSheetName(LISTS_SHEET_NAME)}!$${col}$2:$${col}$${LISTS[i].labels.length + 1}`;
}

/** Queues the probe; read `isNullObject` and `visibility` after the next sync. */
export function probeListsSheet(context: Excel.RequestContext): Excel.Worksheet {
  const ws = context.workbook.worksheets.getItemOrNullObject(LISTS_SHEET_NAME);
  ws.load('name, visibility');
  return ws;
}

/**
 * Queues (re)writing the lists: creates the sheet if missing, rewrites every list, hides the sheet
 * (very hidden: not even listed in «Показать»). A visible sheet of the same name is the user's own:
 * then nothing is touched and the chair is asked to rename it.
 */
export function queueWriteLists(context: Excel.RequestContext, probe: Excel.Worksheet): void {
  if (!probe.isNullObject && probe.visibility !== 'VeryHidden') {
    throw new SheetError(
      'sheet_occupied',
      `В книге уже есть ваш лист «${LISTS_SHEET_NAME}». Надстройке нужен лист с таким именем для выпадающих списков: переименуйте свой лист и повторите.`,
    );
  }
  const ws = probe.isNullObject ? context.workbook.worksheets.add(LISTS_SHEET_NAME) : context.workbook.worksheets.getItem(LISTS_SHEET_NAME);
  const height = Math.max(...LISTS.map((l) => l.labels.length)) + 1;
  ws.getRange(rangeAddress(1, 0, Math.max(height, 100), Math.max(LISTS.length, 26))).clear('Contents');
  const grid: string[][] = [];
  for (let r = 0; r < height; r++) grid.push(LISTS.map((l) => (r === 0 ? l.header : (l.labels[r - 1] ?? ''))));
  const range = ws.getRange(rangeAddress(1, 0, height, LISTS.length));
  range.numberFormat = [['@']];
  range.values = grid;
  ws.visibility = 'VeryHidden';
}
