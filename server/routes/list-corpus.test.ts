/**
 * The corpus of real list shapes (test/fixtures/lists/corpus.ts) uploaded through the upload page's
 * path over real HTTP, on both databases: each shape as the .xlsx (hidden columns, merged cells, real
 * dates, numbers) or the .csv (UTF-8, Windows-1251) a chair would have, with the chair's choices of the
 * mapping step in ?mapping=. Every data row's «Результат» in the returned workbook is exactly the one
 * test/fixtures/lists/expected.ts computes — the same the add-in writes (test/browser/import-list.test.ts).
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';
import { CORPUS } from '../../test/fixtures/lists/corpus';
import { shapeFile } from '../../test/fixtures/lists/files';
import { expectedRun } from '../../test/fixtures/lists/expected';


function binaryParser(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

const text = (v: ExcelJS.CellValue): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return v.richText.map((r) => r.text).join('');
  return String(v);
};

describe.each(dbVariants())('the corpus of list shapes through the upload page (%s)', (variant) => {
  let t: TestApp;
  let admin: string;
  let territory: string;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestApp(variant);
    admin = await t.token('admin');
    territory = await t.token('territory');
  });
  afterAll(() => t.close());

  it('the mapping step: the engine\'s reading of a file, with headers and the words of coded columns only — no person in it', async () => {
    const org = await request(t.app).post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`).set(auth(admin)).send({ kind: 'primary', name: `ППО корпуса списков № ${++seq}` });
    const shape = CORPUS.find((x) => x.id === '10-union-statistics-words')!;
    const file = await shapeFile(shape);
    const res = await request(t.app).post(`/api/v1/organisations/${org.body.id as number}/members/upload/preview`).set(auth(territory)).set('Content-Type', file.type).send(file.body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ format: 'xlsx', headerRow: 1, dataRows: 7, totalsRows: 0, missing: [] });
    expect(res.body.columns.map((c: { letter: string; target: string; source: string }) => [c.letter, c.target, c.source])).toEqual([
      ['A', 'fullName', 'header'],
      ['B', 'birthDate', 'header'],
      ['C', 'category', 'header'],
      ['D', 'consentUnion', 'header'],
      ['E', 'consentUnionDate', 'header'],
    ]);
    expect(res.body.values.map((v: { value: string; rows: number; kind: string; code: string | null }) => [v.value, v.rows, v.kind, v.code])).toEqual([
      ['работающие', 2, 'value', 'employee'],
      ['пенсионер', 2, 'ambiguous', null],
      ['студенты', 1, 'value', 'student'],
      ['неработающие пенсионеры', 1, 'value', 'pensioner'],
      ['директор', 1, 'unknown', null],
      ['да', 3, 'value', 'given'],
      ['нет', 1, 'ambiguous', null],
      ['отказ', 1, 'value', 'refused'],
    ]);
    const json = JSON.stringify(res.body);
    for (const r of shape.rows.slice(1)) expect(json).not.toContain(String(r[0]));
    // Choices made so far come back as chosen.
    const again = await request(t.app)
      .post(`/api/v1/organisations/${org.body.id as number}/members/upload/preview?mapping=${encodeURIComponent(JSON.stringify({ values: { category: { пенсионер: 'pensioner' } }, targets: { 'дата согласия профсоюзу': 'skip' } }))}`)
      .set(auth(territory)).set('Content-Type', file.type).send(file.body);
    expect(again.body.values[1]).toMatchObject({ value: 'пенсионер', code: 'pensioner' });
    expect(again.body.columns[4]).toMatchObject({ target: 'skip', source: 'chosen' });
    // Bad choices are a 400 naming the field, never a 500.
    const bad = await request(t.app).post(`/api/v1/organisations/${org.body.id as number}/members/upload/preview?mapping=${encodeURIComponent('{"targets":{"x":"passwordHash"}}')}`).set(auth(territory)).set('Content-Type', file.type).send(file.body);
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'mapping']);
  });

  it.each(CORPUS.map((s) => [s.id, s] as const))('%s', async (_id, shape) => {
    const org = await request(t.app)
      .post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`)
      .set(auth(admin))
      .send({ kind: 'primary', name: `ППО корпуса списков № ${++seq}` });
    expect(org.status).toBe(201);
    const file = await shapeFile(shape);
    const q = shape.mapping ? `?mapping=${encodeURIComponent(JSON.stringify(shape.mapping))}` : '';
    const res = await request(t.app)
      .post(`/api/v1/organisations/${org.body.id as number}/members/upload${q}`)
      .set(auth(territory))
      .set('Content-Type', file.type)
      .buffer(true)
      .parse(binaryParser)
      .send(file.body);
    expect([res.status, res.status === 200 ? '' : (res.body as Buffer).toString('utf8')]).toEqual([200, '']);
    const today = new Date().toISOString().slice(0, 10);
    const want = expectedRun(shape, today);
    const summary = JSON.parse(String(res.headers['x-upload-summary'])) as Record<string, number>;
    const ok = shape.expect.filter((e) => e === 'ok').length;
    expect(summary).toMatchObject({ rows: shape.expect.length, created: ok, error: shape.expect.length - ok });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.name !== 'Итог загрузки' && w.name !== 'Списки' && w.name !== 'Инструкция')!;
    // The result column is the one headed «Результат» above the first data row.
    let resultCol = 0;
    for (let r = 1; r <= want.sourceRows[0] && !resultCol; r++) ws.getRow(r).eachCell((c, col) => { if (text(c.value) === 'Результат') resultCol = col; });
    expect(resultCol).toBeGreaterThan(0);
    expect(want.sourceRows.map((r) => text(ws.getCell(r, resultCol).value))).toEqual(want.results);
    // Exactly the valid rows are in the register; totals lines are not members.
    const [stored] = (await t.ctx.db.sequelize.query(`SELECT count(*) AS n FROM members WHERE primary_org_id = ${org.body.id as number}`)) as [{ n: number | string }[], unknown];
    expect(Number(stored[0].n)).toBe(ok);
  });
});

// Its own register: the corpus tests above upload the same people into other ППО, and a person already
// on the register elsewhere is answered «registered elsewhere», not created (tests run in any order).
describe.each(dbVariants())('an upload again with other mapping choices (%s)', (variant) => {
  let t: TestApp;
  let admin: string;
  let territory: string;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestApp(variant);
    admin = await t.token('admin');
    territory = await t.token('territory');
  });
  afterAll(() => t.close());

  it('the same file again with the ambiguous words now chosen is a new upload (not a replay of the first answer, not a 409)', async () => {
    const org = await request(t.app).post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`).set(auth(admin)).send({ kind: 'primary', name: `ППО корпуса списков № ${++seq}` });
    const orgId = org.body.id as number;
    const shape = CORPUS.find((x) => x.id === '10-union-statistics-words')!;
    const file = await shapeFile(shape);
    const upload = (mapping?: object) =>
      request(t.app)
        .post(`/api/v1/organisations/${orgId}/members/upload${mapping ? `?mapping=${encodeURIComponent(JSON.stringify(mapping))}` : ''}`)
        .set(auth(territory)).set('Content-Type', file.type).buffer(true).parse(binaryParser).send(file.body);
    const count = async () => Number(((await t.ctx.db.sequelize.query(`SELECT count(*) AS n FROM members WHERE primary_org_id = ${orgId}`)) as [{ n: number | string }[], unknown])[0][0].n);
    const first = await upload();
    expect(first.status).toBe(200);
    const firstSummary = JSON.parse(String(first.headers['x-upload-summary'])) as Record<string, number>;
    const before = await count();
    // «пенсионер» (2 rows) was left for the chair: those rows were refused; now the chair has chosen.
    const second = await upload({ values: { category: { пенсионер: 'pensioner' } } });
    expect([second.status, second.status === 200 ? '' : (second.body as Buffer).toString('utf8')]).toEqual([200, '']);
    const summary = JSON.parse(String(second.headers['x-upload-summary'])) as Record<string, number>;
    expect(summary.error).toBe(firstSummary.error - 2);
    expect(await count()).toBe(before + 2);
    // The same choices once more: a replay, nothing written twice.
    const third = await upload({ values: { category: { пенсионер: 'pensioner' } } });
    expect(third.status).toBe(200);
    expect(await count()).toBe(before + 2);
  });
});
