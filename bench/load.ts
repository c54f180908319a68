/**
 * Load: N chairs at once, each pushing and pulling its own member list for a fixed time, against the
 * real server on 127.0.0.1 (one process on SQLite, or two processes on one PostgreSQL with every
 * chunk's retry sent to the other process). Prints requests, errors, p50/p99 latency, throughput and
 * the server's memory. Bounded in time and count; stops by itself.
 *
 *   npx tsx bench/load.ts                 # 50 chairs × 60 s on SQLite, then 50 × 60 s on two processes + PostgreSQL
 *   npx tsx bench/load.ts --chairs 10 --seconds 5 --mode sqlite|scaleout
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatSnils, snilsChecksum } from '../domain/snils';
import { createPgDatabase } from '../test/support/db';
import { startServerProcess, type ServerProcess } from '../test/support/server-process';

export interface LoadResult {
  mode: 'sqlite' | 'scaleout';
  chairs: number;
  seconds: number;
  requests: number;
  errors: number;
  rowsPushed: number;
  p50: number;
  p99: number;
  reqPerSec: number;
  rowsPerSec: number;
  rssMb: { first: number; last: number; max: number }[];
  retriesOnOtherProcess: number;
  retryMismatches: number;
  duplicates: number;
  lockoutAt: number | null;
  rateLimitedAfter: number | null;
}

const SURNAMES = ['Смирнова', 'Кузнецова', 'Попова', 'Васильева', 'Петрова', 'Соколова', 'Михайлова', 'Новикова', 'Фёдорова', 'Морозова'];
const NAMES = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Ирина', 'Татьяна', 'Светлана'];

async function api(url: string, method: string, p: string, token: string | null, body?: unknown): Promise<{ status: number; json: any; ms: number }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1${p}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, ms: performance.now() - t0 };
}

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

function memberRows(chair: number, count: number) {
  return Array.from({ length: count }, (_, j) => {
    const n = chair * 10_000 + j;
    const body = String(300_000_000 + n).padStart(9, '0');
    return {
      row: j + 2,
      values: {
        surname: SURNAMES[n % 10], name: NAMES[n % 8], birthDate: new Date(Date.UTC(1955, 0, 1) + (n % 15_000) * 86_400_000).toISOString().slice(0, 10),
        category: 'Работник', snils: formatSnils(body + String(snilsChecksum(body)).padStart(2, '0')), position: 'Учитель',
      },
    };
  });
}

export async function runLoad(opts: { chairs: number; seconds: number; mode: 'sqlite' | 'scaleout'; membersPerChair?: number }): Promise<LoadResult> {
  const perChair = opts.membersPerChair ?? 200;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-load-'));
  const logFile = path.resolve(__dirname, `../artifacts/test-logs/load-${process.pid}-${opts.mode}.log`);
  const pg = opts.mode === 'scaleout' ? await createPgDatabase() : null;
  const env = { DATA_DIR: dataDir, LOG_FILE: logFile, LOG_LEVEL: 'warn', LOGIN_RATE_LIMIT: '400', LOCKOUT_THRESHOLD: '5', ...(pg ? { DATABASE_URL: pg.url } : {}) };
  const servers: ServerProcess[] = [await startServerProcess(env)];
  if (opts.mode === 'scaleout') servers.push(await startServerProcess(env));
  const urlOf = (i: number) => servers[i % servers.length].url;
  try {
    // Set-up through the API as a territorial chair would do it: organisations, accounts, obligations.
    const admin = (await api(servers[0].url, 'POST', '/auth/login', null, { login: 'admin', password: 'demo-admin-2026' })).json.token as string;
    const me = (await api(servers[0].url, 'GET', '/me', admin)).json;
    const territorial = (await api(servers[0].url, 'GET', `/organisations/${me.orgId}/children`, admin)).json[0].id;
    const terrChildren = (await api(servers[0].url, 'GET', `/organisations/${territorial}/children`, admin)).json;
    const parent = terrChildren.find((o: { kind: string }) => o.kind === 'territorial')?.id ?? territorial;
    const chairs: { orgId: number; token: string; server: number }[] = [];
    for (let i = 0; i < opts.chairs; i++) {
      const org = (await api(servers[0].url, 'POST', `/organisations/${parent}/children`, admin, { kind: 'primary', name: `ППО нагрузочной школы № ${i + 1}` })).json;
      const cred = (await api(servers[0].url, 'POST', `/organisations/${org.id}/accounts`, admin, { fullName: 'Председатель Нагрузочный' })).json;
      await api(servers[0].url, 'POST', `/accounts/${cred.account.id}/obligation`, admin, { signedAt: '2026-01-10' });
      const login = (await api(urlOf(i), 'POST', '/auth/login', null, { login: cred.account.login, password: cred.oneTimePassword })).json.token as string;
      await api(urlOf(i), 'POST', '/auth/password', login, { oldPassword: cred.oneTimePassword, newPassword: `Нагрузка-${i}-2026` });
      chairs.push({ orgId: org.id, token: login, server: i });
    }

    const latencies: number[] = [];
    let errors = 0;
    let rowsPushed = 0;
    let retries = 0;
    let mismatches = 0;
    const rss = servers.map((s) => ({ pid: s.child.pid!, first: rssMb(s.child.pid!), last: 0, max: 0 }));
    const sampler = setInterval(() => rss.forEach((r) => { const v = rssMb(r.pid); r.last = v; r.max = Math.max(r.max, v); }), 1000);
    const deadline = Date.now() + opts.seconds * 1000;
    const started = Date.now();
    await Promise.all(
      chairs.map(async (c, ci) => {
        let rows: { row: number; id?: string; version?: number; values: Record<string, string> }[] = memberRows(ci, perChair);
        for (let round = 0; Date.now() < deadline && round < 10_000; round++) {
          const key = `load-${ci}-${round}`;
          const body = { idempotencyKey: key, rows };
          const r = await api(urlOf(c.server), 'POST', `/organisations/${c.orgId}/members/sync`, c.token, body);
          latencies.push(r.ms);
          if (r.status !== 200) { errors++; continue; }
          rowsPushed += rows.length;
          if (opts.mode === 'scaleout') {
            // The same chunk again, on the other process: the same answer, nothing written twice.
            const again = await api(urlOf(c.server + 1), 'POST', `/organisations/${c.orgId}/members/sync`, c.token, body);
            retries++;
            latencies.push(again.ms);
            if (again.status !== 200 || JSON.stringify(again.json.counts) !== JSON.stringify(r.json.counts)) mismatches++;
          }
          const results = r.json.rows as { row: number; id?: string; version?: number }[];
          rows = rows.map((row, k) => ({ ...row, id: results[k].id, version: results[k].version, values: { ...row.values, position: k % 20 === round % 20 ? `Учитель (${round})` : row.values.position } }));
          const pull = await api(urlOf(c.server), 'GET', `/organisations/${c.orgId}/members?limit=500`, c.token);
          latencies.push(pull.ms);
          if (pull.status !== 200) errors++;
        }
      }),
    );
    const elapsed = (Date.now() - started) / 1000;
    clearInterval(sampler);

    // No duplicates: every chair's organisation holds exactly its list.
    let duplicates = 0;
    for (const c of chairs) {
      const page = await api(servers[0].url, 'GET', `/organisations/${c.orgId}/members?limit=2000`, c.token);
      const n = (page.json.items as unknown[]).length;
      if (n !== perChair) duplicates += Math.abs(n - perChair);
    }

    // Lockout and the sign-in rate limit are counted across processes (they live in the database).
    let lockoutAt: number | null = null;
    let rateLimitedAfter: number | null = null;
    if (opts.mode === 'scaleout') {
      for (let i = 1; i <= 8 && lockoutAt === null; i++) {
        const r = await api(urlOf(i), 'POST', '/auth/login', null, { login: 'school', password: 'wrong-password' });
        if (r.status === 423) lockoutAt = i;
      }
      for (let i = 1; i <= 900 && rateLimitedAfter === null; i++) {
        const r = await api(urlOf(i), 'POST', '/auth/login', null, { login: 'nobody', password: 'x' });
        if (r.status === 429) rateLimitedAfter = i - 1;
      }
    }

    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
    return {
      mode: opts.mode, chairs: opts.chairs, seconds: elapsed, requests: latencies.length, errors, rowsPushed,
      p50: pct(50), p99: pct(99), reqPerSec: Math.round(latencies.length / elapsed), rowsPerSec: Math.round(rowsPushed / elapsed),
      rssMb: rss.map(({ first, last, max }) => ({ first, last, max })), retriesOnOtherProcess: retries, retryMismatches: mismatches, duplicates, lockoutAt, rateLimitedAfter,
    };
  } finally {
    for (const s of servers) await s.kill('SIGKILL');
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatLoad(r: LoadResult): string {
  return [
    `${r.mode === 'sqlite' ? 'one process, SQLite' : 'two processes, one PostgreSQL'}: ${r.chairs} chairs × ${r.seconds.toFixed(0)} s`,
    `  requests ${r.requests}, errors ${r.errors}, rows pushed ${r.rowsPushed}, duplicates ${r.duplicates}`,
    `  latency p50 ${r.p50} ms, p99 ${r.p99} ms; throughput ${r.reqPerSec} req/s, ${r.rowsPerSec} rows/s`,
    `  server RSS MB (first/last/max): ${r.rssMb.map((m) => `${m.first}/${m.last}/${m.max}`).join('; ')}`,
    ...(r.mode === 'scaleout' ? [`  retries on the other process ${r.retriesOnOtherProcess}, different answers ${r.retryMismatches}; lockout at failed attempt ${r.lockoutAt}; sign-in rate limit after ${r.rateLimitedAfter} attempts across both`] : []),
  ].join('\n');
}

if (require.main === module) {
  const arg = (n: string) => { const i = process.argv.indexOf(`--${n}`); return i >= 0 ? process.argv[i + 1] : undefined; };
  const chairs = Number(arg('chairs') ?? 50);
  const seconds = Number(arg('seconds') ?? 60);
  const modes = (arg('mode') ? [arg('mode')] : ['sqlite', 'scaleout']) as ('sqlite' | 'scaleout')[];
  (async () => {
    for (const mode of modes) console.log(formatLoad(await runLoad({ chairs, seconds, mode })));
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
