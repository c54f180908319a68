/**
 * `npm run backup [-- <file>]`: a consistent online copy of the SQLite database (the server may keep
 * running). For PostgreSQL (DATABASE_URL set) use pg_dump, see README.
 */
import path from 'node:path';
import { loadConfig } from '../server/config';
import { sqlitePath } from '../server/db/connection';
import { backupSqlite, defaultBackupName } from '../server/services/backup/sqlite-backup';

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl) {
    console.error('DATABASE_URL указывает на PostgreSQL: используйте pg_dump (см. README, раздел «Резервные копии»).');
    process.exit(2);
  }
  const target = path.resolve(process.argv[2] ?? path.join(config.dataDir, 'backups', defaultBackupName()));
  const { bytes } = await backupSqlite(sqlitePath(config), target);
  console.log(`Резервная копия сохранена: ${target} (${(bytes / 1024 / 1024).toFixed(1)} МБ), целостность проверена.`);
}

main().catch((err: Error) => {
  console.error(`Резервная копия не создана: ${err.message}`);
  process.exit(1);
});
