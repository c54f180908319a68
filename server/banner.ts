/** The start-up banner: where the server is, which database, and plainly whether this is a demo. */
import { servesHttps, type Config } from './config';
import { sqlitePath } from './db/connection';
import type { DemoSeedResult } from './services/demo-seed';

/** What the operator reads at start-up: where, which database, and plainly whether this is a demo. */
export function banner(config: Config, demo: DemoSeedResult | null): string {
  const where = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite ${sqlitePath(config)}`;
  const lines = [
    '',
    `Единый реестр Профсоюза запущен: ${config.publicOrigin}`,
    `  База данных: ${where}`,
    `  Слушает: ${config.host ?? 'все сетевые адреса'}, порт ${config.port}`,
  ];
  if (servesHttps(config)) lines.push(`  Манифест надстройки Excel: ${config.publicOrigin}/manifest.xml`);
  else lines.push(`  Манифест надстройки Excel: не выдаётся — Office принимает надстройки только по HTTPS (npm run start:https для пробы, README — для рабочего сервера)`);
  lines.push(`  Загрузка списка без Excel: ${config.publicOrigin}/upload.html`);
  lines.push(`  API: ${config.publicOrigin}/api/v1 (описание: ${config.publicOrigin}/api/v1/openapi.json)`);
  if (config.demo) {
    lines.push(
      '',
      'ЭТО ДЕМОНСТРАЦИЯ, а не рабочий реестр: вымышленные организации и люди, пароли напечатаны здесь и в README.',
      config.host === '127.0.0.1' || config.host === 'localhost' || config.host === '::1'
        ? '  Сервер доступен только с этого компьютера (127.0.0.1). Для настоящей работы — раздел README «Рабочий сервер» (папка deploy/).'
        : `  ВНИМАНИЕ: демонстрация открыта для сети (HOST=${config.host}) — любой, кто знает пароли из README, войдёт.`,
    );
    if (config.demoLoginsRefused) lines.push('  Сервер настроен для настоящей работы (PUBLIC_ORIGIN, HTTPS или DATABASE_URL): демонстрационные учётные записи не впускаются.');
  }
  if (demo?.seeded && !config.demoLoginsRefused) {
    lines.push('', 'Демонстрационные учётные записи (только для демонстрационной базы):');
    for (const l of demo.logins) {
      lines.push(`  ${l.login.padEnd(13)} пароль ${l.password.padEnd(24)} ${l.organisation}${l.obligationRecorded ? '' : ' (обязательство ещё не отмечено)'}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

