/**
 * The sheet «Бюджет ЭПБ»: the card budget of GET /organisations/:orgId/cards/budget laid out in
 * Excel — one row per child organisation and a total row (cards ordered and issued in the year, cards
 * that can be ordered now, their cost at the year's price) and a clustered column chart of the counts.
 * The server's budget.xlsx has the same table but no chart (exceljs cannot write charts): the chart is
 * drawn here with Excel's own charts API.
 *
 * A constant number of syncs whatever the number of organisations: 1 to find the sheet, 1 more to
 * list an existing sheet's charts, 1 to write everything.
 */

import { textFormatForStrings } from './sheet-utils';

export const BUDGET_SHEET_NAME = 'Бюджет ЭПБ';
export const BUDGET_CHART_NAME = 'БюджетЭПБДиаграмма';

/** What the sheet needs of one line (the JSON of the budget API fits it). */
export interface BudgetSheetLine {
  name: string;
  ordered: number;
  issued: number;
  toOrder: number;
  orderedCostKopecks: number;
  toOrderCostKopecks: number;
  totalCostKopecks: number;
}

export interface BudgetSheetData {
  organisation: { name: string };
  year: number;
  priceKopecks: number;
  rows: BudgetSheetLine[];
  total: BudgetSheetLine;
  /** ISO timestamp. */
  generatedAt: string;
}

export const BUDGET_LAYOUT = {
  titleRow: 1,
  priceRow: 2,
  noteRow: 3,
  headerRow: 5,
  firstDataRow: 6,
  columns: 7,
} as const;

export const BUDGET_HEADERS = [
  'Организация',
  'Заказано билетов',
  'Выдано билетов',
  'Можно заказать',
  'Стоимость заказанных, руб.',
  'Стоимость к заказу, руб.',
  'Всего на год, руб.',
] as const;

const MONEY = '#,##0.00';
const COUNT = '0';
const HEADER_FILL = '#D9E1F2';

const rub = (kopecks: number): number => kopecks / 100;
const ruDate = (iso: string): string => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const money = (kopecks: number): string => rub(kopecks).toFixed(2).replace('.', ',');

export interface BudgetSheetLayout {
  values: (string | number)[][];
  numberFormats: string[][];
  firstDataRow: number;
  /** The total row (1-based); the children are firstDataRow .. totalRow - 1. */
  totalRow: number;
  columns: number;
}

/** The whole sheet as plain arrays, computed in TypeScript and written in one go. */
export function budgetSheetLayout(b: BudgetSheetData): BudgetSheetLayout {
  const columns = BUDGET_LAYOUT.columns;
  const blank = (): (string | number)[] => new Array<string | number>(columns).fill('');
  const general = (): string[] => new Array<string>(columns).fill('General');
  const values: (string | number)[][] = [];
  const formats: string[][] = [];
  const push = (v: (string | number)[], f = general()) => {
    values.push(v);
    formats.push(f);
  };
  const title = blank();
  title[0] = `Бюджет на электронные профсоюзные билеты на ${b.year} год: ${b.organisation.name}`;
  push(title);
  const price = blank();
  price[0] = `Цена одного билета в ${b.year} году: ${money(b.priceKopecks)} руб. Данные на ${ruDate(b.generatedAt)}.`;
  push(price);
  const note = blank();
  note[0] = '«Можно заказать» — члены Профсоюза, которым билет можно заказать сейчас: есть оба согласия, телефон и дата рождения, билета нет.';
  push(note);
  push(blank());
  push([...BUDGET_HEADERS]);
  const line = (name: string, l: BudgetSheetLine) =>
    push(
      [name, l.ordered, l.issued, l.toOrder, rub(l.orderedCostKopecks), rub(l.toOrderCostKopecks), rub(l.totalCostKopecks)],
      ['General', COUNT, COUNT, COUNT, MONEY, MONEY, MONEY],
    );
  for (const r of b.rows) line(r.name, r);
  line(b.total.name, b.total);
  // Every text cell is Text ('@'): a subordinate's name is never taken for a formula.
  textFormatForStrings(values, formats);
  return { values, numberFormats: formats, firstDataRow: BUDGET_LAYOUT.firstDataRow, totalRow: values.length, columns };
}

export interface BudgetSheetWriteReport {
  rows: number;
  chart: boolean;
  syncs: number;
}

/**
 * Writes (or rewrites) the «Бюджет ЭПБ» sheet and activates it. The sheet is the add-in's own: its
 * contents, formats and charts are replaced.
 */
export async function writeBudgetSheet(context: Excel.RequestContext, budget: BudgetSheetData): Promise<BudgetSheetWriteReport> {
  let syncs = 0;
  const sheets = context.workbook.worksheets;
  let ws = sheets.getItemOrNullObject(BUDGET_SHEET_NAME);
  ws.load('isNullObject');
  await context.sync();
  syncs++;
  if (ws.isNullObject) {
    ws = sheets.add(BUDGET_SHEET_NAME);
  } else {
    ws.charts.load('items');
    await context.sync();
    syncs++;
    for (const chart of ws.charts.items) chart.delete();
    ws.getRange().clear('All');
  }

  const layout = budgetSheetLayout(budget);
  const whole = ws.getRangeByIndexes(0, 0, layout.values.length, layout.columns);
  whole.numberFormat = layout.numberFormats;
  whole.values = layout.values;

  ws.getRange('A1').format.font.bold = true;
  ws.getRange('A1').format.font.size = 14;
  const header = ws.getRangeByIndexes(BUDGET_LAYOUT.headerRow - 1, 0, 1, layout.columns);
  header.format.font.bold = true;
  header.format.fill.color = HEADER_FILL;
  header.format.wrapText = true;
  header.format.verticalAlignment = 'Top';
  header.format.rowHeight = 45;
  ws.getRangeByIndexes(layout.totalRow - 1, 0, 1, layout.columns).format.font.bold = true;
  ws.getRangeByIndexes(0, 0, 1, 1).format.columnWidth = 300;
  ws.getRangeByIndexes(0, 1, 1, layout.columns - 1).format.columnWidth = 95;
  ws.freezePanes.freezeRows(BUDGET_LAYOUT.headerRow);

  // One cluster per child organisation: ordered, issued, to order.
  const children = budget.rows.length;
  const chart = children > 0;
  if (chart) {
    const source = ws.getRangeByIndexes(BUDGET_LAYOUT.headerRow - 1, 1, children + 1, 3);
    const c = ws.charts.add('ColumnClustered', source, 'Columns');
    c.name = BUDGET_CHART_NAME;
    c.title.text = `Электронные профсоюзные билеты, ${budget.year}`;
    c.legend.position = 'Bottom';
    c.axes.valueAxis.minimum = 0;
    c.axes.categoryAxis.setCategoryNames(ws.getRangeByIndexes(BUDGET_LAYOUT.firstDataRow - 1, 0, children, 1));
    const top = layout.totalRow + 2;
    c.setPosition(`A${top}`, `G${top + 20}`);
  }
  ws.activate();
  await context.sync();
  syncs++;
  return { rows: children, chart, syncs };
}
