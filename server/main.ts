/**
 * The server process: open (and migrate) the database, seed the demo on first start, serve the API
 * and the add-in. Run as one process — `node --import tsx server/main.ts` (systemd, deploy/) or
 * `npm start` / `npm run serve`, which exec into that same process, so a signal to npm reaches it.
 *
 * SIGTERM / SIGINT: stop taking connections, let the requests in flight (a push is one transaction
 * per chunk) finish and answer, close the database, exit 0. After SHUTDOWN_TIMEOUT_SECONDS the
 * remaining connections are cut and the exit code is 1 (a cut push is rolled back whole; the add-in
 * resends it with the same key).
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createApp } from './app';
import { banner } from './banner';
import { loadConfig } from './config';
import { openDatabase } from './db';
import { createLogger } from './logger';
import { seedDemo } from './services/demo-seed';
import { startHousekeeping } from './services/housekeeping';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, config.logFile);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = createApp({ config, db, log });
  const demo = config.demo ? await seedDemo(app.locals.ctx) : null;
  const stopHousekeeping = startHousekeeping(app.locals.ctx);

  const server =
    config.tlsCertFile && config.tlsKeyFile
      ? https.createServer({ cert: fs.readFileSync(config.tlsCertFile), key: fs.readFileSync(config.tlsKeyFile) }, app)
      : http.createServer(app);
  // Longer than nginx's keepalive_timeout towards the upstream (deploy/nginx), so nginx closes first.
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 10 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (config.host) server.listen(config.port, config.host, resolve);
    else server.listen(config.port, resolve);
  });

  console.log(banner(config, demo));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, waiting for requests in flight');
    stopHousekeeping();
    // Idle keep-alive connections close now and whenever a request in flight has been answered.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const timeout = setTimeout(() => {
      log.warn({ signal }, 'shutdown timeout: cutting the remaining connections');
      server.closeAllConnections();
      void db.close().finally(() => process.exit(1));
    }, config.shutdownTimeoutSeconds * 1000);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(timeout);
      db.close().then(
        () => {
          log.info({ signal }, 'stopped');
          process.exit(0);
        },
        (err: Error) => {
          log.error({ err: err.message }, 'database close failed');
          process.exit(1);
        },
      );
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  console.error('Сервер не запустился:', err.message);
  process.exit(1);
});
