/** `npm start`: open (and migrate) the database, seed the demo on first start, serve the API and the add-in. */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createApp } from './app';
import { loadConfig } from './config';
import { openDatabase } from './db';
import { sqlitePath } from './db/connection';
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
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 10 * 60_000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));

  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite ${sqlitePath(config)}`;
  console.log(`\nЕдиный реестр Профсоюза запущен: ${config.publicOrigin}`);
  console.log(`  База данных: ${where}`);
  console.log(`  Манифест надстройки Excel: ${config.publicOrigin}/manifest.xml`);
  console.log(`  Загрузка списка без Excel: ${config.publicOrigin}/upload.html`);
  console.log(`  API: ${config.publicOrigin}/api/v1 (описание: ${config.publicOrigin}/api/v1/openapi.json)`);
  if (demo?.seeded) {
    console.log('\nДемонстрационные учётные записи (только для демонстрационной базы):');
    for (const l of demo.logins) {
      console.log(`  ${l.login.padEnd(13)} пароль ${l.password.padEnd(24)} ${l.organisation}${l.obligationRecorded ? '' : ' (обязательство ещё не отмечено)'}`);
    }
  }
  console.log('');

  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down');
    stopHousekeeping();
    server.close(() => void db.close().then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  console.error('Сервер не запустился:', err.message);
  process.exit(1);
});
