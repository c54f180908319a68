/**
 * «Настройки» in the built task pane (headless Chromium, fake Excel, the real server on a fresh
 * SQLite file), as the central administrator: the card operator's details (a wrong ИНН refused at
 * its field; once complete, the consent to the operator prints), the price of a card for a year, and
 * a template opened through its link, replaced by an edited version and refused without a required
 * placeholder. Screenshots: artifacts/screenshots/s-*.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import request from 'supertest';
import { auth } from '../support/app';
import { browserSuite, chromiumOrSkip, ROOT, screenshot } from './harness';
import { openedUrls, routeOfficeExtra, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The shipped consent-to-the-union template with its document.xml changed by `edit`. */
async function editedTemplate(edit: (xml: string) => string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(fs.readFileSync(path.join(ROOT, 'templates', 'consent-union.docx')));
  zip.file('word/document.xml', edit(await zip.file('word/document.xml')!.async('string')));
  return zip.generateAsync({ type: 'nodebuffer' });
}

describeBrowser('«Настройки» in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });

  const local = (url: string) => `${s.server.base}${new URL(url).pathname}`;

  it('the central administrator: the card operator, the price of a card, a template replaced', async () => {
    await signIn(s.page, s.server.base, 'admin');
    await s.page.locator('[data-test=tab-settings]').waitFor();
    await s.page.click('[data-test=tab-settings]');
    await s.page.locator('[data-test=operator-missing]').waitFor();
    expect(await s.page.textContent('[data-test=operator-missing]')).toMatch(/Не заполнено: .*ИНН.*адрес/i);
    expect(await s.page.inputValue('[data-test=operator-name]')).toMatch(/ФИНФОРТ/);
    await screenshot(s.page, 's-01-settings');

    // A wrong ИНН is refused at its field; nothing is saved.
    s.watch.expectHttpError(400, /\/api\/v1\/settings\/documents$/);
    await s.page.fill('[data-test=operator-inn]', '7830002294');
    await s.page.fill('[data-test=operator-address]', '190000, г. Санкт-Петербург, ул. Тестовая, д. 1');
    await s.page.click('[data-test=operator-save]');
    await s.page.locator('[data-test=operator-refused]').waitFor();
    expect(await s.page.locator('.field-error:not([hidden])').first().textContent()).toMatch(/ИНН оператора/);
    const admin = await s.server.test.token('admin');
    expect((await request(s.server.test.app).get('/api/v1/settings/documents').set(auth(admin))).body.overrides).toEqual({ name: null, inn: null, address: null, contract: null });

    await s.page.fill('[data-test=operator-inn]', '7830002293');
    await s.page.click('[data-test=operator-save]');
    await s.page.locator('[data-test=operator-saved]').waitFor();
    await s.page.locator('[data-test=operator-complete]').waitFor();
    const saved = (await request(s.server.test.app).get('/api/v1/settings/documents').set(auth(admin))).body;
    expect(saved).toMatchObject({ missing: [], overrides: { inn: '7830002293', address: '190000, г. Санкт-Петербург, ул. Тестовая, д. 1', name: null } });

    // A processor: named in the consents once set (an incomplete one is not sent).
    await s.page.fill('[data-test=processor-hosting-name]', 'ООО «Облачный хостинг»');
    await s.page.click('[data-test=processors-save]');
    await s.page.locator('[data-test=processors-incomplete]').waitFor();
    await s.page.fill('[data-test=processor-hosting-inn]', '7705000002');
    await s.page.fill('[data-test=processor-hosting-address]', '123000, г. Москва, ул. Серверная, д. 1');
    await s.page.click('[data-test=processors-save]');
    await s.page.locator('[data-test=processors-saved]').waitFor();
    expect((await request(s.server.test.app).get('/api/v1/settings/documents').set(auth(admin))).body.processors).toEqual({
      hosting: { name: 'ООО «Облачный хостинг»', inn: '7705000002', address: '123000, г. Москва, ул. Серверная, д. 1' },
      sms: null,
      push: null,
    });
    await screenshot(s.page, 's-01b-settings-processors');

    // The price of a card for a year.
    await s.page.fill('[data-test=price-year]', '2027');
    await s.page.fill('[data-test=price-rub]', '25,5');
    await s.page.click('[data-test=price-save]');
    await s.page.locator('[data-test=price-saved]').waitFor();
    expect(await s.page.textContent('[data-test=price-2027]')).toMatch(/2027: 25,50 ₽\s*задана здесь/);
    expect(await s.page.textContent('[data-test=price-2021]')).toMatch(/2021: 17,00 ₽\s*из файла настроек/);
    const prices = (await request(s.server.test.app).get('/api/v1/settings/card-prices').set(auth(admin))).body as { year: number; priceKopecks: number }[];
    expect(prices.find((p) => p.year === 2027)?.priceKopecks).toBe(2550);

    // A template: opened in Word through its link, then an edited version uploaded.
    const item = s.page.locator('[data-test=template-consent-union]');
    expect(await item.textContent()).toMatch(/версия 1, стандартная/);
    expect(await item.textContent()).toContain('{{member_full_name}}');
    await item.locator('[data-test=template-open]').click();
    await s.page.locator('[data-test=template-opened]').waitFor();
    const opened = await fetch(local((await openedUrls(s.page)).at(-1)!));
    expect(opened.headers.get('content-type')).toBe(DOCX);
    expect(Buffer.from(await opened.arrayBuffer()).equals(fs.readFileSync(path.join(ROOT, 'templates', 'consent-union.docx')))).toBe(true);

    // As in EdgeHTML 18 and Internet Explorer 11 (Office 2016/2019): no Blob#arrayBuffer — the pane reads the file with FileReader.
    await s.page.evaluate(() => delete (Blob.prototype as unknown as { arrayBuffer?: unknown }).arrayBuffer);
    await item.locator('[data-test=template-file]').setInputFiles({ name: 'согласие.docx', mimeType: DOCX, buffer: await editedTemplate((x) => x.replace('СОГЛАСИЕ', 'СОГЛАСИЕ (РЕДАКЦИЯ 2)')) });
    await item.locator('[data-test=template-upload]').click();
    await s.page.locator('[data-test=template-uploaded]').waitFor();
    expect(await s.page.textContent('[data-test=template-uploaded]')).toMatch(/действует версия 2/);
    expect(await s.page.locator('[data-test=template-consent-union]').textContent()).toMatch(/версия 2, загружена/);

    // Without a required placeholder the file is refused and version 2 stays.
    const broken = s.page.locator('[data-test=template-consent-union]');
    await broken.locator('[data-test=template-file]').setInputFiles({ name: 'без-ФИО.docx', mimeType: DOCX, buffer: await editedTemplate((x) => x.split('{{member_full_name}}').join('')) });
    s.watch.expectHttpError(422, /\/api\/v1\/templates\/consent-union$/);
    await broken.locator('[data-test=template-upload]').click();
    await s.page.locator('[data-test=template-refused]').waitFor();
    expect(await s.page.textContent('[data-test=template-refused]')).toMatch(/member_full_name.*Действует прежняя версия 2/s);
    await screenshot(s.page, 's-02-templates');
    const list = (await request(s.server.test.app).get('/api/v1/templates').set(auth(admin))).body as { kind: string; version: number }[];
    expect(list.find((t) => t.kind === 'consent-union')?.version).toBe(2);
  });

  it('a territorial chair has no «Настройки» tab', async () => {
    await signIn(s.page, s.server.base, 'territory');
    await s.page.locator('[data-test=tab-accounts]').waitFor();
    expect(await s.page.locator('[data-test=tab-settings]').count()).toBe(0);
  });
});
