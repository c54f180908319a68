/**
 * `npm run create-admin -- --name "Фамилия Имя Отчество" [--login registry-admin] [--obligation-signed 2026-12-01]`
 * (in production: `node --import tsx scripts/create-admin.ts …` with the server's environment file):
 * the first central administrator of a server set up for real use. Prints the login and a one-time
 * password, which must be changed at the first sign-in. Reads the same environment as the server
 * (DATABASE_URL or DATA_DIR), migrating the database first if it is new.
 */
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db';
import { createLogger } from '../server/logger';
import { createFirstAdmin } from '../server/services/first-admin';
import { progressCounters } from '../server/services/progress/counters';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const fullName = arg('name');
  if (!fullName) {
    console.error('Укажите ФИО администратора: npm run create-admin -- --name "Фамилия Имя Отчество" [--login логин] [--obligation-signed ГГГГ-ММ-ДД]');
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger('warn', config.logFile);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const r = await createFirstAdmin({ db, config, log, now: () => new Date(), memberCounters: progressCounters }, { fullName, login: arg('login'), obligationSignedAt: arg('obligation-signed') });
    console.log(`Администратор создан${r.createdOrganisation ? ' (и центральная организация)' : ''}.`);
    console.log(`  логин:               ${r.login}`);
    console.log(`  одноразовый пароль:  ${r.oneTimePassword}`);
    console.log('При первом входе пароль нужно сменить. Пароль показан один раз — передайте его лично.');
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  console.error(`Администратор не создан: ${err.message}`);
  process.exit(1);
});
