/**
 * `npm run bench -- hostile`: what hostile uploads cost the server (issue 15, hole 1). Each file is
 * sent to a fresh server process (`node --import tsx server/main.ts`, SQLite) as the demo ППО chair
 * (member list upload) or territorial chair (card delivery list); the bench prints the answer, the
 * time to it, the process's peak resident memory (VmHWM) against its peak before the upload, and
 * how many /health requests, sent one after another while the upload was in flight, were answered.
 *
 *   npx tsx bench/hostile-uploads.ts                  # every case
 *   npx tsx bench/hostile-uploads.ts newlines xlsx    # some
 *   HOSTILE_HEAP_MB=96 npx tsx bench/hostile-uploads.ts   # the server with a small heap
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostileCsv, xlsxBomb } from '../test/support/hostile-files';
import { startServerProcess, testLogFile } from '../test/support/server-process';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Case {
  name: string;
  file: () => Promise<Buffer> | Buffer;
  type: string;
  route: 'upload' | 'delivery';
}

const CASES: Case[] = [
  { name: 'newlines', file: () => hostileCsv.newlines(), type: 'text/csv', route: 'upload' },
  { name: 'newlines-delivery', file: () => hostileCsv.newlines(), type: 'text/csv', route: 'delivery' },
  { name: 'huge-cell', file: () => hostileCsv.hugeCell(), type: 'text/csv', route: 'upload' },
  { name: 'separators', file: () => hostileCsv.separators(), type: 'text/csv', route: 'upload' },
  { name: 'tiny-cells', file: () => hostileCsv.tinyCells(), type: 'text/csv', route: 'upload' },
  { name: 'xlsx-1gb', file: () => xlsxBomb(), type: XLSX, route: 'upload' },
  { name: 'xlsx-1gb-lying', file: () => xlsxBomb({ lie: true }), type: XLSX, route: 'upload' },
  { name: 'xlsx-1gb-delivery', file: () => xlsxBomb({ lie: true }), type: XLSX, route: 'delivery' },
  { name: 'xlsx-120mb-noisy', file: () => xlsxBomb({ noisy: true, inflatedBytes: 120 * 1024 * 1024 }), type: XLSX, route: 'upload' },
  { name: 'xlsx-30mb', file: () => xlsxBomb({ inflatedBytes: 30 * 1024 * 1024 }), type: XLSX, route: 'upload' },
];

function hwmMb(pid: number | undefined): number {
  const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

async function signIn(url: string, login: string, password: string): Promise<{ token: string; orgId: number }> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
  const body = (await res.json()) as { token: string; user: { orgId: number } };
  return { token: body.token, orgId: body.user.orgId };
}

async function run(c: Case): Promise<string[]> {
  const file = await c.file();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
  const heap = process.env.HOSTILE_HEAP_MB;
  const server = await startServerProcess({ DATA_DIR: dir, LOG_FILE: testLogFile('bench-hostile'), ...(heap ? { NODE_OPTIONS: `--max-old-space-size=${heap}` } : {}) });
  try {
    const who = c.route === 'upload' ? await signIn(server.url, 'school', 'demo-school-2026') : await signIn(server.url, 'territory', 'demo-territory-2026');
    const p = c.route === 'upload' ? `/organisations/${who.orgId}/members/upload` : `/organisations/${who.orgId}/cards/delivery-import`;
    const before = hwmMb(server.child.pid);
    const t0 = performance.now();
    let done = false;
    const upload = fetch(`${server.url}/api/v1${p}`, { method: 'POST', headers: { Authorization: `Bearer ${who.token}`, 'Content-Type': c.type }, body: new Uint8Array(file) })
      .then(async (r) => ({ status: r.status, body: await r.text() }))
      .catch((e: Error) => ({ status: 0, body: e.message }))
      .finally(() => {
        done = true;
      });
    let health = 0;
    let healthFailed = 0;
    while (!done) {
      try {
        const h = await fetch(`${server.url}/api/v1/health`, { signal: AbortSignal.timeout(60_000) });
        if (h.ok) health++;
        else healthFailed++;
      } catch {
        healthFailed++;
        if (server.child.exitCode !== null || server.child.signalCode !== null) break;
      }
    }
    const res = await upload;
    const ms = performance.now() - t0;
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const peak = alive ? hwmMb(server.child.pid) : NaN;
    let code = '';
    try {
      code = ((JSON.parse(res.body) as { type?: string }).type ?? '').replace(/^.*\//, '');
    } catch {
      code = res.body.slice(0, 60);
    }
    return [c.name, `${(file.length / 1024 / 1024).toFixed(1)} MB`, `${res.status} ${code}`, `${(ms / 1000).toFixed(2)} s`, `${before} → ${alive ? peak : 'died'} MB`, `${health} ok / ${healthFailed} failed`];
  } finally {
    await server.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const cases = wanted.length ? CASES.filter((c) => wanted.some((w) => c.name.startsWith(w))) : CASES;
  const rows = [['case', 'file', 'answer', 'time', 'peak RSS (before → during)', '/health during']];
  for (const c of cases) {
    rows.push(await run(c));
    console.log(rows[rows.length - 1].join(' | '));
  }
  console.log(`\nHeap limit: ${process.env.HOSTILE_HEAP_MB ? `${process.env.HOSTILE_HEAP_MB} MB` : 'default'}`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
