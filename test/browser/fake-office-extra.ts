/**
 * Runs in the page after test/browser/fake-office.ts (served together by harness-extra.ts) and adds
 * to its fake Excel what the budget and progress sheets use and the base fake does not model:
 * `worksheet.charts` (add, load items, delete, title, axes, category names, position),
 * `range.conditionalFormats` (add Custom / CellValue, clearAll), `freezePanes.freezeAt`; and
 * `Office.context.ui.openBrowserWindow`, which records the URLs the pane opens instead of opening
 * them (so the test itself can fetch a single-use link and see it work once).
 *
 * The fake's classes are not exported: their prototypes are taken from objects of a throw-away
 * context. Everything queues like the rest of the fake: nothing happens before `context.sync()`.
 * The test reads the result through `window.__fakeExtra`.
 */

interface Rect {
  row: number;
  col: number;
  rows: number;
  cols: number;
}
interface SheetLike {
  name: string;
  __charts?: ChartModel[];
  __cfs?: CfModel[];
  __frozenCols?: number;
  frozenRows: number;
  cells: Map<number, { value: unknown }>;
}
interface RangeRefLike {
  sheet: SheetLike;
  rect: Rect;
}
interface Actable<M> {
  _act(args: unknown, run: (m: M) => void): void;
  _resolve(): M;
}

interface ChartModel {
  type: string;
  seriesBy: string;
  name: string;
  title: { text: string };
  legend: { position: string };
  axes: { valueAxis: Record<string, unknown>; categoryAxis: { names: Rect | null } };
  source: Rect | null;
  position: [string, string] | null;
}

interface CfModel {
  rect: Rect;
  type: string;
  stopIfTrue: boolean;
  custom: { rule: { formula?: string }; format: { fill: { color?: string }; font: { color?: string } } };
  cellValue: { rule: { formula1?: string; operator?: string } | null; format: { fill: { color?: string }; font: { color?: string } } };
}

interface Win {
  __fakeHost?: { excel: { newContext(): unknown } };
  __fakeExtra?: unknown;
  __opened?: string[];
  Office?: { context: { ui?: unknown } };
}

const COLS = 16_384;
const w = globalThis as unknown as Win;

function colLetter(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
const refText = (r: Rect) => `${colLetter(r.col)}${r.row + 1}:${colLetter(r.col + r.cols - 1)}${r.row + r.rows}`;
const intersects = (a: Rect, b: Rect) => a.row < b.row + b.rows && b.row < a.row + a.rows && a.col < b.col + b.cols && b.col < a.col + a.cols;

function install(): void {
  const host = w.__fakeHost;
  if (!host) throw new Error('fake-office-extra: load fake-office.ts first');
  const ctx = host.excel.newContext() as { workbook: { worksheets: { getItem(n: string): unknown } } };
  const ws = ctx.workbook.worksheets.getItem('__prototype_probe__') as { getRange(a: string): unknown; freezePanes: unknown };
  const WS = Object.getPrototypeOf(ws) as object;
  const RANGE = Object.getPrototypeOf(ws.getRange('A1')) as object;
  const FREEZE = Object.getPrototypeOf(ws.freezePanes) as object;

  // Office.js lets a proxy load 'isNullObject' (writeBudgetSheet does); the base fake models it for null objects only.
  const baseRead = (WS as { _read(m: unknown, prop: string): unknown })._read;
  Object.defineProperty(WS, '_read', {
    configurable: true,
    value(this: unknown, m: unknown, prop: string) {
      return prop === 'isNullObject' ? false : baseRead.call(this, m, prop);
    },
  });

  const chartCollections = new WeakMap<object, unknown>();
  Object.defineProperty(WS, 'charts', {
    configurable: true,
    get(this: Actable<SheetLike>) {
      return chartCollection(this);
    },
  });

  function chartCollection(sheetProxy: Actable<SheetLike>): unknown {
    const cached = chartCollections.get(sheetProxy);
    if (cached) return cached;
    let items: unknown[] | null = null;
    const proxyOf = (model: ChartModel) => ({
      get name() {
        return model.name;
      },
      set name(v: string) {
        model.name = v;
      },
      title: model.title,
      legend: model.legend,
      axes: {
        valueAxis: model.axes.valueAxis,
        categoryAxis: {
          setCategoryNames(range: Actable<RangeRefLike>) {
            sheetProxy._act({ categoryNames: true }, () => {
              model.axes.categoryAxis.names = range._resolve().rect;
            });
          },
        },
      },
      setPosition(from: string, to: string) {
        model.position = [from, to];
      },
      delete() {
        sheetProxy._act({ deleteChart: true }, (s) => {
          s.__charts = (s.__charts ?? []).filter((c) => c !== model);
        });
      },
    });
    const collection = {
      load() {
        sheetProxy._act({ loadCharts: true }, (s) => {
          items = (s.__charts ?? []).map(proxyOf);
        });
        return collection;
      },
      get items() {
        if (!items) throw Object.assign(new Error("The property 'items' is not available. Call load() and context.sync() first."), { code: 'PropertyNotLoaded' });
        return items;
      },
      add(type: string, source: Actable<RangeRefLike>, seriesBy: string) {
        const model: ChartModel = { type, seriesBy, name: '', title: { text: '' }, legend: { position: '' }, axes: { valueAxis: {}, categoryAxis: { names: null } }, source: null, position: null };
        sheetProxy._act({ addChart: type }, (s) => {
          model.source = source._resolve().rect;
          (s.__charts ??= []).push(model);
        });
        return proxyOf(model);
      },
    };
    chartCollections.set(sheetProxy, collection);
    return collection;
  }

  Object.defineProperty(RANGE, 'conditionalFormats', {
    configurable: true,
    get(this: Actable<RangeRefLike>) {
      return conditionalFormats(this);
    },
  });

  function conditionalFormats(rangeProxy: Actable<RangeRefLike>): unknown {
    return {
      add(type: string) {
        const cf: CfModel = {
          rect: { row: 0, col: 0, rows: 0, cols: 0 },
          type,
          stopIfTrue: false,
          custom: { rule: {}, format: { fill: {}, font: {} } },
          cellValue: { rule: null, format: { fill: {}, font: {} } },
        };
        rangeProxy._act({ addConditionalFormat: type }, (ref) => {
          cf.rect = { ...ref.rect };
          (ref.sheet.__cfs ??= []).push(cf);
        });
        return cf;
      },
      clearAll() {
        rangeProxy._act({ clearConditionalFormats: true }, (ref) => {
          ref.sheet.__cfs = (ref.sheet.__cfs ?? []).filter((c) => !intersects(c.rect, ref.rect));
        });
      },
    };
  }

  Object.defineProperty(FREEZE, 'freezeAt', {
    configurable: true,
    value(this: { ws: { _queue(args: unknown, run: (s: SheetLike) => void): void } }, range: Actable<RangeRefLike>) {
      this.ws._queue({ freezeAt: true }, (s) => {
        const r = range._resolve().rect;
        s.frozenRows = r.row + r.rows;
        s.__frozenCols = r.col + r.cols;
      });
    },
  });

  const model = (host.excel as unknown as { _model: { findSheet(n: string): SheetLike | undefined } })._model;
  const sheetOf = (name: string): SheetLike => {
    const s = model.findSheet(name);
    if (!s) throw new Error(`no sheet ${name}`);
    return s;
  };
  const valueAt = (s: SheetLike, r: number, c: number): unknown => s.cells.get(r * COLS + c)?.value ?? '';

  w.__fakeExtra = {
    charts: (sheet: string) =>
      (sheetOf(sheet).__charts ?? []).map((c) => ({
        type: c.type,
        name: c.name,
        title: c.title.text,
        source: c.source ? refText(c.source) : null,
        categories: c.axes.categoryAxis.names ? refText(c.axes.categoryAxis.names) : null,
        position: c.position,
      })),
    conditionalFormats: (sheet: string) => (sheetOf(sheet).__cfs ?? []).map((c) => ({ type: c.type, range: refText(c.rect), formula: c.custom.rule.formula ?? c.cellValue.rule?.formula1 ?? null, fill: c.custom.format.fill.color ?? c.cellValue.format.fill.color ?? null })),
    /**
     * Cells a Custom rule of the form `=$X6=1` (relative row) colours, with the rule's fill: what
     * Excel would paint.
     */
    customFilled: (sheet: string) => {
      const s = sheetOf(sheet);
      const out: { address: string; fill: string | null }[] = [];
      for (const c of s.__cfs ?? []) {
        if (c.type !== 'Custom') continue;
        const m = /^=\$([A-Z]+)(\d+)=(\d+)$/.exec(c.custom.rule.formula ?? '');
        if (!m) continue;
        const flagCol = colIndex(m[1]);
        const firstRow = Number(m[2]) - 1;
        for (let i = 0; i < c.rect.rows; i++) {
          if (Number(valueAt(s, firstRow + i, flagCol)) !== Number(m[3])) continue;
          for (let j = 0; j < c.rect.cols; j++) out.push({ address: `${colLetter(c.rect.col + j)}${c.rect.row + i + 1}`, fill: c.custom.format.fill.color ?? null });
        }
      }
      return out;
    },
    frozen: (sheet: string) => ({ rows: sheetOf(sheet).frozenRows, cols: sheetOf(sheet).__frozenCols ?? 0 }),
  };

  // Office.context.ui.openBrowserWindow: record, do not open.
  w.__opened = [];
  if (w.Office) {
    w.Office.context.ui = {
      openBrowserWindow(url: string) {
        w.__opened!.push(url);
      },
    };
  }
}

install();
