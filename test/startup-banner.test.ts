/**
 * `npm start` on a fresh data directory: the real server (a child process, as in test/trust/kill.test.ts)
 * prints where it is and the demo logins, and what it prints is usable — the printed URL answers and
 * every printed login and password signs in over HTTP.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO_LOGINS } from '../server/services/demo-seed';
import { orderedSteps } from './support/ordered-steps';
import { startServerProcess, testLogFile, type ServerProcess } from './support/server-process';

/** The banner is printed right after listen(); wait until its last line has reached us. */
async function bannerOf(server: ServerProcess, done: (out: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (!done(server.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return server.output();
}

/** This machine's non-loopback IPv4 addresses (there may be none in a sandbox). */
function otherAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => Boolean(i && i.family === 'IPv4' && !i.internal))
    .map((i) => i.address);
}

function connects(host: string, port: number): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 2000 });
    s.once('connect', () => {
      s.destroy();
      resolve('open');
    });
    s.once('error', () => resolve('refused'));
    s.once('timeout', () => {
      s.destroy();
      resolve('refused');
    });
  });
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

  // The restart needs the first start's data directory and process: the two are steps in this order
  // (test/support/ordered-steps.ts), so either passes alone and in any order.
  const step = orderedSteps();

  step('prints the URL and the demo logins; each printed login and password signs in over HTTP', async () => {
    // DATABASE_URL empty: SQLite in the new directory even if the shell running the tests has one set.
    server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO: '1', LOG_FILE: testLogFile('banner') });
    const out = await bannerOf(server, (o) => o.includes('kindergarten') && /Демонстрационные учётные записи[\s\S]*\n\s*\n/.test(o));

    const url = /Единый реестр Профсоюза запущен: (\S+)/.exec(out)?.[1];
    expect(url).toBe(`http://localhost:${server.port}`);
    // Plainly a demo, and on this computer only.
    expect(out).toContain('ЭТО ДЕМОНСТРАЦИЯ, а не рабочий реестр');
    expect(out).toContain('Сервер доступен только с этого компьютера (127.0.0.1)');
    expect(out).toMatch(/Слушает: 127\.0\.0\.1, порт \d+/);
    // Office refuses http:// add-ins: the banner does not offer the manifest.
    expect(out).toMatch(/Манифест надстройки Excel: не выдаётся — Office принимает надстройки только по HTTPS/);
    expect(out).toContain(`SQLite ${dataDir}`);
    expect(out).toContain(`${url}/api/v1/openapi.json`);
    // The printed address reaches this server.
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'sqlite' });
    // …and nothing else: on this machine's other addresses the port is closed.
    for (const address of otherAddresses()) {
      expect(`${address}: ${await connects(address, server.port)}`).toBe(`${address}: refused`);
    }

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

  step('a restart on the same data prints the URL again but no passwords (the demo is seeded once)', async () => {
    server = await server!.restart();
    const out = await bannerOf(server, (o) => o.includes('/api/v1/openapi.json'));
    expect(out).toMatch(/Единый реестр Профсоюза запущен: http:\/\/localhost:\d+/);
    expect(out).not.toMatch(/Демонстрационные учётные записи|пароль/);
    expect(out).toContain('ЭТО ДЕМОНСТРАЦИЯ');
  });

  test('DEMO=ture (a typo) stops the server with the variable named, instead of meaning «no»', async () => {
    await expect(startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', DEMO: 'ture', LOG_FILE: testLogFile('banner') }, { startTimeoutMs: 20_000 })).rejects.toThrow(
      /Сервер не запустился: Неверная настройка в переменных окружения:\s+DEMO="ture": ожидается 1 или 0/,
    );
  });

  test('set up for real use (PUBLIC_ORIGIN): no demo passwords printed, and the demo logins are refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-banner-real-'));
    const real = await startServerProcess({ DATA_DIR: dir, DATABASE_URL: '', DEMO: '', ALLOW_DEMO_LOGINS: '', PUBLIC_ORIGIN: 'https://reestr.example.ru', HOST: '127.0.0.1', LOG_FILE: testLogFile('banner') });
    try {
      const out = await bannerOf(real, (o) => o.includes('/api/v1/openapi.json'));
      expect(out).toContain('Единый реестр Профсоюза запущен: https://reestr.example.ru');
      expect(out).not.toMatch(/ДЕМОНСТРАЦИЯ|пароль/);
      expect(out).toContain('Манифест надстройки Excel: https://reestr.example.ru/manifest.xml');
      const res = await fetch(`${real.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: 'demo-admin-2026' }) });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/Демонстрационные учётные записи на этом сервере отключены/);
    } finally {
      await real.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
