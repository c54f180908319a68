/**
 * 10,000 members through the sheet: the number of context.sync() calls is fixed by the chunk plan
 * (constant + one per chunk) and no request or response goes over Excel on the web's 5 MB.
 */
import { MEMBER_COLUMNS, MEMBER_TABLE_NAME } from '../../domain/members/columns';
import type { SyncRowResult } from '../../domain/members/sync-contract';
import { BASELINE_CAPABILITIES, type ExcelCapabilities } from './capabilities';
import { createMemberSheet, markValidationErrors, readMemberRows, toSheetCell, writeMembersFromRegistry, writeSyncResults } from './member-sheet';
import { DEFAULT_CHUNK_LIMITS, PAYLOAD_CAP_BYTES } from './sheet-utils';
import { syntheticRegistryRows } from './test-data';
import { FakeExcel } from './test-fakes';

const ALL: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: true, comments: true };
const N = 10_000;

/** The registry's answer to a push of `sent`: every tenth row refused, the rest updated. */
function resultsOfPush(sent: SentRows): SyncRowResult[] {
  return sent.map((r, i) =>
    i % 10 === 0
      ? { row: r.row, outcome: 'error', errors: [{ field: 'snils', message: 'Неверная контрольная сумма СНИЛС: проверьте номер.' }] }
      : { row: r.row, outcome: 'updated', id: r.id ?? '', version: (r.version ?? 0) + 1 },
  );
}

function expectWithinCap(fake: FakeExcel): void {
  for (const s of fake.syncs) {
    expect(s.requestBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
    expect(s.responseBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
  }
  // what we plan for is half the cap; the fake adds the per-action envelope on top
  expect(fake.maxRequestBytes).toBeLessThanOrEqual(DEFAULT_CHUNK_LIMITS.maxBytes + 50_000);
}

type SentRows = Awaited<ReturnType<typeof readMemberRows>>['rows'];

/**
 * Each test builds the sheet it starts from on a fake of its own, so it passes alone (`-t`) and in any
 * order (`jest --randomize`). The counters are reset after the set-up: a test counts only its own syncs.
 */
async function emptySheet(): Promise<FakeExcel> {
  const fake = new FakeExcel();
  await createMemberSheet(fake.context);
  fake.resetCounters();
  return fake;
}

describe('10,000 rows', () => {
  const rows = syntheticRegistryRows(N, 42);

  /** The registry's rows written to the sheet (this also stores their fingerprints). */
  async function writtenSheet(): Promise<FakeExcel> {
    const fake = await emptySheet();
    await writeMembersFromRegistry(fake.context, rows, { caps: ALL });
    fake.resetCounters();
    return fake;
  }

  /** The written sheet read back in full: `sent` is what a push would send. */
  async function readSheet(): Promise<{ fake: FakeExcel; sent: SentRows }> {
    const fake = await writtenSheet();
    const { rows: sent } = await readMemberRows(fake.context);
    fake.resetCounters();
    return { fake, sent };
  }

  test('write: one sync to look at the table, then one per chunk', async () => {
    const fake = await emptySheet();
    const report = await writeMembersFromRegistry(fake.context, rows, { caps: ALL });
    expect(report.chunks).toBe(3);
    // the table, one page of old notes (none), then one per chunk
    expect(fake.syncCount).toBe(1 + 1 + report.chunks);
    expect(fake.syncCount).toBe(5);
    expect(report.syncs).toBe(fake.syncCount);
    expectWithinCap(fake);
    expect(fake.table(MEMBER_TABLE_NAME)?.bodyRowCount).toBe(N);
  });

  test('read: one sync to look at the table, then one per chunk; every row comes back as written', async () => {
    const fake = await writtenSheet();
    const read = await readMemberRows(fake.context);
    expect(fake.syncCount).toBe(5);
    expect(read.syncs).toBe(fake.syncCount);
    expectWithinCap(fake);
    expect(read.rows).toHaveLength(N);
    read.rows.forEach((r, i) => {
      expect(r.row).toBe(i + 2);
      expect(r.id).toBe(rows[i].id);
      expect(r.version).toBe(rows[i].version);
    });
    for (const i of [0, 1, 4_999, 5_000, 9_999]) {
      const expected = Object.fromEntries(
        MEMBER_COLUMNS.filter((c) => c.type !== 'id' && c.type !== 'version').map((c) => [c.key, toSheetCell(c, rows[i].cells[c.key])]),
      );
      expect(read.rows[i].values).toEqual(expected);
    }
  });

  test('read only changed: the stored fingerprints add a constant two syncs and skip every row', async () => {
    const fake = await writtenSheet();
    const read = await readMemberRows(fake.context, { onlyChanged: true });
    expect(read.rows).toEqual([]);
    expect(read.unchangedRows).toBe(N);
    expect(fake.syncCount).toBe(7);
    expectWithinCap(fake);
  });

  test('results of a push: constant syncs plus one per chunk, 1,000 errors marked', async () => {
    const { fake, sent } = await readSheet();
    const results = resultsOfPush(sent);
    const report = await writeSyncResults(fake.context, results, { caps: ALL, sent });
    expect(report).toMatchObject({ rows: N, errorCells: 1_000, notesAdded: 1_000, chunks: 2 });
    // table, one page of notes (none yet), «Результат» column, 2 chunks, fingerprints (find, read, write)
    expect(fake.syncCount).toBe(1 + 1 + 2 + report.chunks + 3); // «Результат»: a cautious first read, then the rest
    expect(report.syncs).toBe(fake.syncCount);
    expectWithinCap(fake);
    expect(fake.sheet(fake.table(MEMBER_TABLE_NAME)?.sheetName ?? '').notesCount()).toBe(1_000);
  });

  test('a local check over 10,000 rows: old notes found in one sync, marks in one sync per chunk', async () => {
    // the sheet after a push whose results marked every tenth row with an error note
    const { fake, sent } = await readSheet();
    await writeSyncResults(fake.context, resultsOfPush(sent), { caps: ALL, sent });
    fake.resetCounters();
    const errors = sent.filter((_, i) => i % 7 === 0).map((r) => ({ row: r.row, field: 'phone' as const, message: 'Телефон: 11 цифр.' }));
    const report = await markValidationErrors(fake.context, errors, { caps: ALL });
    expect(report).toMatchObject({ errorCells: errors.length, notesDeleted: 1_000 });
    // table, one page of 1,000 notes, their places, «Результат» column (a cautious first read, then the rest), chunks
    expect(fake.syncCount).toBe(5 + report.chunks);
    expectWithinCap(fake);
  });

  test('Excel without Table.resize (ExcelApi 1.8): still one sync per chunk', async () => {
    const old = new FakeExcel();
    await createMemberSheet(old.context);
    old.resetCounters();
    const report = await writeMembersFromRegistry(old.context, rows, { caps: BASELINE_CAPABILITIES });
    expect(old.syncCount).toBe(1 + report.chunks);
    expect(report.chunks).toBe(3);
    expectWithinCap(old);
    expect(old.table(MEMBER_TABLE_NAME)?.bodyRowCount).toBe(N);
    old.resetCounters();
    const read = await readMemberRows(old.context);
    expect(read.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
  });
});
