/**
 * The upload page's mapping step in headless Chromium against the real server: a chair chooses a list
 * with the union's statistics words (test/fixtures/lists/corpus.ts, «10-union-statistics-words»), the
 * page shows how every column and every word of a coded column was understood, the chair answers the
 * two ambiguous words («пенсионер» → «Неработающий пенсионер», «нет» → left empty), checks and uploads.
 * Every row's «Результат» in the returned workbook is the one the add-in writes for the same list
 * (test/browser/import-list.test.ts; both compared with test/fixtures/lists/expected.ts).
 * Screenshot: artifacts/screenshots/upload-mapping-01.png.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { CORPUS } from '../fixtures/lists/corpus';
import { expectedRun } from '../fixtures/lists/expected';
import { shapeFile } from '../fixtures/lists/files';
import { browserSuite, chromiumOrSkip, screenshot } from './harness';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

describeBrowser('upload page: the mapping step (real server)', () => {
  const s = browserSuite(chromium!, { viewport: { width: 900, height: 1100 } });

  it('columns and values shown, ambiguous words answered once, the same results as the add-in', async () => {
    const shape = CORPUS.find((x) => x.id === '10-union-statistics-words')!;
    const file = await shapeFile(shape);
    const dir = fs.mkdtempSync('/tmp/upload-mapping-');
    const path = `${dir}/Список профкома.xlsx`;
    fs.writeFileSync(path, file.body);

    const school = DEMO_LOGINS.find((l) => l.login === 'school')!;
    await s.page.goto(`${s.server.base}/upload.html`);
    await s.page.fill('#login', school.login);
    await s.page.fill('#password', school.password);
    await s.page.click('#sign-in-button');
    await s.page.locator('#work').waitFor();
    await s.page.setInputFiles('#file', path);
    await s.page.locator('#mapping').waitFor();
    await s.page.locator('[data-test=map-value-7]').waitFor();
    expect(await s.page.textContent('#mapping-summary')).toMatch(/названия столбцов — в строке 1, строк с данными: 7/);
    expect(await s.page.inputValue('[data-test=map-target-0]')).toBe('fullName');
    expect(await s.page.inputValue('[data-test=map-value-0]')).toBe('employee'); // «работающие»
    expect(await s.page.inputValue('[data-test=map-value-1]')).toBe(''); // «пенсионер»: the chair decides
    expect(await s.page.textContent('#mapping-values')).toMatch(/«пенсионер» — строк: 2\. Можно понять двояко: работающий пенсионер или неработающий/);
    expect(await s.page.textContent('#mapping-values')).toMatch(/«директор» — строк: 1\. Такого значения нет в списке/);
    await s.page.selectOption('[data-test=map-value-1]', 'pensioner');
    await s.page.selectOption('[data-test=map-value-6]', '∅'); // «нет»: not collected yet
    await screenshot(s.page, 'upload-mapping-01');

    await s.page.click('#upload');
    await s.page.locator('#result').waitFor();
    const [download] = await Promise.all([s.page.waitForEvent('download'), s.page.click('#result-link')]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    let resultCol = 0;
    ws.getRow(1).eachCell((c, col) => {
      if (c.value === 'Результат') resultCol = col;
    });
    const want = expectedRun(shape, new Date().toISOString().slice(0, 10));
    expect(want.sourceRows.map((r) => String(ws.getCell(r, resultCol).value ?? ''))).toEqual(want.results);
  }, 120_000);
});
