/**
 * The upload page (/upload.html, built into dist/) in headless Chromium against the real registry
 * server: a chair without the add-in signs in, downloads the template, checks and uploads a CSV, and
 * downloads the annotated workbook; a district chair drills down to a school; a first sign-in changes
 * the one-time password; an expired session returns to the sign-in form. The server's CSP applies:
 * any console error (a blocked inline script among them) fails the test.
 * Screenshots: artifacts/screenshots/upload-*.png.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { DEMO_LOGINS } from '../../server/services/demo-seed';
import { browserSuite, chromiumOrSkip, screenshot } from './harness';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const CSV = ['Фамилия;Имя;Дата рождения;Категория;Телефон', 'Страничкина;Анна;01.02.1985;Работник;8 (912) 345-67-89', ';;;;', 'Страничкин;Борис;31.02.1980;Работник;'].join('\r\n');

describeBrowser('upload page in Chromium (real server)', () => {
  const s = browserSuite(chromium!, { viewport: { width: 1000, height: 1100 } });

  const members = async (orgId: number) => {
    const [[row]] = (await s.server.test.ctx.db.sequelize.query(`SELECT COUNT(*) AS n FROM members WHERE primary_org_id = ${orgId}`)) as [{ n: number | string }[], unknown];
    return Number(row.n);
  };

  async function signIn(login: string, password: string): Promise<void> {
    await s.page.fill('#login', login);
    await s.page.fill('#password', password);
    await s.page.click('#sign-in-button');
  }

  async function downloaded(click: () => Promise<void>): Promise<{ name: string; body: Buffer }> {
    const [download] = await Promise.all([s.page.waitForEvent('download'), click()]);
    return { name: download.suggestedFilename(), body: fs.readFileSync((await download.path())!) };
  }

  it('a chair signs in, downloads the template, checks and uploads a CSV, and downloads the annotated workbook', async () => {
    const school = DEMO_LOGINS.find((l) => l.login === 'school')!;
    const schoolId = s.server.test.demo.orgIds.school;
    await s.page.goto(`${s.server.base}/`);
    expect(new URL(s.page.url()).pathname).toBe('/upload.html');
    await s.page.locator('#sign-in-form').waitFor();

    s.watch.expectHttpError(401, /\/api\/v1\/auth\/login$/);
    await signIn(school.login, 'wrong-password-1');
    await s.page.getByText('Неверный логин или пароль').waitFor();
    await screenshot(s.page, 'upload-01-sign-in-wrong-password');
    await signIn(school.login, school.password);
    await s.page.locator('#work').waitFor();
    expect(await s.page.textContent('#who')).toContain('Иванова Мария Сергеевна (school)');
    expect(await s.page.textContent('#org-current')).toBe('Список организации «ППО МБОУ «Средняя школа № 1»».');
    expect(await s.page.isVisible('#obligation')).toBe(false);

    const template = await downloaded(() => s.page.click('#download-template'));
    expect(template.name).toBe('Шаблон списка членов Профсоюза.xlsx');
    const twb = new ExcelJS.Workbook();
    await twb.xlsx.load(template.body as unknown as ArrayBuffer);
    expect(twb.worksheets.map((w) => w.name)).toEqual(['Члены профсоюза', 'Списки', 'Инструкция']);

    // A file the server cannot read is refused in the page, with what to do.
    await s.page.setInputFiles('#file', { name: 'старый список.xls', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from('x') });
    await s.page.click('#check');
    await s.page.getByText('Файл в старом формате Excel 97–2003 (.xls)').waitFor();

    const before = await members(schoolId);
    await s.page.setInputFiles('#file', { name: 'список школы.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await s.page.click('#check');
    await s.page.locator('#result').waitFor();
    expect(await s.page.textContent('#result-title')).toBe('Проверка закончена: в 1 строке есть что исправить. В реестр ничего не записано.');
    expect(await s.page.locator('#result-table tr').allTextContents()).toEqual([
      'Строк с данными2', 'Будут добавлены1', 'Будут обновлены0', 'Без изменений0', 'С ошибками (не записаны)1', 'Конфликты (не записаны)0', 'Пустые строки (пропущены)1',
    ]);
    await screenshot(s.page, 'upload-02-checked');
    expect(await members(schoolId)).toBe(before);
    const checked = await downloaded(() => s.page.click('#result-link'));
    expect(checked.name).toBe('список школы — проверка.xlsx');

    await s.page.click('#upload');
    await s.page.getByText('Список загружен, кроме 1 строки с ошибками или конфликтами.').waitFor();
    await screenshot(s.page, 'upload-03-uploaded');
    expect(await members(schoolId)).toBe(before + 1);
    const result = await downloaded(() => s.page.click('#result-link'));
    expect(result.name).toBe('список школы — результат.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(result.body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Члены профсоюза')!;
    expect(ws.getCell('H1').value).toBe('Результат');
    expect(ws.getCell('H2').value).toBe('Добавлен');
    expect(String(ws.getCell('H4').value)).toMatch(/^Ошибка: Дата рождения: /);
    expect(String(ws.getCell('F2').value)).toMatch(/^[0-9a-f-]{36}$/);

    const exported = await downloaded(() => s.page.click('#download-export'));
    expect(exported.name).toMatch(/^Члены Профсоюза — ППО МБОУ «Средняя школа № 1» — \d\d\.\d\d\.\d{4}\.xlsx$/);

    await s.page.click('#sign-out');
    await s.page.getByText('Вы вышли.').waitFor();
    expect(await s.page.isVisible('#work')).toBe(false);
  });

  it('a district chair drills down to a school and checks a list there', async () => {
    const territory = DEMO_LOGINS.find((l) => l.login === 'territory')!;
    await s.page.goto(`${s.server.base}/upload.html`);
    await signIn(territory.login, territory.password);
    await s.page.locator('#org-choose').waitFor();
    expect(await s.page.textContent('#org-current')).toMatch(/^«Демонстрационная районная организация Профсоюза» \(территориальная \(местная\) организация\)\. Выберите первичную/);
    expect(await s.page.isDisabled('#check')).toBe(true);
    expect(await s.page.locator('#org-select option').allTextContents()).toEqual(expect.arrayContaining(['ППО МБОУ «Средняя школа № 1»', 'ППО МБДОУ «Детский сад № 5 «Солнышко»']));
    await s.page.selectOption('#org-select', String(s.server.test.demo.orgIds.school));
    await s.page.click('#org-open');
    await s.page.getByText('Список будет загружен в «ППО МБОУ «Средняя школа № 1»».').waitFor();
    expect(await s.page.isVisible('#org-back')).toBe(true);
    await s.page.setInputFiles('#file', { name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
    await s.page.click('#check');
    await s.page.locator('#result').waitFor();
    await screenshot(s.page, 'upload-04-district-checked');
    await s.page.click('#org-back');
    await s.page.locator('#org-choose').waitFor();
    expect(await s.page.isDisabled('#upload')).toBe(true);
  });

  it('the first sign-in with a one-time password asks for a new one; without the obligation the list stays closed', async () => {
    const token = await s.server.test.token('territory');
    const res = await request(s.server.test.app)
      .post(`/api/v1/organisations/${s.server.test.demo.orgIds.kindergarten}/accounts`)
      .set('Authorization', `Bearer ${token}`)
      .send({ fullName: 'Загрузкина Ольга Петровна' });
    expect(res.status).toBe(201);
    await s.page.goto(`${s.server.base}/upload.html`);
    await signIn(res.body.account.login as string, res.body.oneTimePassword as string);
    await s.page.locator('#change-password').waitFor();
    await s.page.fill('#new-password', 'Весна-2027-сад');
    await s.page.fill('#new-password-2', 'Весна-2027-сд');
    await s.page.click('#change-password-button');
    await s.page.getByText('Пароли не совпадают.').waitFor();
    s.watch.expectHttpError(400, /\/api\/v1\/auth\/password$/);
    await s.page.fill('#new-password', 'короткий');
    await s.page.fill('#new-password-2', 'короткий');
    await s.page.click('#change-password-button');
    await s.page.getByText('Пароль должен быть не короче 10 символов.').waitFor();
    await screenshot(s.page, 'upload-05-first-sign-in');
    await s.page.fill('#new-password', 'Весна-2027-сад');
    await s.page.fill('#new-password-2', 'Весна-2027-сад');
    await s.page.click('#change-password-button');
    await s.page.locator('#work').waitFor();
    await s.page.getByText('Пароль изменён.').waitFor();
    expect(await s.page.isVisible('#obligation')).toBe(true);
    expect(await s.page.isDisabled('#upload')).toBe(true);
    expect(await s.page.isVisible('#download-export')).toBe(false);
    await screenshot(s.page, 'upload-06-obligation');
  });

  it('an expired session returns to the sign-in form with a message', async () => {
    const school = DEMO_LOGINS.find((l) => l.login === 'school')!;
    await s.page.goto(`${s.server.base}/upload.html`);
    await signIn(school.login, school.password);
    await s.page.locator('#work').waitFor();
    s.server.test.clock.advanceMinutes(24 * 60);
    try {
      s.watch.expectHttpError(401, /\/members\/upload/);
      // Choosing the file already asks the server how it reads the list (the mapping step): the ended session shows there.
      await s.page.setInputFiles('#file', { name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
      await s.page.getByText('Сеанс закончился').waitFor();
      expect(await s.page.isVisible('#sign-in')).toBe(true);
    } finally {
      s.server.test.clock.advanceMinutes(-24 * 60);
    }
  });
});
