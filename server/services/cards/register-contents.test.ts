/**
 * A batch collected at the regional organisation itself, over two territorial subtrees, and who the
 * operator's register then names (docs/card-operator-register.md, «Кто попадает в реестр»): members
 * deregistered, with the card operator's consent revoked or with a blocked card after the order are left
 * out and counted on «Сведения»; the rows come by primary organisation, order number, surname, name.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { lit, exec } from '../members/sql-literals';
import { createOrg, seedMembers } from './test-fixtures';

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe.each(dbVariants())('a regional batch and who its register names (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());

  test('collected at the region over both districts; deregistered, revoked and blocked members left out; rows in the documented order', async () => {
    const { region, territorial, school } = t.demo.orgIds;
    const district2 = await createOrg(t, region, 'territorial', 'Заречная районная организация Профсоюза');
    const gymnasium = await createOrg(t, district2, 'primary', 'ППО гимназии № 5');
    const [yakovleva, abramova, deregistered, revoked, blocked] = await seedMembers(t.ctx, [
      { orgId: school, surname: 'Яковлева', name: 'Анна', birthDate: '1981-01-01' },
      { orgId: school, surname: 'Абрамова', name: 'Вера', birthDate: '1982-02-02' },
      { orgId: school, surname: 'Выбывшая', name: 'Нина', birthDate: '1983-03-03' },
      { orgId: school, surname: 'Отозвавшая', name: 'Ольга', birthDate: '1984-04-04' },
      { orgId: school, surname: 'Заблокированная', name: 'Ирина', birthDate: '1985-05-05' },
    ]);
    const [borisova] = await seedMembers(t.ctx, [{ orgId: gymnasium, surname: 'Борисова', name: 'Елена', birthDate: '1986-06-06' }]);

    const regionToken = await t.token('region');
    const schoolToken = await t.token('school');
    const api = (token: string) => ({
      get: (path: string) => request(t.app).get(`/api/v1${path}`).set(auth(token)),
      file: (path: string) => request(t.app).get(`/api/v1${path}`).set(auth(token)).buffer(true).parse(binary),
      post: (path: string, body: object = {}) => request(t.app).post(`/api/v1${path}`).set(auth(token)).send(body),
    });
    const bySchool = api(schoolToken);
    const byRegion = api(regionToken);

    expect((await bySchool.post(`/organisations/${school}/card-orders`, { memberIds: [yakovleva, abramova, deregistered, revoked, blocked] })).body.ordered).toBe(5);
    expect((await byRegion.post(`/organisations/${gymnasium}/card-orders`, { memberIds: [borisova] })).body.ordered).toBe(1);

    // After the order: one leaves the union, one revokes the card operator's consent, one card is blocked.
    expect((await bySchool.post(`/members/${deregistered}/deregister`, { date: '2026-11-25', reason: 'left_job' })).status).toBe(200);
    const revoke = await bySchool.post(`/organisations/${school}/members/actions`, { action: 'consents', memberIds: [revoked], consents: { operator: { state: 'revoked', date: '2026-11-25' } } });
    expect(revoke.body.counts).toEqual({ updated: 1, unchanged: 0, error: 0 });
    await exec(t.ctx.db, `UPDATE members SET card_status = 'blocked' WHERE id = ${lit(blocked)}`);

    // A territorial chair cannot collect the other district's orders; the region collects both.
    const territoryToken = await t.token('territory');
    expect((await api(territoryToken).post(`/organisations/${region}/card-batches`)).status).toBe(404);
    const res = await byRegion.post(`/organisations/${region}/card-batches`);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orgId: region, ordersCount: 2, cardCount: 6 });
    expect(res.body.orders.map((o: { orgId: number; cards: number }) => `${o.orgId}:${o.cards}`).sort()).toEqual([`${school}:5`, `${gymnasium}:1`].sort());
    expect((await api(territoryToken).get(`/organisations/${territorial}/card-batches`)).body.map((b: { id: number }) => b.id)).not.toContain(res.body.id);

    const csv = await byRegion.file(`/card-batches/${res.body.id}/register.csv`);
    expect(csv.status).toBe(200);
    const lines = (csv.body as Buffer).subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    const named = lines.slice(1).map((l) => l.split(';'));
    // «ППО МБОУ …» sorts before «ППО гимназии …» (code-point order, the same on both databases).
    expect(named.map((c) => [c[0], c[4], c[11]])).toEqual([
      ['1', 'Абрамова', 'ППО МБОУ «Средняя школа № 1»'],
      ['2', 'Яковлева', 'ППО МБОУ «Средняя школа № 1»'],
      ['3', 'Борисова', 'ППО гимназии № 5'],
    ]);
    // The register carries no internal ids at all (domain/card-operator-data.ts).
    for (const id of [abramova, yakovleva, borisova, deregistered, revoked, blocked]) expect(csv.body.toString('utf8')).not.toContain(id);
    for (const surname of ['Выбывшая', 'Отозвавшая', 'Заблокированная']) expect(csv.body.toString('utf8')).not.toContain(surname);

    const xlsx = await byRegion.file(`/card-batches/${res.body.id}/register.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const ws = wb.getWorksheet('Реестр ЭПБ')!;
    expect(ws.actualRowCount).toBe(4);
    expect([2, 3, 4].map((r) => ws.getCell(r, 5).value)).toEqual(['Абрамова', 'Яковлева', 'Борисова']);
    const info = wb.getWorksheet('Сведения')!;
    const excludedRow = [...Array(info.actualRowCount).keys()].map((i) => info.getRow(i + 1)).find((r) => r.getCell(1).value === 'Не включены в реестр');
    expect(String(excludedRow?.getCell(2).value)).toMatch(/^3 — сняты с учёта, отозвали согласие/);
  });
});
