/**
 * One scope and obligation check per request: http/route.ts looks the organisation of :orgId up (in the
 * caller's subtree) once and hands it to the service as a ScopedOrg; the services do not look it up again
 * per chunk. Counted as lookups of that organisation by id, on a push and on an upload of two chunks.
 */
import request from 'supertest';
import { SYNC_CHUNK_MAX_ROWS } from '../../domain/members/sync-contract';
import { auth, startTestApp, type TestApp } from '../../test/support/app';
import { dbVariants } from '../../test/support/db';

describe.each(dbVariants())('the access check of a request runs once (%s)', (variant) => {
  let t: TestApp;
  let territory: string;
  let lookups: number;
  beforeEach(async () => {
    t = await startTestApp(variant);
    territory = await t.token('territory');
    const school = t.demo.orgIds.school;
    lookups = 0;
    // every scope check reads the organisation by its id, outside any transaction (orgInScope → findByPk);
    // a service re-reading the row it has just changed does so inside its transaction and is not counted
    t.ctx.db.models.Organisation.addHook('beforeFind', (options: { where?: unknown; transaction?: unknown }) => {
      const where = options.where as Record<string, unknown> | undefined;
      if (!options.transaction && where && Number(where.id) === school) lookups += 1;
    });
  });
  afterEach(() => t.close());

  test('a push of one chunk: the organisation is looked up once', async () => {
    const res = await request(t.app)
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
      .set(auth(territory))
      .send({ idempotencyKey: 'access-once-0001', rows: [{ row: 2, values: { surname: 'Проверкина', name: 'Анна', birthDate: '01.02.1980', category: 'Работник' } }] });
    expect(res.status).toBe(200);
    expect(res.body.counts.created).toBe(1);
    expect(lookups).toBe(1);
  });

  test('an upload of two chunks: the organisation is looked up once, not once per layer and chunk', async () => {
    const n = SYNC_CHUNK_MAX_ROWS + 5;
    const day = (i: number) => new Date(Date.UTC(1960, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('.');
    const csv = ['Фамилия;Имя;Дата рождения;Категория', ...Array.from({ length: n }, (_, i) => `Загрузкина;Вера;${day(i)};Работник`)].join('\n');
    const res = await request(t.app)
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/upload?dryRun=1`)
      .set(auth(territory))
      .set('Content-Type', 'text/csv')
      .send(Buffer.from(csv, 'utf8'));
    expect(res.status).toBe(200);
    expect(JSON.parse(String(res.headers['x-upload-summary']))).toMatchObject({ rows: n });
    expect(lookups).toBe(1);
  });

  test('the list, its pages, transfers, batches, an export and an action: one lookup each', async () => {
    const school = t.demo.orgIds.school;
    const api = (method: 'get' | 'post', path: string) => request(t.app)[method](`/api/v1/organisations/${school}${path}`).set(auth(territory));
    const counted = async (send: () => Promise<request.Response>): Promise<[number, number]> => {
      lookups = 0;
      const res = await send();
      return [res.status, lookups];
    };
    let memberId = '';
    expect(
      await counted(async () => {
        const res = await api('get', '/members?limit=1');
        memberId = res.body.items[0].id;
        return res;
      }),
    ).toEqual([200, 1]);
    expect(await counted(() => api('get', '/transfers?direction=incoming'))).toEqual([200, 1]);
    expect(await counted(() => api('get', '/batches'))).toEqual([200, 1]);
    expect(await counted(() => api('get', '/members/export.csv'))).toEqual([200, 1]);
    expect(await counted(() => api('post', '/members/actions').send({ action: 'consents', memberIds: [memberId], consents: { union: { state: 'given', date: '2026-11-20' } } }))).toEqual([200, 1]);
  });

  test('the organisation, its children, structure, passport and accounts, a rename and a new unit: one lookup each', async () => {
    const school = t.demo.orgIds.school;
    const api = (method: 'get' | 'post' | 'patch', path: string) => request(t.app)[method](`/api/v1/organisations/${school}${path}`).set(auth(territory));
    const counted = async (send: () => Promise<request.Response>): Promise<[number, number]> => {
      lookups = 0;
      const res = await send();
      return [res.status, lookups];
    };
    expect(await counted(() => api('get', ''))).toEqual([200, 1]);
    expect(await counted(() => api('get', '/children'))).toEqual([200, 1]);
    expect(await counted(() => api('get', '/structure'))).toEqual([200, 1]);
    expect(await counted(() => api('get', '/passport'))).toEqual([200, 1]);
    expect(await counted(() => api('get', '/accounts'))).toEqual([200, 1]);
    expect(await counted(() => api('patch', '').send({ name: 'ППО школы № 1 (переименована)' }))).toEqual([200, 1]);
    expect((await counted(() => api('post', '/children').send({ kind: 'subdivision', name: 'Профбюро старших классов' })))[0]).toBe(201);
  });
});
