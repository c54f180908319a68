/**
 * SIGKILL in the middle of a large push: every chunk is written whole or not at all; a retry of all
 * chunks with the same idempotency keys completes the list with no duplicates; the database file
 * passes SQLite's integrity check.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatSnils, snilsChecksum } from '../../domain/snils';
import { integrityCheck } from '../../server/services/backup/sqlite-backup';
import { createPgDatabase } from '../support/db';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { Client } from 'pg';

const CHUNKS = 12;
const PER_CHUNK = 500;
const SURNAMES = ['Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов'];
const NAMES = ['Алексей', 'Андрей', 'Дмитрий', 'Иван', 'Михаил', 'Николай', 'Павел', 'Сергей'];

function snilsFor(n: number): string {
  const body = String(2_000_000_00 + n).padStart(9, '0');
  return formatSnils(body + String(snilsChecksum(body)).padStart(2, '0'));
}

function chunk(i: number) {
  const rows = [];
  for (let j = 0; j < PER_CHUNK; j++) {
    const n = i * PER_CHUNK + j;
    const birth = new Date(Date.UTC(1960, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    rows.push({ row: n + 2, values: { surname: SURNAMES[n % 10], name: NAMES[n % 8], birthDate: birth, category: 'Работник', snils: snilsFor(n) } });
  }
  return { idempotencyKey: `kill-test-chunk-${i}`, rows };
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'school', password: 'demo-school-2026' }) });
  return ((await res.json()) as { token: string }).token;
}

async function push(url: string, token: string, orgId: number, body: object): Promise<{ status: number; created: number }> {
  const res = await fetch(`${url}/api/v1/organisations/${orgId}/members/sync`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { counts?: { created: number } };
  return { status: res.status, created: json.counts?.created ?? 0 };
}

test('a server killed mid-push loses nothing and duplicates nothing after the retry', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-kill-'));
  const logFile = path.resolve(__dirname, `../../artifacts/test-logs/kill-${process.pid}.log`);
  let server: ServerProcess | null = await startServerProcess({ DATA_DIR: dataDir, LOG_FILE: logFile });
  try {
    let token = await login(server.url);
    const me = (await (await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { orgId: number };
    const orgId = me.orgId;
    const bodies = Array.from({ length: CHUNKS }, (_, i) => chunk(i));

    // Push the first half, then kill the server while the next chunks are in flight.
    for (let i = 0; i < CHUNKS / 2; i++) expect((await push(server.url, token, orgId, bodies[i])).status).toBe(200);
    const inFlight = [push(server.url, token, orgId, bodies[CHUNKS / 2]), push(server.url, token, orgId, bodies[CHUNKS / 2 + 1])].map((p) => p.catch(() => null));
    await new Promise((r) => setTimeout(r, 40));
    await server.kill('SIGKILL');
    await Promise.all(inFlight);

    // Restart on the same data: each chunk is all there or not there at all.
    server = await startServerProcess({ DATA_DIR: dataDir, LOG_FILE: logFile });
    token = await login(server.url);
    const counts = await chunkCounts(server.url, token, orgId);
    for (let i = 0; i < CHUNKS; i++) expect([0, PER_CHUNK]).toContain(counts[i] ?? 0);
    for (let i = 0; i < CHUNKS / 2; i++) expect(counts[i]).toBe(PER_CHUNK);
    console.log(`kill test: ${Object.values(counts).filter((n) => n === PER_CHUNK).length} of ${CHUNKS} chunks were in the database after SIGKILL; none partly`);

    // Retry everything with the same keys: the list completes, nothing twice.
    for (const b of bodies) expect((await push(server.url, token, orgId, b)).status).toBe(200);
    const after = await chunkCounts(server.url, token, orgId);
    expect(Object.values(after).reduce((a, b) => a + b, 0)).toBe(CHUNKS * PER_CHUNK);
    for (let i = 0; i < CHUNKS; i++) expect(after[i]).toBe(PER_CHUNK);
    await server.kill('SIGTERM');
    server = null;
    await integrityCheck(path.join(dataDir, 'registry.sqlite'));
  } finally {
    await server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

/** Members per chunk, read back through the pull API (the СНИЛС says which chunk a member came from). */
async function chunkCounts(url: string, token: string, orgId: number): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const q: string = `limit=2000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(`${url}/api/v1/organisations/${orgId}/members?${q}`, { headers: { Authorization: `Bearer ${token}` } });
    const page = (await res.json()) as { members?: { data: { snils: string | null } }[]; items?: { data: { snils: string | null } }[]; nextCursor: string | null };
    for (const m of page.members ?? page.items ?? []) {
      const s = m.data.snils;
      if (!s) continue;
      expect(seen.has(s)).toBe(false);
      seen.add(s);
      const n = Number(s.slice(0, 9)) - 2_000_000_00;
      if (n >= 0) counts[Math.floor(n / PER_CHUNK)] = (counts[Math.floor(n / PER_CHUNK)] ?? 0) + 1;
    }
    cursor = page.nextCursor;
  } while (cursor);
  return counts;
}

const pgTest = process.env.TEST_PG_AVAILABLE === '1' ? test : test.skip;

pgTest('PostgreSQL connections dropped mid-push: a clear error, then the retry completes with no duplicates', async () => {
  const pg = await createPgDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-pgdrop-'));
  const logFile = path.resolve(__dirname, `../../artifacts/test-logs/pgdrop-${process.pid}.log`);
  const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: pg.url, LOG_FILE: logFile });
  const admin = new Client({ connectionString: process.env.TEST_PG_URL });
  await admin.connect();
  try {
    const token = await login(server.url);
    const me = (await (await fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as { orgId: number };
    const bodies = Array.from({ length: CHUNKS }, (_, i) => chunk(i));
    const dbName = new URL(pg.url).pathname.slice(1);
    const statuses: number[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const p = push(server.url, token, me.orgId, bodies[i]).catch(() => ({ status: 0, created: 0 }));
      if (i % 3 === 1) {
        await new Promise((r) => setTimeout(r, 15));
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
      }
      statuses.push((await p).status);
    }
    // Every answer is either a success or a clear "try again", never a 500.
    for (const s of statuses) expect([200, 503]).toContain(s);
    console.log(`connection-drop test: answers ${statuses.join(',')}`);
    for (const b of bodies) {
      let res = await push(server.url, token, me.orgId, b).catch(() => ({ status: 0, created: 0 }));
      for (let attempt = 0; res.status !== 200 && attempt < 5; attempt++) {
        await new Promise((r) => setTimeout(r, 300));
        res = await push(server.url, token, me.orgId, b).catch(() => ({ status: 0, created: 0 }));
      }
      expect(res.status).toBe(200);
    }
    const after = await chunkCounts(server.url, token, me.orgId);
    for (let i = 0; i < CHUNKS; i++) expect(after[i]).toBe(PER_CHUNK);
  } finally {
    await admin.end();
    await server.kill('SIGKILL');
    await pg.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
