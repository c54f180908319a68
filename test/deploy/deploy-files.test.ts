/**
 * The shipped deploy/ files agree with the server and with each other: the environment file is a
 * configuration the server accepts (and the one the smoke test runs: no demo, one proxy, loopback),
 * the nginx body limit is above the server's own limits (so the server's Russian 413 is what a chair
 * sees), and the systemd unit runs the server as one node process under its own user.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config';

const ROOT = path.resolve(__dirname, '../..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, 'deploy', f), 'utf8');

/** KEY=value lines, as systemd's EnvironmentFile and `set -a; . file` read them (no quotes used). */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const mb = (v: string) => {
  const m = /^(\d+)([km]?)$/i.exec(v)!;
  return Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1 << 20 : m[2].toLowerCase() === 'k' ? 1 << 10 : 1);
};

test('deploy/registry.env is a configuration the server accepts: set up for real use, no demo, loopback, one proxy', () => {
  const env = envFile(read('registry.env'));
  const config = loadConfig({ ...env, PORT: '3001' });
  expect(config).toMatchObject({ demo: false, demoLoginsRefused: true, host: '127.0.0.1', trustProxy: 1, publicOrigin: 'https://reestr.example.ru', dataDir: '/var/lib/registry' });
  expect(config.databaseUrl).toMatch(/^postgres:\/\//);
});

test('nginx lets through a little more than the server accepts, and waits as long as a large push takes', () => {
  const site = read('nginx/registry.conf.template');
  const env = envFile(read('registry.env'));
  const config = loadConfig({ ...env, PORT: '3001' });
  const maxBody = mb(/client_max_body_size (\w+);/.exec(site)![1]);
  expect(maxBody).toBeGreaterThan(config.uploadLimitBytes);
  expect(maxBody).toBeGreaterThan(mb(config.bodyLimit.replace(/b$/i, '')));
  expect(maxBody - config.uploadLimitBytes).toBeLessThanOrEqual(2 << 20);
  expect(Number(/proxy_read_timeout (\d+)s;/.exec(site)![1])).toBeGreaterThanOrEqual(600);
  expect(site).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
  expect(site).not.toMatch(/\$proxy_add_x_forwarded_for/);
});

test('the systemd unit: one node process under its own user, restarted on failure, stop timeout above the server\'s own', () => {
  const unit = read('systemd/registry@.service');
  const env = envFile(read('registry.env'));
  expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node --import tsx server\/main\.ts$/m);
  expect(unit).not.toMatch(/^ExecStart=.*\bnpm\b/m);
  expect(unit).toMatch(/^User=registry$/m);
  expect(unit).toMatch(/^Restart=on-failure$/m);
  expect(unit).toMatch(/^StateDirectoryMode=0750$/m);
  expect(unit).toMatch(/^Environment=PORT=%i$/m);
  expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)![1])).toBeGreaterThan(Number(env.SHUTDOWN_TIMEOUT_SECONDS));
});

const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => fs.existsSync(p));

(SYSTEMD_ANALYZE ? test : test.skip)('systemd-analyze verify accepts the unit (as registry@3001.service)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-unit-'));
  try {
    const unit = path.join(dir, 'registry@3001.service');
    fs.copyFileSync(path.join(ROOT, 'deploy/systemd/registry@.service'), unit);
    const r = spawnSync(SYSTEMD_ANALYZE!, ['verify', '--man=no', unit], { encoding: 'utf8' });
    expect(`${r.status} ${r.stderr.trim()}`).toBe('0 ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
