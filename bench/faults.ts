/**
 * Faults and hostile input at full size (the bounded versions run in `npm test`: test/trust/kill.test.ts,
 * test/trust/fuzz.test.ts). Prints a table; exits with 1 when anything was lost, duplicated, stored
 * partly, answered 500, or the server died.
 *
 * Sections (all by default; pick with --only a,b):
 *   kill-sqlite   20,000 rows in chunks of 1,000, two at a time; the real server SIGKILLed 6 times
 *                 (as a write starts, right after a commit whose answer is still on its way, at a
 *                 random moment) and restarted on the same data; all chunks retried with their keys.
 *   kill-pg       the same on PostgreSQL (3 kills).
 *   drop-pg       20,000 rows; the server's connections to ITS OWN database terminated while every
 *                 second chunk is written (during a statement / between statements).
 *   mixed-pg      every kind of request while the connections are terminated every 10–40 ms.
 *   restart-pg    the PostgreSQL server itself restarted mid-push (a fast shutdown and a crash-like
 *                 immediate one). By default a PRIVATE throwaway cluster (initdb in a temp directory,
 *                 its own port, run as the postgres user) — the shared server is not touched.
 *                 `--restart-shared-postgres` restarts the machine's shared PostgreSQL instead
 *                 (pg_ctlcluster … main restart): ONLY BY HAND, when nobody else runs tests — it
 *                 breaks every other connection to it.
 *   fuzz          the fuzz properties at `--fuzz-scale` × the test's number of inputs (default 10),
 *                 on SQLite and on PostgreSQL.
 *
 *   npx tsx bench/faults.ts
 *   npx tsx bench/faults.ts --only kill-sqlite,fuzz --fuzz-scale 20
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPgDatabase } from '../test/support/db';
import { freePort, testLogFile } from '../test/support/server-process';
import { dropScenario, killScenario, mixedDropScenario, pgRestartScenario, type MixedDropResult, type ScenarioResult } from '../test/trust/fault-scenarios';
import { runAllFuzz, type FormulaExportResult, type PropertyRun } from '../test/trust/fuzz-properties';
import { table } from '../test/trust/harness';

process.env.TEST_PG_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
// The in-process apps of the fuzz section log to a file, not to the report.
process.env.LOG_FILE ??= testLogFile('faults-bench');

const arg = (n: string) => {
  const i = process.argv.indexOf(`--${n}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const SECTIONS = ['kill-sqlite', 'kill-pg', 'drop-pg', 'mixed-pg', 'restart-pg', 'fuzz'];
const only = arg('only')?.split(',') ?? SECTIONS;
const fuzzScale = Number(arg('fuzz-scale') ?? 10);
const sharedRestart = process.argv.includes('--restart-shared-postgres');
const log = (line: string) => console.log(`  ${line}`);

async function pgReachable(): Promise<boolean> {
  const c = new Client({ connectionString: process.env.TEST_PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

// ---- a private PostgreSQL cluster to restart ----------------------------------------------------------

interface Cluster {
  url: string;
  restart(mode: 'fast' | 'immediate'): Promise<void>;
  stop(): Promise<void>;
}

function pgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : null;
}

function asPostgres(cmd: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const r = root ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' }) : spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]}: ${r.stderr || r.stdout}`.slice(0, 800));
}

async function privateCluster(): Promise<Cluster> {
  const bin = pgBin();
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pgcluster-'));
  if (process.getuid?.() === 0) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    fs.chownSync(dir, Number(id.stdout), Number(gid.stdout));
  }
  const data = path.join(dir, 'data');
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  const start = () => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, '-l', path.join(dir, 'log'), '-w', 'start']);
  start();
  const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE registry');
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/registry`,
    async restart(mode) {
      asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
      start();
    },
    async stop() {
      try {
        asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function sharedCluster(): Promise<Cluster> {
  const version = fs.readdirSync('/etc/postgresql')[0];
  const db = await createPgDatabase();
  return {
    url: db.url,
    async restart() {
      const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`pg_ctlcluster: ${r.stderr}`);
    },
    stop: () => db.drop(),
  };
}

// ---- the run ----------------------------------------------------------------------------------------

const scenarios: ScenarioResult[] = [];
let mixed: MixedDropResult | null = null;
const fuzz: { variant: string; runs: PropertyRun[]; formulas: FormulaExportResult; seconds: number }[] = [];
const skipped: string[] = [];

async function section(name: string, fn: () => Promise<void>): Promise<void> {
  if (!only.includes(name)) return;
  console.log(`\n--- ${name} ---`);
  const t0 = Date.now();
  try {
    await fn();
  } catch (err) {
    console.log(`  ${name} failed to run: ${(err as Error).message}`);
    skipped.push(`${name}: ${(err as Error).message.slice(0, 200)}`);
  }
  console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

void (async () => {
  const pg = await pgReachable();
  const needPg = (name: string) => {
    if (!pg) skipped.push(`${name}: PostgreSQL at ${process.env.TEST_PG_URL} is unreachable`);
    return pg;
  };
  await section('kill-sqlite', async () => {
    scenarios.push(await killScenario({ chunks: 20, perChunk: 1000, kills: 6, concurrency: 2, seed: 2026, log }));
  });
  await section('kill-pg', async () => {
    if (needPg('kill-pg')) scenarios.push(await killScenario({ postgres: true, chunks: 20, perChunk: 1000, kills: 3, concurrency: 2, seed: 2027, log }));
  });
  await section('drop-pg', async () => {
    if (needPg('drop-pg')) scenarios.push(await dropScenario({ chunks: 20, perChunk: 1000, dropEvery: 2, seed: 2028, log }));
  });
  await section('mixed-pg', async () => {
    if (needPg('mixed-pg')) mixed = await mixedDropScenario({ requests: 2000, seed: 2029, log });
  });
  await section('restart-pg', async () => {
    if (sharedRestart) {
      if (!needPg('restart-pg')) return;
      console.log('  RESTARTING THE SHARED PostgreSQL (--restart-shared-postgres): other connections to it will break');
    }
    const cluster = sharedRestart ? await sharedCluster() : await privateCluster();
    try {
      scenarios.push(
        await pgRestartScenario({
          chunks: 12,
          perChunk: 1000,
          restarts: 2,
          databaseUrl: cluster.url,
          seed: 2030,
          log,
          restart: async (i) => {
            const mode = i % 2 === 0 ? 'fast' : 'immediate';
            await cluster.restart(mode);
            return `restarted (${mode === 'fast' ? 'fast shutdown' : 'immediate shutdown: crash recovery'}${sharedRestart ? ', shared server' : ', private cluster'})`;
          },
        }),
      );
    } finally {
      await cluster.stop();
    }
  });
  await section('fuzz', async () => {
    for (const variant of ['sqlite', 'postgres'] as const) {
      if (variant === 'postgres' && !needPg('fuzz on PostgreSQL')) continue;
      if (variant === 'postgres') process.env.TEST_PG_AVAILABLE = '1';
      const t0 = Date.now();
      const r = await runAllFuzz(variant, fuzzScale, 20261127 + fuzzScale, log);
      fuzz.push({ variant, ...r, seconds: (Date.now() - t0) / 1000 });
    }
  });

  // ---- report ----
  console.log(`\n=== faults: ${new Date().toISOString()} ===`);
  if (scenarios.length) {
    const rows: (string | number)[][] = [['scenario', 'rows', 'faults', 'in flight', 'stored, answer lost', 'absent', 'partly', 'rows lost', 'dup', 'replayed same', 'integrity', 'violations', 's']];
    for (const s of scenarios) {
      const sum = (k: 'inFlight' | 'committedUnanswered' | 'absent' | 'partial') => s.faults.reduce((a, f) => a + f[k], 0);
      rows.push([s.name, s.rows, s.faults.length, sum('inFlight'), sum('committedUnanswered'), sum('absent'), sum('partial'), s.rowsLost, s.final.duplicates, s.replayedSame, s.integrity, s.violations.length, Math.round(s.seconds)]);
    }
    console.log(table(rows));
    for (const s of scenarios) {
      for (const f of s.faults) console.log(`  ${s.name} — ${f.fault}: answers ${JSON.stringify(f.statuses)}, in flight ${f.inFlight}, stored whole ${f.committedUnanswered}, absent ${f.absent}, partly ${f.partial}, integrity ${f.integrity}`);
      for (const v of s.violations) console.log(`  VIOLATION ${s.name}: ${v}`);
    }
  }
  const m = mixed as MixedDropResult | null;
  if (m) {
    console.log(`\nmixed traffic, PostgreSQL connections terminated every 10–40 ms: ${m.requests} requests, ${m.terminations} backends terminated, ${m.crashed ? `SERVER CRASHED (${m.crashed})` : 'server stayed up'}, ${m.seconds.toFixed(0)} s`);
    console.log(`  answers: ${JSON.stringify(m.statuses)}`);
    for (const v of m.violations) console.log(`  VIOLATION mixed: ${v}`);
  }
  if (fuzz.length) {
    const rows: (string | number)[][] = [['database', 'property', 'inputs', 'answers']];
    for (const f of fuzz) for (const r of f.runs) rows.push([f.variant, r.property, r.runs, r.failure ? 'FAILED (see below)' : JSON.stringify(r.statuses)]);
    console.log(`\n${table(rows)}`);
    for (const f of fuzz) {
      const total = f.runs.reduce((a, r) => a + r.runs, 0);
      const failed = f.runs.filter((r) => r.failure).map((r) => r.property);
      console.log(`  ${f.variant}: ${total} hostile inputs, ${failed.length ? `FAILED: ${failed.join('; ')}` : 'no 5xx, rejected input changed nothing, accepted pushes wrote what they said, no prototype pollution'} (${f.seconds.toFixed(0)} s); formulas: ${f.formulas.tried} pushed, ${f.formulas.refused} refused at input, ${f.formulas.neutralised} exported as text`);
    }
  }
  for (const s of skipped) console.log(`  not run: ${s}`);
  for (const f of fuzz) for (const r of f.runs) if (r.failure) console.log(`  FUZZ FAILURE ${f.variant} — ${r.property}:\n${r.failure}`);
  const bad =
    scenarios.some((s) => s.violations.length || s.rowsLost || s.final.duplicates) ||
    (m !== null && (m.violations.length > 0 || m.crashed !== null)) ||
    fuzz.some((f) => f.runs.some((r) => r.failure));
  if (bad) process.exitCode = 1;
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
