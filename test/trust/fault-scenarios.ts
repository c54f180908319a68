/**
 * Fault scenarios against the real server process, shared by the bounded tests (test/trust/kill.test.ts)
 * and the full-size bench (bench/faults.ts). Each scenario pushes a synthetic list in chunks with one
 * idempotency key per chunk, injects faults while chunks are being written, and then checks in the
 * database itself (not through the API):
 *  - right after each fault, every chunk is stored whole or not at all, and a chunk's stored answer
 *    (idempotency key) exists exactly when its rows do;
 *  - a retry of ALL chunks with the same keys completes the list: answered chunks get the very same
 *    answer back, nothing is stored twice (exact count, one member per name key, every СНИЛС once);
 *  - the database is intact (SQLite: PRAGMA integrity_check and foreign_key_check).
 * A scenario returns its figures and a list of violations (empty when everything held).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPgDatabase } from '../support/db';
import { startServerProcess, testLogFile, type ServerProcess } from '../support/server-process';
import { createChair, demoTerritorial, login, pgProbe, sleep, sqliteProbe, syntheticChunks, tryApi, type ApiResult, type ChunkBody, type DbProbe, type StoredCounts } from './harness';
import { seededRandom } from '../../domain/seeded-random';

export interface FaultRecord {
  /** What was done: 'SIGKILL (WAL write)', 'SIGKILL (timed)', 'connections terminated', 'PostgreSQL restarted'… */
  fault: string;
  /** Chunks sent and not answered when the fault hit. */
  inFlight: number;
  /** Of those, stored whole (the answer was lost, the data was not). */
  committedUnanswered: number;
  /** Of those, not stored at all. */
  absent: number;
  /** Chunks stored partly (must be 0). */
  partial: number;
  /** Answers the client got during the fault: status → count. */
  statuses: Record<string, number>;
  integrity: string;
}

export interface ScenarioResult {
  name: string;
  rows: number;
  chunks: number;
  faults: FaultRecord[];
  /** Answers replayed identically on the final retry of every chunk. */
  replayedSame: number;
  final: StoredCounts;
  rowsLost: number;
  integrity: string;
  seconds: number;
  violations: string[];
}

export interface ScenarioOptions {
  chunks: number;
  perChunk: number;
  /** Deterministic choices (kill delays). */
  seed?: number;
  log?: (line: string) => void;
}

interface Chair {
  orgId: number;
  userId: number;
  token: string;
}

async function setUpChair(url: string, label: string): Promise<Chair> {
  const admin = await login(url, 'admin', 'demo-admin-2026');
  const parent = await demoTerritorial(url, admin);
  const c = await createChair(url, admin, parent, `ППО проверки отказов (${label})`, `Отказоустойчивость-${label}-2026`);
  return { orgId: c.orgId, userId: c.userId, token: c.token };
}

const syncPath = (orgId: number) => `/organisations/${orgId}/members/sync`;

/**
 * Pushes the queued chunks with `concurrency` requests at a time until the queue is empty or the
 * server stops answering. Answers (200) go into `answered`; chunks without an answer come back in
 * `unanswered`; any other status is kept in `other`.
 */
async function pushQueue(url: string, chair: Chair, bodies: ChunkBody[], queue: number[], concurrency: number, answered: Map<number, ApiResult>, onAnswer?: (i: number, r: ApiResult) => void) {
  const unanswered: number[] = [];
  const other: { i: number; r: ApiResult }[] = [];
  let dead = false;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!dead && queue.length) {
        const i = queue.shift()!;
        const r = await tryApi(url, 'POST', syncPath(chair.orgId), chair.token, bodies[i]);
        onAnswer?.(i, r);
        if (r.status === 200) answered.set(i, r);
        else if (r.status === 0) {
          unanswered.push(i);
          dead = true;
        } else other.push({ i, r });
      }
    }),
  );
  // Sent without an answer (in flight when the server went away), and never sent.
  return { unanswered, unsent: queue.splice(0), other };
}

/** After a fault: each chunk whole or absent; stored answers exactly for the whole chunks. */
async function checkAtomic(probe: DbProbe, chair: Chair, o: ScenarioOptions, inFlight: number[], fault: string, statuses: Record<string, number>, violations: string[]): Promise<FaultRecord> {
  const c = await probe.counts(chair.orgId, o.chunks, o.perChunk, chair.userId);
  const whole = c.perChunk.filter((n) => n === o.perChunk).length;
  const partial = c.perChunk.filter((n) => n !== 0 && n !== o.perChunk).length;
  if (partial) violations.push(`${fault}: ${partial} chunk(s) stored partly: ${c.perChunk.join(',')}`);
  if (c.answers !== whole) violations.push(`${fault}: ${c.answers} stored answers for ${whole} whole chunks`);
  if (c.duplicates) violations.push(`${fault}: ${c.duplicates} duplicates after the fault`);
  if (c.total !== whole * o.perChunk) violations.push(`${fault}: ${c.total} members for ${whole} whole chunks`);
  const integrity = await probe.integrity();
  if (integrity !== 'ok') violations.push(`${fault}: integrity ${integrity}`);
  const committedUnanswered = inFlight.filter((i) => c.perChunk[i] === o.perChunk).length;
  return { fault, inFlight: inFlight.length, committedUnanswered, absent: inFlight.length - committedUnanswered, partial, statuses, integrity };
}

/** Retries every chunk with its key; answered chunks must get the same answer; then the exact final state. */
async function retryAllAndCheck(url: string, chair: Chair, bodies: ChunkBody[], answered: Map<number, ApiResult>, probe: DbProbe, o: ScenarioOptions, violations: string[]) {
  let replayedSame = 0;
  for (let i = 0; i < bodies.length; i++) {
    let r = await tryApi(url, 'POST', syncPath(chair.orgId), chair.token, bodies[i]);
    for (let attempt = 0; r.status !== 200 && attempt < 20; attempt++) {
      await sleep(250);
      r = await tryApi(url, 'POST', syncPath(chair.orgId), chair.token, bodies[i]);
    }
    if (r.status !== 200) {
      violations.push(`retry of chunk ${i}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
      continue;
    }
    const before = answered.get(i);
    if (before) {
      if (JSON.stringify(before.json) === JSON.stringify(r.json)) replayedSame++;
      else violations.push(`retry of chunk ${i}: a different answer than the first time`);
    } else {
      // Never answered before (lost in a fault or never sent): the first answer must say "created" for all.
      if (r.json.counts.created !== o.perChunk) violations.push(`chunk ${i}: the answer counts ${JSON.stringify(r.json.counts)}, expected ${o.perChunk} created`);
      answered.set(i, r);
    }
  }
  const final = await probe.counts(chair.orgId, o.chunks, o.perChunk, chair.userId);
  const expected = o.chunks * o.perChunk;
  if (final.total !== expected) violations.push(`final: ${final.total} members, expected ${expected}`);
  if (final.perChunk.some((n) => n !== o.perChunk)) violations.push(`final per chunk: ${final.perChunk.join(',')}`);
  if (final.duplicates) violations.push(`final: ${final.duplicates} duplicates`);
  if (final.distinctSnils !== final.withSnils) violations.push(`final: ${final.withSnils} СНИЛС, ${final.distinctSnils} distinct`);
  if (final.answers !== o.chunks) violations.push(`final: ${final.answers} stored answers for ${o.chunks} chunks`);
  return { replayedSame, final, rowsLost: Math.max(0, expected - final.perChunk.reduce((a, b) => a + Math.min(b, o.perChunk), 0)) };
}

function countStatuses(list: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) out[String(s)] = (out[String(s)] ?? 0) + 1;
  return out;
}

// ---- SQLite: SIGKILL of the server in the middle of the push -----------------------------------------

export interface KillOptions extends ScenarioOptions {
  /** How many times the server is killed. Odd kills wait for the WAL file to be written to, even ones a random delay. */
  kills: number;
  /** Requests in flight at once (the add-in sends one at a time; two make a kill hit a write more often). */
  concurrency?: number;
  /** PostgreSQL instead of SQLite (the kill waits for an INSERT/UPDATE on members to be running). */
  postgres?: boolean;
}

export async function killScenario(o: KillOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const name = o.postgres ? 'SIGKILL of the server mid-push (PostgreSQL)' : 'SIGKILL of the server mid-push (SQLite)';
  const log = o.log ?? (() => undefined);
  const random = seededRandom(o.seed ?? 1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-kill-'));
  const pg = o.postgres ? await createPgDatabase() : null;
  const env = { DATA_DIR: dataDir, LOG_FILE: testLogFile(o.postgres ? 'kill-pg' : 'kill-sqlite'), ...(pg ? { DATABASE_URL: pg.url, DEMO: '1' } : {}) };
  const dbFile = path.join(dataDir, 'registry.sqlite');
  const dbName = pg ? new URL(pg.url).pathname.slice(1) : '';
  const admin = pg ? new Client({ connectionString: process.env.TEST_PG_URL }) : null;
  await admin?.connect();
  const openProbe = async () => (pg ? pgProbe(pg.url) : sqliteProbe(dbFile));
  let server: ServerProcess = await startServerProcess(env);
  const violations: string[] = [];
  const faults: FaultRecord[] = [];
  try {
    const chair = await setUpChair(server.url, o.postgres ? 'pg' : 'sqlite');
    const bodies = syntheticChunks(`kill-${o.seed ?? 1}`, o.chunks, o.perChunk);
    const answered = new Map<number, ApiResult>();
    let queue = bodies.map((_, i) => i);
    for (let k = 0; k < o.kills && queue.length; k++) {
      // Three ways to pick the moment: as a write starts (the WAL file changes; on PostgreSQL, a
      // transaction of the database holds a transaction id), right after a commit whose answer the
      // client has not got yet (the stored answers outnumber the answers received), or a random delay.
      const mode = (['during a write', 'after the commit, before the answer', 'timed'] as const)[k % 3];
      const target = answered.size + 1 + Math.floor(random() * 2);
      const statuses: number[] = [];
      const s: ServerProcess = server;
      const watcher = mode === 'after the commit, before the answer' ? await openProbe() : null;
      const killer = (async () => {
        while (answered.size < target && s.child.exitCode === null && queue.length) await sleep(2);
        if (mode === 'during a write') await waitForWrite(o.postgres ? { admin: admin!, dbName } : { walFile: `${dbFile}-wal` }, 5000);
        if (watcher) {
          // The stored answers outnumber the answers the client has: a chunk is committed, its answer still on the way.
          const deadline = Date.now() + 5000;
          while (Date.now() < deadline && (await watcher.answers(chair.userId)) <= answered.size) await sleep(0);
        }
        if (mode === 'timed') await sleep(Math.floor(random() * 250));
        await s.kill('SIGKILL');
      })();
      const pushed = await pushQueue(s.url, chair, bodies, queue, o.concurrency ?? 2, answered, (_i, r) => statuses.push(r.status));
      await killer;
      await watcher?.close();
      for (const x of pushed.other) violations.push(`kill ${k + 1}: chunk ${x.i} answered ${x.r.status} ${JSON.stringify(x.r.json).slice(0, 200)}`);
      const probe = await openProbe();
      const fault = `SIGKILL ${k + 1} (${mode})`;
      faults.push(await checkAtomic(probe, chair, o, pushed.unanswered, fault, countStatuses(statuses), violations));
      await probe.close();
      log(`${fault}: ${pushed.unanswered.length} chunk(s) in flight, ${faults.at(-1)!.committedUnanswered} of them stored whole, the rest absent`);
      // The client sends again everything it got no answer for (same keys), after a restart.
      queue = [...pushed.unanswered, ...pushed.unsent, ...pushed.other.map((x) => x.i)].sort((a, b) => a - b);
      server = await s.restart();
    }
    // The rest of the list, then every chunk once more.
    const rest = await pushQueue(server.url, chair, bodies, queue, 1, answered);
    for (const x of rest.other) violations.push(`after the kills: chunk ${x.i} answered ${x.r.status}`);
    const probe = await openProbe();
    const r = await retryAllAndCheck(server.url, chair, bodies, answered, probe, o, violations);
    await probe.close();
    // A clean stop, then SQLite's own verdict on the file.
    await server.kill('SIGTERM');
    const last = await openProbe();
    const integrity = await last.integrity();
    await last.close();
    if (integrity !== 'ok') violations.push(`integrity after the run: ${integrity}`);
    return { name, rows: o.chunks * o.perChunk, chunks: o.chunks, faults, ...r, integrity, seconds: (Date.now() - started) / 1000, violations };
  } finally {
    await server.kill('SIGKILL');
    await admin?.end();
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Waits (up to `timeoutMs`, or until `stop()`) until a write is under way: the SQLite WAL file changes,
 * or a PostgreSQL transaction on the database has written something (it holds a transaction id).
 */
async function waitForWrite(target: { walFile: string } | { admin: Client; dbName: string; state?: 'active' | 'idle in transaction' }, timeoutMs: number, stop: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  if ('walFile' in target) {
    const stat = () => {
      try {
        const s = fs.statSync(target.walFile);
        return `${s.size}:${s.mtimeMs}`;
      } catch {
        return '';
      }
    };
    const before = stat();
    while (Date.now() < deadline && !stop()) {
      if (stat() !== before) return true;
      await sleep(1);
    }
    return false;
  }
  while (Date.now() < deadline && !stop()) {
    const { rows } = await target.admin.query(
      "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = $1 AND backend_xid IS NOT NULL AND application_name <> 'trust-probe' AND ($2::text IS NULL OR state = $2)",
      [target.dbName, target.state ?? null],
    );
    if (Number(rows[0].n) > 0) return true;
  }
  return false;
}

// ---- PostgreSQL: the server's connections dropped in the middle of the push ---------------------------

export interface DropOptions extends ScenarioOptions {
  /** Every `dropEvery`-th chunk has its connections terminated while it is being written. */
  dropEvery: number;
}

const PROBLEM_JSON = /^application\/problem\+json/;

/**
 * One server process on its own fresh PostgreSQL database; for the chosen chunks, every connection
 * of the server to THAT database is terminated (pg_terminate_backend) over and over while the chunk
 * is in flight — the shared PostgreSQL server itself keeps running. The answer must be a clear
 * "try again" (503 problem+json with Retry-After) or a dropped connection, never a 500.
 */
export async function dropScenario(o: DropOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const pg = await createPgDatabase();
  const dbName = new URL(pg.url).pathname.slice(1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pgdrop-'));
  const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: pg.url, DEMO: '1', LOG_FILE: testLogFile('pg-drop') });
  const admin = new Client({ connectionString: process.env.TEST_PG_URL });
  await admin.connect();
  const violations: string[] = [];
  const faults: FaultRecord[] = [];
  try {
    const chair = await setUpChair(server.url, 'pgdrop');
    const bodies = syntheticChunks(`drop-${o.seed ?? 1}`, o.chunks, o.perChunk);
    const answered = new Map<number, ApiResult>();
    const pending: number[] = [];
    let drops = 0;
    for (let i = 0; i < o.chunks; i++) {
      const drop = i % o.dropEvery === o.dropEvery - 1;
      let done = false;
      const request = tryApi(server.url, 'POST', syncPath(chair.orgId), chair.token, bodies[i]).finally(() => (done = true));
      let terminated = 0;
      // Alternately while a statement of the chunk's transaction runs, and between two of its statements.
      const state: 'active' | 'idle in transaction' = drop && drops++ % 2 === 1 ? 'idle in transaction' : 'active';
      if (drop) {
        // Terminate as soon as the server is writing this chunk, then keep terminating until it answers.
        await waitForWrite({ admin, dbName, state }, 3000, () => done);
        while (!done) {
          const { rows } = await admin.query('SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> \'trust-probe\'', [dbName]);
          terminated += Number(rows[0].n);
          await sleep(5);
        }
      }
      const r = await request;
      if (r.status === 200) answered.set(i, r);
      else pending.push(i);
      if (drop) {
        if (r.status === 503) {
          if (!PROBLEM_JSON.test(r.headers.get('content-type') ?? '')) violations.push(`chunk ${i}: 503 without problem+json`);
          if (!r.headers.get('retry-after')) violations.push(`chunk ${i}: 503 without Retry-After`);
        } else if (r.status !== 0 && r.status !== 200) violations.push(`chunk ${i}: answered ${r.status} ${JSON.stringify(r.json).slice(0, 200)} while its connections were dropped`);
        const probe = await pgProbe(pg.url);
        faults.push(await checkAtomic(probe, chair, o, r.status === 200 ? [] : [i], `connections of chunk ${i} terminated (${state === 'active' ? 'during a statement' : 'between statements'}, ${terminated} backends)`, countStatuses([r.status]), violations));
        await probe.close();
      } else if (r.status !== 200) violations.push(`chunk ${i} (no fault): ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    }
    o.log?.(`connection drops: answers ${faults.map((f) => Object.keys(f.statuses)[0]).join(', ')}`);
    const probe = await pgProbe(pg.url);
    const r = await retryAllAndCheck(server.url, chair, bodies, answered, probe, o, violations);
    const integrity = await probe.integrity();
    await probe.close();
    if (integrity !== 'ok') violations.push(`integrity: ${integrity}`);
    return { name: 'PostgreSQL connections terminated mid-push', rows: o.chunks * o.perChunk, chunks: o.chunks, faults, ...r, integrity, seconds: (Date.now() - started) / 1000, violations };
  } finally {
    await admin.end();
    await server.kill('SIGKILL');
    await pg.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- PostgreSQL server restarted (bench only) --------------------------------------------------------

export interface RestartOptions extends ScenarioOptions {
  /** How many restarts. */
  restarts: number;
  /** The connection string of a database on the PostgreSQL server that gets restarted. */
  databaseUrl: string;
  /** Restarts that server and resolves when it accepts connections again. */
  restart(i: number): Promise<string>;
}

/**
 * The PostgreSQL server itself restarted while chunks are written (bench/faults.ts: a private
 * throwaway cluster by default, the shared one only when asked for by hand). The registry server keeps
 * running; while the database is down the answers must be 503 (or a dropped connection), never 500.
 */
export async function pgRestartScenario(o: RestartOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pgrestart-'));
  const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: o.databaseUrl, DEMO: '1', LOG_FILE: testLogFile('pg-restart') });
  const violations: string[] = [];
  const faults: FaultRecord[] = [];
  try {
    const chair = await setUpChair(server.url, 'pgrestart');
    const bodies = syntheticChunks(`restart-${o.seed ?? 1}`, o.chunks, o.perChunk);
    const answered = new Map<number, ApiResult>();
    const every = Math.max(1, Math.floor(o.chunks / (o.restarts + 1)));
    let restarts = 0;
    for (let i = 0; i < o.chunks; i++) {
      const request = tryApi(server.url, 'POST', syncPath(chair.orgId), chair.token, bodies[i]);
      if (i % every === every - 1 && restarts < o.restarts) {
        await sleep(20 + (i % 5) * 15);
        const how = await o.restart(restarts++);
        const r = await request;
        // The database is back: the chunk is whole or absent, then it is sent again until it is answered.
        const probe = await pgProbe(o.databaseUrl);
        faults.push(await checkAtomic(probe, chair, o, r.status === 200 ? [] : [i], `PostgreSQL ${how} during chunk ${i}`, {}, violations));
        await probe.close();
        const statuses = [r.status];
        let last = r;
        for (let attempt = 0; last.status !== 200 && attempt < 60; attempt++) {
          await sleep(500);
          last = await tryApi(server.url, 'POST', syncPath(chair.orgId), chair.token, bodies[i]);
          statuses.push(last.status);
        }
        faults[faults.length - 1].statuses = countStatuses(statuses);
        for (const s of statuses) if (s !== 200 && s !== 503 && s !== 0) violations.push(`chunk ${i} around restart ${restarts}: answered ${s}`);
        if (r.status === 200) answered.set(i, r);
        o.log?.(`PostgreSQL ${how} during chunk ${i}: answers ${statuses.join(',')}`);
      } else {
        const r = await request;
        if (r.status === 200) answered.set(i, r);
        else violations.push(`chunk ${i} (no fault): ${r.status}`);
      }
    }
    const probe = await pgProbe(o.databaseUrl);
    const r = await retryAllAndCheck(server.url, chair, bodies, answered, probe, o, violations);
    const integrity = await probe.integrity();
    await probe.close();
    return { name: 'PostgreSQL server restarted mid-push', rows: o.chunks * o.perChunk, chunks: o.chunks, faults, ...r, integrity, seconds: (Date.now() - started) / 1000, violations };
  } finally {
    await server.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- PostgreSQL: connections dropped under mixed traffic ----------------------------------------------

export interface MixedDropResult {
  requests: number;
  /** "METHOD route → status" → count. */
  statuses: Record<string, number>;
  terminations: number;
  /** The server process ended by itself (a crash) during the run. */
  crashed: string | null;
  violations: string[];
  seconds: number;
}

/**
 * Every kind of request a chair makes (sign-in, pull, member card, passport, consents, a small push,
 * progress, export) one after another while every connection of the server to its own database is
 * terminated every 10–40 ms. Each answer must be a success or a clear "try again" (503 with
 * Retry-After), never a 500; the process must stay up; after the storm it works normally again.
 */
export async function mixedDropScenario(o: { requests: number; seed?: number; log?: (line: string) => void }): Promise<MixedDropResult> {
  const started = Date.now();
  const random = seededRandom(o.seed ?? 1);
  const pg = await createPgDatabase();
  const dbName = new URL(pg.url).pathname.slice(1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pgmix-'));
  const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: pg.url, DEMO: '1', LOG_FILE: testLogFile('pg-mixed-drop'), LOGIN_RATE_LIMIT: '100000' });
  const admin = new Client({ connectionString: process.env.TEST_PG_URL });
  await admin.connect();
  const violations: string[] = [];
  const statuses: Record<string, number> = {};
  let crashed: string | null = null;
  server.child.once('exit', (code, signal) => (crashed = `exit code ${code}, signal ${signal}; ${server.output().split('\n').filter((l) => /Unhandled 'error' event|^\w*[Ee]rror: /.test(l)).slice(0, 3).join(' | ')}`));
  let terminations = 0;
  try {
    const chair = await setUpChair(server.url, 'pgmix');
    const school = await login(server.url, 'school', 'demo-school-2026');
    const me = await tryApi(server.url, 'GET', '/me', school);
    const org = me.json.orgId as number;
    const members = ((await tryApi(server.url, 'GET', `/organisations/${org}/members?limit=10`, school)).json.items as { id: string }[]).map((m) => m.id);
    let n = 0;
    const ops: [string, () => Promise<ApiResult>][] = [
      ['POST /auth/login', () => tryApi(server.url, 'POST', '/auth/login', null, { login: 'school', password: 'demo-school-2026' })],
      ['GET /organisations/:orgId/members', () => tryApi(server.url, 'GET', `/organisations/${org}/members?limit=50`, school)],
      ['GET /members/:memberId', () => tryApi(server.url, 'GET', `/members/${members[n % members.length]}`, school)],
      ['PUT /organisations/:orgId/passport', () => tryApi(server.url, 'PUT', `/organisations/${org}/passport`, school, { data: { phone: `+7 900 000 00 ${String(n % 100).padStart(2, '0')}` } })],
      ['POST /organisations/:orgId/members/actions', () => tryApi(server.url, 'POST', `/organisations/${org}/members/actions`, school, { action: 'consents', memberIds: [members[n % members.length]], consents: { notify: { state: n % 2 ? 'given' : 'refused', date: '2026-01-01' } } })],
      ['POST /organisations/:orgId/members/sync', () => tryApi(server.url, 'POST', syncPath(chair.orgId), chair.token, { idempotencyKey: `mixed-drop-${n}`, rows: syntheticChunks(`m${n}`, 1, 20)[0].rows.map((r, j) => ({ ...r, values: { ...r.values, position: `Учитель ${n}-${j}` } })) })],
      ['GET /organisations/:orgId/progress', () => tryApi(server.url, 'GET', `/organisations/${org}/progress`, school)],
      ['GET /organisations/:orgId/members/export.xlsx', () => tryApi(server.url, 'GET', `/organisations/${org}/members/export.xlsx`, school)],
    ];
    let stop = false;
    const terminator = (async () => {
      while (!stop) {
        const { rows } = await admin.query("SELECT COUNT(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name <> 'trust-probe'", [dbName]);
        terminations += Number(rows[0].n);
        await sleep(10 + Math.floor(random() * 30));
      }
    })();
    for (; n < o.requests && !crashed; n++) {
      const [label, call] = ops[n % ops.length];
      const r = await call();
      const key = `${label} → ${r.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (r.status >= 500 && r.status !== 503) violations.push(`${label}: ${r.status}`);
      if (r.status === 503 && !r.headers.get('retry-after')) violations.push(`${label}: 503 without Retry-After`);
    }
    stop = true;
    await terminator;
    if (crashed) violations.push(`the server process died during the run (${crashed})`);
    else {
      // After the storm: everything works again.
      await sleep(200);
      for (const [label, call] of ops) {
        let r = await call();
        for (let attempt = 0; r.status === 503 && attempt < 5; attempt++) r = await call();
        if (r.status >= 400 && !(label.includes('passport') && r.status === 409)) violations.push(`after the storm ${label}: ${r.status}`);
      }
    }
    o.log?.(`mixed traffic with connections terminated: ${n} requests, ${terminations} backends terminated, answers ${JSON.stringify(statuses)}`);
    return { requests: n, statuses, terminations, crashed, violations, seconds: (Date.now() - started) / 1000 };
  } finally {
    await admin.end();
    await server.kill('SIGKILL');
    await pg.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
