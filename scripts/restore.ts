/** `npm run restore -- <backup file>`: put a backup in place of the SQLite database. Stop the server first. */
import path from 'node:path';
import { loadConfig } from '../server/config';
import { sqlitePath } from '../server/db/connection';
import { restoreSqlite } from '../server/services/backup/sqlite-backup';

async function main(): Promise<void> {
  const config = loadConfig();
  const file = process.argv[2];
  if (!file) {
    console.error('Укажите файл резервной копии: npm run restore -- data/backups/registry-….sqlite');
    process.exit(2);
  }
  if (config.databaseUrl) {
    console.error('DATABASE_URL указывает на PostgreSQL: используйте pg_restore или psql (см. README).');
    process.exit(2);
  }
  const { previous } = await restoreSqlite(path.resolve(file), sqlitePath(config));
  console.log(`База данных восстановлена из ${file}.${previous ? ` Прежний файл сохранён как ${previous}.` : ''}`);
}

main().catch((err: Error) => {
  console.error(`Восстановление не выполнено: ${err.message}`);
  process.exit(1);
});
