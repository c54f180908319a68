/**
 * «Председатели» in the built task pane (headless Chromium, fake Excel, the real server on a fresh
 * SQLite file): roadmap step 1 as a territorial chair does it. The kindergarten's chair, whose signed
 * obligation has not come back yet, is listed first with what is missing; the obligation is recorded;
 * a chair's obligation is printed to sign; an account is created for the chosen school with its login
 * letter (the .docx holds the login and the one-time password, which signs in once and must be
 * changed); a new password replaces the old one; an account switched off cannot sign in.
 * Screenshots: artifacts/screenshots/a-*.png.
 */
import JSZip from 'jszip';
import request from 'supertest';
import { browserSuite, chromiumOrSkip, screenshot } from './harness';
import { openedUrls, routeOfficeExtra, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

describeBrowser('«Председатели» in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });

  const db = async <T>(sql: string): Promise<T[]> => ((await s.server.test.ctx.db.sequelize.query(sql)) as [T[], unknown])[0];
  const local = (url: string) => `${s.server.base}${new URL(url).pathname}`;
  const login = (l: string, password: string) => request(s.server.test.app).post('/api/v1/auth/login').send({ login: l, password });
  const item = (l: string) => s.page.locator(`[data-test=accounts] li[data-login="${l}"]`);
  const lastOpened = async () => (await openedUrls(s.page)).at(-1)!;
  const docText = async (url: string) => {
    const res = await fetch(local(url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/wordprocessingml/);
    const xml = await (await JSZip.loadAsync(await res.arrayBuffer())).file('word/document.xml')!.async('string');
    return xml.replace(/<[^>]+>/g, '');
  };

  it('a territorial chair: obligations recorded and printed, an account with its login letter, a new password, an account switched off', async () => {
    await signIn(s.page, s.server.base, 'territory');
    await s.page.locator('[data-view=organisations]').waitFor();
    await s.page.click('[data-test=tab-accounts]');
    await s.page.locator('[data-test=accounts-summary-notice]').waitFor();
    expect(await s.page.textContent('[data-test=accounts-summary-notice]')).toMatch(/Обязательство не отмечено: 1\./);
    // The one who needs something comes first, and says what.
    expect(await s.page.locator('[data-test=accounts] li').first().getAttribute('data-login')).toBe('kindergarten');
    expect(await item('kindergarten').textContent()).toMatch(/обязательство о неразглашении не отмечено/);
    expect(await item('school').locator('[data-test=record-obligation]').count()).toBe(0);
    expect(await s.page.locator('[data-test=accounts] li[data-login="territory"]').count()).toBe(0);
    await screenshot(s.page, 'a-01-accounts');

    // The kindergarten chair's signed obligation came back.
    await s.page.fill('[data-test=obligation-date]', '2026-11-20');
    await item('kindergarten').locator('[data-test=record-obligation]').click();
    await s.page.locator('[data-test=obligation-recorded]').waitFor();
    expect(await s.page.textContent('[data-test=obligation-recorded]')).toMatch(/Обязательство отмечено: Фёдорова Анна Ивановна.*Подписано 20\.11\.2026/);
    const [kg] = await db<{ obligation_signed_at: string; obligation_recorded_by: number }>(`SELECT obligation_signed_at, obligation_recorded_by FROM users WHERE login = 'kindergarten'`);
    expect(String(kg.obligation_signed_at).slice(0, 10)).toBe('2026-11-20');
    expect(await item('kindergarten').textContent()).toMatch(/Обязательство подписано 20\.11\.2026/);
    expect(await s.page.textContent('[data-test=accounts-summary-notice]')).toMatch(/Обязательство не отмечено: 0\./);

    // The school chair's obligation, printed to sign.
    // Every row has the same buttons: a screen reader hears whose they are.
    expect(await item('school').locator('[data-test=print-obligation]').getAttribute('aria-label')).toBe('Обязательство для подписи: Иванова Мария Сергеевна');
    await item('school').locator('[data-test=print-obligation]').click();
    await s.page.locator('[data-test=obligation-printed]').waitFor();
    expect(await docText(await lastOpened())).toContain('Иванова Мария Сергеевна');

    // The letter says where to ask for help: the district has no contact yet, so the pane asks for it.
    await s.page.locator('[data-test=details-contact-missing]').waitFor();
    await s.page.fill('[data-test=details-contact]', '  +7 (843) 200-00-02,   rk@example.org ');
    await s.page.click('[data-test=save-details]');
    await s.page.locator('[data-test=details-saved]').waitFor();
    expect(await s.page.locator('[data-test=details-contact-missing]').count()).toBe(0);
    expect(await s.page.inputValue('[data-test=details-contact]')).toBe('+7 (843) 200-00-02, rk@example.org');

    // No organisation chosen yet: the form says where to choose one.
    await s.page.locator('[data-test=account-choose-org]').waitFor();
    await s.page.click('[data-test=choose-org-for-account]');
    await s.page.locator('[data-view=organisations] [data-test=org-list] [data-test^=org-]').first().waitFor();
    await s.page.locator('[data-test=org-list] li', { hasText: 'Средняя школа № 1' }).locator('[data-test=choose]').click();
    await s.page.locator('[data-test=tab-accounts]').click();
    await s.page.locator('[data-test=account-full-name]').waitFor();
    // With the school chosen, the list is the school's.
    await s.page.locator('[data-test=accounts-summary-notice]', { hasText: 'ППО МБОУ «Средняя школа № 1» и ниже' }).waitFor();
    expect(await s.page.locator('[data-test=accounts] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-login')))).toEqual(['school']);

    await s.page.fill('[data-test=account-full-name]', 'Ким');
    await s.page.click('[data-test=create-account]');
    expect(await s.page.locator('.field-error:not([hidden])').first().textContent()).toMatch(/фамилию, имя и отчество/);

    await s.page.fill('[data-test=account-full-name]', '  Петрова   Светлана Игоревна ');
    await s.page.click('[data-test=create-account]');
    await s.page.locator('[data-test=account-created]').waitFor();
    await screenshot(s.page, 'a-02-account-created');
    expect(await s.page.textContent('[data-test=account-created]')).toMatch(/Учётная запись создана: Петрова Светлана Игоревна \(ППО МБОУ «Средняя школа № 1»\)/);
    const password = (await s.page.textContent('[data-test=one-time-password]'))!.trim();
    const [created] = await db<{ login: string; must_change_password: number | boolean }>(`SELECT login, must_change_password FROM users WHERE full_name = 'Петрова Светлана Игоревна'`);
    expect(Boolean(created.must_change_password)).toBe(true);
    const letter = await docText(await lastOpened());
    expect(letter).toContain(created.login);
    expect(letter).toContain(password);
    expect(letter).toContain('+7 (843) 200-00-02, rk@example.org');
    // The one-time password is nowhere in the database in clear (the letter's file is stored sealed).
    for (const { name } of await db<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`)) {
      expect({ table: name, found: JSON.stringify(await db(`SELECT * FROM "${name}"`)).includes(password) }).toEqual({ table: name, found: false });
    }
    await item(created.login).waitFor();
    expect(await item(created.login).textContent()).toMatch(/временный пароль ещё не сменён/);
    const first = await login(created.login, password);
    expect(first.status).toBe(200);
    expect(first.body.mustChangePassword).toBe(true);

    // A new password: asked first, then the old one stops working and the new one is in a new letter.
    // This time the browser refuses the window: the same (unused) link opens from the chair's click,
    // with no advice to press «Новый пароль и письмо» again (that would issue another password).
    await s.page.evaluate(() => {
      const w = window as unknown as { Office: { context: { ui: { openBrowserWindow(u: string): void } } }; __unblock?: () => void };
      const ui = w.Office.context.ui;
      const record = ui.openBrowserWindow;
      const open = window.open;
      ui.openBrowserWindow = () => {
        throw new Error('blocked');
      };
      window.open = () => null;
      w.__unblock = () => {
        ui.openBrowserWindow = record;
        window.open = open;
      };
    });
    const openedBefore = (await openedUrls(s.page)).length;
    await item(created.login).locator('[data-test=reset-password]').click();
    await s.page.locator('[data-test=reset-confirm]').waitFor();
    await s.page.click('[data-test=confirm-reset]');
    await s.page.locator('[data-test=password-reset]').waitFor();
    const second = (await s.page.textContent('[data-test=one-time-password]'))!.trim();
    expect(second).not.toBe(password);
    expect(await s.page.textContent('[data-test=letter-opened]')).toMatch(/браузер не открыл окно.*Нажмите «Открыть файл»/s);
    expect(await s.page.textContent('[data-test=letter-opened]')).not.toMatch(/Новый пароль и письмо/);
    expect(await openedUrls(s.page)).toHaveLength(openedBefore);
    await s.page.evaluate(() => (window as unknown as { __unblock(): void }).__unblock());
    await s.page.click('[data-test=letter-opened-open]');
    expect(await openedUrls(s.page)).toHaveLength(openedBefore + 1);
    expect(await docText(await lastOpened())).toContain(second);
    expect((await login(created.login, password)).status).toBe(401);
    expect((await login(created.login, second)).status).toBe(200);

    // Switched off: no sign-in; on again: the password works again.
    await item(created.login).locator('[data-test=deactivate]').click();
    await s.page.locator('[data-test=account-active]').waitFor();
    expect(await s.page.textContent('[data-test=account-active]')).toMatch(/Учётная запись отключена: Петрова Светлана Игоревна/);
    expect(await item(created.login).textContent()).toMatch(/учётная запись отключена/);
    expect((await login(created.login, second)).status).toBeGreaterThanOrEqual(400);
    await item(created.login).locator('[data-test=activate]').click();
    await s.page.locator('[data-test=account-active]', { hasText: 'включена' }).waitFor();
    expect((await login(created.login, second)).status).toBe(200);
    await screenshot(s.page, 'a-03-accounts-after');
  });

  it('a primary chair has no «Председатели» tab', async () => {
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-test=tab-members]').waitFor();
    expect(await s.page.locator('[data-test=tab-accounts]').count()).toBe(0);
  });
});
