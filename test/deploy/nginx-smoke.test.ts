/**
 * The production set-up, tested (issue 15): Debian's nginx, configured from deploy/nginx/registry.conf.template
 * (rendered with this run's ports and paths, as README tells operators to render it with envsubst), with
 * a self-signed certificate made in the run by `openssl req -x509`, in front of TWO server processes on
 * one fresh PostgreSQL database, configured as deploy/registry.env says (no demo, TRUST_PROXY=1,
 * HOST=127.0.0.1). Everything goes through https, as a chair's Excel would:
 *   - http → https redirect; the manifest served with the https origin; the debug path blocked;
 *   - the first administrator from `scripts/create-admin.ts`; the demo logins refused;
 *   - sign in, set up a ППО and its chair, push 1,000 rows, print a consent and download it;
 *   - the sign-in rate limit counts the client's address (set by nginx), not nginx's, and not a forged
 *     X-Forwarded-For: clients bound to 127.0.0.2 and 127.0.0.3 are counted separately;
 *   - one process SIGKILLed mid-push: the client's retries (same idempotency keys) complete through
 *     nginx, and PostgreSQL holds every row once;
 *   - one process SIGTERMed mid-push: it finishes the pushes in flight, exits 0, nothing is lost.
 *
 * nginx runs as a plain process (`nginx -c <conf> -p <dir>`, `daemon off;`) on high ports on 127.0.0.1.
 * Without nginx this file is skipped with a message, unless CI or REQUIRE_NGINX is set (then it fails).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPgDatabase } from '../support/db';
import { orderedSteps } from '../support/ordered-steps';
import { freePort, startServerProcess, testLogFile, type ServerProcess } from '../support/server-process';
import { syntheticRow, type SheetRow } from '../trust/harness';
import { httpsClient, plainGet, type Answer, type HttpsClient } from './https-client';

const ROOT = path.resolve(__dirname, '../..');
const TEMPLATE = path.join(ROOT, 'deploy/nginx/registry.conf.template');
/** The variables README's envsubst line names; nothing else in the template is touched. */
export const NGINX_TEMPLATE_VARIABLES = ['SERVER_NAME', 'PUBLIC_ORIGIN', 'HTTPS_LISTEN', 'HTTP_LISTEN', 'TLS_CERT', 'TLS_KEY', 'UPSTREAM_A', 'UPSTREAM_B'] as const;

export function renderNginxSite(template: string, values: Record<(typeof NGINX_TEMPLATE_VARIABLES)[number], string>): string {
  let out = template;
  for (const name of NGINX_TEMPLATE_VARIABLES) out = out.replaceAll(`\${${name}}`, values[name]);
  // Comments may mention ${…}; directives may not keep a placeholder.
  const left = out.split('\n').filter((l) => !l.trim().startsWith('#') && /\$\{/.test(l));
  if (left.length) throw new Error(`placeholders left in the nginx site: ${left.join(' | ')}`);
  return out;
}

function findNginx(): string | null {
  for (const p of ['/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']) if (fs.existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const NGINX = findNginx();
const REQUIRED = process.env.CI === 'true' || process.env.CI === '1' || process.env.REQUIRE_NGINX === '1';
const PG = process.env.TEST_PG_AVAILABLE === '1';
if (!NGINX) {
  if (REQUIRED) throw new Error('nginx is not installed, but CI/REQUIRE_NGINX requires the deploy smoke test (apt-get install nginx)');
  console.warn('\n[tests] nginx is not installed: the deploy smoke test (test/deploy/nginx-smoke.test.ts) is skipped. Install it (apt-get install nginx) or set REQUIRE_NGINX=1 to make this an error.\n');
}
if (NGINX && !PG) console.warn('\n[tests] PostgreSQL is unreachable: the deploy smoke test is skipped.\n');

const RATE_LIMIT = 10;
const RETRYABLE = new Set([0, 502, 503, 504]);

function waitPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

(NGINX && PG ? describe : describe.skip)('production set-up: nginx (TLS) → two server processes → PostgreSQL', () => {
  let dir: string;
  let pg: { url: string; drop(): Promise<void> };
  let db: Client;
  let nginx: ChildProcess;
  let servers: ServerProcess[] = [];
  let logs: string[] = [];
  let base: string;
  let httpPort: number;
  let ca: Buffer;
  const clients: HttpsClient[] = [];
  let c1: HttpsClient;
  let adminToken: string;
  let chair: { token: string; orgId: number; login: string };

  const client = (localAddress: string) => {
    const c = httpsClient(base, { ca, localAddress });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-deploy-'));
    fs.chmodSync(dir, 0o755);
    // The certificate of this run: self-signed, for localhost.
    const cert = path.join(dir, 'tls.crt');
    const key = path.join(dir, 'tls.key');
    const ssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { encoding: 'utf8' });
    if (ssl.status !== 0) throw new Error(`openssl: ${ssl.stderr}`);
    ca = fs.readFileSync(cert);

    const httpsPort = await freePort();
    httpPort = await freePort();
    const [portA, portB] = [await freePort(), await freePort()];
    base = `https://localhost:${httpsPort}`;

    // A fresh PostgreSQL database; the first administrator made on the server's command line.
    pg = await createPgDatabase();
    db = new Client({ connectionString: pg.url });
    await db.connect();
    const env: Record<string, string> = {
      DATABASE_URL: pg.url,
      PUBLIC_ORIGIN: base,
      HOST: '127.0.0.1',
      TRUST_PROXY: '1',
      DEMO: '',
      ALLOW_DEMO_LOGINS: '',
      DATA_DIR: path.join(dir, 'data'),
      LOGIN_RATE_LIMIT: String(RATE_LIMIT),
      LOGIN_RATE_WINDOW_SECONDS: '600',
      SHUTDOWN_TIMEOUT_SECONDS: '30',
      SCRYPT_COST: '1024',
    };
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/create-admin.ts', '--name', 'Администратор Реестра', '--obligation-signed', '2026-01-10'], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_FILE: testLogFile('deploy-create-admin') },
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`create-admin: ${made.stderr}${made.stdout}`);
    const adminLogin = /логин:\s+(\S+)/.exec(made.stdout)![1];
    const oneTime = /одноразовый пароль:\s+(\S+)/.exec(made.stdout)![1];

    logs = [testLogFile('deploy-a'), testLogFile('deploy-b')];
    for (const l of logs) fs.rmSync(l, { force: true });
    servers = [
      await startServerProcess({ ...env, LOG_FILE: logs[0] }, { port: portA }),
      await startServerProcess({ ...env, LOG_FILE: logs[1] }, { port: portB }),
    ];

    // nginx from the shipped template, with this run's values.
    const site = renderNginxSite(fs.readFileSync(TEMPLATE, 'utf8'), {
      SERVER_NAME: 'localhost',
      PUBLIC_ORIGIN: base,
      HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
      HTTP_LISTEN: `127.0.0.1:${httpPort}`,
      TLS_CERT: cert,
      TLS_KEY: key,
      UPSTREAM_A: `127.0.0.1:${portA}`,
      UPSTREAM_B: `127.0.0.1:${portB}`,
    });
    fs.writeFileSync(path.join(dir, 'registry.conf'), site);
    const temp = path.join(dir, 'nginx-temp');
    fs.mkdirSync(temp, { mode: 0o777 });
    fs.chmodSync(temp, 0o777);
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${dir}/nginx.pid;`,
        `error_log ${dir}/nginx-error.log warn;`,
        'events { worker_connections 512; }',
        'http {',
        `  access_log ${dir}/nginx-access.log;`,
        `  client_body_temp_path ${temp}/body;`,
        `  proxy_temp_path ${temp}/proxy;`,
        `  fastcgi_temp_path ${temp}/fastcgi;`,
        `  uwsgi_temp_path ${temp}/uwsgi;`,
        `  scgi_temp_path ${temp}/scgi;`,
        `  include ${dir}/registry.conf;`,
        '}',
        '',
      ].join('\n'),
    );
    const check = spawnSync(NGINX!, ['-t', '-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'nginx-error.log')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx -t: ${check.stderr}`);
    nginx = spawn(NGINX!, ['-c', path.join(dir, 'nginx.conf'), '-p', dir, '-e', path.join(dir, 'nginx-error.log')], { stdio: ['ignore', 'inherit', 'inherit'] });
    await waitPort(httpsPort, 10_000);

    c1 = client('127.0.0.1');
    // The port answering is not yet nginx serving TLS in front of both processes (and a port taken by
    // someone else in between answers too): wait for a real health answer through it, and say why not.
    for (let tries = 0; ; tries++) {
      const health = await c1.request('GET', '/api/v1/health', null);
      if (health.status === 200) break;
      if (nginx.exitCode !== null || tries >= 40) {
        throw new Error(`nginx does not answer over https (${health.status} ${health.error ?? ''}): ${fs.readFileSync(path.join(dir, 'nginx-error.log'), 'utf8').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    // The first administrator changes the one-time password.
    const first = await c1.request('POST', '/api/v1/auth/login', null, { login: adminLogin, password: oneTime });
    expect(first.status).toBe(200);
    const changed = await c1.request('POST', '/api/v1/auth/password', first.json.token, { oldPassword: oneTime, newPassword: 'Администратор-2026-пароль' });
    expect(changed.status).toBeLessThan(300);
    adminToken = (changed.json?.token as string | undefined) ?? first.json.token;
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    if (nginx && nginx.exitCode === null) {
      const gone = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGQUIT');
      await gone;
    }
    for (const s of servers) await s.kill('SIGKILL');
    await db?.end();
    await pg?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** As the add-in does: a push that got no answer (502/503/504, a cut connection) is sent again with the same key. */
  async function pushWithRetry(c: HttpsClient, token: string, orgId: number, body: { idempotencyKey: string; rows: SheetRow[] }): Promise<{ answer: Answer; retries: number }> {
    // nginx skips a process for fail_timeout (10 s, deploy/nginx) after one failed connection: right
    // after one process was killed and restarted, stopping the other leaves no live upstream for up to
    // that long, and nginx answers 502. The client resends with the same key for longer than that.
    const deadline = Date.now() + 25_000;
    for (let attempt = 0; ; attempt++) {
      const answer = await c.request('POST', `/api/v1/organisations/${orgId}/members/sync`, token, body);
      if (!RETRYABLE.has(answer.status) || Date.now() > deadline) return { answer, retries: attempt };
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function countRows(orgId: number): Promise<{ total: number; distinct: number }> {
    const { rows } = await db.query('SELECT COUNT(*) AS total, COUNT(DISTINCT (surname, name, birth_date)) AS distinct FROM members WHERE primary_org_id = $1 AND deregistered_at IS NULL', [orgId]);
    return { total: Number(rows[0].total), distinct: Number(rows[0].distinct) };
  }

  // The tests are steps on one set-up, in the order written: the chair made in «sign in, set up a ППО…»
  // pushes in the later ones, and the last ones kill server processes. Each test runs the steps up to its
  // own once (test/support/ordered-steps.ts), so it passes alone and in any order.
  const step = orderedSteps();

  /** `chunks` chunks of 50 rows pushed by `parallel` streams; `during` runs once the first chunk is answered. */
  async function pushMany(orgId: number, salt: number, chunks: number, parallel: number, during: () => Promise<void>): Promise<{ statuses: number[]; retries: number }> {
    const bodies = Array.from({ length: chunks }, (_, k) => ({
      idempotencyKey: `deploy-${salt}-${k}`,
      rows: Array.from({ length: 50 }, (_, j) => syntheticRow(k * 50 + j, { salt, noSnilsEvery: 4 })),
    }));
    let next = 0;
    let retries = 0;
    const statuses: number[] = [];
    let fired: Promise<void> | null = null;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const r = await pushWithRetry(c1, chair.token, orgId, body);
          retries += r.retries;
          statuses.push(r.answer.status);
          fired ??= during();
        }
      }),
    );
    await fired;
    return { statuses, retries };
  }

  step('plain http redirects to https; the manifest is served with the https origin; the debug path is closed', async () => {
    const r = await plainGet(`http://127.0.0.1:${httpPort}/manifest.xml?x=1`);
    expect(r.status).toBe(301);
    expect(r.location).toBe(`${base}/manifest.xml?x=1`);
    const manifest = await c1.request('GET', '/manifest.xml', null);
    expect(manifest.status).toBe(200);
    expect(manifest.body.toString()).toContain(`${base}/`);
    expect(manifest.headers['strict-transport-security']).toBeDefined();
    expect((await c1.request('GET', '/_debug/heap', null)).status).toBe(404);
    const health = await c1.request('GET', '/api/v1/health', null);
    expect(health.json).toEqual({ status: 'ok', database: 'postgres' });
    // The access log keeps the path, never the query (a page cursor carries a member's name).
    const marker = `probe-${process.pid}-${Date.now()}`;
    expect((await c1.request('GET', `/api/v1/health?cursor=${marker}`, null)).status).toBe(200);
    const accessLog = fs.readFileSync('/var/log/nginx/registry.access.log', 'utf8');
    expect(accessLog).toContain('"GET /api/v1/health HTTP/');
    expect(accessLog).not.toContain(marker);
  });

  step('a body over nginx\'s client_max_body_size (21m) is refused by nginx at the headers, before any server sees it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(`${base}/api/v1/organisations/1/members/upload`, {
        method: 'POST',
        ca,
        headers: { 'Content-Type': 'text/csv', 'Content-Length': String(22 * 1024 * 1024) },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('фамилия;имя\n');
    });
    expect(status).toBe(413);
    const seen = logs.map((l) => (fs.existsSync(l) ? fs.readFileSync(l, 'utf8') : '')).join('');
    expect(seen).not.toMatch(/members\/upload/);
  });

  step('the demo logins printed in the README do not open this server', async () => {
    const r = await c1.request('POST', '/api/v1/auth/login', null, { login: 'admin', password: 'demo-admin-2026' });
    expect(r.status).toBe(403);
    expect(r.json.detail).toMatch(/Демонстрационные учётные записи на этом сервере отключены/);
  });

  step('sign in, set up a ППО and its chair, push 1,000 rows, print a consent and download it', async () => {
    const me = await c1.request('GET', '/api/v1/me', adminToken);
    const region = await c1.request('POST', `/api/v1/organisations/${me.json.orgId}/children`, adminToken, { kind: 'regional', name: 'Региональная организация проверки' });
    expect(region.status).toBe(201);
    const district = await c1.request('POST', `/api/v1/organisations/${region.json.id}/children`, adminToken, { kind: 'territorial', name: 'Районная организация проверки' });
    const school = await c1.request('POST', `/api/v1/organisations/${district.json.id}/children`, adminToken, { kind: 'primary', name: 'ППО школы проверки развёртывания' });
    expect(school.status).toBe(201);
    const cred = await c1.request('POST', `/api/v1/organisations/${school.json.id}/accounts`, adminToken, { fullName: 'Председатель Проверочный' });
    expect(cred.status).toBeLessThan(300);
    expect((await c1.request('POST', `/api/v1/accounts/${cred.json.account.id}/obligation`, adminToken, { signedAt: '2026-01-10' })).status).toBeLessThan(300);
    const first = await c1.request('POST', '/api/v1/auth/login', null, { login: cred.json.account.login, password: cred.json.oneTimePassword });
    expect(first.status).toBe(200);
    const changed = await c1.request('POST', '/api/v1/auth/password', first.json.token, { oldPassword: cred.json.oneTimePassword, newPassword: 'Председатель-2026-пароль' });
    expect(changed.status).toBeLessThan(300);
    chair = { token: (changed.json?.token as string | undefined) ?? first.json.token, orgId: school.json.id, login: cred.json.account.login };

    const rows = Array.from({ length: 1000 }, (_, j) => syntheticRow(j, { noSnilsEvery: 4 }));
    for (let k = 0; k < 10; k++) {
      const r = await c1.request('POST', `/api/v1/organisations/${chair.orgId}/members/sync`, chair.token, { idempotencyKey: `deploy-first-${k}`, rows: rows.slice(k * 100, (k + 1) * 100) });
      expect(r.status).toBe(200);
      expect((r.json.rows as { outcome: string }[]).every((x) => x.outcome === 'created')).toBe(true);
    }
    expect(await countRows(chair.orgId)).toEqual({ total: 1000, distinct: 1000 });

    // A consent names each operator with its address: the ППО's passport, the superiors' details.
    const passport = await c1.request('PUT', `/api/v1/organisations/${chair.orgId}/passport`, chair.token, { data: { unionName: 'Первичная профсоюзная организация школы проверки', legalAddress: '420000, г. Проверочный, ул. Школьная, д. 1' } });
    expect(passport.status).toBe(200);
    for (const orgId of [district.json.id, region.json.id, me.json.orgId]) {
      expect((await c1.request('PUT', `/api/v1/organisations/${orgId}/documents/details`, adminToken, { legalAddress: `420000, г. Проверочный, д. ${orgId}` })).status).toBe(200);
    }
    const page = await c1.request('GET', `/api/v1/organisations/${chair.orgId}/members?limit=3`, chair.token);
    expect(page.status).toBe(200);
    const ids = (page.json.items as { id: string }[]).map((m) => m.id);
    const printed = await c1.request('POST', `/api/v1/organisations/${chair.orgId}/documents/consents`, chair.token, { memberIds: ids, kinds: ['union'], format: 'docx' });
    expect(`${printed.status} ${printed.status === 201 ? '' : JSON.stringify(printed.json)}`).toBe('201 ');
    expect(printed.json.consents).toBe(3);
    const file = await c1.request('GET', new URL(printed.json.downloadUrl, base).pathname, null);
    expect(file.status).toBe(200);
    expect(file.body.subarray(0, 2).toString()).toBe('PK');
    expect(file.body.length).toBeGreaterThan(5000);
  }, 120_000);

  step('the sign-in rate limit counts each client address (set by nginx), not nginx, and ignores a forged X-Forwarded-For', async () => {
    const forged = { 'X-Forwarded-For': '203.0.113.7' };
    const a = client('127.0.0.2');
    const b = client('127.0.0.3');
    const statusesA: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i++) statusesA.push((await a.request('POST', '/api/v1/auth/login', null, { login: 'nobody-here', password: 'x' }, forged)).status);
    expect(statusesA.slice(0, RATE_LIMIT).every((s) => s === 401)).toBe(true);
    expect(statusesA.slice(RATE_LIMIT)).toEqual([429, 429]);
    // Another client, the same forged header, the same nginx in between: its own count.
    const fromB = await b.request('POST', '/api/v1/auth/login', null, { login: 'nobody-here', password: 'x' }, forged);
    expect(fromB.status).toBe(401);
    // And the chair on 127.0.0.1 still signs in.
    expect((await c1.request('POST', '/api/v1/auth/login', null, { login: chair.login, password: 'Председатель-2026-пароль' })).status).toBe(200);
    // The servers saw the clients' addresses: the rate-limit keys in the shared database name them, not nginx's alone.
    const { rows } = await db.query<{ key: string }>("SELECT key FROM rate_limit_hits WHERE key LIKE 'login:%'");
    const keys = rows.map((r) => r.key).sort();
    expect(keys).toEqual(expect.arrayContaining(['login:127.0.0.2', 'login:127.0.0.3', 'login:127.0.0.1']));
    expect(keys.join(' ')).not.toContain('203.0.113.7');
  });

  step('one process SIGKILLed mid-push: the retries through nginx complete, and PostgreSQL holds every row once', async () => {
    const before = await countRows(chair.orgId);
    const { statuses, retries } = await pushMany(chair.orgId, 5000, 20, 8, async () => {
      await servers[1].kill('SIGKILL');
    });
    expect(statuses).toEqual(Array(20).fill(200));
    // The kill cut pushes in flight (their clients got 502 and sent them again).
    expect(retries).toBeGreaterThan(0);
    expect(await countRows(chair.orgId)).toEqual({ total: before.total + 1000, distinct: before.distinct + 1000 });
    servers[1] = await servers[1].restart();
  }, 120_000);

  step('one process SIGTERMed mid-push: it finishes the pushes in flight, closes the database and exits 0; nothing is lost', async () => {
    const before = await countRows(chair.orgId);
    const victim = servers[0];
    let exit: { code: number | null; signal: string | null } | null = null;
    const { statuses } = await pushMany(chair.orgId, 9000, 20, 8, async () => {
      const gone = new Promise<void>((resolve) =>
        victim.child.once('exit', (code, signal) => {
          exit = { code, signal };
          resolve();
        }),
      );
      victim.child.kill('SIGTERM');
      await gone;
    });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(statuses).toEqual(Array(20).fill(200));
    expect(await countRows(chair.orgId)).toEqual({ total: before.total + 1000, distinct: before.distinct + 1000 });
    // Its log: pushes answered 200 after the stop began (they were in flight), then «stopped».
    const lines = fs.readFileSync(logs[0], 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; route?: string; status?: number });
    const stopAt = lines.findIndex((l) => /shutting down/.test(l.msg));
    expect(stopAt).toBeGreaterThan(-1);
    const after = lines.slice(stopAt);
    expect(after.filter((l) => l.msg === 'request' && /members\/sync/.test(l.route ?? '') && l.status === 200).length).toBeGreaterThan(0);
    expect(after.at(-1)!.msg).toBe('stopped');
  }, 120_000);
});
