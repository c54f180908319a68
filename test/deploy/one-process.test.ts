/**
 * `npm run serve` (and `npm start` after its build) exec into ONE node process serving the registry:
 * stopping npm stops the server. Before, npm ran `tsx server/main.ts`, whose own node child kept
 * serving after npm was stopped (issue 15). In production the systemd unit starts node itself
 * (deploy/systemd/registry@.service); this is the same process either way.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, testLogFile } from '../support/server-process';

const ROOT = path.resolve(__dirname, '../..');

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

test('SIGTERM to `npm run serve` stops the server: nothing keeps serving, exit code 0', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-serve-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Its own process group, so that whatever it leaves behind can be cleaned up by this test.
  const npm = spawn('npm', ['run', 'serve', '--silent'], {
    cwd: ROOT,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, PORT: String(port), DATA_DIR: dir, DATABASE_URL: '', DEMO: '1', SCRYPT_COST: '1024', LOG_FILE: testLogFile('serve'), PUBLIC_ORIGIN: '', TLS_CERT_FILE: '', TLS_KEY_FILE: '' },
  });
  try {
    const deadline = Date.now() + 60_000;
    while (!(await healthy(url))) {
      if (Date.now() > deadline || npm.exitCode !== null) throw new Error('npm run serve did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Give a left-behind child time to show itself: it would still answer.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await healthy(url)).toBe(false);
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // the group is gone: nothing left behind
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 90_000);
