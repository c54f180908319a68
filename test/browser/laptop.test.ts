/**
 * A pane that fits a laptop (issue 14, item 7): a 350×550 px pane, as on a 1366×768 screen. The
 * progress of a push and its result come into view by themselves; «Остановить» stops after the chunk
 * in flight and says what was sent and what was not; one scroll area; no text under 13 px; a server
 * error names its time and request id. Screenshots of the viewport (what the chair sees, not the
 * whole page): artifacts/screenshots/laptop-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { inventPeople, peopleAsSheetRows } from '../../server/services/members/demo-members';
import { browserSuite, chromiumOrSkip, routeOffice, SCREENSHOT_DIR } from './harness';
import { eventually, fake, pasteRows, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;
const SYNC = '**/api/v1/organisations/*/members/sync';
const W = 350;
const H = 550;

async function viewportShot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForTimeout(350); // the bar's width transition
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: false });
}

/** The element is entirely inside the 350×550 viewport (the chair sees it without scrolling). */
async function expectInView(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + Math.min(box!.height, H)).toBeLessThanOrEqual(H + 1);
}

describeBrowser('a pane that fits a laptop (350×550)', () => {
  const s = browserSuite(chromium!, { viewport: { width: W, height: H }, preparePage: (page, base) => routeOffice(page, base) });

  it('push progress and result come into view; «Остановить» stops after the chunk in flight; one scroll area; text ≥ 13 px', async () => {
    const N = 2_500; // two chunks
    const people = peopleAsSheetRows(inventPeople(N, { seed: 9191, snilsFrom: 700_000, year: 2026 }));
    const grid = people.map((p) => MEMBER_COLUMNS.map((c) => String((p as Record<string, unknown>)[c.key] ?? '')));
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, grid);
    const [[before]] = (await s.server.test.ctx.db.sequelize.query(`SELECT COUNT(*) AS n FROM members`)) as [{ n: number | string }[], unknown];

    // The first chunk's answer is held until the chair has pressed «Остановить».
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let requests = 0;
    await s.page.route(SYNC, async (route) => {
      requests++;
      if (requests === 1) await held;
      await route.continue();
    });
    await s.page.click('[data-test=push]');
    await eventually(
      () => s.page.locator('[data-test=activity] .progress-caption').textContent().catch(() => ''),
      (t) => /Отправлено 0 из 2\u202f500 строк/.test(t ?? ''),
      100,
    );
    await expectInView(s.page, '[data-test=activity] [data-test=progress]');
    await expectInView(s.page, '[data-test=stop]');
    await viewportShot(s.page, 'laptop-01-push-progress');

    await s.page.click('[data-test=stop]');
    expect(await s.page.textContent('[data-test=stop]')).toMatch(/Останавливаем после текущей части/);
    release();
    await s.page.locator('[data-test=push-stopped]').waitFor();
    const stopped = await s.page.textContent('[data-test=push-stopped]');
    expect(stopped).toMatch(/Отправка остановлена/);
    const m = /Отправлено ([\d\u202f]+) строк[аи]? — они в реестре.*Не отправлено ([\d\u202f]+) строк[аи]?: нажмите «Продолжить отправку»/s.exec(stopped ?? '');
    expect(m).not.toBeNull();
    const num = (x: string) => Number(x.replace(/\u202f/g, ''));
    const sentFirst = num(m![1]);
    expect(sentFirst).toBeGreaterThan(0);
    expect(sentFirst + num(m![2])).toBe(N); // the first chunk (planned by rows and bytes) went; the rest did not
    expect(requests).toBe(1);
    await expectInView(s.page, '[data-test=push-stopped]');
    await viewportShot(s.page, 'laptop-02-push-stopped');
    const [[mid]] = (await s.server.test.ctx.db.sequelize.query(`SELECT COUNT(*) AS n FROM members`)) as [{ n: number | string }[], unknown];
    expect(Number(mid.n) - Number(before.n)).toBe(sentFirst);

    await s.page.click('[data-test=push-stopped] [data-test=resume-push]');
    await s.page.locator('[data-test=push-result]').waitFor({ timeout: 60_000 });
    await s.page.unroute(SYNC);
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Готово: реестр принял 2\u202f500 строк/);
    await expectInView(s.page, '[data-test=push-result]');
    await viewportShot(s.page, 'laptop-03-push-result');
    const [[after]] = (await s.server.test.ctx.db.sequelize.query(`SELECT COUNT(*) AS n FROM members`)) as [{ n: number | string }[], unknown];
    expect(Number(after.n) - Number(before.n)).toBe(N);

    // One scroll area: nothing inside the page scrolls on its own.
    const nested = await s.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => {
          const o = getComputedStyle(el).overflowY;
          return (o === 'auto' || o === 'scroll') && el.scrollHeight > el.clientHeight + 1;
        })
        .map((el) => el.className || el.tagName),
    );
    expect(nested).toEqual([]);
    // No visible text under 13 px.
    const small = await s.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '') && el.getClientRects().length > 0 && !el.closest('[aria-hidden=true]'))
        .filter((el) => parseFloat(getComputedStyle(el).fontSize) < 13)
        .map((el) => `${el.className}: ${(el.textContent ?? '').trim().slice(0, 30)}`),
    );
    expect(small).toEqual([]);
  });

  it.each([
    ['1.18', /описание — в примечании к ячейке/],
    ['1.8', /описание — в столбце «Результат» и в списке ниже \(эта версия Excel не даёт надстройке добавлять примечания к ячейкам\)/],
  ])('ExcelApi %s: the check names where the messages are; the whole list in the pane and on «Ошибки проверки»', async (version, where) => {
    await s.page.addInitScript((v) => ((window as unknown as { __excelApiVersion: string }).__excelApiVersion = v), version);
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    // 250 rows without a category: 250 problems
    await pasteRows(s.page, Array.from({ length: 250 }, (_, i) => MEMBER_COLUMNS.map((c) => (c.key === 'surname' ? 'Безкатегорийная' : c.key === 'name' ? 'Анна' : c.key === 'birthDate' ? `01.${String(1 + Math.floor(i / 25)).padStart(2, '0')}.${1960 + (i % 25)}` : ''))));
    await s.page.click('[data-test=check]');
    await s.page.locator('[data-test=check-result]').waitFor();
    expect(await s.page.textContent('[data-test=check-result]')).toMatch(where);
    await expectInView(s.page, '[data-test=check-result]');
    expect(await s.page.locator('[data-test=issues] [data-test=issue]').count()).toBe(200);
    if (version === '1.8') await viewportShot(s.page, 'laptop-05-check-excel-2019');
    await s.page.click('[data-test=issues-more]');
    expect(await s.page.locator('[data-test=issues] [data-test=issue]').count()).toBe(250);
    expect(await s.page.isVisible('[data-test=issues-more]')).toBe(false);
    await s.page.click('[data-test=issues-report]');
    await s.page.locator('[data-test=issues-report-done]').waitFor();
    const report = await fake<(string | number)[][]>(s.page, `x.sheet('Ошибки проверки').values('A1:C251')`);
    expect(report[0]).toEqual(['Строка', 'Столбец', 'Что не так']);
    expect(report.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 250 }, (_, i) => i + 2));
    expect(report[1][1]).toBe('Категория');
    await expectInView(s.page, '[data-test=issues-report-done]');
  });

  it('a server error shows the time and the request id to quote', async () => {
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, [MEMBER_COLUMNS.map((c) => (c.key === 'surname' ? 'Ошибкина' : c.key === 'name' ? 'Анна' : c.key === 'birthDate' ? '01.01.1980' : c.key === 'category' ? 'Работник' : ''))]);
    let id = '';
    await s.page.route(SYNC, async (route) => {
      const real = await route.fetch(); // the server's own answer carries its X-Request-Id
      id = real.headers()['x-request-id'] ?? '';
      await route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        headers: { 'X-Request-Id': id },
        body: JSON.stringify({ type: '/problems/internal', status: 500, detail: 'Внутренняя ошибка сервера. Попробуйте ещё раз; если ошибка повторится, сообщите администратору реестра время ошибки и номер запроса.' }),
      });
    });
    s.watch.expectHttpError(500, /\/members\/sync$/);
    await s.page.click('[data-test=dry-run]');
    await s.page.locator('[data-test=failure]').waitFor();
    await s.page.unroute(SYNC);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const ref = await s.page.textContent('[data-test=failure] [data-test=error-reference]');
    expect(ref).toMatch(new RegExp(`^Время ошибки: \\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d:\\d\\d, номер запроса: ${id}\\.$`));
    await expectInView(s.page, '[data-test=failure]');
    await viewportShot(s.page, 'laptop-04-server-error');
  });
});
