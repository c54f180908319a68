/**
 * The built task pane in headless Chromium against the real registry server (in-process, fresh
 * SQLite), with a fake Office host in place of Office.js. A chair signs in, creates the member
 * sheet, pastes a messy list, checks it, pushes it without fixing anything; the pane, the fake
 * sheet and the database must all agree. Any console error in the page fails the test.
 * Screenshots of each step: artifacts/screenshots/*.png.
 */
import request from 'supertest';
import { formatCount } from '../../addin/ui/format';
import { MEMBER_COLUMNS, RESULT_HEADER } from '../../domain/members/columns';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { inventPeople, peopleAsSheetRows } from '../../server/services/members/demo-members';
import { browserSuite, chromiumOrSkip, OFFICE_JS_URL, routeOffice, screenshot, type RunningServer } from './harness';
import { eventually, fake, pasteRows, signIn as signInAs } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const SHEET = 'Члены профсоюза';
const TABLE = 'ЧленыПрофсоюза';
const WIDTH = MEMBER_COLUMNS.length + 1;
const col = (key: string): number => {
  const i = MEMBER_COLUMNS.findIndex((c) => c.key === key);
  if (i < 0) throw new Error(key);
  return i;
};
const RESULT_COL = MEMBER_COLUMNS.length;
const letter = (i: number): string => String.fromCharCode(65 + i);

type Cells = Partial<Record<(typeof MEMBER_COLUMNS)[number]['key'], string | number>>;
const sheetRow = (cells: Cells): (string | number)[] => {
  const out: (string | number)[] = new Array(WIDTH).fill('');
  for (const [k, v] of Object.entries(cells)) out[col(k)] = v as string | number;
  return out;
};

/** A list as it comes from an HR export: sheet rows 2…11. */
const MESSY: (string | number)[][] = [
  // 2: the full name in one cell, a text date, СНИЛС with separators, a phone with brackets, trailing spaces
  sheetRow({ surname: 'Петрова Анна Сергеевна', sex: 'ж', birthDate: '15.03.1985', snils: '112-233-445 95', phone: '8 (912) 345-67-89', position: 'Учитель математики  ', category: 'Работник' }),
  // 3: a bad СНИЛС checksum; a serial date; a phone with +7 and spaces
  sheetRow({ surname: 'Сидоров', name: 'Иван', patronymic: 'Петрович', sex: 'М', birthDate: 31107, snils: '112-233-445 96', phone: '+7 912 3456789', category: 'Работник' }),
  // 4: blank
  sheetRow({}),
  // 5: ё, a typed date, a phone without separators, the category in lower case
  sheetRow({ surname: 'Фёдоров', name: 'Алексей', patronymic: 'Ильич', birthDate: '01.02.1990', phone: '89123456780', email: 'fedorov@example.org', category: 'работник' }),
  // 6: the same person written with е, an ISO text date: a duplicate of row 5
  sheetRow({ surname: 'Федоров', name: 'Алексей', patronymic: 'Ильич', birthDate: '1990-02-01', category: 'Работник' }),
  // 7: an impossible date and a broken phone
  sheetRow({ surname: 'Кузнецова', name: 'Ольга', birthDate: '31.02.1980', phone: '12345', category: 'Работник' }),
  // 8: younger than 14 and no category
  sheetRow({ surname: 'Смирнов', name: 'Павел', patronymic: 'Андреевич', birthDate: '05.05.2015' }),
  // 9: another name but the СНИЛС of row 2 (written without separators): a duplicate by СНИЛС
  sheetRow({ surname: 'Иванова', name: 'Мария', patronymic: 'Сергеевна', birthDate: '20.07.1975', snils: '11223344595', category: 'Работник' }),
  // 10: the full name in one cell, a serial date, a phone with +7 (…)
  sheetRow({ surname: 'Орлова  Елена Викторовна', birthDate: 25000, phone: '+7 (903) 111-22-33', category: 'Неработающий пенсионер' }),
  // 11: a consent with its date
  sheetRow({ surname: 'Лебедев', name: 'Игорь', patronymic: 'Олегович', birthDate: '10.10.1970', category: 'Работник', consentUnion: 'Дано', consentUnionDate: '01.03.2021' }),
];
/** Cells that were text in the HR file (not converted to dates by Excel). */
const TEXT_CELLS = [
  { row: 2, col: col('birthDate'), value: '15.03.1985' },
  { row: 6, col: col('birthDate'), value: '1990-02-01' },
  { row: 7, col: col('birthDate'), value: '31.02.1980' },
  { row: 8, col: col('birthDate'), value: '05.05.2015' },
];

/** Problems «Проверить» must find: row, column header. */
const EXPECTED_ISSUES: [number, string][] = [
  [3, 'СНИЛС'],
  [6, 'Фамилия'],
  [7, 'Дата рождения'],
  [7, 'Телефон'],
  [8, 'Дата рождения'],
  [8, 'Категория'],
  [9, 'СНИЛС'],
];

async function memberIds(server: RunningServer): Promise<Set<string>> {
  const [rows] = (await server.test.ctx.db.sequelize.query(`SELECT id FROM members WHERE primary_org_id = ${server.test.demo.orgIds.school}`)) as [{ id: string }[], unknown];
  return new Set(rows.map((r) => String(r.id)));
}


describeBrowser('task pane in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: (page, base) => routeOffice(page, base) });

  /** The school chair signed in, the member sheet created, the first three messy rows pasted. */
  const schoolSheetWithThreeRows = async () => {
    await signIn('school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, MESSY.slice(0, 3), TEXT_CELLS.slice(0, 1));
  };

  it('a chair signs in, checks a messy list, pushes it, and the sheet and the database agree', async () => {
    const school = DEMO_LOGINS.find((l) => l.login === 'school')!;
    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await s.page.fill('[data-test=login]', school.login);
    await s.page.fill('[data-test=password]', 'wrong-password-1');
    s.watch.expectHttpError(401, /\/api\/v1\/auth\/login$/);
    await s.page.click('[data-test=sign-in]');
    await s.page.getByText('Неверный логин или пароль').waitFor();
    await screenshot(s.page, '01-sign-in-wrong-password');

    await s.page.fill('[data-test=password]', school.password);
    await s.page.click('[data-test=sign-in]');
    await s.page.locator('[data-view=members]').waitFor();
    expect(await s.page.textContent('[data-test=current-org]')).toContain('Средняя школа № 1');
    await screenshot(s.page, '02-home');

    // Create the sheet.
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    const table = await fake<{ headers: string[]; sheetName: string }>(s.page, `x.table('${TABLE}')`);
    expect(table.sheetName).toBe(SHEET);
    expect(table.headers).toEqual([...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, 'Ключ строки']);
    await screenshot(s.page, '03-sheet-created');

    // Paste the messy list and check it.
    await pasteRows(s.page, MESSY, TEXT_CELLS);
    await s.page.click('[data-test=check]');
    await s.page.locator('[data-test=check-result]').waitFor();
    const checkTitle = await s.page.textContent('[data-test=check-result]');
    expect(checkTitle).toMatch(/Найдены ошибки: 7 в 5 строках из 9/);
    const lines = await s.page.locator('[data-test=issues] [data-test=issue]').allTextContents();
    expect(lines).toHaveLength(EXPECTED_ISSUES.length);
    EXPECTED_ISSUES.forEach(([row, header], i) => expect(lines[i]).toContain(`Строка ${row}, «${header}»`));
    // Each line says what to do, not only what is wrong.
    expect(lines.join('\n')).toMatch(/Строка 6, «Фамилия»этот человек уже записан в строке 5/);
    expect(lines.join('\n')).toMatch(/Строка 9, «СНИЛС»этот человек уже записан в строке 2 \(тот же СНИЛС\)/);
    await screenshot(s.page, '04-check-errors');
    // The narrowest task pane (320 px): nothing may stick out sideways.
    await s.page.setViewportSize({ width: 320, height: 900 });
    expect(await s.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await screenshot(s.page, '04b-check-errors-320px');
    await s.page.setViewportSize({ width: 360, height: 900 });

    // The same problems are marked in the sheet: red cells with notes, «Ошибка: …» in «Результат».
    const marks = await fake<{ fill: string | null; note: string | undefined }[]>(
      s.page,
      `[${EXPECTED_ISSUES.map(([row, header]) => `'${letter(MEMBER_COLUMNS.findIndex((c) => c.header === header))}${row}'`).join(',')}].map((a) => ({ fill: x.sheet('${SHEET}').fill(a), note: x.sheet('${SHEET}').note(a) }))`,
    );
    for (const m of marks) {
      expect(m.fill).toBe('#FFC7CE');
      expect(m.note).toMatch(/^⚠ /);
    }
    const resultsAfterCheck = await fake<string[]>(s.page, `x.sheet('${SHEET}').values('${letter(RESULT_COL)}2:${letter(RESULT_COL)}11').map((r) => String(r[0]))`);
    expect(resultsAfterCheck.map((s) => s.startsWith('Ошибка'))).toEqual([false, true, false, false, true, true, true, true, false, false]);
    expect(await fake<string | null>(s.page, `x.sheet('${SHEET}').fill('A2')`)).toBeNull();

    // A click on an error takes Excel to the cell.
    await s.page.locator('[data-test=issue]').nth(2).click();
    expect(await eventually(() => fake<string>(s.page, 'x.selectionAddress'), (a) => a.endsWith('7'))).toBe(`'${SHEET}'!${letter(col('birthDate'))}7`);

    // Push without fixing anything; slow the server down a little to see the progress bar.
    const membersBefore = await memberIds(s.server);
    let releaseSync!: () => void;
    const syncGate = new Promise<void>((r) => (releaseSync = r));
    await s.page.route('**/api/v1/organisations/*/members/sync', async (route) => {
      await syncGate;
      await route.continue();
    });
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=activity] [data-test=progress]').waitFor();
    expect(await s.page.textContent('[data-test=activity]')).toMatch(/Отправка в реестр.*Отправлено 0 из 9 строк/s);
    await screenshot(s.page, '05-push-progress');
    releaseSync();
    await s.page.locator('[data-test=push-result]').waitFor();
    await s.page.unroute('**/api/v1/organisations/*/members/sync');
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Реестр принял 4 строки; 5 строк не приняты/);
    const counts = await s.page.locator('[data-test=push-counts] [data-outcome]').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-outcome'), Number((e.querySelector('dd')?.textContent ?? '').replace(/\s/g, ''))])),
    );
    expect(counts).toEqual({ created: 4, updated: 0, unchanged: 0, error: 5, conflict: 0 });
    const pushLines = await s.page.locator('[data-test=issues] [data-test=issue]').allTextContents();
    expect(pushLines.some((l) => l.startsWith('Строка 3, «СНИЛС»'))).toBe(true);
    expect(pushLines.some((l) => l.startsWith('Строка 7, «Дата рождения»'))).toBe(true);
    expect(pushLines.some((l) => /^Строка 6, «Фамилия».*строку 5/.test(l))).toBe(true);
    await screenshot(s.page, '06-push-result');

    // The sheet: ids and versions of accepted rows in the hidden columns, the outcome of each row.
    const body = await fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);
    const byRow = (row: number) => body[row - 2];
    for (const row of [2, 5, 10, 11]) {
      expect(byRow(row)[col('id')]).toMatch(/^[0-9a-f-]{36}$/);
      expect(byRow(row)[col('version')]).toBe(1);
      expect(byRow(row)[RESULT_COL]).toBe('Добавлен');
    }
    for (const row of [3, 6, 7, 8, 9]) {
      expect(byRow(row)[col('id')]).toBe('');
      expect(String(byRow(row)[RESULT_COL])).toMatch(/^Ошибка: /);
    }
    expect(byRow(4).every((v) => v === '')).toBe(true);
    expect(await fake<boolean>(s.page, `x.sheet('${SHEET}').isColumnHidden(${col('id')}) && x.sheet('${SHEET}').isColumnHidden(${col('version')})`)).toBe(true);

    // The database: exactly the four accepted people were added, normalised, in the school.
    const [all] = (await s.server.test.ctx.db.sequelize.query(
      `SELECT id, surname, name, patronymic, birth_date, snils, phone, category, consent_union, consent_union_date, version FROM members WHERE primary_org_id = ${s.server.test.demo.orgIds.school} ORDER BY surname`,
    )) as [Record<string, unknown>[], unknown];
    const members = all.filter((m) => !membersBefore.has(String(m.id)));
    expect(all.length - membersBefore.size).toBe(4);
    expect(members.map((m) => `${m.surname} ${m.name} ${m.patronymic ?? ''}`.trim())).toEqual(['Лебедев Игорь Олегович', 'Орлова Елена Викторовна', 'Петрова Анна Сергеевна', 'Фёдоров Алексей Ильич']);
    const petrova = members.find((m) => m.surname === 'Петрова')!;
    expect(petrova).toMatchObject({ snils: '11223344595', phone: '+79123456789', category: 'employee', version: 1 });
    expect(String(petrova.birth_date)).toMatch(/^1985-03-15/);
    expect(members.find((m) => m.surname === 'Лебедев')).toMatchObject({ consent_union: 'given' });
    const ids = new Set(members.map((m) => String(m.id)));
    for (const row of [2, 5, 10, 11]) expect(ids.has(String(byRow(row)[col('id')]))).toBe(true);

    // «Отменить последнюю отправку»: the four are gone from the registry; their rows are new again.
    await s.page.click('[data-test=revert]');
    await s.page.locator('[data-test=revert-confirm]').waitFor();
    await s.page.click('[data-test=confirm-revert]');
    await s.page.locator('[data-test=revert-result]').waitFor();
    expect(await s.page.textContent('[data-test=revert-result]')).toMatch(/Удалено из реестра: 4/);
    expect((await memberIds(s.server)).size).toBe(membersBefore.size);
    const afterRevert = await fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);
    for (const row of [2, 5, 10, 11]) {
      expect(afterRevert[row - 2][col('id')]).toBe('');
      expect(String(afterRevert[row - 2][RESULT_COL])).toMatch(/^Отправка отменена/);
    }
    expect(await s.page.isDisabled('[data-test=revert]')).toBe(true);
    await screenshot(s.page, '06b-push-reverted');

    // «Загрузить из реестра» would replace rows the registry does not have: the pane asks first.
    await s.page.click('[data-test=pull]');
    await s.page.locator('[data-test=pull-confirm]').waitFor();
    expect(await s.page.textContent('[data-test=pull-confirm]')).toMatch(/9 строк добавлено или изменено после последней отправки/);
    await screenshot(s.page, '06c-pull-confirm');
    await s.page.click('[data-test=confirm-pull]');
    await s.page.locator('[data-test=pull-result]').waitFor();
    const pulled = await fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);
    expect(pulled).toHaveLength(membersBefore.size);
    expect(new Set(pulled.map((r) => String(r[col('id')])))).toEqual(membersBefore);
    expect(await s.page.textContent('[data-test=pull-result]')).toContain(`Загружено из реестра: ${formatCount(membersBefore.size)} член`);
  });

  const signIn = (login: string) => signInAs(s.page, s.server.base, login);

  /** The school's chair with `n` invented people pasted on a new member sheet; the register before. */
  async function sheetWithInventedPeople(n: number, seed: number, snilsFrom: number): Promise<{ before: Set<string>; batchesBefore: number }> {
    const people = peopleAsSheetRows(inventPeople(n, { seed, snilsFrom, year: 2026 }));
    const grid = people.map((p) => [...MEMBER_COLUMNS.map((c) => String((p as Record<string, unknown>)[c.key] ?? '')), '']);
    await signIn('school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, grid);
    return { before: await memberIds(s.server), batchesBefore: await schoolBatches() };
  }

  async function schoolBatches(): Promise<number> {
    const [[{ n }]] = (await s.server.test.ctx.db.sequelize.query(`SELECT COUNT(*) AS n FROM member_batches WHERE org_id = ${s.server.test.demo.orgIds.school}`)) as [{ n: number }[], unknown];
    return Number(n);
  }

  /** СНИЛС registered twice in the school (the count of such numbers). */
  async function duplicateSnils(): Promise<number> {
    const [[dup]] = (await s.server.test.ctx.db.sequelize.query(
      `SELECT COUNT(*) AS n FROM (SELECT snils FROM members WHERE primary_org_id = ${s.server.test.demo.orgIds.school} AND snils IS NOT NULL GROUP BY snils HAVING COUNT(*) > 1) d`,
    )) as [{ n: number }[], unknown];
    return Number(dup.n);
  }

  it('without a connection the sign-in says so and offers «Повторить», which then signs in', async () => {
    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await s.page.route('**/api/v1/auth/login', (route) => route.abort('internetdisconnected'));
    s.watch.expectNetworkError(/\/auth\/login$/);
    s.watch.expectNetworkError(/\/auth\/login$/);
    await s.page.fill('[data-test=login]', 'school');
    await s.page.fill('[data-test=password]', DEMO_LOGINS.find((x) => x.login === 'school')!.password);
    await s.page.click('[data-test=sign-in]');
    await s.page.locator('[data-test=sign-in-error]').waitFor();
    expect(await s.page.textContent('[data-test=sign-in-error]')).toMatch(/Нет связи с сервером реестра/);
    await screenshot(s.page, '01b-sign-in-no-connection');
    await s.page.unroute('**/api/v1/auth/login');
    await s.page.click('[data-test=sign-in-error] [data-test=retry]');
    await s.page.locator('[data-view=members]').waitFor();
  });

  it('the passport: completeness per tab, the form on the sheet, a bad ИНН refused at its cell, then saved', async () => {
    await signIn('school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=tab-passport]');
    await s.page.locator('[data-test=passport-completeness] [data-tab]').first().waitFor();
    const tabs = await s.page.locator('[data-test=passport-completeness] [data-tab]').allTextContents();
    expect(tabs.map((t) => t.split(/\d/)[0])).toEqual(['ИНПО', 'Регистрация', 'Организация', 'Адреса и телефоны']);
    await s.page.click('[data-test=passport-show]');
    await s.page.locator('[data-test=passport-shown]').waitFor();
    const form = await fake<unknown[][]>(s.page, `x.sheet('Паспорт ППО').values('A1:C25')`);
    const rowOf = (key: string) => form.findIndex((r) => r[0] === key) + 1;
    expect(form[rowOf('inn') - 1][2]).toBe('7830002293');
    await screenshot(s.page, '07-passport');

    // The chair breaks the ИНН and empties the e-mail: refused before sending, marked at the cells.
    await s.page.evaluate(`window.__fakeHost.excel.sheet('Паспорт ППО').setValues('C${rowOf('inn')}', [['7830002294']])`);
    await s.page.click('[data-test=passport-save]');
    await s.page.locator('[data-test=passport-errors]').waitFor();
    const lines = await s.page.locator('[data-test=issues] [data-test=issue]').allTextContents();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^«ИНН»/);
    expect(await fake<string | null>(s.page, `x.sheet('Паспорт ППО').fill('C${rowOf('inn')}')`)).toBe('#FFC7CE');
    expect(String((await fake<unknown[][]>(s.page, `x.sheet('Паспорт ППО').values('D${rowOf('inn')}')`))[0][0])).toMatch(/ИНН/);
    await screenshot(s.page, '08-passport-error');
    await s.page.locator('[data-test=issue]').first().click();
    expect(await eventually(() => fake<string>(s.page, 'x.selectionAddress'), (a) => a.includes(`C${rowOf('inn')}`))).toBe(`'Паспорт ППО'!C${rowOf('inn')}`);

    // Fixed and saved: the registry has it, the mark is gone.
    await s.page.evaluate(`window.__fakeHost.excel.sheet('Паспорт ППО').setValues('C${rowOf('inn')}', [['7830002293']])`);
    await s.page.evaluate(`window.__fakeHost.excel.sheet('Паспорт ППО').setValues('C${rowOf('chairPosition')}', [['Учитель истории']])`);
    await s.page.click('[data-test=passport-save]');
    await s.page.locator('[data-test=passport-saved]').waitFor();
    expect(await fake<string | null>(s.page, `x.sheet('Паспорт ППО').fill('C${rowOf('inn')}')`)).toBeNull();
    const [[saved]] = (await s.server.test.ctx.db.sequelize.query(`SELECT chair_position FROM passports WHERE org_id = ${s.server.test.demo.orgIds.school}`)) as [Record<string, unknown>[], unknown];
    expect(saved.chair_position).toBe('Учитель истории');
  });

  it('the structure: add a профбюро and a профгруппа in it, rename, close, and list them on a sheet', async () => {
    await signIn('school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=tab-structure]');
    await s.page.locator('[data-test=units]').waitFor();
    await s.page.selectOption('[data-test=unit-kind]', 'subdivision');
    await s.page.fill('[data-test=unit-name]', 'Начальная школа');
    await s.page.click('[data-test=unit-add]');
    await s.page.locator('[data-test=unit-added]').waitFor();
    await s.page.selectOption('[data-test=unit-kind]', 'group');
    await s.page.selectOption('[data-test=unit-parent]', { label: '— Начальная школа' });
    await s.page.fill('[data-test=unit-name]', '1-е классы');
    await s.page.click('[data-test=unit-add]');
    await s.page.getByText('Добавлено: Профгруппа «1-е классы»').waitFor();
    // The same name twice is refused next to the field.
    await s.page.selectOption('[data-test=unit-kind]', 'subdivision');
    expect(await s.page.inputValue('[data-test=unit-parent]')).toBe(String(s.server.test.demo.orgIds.school));
    await s.page.fill('[data-test=unit-name]', 'Начальная школа');
    s.watch.expectHttpError(409, /\/children$/);
    await s.page.click('[data-test=unit-add]');
    await s.page.getByText('уже есть подразделение «Начальная школа»').waitFor();
    const units = await s.page.locator('[data-test=units] .list-item strong').allTextContents();
    expect(units).toEqual(['Начальная школа', '1-е классы']);
    await screenshot(s.page, '09-structure');

    const group = s.page.locator('[data-test=units] .list-item', { hasText: '1-е классы' });
    await group.locator('[data-test=unit-rename]').click();
    await s.page.fill('[data-test=unit-new-name]', '1-е и 2-е классы');
    await s.page.click('[data-test=unit-rename-save]');
    await s.page.locator('[data-test=unit-renamed]').waitFor();
    await s.page.locator('[data-test=units] .list-item', { hasText: '1-е и 2-е классы' }).locator('[data-test=unit-close]').click();
    await s.page.click('[data-test=unit-close-confirm]');
    await s.page.locator('[data-test=unit-closed]').waitFor();
    expect(await s.page.locator('[data-test=units] .list-item strong').allTextContents()).toEqual(['Начальная школа']);

    await s.page.click('[data-test=structure-sheet]');
    await s.page.locator('[data-test=structure-sheet-result]').waitFor();
    await s.page.getByText('Структура на листе «Структура»').waitFor();
    const body = await fake<string[][]>(s.page, `x.table('СтруктураППО').bodyValues()`);
    expect(body.map((r) => r.slice(0, 4))).toEqual([['', 'Профбюро', 'Начальная школа', 'Действует'], ['Начальная школа', 'Профгруппа', '1-е и 2-е классы', 'Закрыто']]);
  });

  it('without a recorded obligation the personal-data actions are closed, with the reason', async () => {
    await signIn('kindergarten');
    await s.page.locator('[data-view=members]').waitFor();
    expect(await s.page.textContent('[data-test=banner-obligation]')).toMatch(/обязательство о неразглашении/i);
    for (const t of ['pull', 'dry-run', 'push', 'revert']) expect(await s.page.isDisabled(`[data-test=${t}]`)).toBe(true);
    expect(await s.page.isDisabled('[data-test=check]')).toBe(false);
    expect(await s.page.isDisabled('[data-test=create-sheet]')).toBe(false);
    await screenshot(s.page, '10-obligation-banner');
  });

  it('an obligation withdrawn while the chair works: the action is refused with the reason, the banner appears, the tabs still work', async () => {
    await schoolSheetWithThreeRows();
    const db = s.server.test.ctx.db;
    const school = (await db.models.User.findOne({ where: { login: 'school' } }))!;
    const recordedAt = school.get('obligationRecordedAt');
    await school.update({ obligationRecordedAt: null });
    try {
      s.watch.expectHttpError(403, /\/members\/sync$/);
      await s.page.click('[data-test=dry-run]');
      await s.page.locator('[data-test=banner-obligation]').waitFor();
      await s.page.locator('[data-test=failure]').waitFor();
      expect(await s.page.textContent('[data-test=failure]')).toMatch(/обязательств/i);
      // The tabs drawn during the action are usable once it is over.
      expect(await s.page.isDisabled('[data-test=tab-passport]')).toBe(false);
      await s.page.click('[data-test=tab-passport]');
      await s.page.locator('[data-view=passport]').waitFor();
    } finally {
      await school.update({ obligationRecordedAt: recordedAt });
    }
  });

  it('a territorial chair walks down to a primary organisation', async () => {
    await signIn('territory');
    await s.page.locator('[data-view=organisations]').waitFor();
    await s.page.locator('[data-test=org-list] [data-test^=org-]').first().waitFor();
    const names = await s.page.locator('[data-test=org-list] strong').allTextContents();
    expect(names).toEqual(expect.arrayContaining(['ППО МБОУ «Средняя школа № 1»', 'ППО МБДОУ «Детский сад № 5 «Солнышко»']));
    await screenshot(s.page, '11-choose-organisation');
    await s.page.locator('[data-test=org-list] li', { hasText: 'Средняя школа № 1' }).locator('[data-test=choose]').click();
    await s.page.locator('[data-view=members]').waitFor();
    expect(await s.page.textContent('[data-test=current-org]')).toContain('Средняя школа № 1');
    expect(await s.page.isVisible('[data-test=change-org]')).toBe(true);
  });

  it('an expired session brings the sign-in back over the pane; «Повторить» then finishes the action', async () => {
    await schoolSheetWithThreeRows();
    s.server.test.clock.advanceMinutes(8 * 60 + 1); // past the token's lifetime
    s.watch.expectHttpError(401, /\/members\/sync$/);
    await s.page.click('[data-test=dry-run]');
    await s.page.locator('[data-test=session-expired]').waitFor();
    expect(await s.page.textContent('[data-test=session-expired]')).toMatch(/Сеанс истёк/);
    expect(await s.page.inputValue('[data-test=session-expired] [data-test=login]')).toBe('school');
    await screenshot(s.page, '12-session-expired');
    await s.page.fill('[data-test=session-expired] [data-test=password]', DEMO_LOGINS.find((x) => x.login === 'school')!.password);
    await s.page.click('[data-test=session-expired] [data-test=sign-in]');
    await s.page.locator('[data-test=session-expired]').waitFor({ state: 'detached' });
    // The view and the sheet are as they were; the failed action waits for «Повторить».
    await s.page.click('[data-test=failure] [data-test=retry]');
    await s.page.locator('[data-test=dry-run-result]').waitFor();
    expect(await s.page.textContent('[data-test=dry-run-result]')).toMatch(/Сервер проверил 2 строки/);
  });

  it('a server error on a push: a clear message with «Повторить»; the retry finishes the push and nobody is added twice', async () => {
    const { before, batchesBefore } = await sheetWithInventedPeople(3, 5151, 500_000);

    // The first push request reaches the server, which does the work; the pane gets a 500 in the
    // server's own problem+json (server/http/problem.ts) instead of the answer — the worst case for
    // duplicates. A 500 is not retried automatically: the chair decides.
    const bodies: string[] = [];
    await s.page.route('**/api/v1/organisations/*/members/sync', async (route) => {
      bodies.push(route.request().postData() ?? '');
      if (bodies.length === 1) {
        await route.fetch();
        await route.fulfill({
          status: 500,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: '/problems/internal',
            title: 'Внутренняя ошибка сервера',
            status: 500,
            detail: 'Внутренняя ошибка сервера. Попробуйте ещё раз; если ошибка повторится, сообщите администратору реестра время ошибки.',
          }),
        });
        return;
      }
      await route.continue();
    });
    s.watch.expectHttpError(500, /\/members\/sync$/);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=failure]').waitFor();
    const failure = await s.page.textContent('[data-test=failure]');
    expect(failure).toMatch(/Отправка в реестр: не выполнено/);
    expect(failure).toMatch(/Внутренняя ошибка сервера\. Попробуйте ещё раз; если ошибка повторится, сообщите администратору реестра время ошибки\./);
    expect(failure).not.toMatch(/Internal Server Error|\b500\b|undefined/);
    expect((await s.page.textContent('[data-test=failure] [data-test=retry]'))?.trim()).toBe('Повторить');
    expect(bodies).toHaveLength(1);
    // The sheet is as it was: the pane never heard an answer, so no ids were written.
    const idsBefore = await fake<string[]>(s.page, `x.table('${TABLE}').bodyValues().map((r) => String(r[${col('id')}]))`);
    expect(idsBefore).toEqual(['', '', '']);
    await screenshot(s.page, '12b-push-server-error');

    await s.page.click('[data-test=failure] [data-test=retry]');
    await s.page.locator('[data-test=push-result]').waitFor();
    await s.page.unroute('**/api/v1/organisations/*/members/sync');
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Готово: реестр принял 3 строки/);
    expect(await s.page.isVisible('[data-test=failure]')).toBe(false);
    // «Повторить» sent the same chunk with the same idempotency key: the server answered from its record.
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);

    // The database: the three people once each, in one batch; the sheet carries their ids.
    const after = await memberIds(s.server);
    expect(after.size - before.size).toBe(3);
    expect((await schoolBatches()) - batchesBefore).toBe(1);
    expect(await duplicateSnils()).toBe(0);
    const body = await fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);
    expect(body.map((r) => r[RESULT_COL])).toEqual(['Добавлен', 'Добавлен', 'Добавлен']);
    const ids = body.map((r) => String(r[col('id')]));
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => after.has(id) && !before.has(id))).toBe(true);
    await screenshot(s.page, '12c-push-after-retry');
  });

  it('a long list goes in chunks with a moving bar; a chunk whose answer is lost is retried with the same key and nothing is doubled', async () => {
    const N = 2_500;
    const { before, batchesBefore } = await sheetWithInventedPeople(N, 4242, 300_000);

    // Request 1: the server does the work, the answer is lost (connection reset). Request 2: the
    // client's automatic retry of the same chunk. Request 3: the next chunk, held until the
    // screenshot of the half-full bar is taken.
    const bodies: string[] = [];
    let releaseThird!: () => void;
    const third = new Promise<void>((r) => (releaseThird = r));
    await s.page.route('**/api/v1/organisations/*/members/sync', async (route) => {
      bodies.push(route.request().postData() ?? '');
      const n = bodies.length;
      if (n === 1) {
        await route.fetch();
        await route.abort('connectionreset');
        return;
      }
      if (n === 3) await third;
      await route.continue();
    });
    s.watch.expectNetworkError(/\/members\/sync$/);
    await s.page.click('[data-test=push]');
    const caption = await eventually(
      () => s.page.locator('[data-test=activity] .progress-caption').textContent().catch(() => ''),
      (t) => /Отправлено [1-9]/.test(t ?? ''),
      150,
    );
    expect(caption).toMatch(/^Отправлено \d[\d\u202f]* из 2\u202f500 строк$/);
    await screenshot(s.page, '13-push-chunks-progress');
    releaseThird();
    await s.page.locator('[data-test=push-result]').waitFor({ timeout: 60_000 });
    await s.page.unroute('**/api/v1/organisations/*/members/sync');
    expect(await s.page.textContent('[data-test=push-result]')).toContain('Готово: реестр принял 2\u202f500 строк');

    // The retry carried the identical body (same idempotency key); there were two chunks.
    expect(bodies).toHaveLength(3);
    expect(bodies[1]).toBe(bodies[0]);
    const keys = bodies.map((b) => (JSON.parse(b) as { idempotencyKey: string }).idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);

    // The database: exactly N new members, no СНИЛС twice, two batches (one per chunk).
    const after = await memberIds(s.server);
    expect(after.size - before.size).toBe(N);
    expect(await duplicateSnils()).toBe(0);
    expect((await schoolBatches()) - batchesBefore).toBe(2);
    const ids = await fake<string[]>(s.page, `x.table('${TABLE}').bodyValues().map((r) => String(r[${col('id')}]))`);
    expect(new Set(ids).size).toBe(N);
    expect(ids.every((id) => after.has(id) && !before.has(id))).toBe(true);
    await screenshot(s.page, '14-push-chunks-done');
  });

  it('the first sign-in with a one-time password asks for a new password before anything else', async () => {
    const token = await s.server.test.token('territory');
    const res = await request(s.server.test.app)
      .post(`/api/v1/organisations/${s.server.test.demo.orgIds.kindergarten}/accounts`)
      .set('Authorization', `Bearer ${token}`)
      .send({ fullName: 'Новикова Ольга Петровна' });
    expect(res.status).toBe(201);
    const { login } = res.body.account as { login: string };
    const oneTime = res.body.oneTimePassword as string;

    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await s.page.fill('[data-test=login]', login);
    await s.page.fill('[data-test=password]', oneTime);
    await s.page.click('[data-test=sign-in]');
    await s.page.locator('[data-view=password]').waitFor();
    expect(await s.page.textContent('[data-test=banner-password]')).toMatch(/Смените временный пароль/);
    expect(await s.page.isVisible('[data-test=tab-members]')).toBe(false);
    await s.page.fill('[data-test=old-password]', oneTime);
    await s.page.fill('[data-test=new-password]', 'короткий');
    await s.page.fill('[data-test=new-password-again]', 'короткий');
    await s.page.click('[data-test=change-password]');
    await s.page.getByText('Пароль должен быть не короче 10 символов.').waitFor();
    await screenshot(s.page, '15-first-sign-in-password');
    await s.page.fill('[data-test=new-password]', 'Весна-2027-сад');
    await s.page.fill('[data-test=new-password-again]', 'Весна-2027-сад');
    await s.page.click('[data-test=change-password]');
    await s.page.locator('[data-view=members]').waitFor();
    expect(await s.page.isVisible('[data-test=banner-password]')).toBe(false);
    expect(await s.page.isVisible('[data-test=banner-obligation]')).toBe(true);

    await s.page.click('[data-test=tab-help]');
    await s.page.locator('[data-view=help] details').first().waitFor();
    expect(await s.page.locator('[data-view=help] summary').allTextContents()).toEqual(expect.arrayContaining(['Вход и пароль', 'Паспорт ППО', 'Постановка на учёт: список членов', 'Согласия (шаг 5)', 'Электронные профсоюзные билеты (шаги 6 и 7)', 'Ход внедрения', 'Если что-то пошло не так']));
    await screenshot(s.page, '16-help');
    await s.page.click('[data-test=mark-training]');
    await s.page.locator('[data-test=training-done]').waitFor();
    const [[user]] = (await s.server.test.ctx.db.sequelize.query(`SELECT training_completed_at FROM users WHERE login = '${login}'`)) as [Record<string, unknown>[], unknown];
    expect(user.training_completed_at).not.toBeNull();
  });

  it('when Office.js cannot be loaded (no access to Microsoft\'s CDN) the pane says what to do', async () => {
    await s.page.unroute(OFFICE_JS_URL);
    await s.page.route(OFFICE_JS_URL, (route) => route.abort('internetdisconnected'));
    s.watch.expectNetworkError(/appsforoffice\.microsoft\.com/);
    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('.fatal').waitFor();
    expect(await s.page.textContent('.fatal')).toMatch(/Не удалось загрузить библиотеку Office\. Проверьте подключение к интернету/);
  });

  it('outside Excel (the page opened in a browser) the pane explains where it works', async () => {
    await s.page.addInitScript(() => {
      (window as unknown as { __officeHost?: string }).__officeHost = 'Word';
    });
    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('.fatal').waitFor();
    expect(await s.page.textContent('.fatal')).toMatch(/работает внутри Excel/);
  });
});
