/**
 * Electronic union cards through the API, on SQLite and PostgreSQL: eligibility with every reason,
 * orders (idempotent, one per primary organisation, foreign members 404) and their cancellation,
 * batches over a subtree, the operator's register (exact layout of .xlsx and .csv) and application,
 * the delivery list import with per-row results (checked against the database), issuing, the
 * reminder list, prices by year and the budget against hand-computed figures.
 */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import request from 'supertest';
import { cardTransitionProblem } from '../../domain/cards';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { orderedSteps } from '../../test/support/ordered-steps';
import { lit, rows } from '../services/members/sql-literals';
import { computeCountersFromScratch, readStats } from '../services/progress/counters';
import { cardEvents, cardOf, createOrg, seedMembers } from '../services/cards/test-fixtures';
import { UNKNOWN_MEMBER } from '../services/cards/delivery-import.service';

const EXPECTED_HEADERS = [
  '№', 'Номер партии', 'Номер заявки', 'Вид заявки', 'Фамилия', 'Имя', 'Отчество', 'Дата рождения',
  'Телефон', 'E-mail', 'Категория', 'Первичная профсоюзная организация', 'Статус ЭПБ', 'Дата статуса',
];

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

const NO_ID = '00000000-0000-4000-8000-000000000001';

describe.each(dbVariants())('cards API (%s)', (variant) => {
  let t: TestApp;
  let tok: Record<'admin' | 'region' | 'territory' | 'school', string>;
  let T: number, P1: number, P3: number, U3: number, T2: number, Q1: number;
  const m: Record<string, string> = {};

  const get = (path: string, token: string) => request(t.app).get(`/api/v1${path}`).set(auth(token));
  const getFile = (path: string, token: string) => get(path, token).buffer(true).parse(binary);
  const post = (path: string, token: string, body?: object) => {
    const r = request(t.app).post(`/api/v1${path}`).set(auth(token));
    return body === undefined ? r : r.send(body);
  };
  const upload = (path: string, token: string, data: Buffer, contentType: string) => request(t.app).post(`/api/v1${path}`).set(auth(token)).set('Content-Type', contentType).send(data);
  const userId = async (login: string) => Number((await rows<{ id: unknown }>(t.ctx.db, `SELECT id FROM users WHERE login = ${lit(login)}`))[0].id);

  beforeAll(async () => {
    // Long sessions: the clock moves days ahead (statuses arrive after the order).
    t = await startTestApp(variant, { tokenTtlMinutes: 60 * 24 * 60 });
    tok = { admin: await t.token('admin'), region: await t.token('region'), territory: await t.token('territory'), school: await t.token('school') };
    T = t.demo.orgIds.territorial;
    P1 = t.demo.orgIds.school;
    P3 = await createOrg(t, T, 'primary', 'ППО гимназии № 2');
    U3 = await createOrg(t, P3, 'subdivision', 'Профбюро начальной школы');
    T2 = await createOrg(t, t.demo.orgIds.region, 'territorial', 'Соседняя районная организация');
    Q1 = await createOrg(t, T2, 'primary', 'ППО лицея соседнего района');
    const names = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11', 'e12'];
    const ids = await seedMembers(t.ctx, [
      { orgId: P3 },
      { orgId: P3, consentUnion: null },
      { orgId: P3, consentUnion: 'refused' },
      { orgId: P3, consentOperator: null },
      { orgId: P3, consentOperator: 'revoked' },
      { orgId: P3, phone: null },
      { orgId: P3, name: '' },
      { orgId: P3, deregisteredAt: '2026-10-01' },
      { orgId: P3, cardStatus: 'ordered', cardStatusAt: '2026-05-01T00:00:00.000Z' },
      { orgId: P3, cardStatus: 'blocked', cardStatusAt: '2026-05-01T00:00:00.000Z' },
      { orgId: P3, cardStatus: 'lost', cardStatusAt: '2026-05-01T00:00:00.000Z' },
      { orgId: U3, primaryOrgId: P3 },
      { orgId: P3, cardStatus: 'ordered', cardStatusAt: '2026-05-01T00:00:00.000Z' },
    ]);
    names.forEach((n, i) => (m[n] = ids[i]));
    const [s0, s1, s2] = await seedMembers(t.ctx, [
      { orgId: P1, surname: 'Белова', name: 'Ольга', patronymic: 'Игоревна', birthDate: '1979-03-05', snils: '11223344595', phone: '+79161234567', email: 'belova@example.org', sex: 'female' },
      { orgId: P1, surname: 'Громов', name: 'Илья', patronymic: null, sex: 'male' },
      { orgId: P1, consentOperator: null },
    ]);
    Object.assign(m, { s0, s1, s2 });
    [m.q0] = await seedMembers(t.ctx, [{ orgId: Q1 }]);
  });
  afterAll(() => t.close());

  // The tests are the steps of one card year on one app, in this order: each needs what the steps before
  // it leave (the orders before a batch, a batch before its register, the delivery list before step 7,
  // the clock moved to December before the budget's deliveries).
  const step = orderedSteps();

  step('eligibility: every reason in Russian; a member elsewhere (or unknown) is 404', async () => {
    const ids = ['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11'].map((n) => m[n]);
    const res = await post(`/organisations/${P3}/cards/eligibility`, tok.territory, { memberIds: ids });
    expect(res.status).toBe(200);
    const union = 'нет согласия Профсоюзу на обработку персональных данных';
    const operator = 'нет согласия ООО «ФИНФОРТ» (оператору карт)';
    expect(res.body.members.map((x: { reasons: string[] }) => x.reasons)).toEqual([
      [],
      [union],
      [union],
      [operator],
      [operator],
      ['не заполнен телефон'],
      ['не заполнены фамилия и имя'],
      ['снят(а) с учёта'],
      ['карта уже есть или заказана (статус «Заказан»)'],
      ['карта заблокирована'],
      [],
      [],
    ]);
    expect(res.body.members.map((x: { kind: string | null }) => x.kind)).toEqual(['new', null, null, null, null, null, null, null, null, null, 'reissue', 'new']);
    expect(res.body).toMatchObject({ eligible: 3, notEligible: 9 });

    expect((await post(`/organisations/${T}/cards/eligibility`, tok.territory, { memberIds: [m.e0, m.q0] })).status).toBe(404);
    expect((await post(`/organisations/${T}/cards/eligibility`, tok.territory, { memberIds: [NO_ID] })).status).toBe(404);
    expect((await post(`/organisations/${P3}/cards/eligibility`, tok.school, { memberIds: [m.e0] })).status).toBe(404);
    expect((await post(`/organisations/${P1}/cards/eligibility`, tok.school, { memberIds: [m.e0] })).status).toBe(404);
  });

  step('orders: eligible members ordered, the others answered with reasons; idempotent; foreign members 404; cancel returns the statuses', async () => {
    const school = await userId('school');
    const body = { memberIds: [m.s0, m.s1, m.s2], idempotencyKey: 'cards-order-0001' };
    const res = await post(`/organisations/${P1}/card-orders`, tok.school, body);
    expect(res.status).toBe(200);
    expect(res.body.orders).toHaveLength(1);
    const order = res.body.orders[0];
    expect(order).toMatchObject({ orgId: P1, status: 'submitted', cards: 2, newCards: 2, reissues: 0, createdBy: school, batchId: null });
    expect(order.number).toMatch(/^ЭПБ-2026-\d{6}$/);
    expect(res.body.members).toEqual([
      { memberId: m.s0, outcome: 'ordered', orderNumber: order.number, reasons: [] },
      { memberId: m.s1, outcome: 'ordered', orderNumber: order.number, reasons: [] },
      { memberId: m.s2, outcome: 'refused', orderNumber: null, reasons: ['нет согласия ООО «ФИНФОРТ» (оператору карт)'] },
    ]);
    expect(res.body).toMatchObject({ ordered: 2, reissue: 0, refused: 1 });
    expect((await cardOf(t.ctx, m.s0)).cardStatus).toBe('ordered');
    expect((await cardOf(t.ctx, m.s2)).cardStatus).toBe('not_ordered');
    expect(await cardEvents(t.ctx, m.s0)).toEqual([{ from: 'not_ordered', to: 'ordered', via: 'order', userId: school }]);

    // The same request again: the same answer, nothing ordered twice. The key with other members: 409.
    const again = await post(`/organisations/${P1}/card-orders`, tok.school, body);
    expect(again.body).toEqual(res.body);
    const [{ n }] = await rows<{ n: unknown }>(t.ctx.db, `SELECT COUNT(*) AS n FROM card_orders WHERE org_id = ${lit(P1)}`);
    expect(Number(n)).toBe(1);
    expect((await post(`/organisations/${P1}/card-orders`, tok.school, { ...body, memberIds: [m.s2] })).status).toBe(409);

    // A member of another organisation: 404, whichever organisation the request names; nothing ordered.
    expect((await post(`/organisations/${P1}/card-orders`, tok.school, { memberIds: [m.s2, m.q0] })).status).toBe(404);
    expect((await post(`/organisations/${Q1}/card-orders`, tok.school, { memberIds: [m.q0] })).status).toBe(404);
    expect((await post(`/organisations/${T}/card-orders`, tok.territory, { memberIds: [m.e0, m.q0] })).status).toBe(404);
    expect((await cardOf(t.ctx, m.q0)).cardStatus).toBe('not_ordered');
    expect((await cardOf(t.ctx, m.e0)).cardStatus).toBe('not_ordered');

    // A territorial officer orders for a primary below it: a first card, a reissue (lost), a member of a профбюро.
    const p3 = await post(`/organisations/${T}/card-orders`, tok.territory, { memberIds: [m.e0, m.e10, m.e11, m.e8] });
    expect(p3.status).toBe(200);
    expect(p3.body.orders).toHaveLength(1);
    expect(p3.body.orders[0]).toMatchObject({ orgId: P3, orgName: 'ППО гимназии № 2', cards: 3, newCards: 2, reissues: 1 });
    expect(p3.body.members.map((x: { outcome: string }) => x.outcome)).toEqual(['ordered', 'reissue', 'ordered', 'refused']);
    expect((await cardOf(t.ctx, m.e10)).cardStatus).toBe('reissue');

    // The school chair cannot see that order; the territorial officer cancels it.
    const orderId = p3.body.orders[0].id;
    expect((await post(`/card-orders/${orderId}/cancel`, tok.school)).status).toBe(404);
    const cancel = await post(`/card-orders/${orderId}/cancel`, tok.territory);
    expect(cancel.status).toBe(200);
    expect(cancel.body.order).toMatchObject({ status: 'cancelled', statusLabel: 'Отменена' });
    expect(cancel.body.members.sort((a: { memberId: string }, b: { memberId: string }) => a.memberId.localeCompare(b.memberId))).toEqual(
      [
        { memberId: m.e0, outcome: 'updated', status: 'not_ordered', message: null },
        { memberId: m.e10, outcome: 'updated', status: 'lost', message: null },
        { memberId: m.e11, outcome: 'updated', status: 'not_ordered', message: null },
      ].sort((a, b) => a.memberId.localeCompare(b.memberId)),
    );
    expect((await cardOf(t.ctx, m.e10)).cardStatus).toBe('lost');
    expect((await cardEvents(t.ctx, m.e10)).map((e) => `${e.from}→${e.to} ${e.via}`)).toEqual(['null→lost system', 'lost→reissue order', 'reissue→lost order']);
    const twice = await post(`/card-orders/${orderId}/cancel`, tok.territory);
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ order: { status: 'cancelled' }, members: [] });

    // Order e0 again for the batch below.
    expect((await post(`/organisations/${P3}/card-orders`, tok.territory, { memberIds: [m.e0] })).body.ordered).toBe(1);
    const list = await get(`/organisations/${T}/card-orders`, tok.territory);
    expect(list.body.map((o: { status: string; orgId: number }) => `${o.orgId}:${o.status}`)).toEqual([`${P3}:submitted`, `${P3}:cancelled`, `${P1}:submitted`]);
    expect((await get(`/organisations/${P1}/card-orders`, tok.school)).body).toHaveLength(1);
  });

  let batch: { id: number; number: string };

  step('a batch collects the submitted orders of the subtree only; batched orders cannot be cancelled', async () => {
    const q = await post(`/organisations/${Q1}/card-orders`, tok.region, { memberIds: [m.q0] });
    expect(q.body.ordered).toBe(1);
    expect((await post(`/organisations/${P1}/card-batches`, tok.territory, {})).body.type).toBe('/problems/not_collecting_org');
    const res = await post(`/organisations/${T}/card-batches`, tok.territory, {});
    expect(res.status).toBe(201);
    expect(res.body.number).toMatch(/^ЭПБ-П-2026-\d{6}$/);
    expect(res.body).toMatchObject({ year: 2026, orgId: T, ordersCount: 2, cardCount: 3, priceKopecks: 1700, costKopecks: 5100, priceRub: 17, costRub: 51 });
    expect(res.body.orders.map((o: { orgId: number; cards: number }) => `${o.orgId}:${o.cards}`).sort()).toEqual([`${P1}:2`, `${P3}:1`].sort());
    batch = res.body;

    const schoolOrder = (await get(`/organisations/${P1}/card-orders`, tok.school)).body[0];
    expect(schoolOrder).toMatchObject({ status: 'batched', batchId: batch.id, batchNumber: batch.number });
    const cancel = await post(`/card-orders/${schoolOrder.id}/cancel`, tok.school);
    expect(cancel.status).toBe(409);
    expect(cancel.body.detail).toContain(batch.number);
    expect((await cardOf(t.ctx, m.s0)).cardStatus).toBe('ordered');

    // The other territorial organisation's order stayed out and is still submitted.
    expect((await get(`/organisations/${T2}/card-orders`, tok.region)).body.map((o: { status: string }) => o.status)).toEqual(['submitted']);
    expect((await post(`/organisations/${T}/card-batches`, tok.territory, {})).body.type).toBe('/problems/no_orders');
    expect((await get(`/organisations/${T}/card-batches`, tok.territory)).body.map((b: { id: number }) => b.id)).toEqual([batch.id]);
    expect((await get(`/organisations/${t.demo.orgIds.region}/card-batches`, tok.region)).body.map((b: { id: number }) => b.id)).toEqual([batch.id]);
  });

  step('the operator register: exact .xlsx and .csv layout; the application .docx; every download audited; a foreign batch is 404', async () => {
    const xlsx = await getFile(`/card-batches/${batch.id}/register.xlsx`, tok.territory);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.headers['content-disposition']).toContain('attachment');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const ws = wb.getWorksheet('Реестр ЭПБ')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(EXPECTED_HEADERS);
    expect(ws.actualRowCount).toBe(4);
    const rowsBySurname = new Map<string, unknown[]>();
    for (let r = 2; r <= 4; r++) {
      const values = (ws.getRow(r).values as unknown[]).slice(1);
      rowsBySurname.set(String(values[4]), values);
    }
    const schoolOrderNumber = (await get(`/organisations/${P1}/card-orders`, tok.school)).body[0].number;
    const s0 = rowsBySurname.get('Белова')!;
    // No СНИЛС, sex or internal id: the consent to the operator does not list them (domain/card-operator-data.ts).
    expect(s0).toEqual([
      s0[0], batch.number, schoolOrderNumber, 'Новый билет', 'Белова', 'Ольга', 'Игоревна', new Date('1979-03-05T00:00:00.000Z'),
      '+79161234567', 'belova@example.org', 'Работник', 'ППО МБОУ «Средняя школа № 1»', 'Заказан', new Date('2026-11-26T00:00:00.000Z'),
    ]);
    expect(ws.getCell(2, 8).numFmt).toBe('dd.mm.yyyy');
    expect(ws.getCell(2, 9).numFmt).toBe('@'); // the phone stays text
    for (const id of [m.s0, m.s1, m.e0]) expect(JSON.stringify(ws.getSheetValues())).not.toContain(id);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(wb.getWorksheet('Сведения')!.getCell('B1').value).toBe(batch.number);

    const csv = await getFile(`/card-batches/${batch.id}/register.csv`, tok.territory);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(EXPECTED_HEADERS.join(';'));
    expect(lines).toHaveLength(5); // header, 3 members, the empty string after the last CRLF
    expect(lines[4]).toBe('');
    const line = lines.find((l) => l.includes('Белова'))!;
    expect(line).toBe(
      `${s0[0]};${batch.number};${schoolOrderNumber};Новый билет;Белова;Ольга;Игоревна;05.03.1979;+79161234567;belova@example.org;Работник;ППО МБОУ «Средняя школа № 1»;Заказан;26.11.2026`,
    );
    expect(lines.find((l) => l.includes('Громов'))).toMatch(/;Громов;Илья;;12\.04\.1985;/);

    // The order names where the cards are mailed: the regional committee's address, kept in its details.
    const noAddress = await getFile(`/card-batches/${batch.id}/application.docx`, tok.territory);
    expect(noAddress.status).toBe(422);
    expect(JSON.parse((noAddress.body as Buffer).toString('utf8')).detail).toMatch(/адрес доставки билетов .*«Демонстрационная региональная организация Профсоюза».* Его вносит председатель этой организации или администратор реестра/);
    const region = t.demo.orgIds.region;
    expect((await request(t.app).put(`/api/v1/organisations/${region}/documents/details`).set(auth(tok.region)).send({ legalAddress: '420000, г. Демонстрационный, ул. Профсоюзная, д. 10' })).status).toBe(200);
    const docx = await getFile(`/card-batches/${batch.id}/application.docx`, tok.territory);
    expect(docx.status).toBe(200);
    expect(docx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const xml = await (await JSZip.loadAsync(docx.body as Buffer)).file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain(batch.number);
    expect(text).toContain('Белова Ольга Игоревна');
    expect(text).toContain('51,00');
    expect(text).toContain('Кузнецов А.В.'); // the territorial officer who collected the batch

    const audits = await rows<{ details: string }>(t.ctx.db, `SELECT details FROM audit_log WHERE action = 'card_batch.exported' AND entity_id = ${lit(String(batch.id))} ORDER BY id`);
    expect(audits.map((a) => JSON.parse(a.details).format)).toEqual(['xlsx', 'csv', 'docx']);
    expect(JSON.parse(audits[2].details)).toMatchObject({ members: 3, via: 'download', templateVersions: { 'card-order': 1 } });
    expect(audits.every((a) => !a.details.includes('Белова'))).toBe(true);

    // The same files through a single-use link (what the task pane opens in the browser): no token, once.
    const link = await post(`/card-batches/${batch.id}/links`, tok.territory, { file: 'register.csv' });
    expect(link.status).toBe(201);
    const path = new URL(link.body.downloadUrl).pathname;
    const viaLink = await request(t.app).get(path).buffer(true).parse(binary);
    expect(viaLink.status).toBe(200);
    expect((viaLink.body as Buffer).equals(bytes)).toBe(true);
    expect((await request(t.app).get(path)).status).toBe(410);
    const docLink = await post(`/card-batches/${batch.id}/links`, tok.territory, { file: 'application.docx' });
    expect(docLink.status).toBe(201);
    const printedRows = await rows<{ kind: string; format: string; member_ids: string }>(t.ctx.db, `SELECT kind, format, member_ids FROM printed_documents ORDER BY created_at, id`);
    expect(printedRows.map((r) => `${r.kind}/${r.format}`).sort()).toEqual(['card-application/docx', 'card-register/csv']);
    expect(JSON.parse(printedRows[0].member_ids).sort()).toEqual([m.s0, m.s1, m.e0].sort());
    expect((await post(`/card-batches/${batch.id}/links`, tok.territory, { file: 'secret.txt' })).status).toBe(400);

    const other = await post(`/organisations/${T2}/card-batches`, tok.region, {});
    expect(other.status).toBe(201);
    expect((await get(`/card-batches/${other.body.id}/register.csv`, tok.territory)).status).toBe(404);
    expect((await get(`/card-batches/${batch.id}/register.csv`, tok.school)).status).toBe(403);
  });

  step('delivery list: per-row results (unknown, foreign, duplicate, out of order, bad date, unchanged), dry run, only valid rows applied', async () => {
    t.clock.advanceMinutes(5 * 24 * 60); // 2026-12-01
    const snilsS1 = (await rows<{ snils: string }>(t.ctx.db, `SELECT snils FROM members WHERE id = ${lit(m.s1)}`))[0].snils;
    const formatted = `${snilsS1.slice(0, 3)}-${snilsS1.slice(3, 6)}-${snilsS1.slice(6, 9)} ${snilsS1.slice(9)}`;
    const csv = [
      'ID члена Профсоюза,СНИЛС,Статус ЭПБ,Дата статуса',
      `${m.s0},,Изготовлен,28.11.2026`,
      `,${formatted},изготовлен,`,
      `${NO_ID},,Изготовлен,28.11.2026`,
      `${m.q0},,Изготовлен,28.11.2026`,
      `${m.s0},,Отправлен в регион,29.11.2026`,
      `${m.e0},,Получен организацией,28.11.2026`,
      `${m.e12},,Заказан,28.11.2026`,
      `${m.e11},,Изготовлен,31.02.2026`,
      ',,,',
      ',,Изготовлен,',
      `${m.e8},,"Отправлен",02.12.2026`,
    ].join('\r\n');
    const file = iconv.encode(csv, 'win1251');
    const before = await rows<{ id: string; version: unknown; card_status: string }>(t.ctx.db, 'SELECT id, version, card_status FROM members ORDER BY id');

    const dry = await upload(`/organisations/${T}/cards/delivery-import?dryRun=1`, tok.territory, file, 'text/csv');
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.format).toMatchObject({ format: 'csv', encoding: 'windows-1251', separator: ',', headerRow: 1 });
    expect(await rows(t.ctx.db, 'SELECT id, version, card_status FROM members ORDER BY id')).toEqual(before);

    const res = await upload(`/organisations/${T}/cards/delivery-import`, tok.territory, file, 'text/csv');
    expect(res.status).toBe(200);
    const outcome = (r: { row: number; outcome: string; message: string | null }) => [r.row, r.outcome, r.message];
    expect(res.body.rows.map(outcome)).toEqual([
      [2, 'updated', null],
      [3, 'updated', null],
      [4, 'error', UNKNOWN_MEMBER],
      [5, 'error', UNKNOWN_MEMBER],
      [6, 'error', 'Повтор: этот член Профсоюза уже есть в строке 2. Оставьте в списке одну строку на человека.'],
      [7, 'error', cardTransitionProblem('ordered', 'received', 'import')],
      [8, 'unchanged', 'Статус уже «Заказан».'],
      [9, 'error', 'Дата статуса: такой даты нет — проверьте число и месяц. Введите дату в виде ДД.ММ.ГГГГ'],
      [11, 'error', 'По строке нельзя найти члена Профсоюза: заполните номер заявки, фамилию, имя и дату рождения (или ID члена Профсоюза, или СНИЛС).'],
      [12, 'error', 'Дата статуса: дата ещё не наступила — проверьте число, месяц и год'],
    ]);
    expect(res.body.rows.map((r: { outcome: string }) => r.outcome)).toEqual(dry.body.rows.map((r: { outcome: string }) => r.outcome));
    expect(res.body.counts).toEqual({ updated: 2, unchanged: 1, error: 7 });
    expect(res.body.rows[0]).toMatchObject({ memberId: m.s0, status: 'produced', date: '2026-11-28' });
    expect(res.body.rows[1]).toMatchObject({ memberId: m.s1, status: 'produced', date: '2026-12-01' });

    // Only s0 and s1 changed in the whole database.
    const after = await rows<{ id: string; version: unknown; card_status: string }>(t.ctx.db, 'SELECT id, version, card_status FROM members ORDER BY id');
    const changed = after.filter((a, i) => a.card_status !== before[i].card_status || Number(a.version) !== Number(before[i].version)).map((a) => a.id);
    expect(changed.sort()).toEqual([m.s0, m.s1].sort());
    expect((await cardOf(t.ctx, m.s0)).cardStatus).toBe('produced');
    expect((await cardEvents(t.ctx, m.s0)).at(-1)).toEqual({ from: 'ordered', to: 'produced', via: 'import', userId: await userId('territory') });

    // The register comes back as a delivery list (.xlsx): the operator fills in the status and date; the
    // member is found by the order number, full name and birth date (the register has no id or СНИЛС).
    const e0Surname = (await rows<{ surname: string }>(t.ctx.db, `SELECT surname FROM members WHERE id = ${lit(m.e0)}`))[0].surname;
    const xlsx = await getFile(`/card-batches/${batch.id}/register.xlsx`, tok.territory);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const ws = wb.getWorksheet('Реестр ЭПБ')!;
    for (let r = 2; r <= ws.actualRowCount; r++) {
      const surname = String(ws.getCell(r, 5).value);
      ws.getCell(r, 13).value = surname === e0Surname ? 'Изготовлен' : 'Отправлен в регион';
      ws.getCell(r, 14).value = new Date('2026-12-01T00:00:00.000Z');
    }
    const back = await upload(`/organisations/${T}/cards/delivery-import`, tok.territory, Buffer.from(await wb.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(back.status).toBe(200);
    expect(back.body.counts).toEqual({ updated: 3, unchanged: 0, error: 0 });
    expect((await cardOf(t.ctx, m.e0)).cardStatus).toBe('produced');
    expect((await cardOf(t.ctx, m.s1)).cardStatus).toBe('sent');

    // UTF-8 with BOM and «;», sent as JSON base64 (what the task pane's client can send).
    const received = `\uFEFFСНИЛС;ID члена Профсоюза;Статус ЭПБ;Дата статуса\r\n;${m.s0};Получен организацией;01.12.2026\r\n;${m.s1};Получен организацией;01.12.2026\r\n`;
    const json = await post(`/organisations/${T}/cards/delivery-import`, tok.territory, { fileBase64: Buffer.from(received, 'utf8').toString('base64') });
    expect(json.status).toBe(200);
    expect(json.body.format).toMatchObject({ encoding: 'utf-8', separator: ';' });
    expect(json.body.counts).toEqual({ updated: 2, unchanged: 0, error: 0 });
    expect((await upload(`/organisations/${T}/cards/delivery-import`, tok.territory, Buffer.from('x'), 'image/png')).status).toBe(415);
  });

  step('step 7: the reminder list with the instructions; issuing received cards; others refused with the reason', async () => {
    const list = await get(`/organisations/${P1}/cards/to-issue`, tok.school);
    expect(list.status).toBe(200);
    expect(list.body.help.title).toBe('Шаг 7. Выдача электронных профсоюзных билетов');
    expect(list.body.help.steps.join(' ')).toMatch(/приложение profcards.*www\.profcards.*«Выдан»/s);
    expect(list.body).toMatchObject({ total: 2, truncated: false });
    expect(list.body.members.map((x: { memberId: string; surname: string }) => [x.memberId, x.surname]).sort()).toEqual([[m.s0, 'Белова'], [m.s1, 'Громов']].sort());
    expect((await get(`/organisations/${T}/cards/to-issue`, tok.territory)).body.total).toBe(2);
    expect((await get(`/organisations/${P3}/cards/to-issue`, tok.territory)).body.total).toBe(0);

    const issued = await post(`/organisations/${T}/cards/issue`, tok.territory, { memberIds: [m.s0, m.e0], date: '01.12.2026' });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ issued: 1, refused: 1, unchanged: 0 });
    expect(issued.body.members).toEqual([
      { memberId: m.s0, outcome: 'issued', message: null },
      { memberId: m.e0, outcome: 'refused', message: cardTransitionProblem('produced', 'issued', 'sheet') },
    ]);
    expect((await cardEvents(t.ctx, m.s0)).at(-1)).toMatchObject({ from: 'received', to: 'issued', via: 'sheet' });
    expect((await post(`/organisations/${P1}/cards/issue`, tok.school, { memberIds: [m.s0] })).body.members[0].outcome).toBe('unchanged');
    expect((await post(`/organisations/${P1}/cards/issue`, tok.school, { memberIds: [m.s1], date: '2026-12-24' })).status).toBe(422);
    expect((await post(`/organisations/${P1}/cards/issue`, tok.school, { memberIds: [m.q0] })).status).toBe(404);
    const after = await get(`/organisations/${P1}/cards/to-issue`, tok.school);
    expect(after.body.members.map((x: { memberId: string }) => x.memberId)).toEqual([m.s1]);
  });

  step('budget: per child and total against hand-computed figures, at 17 ₽ (2021 price in force) and at an overridden price', async () => {
    const region = t.demo.orgIds.region;
    const T3 = await createOrg(t, region, 'territorial', 'Районная организация для бюджета');
    const X1 = await createOrg(t, T3, 'primary', 'ППО 1 детского сада');
    const X2 = await createOrg(t, T3, 'primary', 'ППО 2 школы');
    const X3 = await createOrg(t, T3, 'primary', 'ППО 3 колледжа');
    const X3u = await createOrg(t, X3, 'subdivision', 'Профбюро отделения');
    const a = await seedMembers(t.ctx, [{ orgId: X1 }, { orgId: X1 }, { orgId: X1 }, { orgId: X1 }, { orgId: X1, consentUnion: null }]);
    const b = await seedMembers(t.ctx, [{ orgId: X2 }, { orgId: X2 }, { orgId: X2 }]);
    await seedMembers(t.ctx, [
      { orgId: X3 },
      { orgId: X3 },
      { orgId: X3u, primaryOrgId: X3 },
      { orgId: X3, deregisteredAt: '2026-09-01' },
      { orgId: X3, cardStatus: 'issued', cardStatusAt: '2025-05-20T10:00:00.000Z' },
    ]);
    // X1: two ordered, one ordered and cancelled (back among those to order). X2: three ordered, one of them issued.
    expect((await post(`/organisations/${X1}/card-orders`, tok.region, { memberIds: [a[0], a[1]] })).body.ordered).toBe(2);
    const cancelled = await post(`/organisations/${X1}/card-orders`, tok.region, { memberIds: [a[2]] });
    expect((await post(`/card-orders/${cancelled.body.orders[0].id}/cancel`, tok.region)).status).toBe(200);
    expect((await post(`/organisations/${X2}/card-orders`, tok.region, { memberIds: b })).body.ordered).toBe(3);
    expect((await post(`/organisations/${T3}/card-batches`, tok.region, {})).body).toMatchObject({ cardCount: 5, costKopecks: 8500 });
    for (const status of ['Изготовлен', 'Отправлен в регион', 'Получен организацией']) {
      const file = Buffer.from(`ID члена Профсоюза;Статус ЭПБ;Дата статуса\n${b[0]};${status};01.12.2026\n`, 'utf8');
      expect((await upload(`/organisations/${T3}/cards/delivery-import`, tok.region, file, 'text/csv')).body.counts.updated).toBe(1);
    }
    expect((await post(`/organisations/${X2}/cards/issue`, tok.region, { memberIds: [b[0]] })).body.issued).toBe(1);

    const res = await get(`/organisations/${T3}/cards/budget?year=2026`, tok.region);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2026, priceKopecks: 1700, priceRub: 17, organisation: { id: T3, kind: 'territorial' } });
    const figures = (r: { name: string; ordered: number; issued: number; toOrder: number; orderedCostKopecks: number; toOrderCostKopecks: number; totalCostKopecks: number }) =>
      [r.name, r.ordered, r.issued, r.toOrder, r.orderedCostKopecks, r.toOrderCostKopecks, r.totalCostKopecks];
    expect(res.body.rows.map(figures)).toEqual([
      ['ППО 1 детского сада', 2, 0, 2, 3400, 3400, 6800],
      ['ППО 2 школы', 3, 1, 0, 5100, 0, 5100],
      ['ППО 3 колледжа', 0, 0, 3, 0, 5100, 5100],
    ]);
    expect(figures(res.body.total)).toEqual(['Итого: Районная организация для бюджета', 5, 1, 5, 8500, 8500, 17000]);

    // The region sees T3 as one line among its children, with the same figures.
    const regional = await get(`/organisations/${region}/cards/budget?year=2026`, tok.region);
    expect(figures(regional.body.rows.find((r: { orgId: number }) => r.orgId === T3))).toEqual(['Районная организация для бюджета', 5, 1, 5, 8500, 8500, 17000]);

    // Another year: orders and issues of that year only; those to order are today's.
    const y2025 = await get(`/organisations/${T3}/cards/budget?year=2025`, tok.region);
    expect(y2025.body.rows.map(figures)).toEqual([
      ['ППО 1 детского сада', 0, 0, 2, 0, 3400, 3400],
      ['ППО 2 школы', 0, 0, 0, 0, 0, 0],
      ['ППО 3 колледжа', 0, 1, 3, 0, 5100, 5100],
    ]);
    expect((await get(`/organisations/${T3}/cards/budget?year=2019`, tok.region)).body.type).toBe('/problems/card_price_missing');

    // The central administrator sets 25,50 ₽ for 2026.
    expect((await request(t.app).put('/api/v1/settings/card-prices').set(auth(tok.territory)).send({ year: 2026, priceRub: 25.5 })).status).toBe(403);
    const put = await request(t.app).put('/api/v1/settings/card-prices').set(auth(tok.admin)).send({ year: 2026, priceRub: 25.5 });
    expect(put.status).toBe(200);
    expect(put.body.map((p: { year: number; priceKopecks: number; source: string }) => [p.year, p.priceKopecks, p.source])).toEqual([
      [2021, 1700, 'config'],
      [2026, 2550, 'override'],
    ]);
    expect((await request(t.app).put('/api/v1/settings/card-prices').set(auth(tok.admin)).send({ year: 2026, priceRub: 25.555 })).status).toBe(422);
    const over = await get(`/organisations/${T3}/cards/budget?year=2026`, tok.region);
    expect(over.body.priceKopecks).toBe(2550);
    expect(over.body.rows.map(figures)).toEqual([
      ['ППО 1 детского сада', 2, 0, 2, 5100, 5100, 10200],
      ['ППО 2 школы', 3, 1, 0, 7650, 0, 7650],
      ['ППО 3 колледжа', 0, 0, 3, 0, 7650, 7650],
    ]);
    expect(figures(over.body.total)).toEqual(['Итого: Районная организация для бюджета', 5, 1, 5, 12750, 12750, 25500]);
    expect((await get(`/organisations/${T3}/cards/budget?year=2025`, tok.region)).body.priceKopecks).toBe(1700);

    // The same figures in .xlsx: table, total row, the note that the chart is drawn by the add-in.
    const file = await getFile(`/organisations/${T3}/cards/budget.xlsx?year=2026`, tok.region);
    expect(file.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as ArrayBuffer);
    const ws = wb.getWorksheet('Бюджет ЭПБ')!;
    expect((ws.getRow(5).values as unknown[]).slice(1)).toEqual([
      'Организация', 'Заказано билетов', 'Выдано билетов', 'Можно заказать', 'Стоимость заказанных, руб.', 'Стоимость к заказу, руб.', 'Всего на год, руб.',
    ]);
    expect((ws.getRow(6).values as unknown[]).slice(1)).toEqual(['ППО 1 детского сада', 2, 0, 2, 51, 51, 102]);
    expect((ws.getRow(9).values as unknown[]).slice(1)).toEqual(['Итого: Районная организация для бюджета', 5, 1, 5, 127.5, 127.5, 255]);
    expect(ws.getRow(9).font?.bold).toBe(true);
    expect(String(ws.getCell('A3').value)).toContain('Диаграмма в этот файл не входит');

    const budgetLink = await post(`/organisations/${T3}/cards/budget-link`, tok.region, { year: 2026 });
    expect(budgetLink.status).toBe(201);
    const linked = await request(t.app).get(new URL(budgetLink.body.downloadUrl).pathname).buffer(true).parse(binary);
    expect(linked.headers['content-disposition']).toContain(encodeURIComponent('Бюджет ЭПБ 2026'));
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(linked.body as ArrayBuffer);
    expect((wb2.getWorksheet('Бюджет ЭПБ')!.getRow(9).values as unknown[]).slice(1)).toEqual(['Итого: Районная организация для бюджета', 5, 1, 5, 127.5, 127.5, 255]);

    expect((await request(t.app).put('/api/v1/settings/card-prices').set(auth(tok.admin)).send({ year: 2026, priceRub: null })).body).toHaveLength(1);
    expect((await get(`/organisations/${T3}/cards/budget?year=2026`, tok.region)).body.priceKopecks).toBe(1700);
    expect((await get('/settings/card-prices', tok.school)).body).toEqual([{ year: 2021, priceKopecks: 1700, priceRub: 17, source: 'config', updatedAt: null }]);

    // The progress counters followed every card change of the subtree.
    const stored = await readStats(t.ctx, [T3, X1, X2, X3]);
    const fresh = await computeCountersFromScratch(t.ctx, T3);
    for (const id of [T3, X1, X2, X3]) {
      for (const k of ['cardsEligible', 'cardsOrdered', 'cardsReceived', 'cardsIssued'] as const) {
        expect([id, k, stored.get(id)!.counters[k]]).toEqual([id, k, fresh.get(id)!.counters[k]]);
      }
    }
  });

  step('at the same time: two orders of the same members order each once; a cancel racing a batch ends either cancelled or batched', async () => {
    const P4 = await createOrg(t, T2, 'primary', 'ППО параллельных заказов');
    const ids = await seedMembers(t.ctx, Array.from({ length: 20 }, () => ({ orgId: P4 })));
    const [a, b] = await Promise.all([
      post(`/organisations/${P4}/card-orders`, tok.region, { memberIds: ids, idempotencyKey: 'parallel-key-a' }),
      post(`/organisations/${T2}/card-orders`, tok.region, { memberIds: [...ids].reverse(), idempotencyKey: 'parallel-key-b' }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.ordered + b.body.ordered).toBe(20);
    expect(a.body.refused + b.body.refused).toBe(20);
    const [{ n }] = await rows<{ n: unknown }>(t.ctx.db, `SELECT COUNT(*) AS n FROM card_events WHERE via = 'order' AND member_id IN (${ids.map(lit).join(',')})`);
    expect(Number(n)).toBe(20);
    const orderId = (a.body.orders[0] ?? b.body.orders[0]).id;
    const [cancel, batch2] = await Promise.all([post(`/card-orders/${orderId}/cancel`, tok.region), post(`/organisations/${T2}/card-batches`, tok.region, {})]);
    const order = (await get(`/organisations/${P4}/card-orders`, tok.region)).body.find((o: { id: number }) => o.id === orderId);
    if (order.status === 'cancelled') {
      expect(cancel.status).toBe(200);
      expect((await cardOf(t.ctx, ids[0])).cardStatus).toBe('not_ordered');
    } else {
      expect(order.status).toBe('batched');
      expect(cancel.status).toBe(409);
      expect(batch2.status).toBe(201);
      expect((await cardOf(t.ctx, ids[0])).cardStatus).toBe('ordered');
    }
  });
});
