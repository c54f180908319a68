/**
 * Online backup of the embedded SQLite database: `VACUUM INTO` writes a consistent snapshot while the
 * server keeps running (readers and the single writer are not blocked for long), and restore checks
 * the snapshot's integrity before putting it in place.
 */
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';

function open(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
}

function all<T>(db: sqlite3.Database, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
}

export function defaultBackupName(now = new Date()): string {
  return `registry-${now.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.sqlite`;
}

/** Snapshot `source` into `target` (which must not exist). Safe while the server writes. */
export async function backupSqlite(source: string, target: string): Promise<{ target: string; bytes: number }> {
  if (!fs.existsSync(source)) throw new Error(`Нет файла базы данных: ${source}`);
  if (fs.existsSync(target)) throw new Error(`Файл резервной копии уже существует: ${target}`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const db = await open(source, sqlite3.OPEN_READONLY);
  try {
    await run(db, 'PRAGMA busy_timeout = 30000');
    await run(db, 'VACUUM INTO ?', [target]);
  } finally {
    await close(db);
  }
  await integrityCheck(target);
  return { target, bytes: fs.statSync(target).size };
}

export async function integrityCheck(file: string): Promise<void> {
  const db = await open(file, sqlite3.OPEN_READONLY);
  try {
    const rows = await all<{ integrity_check: string }>(db, 'PRAGMA integrity_check');
    const verdict = rows.map((r) => r.integrity_check).join('; ');
    if (verdict !== 'ok') throw new Error(`Проверка целостности не пройдена: ${verdict}`);
    const fk = await all<unknown>(db, 'PRAGMA foreign_key_check');
    if (fk.length) throw new Error(`Нарушены внешние ключи: ${fk.length} строк`);
  } finally {
    await close(db);
  }
}

/**
 * Put a backup in place of the database. The server must be stopped: the current file (with its
 * -wal/-shm) is kept aside as `<name>.before-restore-<time>` so a mistaken restore can be undone.
 */
export async function restoreSqlite(backup: string, target: string): Promise<{ previous: string | null }> {
  await integrityCheck(backup);
  let previous: string | null = null;
  if (fs.existsSync(target)) {
    previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
    fs.renameSync(target, previous);
  }
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(target + suffix)) fs.renameSync(target + suffix, (previous ?? target) + suffix);
  }
  const tmp = `${target}.restoring`;
  fs.copyFileSync(backup, tmp);
  fs.renameSync(tmp, target);
  return { previous };
}
