import { SYNC_CHUNK_MAX_ROWS, type SyncRequest, type SyncResponse, type SyncRowIn } from '../../domain/members/sync-contract';
import { ApiClient, type FetchLike } from './client';
import { ApiError, describeError, errorFromResponse } from './errors';
import { newIdempotencyKey } from './ids';
import { pullAllMembers } from './pull';
import { PushJob, planChunks, utf8Bytes } from './push';
import { memoryTokenStore, sessionTokenStore, sharedTokenStore } from './token-store';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A scripted fetch: each call is answered by the next handler (or the last one, repeatedly). */
function fakeFetch(handlers: ((call: Call) => Response | Promise<Response>)[]) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call: Call = {
      url,
      method: String(init.method ?? 'GET'),
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    calls.push(call);
    const h = handlers[Math.min(calls.length - 1, handlers.length - 1)];
    return h(call);
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const problem = (status: number, code: string, detail: string, errors?: { field: string; message: string }[], headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: `/problems/${code}`, title: 'x', status, detail, ...(errors ? { errors } : {}) }), {
    status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
  });
const networkDown = (): Response => {
  throw new TypeError('Failed to fetch');
};

function syncAnswer(req: SyncRequest, batchId = 'b-1'): SyncResponse {
  return {
    batchId,
    dryRun: req.dryRun === true,
    counts: { created: req.rows.length, updated: 0, unchanged: 0, error: 0, conflict: 0 },
    rows: req.rows.map((r, i) => ({ row: r.row, outcome: 'created', id: `m-${r.row}-${i}`, version: 1 })),
  };
}

function makeClient(fetch: FetchLike, extra: Partial<ConstructorParameters<typeof ApiClient>[0]> = {}) {
  const sleeps: number[] = [];
  const client = new ApiClient({
    fetch,
    tokens: memoryTokenStore('tok-1'),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    retry: { retries: 3, delayMs: (a) => 1000 * 2 ** (a - 1) },
    ...extra,
  });
  return { client, sleeps };
}

const rows = (n: number, from = 2): SyncRowIn[] =>
  Array.from({ length: n }, (_, i) => ({ row: from + i, values: { surname: 'Иванова', name: 'Анна', birthDate: '01.02.1990', category: 'Работник' } }));

describe('ApiClient transport', () => {
  it('sends the bearer token and JSON, and parses the answer', async () => {
    const { fetch, calls } = fakeFetch([() => json(200, { id: 1, name: 'ППО' })]);
    const { client } = makeClient(fetch);
    const org = await client.getOrganisation(7);
    expect(org).toEqual({ id: 1, name: 'ППО' });
    expect(calls[0].url).toBe('/api/v1/organisations/7');
    expect(calls[0].headers.Authorization).toBe('Bearer tok-1');
  });

  it('retries a sync chunk after a network failure with the identical body and the same idempotency key', async () => {
    let served = 0;
    const { fetch, calls } = fakeFetch([
      networkDown,
      networkDown,
      (c) => {
        served++;
        return json(200, syncAnswer(JSON.parse(c.body!) as SyncRequest));
      },
    ]);
    const { client, sleeps } = makeClient(fetch);
    const req: SyncRequest = { idempotencyKey: 'key-123', rows: rows(3) };
    const res = await client.syncMembers(5, req);
    expect(res.counts.created).toBe(3);
    expect(served).toBe(1);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    expect(calls.map((c) => c.headers['Idempotency-Key'])).toEqual(['key-123', 'key-123', 'key-123']);
    expect(calls.map((c) => (JSON.parse(c.body!) as SyncRequest).idempotencyKey)).toEqual(['key-123', 'key-123', 'key-123']);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('gives up after the configured retries with a Russian "no connection" error that offers a retry', async () => {
    const { fetch, calls } = fakeFetch([networkDown]);
    const { client } = makeClient(fetch);
    const err = await client.getStructure(1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('network');
    expect((err as ApiError).retryable).toBe(true);
    expect((err as ApiError).detail).toMatch(/Нет связи с сервером реестра/);
    expect(calls).toHaveLength(4);
  });

  it('does not retry 4xx answers nor a 500, and does not resend a non-idempotent POST after a lost answer', async () => {
    for (const res of [problem(400, 'validation', 'Проверьте поля: name.'), problem(500, 'internal', 'Внутренняя ошибка сервера.')]) {
      const { fetch, calls } = fakeFetch([() => res]);
      const { client } = makeClient(fetch);
      await expect(client.createChild(1, { kind: 'group', name: 'А' })).rejects.toBeInstanceOf(ApiError);
      expect(calls).toHaveLength(1);
    }
    const { fetch, calls } = fakeFetch([networkDown]);
    const { client } = makeClient(fetch);
    await expect(client.createChild(1, { kind: 'group', name: 'А' })).rejects.toMatchObject({ kind: 'network' });
    expect(calls).toHaveLength(1);
  });

  it('retries 503 (also for a POST), honouring Retry-After', async () => {
    const { fetch, calls } = fakeFetch([
      () => problem(503, 'database_unavailable', 'База данных реестра временно недоступна.', undefined, { 'Retry-After': '5' }),
      () => json(201, { id: 9 }),
    ]);
    const { client, sleeps } = makeClient(fetch);
    await expect(client.createChild(1, { kind: 'group', name: 'А' })).resolves.toEqual({ id: 9 });
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([5000]);
  });

  it('times out a request that never answers', async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const client = new ApiClient({ fetch, timeoutMs: 20, retry: { retries: 0 } });
    await expect(client.me()).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('reports the request attempts to observers', async () => {
    const { fetch } = fakeFetch([networkDown, () => json(200, {})]);
    const { client } = makeClient(fetch);
    const seen: string[] = [];
    client.onRequest((e) => seen.push(`${e.method} ${e.path} #${e.attempt}${e.retryAfterError ? ` retry ${e.retryAfterError.kind}` : ''}`));
    await client.me();
    expect(seen).toEqual(['GET /me #1', 'GET /me #1 retry network', 'GET /me #2']);
  });
});

describe('ApiClient: «Запомнить меня»', () => {
  const user = { id: 1, login: 'school', fullName: 'И', role: 'primary_chair', orgId: 4 };
  const signedIn = (token: string, refreshToken?: string) => () => json(200, { token, expiresAt: '2030-01-01', mustChangePassword: false, user, ...(refreshToken ? { refreshToken } : {}) });

  it('asks for a refresh token only when ticked, keeps it, exchanges it on the next opening and keeps the rotated one', async () => {
    const { fetch, calls } = fakeFetch([signedIn('s1', 'r1'), signedIn('s2', 'r2')]);
    const refreshTokens = memoryTokenStore();
    const first = new ApiClient({ fetch, refreshTokens });
    await first.login('school', 'pw', true);
    expect(JSON.parse(calls[0].body!)).toEqual({ login: 'school', password: 'pw', remember: true });
    expect(refreshTokens.get()).toBe('r1');
    // The pane closed: a new client, no session, the refresh token kept.
    const reopened = new ApiClient({ fetch, refreshTokens });
    expect(reopened.signedIn).toBe(false);
    expect(reopened.remembered).toBe(true);
    expect(await reopened.resumeRemembered()).toBe(true);
    expect(calls[1]).toMatchObject({ url: '/api/v1/auth/refresh', method: 'POST' });
    expect(JSON.parse(calls[1].body!)).toEqual({ refreshToken: 'r1' });
    expect(calls[1].headers.Authorization).toBeUndefined();
    expect(reopened.signedIn).toBe(true);
    expect(refreshTokens.get()).toBe('r2');
  });

  it('a refused refresh token is forgotten; a lost connection keeps it and is never resent (a resend would count as reuse)', async () => {
    const refused = fakeFetch([() => problem(401, 'refresh_ended', 'Вход на этом компьютере больше не запомнен. Войдите снова.')]);
    const kept = memoryTokenStore('r1');
    const a = new ApiClient({ fetch: refused.fetch, refreshTokens: kept });
    expect(await a.resumeRemembered()).toBe(false);
    expect(kept.get()).toBeNull();

    const down = fakeFetch([networkDown]);
    const still = memoryTokenStore('r1');
    const b = new ApiClient({ fetch: down.fetch, refreshTokens: still, retry: { retries: 3, delayMs: () => 0 }, sleep: async () => undefined });
    await expect(b.resumeRemembered()).rejects.toMatchObject({ kind: 'network' });
    expect(down.calls).toHaveLength(1);
    expect(still.get()).toBe('r1');
  });

  it('a sign-in without the tick, «Выйти» and «Выйти на всех устройствах» forget this computer', async () => {
    const store = memoryTokenStore('old');
    const { fetch, calls } = fakeFetch([signedIn('s1'), () => new Response(null, { status: 204 }), signedIn('s2', 'r2'), () => new Response(null, { status: 204 })]);
    const c = new ApiClient({ fetch, refreshTokens: store });
    await c.login('school', 'pw');
    expect(store.get()).toBeNull();
    await c.logout();
    await c.login('school', 'pw', true);
    expect(store.get()).toBe('r2');
    await c.logoutEverywhere();
    expect(calls[3]).toMatchObject({ url: '/api/v1/auth/logout-all', method: 'POST' });
    expect(store.get()).toBeNull();
    expect(c.signedIn).toBe(false);
  });
});

describe('ApiClient sessions', () => {
  it('stores the token from sign-in and sends it afterwards', async () => {
    const { fetch, calls } = fakeFetch([
      () => json(200, { token: 'new-token', expiresAt: '2030-01-01', mustChangePassword: true, user: { id: 1, login: 'school', fullName: 'И', role: 'primary_chair', orgId: 4 } }),
      () => json(200, { id: 1 }),
    ]);
    const client = new ApiClient({ fetch });
    expect(client.signedIn).toBe(false);
    const r = await client.login('school', 'pw');
    expect(r.mustChangePassword).toBe(true);
    expect(calls[0].headers.Authorization).toBeUndefined();
    expect(JSON.parse(calls[0].body!)).toEqual({ login: 'school', password: 'pw' });
    await client.me();
    expect(calls[1].headers.Authorization).toBe('Bearer new-token');
  });

  it('turns a 401 on sign-in into "wrong password" without a session-expired event', async () => {
    const { fetch } = fakeFetch([() => problem(401, 'bad_credentials', 'Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.')]);
    const client = new ApiClient({ fetch });
    const events: ApiError[] = [];
    client.onSessionExpired((e) => events.push(e));
    await expect(client.login('school', 'x')).rejects.toMatchObject({ kind: 'bad_credentials', detail: expect.stringMatching(/Неверный логин или пароль/) });
    expect(events).toEqual([]);
  });

  it('turns a 423 on sign-in into "locked"', async () => {
    const { fetch } = fakeFetch([() => problem(423, 'account_locked', 'Слишком много неудачных попыток входа. Вход заблокирован на 15 мин.')]);
    const client = new ApiClient({ fetch });
    await expect(client.login('school', 'x')).rejects.toMatchObject({ kind: 'locked', status: 423 });
  });

  it('on a 401 elsewhere forgets the token, fires "session expired" once, and does not retry', async () => {
    const { fetch, calls } = fakeFetch([() => problem(401, 'session_expired', 'Сеанс истёк. Войдите снова — несохранённые строки листа останутся на месте.')]);
    const { client } = makeClient(fetch);
    const events: ApiError[] = [];
    client.onSessionExpired((e) => events.push(e));
    const err = (await client.getPassport(3).catch((e: unknown) => e)) as ApiError;
    expect(err.kind).toBe('session_expired');
    expect(err.detail).toMatch(/Сеанс истёк/);
    expect(events).toHaveLength(1);
    expect(events[0]).toBe(err);
    expect(client.signedIn).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('keeps a token obtained by a new sign-in while an old request was failing with 401', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tokens = memoryTokenStore('old');
    const fetch: FetchLike = async (url) => {
      if (url.endsWith('/me')) {
        await gate;
        return problem(401, 'session_expired', 'Сеанс истёк.');
      }
      return json(200, { token: 'fresh', expiresAt: '', mustChangePassword: false, user: { id: 1, login: 'a', fullName: 'a', role: 'primary_chair', orgId: 1 } });
    };
    const client = new ApiClient({ fetch, tokens });
    const pending = client.me().catch(() => undefined);
    await client.login('a', 'b');
    release();
    await pending;
    expect(tokens.get()).toBe('fresh');
  });

  it('logout forgets the token even when the server is unreachable', async () => {
    const { fetch } = fakeFetch([networkDown]);
    const { client } = makeClient(fetch, { retry: { retries: 0 } });
    await client.logout();
    expect(client.signedIn).toBe(false);
  });

  it('session storage keeps the token for a pane reload, and any storage failure falls back to memory', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
    const a = sessionTokenStore(storage);
    a.set('t1');
    expect(sessionTokenStore(storage).get()).toBe('t1');
    a.set(null);
    expect(sessionTokenStore(storage).get()).toBeNull();
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); }, removeItem: () => { throw new Error('denied'); } };
    const b = sessionTokenStore(broken);
    b.set('t2');
    expect(b.get()).toBe('t2');
  });

  it('the refresh token is read from the shared storage at every use: a token another pane rotated is never presented', () => {
    const data = new Map<string, string>();
    const storage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
    const paneA = sharedTokenStore(storage);
    const paneB = sharedTokenStore(storage);
    paneA.set('r1');
    expect(paneB.get()).toBe('r1');
    paneB.set('r2'); // pane B exchanged r1 for r2
    expect(paneA.get()).toBe('r2');
    paneA.set(null);
    expect(paneB.get()).toBeNull();
    const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); }, removeItem: () => { throw new Error('denied'); } };
    const c = sharedTokenStore(broken);
    c.set('r3');
    expect(c.get()).toBe('r3');
  });
});

describe('problem+json parsing', () => {
  it('reads detail, code, field errors and extra members', () => {
    const e = errorFromResponse(400, {
      type: '/problems/bad_request',
      title: 'Неверный запрос',
      status: 400,
      detail: 'Паспорт не сохранён: исправьте отмеченные поля.',
      errors: [{ field: 'data.inn', message: 'ИНН: неверная контрольная сумма' }],
      currentVersion: 4,
    });
    expect(e.kind).toBe('validation');
    expect(e.code).toBe('bad_request');
    expect(e.detail).toBe('Паспорт не сохранён: исправьте отмеченные поля.');
    expect(e.fields).toEqual([{ field: 'data.inn', message: 'ИНН: неверная контрольная сумма' }]);
    expect(e.fieldMessage('inn')).toBe('ИНН: неверная контрольная сумма');
    expect(e.extra).toEqual({ currentVersion: 4 });
    expect(e.retryable).toBe(false);
  });

  it('tells the 403 reasons apart', () => {
    expect(errorFromResponse(403, { type: '/problems/obligation_required', status: 403, detail: 'Работа с персональными данными откроется…' }).kind).toBe('obligation_required');
    expect(errorFromResponse(403, { type: '/problems/password_change_required', status: 403, detail: 'Сначала смените временный пароль.' }).kind).toBe('password_change_required');
    expect(errorFromResponse(403, { type: '/problems/forbidden', status: 403, detail: 'Нет доступа.' }).kind).toBe('forbidden');
  });

  it('gives a Russian message when a proxy answers with HTML or an English text', async () => {
    const { fetch } = fakeFetch([() => new Response('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'Content-Type': 'text/html' } })]);
    const { client } = makeClient(fetch, { retry: { retries: 0 } });
    const err = (await client.me().catch((e: unknown) => e)) as ApiError;
    expect(err.kind).toBe('unavailable');
    expect(err.detail).toMatch(/временно недоступен/);
    expect(errorFromResponse(500, { detail: 'TypeError: Cannot read properties of undefined' }).detail).toMatch(/Ошибка на сервере реестра/);
  });

  it('describes Excel and unknown errors in Russian', () => {
    expect(describeError({ code: 'ItemNotFound', message: 'The requested resource does not exist.' })).toMatch(/^Excel не нашёл нужный лист/);
    expect(describeError({ code: 'SomethingNew', message: 'English text' })).toMatch(/Код ошибки Excel: SomethingNew/);
    expect(describeError({ code: 'SomethingNew', message: 'English text' })).not.toMatch(/English/);
    const sheetError = Object.assign(new Error('Лист «Паспорт ППО» не найден.'), { code: 'sheet_missing' });
    expect(describeError(sheetError)).toBe('Лист «Паспорт ППО» не найден.');
    expect(describeError(new Error('boom'))).toMatch(/Что-то пошло не так/);
  });
});

describe('chunked push', () => {
  it('plans chunks by row count and by payload size, each with its own key', () => {
    const many = rows(SYNC_CHUNK_MAX_ROWS * 2 + 5);
    const byCount = planChunks(many);
    expect(byCount.map((c) => c.rows.length)).toEqual([SYNC_CHUNK_MAX_ROWS, SYNC_CHUNK_MAX_ROWS, 5]);
    expect(new Set(byCount.map((c) => c.idempotencyKey)).size).toBe(3);

    const heavy = rows(50).map((r) => ({ ...r, values: { ...r.values, address: 'Ж'.repeat(10_000) } }));
    const bySize = planChunks(heavy, { maxBytes: 100_000 });
    expect(bySize.length).toBeGreaterThan(5);
    for (const c of bySize) expect(c.bytes).toBeLessThanOrEqual(100_000);
    expect(bySize.flatMap((c) => c.rows.map((r) => r.row))).toEqual(heavy.map((r) => r.row));
    // One row larger than the limit still goes, alone.
    expect(planChunks(rows(3), { maxBytes: 10 }).map((c) => c.rows.length)).toEqual([1, 1, 1]);
    expect(utf8Bytes('Ёж')).toBe(4);
  });

  it('resumes after a lost connection with the same key, so the server sees no new chunk', async () => {
    // The server: answers repeated keys from its store (as the registry does) and counts real work.
    const store = new Map<string, SyncResponse>();
    let created = 0;
    let failNext = 0;
    const fetch: FetchLike = async (_url, init) => {
      const req = JSON.parse(String(init.body)) as SyncRequest;
      if (failNext > 0) {
        failNext--;
        // The server did the work, but the answer is lost on the way back.
        if (!store.has(req.idempotencyKey)) {
          created += req.rows.length;
          store.set(req.idempotencyKey, syncAnswer(req, `b-${store.size + 1}`));
        }
        throw new TypeError('network connection was lost');
      }
      if (!store.has(req.idempotencyKey)) {
        created += req.rows.length;
        store.set(req.idempotencyKey, syncAnswer(req, `b-${store.size + 1}`));
      }
      return json(200, store.get(req.idempotencyKey));
    };
    const written: number[] = [];
    const progress: number[] = [];

    // The first chunk goes through; then the link drops for longer than the automatic retries.
    let calls = 0;
    const flaky: FetchLike = async (url, init) => {
      calls++;
      if (calls === 2) failNext = 3; // answer lost three times in a row: retries exhausted
      return fetch(url, init);
    };
    const flakyClient = new ApiClient({ fetch: flaky, sleep: async () => undefined, retry: { retries: 2, delayMs: () => 0 } });
    let keyNo = 0;
    const job2 = new PushJob(flakyClient, 5, rows(5000), false, { newKey: () => `k${++keyNo}` });
    expect(job2.chunks.map((c) => c.idempotencyKey)).toEqual(['k1', 'k2', 'k3']);
    await expect(job2.run({ onChunk: (c) => void written.push(c.index), onProgress: (p) => progress.push(p.doneRows) })).rejects.toMatchObject({ kind: 'network' });
    expect(job2.done).toBe(false);
    expect(written).toEqual([0]);
    expect(created).toBe(4000); // chunk 2 was done by the server although the pane never heard back

    // «Повторить»: the same job continues; chunk 2 is answered from the store, chunk 3 is new.
    const summary = await job2.run({ onChunk: (c) => void written.push(c.index), onProgress: (p) => progress.push(p.doneRows) });
    expect(job2.done).toBe(true);
    expect(written).toEqual([0, 1, 2]);
    expect(created).toBe(5000);
    expect(summary.counts.created).toBe(5000);
    expect(summary.rows).toHaveLength(5000);
    expect(summary.batchIds).toEqual(['b-1', 'b-2', 'b-3']);
    expect(progress[progress.length - 1]).toBe(5000);
    expect(keyNo).toBe(3); // no key was made again
  });

  it('a dry run sends dryRun and collects no batches', async () => {
    const { fetch, calls } = fakeFetch([(c) => json(200, { ...syncAnswer(JSON.parse(c.body!) as SyncRequest), batchId: null, dryRun: true })]);
    const { client } = makeClient(fetch);
    const s = await new PushJob(client, 5, rows(10), true).run();
    expect((JSON.parse(calls[0].body!) as SyncRequest).dryRun).toBe(true);
    expect(s.batchIds).toEqual([]);
    expect(s.dryRun).toBe(true);
  });
});

describe('pull', () => {
  it('follows cursors until the last page and reports progress', async () => {
    const item = (id: string) => ({ id, version: 1, data: {}, cells: {} });
    const { fetch, calls } = fakeFetch([
      () => json(200, { items: [item('a'), item('b')], nextCursor: 'c2', total: 3 }),
      () => json(200, { items: [item('c')], nextCursor: null, total: 3 }),
    ]);
    const { client } = makeClient(fetch);
    const seen: string[] = [];
    const all = await pullAllMembers(client, 4, { pageSize: 2, onProgress: (p) => seen.push(`${p.loaded}/${p.total}`) });
    expect(all.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/organisations/4/members?limit=2', '/api/v1/organisations/4/members?cursor=c2&limit=2']);
    expect(seen).toEqual(['2/3', '3/3']);
  });
});

describe('ids', () => {
  it('makes distinct v4 UUIDs', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});
