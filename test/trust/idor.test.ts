/**
 * IDOR probes beyond the authorisation matrix (which covers every route × role × own/foreign path):
 * the ids of another organisation's members, batches, transfers, card orders and documents put where
 * the matrix does not look — inside request bodies, inside a sheet row, in a pull cursor, in a unit of
 * a transfer —, deregistered members, the existence oracle (a foreign id must look exactly like an id
 * that does not exist), and sessions that should be dead: after logout, expiry, a password change, a
 * password reset, a disabled account, a stored token hash, a tampered token. Every answer is 404 / 4xx
 * or 401, no body carries the member's data, and nothing of the other organisation changes.
 */
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { seedMembers } from '../../server/services/cards/test-fixtures';
import { auth, startTestApp, type TestApp } from '../support/app';
import { dbVariants } from '../support/db';
import { orderedSteps } from '../support/ordered-steps';

interface Chair {
  orgId: number;
  userId: number;
  login: string;
  token: string;
}

const SECRET = /Скрытова|Ушедшая|Переводова|Карточкина|11223344595|112-233-445|12\.03\.1979|1979-03-12|01\.06\.1970|1970-06-01/;

describe.each(dbVariants())('IDOR probes (%s)', (variant) => {
  let t: TestApp;
  let school: string;
  let admin: string;
  let territory: string;
  /** A chair of another school of the same district (obligation recorded, password changed). */
  let sibling: Chair;
  /** A territorial chair and a school chair of another region. */
  let farTerritory: Chair;
  let farSchool: Chair;
  let active: string;
  let gone: string;
  let moving: string;
  let cardMember: string;
  let batchId: string;
  let transferId: string;
  let orderId: number;
  let unitId: number;

  const api = () => request(t.app);

  async function chair(parentOrg: number, kind: 'primary' | 'territorial', name: string, password: string): Promise<Chair> {
    const org = await api().post(`/api/v1/organisations/${parentOrg}/children`).set(auth(admin)).send({ kind, name });
    expect(org.status).toBe(201);
    const cred = (await api().post(`/api/v1/organisations/${org.body.id}/accounts`).set(auth(admin)).send({ fullName: 'Соседова Вера Ильинична' })).body;
    expect((await api().post(`/api/v1/accounts/${cred.account.id}/obligation`).set(auth(admin)).send({ signedAt: '2026-11-01' })).status).toBeLessThan(300);
    const first = (await api().post('/api/v1/auth/login').send({ login: cred.account.login, password: cred.oneTimePassword })).body.token as string;
    expect((await api().post('/api/v1/auth/password').set(auth(first)).send({ oldPassword: cred.oneTimePassword, newPassword: password })).status).toBe(204);
    return { orgId: org.body.id, userId: cred.account.id, login: cred.account.login, token: first };
  }

  const card = async (id: string) => {
    const r = await api().get(`/api/v1/members/${id}`).set(auth(school));
    expect(r.status).toBe(200);
    return r.body;
  };
  const noData = (what: string, body: unknown) => expect(`${what}: ${JSON.stringify(body)}`).not.toMatch(SECRET);

  beforeAll(async () => {
    t = await startTestApp(variant);
    school = await t.token('school');
    admin = await t.token('admin');
    territory = await t.token('territory');
    sibling = await chair(t.demo.orgIds.territorial, 'primary', 'ППО соседней школы', 'Соседний-пароль-2026');
    const farRegion = (await api().post(`/api/v1/organisations/${t.demo.orgIds.central}/children`).set(auth(admin)).send({ kind: 'regional', name: 'Дальняя региональная организация' })).body.id;
    farTerritory = await chair(farRegion, 'territorial', 'Дальняя районная организация', 'Дальний-район-2026');
    farSchool = await chair(farTerritory.orgId, 'primary', 'ППО дальней школы', 'Дальняя-школа-2026');

    const push = await api()
      .post(`/api/v1/organisations/${t.demo.orgIds.school}/members/sync`)
      .set(auth(school))
      .send({
        idempotencyKey: 'idor-push-0001',
        rows: [
          { row: 2, values: { surname: 'Скрытова', name: 'Алла', birthDate: '12.03.1979', category: 'Работник', snils: '112-233-445 95', phone: '+7 912 345-67-89' } },
          { row: 3, values: { surname: 'Ушедшая', name: 'Вера', birthDate: '01.06.1970', category: 'Работник' } },
          { row: 4, values: { surname: 'Переводова', name: 'Инна', birthDate: '05.05.1985', category: 'Работник' } },
        ],
      });
    expect(push.status).toBe(200);
    [active, gone, moving] = push.body.rows.map((r: { id: string }) => r.id);
    batchId = push.body.batchId;
    expect((await api().post(`/api/v1/members/${gone}/deregister`).set(auth(school)).send({ date: '2026-11-20', reason: 'left_job' })).status).toBe(200);
    const tr = await api().post(`/api/v1/members/${moving}/transfers`).set(auth(school)).send({ toOrgId: sibling.orgId });
    expect(tr.status).toBe(201);
    transferId = tr.body.id;
    [cardMember] = await seedMembers(t.ctx, [{ orgId: t.demo.orgIds.school, surname: 'Карточкина' }]);
    const order = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/card-orders`).set(auth(school)).send({ memberIds: [cardMember] });
    expect(order.status).toBeLessThan(300);
    orderId = order.body.orders[0].id;
    // The other schools keep lists of their own (so that a leak through a cursor would show).
    for (const [who, surname] of [[sibling, 'Соседкина'], [farSchool, 'Дальнева']] as const) {
      const own = await api()
        .post(`/api/v1/organisations/${who.orgId}/members/sync`)
        .set(auth(who.token))
        .send({ idempotencyKey: `idor-own-${who.orgId}`, rows: [1, 2, 3].map((i) => ({ row: i + 1, values: { surname, name: 'Ольга', birthDate: `0${i}.02.1981`, category: 'Работник' } })) });
      expect(own.body.counts.created).toBe(3);
    }
    const unit = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/children`).set(auth(school)).send({ kind: 'subdivision', name: 'Профбюро начальной школы' });
    expect(unit.status).toBe(201);
    unitId = unit.body.id;
  });
  afterAll(() => t.close());

  // The probes share one app and its fixtures, and the last one ends sessions and moves the clock past
  // every token's expiry: the tests are steps run in the order written (test/support/ordered-steps.ts),
  // so any one of them passes alone and the file passes in any order.
  const step = orderedSteps();

  step('a chair of another school gets 404 for this school\'s members (active and deregistered), batch and transfer — and they stay as they were', async () => {
    const before = { active: await card(active), gone: await card(gone), moving: await card(moving) };
    const probes: [string, string, object?][] = [
      ['get', `/api/v1/members/${active}`],
      ['get', `/api/v1/members/${gone}`],
      ['post', `/api/v1/members/${active}/deregister`, { date: '2026-11-21', reason: 'left_job' }],
      ['post', `/api/v1/members/${active}/transfers`, { toOrgId: sibling.orgId }],
      ['post', `/api/v1/members/${gone}/transfers`, { toOrgId: sibling.orgId }],
      ['get', `/api/v1/batches/${batchId}`],
      ['post', `/api/v1/batches/${batchId}/revert`],
      ['get', `/api/v1/organisations/${t.demo.orgIds.school}/members`],
      ['get', `/api/v1/organisations/${t.demo.orgIds.school}/members/export.csv`],
      ['get', `/api/v1/organisations/${t.demo.orgIds.school}/members/export.xlsx`],
      ['post', `/api/v1/card-orders/${orderId}/cancel`],
    ];
    for (const who of [sibling, farSchool]) {
      for (const [method, url, body] of probes) {
        const call = (api() as unknown as Record<string, (u: string) => request.Test>)[method](url).set(auth(who.token));
        const res = body ? await call.send(body) : await call;
        expect(`${method} ${url} → ${res.status}`).toBe(`${method} ${url} → 404`);
        noData(url, res.body);
      }
    }
    // The transfer is seen by the two organisations it concerns, and by nobody else.
    for (const path of ['', '/accept', '/reject', '/cancel']) {
      const res = path ? await api().post(`/api/v1/transfers/${transferId}${path}`).set(auth(farSchool.token)).send({}) : await api().get(`/api/v1/transfers/${transferId}`).set(auth(farSchool.token));
      expect(`transfer${path} → ${res.status}`).toBe(`transfer${path} → 404`);
      noData(`transfer${path}`, res.body);
    }
    expect(await card(active)).toEqual(before.active);
    expect(await card(gone)).toEqual(before.gone);
    expect(await card(moving)).toEqual(before.moving);
  });

  step('a foreign id looks exactly like an id that does not exist (no existence oracle)', async () => {
    const nobody = randomUUID();
    for (const [method, path, body] of [
      ['get', (id: string) => `/api/v1/members/${id}`, undefined],
      ['post', (id: string) => `/api/v1/members/${id}/deregister`, { date: '2026-11-21', reason: 'left_job' }],
      ['get', (id: string) => `/api/v1/batches/${id}`, undefined],
    ] as const) {
      const send = async (id: string) => {
        const call = (api() as unknown as Record<string, (u: string) => request.Test>)[method](path(id)).set(auth(sibling.token));
        return body ? call.send(body) : call;
      };
      const foreign = await send(path === undefined ? '' : path(active).includes('batches') ? batchId : active);
      const missing = await send(nobody);
      expect(foreign.status).toBe(missing.status);
      expect(JSON.stringify(foreign.body).replaceAll(active, 'ID').replaceAll(batchId, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(nobody, 'ID'));
    }
  });

  step('foreign member ids inside the chair\'s own requests are refused, and nothing is done to those members', async () => {
    const before = await card(active);
    const cardBefore = await card(cardMember);
    const ordersBefore = (await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/card-orders`).set(auth(school))).body;
    const own = `/api/v1/organisations/${sibling.orgId}`;
    const probes: [string, object][] = [
      [`${own}/members/actions`, { action: 'consents', memberIds: [active, gone], consents: { notify: { state: 'given', date: '2026-11-20' } } }],
      [`${own}/members/actions`, { action: 'card_status', memberIds: [cardMember], status: 'issued' }],
      [`${own}/cards/eligibility`, { memberIds: [active, gone, cardMember] }],
      [`${own}/card-orders`, { memberIds: [cardMember] }],
      [`${own}/cards/issue`, { memberIds: [cardMember] }],
      [`${own}/documents/consents`, { memberIds: [active], format: 'docx' }],
    ];
    for (const [url, body] of probes) {
      const res = await api().post(url).set(auth(sibling.token)).send(body);
      if (res.status < 300) {
        // Per-member answers: each foreign member is "not found" / refused, nothing done.
        const perMember = (res.body.results ?? res.body.members) as { outcome?: string; eligible?: boolean; message?: string | null; reasons?: string[] }[];
        expect(Array.isArray(perMember)).toBe(true);
        for (const m of perMember) expect(m.outcome === 'error' || m.outcome === 'refused' || m.eligible === false).toBe(true);
      } else {
        expect(`${url} → ${res.status}`).toMatch(/→ (400|404|409|422)$/);
      }
      noData(url, res.body);
    }
    expect(await card(active)).toEqual(before);
    expect(await card(cardMember)).toEqual(cardBefore);
    expect((await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/card-orders`).set(auth(school))).body).toEqual(ordersBefore);
    expect((await api().get(`${own}/card-orders`).set(auth(sibling.token))).body).toEqual([]);
  });

  step('a sheet row naming a foreign member by id (with its real version) is an error, reads like an unknown id, and changes nothing', async () => {
    const before = await card(active);
    const push = (id: string, key: string) =>
      api()
        .post(`/api/v1/organisations/${sibling.orgId}/members/sync`)
        .set(auth(sibling.token))
        .send({ idempotencyKey: key, rows: [{ row: 2, id, version: before.version, values: { surname: 'Захватова', name: 'Алла', birthDate: '12.03.1979', category: 'Работник', snils: '112-233-445 95' } }] });
    const foreign = await push(active, 'idor-foreign-id-1');
    expect(foreign.status).toBe(200);
    expect(foreign.body.rows[0].outcome).not.toMatch(/created|updated|unchanged/);
    expect(foreign.body.counts.created + foreign.body.counts.updated).toBe(0);
    noData('sync with a foreign id', foreign.body);
    const nobody = randomUUID();
    const missing = await push(nobody, 'idor-foreign-id-2');
    expect(JSON.stringify(foreign.body.rows[0].errors ?? foreign.body.rows[0].conflict).replaceAll(active, 'ID')).toBe(JSON.stringify(missing.body.rows[0].errors ?? missing.body.rows[0].conflict).replaceAll(nobody, 'ID'));
    expect(await card(active)).toEqual(before);
  });

  step('another chair reusing this school\'s idempotency key with the same rows does not get this school\'s stored answer', async () => {
    const same = {
      idempotencyKey: 'idor-push-0001',
      rows: [{ row: 2, values: { surname: 'Скрытова', name: 'Алла', birthDate: '12.03.1979', category: 'Работник', snils: '112-233-445 95', phone: '+7 912 345-67-89' } }],
    };
    for (const who of [sibling, farSchool]) {
      const res = await api().post(`/api/v1/organisations/${who.orgId}/members/sync`).set(auth(who.token)).send(same);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(active);
      expect(res.body.batchId).not.toBe(batchId);
      expect(res.body.rows[0].outcome).toBe('conflict');
    }
  });

  step('a person registered elsewhere: the answer names only that organisation, never the member\'s id or data', async () => {
    const res = await api()
      .post(`/api/v1/organisations/${sibling.orgId}/members/sync`)
      .set(auth(sibling.token))
      .send({ idempotencyKey: 'idor-elsewhere-1', rows: [{ row: 2, values: { surname: 'Другая', name: 'Фамилия', birthDate: '02.02.1990', category: 'Работник', snils: '112-233-445 95' } }] });
    expect(res.status).toBe(200);
    const row = res.body.rows[0];
    expect(row.outcome).toBe('conflict');
    expect(row.conflict.reason).toBe('registered_elsewhere');
    expect(JSON.stringify(res.body)).not.toContain(active);
    noData('registered elsewhere', res.body);
  });

  step('a pull cursor taken from another organisation\'s list reads only the chair\'s own list', async () => {
    const page = await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/members?limit=1`).set(auth(school));
    expect(page.body.nextCursor).toBeTruthy();
    for (const who of [sibling, farSchool]) {
      for (const q of [`cursor=${encodeURIComponent(page.body.nextCursor)}`, `cursor=${encodeURIComponent(page.body.nextCursor)}&subtree=1&includeDeregistered=1`]) {
        const res = await api().get(`/api/v1/organisations/${who.orgId}/members?${q}`).set(auth(who.token));
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) {
          const items = res.body.items as { primaryOrgId: number }[];
          for (const m of items) expect(m.primaryOrgId).toBe(who.orgId);
          // Either the cursor is refused or it reads on in the chair's own list only.
          expect(items.length).toBeLessThanOrEqual(3);
        }
        noData('foreign cursor', res.body);
      }
    }
  });

  step('another district collecting a card batch with this district\'s order ids, or moving its school under this district, gets 404 and changes nothing', async () => {
    const before = (await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/card-orders`).set(auth(school))).body;
    const collect = await api().post(`/api/v1/organisations/${farTerritory.orgId}/card-batches`).set(auth(farTerritory.token)).send({ orderIds: [orderId] });
    expect(collect.status).toBe(404);
    noData('foreign card orders', collect.body);
    expect((await api().get(`/api/v1/organisations/${t.demo.orgIds.school}/card-orders`).set(auth(school))).body).toEqual(before);
    expect((await api().get(`/api/v1/organisations/${farTerritory.orgId}/card-batches`).set(auth(farTerritory.token))).body).toEqual([]);
    const move = await api().patch(`/api/v1/organisations/${farSchool.orgId}`).set(auth(farTerritory.token)).send({ parentId: t.demo.orgIds.territorial });
    expect(move.status).toBe(404);
    const org = await api().get(`/api/v1/organisations/${farSchool.orgId}`).set(auth(farTerritory.token));
    expect(org.body.parentId).toBe(farTerritory.orgId);
  });

  step('the receiving school cannot place a transferred member into a unit of the sending school', async () => {
    const res = await api().post(`/api/v1/transfers/${transferId}/accept`).set(auth(sibling.token)).send({ unitId });
    expect(res.status).toBe(400);
    noData('accept into a foreign unit', res.body);
    const m = await card(moving);
    expect(m.primaryOrgId).toBe(t.demo.orgIds.school);
  });

  step('a download link works once and is useless when guessed, reused or expired', async () => {
    const adminT = admin;
    for (const org of [t.demo.orgIds.central, t.demo.orgIds.region, t.demo.orgIds.territorial]) {
      await api().put(`/api/v1/organisations/${org}/documents/details`).set(auth(adminT)).send({ unionName: 'Организация Профсоюза', legalAddress: 'г. Казань, ул. Пушкина, д. 1', contact: '+7 843 000-00-00' });
    }
    await api().put('/api/v1/settings/documents').set(auth(adminT)).send({ cardOperator: { inn: '7707083893', address: 'г. Москва, ул. Вавилова, д. 19' } });
    const print = async () => {
      const r = await api().post(`/api/v1/organisations/${t.demo.orgIds.school}/documents/consents`).set(auth(school)).send({ memberIds: [active], kinds: ['union'] });
      expect(r.status).toBe(201);
      return new URL(r.body.downloadUrl).pathname;
    };
    const link = await print();
    expect((await api().get(link)).status).toBe(200);
    const again = await api().get(link);
    expect(again.status).toBe(410);
    noData('reused link', again.body);
    const guessed = await api().get(link.replace(/[A-Za-z0-9_-]{8}$/, 'AAAAAAAA'));
    expect([404, 410]).toContain(guessed.status);
    noData('guessed link', guessed.body);
    const later = await print();
    t.clock.advanceMinutes(6);
    const expired = await api().get(later);
    expect(expired.status).toBe(410);
    noData('expired link', expired.body);
  });

  step('dead sessions reach nothing: logout, password change, reset, disabled account, stored hash, tampered token, expiry', async () => {
    const target = `/api/v1/members/${active}`;
    const login = async (l: string, p: string) => {
      const r = await api().post('/api/v1/auth/login').send({ login: l, password: p });
      expect(r.status).toBe(200);
      return r.body.token as string;
    };
    const expect401 = async (what: string, token: string, path = target) => {
      const r = await api().get(path).set(auth(token));
      expect(`${what} → ${r.status}`).toBe(`${what} → 401`);
      noData(what, r.body);
    };
    // logout
    const a = await login('school', 'demo-school-2026');
    expect((await api().get(target).set(auth(a))).status).toBe(200);
    await api().post('/api/v1/auth/logout').set(auth(a));
    await expect401('after logout', a);
    // the token as stored (its SHA-256), and a token with one character changed
    const b = await login('school', 'demo-school-2026');
    await expect401('stored hash as a token', createHash('sha256').update(b).digest('hex'));
    await expect401('tampered token', b.slice(0, -1) + (b.endsWith('A') ? 'B' : 'A'));
    await expect401('no scheme', b.replace(/^/, 'x'));
    // a password change ends the user's other sessions
    const s1 = await login(sibling.login, 'Соседний-пароль-2026');
    const s2 = await login(sibling.login, 'Соседний-пароль-2026');
    expect((await api().post('/api/v1/auth/password').set(auth(s1)).send({ oldPassword: 'Соседний-пароль-2026', newPassword: 'Соседний-пароль-2027' })).status).toBe(204);
    await expect401('other session after a password change', s2, `/api/v1/organisations/${sibling.orgId}/members`);
    expect((await api().get(`/api/v1/organisations/${sibling.orgId}/members`).set(auth(s1))).status).toBe(200);
    // a reset by the territorial organisation ends every session
    expect((await api().post(`/api/v1/accounts/${sibling.userId}/reset-password`).set(auth(territory)).send({})).status).toBeLessThan(300);
    await expect401('session after a password reset', s1, `/api/v1/organisations/${sibling.orgId}/members`);
    // a disabled account: its sessions end and it cannot sign in
    const far = await login(farSchool.login, 'Дальняя-школа-2026');
    expect((await api().post(`/api/v1/accounts/${farSchool.userId}/active`).set(auth(admin)).send({ active: false })).status).toBeLessThan(300);
    await expect401('session of a disabled account', far, `/api/v1/organisations/${farSchool.orgId}/members`);
    expect((await api().post('/api/v1/auth/login').send({ login: farSchool.login, password: 'Дальняя-школа-2026' })).status).toBe(401);
    // expiry (last: the clock moves for everyone)
    const fresh = await login('school', 'demo-school-2026');
    t.clock.advanceMinutes(t.ctx.config.tokenTtlMinutes + 1);
    await expect401('expired token', fresh, `/api/v1/organisations/${t.demo.orgIds.school}/members`);
  });
});
