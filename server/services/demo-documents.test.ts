/**
 * Issue 16 items 6–10 through the real HTTP API on the full demo (as `npm start` seeds it): every
 * document prints out of the box, and each says what it must — the obligation with the full name, the
 * office once and a blank date; the login letter without first-time wording on a reset for a chair whose
 * obligation is recorded; the card order with its addressee, delivery address, contact person, each
 * member's ППО and a date by the signature; each file with its own title and subject.
 */
import JSZip from 'jszip';
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { extractText } from '../documents/xml';
import { DEMO_CARD_OPERATOR } from './demo-seed';
import { rows } from './members/sql-literals';

async function download(t: TestApp, url: string): Promise<Buffer> {
  const res = await request(t.app)
    .get(new URL(url).pathname)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

async function open(docx: Buffer): Promise<{ text: string; title: string; subject: string; core: string }> {
  const zip = await JSZip.loadAsync(docx);
  const text = extractText(await zip.file('word/document.xml')!.async('string')).replace(/\s+/g, ' ');
  const core = await zip.file('docProps/core.xml')!.async('string');
  const tag = (name: string) => core.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1] ?? '';
  return { text, title: tag('dc:title'), subject: tag('dc:subject'), core };
}

function expectOwnProperties(p: { title: string; subject: string; core: string }, title: RegExp) {
  expect(p.title).toMatch(title);
  expect(p.subject).not.toBe('');
  expect(p.core).not.toContain('Шаблон документа');
  expect(p.core).not.toContain('Un-named');
  expect(p.core).not.toContain('dc:description');
}

describe.each(dbVariants())('the full demo prints every document at once (%s)', (variant) => {
  let t: TestApp;
  const api = () => request(t.app);
  beforeAll(async () => {
    t = await startTestApp(variant, {}, { documentDetails: true });
  });
  afterAll(() => t.close());

  test('consents of every demo member, all three kinds, with no details to fill in first', async () => {
    const school = await t.token('school');
    const res = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/documents/consents`).set(auth(school)).send({ allWithoutSignedConsents: true, format: 'docx' });
    expect(res.status).toBe(201);
    expect(res.body.consents).toBeGreaterThan(0);
    const doc = await open(await download(t, res.body.downloadUrl));
    expect(doc.text).toContain(DEMO_CARD_OPERATOR.inn);
    expect(doc.text).toContain('Демонстрационная районная организация Общероссийского Профсоюза образования');
    expectOwnProperties(doc, /^Согласия на обработку персональных данных: Профсоюзу/);
  });

  test('the obligation: the full union name, the office once, the date left blank for signing', async () => {
    const territory = await t.token('territory');
    const kg = await t.ctx.db.models.User.findOne({ where: { login: 'kindergarten' } });
    const res = await api().post(`/api/v1/accounts/${kg!.id}/documents/obligation`).set(auth(territory));
    expect(res.status).toBe(201);
    const doc = await open(await download(t, res.body.downloadUrl));
    // The kindergarten's passport has no union name yet: «ППО» is written out, never printed abbreviated.
    expect(doc.text).toContain('Первичная профсоюзная организация МБДОУ «Детский сад № 5 «Солнышко» Общероссийского Профсоюза образования');
    expect(doc.text).not.toMatch(/ППО МБДОУ/);
    expect(doc.text).toContain('Председатель (должность)');
    expect(doc.text.match(/профсоюзной организации|профсоюзная организация/gi)?.length).toBe(1 + (doc.text.match(/первичной профсоюзной организации\./gi)?.length ?? 0));
    expect(doc.text).toContain('«____» _____________ 20____ г.');
    expect(doc.text).not.toMatch(/\d{4} г\./);
    expectOwnProperties(doc, /^Обязательство о неразглашении/);
  });

  test('the card order: addressee with ИНН and contract, delivery address, contact person, each member’s ППО, a date by the signature', async () => {
    const school = await t.token('school');
    const territory = await t.token('territory');
    const list = await rows<{ id: string }>(t.ctx.db, `SELECT id FROM members WHERE primary_org_id = ${t.demo.orgIds.school} ORDER BY id LIMIT 100`);
    const eligibility = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/cards/eligibility`).set(auth(school)).send({ memberIds: list.map((m) => String(m.id)) });
    expect(eligibility.status).toBe(200);
    const eligible = (eligibility.body.members as { memberId: string; reasons: string[] }[]).filter((m) => !m.reasons.length).map((m) => m.memberId).slice(0, 3);
    expect(eligible.length).toBeGreaterThan(0);
    expect((await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/card-orders`).set(auth(school)).send({ memberIds: eligible })).body.ordered).toBe(eligible.length);
    const batch = await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/card-batches`).set(auth(territory)).send({});
    expect(batch.status).toBe(201);
    const file = await request(t.app)
      .get(`/api/v1/card-batches/${batch.body.id}/application.docx`)
      .set(auth(territory))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    const doc = await open(file.body as Buffer);
    expect(doc.text).toContain(`Кому: Общество с ограниченной ответственностью «ФИНФОРТ» (ООО «ФИНФОРТ»), ИНН ${DEMO_CARD_OPERATOR.inn}, ${DEMO_CARD_OPERATOR.contract}`);
    expect(doc.text).toContain('Адрес доставки билетов: Демонстрационная региональная организация Общероссийского Профсоюза образования, 420000, г. Демонстрационный, ул. Профсоюзная, д. 10');
    expect(doc.text).toMatch(/Контактное лицо: Кузнецов Андрей Викторович, \+7 843 200-00-02/);
    expect(doc.text).toContain('Первичная профсоюзная организация'); // the column's header
    expect(doc.text.match(/ППО МБОУ «Средняя школа № 1»/g)?.length).toBe(eligible.length);
    expect(doc.text).toMatch(/«____» _____________ 20____ г\. _+ Кузнецов А\.В\. \(дата\) \(подпись\)/);
    expectOwnProperties(doc, /^Заявка на изготовление электронных профсоюзных билетов № ЭПБ-П-/);
  });

  test('login letters: a new chair gets the first steps; a reset for a chair whose obligation is recorded does not', async () => {
    const territory = await t.token('territory');
    const created = await api().post(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/accounts/with-letter`).set(auth(territory)).send({ fullName: 'Белова Елена Юрьевна' });
    expect(created.status).toBe(201);
    const first = await open(await download(t, created.body.downloadUrl));
    expect(first.text).toContain('При первом входе');
    expect(first.text).toContain('Подпишите обязательство');
    expect(first.text).toContain('+7 843 200-00-02, rayon@example.org');
    for (const way of ['Microsoft 365', 'Excel для Windows', 'Excel в браузере', 'Excel для Mac']) expect(first.text).toContain(way);
    expectOwnProperties(first, /^Письмо с логином и паролем/);

    // Her signed obligation comes back; then she forgets her password. (Not the demo «school» chair:
    // the other tests of this file sign in as her, in any order.)
    const chairId = created.body.account.id as number;
    const signedAt = t.ctx.now().toISOString().slice(0, 10);
    expect((await api().post(`/api/v1/accounts/${chairId}/obligation`).set(auth(territory)).send({ signedAt })).status).toBe(200);
    const reset = await api().post(`/api/v1/accounts/${chairId}/reset-password/with-letter`).set(auth(territory));
    expect(reset.status).toBe(200);
    const again = await open(await download(t, reset.body.downloadUrl));
    expect(again.text).toContain(reset.body.oneTimePassword);
    expect(again.text).toContain('новый одноразовый пароль');
    expect(again.text).not.toMatch(/при первом входе/i);
    expect(again.text).not.toMatch(/подпишите обязательство/i);
    expect(again.text).not.toMatch(/первый запуск/i);
    expectOwnProperties(again, /^Письмо с новым паролем/);
  });

});
