/**
 * «Запомнить меня на этом компьютере» in the built pane (headless Chromium, the real server).
 * Closing the pane is imitated as a new top-level page of the same browser profile: sessionStorage
 * starts empty (per page, as after the desktop web view closed the pane — the behaviour issue 14
 * reports) and the origin's localStorage is kept (HTML web storage; Microsoft's «Persist add-in state
 * and settings» names localStorage for data that outlives an add-in instance, partitioned by
 * Office.context.partitionKey where Office gives one — the fake host gives none, as desktop Excel).
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { REFRESH_TOKEN_KEY, SESSION_TOKEN_KEY } from '../../addin/api/token-store';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { inventPeople, peopleAsSheetRows } from '../../server/services/members/demo-members';
import { browserSuite, chromiumOrSkip, routeOffice, screenshot, watchConsole, type ConsoleWatch } from './harness';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

describeBrowser('the pane reopens signed in when the chair asked to be remembered', () => {
  const s = browserSuite(chromium!, { preparePage: (page, base) => routeOffice(page, base) });
  const extra: { page: Page; watch: ConsoleWatch }[] = [];
  afterEach(async () => {
    for (const p of extra.splice(0)) {
      await p.page.close();
      expect(p.watch.errors).toEqual([]);
    }
  });

  /** The chair closes the pane and opens it again: a new page of the same profile. */
  const reopen = async (opts: { refreshRefused?: boolean } = {}): Promise<Page> => {
    const page = await s.browser.context.newPage();
    const watch = watchConsole(page);
    // The pane tries the remembered token, the server refuses it: that 401 is the point.
    if (opts.refreshRefused) watch.expectHttpError(401, /\/api\/v1\/auth\/refresh$/);
    extra.push({ page, watch });
    await routeOffice(page, s.server.base);
    await page.goto(`${s.server.base}/taskpane.html`);
    return page;
  };
  const signIn = async (page: Page, login: string, remember: boolean) => {
    const l = DEMO_LOGINS.find((x) => x.login === login)!;
    // A first sign-in on this computer: nothing remembered from another test of this file (the
    // browser profile, and so the origin's localStorage, is shared by the file's tests).
    await page.goto(`${s.server.base}/assets/help.html`);
    await page.evaluate(() => localStorage.clear());
    await page.goto(`${s.server.base}/taskpane.html`);
    await page.locator('[data-test=sign-in-form]').waitFor();
    expect(await page.isChecked('[data-test=remember-me]')).toBe(false); // off by default
    await page.fill('[data-test=login]', l.login);
    await page.fill('[data-test=password]', l.password);
    if (remember) {
      await page.check('[data-test=remember-me]');
      await screenshot(page, `r-01-sign-in-remember-${login}`);
    }
    await page.click('[data-test=sign-in]');
  };
  const stored = (page: Page) =>
    page.evaluate((keys) => ({ refresh: localStorage.getItem(keys.r), session: sessionStorage.getItem(keys.s), local: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`) }), { r: REFRESH_TOKEN_KEY, s: SESSION_TOKEN_KEY });

  it('remembered: after a push the pane is closed and reopened — signed in, the undo of the last push still there', async () => {
    await signIn(s.page, 'school', true);
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    const people = peopleAsSheetRows(inventPeople(3, { seed: 4242, snilsFrom: 720_000, year: 2026 }));
    const grid = people.map((p) => [...MEMBER_COLUMNS.map((c) => String((p as Record<string, unknown>)[c.key] ?? '')), '']);
    await s.page.evaluate((rows) => (window as unknown as { __fakeHost: { pasteMemberRows(r: unknown): Promise<void> } }).__fakeHost.pasteMemberRows(rows), grid);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    const first = await stored(s.page);
    expect(first.refresh).toMatch(/^[\w-]{43}$/);
    // localStorage holds the refresh token and ids only: no session token, no personal data.
    expect(first.local.join('\n')).not.toContain(first.session!);
    for (const p of people) expect(first.local.join('\n')).not.toContain(String(p.surname));
    const workbook = await s.page.evaluate(() => JSON.stringify((window as unknown as { __fakeHost: { excel: { sheetNames(): string[] } } }).__fakeHost.excel.sheetNames()));
    expect(workbook).not.toContain(first.refresh!);
    await s.page.close();

    const again = await reopen();
    await again.locator('[data-view=members]').waitFor();
    await screenshot(again, 'r-02-reopened-signed-in');
    expect(await again.locator('[data-test=sign-in-form]').count()).toBe(0);
    expect(await again.textContent('[data-test=who]')).toContain('ППО МБОУ');
    const now = await stored(again);
    expect(now.refresh).toMatch(/^[\w-]{43}$/);
    expect(now.refresh).not.toBe(first.refresh); // rotated on the way in
    expect(await again.isDisabled('[data-test=revert]')).toBe(false);
    await again.click('[data-test=revert]');
    await again.locator('[data-test=confirm-revert]').click();
    await again.locator('[data-test=revert-result]').waitFor();
    expect(await again.textContent('[data-test=revert-result]')).toMatch(/отмен/i);

    // The token the pane had before it rotated is spent: presented again (a copy), it ends the family,
    // and the next opening asks for the password.
    expect((await request(s.server.test.app).post('/api/v1/auth/refresh').send({ refreshToken: first.refresh })).status).toBe(401);
    await again.close();
    const third = await reopen({ refreshRefused: true });
    await third.locator('[data-test=sign-in-form]').waitFor();
    expect((await stored(third)).refresh).toBeNull();
  });

  it('not remembered: reopening asks for the password; «Выйти на всех устройствах» forgets this computer too', async () => {
    await signIn(s.page, 'territory', false);
    await s.page.locator('[data-view=organisations]').waitFor();
    expect((await stored(s.page)).refresh).toBeNull();
    await s.page.close();
    const plain = await reopen();
    await plain.locator('[data-test=sign-in-form]').waitFor();

    await signIn(plain, 'territory', true);
    await plain.locator('[data-view=organisations]').waitFor();
    expect((await stored(plain)).refresh).not.toBeNull();
    await plain.click('[data-test=sign-out-everywhere]');
    await plain.locator('[data-test=signed-out-everywhere]').waitFor();
    await plain.locator('[data-test=sign-in-form]').waitFor();
    expect((await stored(plain)).refresh).toBeNull();
    await plain.close();
    const after = await reopen();
    await after.locator('[data-test=sign-in-form]').waitFor();
  });

  it('remembered: a session that expires while the chair works is renewed without the password; «Повторить» finishes the action', async () => {
    await signIn(s.page, 'school', true);
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    const people = peopleAsSheetRows(inventPeople(2, { seed: 4343, snilsFrom: 730_000, year: 2026 }));
    const grid = people.map((p) => [...MEMBER_COLUMNS.map((c) => String((p as Record<string, unknown>)[c.key] ?? '')), '']);
    await s.page.evaluate((rows) => (window as unknown as { __fakeHost: { pasteMemberRows(r: unknown): Promise<void> } }).__fakeHost.pasteMemberRows(rows), grid);
    const before = (await stored(s.page)).refresh;
    s.server.test.clock.advanceMinutes(8 * 60 + 1); // past the session's lifetime, well within the refresh token's
    s.watch.expectHttpError(401, /\/members\/sync$/);
    const renewed = s.page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/refresh') && r.status() === 200);
    await s.page.click('[data-test=dry-run]');
    await renewed;
    await s.page.locator('[data-test=failure]').waitFor();
    expect(await s.page.locator('[data-test=session-expired]').count()).toBe(0);
    expect((await stored(s.page)).refresh).not.toBe(before);
    await s.page.click('[data-test=failure] [data-test=retry]');
    await s.page.locator('[data-test=dry-run-result]').waitFor();
    expect(await s.page.textContent('[data-test=dry-run-result]')).toMatch(/Сервер проверил 2 строки/);
  });
});
