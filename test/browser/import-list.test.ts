/**
 * «Список из другого файла» in Chromium (fake Excel with document settings, the real server on a fresh
 * SQLite file, a 350 px wide pane): every list shape of the corpus (test/fixtures/lists/corpus.ts) is
 * pasted as a chair would — onto «Список для загрузки», or with its header row over the member table's
 * own header — mapped in the pane (the chair's changes made through the dropdowns), written into the
 * member table and sent. Each row's «Результат» must be exactly what test/fixtures/lists/expected.ts
 * computes — the same texts the upload page writes for the same files (server/routes/list-corpus.test.ts).
 * The mapping is remembered in the workbook (document settings, without personal data) and comes back
 * for the next list of the same shape. Screenshots: artifacts/screenshots/i-*.png.
 *
 * Merged cells come from test/browser/fake-office-merges.ts (Range.merge, getMergedAreasOrNullObject).
 * Real Excel keeps hidden columns hidden after a paste only when whole columns are copied; the test
 * hides them itself, as a chair who copied whole columns would have them.
 */
import type { Page } from 'playwright-core';
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, RESULT_HEADER, ROW_KEY_HEADER } from '../../domain/members/columns';
import { detectLayout, headerKey, IMPORT_TARGETS, targetsOf, valueGroups } from '../../domain/members/list-import';
import { CORPUS, type Cell, type ListShape } from '../fixtures/lists/corpus';
import { expectedRun, gridOf } from '../fixtures/lists/expected';
import fs from 'node:fs';
import path from 'node:path';
import { browserBundle, browserSuite, chromiumOrSkip, fakeOfficeScript, routeOffice, screenshot, SCREENSHOT_DIR } from './harness';
import { fake, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const TABLE = 'ЧленыПрофсоюза';
const SCRATCH = 'Список для загрузки';
const RESULT = MEMBER_COLUMNS.length;

const serial = (d: Date) => Math.round((d.getTime() - Date.UTC(1899, 11, 30)) / 86_400_000);

/** Pastes cells at A1 of `sheet` as Excel keeps them after a paste from another file: dates as dates, texts as text, numbers as numbers. */
async function pasteCells(page: Page, sheet: string, rows: Cell[][], hidden: number[] = [], merges: ListShape['merges'] = []): Promise<void> {
  const width = Math.max(...rows.map((r) => r.length));
  const values = rows.map((r) => Array.from({ length: width }, (_x, c) => (r[c] instanceof Date ? serial(r[c] as Date) : (r[c] ?? ''))));
  const formats = rows.map((r) => Array.from({ length: width }, (_x, c) => (r[c] instanceof Date ? 'dd.mm.yyyy' : typeof r[c] === 'string' ? '@' : 'General')));
  await page.evaluate(
    async ({ sheet, values, formats, hidden, merges }) => {
      const h = (window as unknown as { __fakeHost: { excel: { newContext(): Excel.RequestContext } } }).__fakeHost;
      const ctx = h.excel.newContext();
      const ws = ctx.workbook.worksheets.getItem(sheet);
      const range = ws.getRangeByIndexes(0, 0, values.length, values[0].length);
      range.numberFormat = formats;
      range.values = values;
      for (const c of hidden) ws.getRangeByIndexes(0, c, 1, 1).columnHidden = true;
      for (const m of merges) (ws.getRangeByIndexes(m.top, m.left, m.bottom - m.top + 1, m.right - m.left + 1) as unknown as { merge(across: boolean): void }).merge(false);
      await ctx.sync();
    },
    { sheet, values, formats, hidden, merges: merges ?? [] },
  );
}

/** The «Список из другого файла» card alone, as the chair sees it in a 350 px pane. */
async function shotOfSection(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(350);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.locator('[data-test=import-slot]').screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

const body = (page: Page) => fake<(string | number)[][]>(page, `x.table('${TABLE}').bodyValues()`);

/** Makes the chair's choices of the shape in the pane's dropdowns. */
async function chooseLikeTheChair(page: Page, shape: ListShape): Promise<void> {
  const grid = gridOf(shape);
  const layout = detectLayout(grid)!;
  const m = shape.mapping ?? {};
  for (const [key, target] of Object.entries(m.targets ?? {})) {
    const i = layout.columns.findIndex((c) => headerKey(c.header) === key);
    await page.selectOption(`[data-test=import-target-${i}]`, target);
  }
  if (m.category) await page.selectOption('[data-test=import-category]', m.category);
  const targets = targetsOf(layout).map((t, i) => m.targets?.[headerKey(layout.columns[i].header)] ?? t);
  const groups = valueGroups(grid, layout, targets);
  for (const [col, choices] of Object.entries(m.values ?? {})) {
    for (const [key, code] of Object.entries(choices ?? {})) {
      const n = groups.findIndex((g) => g.column === col && g.key === key);
      await page.selectOption(`[data-test=import-value-${n}]`, code === null ? '∅' : code);
    }
  }
}

describeBrowser('«Список из другого файла» in Chromium (fake Excel, real server, 350 px pane)', () => {
  const s = browserSuite(chromium!, {
    viewport: { width: 350, height: 900 },
    preparePage: (page, base) => routeOffice(page, base, `${fakeOfficeScript()}\n;\n${browserBundle('fake-office-storage.ts')}\n;\n${browserBundle('fake-office-merges.ts')}`),
  });

  it('Excel 2019 (ExcelApi 1.8, no merged areas): a list with merged cells is read all the same, merges ignored', async () => {
    const page = s.page;
    await page.addInitScript(() => ((window as unknown as { __excelApiVersion: string }).__excelApiVersion = '1.8'));
    await signIn(page, s.server.base, 'school');
    await page.locator('[data-view=members]').waitFor();
    await page.click('[data-test=create-sheet]');
    await page.locator('[data-test=create-result]').waitFor();
    const merged = CORPUS.find((x) => (x.merges ?? []).length > 0)!;
    await page.click('[data-test=import-open]');
    await page.locator('[data-test=import-opened]').waitFor();
    await pasteCells(page, SCRATCH, merged.rows, merged.hidden, merged.merges);
    await page.click('[data-test=import-read]');
    await page.locator('[data-test=import-columns]').waitFor();
    expect(await page.locator('[data-test=failure]').count()).toBe(0);
  });

  it('every shape of the corpus: pasted, mapped, written into the member table, sent — each row exactly as the upload page answers it', async () => {
    const page = s.page;
    await signIn(page, s.server.base, 'school');
    await page.locator('[data-view=members]').waitFor();
    await page.click('[data-test=create-sheet]');
    await page.locator('[data-test=create-result]').waitFor();
    await page.locator('[data-test=import-open]').waitFor();
    const today = new Date().toISOString().slice(0, 10);
    const spans: { shape: ListShape; from: number; to: number }[] = [];

    // A list pasted with its header row over the member table's header is recognised, not refused.
    const over = CORPUS.find((x) => x.overTableHeader)!;
    await pasteCells(page, MEMBER_SHEET_NAME, over.rows);
    await page.click('[data-test=check]');
    await page.locator('[data-test=failure]').waitFor();
    expect(await page.textContent('[data-test=failure]')).toMatch(/вставлен список со своими заголовками \(строк с данными: 4\)\. Он перенесён на лист «Список для загрузки», а у таблицы снова её заголовки/);
    expect(await fake<string[]>(page, `x.table('${TABLE}').headers`)).toEqual([...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER]);

    for (const shape of [over, ...CORPUS.filter((x) => !x.overTableHeader)]) {
      if (shape !== over) {
        await page.click('[data-test=import-open]');
        await page.locator('[data-test=import-opened]').waitFor();
        await pasteCells(page, SCRATCH, shape.rows, shape.hidden, shape.merges);
      }
      await page.click('[data-test=import-read]');
      await page.locator('[data-test=import-columns]').waitFor();
      // The pane shows what the engine guessed, column by column.
      const layout = detectLayout(shape === over ? { rows: (await fake<Cell[][]>(page, `x.sheet('${SCRATCH}').values('A1:D${over.rows.length}')`)).map((r) => r.map((v) => (v === '' ? null : v))) } : gridOf(shape))!;
      for (const [i, col] of layout.columns.entries()) expect([i, await page.inputValue(`[data-test=import-target-${i}]`)]).toEqual([i, col.target]);
      await chooseLikeTheChair(page, shape);
      if (['01-1c-staff', '02-school-own', '10-union-statistics-words', '12-register-headers-reordered'].includes(shape.id)) await shotOfSection(page, `i-${shape.id}-mapping`);
      const before = (await body(page)).filter((r) => r.some((v) => v !== '')).length;
      await page.click('[data-test=import-write]');
      await page.locator('[data-test=import-done]').waitFor();
      expect(await page.textContent('[data-test=import-done]')).toMatch(new RegExp(`Перенесено в таблицу членов: ${shape.expect.length} строк`));
      spans.push({ shape, from: before, to: before + shape.expect.length });
    }
    await screenshot(page, 'i-20-written');

    // ФИО split, the register's order, the words of the statistics turned into the register's labels.
    const rows = await body(page);
    const col = (k: string) => MEMBER_COLUMNS.findIndex((c) => c.key === k);
    const school = spans.find((x) => x.shape.id === '02-school-own')!;
    expect(rows[school.from].slice(0, 3)).toEqual(String(CORPUS.find((x) => x.id === '02-school-own')!.rows[3][1]).split(' '));
    expect(rows.slice(school.from, school.to).map((r) => r[col('category')])).toEqual(['Работник', 'Работник', 'Работник', 'Неработающий пенсионер', 'Работник', 'Работник']);

    await page.click('[data-test=push]');
    await page.locator('[data-test=push-result]').waitFor({ timeout: 60_000 });
    const after = await body(page);
    for (const span of spans) {
      const want = expectedRun(span.shape, today).results;
      expect([span.shape.id, after.slice(span.from, span.to).map((r) => r[RESULT])]).toEqual([span.shape.id, want]);
    }
    await screenshot(page, 'i-21-pushed');

    // Remembered in the workbook, with no personal data: header texts and words only.
    const records = await page.evaluate(() => (window as unknown as { __storageRecords: { where: string; key: string; value: unknown }[] }).__storageRecords);
    const saved = records.filter((r) => r.where === 'document.settings' && r.key === 'reestr.listMappings').pop();
    expect(saved).toBeDefined();
    const json = JSON.stringify(records.filter((r) => r.where.startsWith('document.settings')));
    for (const shape of CORPUS) for (const r of shape.rows.slice(1)) for (const v of r) if (typeof v === 'string' && /^[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+/.test(v)) expect(json).not.toContain(v);

    // The next list of the same shape: the chair's mapping comes back («как в прошлый раз»).
    const onec = CORPUS.find((x) => x.id === '01-1c-staff')!;
    await page.click('[data-test=import-open]');
    await page.locator('[data-test=import-opened]').waitFor();
    await pasteCells(page, SCRATCH, onec.rows);
    await page.click('[data-test=import-read]');
    await page.locator('[data-test=import-columns]').waitFor();
    expect(await page.inputValue('[data-test=import-target-3]')).toBe('skip');
    expect(await page.textContent('[data-test=import-col-3]')).toMatch(/как в прошлый раз/);
    expect(await page.inputValue('[data-test=import-category]')).toBe('employee');
    expect(await page.isDisabled('[data-test=import-write]')).toBe(false);
    expect(IMPORT_TARGETS.length).toBeGreaterThan(10);
    await shotOfSection(page, 'i-22-remembered');
  }, 240_000);
});
