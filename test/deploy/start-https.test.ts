/**
 * `npm run start:https` (scripts/start-https.ts, after the build): a local trial over https with the
 * office-addin-dev-certs certificate for localhost — made on the first start (no trust store is
 * touched), reused on the next — and the manifest served with https://localhost:PORT (issue 14, item 4).
 * HOME points at a temporary folder, so the developer's own ~/.office-addin-dev-certs is not touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort, testLogFile } from '../support/server-process';

const ROOT = path.resolve(__dirname, '../..');

function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, servername: 'localhost' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('npm run start:https', () => {
  let home: string;
  let child: ChildProcess | undefined;
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-https-home-'));
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  async function start(port: number): Promise<string> {
    let out = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-https.ts'], {
      cwd: ROOT,
      env: { ...process.env, HOME: home, PORT: String(port), DATA_DIR: path.join(home, 'data'), DATABASE_URL: '', PUBLIC_ORIGIN: '', TLS_CERT_FILE: '', TLS_KEY_FILE: '', HOST: '', DEMO: '', ALLOW_DEMO_LOGINS: '', SCRYPT_COST: '1024', LOG_FILE: testLogFile('start-https') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/openapi\.json/.test(out)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`start:https did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return out;
  }

  async function stop(): Promise<void> {
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }

  test('makes the localhost certificate, serves https with the manifest, the demo on this computer only; reuses the certificate next time', async () => {
    const port = await freePort();
    try {
      const out = await start(port);
      const dir = path.join(home, '.office-addin-dev-certs');
      const cert = fs.readFileSync(path.join(dir, 'localhost.crt'));
      expect(out).toContain(`Сертификат для localhost: ${path.join(dir, 'localhost.crt')} (создан сейчас)`);
      expect(new X509Certificate(cert).subjectAltName).toMatch(/DNS:localhost/);
      expect(out).toContain(`Единый реестр Профсоюза запущен: https://localhost:${port}`);
      expect(out).toContain(`Манифест надстройки Excel: https://localhost:${port}/manifest.xml`);
      expect(out).toMatch(/Слушает: 127\.0\.0\.1/);
      expect(out).toContain('ЭТО ДЕМОНСТРАЦИЯ');
      // The development CA signed the localhost certificate: trusting the CA is enough.
      const ca = fs.readFileSync(path.join(dir, 'ca.crt'));
      const manifest = await get(`https://localhost:${port}/manifest.xml`, ca);
      expect(manifest.status).toBe(200);
      expect(manifest.body).toContain(`https://localhost:${port}/`);
      const login = await new Promise<number>((resolve, reject) => {
        const req = https.request(`https://localhost:${port}/api/v1/auth/login`, { method: 'POST', ca, headers: { 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(JSON.stringify({ login: 'school', password: 'demo-school-2026' }));
      });
      expect(login).toBe(200);
      await stop();

      const again = await start(port);
      expect(again).toContain(`Сертификат для localhost: ${path.join(dir, 'localhost.crt')}\n`);
      expect(fs.readFileSync(path.join(dir, 'localhost.crt')).equals(cert)).toBe(true);
    } finally {
      await stop();
    }
  }, 120_000);
});
