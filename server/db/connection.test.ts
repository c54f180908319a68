/**
 * SQLite connections of transactions: Sequelize opens one per transaction; server/db/connection.ts
 * keeps a finished one open for the next transaction (its page cache stays warm). These tests pin
 * what must hold for that to be safe.
 */
import { QueryTypes, type Transaction } from 'sequelize';
import { openTestDb, type TestDb } from '../../test/support/db';

interface Handle {
  uuid?: string;
}

let t: TestDb;
let closedByTest = false;
beforeEach(async () => {
  closedByTest = false;
  t = await openTestDb('sqlite');
  await t.db.sequelize.query('CREATE TABLE reuse_probe (n INTEGER NOT NULL)');
});
afterEach(async () => {
  if (!closedByTest) await t.cleanup();
});

const connectionOf = (tx: Transaction) => (tx as unknown as { connection: Handle }).connection;
const count = async (transaction?: Transaction) =>
  Number((await t.db.sequelize.query<{ n: number }>('SELECT COUNT(*) AS n FROM reuse_probe', { type: QueryTypes.SELECT, transaction }))[0].n);

test('the next transaction gets the connection of the one before, with its settings', async () => {
  let first: Handle | null = null;
  await t.db.sequelize.transaction(async (tx) => {
    first = connectionOf(tx);
    await t.db.sequelize.query('INSERT INTO reuse_probe (n) VALUES (1)', { transaction: tx });
  });
  await t.db.sequelize.transaction(async (tx) => {
    expect(connectionOf(tx)).toBe(first);
    const [row] = await t.db.sequelize.query<Record<string, number>>('PRAGMA busy_timeout', { type: QueryTypes.SELECT, transaction: tx });
    expect(Number(Object.values(row)[0])).toBe(10000);
    expect(await count(tx)).toBe(1);
  });
});

test('a rolled-back transaction leaves its connection clean: the next one on it commits normally', async () => {
  let used: Handle | null = null;
  await expect(
    t.db.sequelize.transaction(async (tx) => {
      used = connectionOf(tx);
      await t.db.sequelize.query('INSERT INTO reuse_probe (n) VALUES (1)', { transaction: tx });
      throw new Error('refused');
    }),
  ).rejects.toThrow('refused');
  expect(await count()).toBe(0);
  await t.db.sequelize.transaction(async (tx) => {
    expect(connectionOf(tx)).toBe(used);
    await t.db.sequelize.query('INSERT INTO reuse_probe (n) VALUES (2)', { transaction: tx });
  });
  // Seen from the default connection: the second transaction's row was committed, the first one's was not.
  expect(await t.db.sequelize.query('SELECT n FROM reuse_probe', { type: QueryTypes.SELECT })).toEqual([{ n: 2 }]);
});

test('transactions at the same time get connections of their own; one stays open afterwards', async () => {
  const seen = new Set<Handle>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const open = [0, 1, 2].map(() =>
    t.db.sequelize.transaction({ type: 'DEFERRED' as never }, async (tx) => {
      seen.add(connectionOf(tx));
      await gate;
      await count(tx);
    }),
  );
  while (seen.size < 3) await new Promise((r) => setTimeout(r, 5));
  release();
  await Promise.all(open);
  expect(seen.size).toBe(3);
  const manager = t.db.sequelize.connectionManager as unknown as { connections: Record<string, Handle> };
  // Only the default connection is registered; the kept ones wait outside the map.
  expect(Object.keys(manager.connections)).toEqual(['default']);
  const reused = new Set<Handle>();
  for (let i = 0; i < 3; i++) await t.db.sequelize.transaction(async (tx) => void reused.add(connectionOf(tx)));
  expect(reused.size).toBe(1);
  expect(seen.has([...reused][0])).toBe(true);
});

test('closing the database closes the kept connections too', async () => {
  let kept: Handle | null = null;
  await t.db.sequelize.transaction(async (tx) => {
    kept = connectionOf(tx);
    await t.db.sequelize.query('INSERT INTO reuse_probe (n) VALUES (1)', { transaction: tx });
  });
  expect((kept as unknown as { open: boolean }).open).toBe(true);
  closedByTest = true;
  await t.cleanup();
  expect((kept as unknown as { open: boolean }).open).toBe(false);
});
