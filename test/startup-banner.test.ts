/**
 * `npm start` on a fresh data directory: the real server (a child process, as in test/trust/kill.test.ts)
 * prints where it is and the demo logins, and what it prints is usable — the printed URL answers and
 * every printed login and password signs in over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_LOGINS } from '../server/services/demo-seed';
import { startServerProcess, testLogFile, type ServerProcess } from './support/server-process';

/** The banner is printed right after listen(); wait until its last line has reached us. */
async function bannerOf(server: ServerProcess, done: (out: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!done(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return server.output();
}

describe('start-up banner on a fresh data directory', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-banner-'));
  });
  afterAll(async () => {
    await server?.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints the URL and the demo logins; each printed login and password signs in over HTTP', async () => {
    // DATABASE_URL empty: SQLite in the new directory even if the shell running the tests has one set.
    server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO: '1', LOG_FILE: testLogFile('banner') });
    const out = await bannerOf(server, (o) => o.includes('kindergarten') && /Демонстрационные учётные записи[\s\S]*\n\s*\n/.test(o));

    const url = /Единый реестр Профсоюза запущен: (\S+)/.exec(out)?.[1];
    expect(url).toBe(`http://localhost:${server.port}`);
    expect(out).toContain(`SQLite ${dataDir}`);
    expect(out).toContain(`${url}/manifest.xml`);
    expect(out).toContain(`${url}/api/v1/openapi.json`);
    // The printed address reaches this server.
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });

    const printed = [...out.matchAll(/^ {2}(\S+)\s+пароль (\S+)\s+(.+)$/gm)].map((m) => ({ login: m[1], password: m[2], organisation: m[3].trim() }));
    expect(printed.map((p) => p.login)).toEqual(DEMO_LOGINS.map((l) => l.login));
    expect(printed.find((p) => p.login === 'kindergarten')!.organisation).toMatch(/обязательство ещё не отмечено/);

    for (const p of printed) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: p.login, password: p.password }) });
      expect(`${p.login}: ${res.status}`).toBe(`${p.login}: 200`);
      const body = (await res.json()) as { token: string; user: { login: string } };
      expect(body.token).toMatch(/^[\w-]{40,}$/);
      const me = await fetch(`${url}/api/v1/me`, { headers: { Authorization: `Bearer ${body.token}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { login: string }).login).toBe(p.login);
    }
  });

  test('a restart on the same data prints the URL again but no passwords (the demo is seeded once)', async () => {
    server = await server!.restart();
    const out = await bannerOf(server, (o) => o.includes('/api/v1/openapi.json'));
    expect(out).toMatch(/Единый реестр Профсоюза запущен: http:\/\/localhost:\d+/);
    expect(out).not.toMatch(/Демонстрационные учётные записи|пароль/);
  });
});
