/**
 * Load: N chairs at once, each pushing and pulling its own member list for a fixed time, against the
 * real server on 127.0.0.1 (child processes; nothing listens elsewhere).
 *
 * Set-up through the API, as the union does it: the admin creates N primary organisations under the
 * demo district, an account for each chair and records its obligation; each chair signs in with the
 * one-time password and changes it. Then, for `seconds`, every chair in a loop: pushes its whole
 * list in chunks (new key per chunk; ~5 % of the rows changed each round, the rest answered
 * «unchanged»), then pulls it back page by page with the cursor. Counted: requests, errors (any answer
 * but 200 — must be 0), p50/p99 latency per kind, throughput (requests/s, rows/s), and memory: each
 * server's live heap after a full GC (GET /_debug/heap, which the servers here run with DEBUG_HEAP=1;
 * sampled every 5 s, or every `heapSampleSeconds`), judged "stable" when the second half grows it by at
 * most 15 % or 3 MB — and the RSS for information (the allocator keeps pages after a peak, so RSS is
 * not a leak detector). Afterwards, in the database itself: every chair's organisation holds
 * exactly its list, nothing twice, and every member has the version and position its chair last sent
 * (nothing lost).
 *
 * Modes: `sqlite` — one process on SQLite; `postgres` — one process on a fresh PostgreSQL database;
 * `scaleout` — two processes on one fresh PostgreSQL database, every chunk sent to the chair's process
 * and then again (same key) to the OTHER process: the same answer, nothing written twice. Scale-out also
 * checks that the sign-in lockout and rate limit are counted across both processes.
 *
 *   npx tsx bench/load.ts                                  # 50 chairs × 60 s, modes sqlite, postgres, scaleout
 *   npx tsx bench/load.ts --chairs 10 --seconds 5 --mode sqlite --members 100
 *
 * Every loop is bounded by time and by count, every request by a timeout: it stops by itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPgDatabase } from '../test/support/db';
import { rssMb, startServerProcess, testLogFile, type ServerProcess } from '../test/support/server-process';
import { api, createChair, demoTerritorial, login, pgProbe, percentile, sleep, sqliteProbe, syntheticRow, table, tryApi, type ApiResult, type SheetRow } from '../test/trust/harness';

process.env.TEST_PG_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

export type LoadMode = 'sqlite' | 'postgres' | 'scaleout';

export interface LoadOptions {
  chairs: number;
  seconds: number;
  mode: LoadMode;
  /** Members per chair (default 200). */
  members?: number;
  /** Rows per chunk (default 100). */
  chunk?: number;
  /** Rows per pulled page (default 50). */
  page?: number;
  /** LOGIN_RATE_LIMIT of the servers (default 400 a minute; the set-up signs every chair in). */
  loginRateLimit?: number;
  /** How often the live heap is sampled (default every 5 s). */
  heapSampleSeconds?: number;
  log?: (line: string) => void;
}

export interface HeapSample {
  /** Seconds since the load started. */
  at: number;
  /** Live heap after a full GC, MB. */
  mb: number;
}

export interface LatencyFigures {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  mode: LoadMode;
  processes: number;
  chairs: number;
  membersPerChair: number;
  seconds: number;
  setupSeconds: number;
  requests: number;
  errors: number;
  errorSamples: string[];
  rowsPushed: number;
  rowsPulled: number;
  rounds: number;
  reqPerSec: number;
  rowsPerSec: number;
  latency: Record<'all' | 'push' | 'retry' | 'pull', LatencyFigures>;
  /** Per server process: RSS at the start, at half-time, at the end, and the highest seen (MB, sampled every second). */
  rss: { first: number; half: number; last: number; max: number }[];
  /** Per server process: the live heap after a full GC (MB) at the start, at half-time, at the end, the highest, and every sample. */
  heap: { first: number; half: number; last: number; max: number; samples: HeapSample[] }[];
  /** Chunks retried on the other process, and how many got a different answer (must be 0). */
  retriesOnOtherProcess: number;
  retryMismatches: number;
  /** In the database after the run. */
  duplicates: number;
  wrongCounts: number;
  /** Members whose stored version/position is not what their chair last sent (must be 0). */
  lost: number;
  /** Scale-out: the failed sign-in that locked the account (alternating processes), the right password after it on each process. */
  lockoutAt: number | null;
  afterLockout: number[];
  /** Scale-out: a burst of 10 wrong + the right password split across both processes after 4 failures. */
  burst: { statuses: number[]; rightPasswordSignedIn: boolean } | null;
  /** Scale-out: sign-ins allowed before the first 429 (alternating processes), and the limit. */
  rateLimitedAfter: number | null;
  rateLimit: number;
  rateLimitBothProcesses: boolean;
  /** Sign-ins this run made before the rate-limit probe, and whether all of them fell in one rate-limit window. */
  signInsBefore: number;
  oneWindow: boolean;
}


interface ChairState {
  index: number;
  orgId: number;
  token: string;
  login: string;
  home: number;
  rows: SheetRow[];
}

function figures(list: number[]): LatencyFigures {
  const s = [...list].sort((a, b) => a - b);
  return { count: s.length, p50: Math.round(percentile(s, 50)), p99: Math.round(percentile(s, 99)), max: Math.round(s.at(-1) ?? 0) };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const log = o.log ?? (() => undefined);
  const perChair = o.members ?? 200;
  const chunkSize = o.chunk ?? 100;
  const pageSize = o.page ?? 50;
  const rateLimit = o.loginRateLimit ?? 400;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-load-'));
  const pg = o.mode === 'sqlite' ? null : await createPgDatabase();
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    LOG_FILE: testLogFile(`load-${o.mode}`),
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT: String(rateLimit),
    LOCKOUT_THRESHOLD: '5',
    DEMO: '1',
    DEBUG_HEAP: '1',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
  };
  if (o.chairs * perChair > 20_000) throw new Error('at most 20,000 members in all (distinct birth dates)');
  const servers: ServerProcess[] = [await startServerProcess(env)];
  if (o.mode === 'scaleout') servers.push(await startServerProcess(env));
  const url = (i: number) => servers[i % servers.length].url;
  try {
    const setupStarted = Date.now();
    let signIns = 1 + o.chairs; // the admin, and every chair once (createChair)
    const admin = await login(url(0), 'admin', 'demo-admin-2026');
    const parent = await demoTerritorial(url(0), admin);
    const chairs: ChairState[] = [];
    for (let i = 0; i < o.chairs; i++) {
      // Organisation, account and obligation on process 0; sign-in and password change on the chair's own process.
      const c = await createChair(url(0), admin, parent, `ППО нагрузочной школы № ${i + 1}`, `Нагрузка-${i + 1}-2026`, url(i));
      chairs.push({
        index: i,
        orgId: c.orgId,
        token: c.token,
        login: c.login,
        home: i,
        // Distinct birth dates across all chairs (the list of chair i starts at i × members), so no person is in two lists.
        rows: Array.from({ length: perChair }, (_, j) => syntheticRow(j, { salt: i * perChair, noSnilsEvery: 5 })),
      });
    }
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    log(`${o.mode}: ${o.chairs} chairs set up in ${setupSeconds.toFixed(1)} s`);

    const lat = { push: [] as number[], retry: [] as number[], pull: [] as number[] };
    let errors = 0;
    const errorSamples: string[] = [];
    let rowsPushed = 0;
    let rowsPulled = 0;
    let rounds = 0;
    let retries = 0;
    let mismatches = 0;
    const fail = (what: string, r: ApiResult) => {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(`${what}: ${r.status} ${JSON.stringify(r.json).slice(0, 160)}`);
    };
    const rss = servers.map((s) => ({ pid: s.child.pid, first: rssMb(s.child.pid), half: 0, last: rssMb(s.child.pid), max: rssMb(s.child.pid) }));
    const heapEvery = (o.heapSampleSeconds ?? 5) * 1000;
    const heapSamples: HeapSample[][] = servers.map(() => []);
    const sampleHeap = async (at: number) => {
      await Promise.all(
        servers.map(async (s, i) => {
          const mb = await liveHeapMb(s.url);
          if (mb !== null) heapSamples[i].push({ at: Math.round(at), mb });
        }),
      );
    };
    await sampleHeap(0);
    const started = Date.now();
    const deadline = started + o.seconds * 1000;
    let heapBusy = false;
    let nextHeapAt = started + heapEvery;
    const heapSampler = setInterval(() => {
      if (heapBusy || Date.now() < nextHeapAt || Date.now() >= deadline) return;
      heapBusy = true;
      nextHeapAt += heapEvery;
      void sampleHeap((Date.now() - started) / 1000).finally(() => (heapBusy = false));
    }, 200);
    const sampler = setInterval(() => {
      const pastHalf = Date.now() >= started + (o.seconds * 1000) / 2;
      for (const r of rss) {
        const v = rssMb(r.pid);
        if (v) r.last = v;
        if (v && pastHalf && !r.half) r.half = v;
        r.max = Math.max(r.max, v);
      }
    }, 1000);
    const MAX_ROUNDS = 100_000;
    await Promise.all(
      chairs.map(async (c) => {
        for (let round = 0; Date.now() < deadline && round < MAX_ROUNDS; round++) {
          // The whole sheet, in chunks; after the first round ~5 % of the rows have a new position. A row
          // is changed just before its chunk is sent: a chunk the deadline leaves unsent keeps the values
          // the register has (otherwise the check below would count those rows as lost).
          for (let k = 0; k * chunkSize < c.rows.length && Date.now() < deadline; k++) {
            if (round > 0) {
              for (let j = k * chunkSize; j < Math.min(c.rows.length, (k + 1) * chunkSize); j++) if ((j + round * 7) % 20 === 0) c.rows[j].values.position = `Учитель (круг ${round})`;
            }
            const part = c.rows.slice(k * chunkSize, (k + 1) * chunkSize);
            const body = { idempotencyKey: `load-${c.index}-${round}-${k}`, rows: part };
            const r = await tryApi(url(c.home), 'POST', `/organisations/${c.orgId}/members/sync`, c.token, body, 60_000);
            lat.push.push(r.ms);
            if (r.status !== 200) {
              fail('push', r);
              continue;
            }
            rowsPushed += part.length;
            if (o.mode === 'scaleout') {
              // The same chunk again, on the other process: the same answer, nothing written twice.
              const again = await tryApi(url(c.home + 1), 'POST', `/organisations/${c.orgId}/members/sync`, c.token, body, 60_000);
              lat.retry.push(again.ms);
              retries++;
              if (again.status !== 200) fail('retry on the other process', again);
              else if (JSON.stringify(again.json) !== JSON.stringify(r.json)) mismatches++;
            }
            (r.json.rows as { outcome: string; id?: string; version?: number }[]).forEach((res, j) => {
              if (res.outcome === 'created' || res.outcome === 'updated' || res.outcome === 'unchanged') {
                part[j].id = res.id;
                part[j].version = res.version;
              } else fail('row', { status: 200, json: res, ms: 0, headers: new Headers() });
            });
          }
          // Pull the list back, page by page.
          let cursor: string | null = null;
          for (let p = 0; p < 1000 && Date.now() < deadline; p++) {
            const q: string = `limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
            const r = await tryApi(url(c.home), 'GET', `/organisations/${c.orgId}/members?${q}`, c.token, undefined, 60_000);
            lat.pull.push(r.ms);
            if (r.status !== 200) {
              fail('pull', r);
              break;
            }
            rowsPulled += (r.json.items as unknown[]).length;
            cursor = r.json.nextCursor as string | null;
            if (!cursor) break;
          }
          rounds++;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    clearInterval(sampler);
    clearInterval(heapSampler);
    while (heapBusy) await sleep(50);
    await sampleHeap(elapsed);
    log(`${o.mode}: load done, ${rounds} rounds`);

    // In the database: each organisation holds exactly its list, as its chair last sent it.
    const probe = pg ? await pgProbe(pg.url) : sqliteProbe(path.join(dataDir, 'registry.sqlite'));
    let duplicates = 0;
    let wrongCounts = 0;
    let lost = 0;
    for (const c of chairs) {
      const stored = await probe.members(c.orgId);
      const counts = await probe.counts(c.orgId, 1, 1_000_000);
      duplicates += counts.duplicates;
      if (counts.total !== perChair) wrongCounts++;
      const byId = new Map(stored.map((m) => [m.id, m]));
      for (const r of c.rows) {
        const m = r.id ? byId.get(r.id) : undefined;
        if (!m || m.position !== r.values.position || (r.version !== undefined && Number(m.version) !== r.version)) lost++;
      }
    }
    await probe.close();

    let lockoutAt: number | null = null;
    const afterLockout: number[] = [];
    let burst: LoadResult['burst'] = null;
    let rateLimitedAfter: number | null = null;
    let rateLimitBothProcesses = false;
    let signInsBefore = 0;
    let oneWindow = false;
    if (o.mode === 'scaleout' && chairs.length >= 2) {
      // Lockout: failed sign-ins alternate between the processes; the account locks at the threshold.
      const victim = chairs[0];
      for (let i = 1; i <= 8 && lockoutAt === null; i++) {
        signIns++;
        const r = await api(url(i), 'POST', '/auth/login', null, { login: victim.login, password: `wrong-${i}` });
        if (r.status === 423) lockoutAt = i;
      }
      signIns += servers.length + 4 + 11;
      for (let s = 0; s < servers.length; s++) afterLockout.push((await api(url(s), 'POST', '/auth/login', null, { login: victim.login, password: `Нагрузка-${victim.index + 1}-2026` })).status);
      // A burst split across both processes after four failures: does the right password get in?
      const target = chairs[1];
      for (let i = 0; i < 4; i++) await api(url(i), 'POST', '/auth/login', null, { login: target.login, password: `wrong-before-${i}` });
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => tryApi(url(i), 'POST', '/auth/login', null, { login: target.login, password: `wrong-burst-${i}` })),
        tryApi(url(1), 'POST', '/auth/login', null, { login: target.login, password: `Нагрузка-${target.index + 1}-2026` }),
      ]);
      burst = { statuses: answers.map((a) => a.status), rightPasswordSignedIn: answers[10].status === 200 };
      // Sign-in rate limit from one address, alternating processes: counted once for both.
      signInsBefore = signIns;
      const statuses: number[] = [];
      for (let i = 1; i <= 2 * rateLimit + 10 && rateLimitedAfter === null; i++) {
        const r = await api(url(i), 'POST', '/auth/login', null, { login: 'nobody', password: 'x' });
        statuses.push(r.status);
        if (r.status === 429) rateLimitedAfter = i - 1;
      }
      oneWindow = Date.now() - setupStarted < 55_000;
      if (rateLimitedAfter !== null) {
        const next = [await api(url(0), 'POST', '/auth/login', null, { login: 'nobody', password: 'x' }), await api(url(1), 'POST', '/auth/login', null, { login: 'nobody', password: 'x' })];
        rateLimitBothProcesses = next.every((r) => r.status === 429);
      }
    }

    const all = [...lat.push, ...lat.retry, ...lat.pull];
    return {
      mode: o.mode,
      processes: servers.length,
      chairs: o.chairs,
      membersPerChair: perChair,
      seconds: elapsed,
      setupSeconds,
      requests: all.length,
      errors,
      errorSamples,
      rowsPushed,
      rowsPulled,
      rounds,
      reqPerSec: Math.round(all.length / elapsed),
      rowsPerSec: Math.round(rowsPushed / elapsed),
      latency: { all: figures(all), push: figures(lat.push), retry: figures(lat.retry), pull: figures(lat.pull) },
      rss: rss.map(({ first, half, last, max }) => ({ first, half: half || last, last, max })),
      heap: heapSamples.map((samples) => {
        const half = samples.find((h) => h.at >= elapsed / 2) ?? samples.at(-1);
        return { first: samples[0]?.mb ?? 0, half: half?.mb ?? 0, last: samples.at(-1)?.mb ?? 0, max: Math.max(0, ...samples.map((h) => h.mb)), samples };
      }),
      retriesOnOtherProcess: retries,
      retryMismatches: mismatches,
      duplicates,
      wrongCounts,
      lost,
      lockoutAt,
      afterLockout,
      burst,
      rateLimitedAfter,
      rateLimit,
      rateLimitBothProcesses,
      signInsBefore,
      oneWindow,
    };
  } finally {
    for (const s of servers) await s.kill('SIGKILL');
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The live heap after a full GC of a server started with DEBUG_HEAP=1, in MB; null if it did not answer. */
export async function liveHeapMb(url: string): Promise<number | null> {
  try {
    const res = await fetch(`${url}/_debug/heap`, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) return null;
    return ((await res.json()) as { heapUsedMb: number }).heapUsedMb;
  } catch {
    return null;
  }
}

/**
 * "Memory stable": after the first half (caches and pools warmed up) the live heap after a full GC of
 * each server process may grow by at most this share (or STABLE_GROWTH_MB, whichever is larger: a
 * 40 MB heap moves by a few MB with what is in flight at the sample) to the end of the run; a leak
 * under steady load grows steadily. Judged by the live heap, not the RSS: the allocator keeps pages
 * after a peak, so RSS grows without a leak (the 203 → 280 MB of issue 15 was that).
 */
export const STABLE_GROWTH = 0.15;
export const STABLE_GROWTH_MB = 3;

export function memoryStable(r: Pick<LoadResult, 'heap'>): boolean {
  return r.heap.every((m) => m.samples.length >= 2 && m.last <= Math.max(m.half * (1 + STABLE_GROWTH), m.half + STABLE_GROWTH_MB));
}

const MODE_LABEL: Record<LoadMode, string> = { sqlite: '1 process, SQLite', postgres: '1 process, PostgreSQL', scaleout: '2 processes, 1 PostgreSQL' };

export function formatLoad(results: LoadResult[]): string {
  const rows: (string | number)[][] = [
    ['mode', 'chairs×s', 'requests', 'errors', 'req/s', 'rows/s', 'push p50/p99 ms', 'pull p50/p99 ms', 'all p50/p99 ms', 'live heap MB start/half/end/max', 'RSS MB start/half/end/max', 'dup', 'lost'],
  ];
  for (const r of results) {
    rows.push([
      MODE_LABEL[r.mode],
      `${r.chairs}×${r.seconds.toFixed(0)}`,
      r.requests,
      r.errors,
      r.reqPerSec,
      r.rowsPerSec,
      `${r.latency.push.p50}/${r.latency.push.p99}`,
      `${r.latency.pull.p50}/${r.latency.pull.p99}`,
      `${r.latency.all.p50}/${r.latency.all.p99}`,
      r.heap.map((m) => `${m.first}/${m.half}/${m.last}/${m.max}`).join('; '),
      r.rss.map((m) => `${m.first}/${m.half}/${m.last}/${m.max}`).join('; '),
      r.duplicates,
      r.lost,
    ]);
  }
  const lines = [table(rows)];
  for (const r of results) {
    lines.push(
      `${MODE_LABEL[r.mode]}: live heap after full GC ${memoryStable(r) ? 'stable' : 'GROWING'} in the second half (${r.heap.map((m) => `${m.half} → ${m.last} MB`).join('; ')}; allowed: +${STABLE_GROWTH * 100} % or +${STABLE_GROWTH_MB} MB); RSS ${r.rss.map((m) => `${m.half} → ${m.last} MB`).join('; ')} (for information)`,
    );
    lines.push(`${MODE_LABEL[r.mode]}: ${r.membersPerChair} members per chair, ${r.rounds} rounds, ${r.rowsPushed} rows pushed, ${r.rowsPulled} rows pulled, set-up ${r.setupSeconds.toFixed(1)} s; organisations with a wrong count ${r.wrongCounts}${r.errorSamples.length ? `; errors: ${r.errorSamples.join(' | ')}` : ''}`);
    if (r.mode === 'scaleout') {
      lines.push(
        `  retries on the other process ${r.retriesOnOtherProcess} (p50/p99 ${r.latency.retry.p50}/${r.latency.retry.p99} ms), different answers ${r.retryMismatches}; ` +
          `lockout at failed attempt ${r.lockoutAt} (alternating processes), right password afterwards ${r.afterLockout.join('/')}; ` +
          `sign-in rate limit ${r.rateLimit}/min for both together: ${r.rateLimitedAfter} more sign-ins let through after the run's ${r.signInsBefore}${r.oneWindow ? ` (one window: ${r.signInsBefore + (r.rateLimitedAfter ?? 0)} in all)` : ' (the window restarted during the run)'}, then 429 on both processes: ${r.rateLimitBothProcesses ? 'yes' : 'no'}`,
      );
      if (r.burst) lines.push(`  burst of 10 wrong + the right password across both processes after 4 failures: ${r.burst.statuses.join(',')} — right password ${r.burst.rightPasswordSignedIn ? 'SIGNED IN (lockout bypassed)' : 'refused'}`);
    }
  }
  return lines.join('\n');
}

if (require.main === module) {
  const arg = (n: string) => {
    const i = process.argv.indexOf(`--${n}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const chairs = Number(arg('chairs') ?? 50);
  const seconds = Number(arg('seconds') ?? 60);
  const members = Number(arg('members') ?? 200);
  const modes = (arg('mode') ? arg('mode')!.split(',') : ['sqlite', 'postgres', 'scaleout']) as LoadMode[];
  void (async () => {
    const results: LoadResult[] = [];
    for (const mode of modes) {
      if (mode !== 'sqlite') {
        const ok = await tryPg();
        if (!ok) {
          console.log(`${mode}: PostgreSQL at ${process.env.TEST_PG_URL} is unreachable — skipped`);
          continue;
        }
      }
      const r = await runLoad({ chairs, seconds, mode, members, log: (l) => console.log(l) });
      results.push(r);
      console.log(formatLoad([r]));
      await sleep(1000);
    }
    console.log(`\n=== load: ${chairs} chairs × ${seconds} s, ${members} members each, 127.0.0.1 ===`);
    console.log(formatLoad(results));
    if (results.some((r) => r.errors || r.duplicates || r.lost || r.retryMismatches || !memoryStable(r))) process.exitCode = 1;
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

async function tryPg(): Promise<boolean> {
  try {
    const db = await createPgDatabase();
    await db.drop();
    return true;
  } catch {
    return false;
  }
}
