/**
 * The member register over real HTTP on both databases: sync of messy lists with exact per-row
 * outcomes, idempotent retries, dry runs, optimistic versions, conflicts, units, deregistration,
 * transfers, undo, pull pagination, actions on selected rows and access rules.
 */
import request from 'supertest';
import type { SyncRowResult } from '../../domain/members/sync-contract';
import { formatSnils } from '../../domain/snils';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { DEMO_MEMBER_COUNT, inventedSnils } from '../services/members/demo-members';

const S = (n: number) => formatSnils(inventedSnils(n));
const digits = (n: number) => inventedSnils(n);

type Row = { row: number; id?: string | null; version?: number | null; values: Record<string, unknown> };
let keySeq = 0;
const newKey = () => `test-${process.pid}-${++keySeq}`;

describe.each(dbVariants())('members API (%s)', (variant) => {
  let t: TestApp;
  let school: number;
  let kindergarten: number;
  let schoolToken: string;

  beforeEach(async () => {
    t = await startTestApp(variant);
    school = t.demo.orgIds.school;
    kindergarten = t.demo.orgIds.kindergarten;
    schoolToken = await t.token('school');
  });
  afterEach(() => t.close());

  const push = (orgId: number, rows: Row[], opts: { token?: string; key?: string; dryRun?: boolean } = {}) =>
    request(t.app)
      .post(`/api/v1/organisations/${orgId}/members/sync`)
      .set(auth(opts.token ?? schoolToken))
      .send({ idempotencyKey: opts.key ?? newKey(), ...(opts.dryRun ? { dryRun: true } : {}), rows });

  const count = async (sql: string): Promise<number> => {
    const [r] = await t.ctx.db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${sql}`, { type: 'SELECT' as never });
    return Number(r.n);
  };
  const members = (orgId: number) => count(`members WHERE primary_org_id = ${orgId} AND deregistered_at IS NULL`);

  const person = (n: number, over: Record<string, unknown> = {}) => ({
    surname: 'Тестова',
    name: ['Анна', 'Мария', 'Ольга', 'Елена', 'Ирина', 'Вера', 'Нина'][n % 7],
    patronymic: 'Петровна',
    birthDate: `0${1 + (n % 9)}.0${1 + (n % 9)}.19${70 + (n % 30)}`,
    snils: S(n),
    category: 'Работник',
    ...over,
  });

  test('a messy list: every row gets its exact outcome; valid rows are written, invalid ones are not', async () => {
    const before = await members(school);
    const res = await push(school, [
      // a full name in one cell, ё, an Excel serial date, СНИЛС with separators, a phone with brackets
      { row: 2, values: { surname: 'Семёнова Алёна Петровна', birthDate: 33057, snils: S(1), phone: '8 (912) 345-67-89', category: 'Работник', consentUnion: 'Дано', consentUnionDate: '10.01.2025' } },
      // СНИЛС without separators, ISO date, +7 phone, trailing spaces
      { row: 3, values: { surname: '  Ким ', name: 'Виктор', birthDate: '2000-03-01', snils: digits(2), phone: '+7 912 3456789', category: 'работник' } },
      // blank row
      { row: 4, values: { surname: '  ', name: '' } },
      // the same person as row 2, typed in capitals with е instead of ё
      { row: 5, values: { surname: 'СЕМЕНОВА АЛЕНА ПЕТРОВНА', birthDate: '03.07.1990', category: 'Работник' } },
      // a bad СНИЛС checksum
      { row: 6, values: { surname: 'Орлов', name: 'Пётр', birthDate: '12.12.1980', snils: '112-233-445 96', category: 'Работник' } },
      // an impossible date and no category
      { row: 7, values: { surname: 'Зайцева', name: 'Ирина', birthDate: '31.02.1990' } },
      // the same СНИЛС as row 3
      { row: 8, values: { surname: 'Другой', name: 'Человек', birthDate: '01.01.1970', snils: S(2), category: 'Работник' } },
      // a phone with digits only, eight at the front
      { row: 9, values: { surname: 'Лебедев', name: 'Игорь', patronymic: 'Олегович', birthDate: '15.06.1975', phone: '89123456780', category: 'Работник' } },
    ]);
    expect(res.status).toBe(200);
    const byRow: Record<number, SyncRowResult> = Object.fromEntries((res.body.rows as SyncRowResult[]).map((r) => [r.row, r]));
    expect(res.body.rows.map((r: { row: number; outcome: string }) => [r.row, r.outcome])).toEqual([
      [2, 'created'], [3, 'created'], [4, 'unchanged'], [5, 'error'], [6, 'error'], [7, 'error'], [8, 'error'], [9, 'created'],
    ]);
    expect(res.body.counts).toEqual({ created: 3, updated: 0, unchanged: 1, error: 4, conflict: 0 });
    expect(byRow[2]).toMatchObject({ version: 1, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(byRow[4].id).toBeUndefined();
    expect(byRow[5].errors).toEqual([{ field: 'surname', message: expect.stringMatching(/^Строка 5\. Повторяет строку 2: те же ФИО и дата рождения/) }]);
    expect(byRow[6].errors).toEqual([{ field: 'snils', message: 'Строка 6. СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС' }]);
    expect(byRow[7].errors!.map((e) => e.field)).toEqual(['birthDate', 'category']);
    expect(byRow[7].errors![0].message).toMatch(/^Строка 7\. Дата рождения: такой даты нет/);
    expect(byRow[8].errors).toEqual([{ field: 'snils', message: expect.stringMatching(/^Строка 8\. Повторяет строку 3: тот же СНИЛС/) }]);
    expect(await members(school)).toBe(before + 3);

    // What was stored is normalised: split name, ISO dates, 11-digit СНИЛС, E.164 phones.
    const card = await request(t.app).get(`/api/v1/members/${byRow[2].id}`).set(auth(schoolToken));
    expect(card.status).toBe(200);
    expect(card.body.data).toMatchObject({ surname: 'Семёнова', name: 'Алёна', patronymic: 'Петровна', birthDate: '1990-07-03', snils: inventedSnils(1), phone: '+79123456789' });
    expect(card.body.cells).toMatchObject({ birthDate: '03.07.1990', snils: S(1), phone: '+7 (912) 345-67-89', category: 'Работник' });
    expect(card.body.consentHistory).toEqual([expect.objectContaining({ kind: 'union', state: 'given', date: '2025-01-10' })]);
    const kim = await request(t.app).get(`/api/v1/members/${byRow[3].id}`).set(auth(schoolToken));
    expect(kim.body.data).toMatchObject({ surname: 'Ким', snils: inventedSnils(2), phone: '+79123456789', birthDate: '2000-03-01' });
  });

  test('the audit log names the changed fields of every created and updated member, never their values', async () => {
    const res = await push(school, [{ row: 2, values: person(10, { phone: '+79120000010' }) }]);
    const id = res.body.rows[0].id;
    const upd = await push(school, [{ row: 2, id, version: 1, values: person(10, { phone: '+79120000011' }) }]);
    expect(upd.body.rows[0]).toMatchObject({ outcome: 'updated', version: 2 });
    const rows = await t.ctx.db.sequelize.query<{ action: string; fields: string; details: string | null }>(
      `SELECT action, fields, details FROM audit_log WHERE entity = 'member' AND entity_id = '${id}' ORDER BY id`,
      { type: 'SELECT' as never },
    );
    expect(rows.map((r) => r.action)).toEqual(['member.created', 'member.updated']);
    expect(JSON.parse(rows[0].fields)).toEqual(expect.arrayContaining(['surname', 'name', 'birthDate', 'snils', 'phone', 'category']));
    expect(JSON.parse(rows[1].fields)).toEqual(['phone']);
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/9120000011|Тестова|2002000010/);
    expect(JSON.parse(rows[1].details!)).toEqual({ batchId: upd.body.batchId });
  });

  test('a retried chunk with the same key gets the same answer and writes nothing twice; another body with that key is 409', async () => {
    const rows = [{ row: 2, values: person(20) }, { row: 3, values: person(21) }];
    const before = await members(school);
    const first = await push(school, rows, { key: 'retry-key-0001' });
    const again = await push(school, rows, { key: 'retry-key-0001' });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await members(school)).toBe(before + 2);
    expect(await count(`member_batches WHERE org_id = ${school}`)).toBe(1);
    const other = await push(school, [{ row: 2, values: person(22) }], { key: 'retry-key-0001' });
    expect(other.status).toBe(409);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
    expect(other.body.type).toBe('/problems/idempotency_key_reused');
    expect(other.body.detail).toMatch(/ключ повторной отправки/);
    expect(await members(school)).toBe(before + 2);
  });

  test('a dry run answers in full and writes nothing (no member, no batch, no idempotency record) but its audit row', async () => {
    const tables = ['members', 'member_batches', 'idempotency_keys', 'audit_log', 'consent_events'];
    const before = await Promise.all(tables.map((x) => count(x)));
    const res = await push(school, [{ row: 2, values: person(30, { consentUnion: 'Дано', consentUnionDate: '01.02.2025' }) }, { row: 3, values: person(31, { snils: '123' }) }], { dryRun: true, key: 'dry-run-key-1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, batchId: null, counts: { created: 1, error: 1 } });
    expect(res.body.rows[0]).toEqual({ row: 2, outcome: 'created' });
    // Only the read is audited (issue 15: a dry run answers about members of the register).
    expect(await Promise.all(tables.map((x) => count(x)))).toEqual(before.map((n, i) => (tables[i] === 'audit_log' ? n + 1 : n)));
    expect(await count(`audit_log WHERE action = 'members.dry_run'`)).toBe(1);
    // The key was not used up: the real push with it works.
    const real = await push(school, [{ row: 2, values: person(30) }], { key: 'dry-run-key-1' });
    expect(real.body.counts.created).toBe(1);
  });

  test('updates need the stored version: unchanged rows are skipped, a stale version is a conflict and loses nothing', async () => {
    const created = (await push(school, [{ row: 2, values: person(40) }])).body.rows[0];
    const same = await push(school, [{ row: 2, id: created.id, version: 1, values: person(40) }]);
    expect(same.body.rows[0]).toEqual({ row: 2, outcome: 'unchanged', id: created.id, version: 1 });
    expect(same.body.batchId).toBeNull();

    // Two sessions hold version 1; the first push wins, the second is told, the first edit stays.
    const a = await push(school, [{ row: 2, id: created.id, version: 1, values: person(40, { position: 'Учитель истории' }) }]);
    const b = await push(school, [{ row: 7, id: created.id, version: 1, values: person(40, { position: 'Учитель химии' }) }]);
    expect(a.body.rows[0]).toMatchObject({ outcome: 'updated', version: 2 });
    expect(b.body.rows[0]).toMatchObject({ row: 7, outcome: 'conflict', id: created.id, conflict: { reason: 'stale_version' } });
    expect(b.body.rows[0].conflict.message).toMatch(/^Строка 7: эту запись уже изменил другой пользователь/);
    const card = await request(t.app).get(`/api/v1/members/${created.id}`).set(auth(schoolToken));
    expect(card.body).toMatchObject({ version: 2, data: { position: 'Учитель истории' } });

    // A stale row that holds exactly the stored data is simply unchanged (the sheet catches up).
    const catchUp = await push(school, [{ row: 2, id: created.id, version: 1, values: person(40, { position: 'Учитель истории' }) }]);
    expect(catchUp.body.rows[0]).toEqual({ row: 2, outcome: 'unchanged', id: created.id, version: 2 });
  });

  test('concurrent edits of one member from two sessions: exactly one wins, no lost update', async () => {
    const created = (await push(school, [{ row: 2, values: person(41) }])).body.rows[0];
    const territory = await t.token('territory');
    const [x, y] = await Promise.all([
      push(school, [{ row: 2, id: created.id, version: 1, values: person(41, { phone: '+79120000001' }) }]),
      push(school, [{ row: 2, id: created.id, version: 1, values: person(41, { phone: '+79120000002' }) }], { token: territory }),
    ]);
    const outcomes = [x.body.rows[0].outcome, y.body.rows[0].outcome].sort();
    expect(outcomes).toEqual(['conflict', 'updated']);
    const winner = x.body.rows[0].outcome === 'updated' ? '+79120000001' : '+79120000002';
    const card = await request(t.app).get(`/api/v1/members/${created.id}`).set(auth(schoolToken));
    expect(card.body).toMatchObject({ version: 2, data: { phone: winner } });
  });

  test('a row without id matches an active member of this organisation by СНИЛС, else by name and birth date, and fills in', async () => {
    const created = (await push(school, [{ row: 2, values: person(50, { phone: '+79120000050', position: 'Учитель' }) }])).body.rows[0];
    // By СНИЛС: a new e-mail is added, the empty phone cell does not erase the stored phone.
    const bySnils = await push(school, [{ row: 2, values: person(50, { surname: 'Тестова-Иванова', phone: '', email: 'anna@example.org' }) }]);
    expect(bySnils.body.rows[0]).toMatchObject({ outcome: 'updated', id: created.id, version: 2 });
    // By name and birth date, without СНИЛС: nothing new → unchanged.
    const { snils: _s, ...noSnils } = person(50, { surname: 'Тестова-Иванова' });
    const byName = await push(school, [{ row: 2, values: noSnils }]);
    expect(byName.body.rows[0]).toEqual({ row: 2, outcome: 'unchanged', id: created.id, version: 2 });
    const card = await request(t.app).get(`/api/v1/members/${created.id}`).set(auth(schoolToken));
    expect(card.body.data).toMatchObject({ surname: 'Тестова-Иванова', phone: '+79120000050', email: 'anna@example.org', position: 'Учитель', snils: inventedSnils(50) });
    // An absent column (an upload without it) keeps the stored value too.
    const partial = await push(school, [{ row: 2, id: created.id, version: 2, values: { surname: 'Тестова-Иванова', name: person(50).name, patronymic: 'Петровна', birthDate: person(50).birthDate, category: 'Работник', snils: S(50) } }]);
    expect(partial.body.rows[0]).toMatchObject({ outcome: 'unchanged' });
  });

  test('a person registered in another organisation is a conflict naming only that organisation, and only on a full match', async () => {
    const territory = await t.token('territory');
    const kg = await push(kindergarten, [{ row: 2, values: person(60, { phone: '+79125550060', position: 'Воспитатель' }) }, { row: 3, values: { surname: 'Безснилсова', name: 'Зоя', birthDate: '02.02.1982', category: 'Работник' } }], { token: territory });
    expect(kg.body.counts.created).toBe(2);
    const before = await members(school);
    const res = await push(school, [
      { row: 2, values: person(60) },
      { row: 3, values: { surname: 'БЕЗСНИЛСОВА', name: 'ЗОЯ', birthDate: '1982-02-02', category: 'Работник' } },
    ]);
    // By СНИЛС, surname and birth date: the organisation is named.
    expect(res.body.rows[0]).toMatchObject({ outcome: 'conflict', conflict: { reason: 'registered_elsewhere', organisationName: 'ППО МБДОУ «Детский сад № 5 «Солнышко»' } });
    expect(res.body.rows[0].conflict.message).toContain('«ППО МБДОУ «Детский сад № 5 «Солнышко»»');
    // By name and birth date alone (no СНИЛС): only that a transfer is needed (issue 15: not an oracle).
    expect(res.body.rows[1]).toMatchObject({ outcome: 'conflict', conflict: { reason: 'registered_elsewhere' } });
    expect(res.body.rows[1].conflict.organisationName).toBeUndefined();
    expect(res.body.rows[1].conflict.message).not.toContain('Солнышко');
    for (const r of res.body.rows) expect(r.id).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toMatch(/5550060|Воспитатель/);
    expect(await members(school)).toBe(before);
  });

  test('an id the organisation does not have is an error, never an insert', async () => {
    const territory = await t.token('territory');
    const kgId = (await push(kindergarten, [{ row: 2, values: person(70) }], { token: territory })).body.rows[0].id;
    const before = await count('members');
    const res = await push(school, [
      { row: 2, id: '00000000-0000-4000-8000-000000000000', version: 1, values: person(71) },
      { row: 3, id: kgId, version: 1, values: person(70, { position: 'Чужая' }) },
    ]);
    for (const r of res.body.rows) {
      expect(r.outcome).toBe('error');
      expect(r.errors).toEqual([{ field: 'id', message: expect.stringMatching(new RegExp(`^Строка ${r.row}\\. ID в реестре: такой записи нет в вашей организации`)) }]);
    }
    expect(await count('members')).toBe(before);
  });

  test('several records with the same name and birth date: a row without СНИЛС is ambiguous, never a guess', async () => {
    const same = { surname: 'Двойникова', name: 'Ольга', patronymic: 'Ивановна', birthDate: '05.05.1985', category: 'Работник' };
    expect((await push(school, [{ row: 2, values: { ...same, snils: S(80) } }])).body.rows[0].outcome).toBe('created');
    // Another СНИЛС: another person with the same name and birthday.
    expect((await push(school, [{ row: 2, values: { ...same, snils: S(81) } }])).body.rows[0].outcome).toBe('created');
    const res = await push(school, [{ row: 4, values: { ...same, phone: '+79120000080' } }]);
    expect(res.body.rows[0]).toMatchObject({ row: 4, outcome: 'conflict', conflict: { reason: 'ambiguous_match' } });
    expect(res.body.rows[0].conflict.message).toMatch(/^Строка 4: в вашей организации несколько записей/);
    expect(await count(`members WHERE phone = '+79120000080'`)).toBe(0);
  });

  test('the unit column names a профгруппа of this organisation (case and ё insensitive); an unknown one lists the names', async () => {
    const unit = await request(t.app).post(`/api/v1/organisations/${school}/children`).set(auth(schoolToken)).send({ kind: 'group', name: 'Профгруппа начальной школы' });
    expect(unit.status).toBe(201);
    await request(t.app).post(`/api/v1/organisations/${school}/children`).set(auth(schoolToken)).send({ kind: 'subdivision', name: 'Профбюро учителей' });
    const res = await push(school, [
      { row: 2, values: person(90, { unit: 'ПРОФГРУППА  начальной школы' }) },
      { row: 3, values: person(91, { unit: 'Профгруппа старшей школы' }) },
      { row: 4, values: person(92, { unit: '' }) },
    ]);
    expect(res.body.rows.map((r: { outcome: string }) => r.outcome)).toEqual(['created', 'error', 'created']);
    expect(res.body.rows[1].errors).toEqual([
      { field: 'unit', message: 'Строка 3. Подразделение: «Профгруппа старшей школы» нет в вашей организации. Есть: «Профбюро учителей», «Профгруппа начальной школы». Выберите одно из них или оставьте ячейку пустой' },
    ]);
    const card = await request(t.app).get(`/api/v1/members/${res.body.rows[0].id}`).set(auth(schoolToken));
    expect(card.body).toMatchObject({ orgId: unit.body.id, primaryOrgId: school, unit: 'Профгруппа начальной школы', data: { unit: 'Профгруппа начальной школы' } });
    // Only the unit itself (no subtree): its one member.
    const inUnit = await request(t.app).get(`/api/v1/organisations/${unit.body.id}/members`).set(auth(schoolToken));
    expect(inUnit.body.items.map((m: { id: string }) => m.id)).toEqual([res.body.rows[0].id]);
    // Moving the member back to the primary organisation is an ordinary update.
    const back = await push(school, [{ row: 2, id: res.body.rows[0].id, version: 1, values: person(90, { unit: '' }) }]);
    expect(back.body.rows[0]).toMatchObject({ outcome: 'updated', version: 2 });
    expect((await request(t.app).get(`/api/v1/members/${res.body.rows[0].id}`).set(auth(schoolToken))).body.orgId).toBe(school);
  });

  test('card status from the sheet follows the card lifecycle', async () => {
    const res = await push(school, [{ row: 2, values: person(95, { cardStatus: 'Выдан' }) }, { row: 3, values: person(96, { cardStatus: 'Не заказан' }) }]);
    expect(res.body.rows[0]).toMatchObject({ outcome: 'error', errors: [{ field: 'cardStatus', message: expect.stringMatching(/^Строка 2\. Статус ЭПБ нельзя сменить с «Не заказан» на «Выдан»/) }] });
    expect(res.body.rows[1].outcome).toBe('created');
  });

  test('deregistration: date and reason from the list, the card is blocked; the row is then a conflict and the person can register again', async () => {
    const created = (await push(school, [{ row: 2, values: person(100) }])).body.rows[0];
    const bad = await request(t.app).post(`/api/v1/members/${created.id}/deregister`).set(auth(schoolToken)).send({ date: '2026-11-01', reason: 'bored' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'reason' });
    const future = await request(t.app).post(`/api/v1/members/${created.id}/deregister`).set(auth(schoolToken)).send({ date: '2027-01-01', reason: 'left_job' });
    expect(future.status).toBe(400);
    const ok = await request(t.app).post(`/api/v1/members/${created.id}/deregister`).set(auth(schoolToken)).send({ date: '2026-11-01', reason: 'left_job', comment: 'Переезд' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      version: 2, deregisteredAt: '2026-11-01', deregistrationReason: 'left_job', deregistrationReasonLabel: 'Увольнение с работы', deregistrationComment: 'Переезд',
      data: { cardStatus: 'blocked' }, cardHistory: [{ fromStatus: null, toStatus: 'blocked', via: 'system' }],
    });
    const twice = await request(t.app).post(`/api/v1/members/${created.id}/deregister`).set(auth(schoolToken)).send({ date: '2026-11-01', reason: 'left_job' });
    expect(twice.status).toBe(409);
    // The answer says it was done before (the pane counts a repeated click as done, not as a failure).
    expect(twice.body).toMatchObject({ deregisteredAt: '2026-11-01' });

    const active = await request(t.app).get(`/api/v1/organisations/${school}/members?subtree=1&limit=2000`).set(auth(schoolToken));
    expect(active.body.items.some((m: { id: string }) => m.id === created.id)).toBe(false);
    const all = await request(t.app).get(`/api/v1/organisations/${school}/members?subtree=1&includeDeregistered=1&limit=2000`).set(auth(schoolToken));
    expect(all.body.items.find((m: { id: string }) => m.id === created.id)).toMatchObject({ deregisteredAt: '2026-11-01' });

    const stale = await push(school, [{ row: 5, id: created.id, version: 1, values: person(100, { position: 'Новая' }) }]);
    expect(stale.body.rows[0]).toMatchObject({ outcome: 'conflict', conflict: { reason: 'deregistered', message: expect.stringMatching(/^Строка 5: этот член Профсоюза снят с учёта 01\.11\.2026/) } });

    const again = await push(school, [{ row: 2, values: person(100) }]);
    expect(again.body.rows[0].outcome).toBe('created');
    expect(again.body.rows[0].id).not.toBe(created.id);
  });

  test('transfer: the sender requests, the receiving organisation accepts or rejects; the sender may cancel', async () => {
    const territory = await t.token('territory');
    const [m1, m2, m3] = (await push(school, [{ row: 2, values: person(110) }, { row: 3, values: person(111) }, { row: 4, values: person(112) }])).body.rows.map((r: { id: string }) => r.id);

    expect((await request(t.app).post(`/api/v1/members/${m1}/transfers`).set(auth(schoolToken)).send({ toOrgId: 999999 })).status).toBe(404);
    expect((await request(t.app).post(`/api/v1/members/${m1}/transfers`).set(auth(schoolToken)).send({ toOrgId: t.demo.orgIds.territorial })).status).toBe(404);
    const req1 = await request(t.app).post(`/api/v1/members/${m1}/transfers`).set(auth(schoolToken)).send({ toOrgId: kindergarten });
    expect(req1.status).toBe(201);
    expect(req1.body).toMatchObject({ memberId: m1, status: 'pending', from: { id: school }, to: { id: kindergarten, name: 'ППО МБДОУ «Детский сад № 5 «Солнышко»' } });
    const again = await request(t.app).post(`/api/v1/members/${m1}/transfers`).set(auth(schoolToken)).send({ toOrgId: kindergarten });
    expect(again.status).toBe(409);
    // The answer says which transfer waits and where to: a pane retrying a lost answer knows it was made.
    expect(again.body).toMatchObject({ transferId: req1.body.id, toOrgId: kindergarten });

    const outgoing = await request(t.app).get(`/api/v1/organisations/${school}/transfers?direction=outgoing`).set(auth(schoolToken));
    expect(outgoing.body.map((x: { id: string }) => x.id)).toEqual([req1.body.id]);
    const incoming = await request(t.app).get(`/api/v1/organisations/${kindergarten}/transfers?direction=incoming`).set(auth(territory));
    expect(incoming.body.map((x: { id: string }) => x.id)).toEqual([req1.body.id]);

    // Only the receiving side decides.
    const selfAccept = await request(t.app).post(`/api/v1/transfers/${req1.body.id}/accept`).set(auth(schoolToken)).send({});
    expect(selfAccept.status).toBe(403);
    const accepted = await request(t.app).post(`/api/v1/transfers/${req1.body.id}/accept`).set(auth(territory)).send({});
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted' });
    const moved = await request(t.app).get(`/api/v1/members/${m1}`).set(auth(territory));
    expect(moved.body).toMatchObject({ orgId: kindergarten, primaryOrgId: kindergarten, version: 2 });
    expect((await request(t.app).get(`/api/v1/members/${m1}`).set(auth(schoolToken))).status).toBe(404);
    expect((await request(t.app).post(`/api/v1/transfers/${req1.body.id}/reject`).set(auth(territory))).status).toBe(409);

    const req2 = await request(t.app).post(`/api/v1/members/${m2}/transfers`).set(auth(schoolToken)).send({ toOrgId: kindergarten });
    const rejected = await request(t.app).post(`/api/v1/transfers/${req2.body.id}/reject`).set(auth(territory));
    expect(rejected.body.status).toBe('rejected');
    expect((await request(t.app).get(`/api/v1/members/${m2}`).set(auth(schoolToken))).body).toMatchObject({ primaryOrgId: school, version: 1 });

    const req3 = await request(t.app).post(`/api/v1/members/${m3}/transfers`).set(auth(schoolToken)).send({ toOrgId: kindergarten });
    const cancelled = await request(t.app).post(`/api/v1/transfers/${req3.body.id}/cancel`).set(auth(schoolToken));
    expect(cancelled.body.status).toBe('cancelled');
    const card = await request(t.app).get(`/api/v1/members/${m3}`).set(auth(schoolToken));
    expect(card.body.transfers).toEqual([expect.objectContaining({ id: req3.body.id, status: 'cancelled' })]);
  });

  test('undo reverts a whole batch (created rows removed, updated rows restored) and only once', async () => {
    const base = (await push(school, [{ row: 2, values: person(120, { position: 'Было' }) }])).body.rows[0];
    const before = await members(school);
    const batch = await push(school, [
      { row: 2, id: base.id, version: 1, values: person(120, { position: 'Стало', consentUnion: 'Дано', consentUnionDate: '01.03.2026' }) },
      { row: 3, values: person(121) },
      { row: 4, values: person(122) },
    ]);
    expect(batch.body.counts).toMatchObject({ updated: 1, created: 2 });
    expect(await members(school)).toBe(before + 2);
    t.clock.advanceMinutes(1);
    const undo = await request(t.app).post(`/api/v1/batches/${batch.body.batchId}/revert`).set(auth(schoolToken));
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ revertedBatchId: batch.body.batchId, restored: 1, deleted: 2 });
    expect(await members(school)).toBe(before);
    const card = await request(t.app).get(`/api/v1/members/${base.id}`).set(auth(schoolToken));
    expect(card.body).toMatchObject({ version: 3, data: { position: 'Было', consentUnion: null, consentUnionDate: null } });
    expect(card.body.consentHistory.map((e: { state: string | null }) => e.state)).toEqual(['given', null]);
    for (const r of batch.body.rows.slice(1)) expect((await request(t.app).get(`/api/v1/members/${r.id}`).set(auth(schoolToken))).status).toBe(404);
    const twice = await request(t.app).post(`/api/v1/batches/${batch.body.batchId}/revert`).set(auth(schoolToken));
    expect(twice.status).toBe(409);
    const listed = await request(t.app).get(`/api/v1/organisations/${school}/batches`).set(auth(schoolToken));
    expect(listed.body[0]).toMatchObject({ kind: 'revert', revertsBatchId: batch.body.batchId, counts: { restored: 1, deleted: 2 } });
    expect(listed.body.find((b: { id: string }) => b.id === batch.body.batchId)).toMatchObject({ revertedAt: expect.any(String) });
  });

  test('undo is refused after a later change and lists the rows without personal data; nothing is reverted', async () => {
    const batch = await push(school, [{ row: 2, values: person(130) }, { row: 3, values: person(131) }, { row: 4, values: person(132) }]);
    const [a, b] = batch.body.rows;
    await push(school, [{ row: 9, id: b.id, version: 1, values: person(131, { position: 'Позже' }) }]);
    const before = await members(school);
    const undo = await request(t.app).post(`/api/v1/batches/${batch.body.batchId}/revert`).set(auth(schoolToken));
    expect(undo.status).toBe(409);
    expect(undo.body.type).toBe('/problems/revert_blocked');
    expect(undo.body.rows).toEqual([{ row: 3, memberId: b.id }]);
    expect(undo.body.detail).toMatch(/из строки 3\. Ничего не отменено/);
    expect(JSON.stringify(undo.body)).not.toMatch(/Тестова|Позже/);
    expect(await members(school)).toBe(before);
    expect((await request(t.app).get(`/api/v1/members/${a.id}`).set(auth(schoolToken))).status).toBe(200);
  });

  test('pull: pages return every member exactly once, by name or by id', async () => {
    await push(school, Array.from({ length: 30 }, (_, i) => ({ row: i + 2, values: person(200 + i, { surname: i % 3 ? 'Андреева' : 'Яковлева' }) })));
    const total = await members(school);
    expect(total).toBe(DEMO_MEMBER_COUNT + 30);
    for (const order of ['name', 'id']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await request(t.app)
          .get(`/api/v1/organisations/${school}/members?subtree=1&limit=7&order=${order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
          .set(auth(schoolToken));
        expect(res.status).toBe(200);
        seen.push(...res.body.items.map((m: { id: string }) => m.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(seen.length).toBe(total);
      expect(new Set(seen).size).toBe(total);
      expect(pages).toBe(Math.ceil(total / 7));
    }
    const page = await request(t.app).get(`/api/v1/organisations/${school}/members?subtree=1&limit=3`).set(auth(schoolToken));
    const m = page.body.items[0];
    expect(Object.keys(m.cells)).toEqual(['surname', 'name', 'patronymic', 'sex', 'birthDate', 'snils', 'phone', 'email', 'position', 'category', 'joinedAt', 'unit', 'consentUnion', 'consentUnionDate', 'consentOperator', 'consentOperatorDate', 'consentNotify', 'consentNotifyDate', 'cardStatus', 'address', 'idDocument']);
    expect((await request(t.app).get(`/api/v1/organisations/${school}/members?cursor=garbage`).set(auth(schoolToken))).status).toBe(400);
  });

  test('a pulled sheet pushed back unchanged is all «unchanged»', async () => {
    const page = await request(t.app).get(`/api/v1/organisations/${school}/members?subtree=1&limit=100`).set(auth(schoolToken));
    const rows = page.body.items.map((m: { id: string; version: number; cells: Record<string, string | null> }, i: number) => ({ row: i + 2, id: m.id, version: m.version, values: m.cells }));
    const res = await push(school, rows);
    expect(res.body.counts).toEqual({ created: 0, updated: 0, unchanged: rows.length, error: 0, conflict: 0 });
  });

  test('a pulled sheet with one edit and one row changed meanwhile by someone else: one updated, one conflict, the rest unchanged', async () => {
    const page = await request(t.app).get(`/api/v1/organisations/${school}/members?subtree=1&limit=100`).set(auth(schoolToken));
    const items = page.body.items as { id: string; version: number; cells: Record<string, string | null> }[];
    const rows: Row[] = items.map((m, i) => ({ row: i + 2, id: m.id, version: m.version, values: { ...m.cells } }));
    rows[0].values.position = 'Директор';
    // Someone else edits the third member after the pull.
    const territory = await t.token('territory');
    const other = await push(school, [{ row: 2, id: items[2].id, version: items[2].version, values: { ...items[2].cells, phone: '+79120009999' } }], { token: territory });
    expect(other.body.rows[0].outcome).toBe('updated');
    const res = await push(school, rows);
    expect(res.body.counts).toEqual({ created: 0, updated: 1, unchanged: rows.length - 2, error: 0, conflict: 1 });
    expect(res.body.rows[0]).toMatchObject({ outcome: 'updated', version: items[0].version + 1 });
    expect(res.body.rows[2]).toMatchObject({ outcome: 'conflict', conflict: { reason: 'stale_version' } });
    const card = await request(t.app).get(`/api/v1/members/${items[2].id}`).set(auth(schoolToken));
    expect(card.body.data.phone).toBe('+79120009999');
  });

  test('one action for selected rows: consents and card status, each member with its own result', async () => {
    const ids = (await push(school, [{ row: 2, values: person(140) }, { row: 3, values: person(141) }])).body.rows.map((r: { id: string }) => r.id);
    const act = (body: object) => request(t.app).post(`/api/v1/organisations/${school}/members/actions`).set(auth(schoolToken)).send(body);

    const noDate = await act({ action: 'consents', memberIds: ids, consents: { union: { state: 'given' } } });
    expect(noDate.status).toBe(400);
    const revokedNoDate = await act({ action: 'consents', memberIds: ids, consents: { notify: { state: 'revoked' } } });
    expect(revokedNoDate.status).toBe(400);
    expect(revokedNoDate.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(revokedNoDate.body.errors).toEqual([{ field: 'consents.notify.date', message: 'Укажите дату отзыва согласия' }]);
    const consents = await act({ action: 'consents', memberIds: [...ids, '00000000-0000-4000-8000-000000000001'], consents: { union: { state: 'given', date: '2026-11-20' }, operator: { state: 'refused' } } });
    expect(consents.status).toBe(200);
    expect(consents.body.counts).toEqual({ updated: 2, unchanged: 0, error: 1 });
    expect(consents.body.results[2]).toMatchObject({ outcome: 'error', message: expect.stringMatching(/не найден/) });
    const card = await request(t.app).get(`/api/v1/members/${ids[0]}`).set(auth(schoolToken));
    expect(card.body.data).toMatchObject({ consentUnion: 'given', consentUnionDate: '2026-11-20', consentOperator: 'refused' });
    expect(card.body.consentHistory.map((e: { kind: string; state: string }) => `${e.kind}:${e.state}`)).toEqual(['union:given', 'operator:refused']);

    const issued = await act({ action: 'card_status', memberIds: ids, status: 'issued' });
    expect(issued.body.results.every((r: { outcome: string; message: string }) => r.outcome === 'error' && /нельзя сменить с «Не заказан» на «Выдан»/.test(r.message))).toBe(true);
    await t.ctx.db.sequelize.query(`UPDATE members SET card_status = 'received' WHERE id = '${ids[1]}'`);
    const mixed = await act({ action: 'card_status', memberIds: ids, status: 'issued', date: '2026-11-25' });
    expect(mixed.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['error', 'updated']);
    const second = await request(t.app).get(`/api/v1/members/${ids[1]}`).set(auth(schoolToken));
    expect(second.body).toMatchObject({ data: { cardStatus: 'issued' }, cardStatusAt: '2026-11-25T00:00:00.000Z', cardHistory: [{ fromStatus: 'received', toStatus: 'issued', via: 'sheet' }] });
  });

  test('a chair of another organisation cannot read or write these members (404); a chair without the obligation gets 403', async () => {
    const id = (await push(school, [{ row: 2, values: person(150) }])).body;
    const memberId = id.rows[0].id;
    const other = await request(t.app).post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`).set(auth(await t.token('territory'))).send({ kind: 'primary', name: 'ППО гимназии № 2' });
    const acc = await request(t.app).post(`/api/v1/organisations/${other.body.id}/accounts`).set(auth(await t.token('territory'))).send({ fullName: 'Гимназистова Галина Петровна' });
    const login = acc.body.account.login as string;
    const first = await request(t.app).post('/api/v1/auth/login').send({ login, password: acc.body.oneTimePassword });
    const newPassword = 'Гимназия-2-пароль-надёжный!';
    expect((await request(t.app).post('/api/v1/auth/password').set(auth(first.body.token)).send({ oldPassword: acc.body.oneTimePassword, newPassword })).status).toBe(204);
    expect((await request(t.app).post(`/api/v1/accounts/${acc.body.account.id}/obligation`).set(auth(await t.token('territory'))).send({ signedAt: '2026-11-20' })).status).toBe(200);
    const token = (await request(t.app).post('/api/v1/auth/login').send({ login, password: newPassword })).body.token as string;

    const asOther = [
      request(t.app).get(`/api/v1/members/${memberId}`).set(auth(token)),
      request(t.app).get(`/api/v1/organisations/${school}/members`).set(auth(token)),
      request(t.app).post(`/api/v1/organisations/${school}/members/sync`).set(auth(token)).send({ idempotencyKey: newKey(), rows: [{ row: 2, values: person(151) }] }),
      request(t.app).post(`/api/v1/members/${memberId}/deregister`).set(auth(token)).send({ date: '2026-11-01', reason: 'left_job' }),
      request(t.app).post(`/api/v1/batches/${id.batchId}/revert`).set(auth(token)),
      request(t.app).post(`/api/v1/organisations/${other.body.id}/members/actions`).set(auth(token)).send({ action: 'consents', memberIds: [memberId], consents: { notify: { state: 'refused' } } }),
    ];
    const answers = await Promise.all(asOther);
    expect(answers.slice(0, 5).map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    // Through their own organisation the member simply is not there.
    expect(answers[5].body.results[0]).toMatchObject({ outcome: 'error', message: expect.stringMatching(/не найден/) });

    const kg = await t.token('kindergarten');
    const closed = await Promise.all([
      request(t.app).get(`/api/v1/organisations/${kindergarten}/members`).set(auth(kg)),
      request(t.app).post(`/api/v1/organisations/${kindergarten}/members/sync`).set(auth(kg)).send({ idempotencyKey: newKey(), rows: [{ row: 2, values: person(152) }] }),
      request(t.app).get(`/api/v1/members/${memberId}`).set(auth(kg)),
    ]);
    for (const r of closed) {
      expect(r.status).toBe(403);
      expect(r.body.type).toBe('/problems/obligation_required');
    }
  });

  test('only a primary organisation keeps a member list; a chunk has a row limit', async () => {
    const territory = await t.token('territory');
    const res = await push(t.demo.orgIds.territorial, [{ row: 2, values: person(160) }], { token: territory });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/первичная профсоюзная организация/);
    const tooMany = await push(school, Array.from({ length: 2001 }, (_, i) => ({ row: i + 2, values: {} })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].field).toBe('rows');
    const badCell = await push(school, [{ row: 2, values: { surname: { nested: true } } }]);
    expect(badCell.status).toBe(400);
    expect(badCell.body.errors[0].field).toBe('rows.0');
  });
});
