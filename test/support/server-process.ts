/**
 * The real server as a child process (`node --import tsx server/main.ts`, as `npm start` runs it), for
 * tests and benches that kill it, restart it on the same data, or run two of them on one PostgreSQL.
 *
 *   const s = await startServerProcess({ DATA_DIR: dir, LOG_FILE: testLogFile('kill') });
 *   await s.kill('SIGKILL');
 *   const again = await s.restart();            // same env, same port, same data
 *
 * Defaults: PORT a free port on 127.0.0.1, DEMO=1 and ALLOW_DEMO_LOGINS=1 (test databases hold invented
 * people only; on PostgreSQL the demo logins would otherwise be refused), SCRYPT_COST=1024, NODE_ENV=production, LOG_FILE
 * under artifacts/test-logs/ (read by the privacy check after `npm test`). Every child is killed when
 * the parent process exits, so an aborted test leaves no server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TEST_LOG_DIR = path.join(ROOT, 'artifacts/test-logs');

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A log file under artifacts/test-logs/ (the privacy check of `npm test` reads every file there). */
export function testLogFile(name: string): string {
  fs.mkdirSync(TEST_LOG_DIR, { recursive: true });
  return path.join(TEST_LOG_DIR, `${name}-${process.pid}.log`);
}

/** Resident memory of a process in MB (Linux /proc), 0 when it is gone. */
export function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  env: Record<string, string>;
  child: ChildProcess;
  /** Ends the process with the signal (default SIGKILL) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Kills this process if it still runs, then starts a new one with the same env and port. */
  restart(): Promise<ServerProcess>;
  /** The last lines the process printed (start-up banner, errors). */
  output(): string;
}

export interface StartOptions {
  port?: number;
  /** How long to wait for /api/v1/health (default 60 s). */
  startTimeoutMs?: number;
}

export async function startServerProcess(env: Record<string, string>, opts: StartOptions = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'production',
    DEMO: '1',
    ALLOW_DEMO_LOGINS: '1',
    SCRYPT_COST: '1024',
    LOG_LEVEL: 'info',
    LOG_FILE: testLogFile('server'),
    ...env,
    PORT: String(port),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...fullEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited with ${child.exitCode ?? child.signalCode}: ${output.slice(-2000)}`);
    try {
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in ${(opts.startTimeoutMs ?? 60_000) / 1000} s: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const kill = (signal: NodeJS.Signals = 'SIGKILL') =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    url,
    port,
    env: fullEnv,
    child,
    kill,
    async restart() {
      await kill('SIGKILL');
      return startServerProcess(env, { ...opts, port });
    },
    output: () => output,
  };
}
