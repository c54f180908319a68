/**
 * The session token never reaches the workbook. The built task pane in headless Chromium, the real
 * registry server, the fake Excel of fake-office.ts plus fake-office-storage.ts, which gives the host
 * every place an add-in could keep something in the file or in Office (document settings, custom
 * XML parts, workbook settings, document properties, OfficeRuntime.storage) and records each write.
 * A chair signs in, creates the sheet, pastes rows, checks, pushes and loads them back; then the
 * token (as the server issued it) must be in the pane's sessionStorage — its documented place,
 * addin/api/token-store.ts — and nowhere in the workbook or those stores. The chair ticks «Запомнить
 * меня»: the refresh token must be in the add-in origin's localStorage only, likewise nowhere else.
 */
import type { Page } from 'playwright-core';
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { REFRESH_TOKEN_KEY, SESSION_TOKEN_KEY } from '../../addin/api/token-store';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { inventPeople, peopleAsSheetRows } from '../../server/services/members/demo-members';
import { browserBundle, browserSuite, chromiumOrSkip, fakeOfficeScript, routeOffice, screenshot } from './harness';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

/**
 * Every string reachable from the fake workbook's model (cells, number formats, notes, comments,
 * sheet and table names, validation rules, styles, …) and the places where `needle` occurs.
 * Runs in the page.
 */
function scanWorkbook(page: Page, needle: string): Promise<{ strings: number; hits: string[] }> {
  return page.evaluate((n) => {
    const model = (window as unknown as { __fakeHost: { excel: { _model: unknown } } }).__fakeHost.excel._model;
    const seen = new Set<unknown>();
    const hits: string[] = [];
    let strings = 0;
    const visit = (v: unknown, path: string): void => {
      if (typeof v === 'string') {
        strings++;
        if (v.includes(n)) hits.push(path);
        return;
      }
      if (v === null || typeof v !== 'object' || seen.has(v)) return;
      seen.add(v);
      if (v instanceof Map) {
        for (const [k, x] of v) {
          visit(k, `${path}{key}`);
          visit(x, `${path}{${String(k)}}`);
        }
      } else if (v instanceof Set) {
        for (const x of v) visit(x, `${path}{}`);
      } else if (Array.isArray(v)) {
        v.forEach((x, i) => visit(x, `${path}[${i}]`));
      } else {
        for (const [k, x] of Object.entries(v)) {
          visit(k, `${path}.${k}(key)`);
          visit(x, `${path}.${k}`);
        }
      }
    };
    visit(model, 'workbook');
    return { strings, hits };
  }, needle);
}

describeBrowser('the session token stays out of the workbook', () => {
  const s = browserSuite(chromium!, { preparePage: (page, base) => routeOffice(page, base, `${fakeOfficeScript()}\n;\n${browserBundle('fake-office-storage.ts')}`) });

  it('after signing in, checking, pushing and loading, the token is only in the pane’s sessionStorage', async () => {
    const urls: string[] = [];
    s.page.on('request', (r) => urls.push(r.url()));
    const school = DEMO_LOGINS.find((l) => l.login === 'school')!;
    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await s.page.fill('[data-test=login]', school.login);
    await s.page.fill('[data-test=password]', school.password);
    await s.page.check('[data-test=remember-me]');
    const loginAnswer = s.page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.status() === 200);
    await s.page.click('[data-test=sign-in]');
    const answer = (await (await loginAnswer).json()) as { token: string; refreshToken: string };
    const token = answer.token;
    const refreshToken = answer.refreshToken;
    expect(typeof token).toBe('string');
    expect(refreshToken).toMatch(/^[\w-]{43}$/);
    expect(token.length).toBeGreaterThanOrEqual(20);
    await s.page.locator('[data-view=members]').waitFor();

    // Work as a chair does: create the sheet, paste five new people, check, push, load back.
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    const people = peopleAsSheetRows(inventPeople(5, { seed: 9191, snilsFrom: 700_000, year: 2026 }));
    const grid = people.map((p) => [...MEMBER_COLUMNS.map((c) => String((p as Record<string, unknown>)[c.key] ?? '')), '']);
    await s.page.evaluate((rows) => (window as unknown as { __fakeHost: { pasteMemberRows(r: unknown): Promise<void> } }).__fakeHost.pasteMemberRows(rows), grid);
    await s.page.click('[data-test=check]');
    await s.page.locator('[data-test=check-result]').waitFor();
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Готово: реестр принял 5 строк/);
    await s.page.click('[data-test=pull]');
    await s.page.locator('[data-test=pull-result], [data-test=pull-confirm]').first().waitFor();
    if (await s.page.isVisible('[data-test=pull-confirm]')) await s.page.click('[data-test=confirm-pull]');
    await s.page.locator('[data-test=pull-result]').waitFor();

    // The token is where addin/api/token-store.ts keeps it (so the search below looks for the right string)…
    expect(await s.page.evaluate((k) => sessionStorage.getItem(k), SESSION_TOKEN_KEY)).toBe(token);
    // …and so is the refresh token of «Запомнить меня»: the add-in origin's localStorage, nowhere else.
    expect(await s.page.evaluate((k) => localStorage.getItem(k), REFRESH_TOKEN_KEY)).toBe(refreshToken);
    expect((await scanWorkbook(s.page, refreshToken)).hits).toEqual([]);

    // …and in no cell, sheet or table name, note, comment, format or rule of the workbook. The scan
    // sees the workbook: it finds what the pane did write (a sheet name, a loaded member's surname).
    const scan = await scanWorkbook(s.page, token);
    expect(scan.hits).toEqual([]);
    expect(scan.strings).toBeGreaterThan(500);
    expect((await scanWorkbook(s.page, 'Члены профсоюза')).hits.length).toBeGreaterThan(0);
    expect((await scanWorkbook(s.page, String(people[0].surname))).hits.length).toBeGreaterThan(0);
    const sheetNames = await s.page.evaluate(() => (window as unknown as { __fakeHost: { excel: { sheetNames(): string[] } } }).__fakeHost.excel.sheetNames());
    expect(sheetNames.some((n) => n.includes(token))).toBe(false);

    // Document settings, custom XML parts, workbook settings, document and custom properties,
    // OfficeRuntime.storage: never written with the token (the pane writes none of them at all).
    const records = await s.page.evaluate(() => (window as unknown as { __storageRecords: { where: string; key: string; value: unknown }[] }).__storageRecords);
    expect(records.filter((r) => JSON.stringify(r).includes(token) || JSON.stringify(r).includes(refreshToken))).toEqual([]);
    expect(records).toEqual([]);
    const settingsNow = await s.page.evaluate(() => {
      const o = (window as unknown as { Office: { context: { document: { settings: { get(n: string): unknown } } } } }).Office;
      return o.context.document.settings.get('token');
    });
    expect(settingsNow).toBeNull();

    // Not in the browser's lasting storage, the cookies, the page, or any URL the pane requested.
    const elsewhere = await s.page.evaluate(() => ({
      local: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k) ?? ''}`),
      cookies: document.cookie,
      html: document.documentElement.outerHTML,
      inputs: [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value),
    }));
    expect(elsewhere.local.filter((s) => s.includes(token))).toEqual([]);
    expect(elsewhere.local.filter((s) => s.includes(refreshToken))).toEqual([`${REFRESH_TOKEN_KEY}=${refreshToken}`]);
    expect(elsewhere.cookies).not.toContain(token);
    expect(elsewhere.cookies).not.toContain(refreshToken);
    expect(elsewhere.html).not.toContain(token);
    expect(elsewhere.html).not.toContain(refreshToken);
    expect(elsewhere.inputs.filter((v) => v.includes(token))).toEqual([]);
    expect(urls.length).toBeGreaterThan(5);
    expect(urls.filter((u) => u.includes(token) || u.includes(encodeURIComponent(token)) || u.includes(refreshToken))).toEqual([]);
    await screenshot(s.page, 't-01-token-not-in-workbook');

    // The checks can fail: the recorders and the scan do see a token once it is written.
    await s.page.evaluate((t) => {
      const o = (window as unknown as { Office: { context: { document: { settings: { set(n: string, v: unknown): void } } } } }).Office;
      o.context.document.settings.set('probe', t);
      (window as unknown as { __fakeHost: { excel: { sheet(n: string): { setValues(a: string, v: unknown[][]): void } } } }).__fakeHost.excel.sheet('Члены профсоюза').setValues('AZ100', [[`x${t}`]]);
    }, token);
    expect((await s.page.evaluate(() => (window as unknown as { __storageRecords: unknown[] }).__storageRecords)).length).toBe(1);
    expect((await scanWorkbook(s.page, token)).hits).toHaveLength(1);
  });
});
