/**
 * Issue 15, hole 1: a hostile upload must cost bounded memory. The real server runs as a child
 * process with a 96 MB JavaScript heap (`--max-old-space-size=96`); before the fix, 20 MB of line
 * breaks made the CSV reader build 20 million records (4.3 GB, the process died of a small heap).
 * Every hostile file must get its 4xx problem+json naming the cap it exceeded, the process must live
 * on, and /health — asked while the upload is in flight — must answer. No wall-clock asserts: the
 * proof is that a 96 MB heap is enough (an unbounded reader dies of "heap out of memory").
 * Timings and peak memory: bench/hostile-uploads.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostileCsv, xlsxBomb } from './support/hostile-files';
import { startServerProcess, testLogFile, type ServerProcess } from './support/server-process';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

jest.setTimeout(180_000);

describe('hostile uploads against a server with a 96 MB heap', () => {
  let dataDir: string;
  let server: ServerProcess;
  const who: Record<'school' | 'territory', { token: string; orgId: number }> = {} as never;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-hostile-'));
    server = await startServerProcess(
      { DATA_DIR: dataDir, DATABASE_URL: '', DEMO: '1', LOG_FILE: testLogFile('hostile'), NODE_OPTIONS: '--max-old-space-size=96' },
      { startTimeoutMs: 120_000 },
    );
    for (const [login, password] of [['school', 'demo-school-2026'], ['territory', 'demo-territory-2026']] as const) {
      const res = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }) });
      const body = (await res.json()) as { token: string; user: { orgId: number } };
      who[login] = { token: body.token, orgId: body.user.orgId };
    }
  });

  afterAll(async () => {
    await server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends the file; while it is in flight, asks /health once (sent after the upload has started). */
  async function hostile(route: 'upload' | 'delivery', file: Buffer, type: string) {
    const w = route === 'upload' ? who.school : who.territory;
    const p = route === 'upload' ? `/organisations/${w.orgId}/members/upload` : `/organisations/${w.orgId}/cards/delivery-import`;
    const upload = fetch(`${server.url}/api/v1${p}`, { method: 'POST', headers: { Authorization: `Bearer ${w.token}`, 'Content-Type': type }, body: new Uint8Array(file) }).then(async (r) => {
      return { status: r.status, type: r.headers.get('content-type'), body: (await r.json()) as { type: string; detail: string } };
    });
    const health = fetch(`${server.url}/api/v1/health`).then((r) => ({ status: r.status }));
    const [u, h] = await Promise.all([upload, health]);
    // The process survived the upload and still serves.
    expect(server.child.exitCode).toBeNull();
    expect(h.status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(200);
    return { status: u.status, code: u.body.type.replace(/^.*\//, ''), detail: u.body.detail, contentType: u.type };
  }

  test('20 MB of line breaks: 413 naming the row cap (blank lines counted), to the member upload and to the delivery import', async () => {
    const a = await hostile('upload', hostileCsv.newlines(), 'text/csv');
    expect(a).toMatchObject({ status: 413, code: 'upload_too_many_rows', contentType: expect.stringContaining('application/problem+json') });
    expect(a.detail).toMatch(/^В файле больше 60\s000 строк \(пустые строки тоже считаются\)/);
    const b = await hostile('delivery', hostileCsv.newlines(), 'text/csv');
    expect(b).toMatchObject({ status: 413, code: 'delivery_too_large' });
    expect(b.detail).toMatch(/^В файле больше 60\s000 строк/);
  });

  test('one 20 MB cell: 422 naming the cell length cap and its line', async () => {
    const a = await hostile('upload', hostileCsv.hugeCell(), 'text/csv');
    expect(a).toMatchObject({ status: 422, code: 'upload_cell_too_long' });
    expect(a.detail).toMatch(/^В строке 2 файла поле длиннее 32\s767 знаков/);
    expect(await hostile('delivery', hostileCsv.hugeCell(), 'text/csv')).toMatchObject({ status: 422, code: 'delivery_too_large' });
  });

  test('20 million «;» in one line: 422 naming the column cap; millions of tiny cells: 413 naming the cell cap', async () => {
    const a = await hostile('upload', hostileCsv.separators(), 'text/csv');
    expect(a).toMatchObject({ status: 422, code: 'upload_too_many_columns' });
    expect(a.detail).toMatch(/^В строке 1 файла больше 16\s384 полей/);
    const b = await hostile('upload', hostileCsv.tinyCells(), 'text/csv');
    expect(b).toMatchObject({ status: 413, code: 'upload_too_many_rows' });
    expect(b.detail).toMatch(/^В файле больше 1\s000\s000 заполненных полей/);
  });

  test('an .xlsx whose sheet inflates to 1 GB, with true or lying ZIP headers: 413 before it is unpacked', async () => {
    for (const lie of [false, true]) {
      const bomb = await xlsxBomb({ lie });
      const a = await hostile('upload', bomb, XLSX);
      expect(a).toMatchObject({ status: 413, code: 'upload_unpacks_too_large' });
      expect(a.detail).toMatch(/распаковывается в слишком большой объём/);
      expect(await hostile('delivery', bomb, XLSX)).toMatchObject({ status: 413, code: 'upload_unpacks_too_large' });
    }
  });

  test('an .xlsx that unpacks to 120 MB under the ZIP ratio cap, and one of 30 MB of rows: 413 naming the row cap, counted while unpacking', async () => {
    for (const bomb of [await xlsxBomb({ noisy: true, inflatedBytes: 120 * 1024 * 1024 }), await xlsxBomb({ inflatedBytes: 30 * 1024 * 1024 })]) {
      const a = await hostile('upload', bomb, XLSX);
      expect(a).toMatchObject({ status: 413, code: 'upload_too_many_rows' });
      expect(a.detail).toMatch(/слишком много строк/);
      expect(await hostile('delivery', bomb, XLSX)).toMatchObject({ status: 413, code: 'upload_too_many_rows' });
    }
  });
});
