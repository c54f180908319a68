/**
 * Shared by the trust tests (test/trust/*.test.ts) and the full-size benches (bench/faults.ts,
 * bench/load.ts): an HTTP client with timeouts, a synthetic member list whose every row says which
 * chunk it belongs to, and a direct look into the database (SQLite file or PostgreSQL) that counts
 * what is really stored — not what the API says.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { formatSnils, snilsChecksum } from '../../domain/snils';

// ---- HTTP ------------------------------------------------------------------------------------------

export interface ApiResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  ms: number;
  headers: Headers;
}

/** One API call below /api/v1. Throws on a dropped connection or after `timeoutMs` (default 120 s). */
export async function api(url: string, method: string, p: string, token: string | null, body?: unknown, timeoutMs = 120_000): Promise<ApiResult> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1${p}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { unparsed: text.slice(0, 200) };
  }
  return { status: res.status, json, ms: performance.now() - t0, headers: res.headers };
}

/** The same call, but a dropped connection or a timeout is status 0 instead of an exception. */
export async function tryApi(url: string, method: string, p: string, token: string | null, body?: unknown, timeoutMs?: number): Promise<ApiResult> {
  const t0 = performance.now();
  try {
    return await api(url, method, p, token, body, timeoutMs);
  } catch {
    return { status: 0, json: null, ms: performance.now() - t0, headers: new Headers() };
  }
}

export async function login(url: string, loginName: string, password: string): Promise<string> {
  const r = await api(url, 'POST', '/auth/login', null, { login: loginName, password });
  if (r.status !== 200) throw new Error(`login ${loginName}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.token as string;
}

/** Creates a primary organisation under `parentId` with a chair whose obligation is recorded and whose password is changed. */
export async function createChair(url: string, adminToken: string, parentId: number, name: string, newPassword: string, signInUrl = url): Promise<{ orgId: number; login: string; password: string; token: string; userId: number }> {
  const org = await api(url, 'POST', `/organisations/${parentId}/children`, adminToken, { kind: 'primary', name });
  if (org.status !== 201 && org.status !== 200) throw new Error(`create organisation: ${org.status} ${JSON.stringify(org.json)}`);
  const cred = await api(url, 'POST', `/organisations/${org.json.id}/accounts`, adminToken, { fullName: 'Председатель Проверочный' });
  if (cred.status >= 300) throw new Error(`create account: ${cred.status} ${JSON.stringify(cred.json)}`);
  const ob = await api(url, 'POST', `/accounts/${cred.json.account.id}/obligation`, adminToken, { signedAt: '2026-01-10' });
  if (ob.status >= 300) throw new Error(`record obligation: ${ob.status} ${JSON.stringify(ob.json)}`);
  const first = await login(signInUrl, cred.json.account.login, cred.json.oneTimePassword);
  const changed = await api(signInUrl, 'POST', '/auth/password', first, { oldPassword: cred.json.oneTimePassword, newPassword });
  if (changed.status >= 300) throw new Error(`change password: ${changed.status} ${JSON.stringify(changed.json)}`);
  const token = changed.json?.token ?? first;
  return { orgId: org.json.id as number, login: cred.json.account.login as string, password: newPassword, token: token as string, userId: cred.json.account.id as number };
}

/** The demo territorial organisation (central → region → territorial), as the admin sees it. */
export async function demoTerritorial(url: string, adminToken: string): Promise<number> {
  const me = await api(url, 'GET', '/me', adminToken);
  const regions = await api(url, 'GET', `/organisations/${me.json.orgId}/children`, adminToken);
  const region = (regions.json as { id: number; kind: string }[]).find((o) => o.kind === 'regional')!.id;
  const districts = await api(url, 'GET', `/organisations/${region}/children`, adminToken);
  return (districts.json as { id: number; kind: string }[]).find((o) => o.kind === 'territorial')!.id;
}

// ---- a synthetic list whose rows say which chunk they came from ---------------------------------------

const SURNAMES = ['Смирнова', 'Кузнецова', 'Попова', 'Васильева', 'Петрова', 'Соколова', 'Михайлова', 'Новикова', 'Фёдорова', 'Морозова'];
const NAMES = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Ирина', 'Татьяна', 'Светлана'];
const DAY = 86_400_000;
const BIRTH_EPOCH = Date.UTC(1940, 0, 1);

/** An invented but valid СНИЛС for number n (checksum right), distinct for distinct n. */
export function snilsFor(n: number): string {
  const body = String(100_000_000 + n).padStart(9, '0');
  return formatSnils(body + String(snilsChecksum(body)).padStart(2, '0'));
}

export interface SheetRow {
  row: number;
  id?: string;
  version?: number;
  values: Record<string, string>;
}

/**
 * Row n of a synthetic list (n < 20,000): its birth date is unique (1940-01-01 + n days), so a member
 * found in the database tells its n even without a СНИЛС; every `noSnilsEvery`-th row has no СНИЛС
 * (those are matched by name and birth date, where no unique index would stop a duplicate).
 * `salt` shifts the whole list (different lists for different chairs).
 */
export function syntheticRow(n: number, opts: { salt?: number; noSnilsEvery?: number; position?: string } = {}): SheetRow {
  const k = (opts.salt ?? 0) + n;
  const birth = new Date(BIRTH_EPOCH + (k % 20_000) * DAY).toISOString().slice(0, 10);
  const values: Record<string, string> = {
    surname: SURNAMES[k % SURNAMES.length],
    name: NAMES[k % NAMES.length],
    birthDate: birth,
    category: 'Работник',
    position: opts.position ?? 'Учитель',
  };
  if (!(opts.noSnilsEvery && n % opts.noSnilsEvery === opts.noSnilsEvery - 1)) values.snils = snilsFor(k);
  return { row: n + 2, values };
}

/** n of a stored member from its birth date (inverse of syntheticRow without salt). */
export function nOfBirthDate(birthDate: string, salt = 0): number {
  return Math.round((Date.parse(`${birthDate.slice(0, 10)}T00:00:00Z`) - BIRTH_EPOCH) / DAY) - salt;
}

export interface ChunkBody {
  idempotencyKey: string;
  rows: SheetRow[];
}

/** `chunks` chunks of `perChunk` rows, keys `<keyPrefix>-<i>`. */
export function syntheticChunks(keyPrefix: string, chunks: number, perChunk: number, noSnilsEvery = 4): ChunkBody[] {
  return Array.from({ length: chunks }, (_, i) => ({
    idempotencyKey: `${keyPrefix}-${i}`,
    rows: Array.from({ length: perChunk }, (_, j) => syntheticRow(i * perChunk + j, { noSnilsEvery })),
  }));
}

// ---- what is really in the database ----------------------------------------------------------------

export interface StoredCounts {
  /** Active members of the organisation. */
  total: number;
  /** Members per chunk (by the birth date of the synthetic row). */
  perChunk: number[];
  /** Members stored more than once (same name key, or same СНИЛС). */
  duplicates: number;
  withSnils: number;
  distinctSnils: number;
  /** Stored answers (idempotency keys) of this user. */
  answers: number;
}

export interface DbProbe {
  counts(primaryOrgId: number, chunks: number, perChunk: number, userId?: number): Promise<StoredCounts>;
  /** Active members of an organisation: id, version, position. */
  members(primaryOrgId: number): Promise<{ id: string; version: number; position: string | null }[]>;
  /** Stored answers (idempotency keys) of a user: one cheap query, for watching commits as they happen. */
  answers(userId: number): Promise<number>;
  /** SQLite: PRAGMA integrity_check + foreign_key_check; PostgreSQL: 'ok' when the database answers. */
  integrity(): Promise<string>;
  close(): Promise<void>;
}

function tally(rows: { birth_date: unknown; snils: unknown; name_key: unknown }[], chunks: number, perChunk: number): Omit<StoredCounts, 'answers'> {
  const perChunkCounts = new Array<number>(chunks).fill(0);
  const keys = new Set<string>();
  const snils = new Set<string>();
  let duplicates = 0;
  let withSnils = 0;
  for (const r of rows) {
    const birth = r.birth_date instanceof Date ? r.birth_date.toISOString().slice(0, 10) : String(r.birth_date);
    const n = nOfBirthDate(birth);
    const c = Math.floor(n / perChunk);
    if (c >= 0 && c < chunks) perChunkCounts[c]++;
    const key = String(r.name_key);
    if (keys.has(key)) duplicates++;
    keys.add(key);
    if (r.snils) {
      withSnils++;
      if (snils.has(String(r.snils))) duplicates++;
      snils.add(String(r.snils));
    }
  }
  return { total: rows.length, perChunk: perChunkCounts, duplicates, withSnils, distinctSnils: snils.size };
}

const MEMBERS_SQL = 'SELECT birth_date, snils, name_key FROM members WHERE primary_org_id = $org AND deregistered_at IS NULL';

/** Reads the SQLite file directly (WAL mode: safe next to a running server; after a SIGKILL this is what is on disk). */
export function sqliteProbe(file: string): DbProbe {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return {
    async counts(org, chunks, perChunk, userId) {
      const rows = db.prepare(MEMBERS_SQL.replace('$org', '?')).all(org) as { birth_date: string; snils: string | null; name_key: string }[];
      const answers = userId === undefined ? 0 : (db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = ?').get(userId) as { n: number }).n;
      return { ...tally(rows, chunks, perChunk), answers };
    },
    async members(org) {
      return db.prepare('SELECT id, version, position FROM members WHERE primary_org_id = ? AND deregistered_at IS NULL').all(org) as { id: string; version: number; position: string | null }[];
    },
    async answers(userId) {
      return (db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = ?').get(userId) as { n: number }).n;
    },
    async integrity() {
      const verdict = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
      const fk = db.pragma('foreign_key_check') as unknown[];
      return fk.length ? `${verdict}; foreign keys broken: ${fk.length}` : verdict;
    },
    async close() {
      db.close();
    },
  };
}

export async function pgProbe(url: string): Promise<DbProbe> {
  // Named, so that a test terminating the server's connections can spare this one.
  const c = new Client({ connectionString: url, application_name: 'trust-probe' });
  await c.connect();
  return {
    async counts(org, chunks, perChunk, userId) {
      const { rows } = await c.query(MEMBERS_SQL.replace('$org', '$1'), [org]);
      const answers = userId === undefined ? 0 : Number((await c.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = $1', [userId])).rows[0].n);
      return { ...tally(rows, chunks, perChunk), answers };
    },
    async members(org) {
      return (await c.query('SELECT id, version, position FROM members WHERE primary_org_id = $1 AND deregistered_at IS NULL', [org])).rows;
    },
    async answers(userId) {
      return Number((await c.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = $1', [userId])).rows[0].n);
    },
    async integrity() {
      // Every active СНИЛС once (the unique index holds) and every member's organisation exists.
      const dup = await c.query('SELECT COUNT(*) AS n FROM (SELECT snils FROM members WHERE snils IS NOT NULL AND deregistered_at IS NULL GROUP BY snils HAVING COUNT(*) > 1) d');
      const orphans = await c.query('SELECT COUNT(*) AS n FROM members m LEFT JOIN organisations o ON o.id = m.primary_org_id WHERE o.id IS NULL');
      const bad = Number(dup.rows[0].n) + Number(orphans.rows[0].n);
      return bad ? `duplicate СНИЛС ${dup.rows[0].n}, orphans ${orphans.rows[0].n}` : 'ok';
    },
    async close() {
      await c.end();
    },
  };
}

// ---- figures ---------------------------------------------------------------------------------------

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A plain text table: first row is the header. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => r.map((v, i) => (typeof v === 'number' ? String(v).padStart(widths[i]) : String(v).padEnd(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
