/**
 * IDOR probes beyond the matrix: a chair of another organisation (with its obligation recorded and a
 * real session) tries the ids of this school's members — active and deregistered —, its batch and
 * its transfer; old sessions try again after logout and after expiry. Every answer is 404 or 401,
 * and no body carries the member's data.
 */
import request from 'supertest';
import { auth, startTestApp, type TestApp } from '../support/app';
import { dbVariants } from '../support/db';

describe.each(dbVariants())('IDOR probes (%s)', (variant) => {
  let t: TestApp;
  let school: string;
  let other: string;
  let otherOrg: number;
  let active: string;
  let gone: string;
  let batchId: string;

  beforeAll(async () => {
    t = await startTestApp(variant);
    school = await t.token('school');
    const admin = await t.token('admin');
    const api = () => request(t.app);
    otherOrg = (await api().post(`/api/v1/organisations/${t.demo.orgIds.territorial}/children`).set(auth(admin)).send({ kind: 'primary', name: 'ППО соседней школы' })).body.id;
    const cred = (await api().post(`/api/v1/organisations/${otherOrg}/accounts`).set(auth(admin)).send({ fullName: 'Соседова Вера Ильинична' })).body;
    await api().post(`/api/v1/accounts/${cred.account.id}/obligation`).set(auth(admin)).send({ signedAt: '2026-11-01' });
    const first = (await api().post('/api/v1/auth/login').send({ login: cred.account.login, password: cred.oneTimePassword })).body.token;
    await api().post('/api/v1/auth/password').set(auth(first)).send({ oldPassword: cred.oneTimePassword, newPassword: 'Соседний-пароль-2026' });
    other = first;

    const push = await api()
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
      .set(auth(school))
      .send({
        idempotencyKey: 'idor-push-0001',
        rows: [
          { row: 2, values: { surname: 'Скрытова', name: 'Алла', birthDate: '12.03.1979', category: 'Работник', snils: '112-233-445 95' } },
          { row: 3, values: { surname: 'Ушедшая', name: 'Вера', birthDate: '01.06.1970', category: 'Работник' } },
        ],
      });
    expect(push.status).toBe(200);
    [active, gone] = push.body.rows.map((r: { id: string }) => r.id);
    batchId = push.body.batchId;
    const dereg = await api().post(`/api/v1/members/${gone}/deregister`).set(auth(school)).send({ date: '2026-11-20', reason: 'left_job' });
    expect(dereg.status).toBeLessThan(300);
  });
  afterAll(() => t.close());

  const noData = (body: unknown) => expect(JSON.stringify(body)).not.toMatch(/Скрытова|Ушедшая|11223344595|112-233-445/);

  test('another chair gets 404 for this school\'s members, active or deregistered, and their batch', async () => {
    const probes: [string, string, object?][] = [
      ['get', `/api/v1/members/${active}`],
      ['get', `/api/v1/members/${gone}`],
      ['post', `/api/v1/members/${active}/deregister`, { date: '2026-11-21', reason: 'left_job' }],
      ['post', `/api/v1/members/${gone}/transfers`, { toOrgId: otherOrg }],
      ['post', `/api/v1/members/${active}/transfers`, { toOrgId: otherOrg }],
      ['get', `/api/v1/batches/${batchId}`],
      ['post', `/api/v1/batches/${batchId}/revert`],
      ['get', `/api/v1/organisations/${t.demo.orgIds.school}/members`],
      ['get', `/api/v1/organisations/${t.demo.orgIds.school}/members/export.csv`],
    ];
    for (const [method, url, body] of probes) {
      const call = (request(t.app) as unknown as Record<string, (u: string) => request.Test>)[method](url).set(auth(other));
      const res = body ? await call.send(body) : await call;
      expect(`${method} ${url} → ${res.status}`).toBe(`${method} ${url} → 404`);
      noData(res.body);
    }
  });

  test('foreign member ids inside the chair\'s own organisation requests are refused as not found', async () => {
    const own = `/api/v1/organisations/${otherOrg}`;
    const probes: [string, object][] = [
      [`${own}/members/actions`, { action: 'consents', memberIds: [active], consents: { union: { state: 'given', date: '2026-11-20' } } }],
      [`${own}/cards/eligibility`, { memberIds: [active, gone] }],
      [`${own}/card-orders`, { memberIds: [active] }],
      [`${own}/cards/issue`, { memberIds: [active] }],
      [`${own}/documents/consents`, { memberIds: [active], format: 'docx' }],
    ];
    for (const [url, body] of probes) {
      const res = await request(t.app).post(url).set(auth(other)).send(body);
      if (res.status === 200 && Array.isArray(res.body.results)) {
        // Per-member answers (one action for selected rows): the foreign member is "not found", nothing done.
        expect(res.body.results.every((r: { outcome: string }) => r.outcome === 'error')).toBe(true);
        expect(res.body.results[0].message).toMatch(/не найден/i);
      } else {
        expect(`${url} → ${res.status}`).toMatch(/→ (404|400|422)$/);
      }
      noData(res.body);
    }
    // And nothing changed for the school's member.
    const card = await request(t.app).get(`/api/v1/members/${active}`).set(auth(school));
    expect(card.body.data.consentUnion ?? null).toBeNull();
    expect(card.body.data.cardStatus ?? null).toBeNull();
  });

  test('a session after logout or expiry reaches nothing', async () => {
    const res = await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' });
    const token = res.body.token;
    expect((await request(t.app).get(`/api/v1/members/${active}`).set(auth(token))).status).toBe(200);
    await request(t.app).post('/api/v1/auth/logout').set(auth(token));
    const revoked = await request(t.app).get(`/api/v1/members/${active}`).set(auth(token));
    expect(revoked.status).toBe(401);
    noData(revoked.body);

    const fresh = (await request(t.app).post('/api/v1/auth/login').send({ login: 'school', password: 'demo-school-2026' })).body.token;
    t.clock.advanceMinutes(t.ctx.config.tokenTtlMinutes + 1);
    const expired = await request(t.app).get(`/api/v1/organisations/${t.demo.orgIds.school}/members`).set(auth(fresh));
    expect(expired.status).toBe(401);
    noData(expired.body);
  });
});
