import { QueryTypes } from 'sequelize';
import { createMigrator } from './migrator';
import { dbVariants, openTestDb } from '../../test/support/db';

describe.each(dbVariants())('migrations (%s)', (variant) => {
  test('all migrations run up on an empty database, down to zero and up again', async () => {
    const t = await openTestDb(variant, { migrate: false });
    try {
      const migrator = createMigrator(t.db.sequelize);
      const pending = (await migrator.pending()).map((m) => m.name);
      expect(pending[0]).toBe('0001-foundation');
      expect(pending).toEqual([...pending].sort());
      await migrator.up();
      expect(await migrator.pending()).toEqual([]);
      const tables = (await t.db.sequelize.getQueryInterface().showAllTables()).map(String);
      expect(tables).toEqual(expect.arrayContaining(['organisations', 'passports', 'users', 'auth_tokens', 'audit_log', 'members', 'idempotency_keys', 'rate_limit_hits']));
      await migrator.down({ to: 0 });
      const after = (await t.db.sequelize.getQueryInterface().showAllTables()).map(String).filter((n) => n !== 'schema_migrations');
      expect(after).toEqual([]);
      await migrator.up();
      expect((await migrator.executed()).length).toBe(pending.length);
    } finally {
      await t.cleanup();
    }
  });

  test('a subtree is a range condition the path index serves', async () => {
    const t = await openTestDb(variant);
    try {
      const sql = "SELECT id FROM organisations WHERE path >= '/1/5/' AND path < '/1/50'";
      if (variant === 'sqlite') {
        const plan = await t.db.sequelize.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, { type: QueryTypes.SELECT });
        expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX organisations_path/);
      } else {
        await t.db.sequelize.query('SET enable_seqscan = off');
        const plan = await t.db.sequelize.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, { type: QueryTypes.SELECT });
        expect(plan.map((p) => p['QUERY PLAN']).join(' ')).toMatch(/organisations_path/);
      }
    } finally {
      await t.cleanup();
    }
  });
});

test('every SQLite connection, including a transaction\'s own, gets the busy timeout, synchronous = NORMAL, the page cache and the checkpoint interval', async () => {
  const t = await openTestDb('sqlite');
  try {
    const read = async (transaction?: import('sequelize').Transaction) => {
      const out: number[] = [];
      for (const pragma of ['busy_timeout', 'synchronous', 'cache_size', 'wal_autocheckpoint']) {
        const [row] = await t.db.sequelize.query<Record<string, number>>(`PRAGMA ${pragma}`, { type: QueryTypes.SELECT, transaction });
        out.push(Number(Object.values(row)[0]));
      }
      return out;
    };
    expect(await read()).toEqual([10000, 1, -8000, 10000]);
    expect(await t.db.sequelize.transaction((transaction) => read(transaction))).toEqual([10000, 1, -8000, 10000]);
  } finally {
    await t.cleanup();
  }
});
