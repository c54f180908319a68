import fc from 'fast-check';
import { QueryTypes } from 'sequelize';
import { dbVariants, openTestDb, type TestDb } from '../../../test/support/db';
import { bulkWriter, type BulkColumn, type VersionedTable } from './index';

/** What a string reads back as: NUL is dropped by both adapters (PostgreSQL text cannot hold it). */
const stored = (s: string) => s.replace(/\0/g, '');

const COLUMNS: readonly BulkColumn[] = [
  { name: 'id' },
  { name: 'v' },
  { name: 'w' },
  { name: 'n', type: 'integer' },
  { name: 'version', type: 'integer' },
  { name: 'at', type: 'timestamptz' },
];
const PROBE: VersionedTable = { table: 'bulk_probe', columns: COLUMNS, key: 'id', version: 'version', immutable: ['at'] };

/** Arbitrary text: any code point (astral, combining, controls, NUL), quotes, backslashes, SQL-looking fragments. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom("'", '"', '\\', '\0', ',', '{', '}', '(', ')', '$1', '::', ';', ' ', 'NULL', '\n', 'ё', '😀', '\u0301'), maxLength: 30 }),
  fc.constantFrom('', ' ', 'NULL', 'null', "''", '\\', '"', '{}', '{"a":1}', "'); DROP TABLE bulk_probe; --"),
);

describe.each(dbVariants())('bulk writer (%s)', (variant) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(variant);
    const ts = variant === 'postgres' ? 'TIMESTAMPTZ' : 'DATETIME';
    await t.db.sequelize.query(`CREATE TABLE bulk_probe (id VARCHAR(64) PRIMARY KEY, v TEXT, w TEXT, n INTEGER, version INTEGER NOT NULL, at ${ts})`);
  });
  afterAll(() => t.cleanup());

  const readBack = async () =>
    t.db.sequelize.query<{ id: string; v: string | null; w: string | null; n: number | null; version: number }>(
      'SELECT id, v, w, n, version FROM bulk_probe ORDER BY id',
      { type: QueryTypes.SELECT },
    );
  const clear = () => t.db.sequelize.query('DELETE FROM bulk_probe');

  test('arbitrary strings round-trip through insert and the versioned update (NUL dropped alike on both databases)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, fc.option(text), fc.option(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }))), { minLength: 1, maxLength: 30 }), fc.array(text, { minLength: 30, maxLength: 30 }), async (values, replacements) => {
        await clear();
        run++;
        const ids = values.map((_, i) => `r${run}-${String(i).padStart(3, '0')}`);
        const at = new Date(Date.UTC(2026, 11, 8, 1, 2, 3, 4)).toISOString();
        await t.db.sequelize.transaction(async (tx) => {
          const bulk = bulkWriter(t.db, tx);
          bulk.insert('bulk_probe', COLUMNS, values.map(([v, w, n], i) => [ids[i], v, w, n, 1, at]));
          await bulk.flush();
        });
        expect(await readBack()).toEqual(values.map(([v, w, n], i) => ({ id: ids[i], v: stored(v), w: w === null ? null : stored(w), n, version: 1 })));

        // every other row updated at the version it has; the rest at a stale version (left alone)
        const updated = await t.db.sequelize.transaction(async (tx) => {
          const bulk = bulkWriter(t.db, tx);
          const done = await bulk.updateVersioned(
            PROBE,
            values.map(([, w], i) => [ids[i], replacements[i], w, i, i % 2 ? 6 : 2, at]),
            values.map((_, i) => (i % 2 ? 5 : 1)),
          );
          await bulk.flush();
          return done;
        });
        expect([...updated].sort()).toEqual(ids.filter((_, i) => i % 2 === 0));
        expect(await readBack()).toEqual(
          values.map(([v, w, n], i) =>
            i % 2 === 0 ? { id: ids[i], v: stored(replacements[i]), w: w === null ? null : stored(w), n: i, version: 2 } : { id: ids[i], v: stored(v), w: w === null ? null : stored(w), n, version: 1 },
          ),
        );
      }),
      { numRuns: 40 },
    );
  });

  test('very long strings, one value shared by every row, a group larger than one statement, and deletes by key', async () => {
    await clear();
    const long = `${"'\\\"".repeat(100_000)}ё😀`;
    const count = 5_200; // more than one statement on either database
    const ids = Array.from({ length: count }, (_, i) => `k${String(i).padStart(5, '0')}`);
    const at = '2026-12-08T01:02:03.004Z';
    await t.db.sequelize.transaction(async (tx) => {
      const bulk = bulkWriter(t.db, tx);
      bulk.insert('bulk_probe', COLUMNS, ids.map((id, i) => [id, i === 7 ? long : 'same', "it's", i, 1, at]));
      expect([...(await bulk.existingVersions('bulk_probe', 'id', 'version', [ids[0], ids[1], 'missing'], [1, 2, 1]))]).toEqual([ids[0]]);
      bulk.deleteIn('bulk_probe', 'id', ids.slice(0, 10));
      await bulk.flush();
    });
    const back = await readBack();
    expect(back).toHaveLength(count - 10);
    expect(back.every((r, i) => r.w === "it's" && r.n === i + 10)).toBe(true);
    await clear();
    await t.db.sequelize.transaction(async (tx) => {
      const bulk = bulkWriter(t.db, tx);
      bulk.insert('bulk_probe', COLUMNS, [['long', long, long, null, 1, at]]);
      await bulk.flush();
    });
    expect(await readBack()).toEqual([{ id: 'long', v: long, w: long, n: null, version: 1 }]);
  });

  test('a failing statement rejects flush with the database error class and no value in the error; nothing after it runs', async () => {
    await clear();
    const secret = "Иванова 'secret' 123-456-789 01";
    const err = await t.db.sequelize
      .transaction(async (tx) => {
        const bulk = bulkWriter(t.db, tx);
        bulk.insert('bulk_probe', COLUMNS, [['dup', secret, null, 1, 1, null]]);
        bulk.insert('bulk_probe', COLUMNS, [['dup', secret, null, 2, 1, null]]);
        bulk.insert('bulk_probe', COLUMNS, [['after', secret, null, 3, 1, null]]);
        await bulk.flush();
      })
      .catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('SequelizeUniqueConstraintError');
    expect(JSON.stringify({ message: (err as Error).message, ...(err as object) })).not.toContain('secret');
    expect(await readBack()).toEqual([]);
  });

  if (variant === 'postgres') {
    test('on PostgreSQL no value is written into the SQL text: every value is a bound parameter', async () => {
      await clear();
      const marker = 'MARKER-ЁЖ-\'"\\-42';
      const spy = jest.spyOn(t.db.sequelize, 'query');
      try {
        await t.db.sequelize.transaction(async (tx) => {
          const bulk = bulkWriter(t.db, tx);
          bulk.insert('bulk_probe', COLUMNS, [[`${marker}1`, marker, marker, 424242, 1, '2026-12-08T00:00:00.000Z'], [`${marker}2`, marker, null, 424243, 1, null]]);
          await bulk.updateVersioned(PROBE, [[`${marker}1`, marker, marker, 424244, 2, null]], [1]);
          await bulk.existingVersions('bulk_probe', 'id', 'version', [`${marker}2`], [1]);
          bulk.deleteIn('bulk_probe', 'id', [`${marker}2`]);
          await bulk.flush();
        });
        const texts = spy.mock.calls.map((c) => String(c[0]));
        expect(texts.length).toBeGreaterThanOrEqual(4);
        for (const sql of texts) {
          expect(sql).not.toContain('MARKER');
          expect(sql).not.toContain('42424');
          expect(sql).not.toContain('2026-12-08');
        }
      } finally {
        spy.mockRestore();
      }
      expect(await readBack()).toEqual([{ id: `${marker}1`, v: marker, w: marker, n: 424244, version: 2 }]);
    });
  }
});
