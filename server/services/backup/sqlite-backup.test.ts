import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { QueryTypes } from 'sequelize';
import { openDatabase } from '../../db';
import { sqlitePath } from '../../db/connection';
import { openTestDb } from '../../../test/support/db';
import { restoreSqlite } from './sqlite-backup';

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');

async function counts(db: Awaited<ReturnType<typeof openDatabase>>) {
  const [row] = await db.sequelize.query<{ orgs: number; audits: number }>(
    "SELECT (SELECT COUNT(*) FROM organisations) AS orgs, (SELECT COUNT(*) FROM audit_log WHERE action = 'test.write') AS audits",
    { type: QueryTypes.SELECT },
  );
  return { orgs: Number(row.orgs), audits: Number(row.audits) };
}

test('npm run backup copies the SQLite database consistently while writes go on; restore brings it back', async () => {
  const t = await openTestDb('sqlite');
  try {
    const { db } = t;
    let stop = false;
    let written = 0;
    // Each write is one transaction of two rows: a consistent copy has them in pairs.
    const writer = (async () => {
      while (!stop) {
        await db.sequelize.transaction(async (transaction) => {
          const now = new Date();
          await db.sequelize.query(
            "INSERT INTO organisations (parent_id, kind, name, path, depth, status, created_at, updated_at) VALUES (NULL, 'central', 'x', :path, 0, 'active', :now, :now)",
            { replacements: { path: `/w${written}/`, now }, transaction },
          );
          await db.sequelize.query("INSERT INTO audit_log (at, action, entity) VALUES (:now, 'test.write', 'organisation')", { replacements: { now }, transaction });
        });
        written++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    while (written < 50) await new Promise((r) => setTimeout(r, 5));

    const backupFile = path.join(t.dataDir, 'backups', 'copy.sqlite');
    const out = await exec('npx', ['tsx', 'scripts/backup.ts', backupFile], { cwd: ROOT, env: { ...process.env, DATA_DIR: t.dataDir, DATABASE_URL: '' } });
    expect(out.stdout).toMatch(/Резервная копия сохранена/);
    const writtenAfterBackup = written;
    stop = true;
    await writer;

    const copy = await openDatabase({ databaseUrl: null, dataDir: path.dirname(backupFile), sqliteFile: 'copy.sqlite', migrate: false });
    const inCopy = await counts(copy);
    await copy.close();
    expect(inCopy.orgs).toBe(inCopy.audits); // no half-written transaction in the copy
    expect(inCopy.orgs).toBeGreaterThanOrEqual(50);
    expect(inCopy.orgs).toBeLessThanOrEqual(writtenAfterBackup);

    const live = await counts(db);
    expect(live.orgs).toBe(written);
    await db.close();

    const { previous } = await restoreSqlite(backupFile, sqlitePath({ dataDir: t.dataDir }));
    expect(previous && fs.existsSync(previous)).toBeTruthy();
    const restored = await openDatabase({ databaseUrl: null, dataDir: t.dataDir, migrate: false });
    expect(await counts(restored)).toEqual(inCopy);
    await restored.close();
  } finally {
    fs.rmSync(t.dataDir, { recursive: true, force: true });
  }
});

test('restore refuses a file that is not a healthy SQLite database and leaves the database alone', async () => {
  const t = await openTestDb('sqlite');
  try {
    await t.db.close();
    const bogus = path.join(t.dataDir, 'bogus.sqlite');
    fs.writeFileSync(bogus, 'not a database');
    const target = sqlitePath({ dataDir: t.dataDir });
    const before = fs.readFileSync(target);
    await expect(restoreSqlite(bogus, target)).rejects.toThrow();
    expect(fs.readFileSync(target).equals(before)).toBe(true);
  } finally {
    fs.rmSync(t.dataDir, { recursive: true, force: true });
  }
});
