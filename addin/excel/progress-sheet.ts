/**
 * The sheet «Ход внедрения»: the progress report of GET /organisations/:orgId/progress laid out in
 * Excel — one row per child organisation and a total row, the seven steps as percentages, conditional
 * formatting (done = green, overdue = red, driven by hidden flag columns), a clustered column chart
 * of the steps, frozen header and name column. (The server's .xlsx has no chart — exceljs cannot
 * write one — so the chart is drawn here, with Excel's own charts API.)
 *
 * A constant number of syncs whatever the size of the report: 1 to find the sheet, 1 more to list
 * an existing sheet's charts, 1 to write everything.
 */

import { textFormatForStrings } from './sheet-utils';

export const PROGRESS_SHEET_NAME = 'Ход внедрения';
export const PROGRESS_CHART_NAME = 'ХодВнедренияДиаграмма';

/** What the sheet needs from the report (the JSON of GET /organisations/:orgId/progress fits it). */
export interface ProgressSheetStep {
  step: number;
  title: string;
  percent: number | null;
  done: boolean;
  overdue: boolean;
  dueOn: string | null;
}

export interface ProgressSheetOrg {
  orgId: number;
  name: string;
  kindLabel: string;
  counts: { primaries: number; registered: number };
  coveragePercent: number | null;
  steps: ProgressSheetStep[];
}

export interface ProgressSheetReport {
  today: string;
  campaign: { name: string } | null;
  organisation: ProgressSheetOrg;
  children: ProgressSheetOrg[];
}

/** Rows and columns of the layout (0-based columns, 1-based rows as Excel shows them). */
export const PROGRESS_LAYOUT = {
  titleRow: 1,
  campaignRow: 2,
  noteRow: 3,
  deadlineRow: 4,
  headerRow: 5,
  firstDataRow: 6,
  /** Организация, Вид, ППО, Членов на учёте, Охват. */
  leadColumns: 5,
  steps: 7,
} as const;

const LEAD_HEADERS = ['Организация', 'Вид', 'ППО', 'Членов на учёте', 'Охват, %'];
const DONE_FILL = '#C6EFCE';
const DONE_FONT = '#006100';
const LATE_FILL = '#FFC7CE';
const LATE_FONT = '#9C0006';
const HEADER_FILL = '#D9E1F2';

export const stepColumn = (step: number): number => PROGRESS_LAYOUT.leadColumns + step - 1;
export const flagColumn = (step: number): number => PROGRESS_LAYOUT.leadColumns + PROGRESS_LAYOUT.steps + step - 1;
const COLUMNS = PROGRESS_LAYOUT.leadColumns + 2 * PROGRESS_LAYOUT.steps;

function letter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

const ruDate = (iso: string | null): string => (iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : '');
/** 66.7 → 0.667: a fraction for the percent format. */
const fraction = (p: number | null): number | string => (p === null ? '' : Number((p / 100).toFixed(4)));

export interface ProgressSheetLayout {
  /** Rows 1..n, all COLUMNS wide: what goes into `values`. */
  values: (string | number)[][];
  numberFormats: string[][];
  /** Data rows (children then the total), 1-based. */
  firstDataRow: number;
  lastDataRow: number;
  /** The row of the total (the organisation itself). */
  totalRow: number;
  columns: number;
}

/** The whole sheet as plain arrays: computed in TypeScript, written in one go. */
export function progressSheetLayout(report: ProgressSheetReport): ProgressSheetLayout {
  const blank = (): (string | number)[] => new Array<string | number>(COLUMNS).fill('');
  const text = (): string[] => new Array<string>(COLUMNS).fill('General');
  const values: (string | number)[][] = [];
  const formats: string[][] = [];
  const title = blank();
  title[0] = `Ход внедрения реестра: ${report.organisation.name}`;
  const campaign = blank();
  campaign[0] = `${report.campaign ? `Кампания: ${report.campaign.name}. ` : ''}Данные на ${ruDate(report.today)}.`;
  const note = blank();
  note[0] = 'Зелёным отмечен выполненный шаг (100%), красным — шаг, срок которого прошёл, а он не выполнен.';
  const deadlines = blank();
  deadlines[0] = 'Срок шага';
  const header = blank();
  LEAD_HEADERS.forEach((h, i) => (header[i] = h));
  for (const s of report.organisation.steps) {
    deadlines[stepColumn(s.step)] = s.dueOn ? `до ${ruDate(s.dueOn)}` : '';
    header[stepColumn(s.step)] = `Шаг ${s.step}. ${s.title}`;
    header[flagColumn(s.step)] = `Просрочен шаг ${s.step}`;
  }
  for (const row of [title, campaign, note, deadlines, header]) {
    values.push(row);
    formats.push(text());
  }
  const line = (org: ProgressSheetOrg, total: boolean) => {
    const v = blank();
    const f = text();
    v[0] = total ? `Всего: ${org.name}` : org.name;
    v[1] = org.kindLabel;
    v[2] = org.counts.primaries;
    v[3] = org.counts.registered;
    v[4] = fraction(org.coveragePercent);
    f[4] = '0.0%';
    for (const s of org.steps) {
      v[stepColumn(s.step)] = fraction(s.percent);
      f[stepColumn(s.step)] = '0.0%';
      v[flagColumn(s.step)] = s.overdue ? 1 : 0;
      f[flagColumn(s.step)] = '0';
    }
    values.push(v);
    formats.push(f);
  };
  for (const c of report.children) line(c, false);
  line(report.organisation, true);
  const lastDataRow = values.length;
  // Every text cell is Text ('@'): a subordinate's name is never taken for a formula.
  textFormatForStrings(values, formats);
  return {
    values,
    numberFormats: formats,
    firstDataRow: PROGRESS_LAYOUT.firstDataRow,
    lastDataRow,
    totalRow: lastDataRow,
    columns: COLUMNS,
  };
}

export interface ProgressSheetWriteReport {
  rows: number;
  chart: boolean;
  syncs: number;
}

/**
 * Write (or rewrite) the «Ход внедрения» sheet from a progress report and activate it. The sheet is
 * the add-in's own: its contents, formats and charts are replaced.
 */
export async function writeProgressSheet(context: Excel.RequestContext, report: ProgressSheetReport): Promise<ProgressSheetWriteReport> {
  let syncs = 0;
  const sheets = context.workbook.worksheets;
  let ws = sheets.getItemOrNullObject(PROGRESS_SHEET_NAME);
  ws.load('isNullObject');
  await context.sync();
  syncs++;
  if (ws.isNullObject) {
    ws = sheets.add(PROGRESS_SHEET_NAME);
  } else {
    ws.charts.load('items');
    await context.sync();
    syncs++;
    for (const chart of ws.charts.items) chart.delete();
    const all = ws.getRange();
    all.conditionalFormats.clearAll();
    all.clear('All');
  }

  const layout = progressSheetLayout(report);
  const { firstDataRow, lastDataRow, columns } = layout;
  const whole = ws.getRangeByIndexes(0, 0, layout.values.length, columns);
  whole.numberFormat = layout.numberFormats;
  whole.values = layout.values;

  ws.getRange('A1').format.font.bold = true;
  ws.getRange('A1').format.font.size = 14;
  const header = ws.getRangeByIndexes(PROGRESS_LAYOUT.headerRow - 1, 0, 1, columns);
  header.format.font.bold = true;
  header.format.fill.color = HEADER_FILL;
  header.format.wrapText = true;
  header.format.verticalAlignment = 'Top';
  header.format.rowHeight = 60;
  const total = ws.getRangeByIndexes(layout.totalRow - 1, 0, 1, columns);
  total.format.font.bold = true;

  // Done = green, overdue = red (from the hidden flag column of the same step).
  const dataRows = lastDataRow - firstDataRow + 1;
  for (let step = 1; step <= PROGRESS_LAYOUT.steps; step++) {
    const cells = ws.getRangeByIndexes(firstDataRow - 1, stepColumn(step), dataRows, 1);
    const late = cells.conditionalFormats.add('Custom');
    late.custom.rule.formula = `=$${letter(flagColumn(step))}${firstDataRow}=1`;
    late.custom.format.fill.color = LATE_FILL;
    late.custom.format.font.color = LATE_FONT;
    late.stopIfTrue = true;
    const done = cells.conditionalFormats.add('CellValue');
    done.cellValue.rule = { formula1: '=1', operator: 'GreaterThanOrEqual' };
    done.cellValue.format.fill.color = DONE_FILL;
    done.cellValue.format.font.color = DONE_FONT;
  }

  ws.getRangeByIndexes(0, 0, 1, 1).format.columnWidth = 300;
  ws.getRangeByIndexes(0, 1, 1, 1).format.columnWidth = 170;
  ws.getRangeByIndexes(0, 2, 1, 3).format.columnWidth = 70;
  ws.getRangeByIndexes(0, stepColumn(1), 1, PROGRESS_LAYOUT.steps).format.columnWidth = 95;
  ws.getRangeByIndexes(0, flagColumn(1), 1, PROGRESS_LAYOUT.steps).columnHidden = true;
  ws.freezePanes.freezeAt(ws.getRangeByIndexes(0, 0, PROGRESS_LAYOUT.headerRow, 1));

  // The chart: one cluster per child organisation, one column per step.
  const chart = report.children.length > 0;
  if (chart) {
    const source = ws.getRangeByIndexes(PROGRESS_LAYOUT.headerRow - 1, stepColumn(1), report.children.length + 1, PROGRESS_LAYOUT.steps);
    const c = ws.charts.add('ColumnClustered', source, 'Columns');
    c.name = PROGRESS_CHART_NAME;
    c.title.text = 'Выполнение семи шагов, %';
    c.legend.position = 'Bottom';
    c.axes.valueAxis.maximum = 1;
    c.axes.valueAxis.minimum = 0;
    c.axes.valueAxis.numberFormat = '0%';
    c.axes.categoryAxis.setCategoryNames(ws.getRangeByIndexes(firstDataRow - 1, 0, report.children.length, 1));
    const top = lastDataRow + 2;
    c.setPosition(`A${top}`, `${letter(stepColumn(PROGRESS_LAYOUT.steps))}${top + 22}`);
  }
  ws.activate();
  await context.sync();
  syncs++;
  return { rows: dataRows, chart, syncs };
}
