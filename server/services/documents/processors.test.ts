/**
 * Issue 16 item 4: every operator named with its address (ИНН and ОГРН of a union body where its passport
 * holds them), the revocation addressed to any of them at its address, and the processors (hosting
 * contractor, SMS gateway, PUSH app) printed only when set — by the administrator through the API, over
 * config/documents.json.
 */
import JSZip from 'jszip';
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../../test/support/app';
import { extractText } from '../../documents/xml';

async function consentsText(t: TestApp, token: string): Promise<string[]> {
  const res = await request(t.app).post(`/api/v1/organisations/${t.demo.orgIds.school}/documents/consents`).set(auth(token)).send({ allWithoutSignedConsents: true, format: 'docx' });
  expect(res.status).toBe(201);
  const file = await request(t.app)
    .get(new URL(res.body.downloadUrl).pathname)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  const xml = await (await JSZip.loadAsync(file.body as Buffer)).file('word/document.xml')!.async('string');
  // One consent per title «СОГЛАСИЕ».
  return extractText(xml).replace(/\s+/g, ' ').split('СОГЛАСИЕ ').slice(1);
}

describe('operators and processors in the consents (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', {}, { documentDetails: true });
  });
  afterAll(() => t.close());

  test('no processor set: none printed; the union body with its ИНН, ОГРН and address; revocation to any operator at its address', async () => {
    const docs = await consentsText(t, await t.token('school'));
    const union = docs.find((d) => d.startsWith('на обработку персональных данных члена'))!;
    expect(union).toContain('Первичная профсоюзная организация МБОУ «Средняя школа № 1» (ИНН 7830002293, ОГРН 1027700132195, адрес: г. Демонстрационный, ул. Школьная, д. 1)');
    expect(union).toContain('Демонстрационная районная организация Общероссийского Профсоюза образования (адрес: 420000, г. Демонстрационный, ул. Профсоюзная, д. 12)');
    expect(union).toContain('направленным любому из Операторов по его адресу, указанному в настоящем согласии');
    expect(union).not.toContain('Оператору по указанному адресу');
    for (const d of docs) expect(d).not.toContain('по поручению Операторов');
  });

  test('set by the administrator: the hosting contractor in both union consents, the SMS gateway and PUSH app in the consent to notifications only', async () => {
    const admin = await t.token('admin');
    const bad = await request(t.app).put('/api/v1/settings/documents').set(auth(admin)).send({ processors: { sms: { name: 'ООО «СМС»', inn: '7830002294', address: 'г. Москва' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('processors.sms.inn');
    const saved = await request(t.app)
      .put('/api/v1/settings/documents')
      .set(auth(admin))
      .send({
        processors: {
          hosting: { name: 'ООО «Облачный хостинг»', inn: '7705000002', address: '123000, г. Москва, ул. Серверная, д. 1' },
          sms: { name: 'ООО «СМС-шлюз»', address: '190000, г. Санкт-Петербург, ул. Связи, д. 2' },
          push: { name: 'ООО «Профкардс»', inn: null, address: '190000, г. Санкт-Петербург, ул. Приложений, д. 3' },
        },
      });
    expect(saved.status).toBe(200);
    expect(saved.body.processors.hosting).toEqual({ name: 'ООО «Облачный хостинг»', inn: '7705000002', address: '123000, г. Москва, ул. Серверная, д. 1' });

    const docs = await consentsText(t, await t.token('school'));
    const hosting = 'ООО «Облачный хостинг» (ИНН 7705000002, адрес: 123000, г. Москва, ул. Серверная, д. 1) — размещение и техническое обслуживание информационной системы реестра (хостинг)';
    for (const d of docs) {
      if (d.startsWith('на обработку персональных данных члена')) {
        expect(d).toContain(`Обработку персональных данных по поручению Операторов осуществляют: ${hosting}.`);
        expect(d).not.toContain('СМС-шлюз');
      } else if (d.startsWith('на получение SMS-, PUSH- и e-mail-уведомлений')) {
        expect(d).toContain(hosting);
        expect(d).toContain('ООО «СМС-шлюз» (адрес: 190000, г. Санкт-Петербург, ул. Связи, д. 2) — отправка SMS-сообщений');
        expect(d).toContain('ООО «Профкардс» (адрес: 190000, г. Санкт-Петербург, ул. Приложений, д. 3) — отправка PUSH-уведомлений в мобильном приложении');
      } else {
        expect(d).not.toContain('по поручению Операторов');
      }
    }
    // null removes the administrator's processor: the configuration file's (none) applies again.
    await request(t.app).put('/api/v1/settings/documents').set(auth(admin)).send({ processors: { hosting: null, sms: null, push: null } });
    for (const d of await consentsText(t, await t.token('school'))) expect(d).not.toContain('по поручению Операторов');
  });
});
