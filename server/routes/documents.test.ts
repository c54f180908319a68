import JSZip from 'jszip';
import request from 'supertest';
import { createHash } from 'node:crypto';
import { documentXml, HOSTILE_CONTENT, HOSTILE_MARKERS, hostileTemplate, splitDocuments, type HostileContent } from '../documents/test-fixtures';
import { extractText } from '../documents/xml';
import { readTemplateFile } from '../documents';
import { documentModels } from '../services/documents/models';
import { craftZip, insertMembers, prepareConsentDetails, TEST_CARD_OPERATOR, type FixtureMember } from '../services/documents/test-fixtures';
import { DOWNLOAD_TTL_MINUTES } from '../services/documents/downloads';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const UPLOAD_LIMIT = 256 * 1024;

const MEMBERS: FixtureMember[] = [
  {
    surname: 'Канарейкина', name: 'Алёна', patronymic: 'Петровна',
    address: '420000, г. Демонстрационный, ул. Садовая, д. 5, кв. 12',
    idDocument: 'паспорт 9204 123456, выдан МВД по Республике Татарстан 12.03.2015', phone: '+79123456789', email: 'alena@example.ru',
  },
  { surname: "Д'Артаньян-Ёлкин", name: 'Пётр', patronymic: 'Семёнович' },
  { surname: 'Соловьёва', name: 'Мария', patronymic: null, address: '420000, г. Демонстрационный, ул. Лесная, д. 1' },
];
const fullName = (m: FixtureMember) => [m.surname, m.name, m.patronymic].filter(Boolean).join(' ');

/** The download path (below /api/v1) of an absolute single-use link. */
function downloadPath(url: string): string {
  return new URL(url).pathname;
}

async function download(t: TestApp, url: string) {
  return request(t.app)
    .get(downloadPath(url))
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

async function docxText(docx: Buffer): Promise<string> {
  return extractText(await documentXml(docx));
}

describe.each(dbVariants())('documents: consents, templates, obligations, login letters (%s)', (variant) => {
  let t: TestApp;
  let admin: string;
  let school: string;
  let territory: string;
  const api = () => request(t.app);
  const printed = () => documentModels(t.ctx.db).PrintedDocument;
  const auditRows = async () => (await t.ctx.db.models.AuditEntry.findAll({ order: [['id', 'ASC']] })).map((r) => r.get({ plain: true }));

  beforeEach(async () => {
    t = await startTestApp(variant, { uploadLimitBytes: UPLOAD_LIMIT });
    admin = await t.token('admin');
    school = await t.token('school');
    territory = await t.token('territory');
  });
  afterEach(() => t.close());

  const ready = () => prepareConsentDetails(t.app, admin, [t.demo.orgIds.territorial, t.demo.orgIds.region, t.demo.orgIds.central]);
  const print = (token: string, orgId: number, body: object) => api().post(`/api/v1/organisations/${orgId}/documents/consents`).set(auth(token)).send(body);

  test('consents of chosen members: one .docx, members × 3 separate documents, every name exact, through a single-use link', async () => {
    await ready();
    const ids = await insertMembers(t.ctx, t.demo.orgIds.school, MEMBERS);
    const res = await print(school, t.demo.orgIds.school, { memberIds: ids, format: 'docx' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ printed: 3, consents: 9, notPrintable: [] });
    expect(res.body.downloadUrl).toMatch(new RegExp(`^${t.ctx.config.publicOrigin}/api/v1/downloads/[A-Za-z0-9_-]{43}$`));
    expect(new Date(res.body.expiresAt).getTime() - t.clock.now.getTime()).toBe(DOWNLOAD_TTL_MINUTES * 60_000);
    // No name and no token in the answer besides the link itself.
    expect(JSON.stringify(res.body)).not.toContain('Канарейкина');

    // The link needs no bearer token: it is the credential.
    const file = await download(t, res.body.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe(DOCX);
    expect(file.headers['content-disposition']).toMatch(/^attachment;/);
    expect(file.headers['cache-control']).toBe('no-store');
    const xml = await documentXml(file.body as Buffer);
    expect(xml).not.toContain('{{');
    const docs = splitDocuments(xml);
    expect(docs).toHaveLength(MEMBERS.length * 3);
    // Every consent is a section of its own that starts on a new page.
    expect(xml.match(/<w:sectPr\b/g)).toHaveLength(MEMBERS.length * 3);
    expect(xml.match(/<w:sectPr\b(?:(?!<\/w:sectPr>).)*<w:type w:val="nextPage"\/>/g)).toHaveLength(MEMBERS.length * 3);
    docs.forEach((doc, i) => {
      const text = extractText(doc).replace(/\s+/g, ' ');
      const m = MEMBERS[Math.floor(i / 3)];
      expect(text).toContain(`Я, ${fullName(m)},`);
      for (const other of MEMBERS) if (other !== m) expect(text).not.toContain(fullName(other));
    });
    const all = extractText(xml);
    expect(all).toContain('Первичная профсоюзная организация МБОУ «Средняя школа № 1»');
    expect(all).toContain('Демонстрационная районная организация Профсоюза');
    expect(all).toContain(`ИНН ${TEST_CARD_OPERATOR.inn}`);

    // Once only.
    const again = await download(t, res.body.downloadUrl);
    expect(again.status).toBe(410);
    expect(JSON.parse((again.body as Buffer).toString('utf8'))).toMatchObject({ type: '/problems/link_used', status: 410 });

    // What was printed is recorded, the file is gone.
    const row = await printed().findByPk(res.body.documentId);
    expect(row).toMatchObject({ kind: 'consents', orgId: t.demo.orgIds.school, format: 'docx', file: null });
    expect(row!.downloadedAt).toBeInstanceOf(Date);
    expect(JSON.parse(row!.memberIds!)).toEqual(ids);
    expect(JSON.parse(row!.templateVersion)).toEqual({ 'consent-union': 1, 'consent-operator': 1, 'consent-notify': 1 });
    expect(row!.downloadTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.downloadUrl).not.toContain(row!.downloadTokenHash);

    // Audit: who, which members by id, template versions — never names.
    const audit = await auditRows();
    const printedAudit = audit.find((a) => a.action === 'document.printed' && a.entityId === res.body.documentId)!;
    expect(printedAudit.userId).toBeGreaterThan(0);
    expect(JSON.parse(printedAudit.details!)).toMatchObject({ kind: 'consents', memberIds: ids, templateVersions: { 'consent-union': 1 } });
    const downloadedAudit = audit.filter((a) => a.action === 'document.downloaded' && a.entityId === res.body.documentId);
    expect(downloadedAudit).toHaveLength(1);
    expect(JSON.parse(downloadedAudit[0].details!)).toMatchObject({ memberIds: ids });
    const auditText = JSON.stringify(audit);
    for (const m of MEMBERS) {
      expect(auditText).not.toContain(m.surname);
      if (m.address) expect(auditText).not.toContain(m.address);
    }
  });

  test('text-direction controls typed into a member row never reach a printed consent (issue 15, hole 12)', async () => {
    await ready();
    // U+202E reverses what follows on screen and on paper; LRM/RLM, isolates and ALM hide in copied text.
    const values = {
      surname: 'Зер\u200fкалова', name: '\u2066Анна\u2069', patronymic: 'Петровна\u061c', birthDate: '14.03.1985', category: 'Работник',
      address: '420000, г. Демонстрационный, ул. \u202eяавоноС\u202c, д. 7\u200e',
      idDocument: 'паспорт \u202a9204\u202b 123456\u202d',
    };
    const sync = await api()
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
      .set(auth(school))
      .send({ idempotencyKey: '5d0c7c43-8a8e-4c2e-9b3e-6d2f4f0b1a01', rows: [{ row: 2, values }] });
    expect(sync.status).toBe(200);
    expect(sync.body.rows[0]).toMatchObject({ outcome: 'created' });
    const memberId = sync.body.rows[0].id as string;
    // The organisation's own texts are free text too: the passport's union name is printed in every consent.
    const passport = await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(school));
    const saved = await api()
      .put(`/api/v1/organisations/${t.demo.orgIds.school}/passport`)
      .set(auth(school))
      .send({ version: passport.body.version, data: { unionName: 'Первичная профсоюзная организация \u202eМБОУ\u202c «Средняя школа № 1»\u2069' } });
    expect(saved.status).toBe(200);
    expect(saved.body.data.unionName).toBe('Первичная профсоюзная организация МБОУ «Средняя школа № 1»');
    const res = await print(school, t.demo.orgIds.school, { memberIds: [memberId], format: 'docx' });
    expect(res.status).toBe(201);
    const xml = await documentXml((await download(t, res.body.downloadUrl)).body as Buffer);
    expect(xml).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    const text = extractText(xml).replace(/\s+/g, ' ');
    expect(text).toContain('Я, Зеркалова Анна Петровна,');
    expect(text).toContain('420000, г. Демонстрационный, ул. яавоноС, д. 7');
    expect(text).toContain('паспорт 9204 123456');
  });

  test('a .zip with one .docx per member; «all without signed consents» prints only the consents not collected yet', async () => {
    await ready();
    const unit = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/children`).set(auth(school)).send({ kind: 'group', name: 'Профгруппа учителей начальных классов' });
    expect(unit.status).toBe(201);
    const [none, onlyUnion, allGiven, gone] = await insertMembers(
      t.ctx,
      unit.body.id,
      [
        { surname: 'Безсогласий', name: 'Иван', patronymic: 'Иванович' },
        { surname: 'Частичная', name: 'Ольга', patronymic: 'Олеговна', consentUnion: 'given' },
        { surname: 'Полная', name: 'Нина', patronymic: 'Ниловна', consentUnion: 'given', consentOperator: 'refused', consentNotify: 'given' },
        { surname: 'Выбывший', name: 'Пётр', patronymic: 'Петрович', deregisteredAt: '2025-06-30' },
      ],
      t.demo.orgIds.school,
    );
    const res = await print(school, unit.body.id, { allWithoutSignedConsents: true, format: 'zip' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ printed: 2, consents: 5, notPrintable: [] });
    const row = await printed().findByPk(res.body.documentId);
    expect(JSON.parse(row!.memberIds!)).toEqual([none, onlyUnion]);
    expect(JSON.parse(row!.memberIds!)).not.toContain(allGiven);
    expect(JSON.parse(row!.memberIds!)).not.toContain(gone);

    const file = await download(t, res.body.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/zip');
    const zip = await JSZip.loadAsync(file.body as Buffer);
    const names = Object.keys(zip.files).sort();
    expect(names).toHaveLength(2);
    const texts = await Promise.all(names.map(async (n) => docxText(await zip.file(n)!.async('nodebuffer'))));
    const ofNone = texts.find((x) => x.includes('Безсогласий Иван Иванович'))!;
    const ofPartial = texts.find((x) => x.includes('Частичная Ольга Олеговна'))!;
    expect(splitDocuments(await documentXml(await zip.file(names[texts.indexOf(ofNone)])!.async('nodebuffer')))).toHaveLength(3);
    expect(splitDocuments(await documentXml(await zip.file(names[texts.indexOf(ofPartial)])!.async('nodebuffer')))).toHaveLength(2);
    expect(ofPartial).toContain(TEST_CARD_OPERATOR.address);
  });

  test('members that cannot be printed are listed with the reason, the rest printed; nobody printable → 422', async () => {
    await ready();
    const [ok, noName, deregistered] = await insertMembers(t.ctx, t.demo.orgIds.school, [
      MEMBERS[0],
      { surname: 'Безымянная', name: '' },
      { surname: 'Ушедшая', name: 'Вера', deregisteredAt: '2025-01-31' },
    ]);
    const res = await print(school, t.demo.orgIds.school, { memberIds: [ok, noName, deregistered], kinds: ['union'], format: 'docx' });
    expect(res.status).toBe(201);
    expect(res.body.printed).toBe(1);
    expect(res.body.consents).toBe(1);
    expect(res.body.notPrintable).toEqual([
      { memberId: noName, reason: expect.stringContaining('Не заполнено имя') },
      { memberId: deregistered, reason: expect.stringContaining('Снят(а) с учёта') },
    ]);
    const none = await print(school, t.demo.orgIds.school, { memberIds: [noName], format: 'docx' });
    expect(none.status).toBe(422);
    expect(none.body.type).toBe('/problems/nothing_to_print');
    expect(none.body.notPrintable).toHaveLength(1);
  });

  test('a member of another organisation makes the whole request 404; a chair without the obligation gets 403', async () => {
    await ready();
    const [own] = await insertMembers(t.ctx, t.demo.orgIds.school, [MEMBERS[0]]);
    const [foreign] = await insertMembers(t.ctx, t.demo.orgIds.kindergarten, [MEMBERS[1]]);
    const before = await printed().count();
    const res = await print(school, t.demo.orgIds.school, { memberIds: [own, foreign], format: 'docx' });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(foreign);
    // The territorial chair sees both organisations, but the request is about the school.
    expect((await print(territory, t.demo.orgIds.school, { memberIds: [own, foreign], format: 'docx' })).status).toBe(404);
    expect((await print(school, t.demo.orgIds.school, { memberIds: ['not-a-member-id'], format: 'docx' })).status).toBe(404);
    // Members of two primary organisations at once: printed per organisation.
    const both = await print(territory, t.demo.orgIds.territorial, { memberIds: [own, foreign], format: 'docx' });
    expect(both.status).toBe(422);
    expect(both.body.type).toBe('/problems/several_primary_organisations');
    expect(await printed().count()).toBe(before);

    const kindergarten = await t.token('kindergarten');
    const closed = await print(kindergarten, t.demo.orgIds.kindergarten, { memberIds: [foreign], format: 'docx' });
    expect(closed.status).toBe(403);
    expect(closed.body.type).toBe('/problems/obligation_required');
  });

  test('missing details answer 422 naming them: the passport, the superior organisations, the card operator', async () => {
    const [id] = await insertMembers(t.ctx, t.demo.orgIds.school, [MEMBERS[0]]);
    const cleared = await api().put(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(school)).send({ data: { legalAddress: null, unionName: null } });
    expect(cleared.status).toBe(200);

    const noPassport = await print(school, t.demo.orgIds.school, { memberIds: [id], format: 'docx' });
    expect(noPassport.status).toBe(422);
    expect(noPassport.body.type).toBe('/problems/organisation_details_missing');
    expect(noPassport.body.detail).toContain('Заполните в паспорте ППО: наименование профсоюзной организации (вкладка «ИНПО»), юридический адрес (вкладка «Адреса и телефоны»).');
    expect(noPassport.body.detail).toContain('«Демонстрационная районная организация Профсоюза»');
    expect(noPassport.body.missing).toEqual(
      expect.arrayContaining([
        { orgId: t.demo.orgIds.school, field: 'unionName', where: 'passport' },
        { orgId: t.demo.orgIds.school, field: 'legalAddress', where: 'passport' },
        { orgId: t.demo.orgIds.territorial, field: 'legalAddress', where: 'details' },
        { orgId: t.demo.orgIds.central, field: 'legalAddress', where: 'details' },
      ]),
    );

    await api().put(`/api/v1/organisations/${t.demo.orgIds.school}/passport`).set(auth(school)).send({ data: { legalAddress: 'г. Демонстрационный, ул. Школьная, д. 1', unionName: 'Первичная профсоюзная организация МБОУ «Средняя школа № 1»' } });
    // Superiors' addresses come from their details, kept by their chairs (or the administrator).
    for (const [token, orgId] of [[territory, t.demo.orgIds.territorial], [await t.token('region'), t.demo.orgIds.region], [admin, t.demo.orgIds.central]] as const) {
      const r = await api().put(`/api/v1/organisations/${orgId}/documents/details`).set(auth(token)).send({ legalAddress: `420000, г. Демонстрационный, д. ${orgId}` });
      expect(r.status).toBe(200);
    }
    const noOperator = await print(school, t.demo.orgIds.school, { memberIds: [id], format: 'docx' });
    expect(noOperator.status).toBe(422);
    expect(noOperator.body.type).toBe('/problems/documents_settings_missing');
    expect(noOperator.body.detail).toContain('ИНН оператора электронных профсоюзных билетов');
    expect(noOperator.body.detail).toContain('адрес оператора электронных профсоюзных билетов');
    expect(noOperator.body.missing).toEqual(['cardOperator.inn', 'cardOperator.address']);
    // The other two consents do not need the card operator.
    expect((await print(school, t.demo.orgIds.school, { memberIds: [id], kinds: ['union', 'notify'], format: 'docx' })).status).toBe(201);

    // The administrator sets the operator's details without editing files.
    const settings = await api().get('/api/v1/settings/documents').set(auth(admin));
    expect(settings.body.missing).toEqual(['ИНН оператора электронных профсоюзных билетов', 'адрес оператора электронных профсоюзных билетов']);
    const badInn = await api().put('/api/v1/settings/documents').set(auth(admin)).send({ cardOperator: { inn: '7830002294' } });
    expect(badInn.status).toBe(400);
    expect(badInn.body.errors[0].field).toBe('cardOperator.inn');
    const saved = await api().put('/api/v1/settings/documents').set(auth(admin)).send({ cardOperator: TEST_CARD_OPERATOR });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ cardOperator: TEST_CARD_OPERATOR, missing: [], defaults: { inn: null, address: null } });
    expect((await print(school, t.demo.orgIds.school, { memberIds: [id], format: 'docx' })).status).toBe(201);
    // null removes an override: the config file's (empty) value applies again.
    const reset = await api().put('/api/v1/settings/documents').set(auth(admin)).send({ cardOperator: { inn: null } });
    expect(reset.body.cardOperator.inn).toBeNull();
    expect((await print(school, t.demo.orgIds.school, { memberIds: [id], format: 'docx' })).status).toBe(422);

    // Details of a primary organisation live in its passport, not here.
    const primaryDetails = await api().put(`/api/v1/organisations/${t.demo.orgIds.school}/documents/details`).set(auth(territory)).send({ legalAddress: 'x' });
    expect(primaryDetails.status).toBe(400);
  });

  test('HEAD on a single-use link answers the headers and leaves the link unused and unaudited; only GET takes it (issue 15, hole 10)', async () => {
    const res = await api().post('/api/v1/me/documents/obligation').set(auth(school));
    expect(res.status).toBe(201);
    const path = downloadPath(res.body.downloadUrl);
    const downloads = async () => (await auditRows()).filter((a) => a.action === 'document.downloaded' && a.entityId === res.body.documentId).length;
    // A mail or chat link scanner looks twice.
    for (let i = 0; i < 2; i++) {
      const head = await api().head(path);
      expect(head.status).toBe(200);
      expect(head.headers['content-type']).toBe(DOCX);
      expect(head.headers['content-disposition']).toMatch(/^attachment;/);
      expect(head.headers['cache-control']).toBe('no-store');
      expect(Number(head.headers['content-length'])).toBeGreaterThan(1000);
      expect(head.body).toEqual({});
    }
    expect(await downloads()).toBe(0);
    expect((await printed().findByPk(res.body.documentId))!.downloadedAt).toBeNull();
    // The chair's GET still gets the file, and that is the one recorded download.
    const file = await download(t, res.body.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.body.length).toBe(Number((await printed().findByPk(res.body.documentId))!.sizeBytes));
    expect(await downloads()).toBe(1);
    // After it, HEAD says what GET would: used; an unknown link is 404.
    expect((await api().head(path)).status).toBe(410);
    expect((await api().head('/api/v1/downloads/' + 'A'.repeat(43))).status).toBe(404);
  });

  test('the link expires: 410 after the time, and the stored file is deleted', async () => {
    const res = await api().post('/api/v1/me/documents/obligation').set(auth(school));
    expect(res.status).toBe(201);
    t.clock.advanceMinutes(DOWNLOAD_TTL_MINUTES + 1);
    const late = await download(t, res.body.downloadUrl);
    expect(late.status).toBe(410);
    expect(JSON.parse((late.body as Buffer).toString('utf8')).type).toBe('/problems/link_expired');
    const row = await printed().findByPk(res.body.documentId);
    expect(row!.file).toBeNull();
    expect(row!.fileDeletedAt).toBeInstanceOf(Date);
    expect(row!.downloadedAt).toBeNull();
    expect((await download(t, `${t.ctx.config.publicOrigin}/api/v1/downloads/${'x'.repeat(43)}`)).status).toBe(404);
  });

  test('two simultaneous downloads of one link: exactly one gets the file', async () => {
    const res = await api().post('/api/v1/me/documents/obligation').set(auth(territory));
    const answers = await Promise.all([download(t, res.body.downloadUrl), download(t, res.body.downloadUrl), download(t, res.body.downloadUrl)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 410, 410]);
    expect((await auditRows()).filter((a) => a.action === 'document.downloaded')).toHaveLength(1);
  });

  test('template upload: a valid replacement becomes the next version, used by the next print and recorded', async () => {
    await ready();
    const [id] = await insertMembers(t.ctx, t.demo.orgIds.school, [MEMBERS[0]]);
    const list = await api().get('/api/v1/templates').set(auth(admin));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(9); // three consents, their legal representative's variants, obligation, login letter, card order
    expect(list.body.find((x: { kind: string }) => x.kind === 'consent-union')).toMatchObject({ version: 1, shipped: true, versions: 1 });

    const zip = await JSZip.loadAsync(readTemplateFile('consent-union'));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('СОГЛАСИЕ');
    zip.file('word/document.xml', xml.replace('СОГЛАСИЕ', 'СОГЛАСИЕ (РЕДАКЦИЯ 2)'));
    const edited = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const up = await api().put('/api/v1/templates/consent-union').set(auth(admin)).set('Content-Type', DOCX).send(edited);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ kind: 'consent-union', version: 2, shipped: false, created: true, versions: 2 });
    // The same file again: no new version.
    const same = await api().put('/api/v1/templates/consent-union').set(auth(admin)).set('Content-Type', DOCX).send(edited);
    expect(same.body).toMatchObject({ version: 2, created: false });

    const back = await api().get('/api/v1/templates/consent-union').set(auth(admin)).buffer(true).parse((r, cb) => {
      const c: Buffer[] = [];
      r.on('data', (x: Buffer) => c.push(x));
      r.on('end', () => cb(null, Buffer.concat(c)));
    });
    expect(back.status).toBe(200);
    expect((back.body as Buffer).equals(edited)).toBe(true);
    // The same through a single-use link (what the task pane opens): once, then 410; audited as a download.
    const link = await api().post('/api/v1/templates/consent-union/link').set(auth(admin));
    expect(link.status).toBe(201);
    const viaLink = await download(t, link.body.downloadUrl);
    expect(viaLink.status).toBe(200);
    expect((viaLink.body as Buffer).equals(edited)).toBe(true);
    expect(viaLink.headers['content-disposition']).toContain('consent-union-v2.docx');
    expect((await download(t, link.body.downloadUrl)).status).toBe(410);
    const rows = await auditRows();
    expect(rows.filter((a) => a.action === 'template.downloaded').map((a) => JSON.parse(a.details!))).toEqual([{ kind: 'consent-union', version: 2 }]);
    expect(rows.filter((a) => a.action === 'template.link_issued').map((a) => JSON.parse(a.details!))).toEqual([
      expect.objectContaining({ kind: 'template', format: 'docx', templateVersions: { 'consent-union': 2 }, template: 'consent-union', version: 2 }),
    ]);
    expect(rows.filter((a) => a.action === 'document.downloaded' && a.entityId === link.body.documentId)).toHaveLength(1);
    expect((await api().post('/api/v1/templates/consent-union/link').set(auth(school))).status).toBe(403);

    const res = await print(school, t.demo.orgIds.school, { memberIds: [id], format: 'docx' });
    expect(res.status).toBe(201);
    const text = await docxText((await download(t, res.body.downloadUrl)).body as Buffer);
    expect(text).toContain('СОГЛАСИЕ (РЕДАКЦИЯ 2)');
    const row = await printed().findByPk(res.body.documentId);
    expect(JSON.parse(row!.templateVersion)).toEqual({ 'consent-union': 2, 'consent-operator': 1, 'consent-notify': 1 });
    const uploadAudit = (await auditRows()).find((a) => a.action === 'template.uploaded')!;
    expect(JSON.parse(uploadAudit.details!)).toMatchObject({ kind: 'consent-union', version: 2 });
  });

  test('a template with external references or macros is refused, naming each; one stored before that check prints without them (issue 15, hole 6)', async () => {
    await ready();
    const put = (body: Buffer) => api().put('/api/v1/templates/consent-union').set(auth(admin)).set('Content-Type', DOCX).send(body);
    const expected: Record<HostileContent, RegExp> = {
      attachedTemplate: /внешний прикреплённый шаблон http:\/\/evil\.example\/template\.dotm/,
      includePicture: /поле INCLUDEPICTURE "http:\/\/evil\.example\/track\.png"/,
      includeText: /поле INCLUDETEXT "\\\\\\\\evil\.example/,
      externalImage: /картинка, загружаемая по ссылке http:\/\/evil\.example\/pixel\.png/,
      externalOle: /связанный объект OLE file:\/\/evil\.example\/share\/book\.xlsx/,
      doctype: /объявление DOCTYPE в части word\/styles\.xml/,
      macros: /макросы \(vbaProject\.bin\)/,
    };
    for (const what of HOSTILE_CONTENT) {
      const res = await put(await hostileTemplate(readTemplateFile('consent-union'), [what]));
      expect([what, res.status, res.body.type]).toEqual([what, 422, '/problems/template_external']);
      expect(res.body.detail).toMatch(/^Шаблон «.*» не принят: в нём есть содержимое, которое Word загружает из Интернета или из сети \(или выполняет\)/);
      expect(res.body.detail).toMatch(expected[what]);
    }
    expect((await api().get('/api/v1/templates').set(auth(admin))).body.find((x: { kind: string }) => x.kind === 'consent-union')).toMatchObject({ version: 1, versions: 1 });

    // A template stored before the check existed (written straight into the store): every print strips it.
    const hostile = await hostileTemplate(readTemplateFile('consent-union'), HOSTILE_CONTENT);
    const { DocumentTemplate } = documentModels(t.ctx.db);
    await api().get('/api/v1/templates').set(auth(admin));
    await DocumentTemplate.update({ active: false }, { where: { kind: 'consent-union' } });
    await DocumentTemplate.create({ kind: 'consent-union', version: 2, sha256: createHash('sha256').update(hostile).digest('hex'), content: hostile, sizeBytes: hostile.length, uploadedBy: 1, uploadedAt: t.clock.now, active: true });
    const [id] = await insertMembers(t.ctx, t.demo.orgIds.school, [MEMBERS[0]]);
    for (const format of ['docx', 'zip'] as const) {
      const res = await print(school, t.demo.orgIds.school, { memberIds: [id], format });
      expect(res.status).toBe(201);
      const file = (await download(t, res.body.downloadUrl)).body as Buffer;
      const outer = await JSZip.loadAsync(file);
      const docs = format === 'zip' ? await Promise.all(Object.values(outer.files).map((f) => f.async('nodebuffer').then((b) => JSZip.loadAsync(b)))) : [outer];
      for (const doc of docs) {
        const names = Object.keys(doc.files);
        expect(names.filter((n) => /vbaProject|vbaData/.test(n))).toEqual([]);
        for (const name of names.filter((n) => /\.(xml|rels)$/.test(n))) {
          const xml = await doc.file(name)!.async('string');
          for (const marker of HOSTILE_MARKERS) if (xml.includes(marker)) throw new Error(`${format}: ${name} still holds ${marker}`);
        }
      }
      expect(await docxText(format === 'zip' ? await Object.values(outer.files)[0].async('nodebuffer') : file)).toContain(`Я, ${fullName(MEMBERS[0])},`);
    }
  });

  test('template upload refusals: a missing placeholder named (422), not a .docx (400), too large (413), a zip bomb (413), wrong type (415)', async () => {
    const put = (body: Buffer | string, type = DOCX) => api().put('/api/v1/templates/consent-union').set(auth(admin)).set('Content-Type', type).send(body);

    const zip = await JSZip.loadAsync(readTemplateFile('consent-union'));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain('{{operator_address}}');
    zip.file('word/document.xml', xml.replace('{{operator_address}}', 'адрес впишем от руки'));
    const missing = await put(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
    expect(missing.status).toBe(422);
    expect(missing.body.type).toBe('/problems/template_rejected');
    expect(missing.body.detail).toContain('{{operator_address}}');
    expect(missing.body.missing).toEqual(['operator_address']);

    const notZip = await put(Buffer.from('Просто текст, а не документ'));
    expect(notZip.status).toBe(400);
    expect(notZip.body.type).toBe('/problems/template_not_docx');
    expect(notZip.body.detail).toContain('.docx');
    const zipNotDocx = await put(craftZip([{ name: 'readme.txt', data: Buffer.from('не Word') }]));
    expect(zipNotDocx.status).toBe(400);

    const big = await put(Buffer.alloc(UPLOAD_LIMIT + 1, 1));
    expect(big.status).toBe(413);
    expect(big.body.type).toBe('/problems/upload_too_large');

    const bomb = await put(craftZip([{ name: 'word/document.xml', data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 2000 }]));
    expect(bomb.status).toBe(413);
    expect(bomb.body.type).toBe('/problems/template_too_large');

    expect((await put(readTemplateFile('consent-union'), 'application/pdf')).status).toBe(415);
    // Nothing changed.
    const list = await api().get('/api/v1/templates').set(auth(admin));
    expect(list.body.find((x: { kind: string }) => x.kind === 'consent-union')).toMatchObject({ version: 1, versions: 1 });
  });

  test('obligation: the superior organisation prints it for a chair it manages; anyone prints their own', async () => {
    const kgUser = await t.ctx.db.models.User.findOne({ where: { login: 'kindergarten' } });
    const res = await api().post(`/api/v1/accounts/${kgUser!.id}/documents/obligation`).set(auth(territory));
    expect(res.status).toBe(201);
    const text = await docxText((await download(t, res.body.downloadUrl)).body as Buffer);
    expect(text).toContain('Фёдорова Анна Ивановна');
    // The office once; no union name in the passport yet: the full name, «ППО» written out.
    expect(text).toContain('Председатель\n(должность)');
    expect(text).toContain('Первичная профсоюзная организация МБДОУ «Детский сад № 5 «Солнышко» Общероссийского Профсоюза образования,');
    expect(text).not.toContain('ППО МБДОУ');
    const row = await printed().findByPk(res.body.documentId);
    expect(row).toMatchObject({ kind: 'obligation', subjectUserId: kgUser!.id, orgId: t.demo.orgIds.kindergarten, templateVersion: '{"obligation":1}' });

    // The chair whose obligation is not recorded yet prints their own, to sign it.
    const own = await api().post('/api/v1/me/documents/obligation').set(auth(await t.token('kindergarten')));
    expect(own.status).toBe(201);
    // A chair cannot print for others; a territorial chair not for an account outside its subtree or its own level.
    expect((await api().post(`/api/v1/accounts/${kgUser!.id}/documents/obligation`).set(auth(school))).status).toBe(403);
    const territoryUser = await t.ctx.db.models.User.findOne({ where: { login: 'territory' } });
    expect((await api().post(`/api/v1/accounts/${territoryUser!.id}/documents/obligation`).set(auth(territory))).status).toBe(403);
  });

  test('login letter: the account is created with its letter; the password is only in the letter and the answer, never stored readable', async () => {
    const users = await t.ctx.db.models.User.count();
    const noContact = await api().post(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/accounts/with-letter`).set(auth(territory)).send({ fullName: 'Белова Елена Юрьевна' });
    expect(noContact.status).toBe(422);
    expect(noContact.body.type).toBe('/problems/contact_missing');
    expect(await t.ctx.db.models.User.count()).toBe(users);

    const res = await api()
      .post(`/api/v1/organisations/${t.demo.orgIds.kindergarten}/accounts/with-letter`)
      .set(auth(territory))
      .send({ fullName: 'Белова Елена Юрьевна', contact: '+7 843 200-00-00' });
    expect(res.status).toBe(201);
    const { login } = res.body.account;
    const password: string = res.body.oneTimePassword;
    expect(password).toHaveLength(12);

    // Before the download the stored file is encrypted: not a readable .docx, no password in it.
    const stored = await printed().findByPk(res.body.documentId);
    expect(stored!.file).not.toBeNull();
    expect(Buffer.from(stored!.file!).includes(Buffer.from(password))).toBe(false);
    await expect(JSZip.loadAsync(Buffer.from(stored!.file!))).rejects.toThrow();

    const letter = await download(t, res.body.downloadUrl);
    expect(letter.status).toBe(200);
    const text = await docxText(letter.body as Buffer);
    expect(text).toContain(login);
    expect(text).toContain(password);
    expect(text).toContain('Белова Елена Юрьевна');
    expect(text).toContain(t.ctx.config.publicOrigin);
    expect(text).toContain('+7 843 200-00-00');

    // After the download nothing of the letter is kept: no file, and no column holds the password.
    const after = await printed().findByPk(res.body.documentId);
    expect(after!.file).toBeNull();
    expect(JSON.stringify(after!.get({ plain: true }))).not.toContain(password);
    expect(JSON.stringify(await auditRows())).not.toContain(password);
    expect((await download(t, res.body.downloadUrl)).status).toBe(410);
    expect((await api().post('/api/v1/auth/login').send({ login, password })).status).toBe(200);

    // A new letter means a new password; the contact can also come from the organisation's details.
    await api().put(`/api/v1/organisations/${t.demo.orgIds.territorial}/documents/details`).set(auth(territory)).send({ contact: 'help@example.org' });
    const reset = await api().post(`/api/v1/accounts/${res.body.account.id}/reset-password/with-letter`).set(auth(territory));
    expect(reset.status).toBe(200);
    expect(reset.body.oneTimePassword).not.toBe(password);
    const resetText = await docxText((await download(t, reset.body.downloadUrl)).body as Buffer);
    expect(resetText).toContain(reset.body.oneTimePassword);
    expect(resetText).toContain('help@example.org');
    expect((await api().post('/api/v1/auth/login').send({ login, password })).status).toBe(401);
    const printedAudit = (await auditRows()).filter((a) => a.action === 'document.printed' && JSON.parse(a.details!).kind === 'login-letter');
    expect(printedAudit).toHaveLength(2);
    expect(JSON.parse(printedAudit[0].details!)).toMatchObject({ templateVersions: { 'login-letter': 1 }, subjectUserId: res.body.account.id });
  });
});
