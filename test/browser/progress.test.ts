/**
 * «Ход внедрения» in the built task pane (headless Chromium, fake Excel, the real server on a fresh
 * SQLite file). The built-in campaign's deadlines are in 2020–2021 and the server's clock in 2026, so
 * every unfinished step is overdue. A territorial chair puts the report on the «Ход внедрения» sheet
 * (a row per primary organisation, late steps red, a chart), drills down to the school and back, and
 * downloads the .xlsx; the school's chair reads the checklist, marks the training and follows a step
 * to its view. Screenshots: artifacts/screenshots/p-*.png.
 */
import { browserSuite, chromiumOrSkip, screenshot } from './harness';
import { fake, openedUrls, routeOfficeExtra, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const SHEET = 'Ход внедрения';
const LATE_FILL = '#FFC7CE';

describeBrowser('«Ход внедрения» in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });

  it('a territorial chair: the sheet with a row per primary organisation, late steps red, a chart; drill-down; the .xlsx', async () => {
    await signIn(s.page, s.server.base, 'territory');
    await s.page.locator('[data-view=organisations]').waitFor();
    await s.page.click('[data-test=tab-progress]');
    await s.page.locator('[data-view=progress] [data-test=progress-org]').waitFor();
    expect(await s.page.textContent('[data-test=progress-org] .card-title')).toBe('Демонстрационная районная организация Профсоюза');
    const children = await s.page.locator('[data-test=progress-children] strong').allTextContents();
    expect(children).toEqual(expect.arrayContaining(['ППО МБОУ «Средняя школа № 1»', 'ППО МБДОУ «Детский сад № 5 «Солнышко»']));
    expect(await s.page.textContent('[data-test=progress-children]')).toMatch(/просрочено: \d/);
    await screenshot(s.page, 'p-01-territory-progress');

    // The sheet.
    await s.page.click('[data-test=progress-sheet]');
    await s.page.locator('[data-test=progress-sheet-result]').waitFor();
    expect(await s.page.textContent('[data-test=progress-sheet-result]')).toMatch(/Просроченные шаги закрашены красным/);
    await screenshot(s.page, 'p-02-progress-sheet');
    expect(await fake<string>(s.page, 'x.activeSheetName')).toBe(SHEET);
    const values = await fake<unknown[][]>(s.page, `x.sheet('${SHEET}').values('A1:L9')`);
    expect(String(values[0][0])).toMatch(/Ход внедрения/);
    expect(values[4].slice(0, 5)).toEqual(['Организация', 'Вид', 'ППО', 'Членов на учёте', 'Охват, %']);
    const names = values.slice(5).map((r) => String(r[0]));
    expect(names).toEqual(expect.arrayContaining(['ППО МБОУ «Средняя школа № 1»', 'ППО МБДОУ «Детский сад № 5 «Солнышко»']));
    const schoolRow = 6 + names.findIndex((n) => n.includes('Средняя школа № 1'));
    // Late steps are red: the rule's flag column says so for the school's row.
    const red = await fake<{ address: string; fill: string | null }[]>(s.page, `e.customFilled('${SHEET}')`);
    const schoolRed = red.filter((c) => c.address.endsWith(String(schoolRow)));
    expect(schoolRed.length).toBeGreaterThan(0);
    expect(schoolRed.every((c) => c.fill === LATE_FILL)).toBe(true);
    const charts = await fake<{ type: string; name: string; title: string; categories: string | null }[]>(s.page, `e.charts('${SHEET}')`);
    expect(charts).toEqual([expect.objectContaining({ type: 'ColumnClustered', name: 'ХодВнедренияДиаграмма', title: 'Выполнение семи шагов, %' })]);
    expect(charts[0].categories).toMatch(/^A6:A\d+$/);
    expect(await fake<{ rows: number; cols: number }>(s.page, `e.frozen('${SHEET}')`)).toEqual({ rows: 5, cols: 1 });

    // Drill down to the school and back.
    await s.page.locator(`[data-test=progress-child-${s.server.test.demo.orgIds.school}] [data-test=drill]`).click();
    await s.page.locator('[data-test=progress-org] .card-title', { hasText: 'Средняя школа № 1' }).waitFor();
    const late = await s.page.locator('[data-test=progress-org] [data-test=step-figures] dd[data-late]').count();
    expect(late).toBeGreaterThan(0);
    expect(await s.page.locator('[data-test=progress-crumbs] .crumb').allTextContents()).toEqual(['Демонстрационная районная организация Профсоюза', 'ППО МБОУ «Средняя школа № 1»']);
    await screenshot(s.page, 'p-03-drill-down-school');
    await s.page.locator('[data-test=progress-crumbs] button.crumb').click();
    await s.page.locator('[data-test=progress-org] .card-title', { hasText: 'Демонстрационная районная' }).waitFor();

    // The same report as an .xlsx file, through a single-use link opened in the browser.
    await s.page.click('[data-test=progress-download]');
    await s.page.locator('[data-test=progress-xlsx]').waitFor();
    expect(await s.page.textContent('[data-test=progress-xlsx]')).toMatch(/файл открыт в браузере/);
    const urls = await openedUrls(s.page);
    expect(urls).toHaveLength(1);
    const link = `${s.server.base}${new URL(urls[0]).pathname}`;
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expect(decodeURIComponent(file.headers.get('content-disposition') ?? '')).toMatch(/Ход внедрения — Демонстрационная районная.*\.xlsx/);
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
    expect((await fetch(link)).status).toBe(410);
    await screenshot(s.page, 'p-04-xlsx');
  });

  it('a school chair: the checklist with late steps, «Отметить обучение пройденным», a step opens its view', async () => {
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=tab-progress]');
    await s.page.locator('[data-test=checklist] [data-test=step-7]').waitFor();
    const steps = await s.page.locator('[data-test=checklist] > li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-test'), e.getAttribute('data-status')]));
    expect(steps.map((s) => s[0])).toEqual(['step-1', 'step-2', 'step-3', 'step-4', 'step-5', 'step-6', 'step-7']);
    expect(steps.find((s) => s[0] === 'step-2')?.[1]).toBe('late'); // training not marked, deadline 2020
    expect(await s.page.textContent('[data-test=checklist-summary]')).toMatch(/Сделано шагов: \d из 7/);
    expect(await s.page.textContent('[data-test=step-2]')).toMatch(/Срок: 15\.11\.2020 – 15\.12\.2020/);
    expect(await s.page.textContent('[data-test=step-2]')).toMatch(/Просрочено/);
    await screenshot(s.page, 'p-05-checklist');
    // The narrowest task pane (320 px): nothing sticks out sideways.
    await s.page.setViewportSize({ width: 320, height: 900 });
    expect(await s.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await s.page.setViewportSize({ width: 360, height: 900 });

    // The instructions of a step.
    await s.page.locator('[data-test=step-5] summary').click();
    expect(await s.page.textContent('[data-test=step-5] details')).toMatch(/согласи/i);

    await s.page.click('[data-test=step-2] [data-test=mark-training]');
    await s.page.locator('[data-test=step-2][data-status=done]').waitFor();
    const [[user]] = (await s.server.test.ctx.db.sequelize.query(`SELECT training_completed_at FROM users WHERE login = 'school'`)) as [Record<string, unknown>[], unknown];
    expect(user.training_completed_at).not.toBeNull();
    expect(await s.page.locator('[data-test=step-2] [data-test=mark-training]').count()).toBe(0);
    // The pane is free again: the tabs work.
    await s.page.waitForFunction(() => !(document.querySelector('[data-test=tab-members]') as HTMLButtonElement | null)?.disabled);
    await screenshot(s.page, 'p-06-training-marked');

    // A step's button opens the view that does it.
    await s.page.click('[data-test=step-5] [data-test=goto-consents]');
    await s.page.locator('[data-view=consents]').waitFor();
  });
});
