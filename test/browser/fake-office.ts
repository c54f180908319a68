/**
 * A fake Office host for the task pane in headless Chromium: served in place of Office.js
 * (https://appsforoffice.microsoft.com/…) by the browser test. It gives `Office.onReady`,
 * `Office.context.requirements.isSetSupported` and `Excel.run`, whose request context is the
 * in-memory workbook of addin/excel/test-fakes.ts (the same fake the jest tests use).
 * Bundled for the page with esbuild by test/browser/harness.ts; the test reads the workbook back
 * through `window.__fakeHost`.
 */
import { FakeExcel } from '../../addin/excel/test-fakes';

/** ExcelApi version this fake Excel claims (notes need 1.18; set window.__excelApiVersion before load to pretend an older Excel). */
function supported(name: string, minVersion: string | undefined, claimed: string): boolean {
  if (name !== 'ExcelApi') return false;
  const [wantMajor, wantMinor = 0] = String(minVersion ?? '1.1').split('.').map(Number);
  const [hasMajor, hasMinor = 0] = claimed.split('.').map(Number);
  return hasMajor > wantMajor || (hasMajor === wantMajor && hasMinor >= wantMinor);
}

interface FakeWindow {
  __excelApiVersion?: string;
  /** The host Office.onReady reports (default Excel); a test sets it before the page loads. */
  __officeHost?: string;
  /** A host that has openBrowserWindow but does not declare OpenBrowserWindowApi 1.1. */
  __noOpenBrowserWindowApi?: boolean;
  __fakeHost?: FakeHost;
  Office?: unknown;
  Excel?: unknown;
}

interface PendingContext {
  _pending: unknown[];
  sync(): Promise<void>;
}

export interface FakeHost {
  excel: FakeExcel;
  /** Excel.run calls so far. */
  runs: number;
  /** Pastes rows into the member table as a chair would (the table grows, formats of the row above are kept). */
  pasteMemberRows(rows: (string | number)[][], textCells?: { row: number; col: number; value: string }[]): Promise<void>;
}

const w = globalThis as unknown as FakeWindow;
const claimed = w.__excelApiVersion ?? '1.18';
const excel = new FakeExcel();

const host: FakeHost = {
  excel,
  runs: 0,
  async pasteMemberRows(rows, textCells = []) {
    const ctx = excel.newContext();
    const table = ctx.workbook.tables.getItem('ЧленыПрофсоюза');
    const body = table.getDataBodyRange();
    body.load('rowIndex, rowCount, columnCount');
    const sheet = table.worksheet;
    await ctx.sync();
    // Rows shorter than the table (its hidden «Ключ строки» at the end) are padded with empty cells.
    rows = rows.map((r) => (r.length < body.columnCount ? [...r, ...new Array<string>(body.columnCount - r.length).fill('')] : r));
    // The first body row of a new table is empty: the paste starts there and the table grows.
    sheet.getRangeByIndexes(body.rowIndex, 0, 1, body.columnCount).values = [rows[0]];
    if (rows.length > 1) table.rows.add(undefined, rows.slice(1));
    await ctx.sync();
    // Cells that came from the HR file as text (e.g. a date typed as text) keep their text.
    for (const c of textCells) {
      const r = sheet.getRangeByIndexes(c.row - 1, c.col, 1, 1);
      r.numberFormat = [['@']];
      r.values = [[c.value]];
    }
    if (textCells.length) await ctx.sync();
    excel.resetCounters();
  },
};

w.__fakeHost = host;

const info = { host: w.__officeHost ?? 'Excel', platform: 'PC' };

w.Office = {
  HostType: { Excel: 'Excel', Word: 'Word' },
  PlatformType: { PC: 'PC' },
  onReady(callback?: (i: typeof info) => void): Promise<typeof info> {
    return new Promise((resolve) => {
      setTimeout(() => {
        callback?.(info);
        resolve(info);
      }, 0);
    });
  },
  context: {
    requirements: {
      // OpenBrowserWindowApi 1.1: claimed where the page has Office.context.ui.openBrowserWindow
      // (fake-office-extra.ts adds it), unless a test sets window.__noOpenBrowserWindowApi.
      isSetSupported: (name: string, minVersion?: string) =>
        name === 'OpenBrowserWindowApi'
          ? !w.__noOpenBrowserWindowApi && typeof (w.Office as { context?: { ui?: { openBrowserWindow?: unknown } } }).context?.ui?.openBrowserWindow === 'function' && (minVersion ?? '1.1') === '1.1'
          : supported(name, minVersion, claimed),
    },
  },
};

w.Excel = {
  /** As Office.js: a fresh request context per batch; queued work left at the end is synced. */
  async run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> {
    host.runs++;
    const context = excel.newContext();
    const result = await batch(context);
    const pending = context as unknown as PendingContext;
    if (pending._pending.length > 0) await pending.sync();
    return result;
  },
};
