/**
 * Roll-out progress at national scale: the report (the organisation and its direct children, seven
 * steps each) read from the org_stats counters, against the baseline of the same member figures
 * computed by indexed aggregate queries over `members` (one range query per child over the
 * organisations' path index, joined to members by members_org).
 *
 *   npx tsx bench/progress.bench.ts [--sizes 100000,1000000,4400000] [--dbs sqlite,postgres] [--runs 30] [--baseline-runs 5]
 *
 * Synthetic data (scripts/seed-synthetic.ts) is generated once per size and database and reused:
 * SQLite under data/bench/progress-sqlite-<size>/, PostgreSQL in database registry_bench_progress_<size>
 * (created through TEST_PG_URL / --pg-url, default postgres://postgres@127.0.0.1:5432/test).
 * Also measured: applying one 2,000-member push to the counters (rolled back), and the full rebuild.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { Transaction } from 'sequelize';
import { loadConfig } from '../server/config';
import { openDatabase, type Db } from '../server/db';
import { selectRows } from '../server/db/sql';
import type { OrganisationRow } from '../server/db/models';
import { createLogger } from '../server/logger';
import type { Actor, Ctx } from '../server/services/context';
import { applyMemberChanges, ensureCountersCurrent, progressCounters, readStats, writeTransaction, type MemberChange } from '../server/services/progress/counters';
import { progressReport } from '../server/services/progress/report.service';
import { MEMBER_KEYS, memberAggregateSql, type MemberKey } from '../server/services/progress/vector';
import { subtreeRange } from '../domain/organisations';
import { seedSynthetic } from '../scripts/seed-synthetic';

export type BenchDb = 'sqlite' | 'postgres';

export interface BenchOptions {
  sizes: number[];
  dbs?: BenchDb[];
  /** Timed runs of the report per organisation (after two warm-up runs). */
  runs?: number;
  /** Timed runs of the baseline (it is slow at national scale). */
  baselineRuns?: number;
  pgUrl?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface Timing {
  median: number;
  p95: number;
  runs: number;
}

export interface BenchRow {
  db: BenchDb;
  size: number;
  level: 'central' | 'regional' | 'territorial';
  orgName: string;
  members: number;
  children: number;
  report: Timing;
  baseline: Timing;
  /** The counters' member figures equal the baseline's. */
  agrees: boolean;
  /** 1-minute load average of the machine when measured (other processes distort timings). */
  load: number;
}

export interface BenchResult {
  rows: BenchRow[];
  push: { db: BenchDb; size: number; changes: number; ms: number }[];
  seeds: { db: BenchDb; size: number; seconds: number | null }[];
}

const SEED_VERSION = 2;

function timing(ms: number[]): Timing {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: q(0.5), p95: q(0.95), runs: s.length };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function pgDbUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Reuse the synthetic database of this size when it is there and complete; otherwise generate it. */
async function ensureData(db: BenchDb, size: number, opts: Required<Pick<BenchOptions, 'pgUrl' | 'cacheDir'>>, log: (s: string) => void) {
  const marker = JSON.stringify({ size, version: SEED_VERSION });
  if (db === 'sqlite') {
    const dataDir = path.join(opts.cacheDir, `progress-sqlite-${size}`);
    const markerFile = path.join(dataDir, 'seed.json');
    if (fs.existsSync(markerFile) && fs.readFileSync(markerFile, 'utf8') === marker) return { databaseUrl: null, dataDir, seconds: null };
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.mkdirSync(dataDir, { recursive: true });
    const res = await seedSynthetic({ members: size, databaseUrl: null, dataDir, log: (s) => log(`  [seed sqlite ${size}] ${s}`) });
    fs.writeFileSync(markerFile, marker);
    return { databaseUrl: null, dataDir, seconds: res.seconds.total };
  }
  const name = `registry_bench_progress_${size}`;
  const admin = new Client({ connectionString: opts.pgUrl });
  await admin.connect();
  try {
    const found = await admin.query<{ comment: string | null }>('SELECT shobj_description(oid, \'pg_database\') AS comment FROM pg_database WHERE datname = $1', [name]);
    const dataDir = path.join(opts.cacheDir, `progress-pg-${size}`);
    fs.mkdirSync(dataDir, { recursive: true });
    if (found.rows.length && found.rows[0].comment === marker) return { databaseUrl: pgDbUrl(opts.pgUrl, name), dataDir, seconds: null };
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const res = await seedSynthetic({ members: size, databaseUrl: pgDbUrl(opts.pgUrl, name), dataDir, log: (s) => log(`  [seed postgres ${size}] ${s}`) });
    await admin.query(`COMMENT ON DATABASE ${name} IS '${marker.replace(/'/g, "''")}'`);
    return { databaseUrl: pgDbUrl(opts.pgUrl, name), dataDir, seconds: res.seconds.total };
  } finally {
    await admin.end();
  }
}

type MemberFigures = Record<MemberKey, number>;

/** The baseline: the same member figures for the organisation and each direct child, straight from members. */
async function baselineFigures(ctx: Ctx, org: OrganisationRow): Promise<{ self: MemberFigures; children: Map<number, MemberFigures> }> {
  const agg = memberAggregateSql('m.');
  const select = Object.entries(agg).map(([k, sql]) => `${sql} AS ${k.toLowerCase()}`).join(', ');
  const parse = (r: Record<string, unknown> | undefined) => Object.fromEntries(MEMBER_KEYS.map((k) => [k, Number(r?.[k.toLowerCase()] ?? 0)])) as MemberFigures;
  const children = await selectRows<{ id: unknown; path: string }>(ctx.db, "SELECT id, path FROM organisations WHERE parent_id = :id AND status = 'active'", { id: org.id });
  const out = new Map<number, MemberFigures>();
  const self = parse(
    (await selectRows<Record<string, unknown>>(ctx.db, `SELECT ${select} FROM members m WHERE m.org_id = :id AND m.deregistered_at IS NULL`, { id: org.id }))[0],
  );
  for (const c of children) {
    const { from, to } = subtreeRange(c.path);
    const [row] = await selectRows<Record<string, unknown>>(
      ctx.db,
      `SELECT ${select} FROM organisations o JOIN members m ON m.org_id = o.id WHERE o.path >= :from AND o.path < :to AND m.deregistered_at IS NULL`,
      { from, to },
    );
    const f = parse(row);
    out.set(Number(c.id), f);
    for (const k of MEMBER_KEYS) self[k] += f[k];
  }
  return { self, children: out };
}

/** A 2,000-member push into one school (created, updated, deregistered), applied to the counters and rolled back. */
async function pushCost(ctx: Ctx, primaryId: number): Promise<number> {
  const changes: MemberChange[] = [];
  const base = { surname: 'Иванова', name: 'Анна', birthDate: '1985-01-01', phone: '+79001112233', consentUnion: null, consentOperator: null, consentNotify: null, cardStatus: null };
  for (let i = 0; i < 2000; i++) {
    const before = i % 3 === 0 ? null : { ...base, orgId: primaryId };
    const after = i % 5 === 0 ? { ...base, orgId: primaryId, deregisteredAt: '2026-11-01' } : { ...base, orgId: primaryId, consentUnion: 'given', consentOperator: 'given', consentNotify: 'refused' };
    changes.push({ memberId: `bench-${i}`, before, after });
  }
  let ms = 0;
  const rollback = new Error('rollback');
  await writeTransaction(ctx, async (tx: Transaction) => {
    ms = await timed(() => applyMemberChanges(ctx, tx, changes));
    throw rollback;
  }).catch((e) => {
    if (e !== rollback) throw e;
  });
  return ms;
}

export async function runProgressBench(o: BenchOptions): Promise<BenchResult> {
  const log = o.log ?? ((s: string) => console.log(s));
  const opts = {
    dbs: o.dbs ?? (['sqlite', 'postgres'] as BenchDb[]),
    runs: o.runs ?? 30,
    baselineRuns: o.baselineRuns ?? 5,
    pgUrl: o.pgUrl ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    cacheDir: o.cacheDir ?? path.resolve(__dirname, '../data/bench'),
  };
  const result: BenchResult = { rows: [], push: [], seeds: [] };
  for (const size of o.sizes) {
    for (const dbKind of opts.dbs) {
      log(`\n== ${dbKind}, ${size.toLocaleString('ru-RU')} членов ==`);
      const data = await ensureData(dbKind, size, opts, log);
      result.seeds.push({ db: dbKind, size, seconds: data.seconds });
      const config = loadConfig({ DATABASE_URL: data.databaseUrl ?? '', DATA_DIR: data.dataDir, LOG_LEVEL: 'warn' });
      const db: Db = await openDatabase({ databaseUrl: data.databaseUrl, dataDir: data.dataDir });
      const ctx: Ctx = { db, config, log: createLogger('warn', null), now: () => new Date('2026-11-26T09:00:00Z'), memberCounters: progressCounters };
      try {
        await ensureCountersCurrent(ctx);
        const { Organisation } = db.models;
        const central = (await Organisation.findOne({ where: { parentId: null } }))!;
        const actor: Actor = { userId: 0, login: 'bench', role: 'central_admin', orgId: central.id, orgPath: central.path, obligationRecorded: true, mustChangePassword: false, tokenId: 0 };
        const biggest = async (kind: string) => {
          const [row] = await selectRows<{ id: unknown }>(db, 'SELECT org_id AS id FROM org_stats WHERE kind = :kind ORDER BY m_registered DESC LIMIT 1', { kind });
          return (await Organisation.findByPk(Number(row.id)))!;
        };
        const targets: [BenchRow['level'], OrganisationRow][] = [
          ['central', central],
          ['regional', await biggest('regional')],
          ['territorial', await biggest('territorial')],
        ];
        for (const [level, org] of targets) {
          for (let i = 0; i < 2; i++) await progressReport(ctx, actor, org);
          const reportMs: number[] = [];
          let report = await progressReport(ctx, actor, org);
          for (let i = 0; i < opts.runs; i++) reportMs.push(await timed(async () => (report = await progressReport(ctx, actor, org))));
          const baseRuns = level === 'central' ? opts.baselineRuns : Math.max(opts.baselineRuns, 10);
          const baseMs: number[] = [];
          let base = await baselineFigures(ctx, org);
          for (let i = 0; i < baseRuns; i++) baseMs.push(await timed(async () => (base = await baselineFigures(ctx, org))));
          const agrees =
            MEMBER_KEYS.every((k) => report.organisation.counts[k] === base.self[k]) &&
            report.children.every((c) => MEMBER_KEYS.every((k) => c.counts[k] === (base.children.get(c.orgId)?.[k] ?? 0)));
          const row: BenchRow = {
            db: dbKind, size, level, orgName: org.name, members: report.organisation.counts.registered, children: report.children.length,
            report: timing(reportMs), baseline: timing(baseMs), agrees, load: os.loadavg()[0],
          };
          result.rows.push(row);
          log(
            `${level.padEnd(11)} ${String(row.members).padStart(8)} членов, ${String(row.children).padStart(4)} нижестоящих: ` +
              `отчёт p50 ${row.report.median.toFixed(1)} мс, p95 ${row.report.p95.toFixed(1)} мс | ` +
              `агрегат по members p50 ${row.baseline.median.toFixed(1)} мс, p95 ${row.baseline.p95.toFixed(1)} мс | ` +
              `×${(row.baseline.median / row.report.median).toFixed(0)} | ${agrees ? 'совпадает' : 'РАСХОДИТСЯ'} | load ${row.load.toFixed(1)}`,
          );
        }
        const school = await selectRows<{ id: unknown }>(db, "SELECT org_id AS id FROM org_stats WHERE kind = 'primary' AND m_registered > 0 ORDER BY org_id LIMIT 1");
        const pushMs: number[] = [];
        for (let i = 0; i < 5; i++) pushMs.push(await pushCost(ctx, Number(school[0].id)));
        const push = timing(pushMs).median;
        result.push.push({ db: dbKind, size, changes: 2000, ms: push });
        log(`счётчики: отправка 2 000 строк (создание, правка, снятие с учёта) — ${push.toFixed(1)} мс (медиана 5 раз, с откатом)`);
        const stats = await readStats(ctx, [central.id]);
        if (!stats.get(central.id)) throw new Error('no counters for the central organisation');
      } finally {
        await db.close();
      }
    }
  }
  return result;
}

export function printSummary(r: BenchResult, log: (s: string) => void = console.log): void {
  log(`\n${os.cpus().length} CPU; load average — нагрузка машины во время замера.`);
  log('| БД | членов | уровень | отчёт p50 / p95, мс | агрегат p50 / p95, мс | во сколько раз | сверка | load |');
  log('|---|---:|---|---:|---:|---:|---|---:|');
  for (const x of r.rows) {
    log(`| ${x.db} | ${x.size.toLocaleString('ru-RU')} | ${x.level} (${x.members.toLocaleString('ru-RU')} чел.) | ${x.report.median.toFixed(1)} / ${x.report.p95.toFixed(1)} | ${x.baseline.median.toFixed(0)} / ${x.baseline.p95.toFixed(0)} | ${(x.baseline.median / x.report.median).toFixed(0)} | ${x.agrees ? 'ok' : 'РАСХОДИТСЯ'} | ${x.load.toFixed(1)} |`);
  }
  for (const p of r.push) log(`push ${p.db} ${p.size.toLocaleString('ru-RU')}: 2 000 изменений → ${p.ms.toFixed(1)} мс`);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const get = (n: string) => {
    const i = argv.indexOf(`--${n}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (get('sizes') ?? '100000').split(',').map((s) => Number(s.replace(/_/g, '')));
  const dbs = (get('dbs') ?? 'sqlite,postgres').split(',') as BenchDb[];
  const runs = get('runs') ? Number(get('runs')) : undefined;
  const baselineRuns = get('baseline-runs') ? Number(get('baseline-runs')) : undefined;
  runProgressBench({ sizes, dbs, runs, baselineRuns, pgUrl: get('pg-url') })
    .then((r) => {
      printSummary(r);
      const out = path.resolve(__dirname, '../artifacts/bench');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'progress.json'), JSON.stringify(r, null, 2));
    })
    .catch((err: Error) => {
      console.error(err);
      process.exit(1);
    });
}
