/**
 * Helpers of the consents/cards and progress browser tests on top of harness.ts: the fake Office
 * host with charts, conditional formats and a recording `openBrowserWindow` (fake-office-extra.ts),
 * signing in as a demo user, reading the fake workbook, pasting rows into the member table.
 */
import type { Page } from 'playwright-core';
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { browserBundle, fakeOfficeScript, routeOffice } from './harness';

/** As harness.routeOffice, with the extra fake (fake-office-extra.ts) after the base one. */
export async function routeOfficeExtra(page: Page, base: string): Promise<void> {
  await routeOffice(page, base, `${fakeOfficeScript()}\n;\n${browserBundle('fake-office-extra.ts')}`);
}

/** Evaluates `expr` with `h` = window.__fakeHost, `x` = its FakeExcel, `e` = window.__fakeExtra. */
export function fake<T>(page: Page, expr: string): Promise<T> {
  return page.evaluate(`(() => { const h = window.__fakeHost; const x = h.excel; const e = window.__fakeExtra; return (${expr}); })()`) as Promise<T>;
}

export async function signIn(page: Page, base: string, login: string): Promise<void> {
  const l = DEMO_LOGINS.find((x) => x.login === login);
  if (!l) throw new Error(`no demo login ${login}`);
  await page.goto(`${base}/taskpane.html`);
  await page.locator('[data-test=sign-in-form]').waitFor();
  await page.fill('[data-test=login]', l.login);
  await page.fill('[data-test=password]', l.password);
  await page.click('[data-test=sign-in]');
}

type Cells = Partial<Record<(typeof MEMBER_COLUMNS)[number]['key'], string | number>>;

/** A sheet row (member columns + «Результат») from cells by column key. */
export function sheetRow(cells: Cells): (string | number)[] {
  const out: (string | number)[] = new Array(MEMBER_COLUMNS.length + 1).fill('');
  for (const [k, v] of Object.entries(cells)) {
    const i = MEMBER_COLUMNS.findIndex((c) => c.key === k);
    if (i < 0) throw new Error(k);
    out[i] = v as string | number;
  }
  return out;
}

export const colOf = (key: string): number => {
  const i = MEMBER_COLUMNS.findIndex((c) => c.key === key);
  if (i < 0) throw new Error(key);
  return i;
};

export async function pasteRows(page: Page, rows: (string | number)[][], textCells: { row: number; col: number; value: string }[] = []): Promise<void> {
  await page.evaluate(
    ({ r, t }) => (window as unknown as { __fakeHost: { pasteMemberRows(x: unknown, y: unknown): Promise<void> } }).__fakeHost.pasteMemberRows(r, t),
    { r: rows, t: textCells },
  );
}

/** URLs the pane opened with Office.context.ui.openBrowserWindow. */
export function openedUrls(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as { __opened?: string[] }).__opened ?? [])]);
}

/** Polls until `ok` holds, then returns the last value. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, tries = 50): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}
