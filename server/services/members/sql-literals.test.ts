import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { memberTransaction } from './member-tx';
import { exec, groups, inList, insertStatements, isoDate, isoTimestamp, lit, rows, tuple } from './sql-literals';

describe('SQL literals', () => {
  test('values become literals; quotes are doubled, NUL dropped, odd types refused', () => {
    expect(lit(null)).toBe('NULL');
    expect(lit(undefined)).toBe('NULL');
    expect(lit(42)).toBe('42');
    expect(lit(-1.5)).toBe('-1.5');
    expect(lit(true)).toBe('TRUE');
    expect(lit("O'Brien")).toBe("'O''Brien'");
    expect(lit("a\0b'")).toBe("'ab'''");
    expect(() => lit(Number.NaN)).toThrow();
    expect(() => lit(Infinity)).toThrow();
    expect(() => lit({} as unknown as string)).toThrow();
    expect(tuple(['a', 1, null])).toBe("('a',1,NULL)");
    expect(inList('x', [])).toBe('1=0');
    expect(inList('x', ['a', 'b'])).toBe("x IN ('a','b')");
  });

  test('multi-row statements are split into groups', () => {
    expect(groups([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    const sql = insertStatements('t', ['a', 'b'], [[1, 'x'], [2, 'y'], [3, 'z']], 2);
    expect(sql).toEqual(["INSERT INTO t (a, b) VALUES (1,'x'),(2,'y')", "INSERT INTO t (a, b) VALUES (3,'z')"]);
  });

  test('stored dates and timestamps read back as ISO', () => {
    expect(isoTimestamp('2026-11-26 09:00:00.000 +00:00')).toBe('2026-11-26T09:00:00.000Z');
    expect(isoTimestamp(new Date('2026-11-26T09:00:00Z'))).toBe('2026-11-26T09:00:00.000Z');
    expect(isoTimestamp('2026-11-26T12:00:00+03:00')).toBe('2026-11-26T09:00:00.000Z');
    expect(isoTimestamp(null)).toBeNull();
    expect(isoDate('2026-11-26')).toBe('2026-11-26');
  });
});

describe.each(dbVariants())('SQL literals on the database (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());

  test('hostile text round-trips unchanged through a multi-row insert (inside and outside a transaction)', async () => {
    const nasty = [
      "O'Brien",
      "'; DROP TABLE members; --",
      'back\\slash \\\' \\0',
      '$1 ? :name @x',
      'ёлка «кавычки» 🙂',
      "line\nbreak\ttab",
      "''",
    ];
    await memberTransaction(t.ctx, [t.demo.orgIds.school], async (tx) => {
      await exec(t.ctx.db, insertStatements('rate_limit_hits', ['key', 'hits', 'reset_ms'], nasty.map((s, i) => [`tx:${s}`, i, 0]))[0], tx);
    });
    await exec(t.ctx.db, insertStatements('rate_limit_hits', ['key', 'hits', 'reset_ms'], nasty.map((s, i) => [`plain:${s}`, i, 0]))[0]);
    const back = await rows<{ key: string; hits: number }>(t.ctx.db, "SELECT key, hits FROM rate_limit_hits WHERE key LIKE 'tx:%' OR key LIKE 'plain:%' ORDER BY hits, key");
    for (const prefix of ['tx:', 'plain:']) {
      expect(back.filter((r) => r.key.startsWith(prefix)).map((r) => r.key.slice(prefix.length)).sort()).toEqual([...nasty].sort());
    }
    expect(Number((await rows<{ n: number | string }>(t.ctx.db, 'SELECT COUNT(*) AS n FROM members'))[0].n)).toBeGreaterThan(0);
  });

  test('a failing statement inside a member transaction rolls the whole transaction back and names no values', async () => {
    await expect(
      memberTransaction(t.ctx, [t.demo.orgIds.school], async (tx) => {
        await exec(t.ctx.db, "INSERT INTO rate_limit_hits (key, hits, reset_ms) VALUES ('rollback-me', 1, 0)", tx);
        await exec(t.ctx.db, "INSERT INTO rate_limit_hits (key, hits, reset_ms) VALUES ('rollback-me', 2, 0)", tx);
      }),
    ).rejects.toMatchObject({ name: 'SequelizeUniqueConstraintError', message: 'unique constraint violated' });
    expect(await rows(t.ctx.db, "SELECT key FROM rate_limit_hits WHERE key = 'rollback-me'")).toEqual([]);
  });
});
