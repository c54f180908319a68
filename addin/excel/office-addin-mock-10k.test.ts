/**
 * 10,000 members through the sheet on Microsoft's office-addin-mock (an `OfficeMockObject` context
 * built from data, see office-addin-mock-host.ts) instead of our own FakeExcel: the same real code
 * paths, the same exact context.sync() counts as member-sheet-10k.test.ts (constant + one per chunk),
 * and the rows come back as they were written.
 */
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, MEMBER_TABLE_NAME, RESULT_HEADER } from '../../domain/members/columns';
import type { SyncRowResult } from '../../domain/members/sync-contract';
import { BASELINE_CAPABILITIES, type ExcelCapabilities } from './capabilities';
import { STORE_SHEET_NAME } from './fingerprint-store';
import { LISTS_SHEET_NAME } from './lists';
import { ERROR_FILL, MARK_PREFIX } from './marks';
import { createMemberSheet, markValidationErrors, readMemberRows, toSheetCell, writeMembersFromRegistry, writeSyncResults, type MemberSheetRow } from './member-sheet';
import { OfficeAddinMockWorkbook } from './office-addin-mock-host';
import { ROW_KEY_HEADER } from './row-keys';
import { columnLetter, PAYLOAD_CAP_BYTES } from './sheet-utils';
import { syntheticRegistryRows } from './test-data';
import { orderedSteps } from '../../test/support/ordered-steps';

// office-addin-mock needs only the OfficeApp host names from office-addin-manifest, whose own
// dependencies include an ES module jest's CommonJS loader cannot load on Node 20 (as in office-mock.test.ts).
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));

const ALL: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: true, comments: true };
const N = 10_000;
const HEADERS = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER];
const colOf = (key: string): number => MEMBER_COLUMNS.findIndex((c) => c.key === key);
const ID = colOf('id');
const VERSION = colOf('version');
const RESULT = MEMBER_COLUMNS.length;

function expectWithinCap(wb: OfficeAddinMockWorkbook): void {
  for (const s of wb.syncs) {
    expect(s.requestBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
    expect(s.responseBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
  }
}

describe('the office-addin-mock host keeps the mock’s rules', () => {
  test('a loaded property is readable only after context.sync(); a property never loaded stays an error', async () => {
    const wb = new OfficeAddinMockWorkbook();
    const ctx = wb.context();
    const ws = ctx.workbook.worksheets.getItem('Лист1');
    const range = ws.getRangeByIndexes(0, 0, 1, 2);
    range.values = [['а', '0123']];
    range.load('values');
    expect(range.values).toBe('Error, context.sync() was not called');
    expect(range.rowCount).toBe('Error, property was not loaded');
    await ctx.sync();
    // General cells: "0123" typed as text becomes a number, as in Excel
    expect(range.values).toEqual([['а', 123]]);
    expect(wb.syncCount).toBe(1);
    expect(() => {
      (range as unknown as { formulas: unknown }).formulas = [['=1']];
    }).toThrow(/not modelled/);
    const probe = ctx.workbook.worksheets.getItemOrNullObject('Нет такого');
    probe.load('name');
    await ctx.sync();
    expect(probe.isNullObject).toBe(true);
  });
});

describe('10,000 rows on office-addin-mock', () => {
  const rows = syntheticRegistryRows(N, 42);
  const wb = new OfficeAddinMockWorkbook();
  const measured: Record<string, number> = {};
  let sent: MemberSheetRow[] = [];

  afterAll(() => {
    console.log(
      `[measure] office-addin-mock, 10,000 rows: context.sync() calls — create sheet ${measured.create}, write ${measured.write}, read ${measured.read}, read only changed ${measured.readChanged}, push results ${measured.results}, local check marks ${measured.check}, create sheet again ${measured.recreate}; Excel 1.8 path: write ${measured.writeBaseline}, read ${measured.readBaseline}; largest request ${measured.maxRequest} B, response ${measured.maxResponse} B`,
    );
  });

  // The tests up to «createMemberSheet on the filled sheet» are the steps of one story on `wb`, in this
  // order (a sheet before its rows, rows read before a push's results, …): each test runs the steps up
  // to its own once (test/support/ordered-steps.ts), so it passes alone and in any order; the counters
  // are reset before each step and the largest payloads read after it.
  const step = orderedSteps({
    before: () => wb.resetCounters(),
    after: () => {
      measured.maxRequest = Math.max(measured.maxRequest ?? 0, wb.maxRequestBytes);
      measured.maxResponse = Math.max(measured.maxResponse ?? 0, wb.maxResponseBytes);
    },
  });

  step('createMemberSheet: two syncs; the table, formats and dropdowns are in the workbook', async () => {
    const report = await createMemberSheet(wb.context());
    measured.create = wb.syncCount;
    expect(report).toMatchObject({ created: true, sheetName: MEMBER_SHEET_NAME, syncs: 2 });
    expect(wb.syncCount).toBe(2);
    const t = wb.table(MEMBER_TABLE_NAME);
    expect(t).toMatchObject({ headerRow0: 0, col0: 0, width: HEADERS.length, bodyRows: 1, style: 'TableStyleMedium2' });
    expect(t?.sheet.read({ row: 0, col: 0, rows: 1, cols: HEADERS.length })).toEqual([HEADERS]);
    const s = wb.sheet(MEMBER_SHEET_NAME);
    expect(s.numberFormat(`${columnLetter(colOf('snils'))}2`)).toBe('@');
    expect(s.numberFormat(`${columnLetter(colOf('birthDate'))}2`)).toBe('dd.mm.yyyy');
    expect(s.hiddenColumns).toEqual(new Set([ID, VERSION, HEADERS.indexOf(ROW_KEY_HEADER)]));
    expect(s.frozenRows).toBe(1);
    expect(s.validationAt(`${columnLetter(colOf('consentUnion'))}2`)?.rule).toMatchObject({ list: { inCellDropDown: true, source: expect.stringMatching(/^='Списки'!/) } });
    expect(wb.sheet(LISTS_SHEET_NAME).visibility).toBe('VeryHidden');
    expect(wb.sheet(STORE_SHEET_NAME).visibility).toBe('VeryHidden');
  });

  step('write: one sync to look at the table, then one per chunk (3)', async () => {
    const report = await writeMembersFromRegistry(wb.context(), rows, { caps: ALL });
    measured.write = wb.syncCount;
    expect(report.chunks).toBe(3);
    // the table, one page of old notes (none), then one per chunk
    expect(wb.syncCount).toBe(1 + 1 + report.chunks);
    expect(wb.syncCount).toBe(5);
    expect(report.syncs).toBe(wb.syncCount);
    expectWithinCap(wb);
    const t = wb.table(MEMBER_TABLE_NAME);
    expect(t?.bodyRows).toBe(N);
    const body = wb.bodyValues(t!);
    expect(body.map((r) => r[ID])).toEqual(rows.map((r) => r.id));
    // text columns stay text: the leading zero of every СНИЛС survived
    expect(body.every((r) => typeof r[colOf('snils')] === 'string' && String(r[colOf('snils')]).startsWith('0'))).toBe(true);
    expect(wb.sheet(MEMBER_SHEET_NAME).numberFormat(`${columnLetter(colOf('phone'))}${N + 1}`)).toBe('@');
    expect(wb.sheet(MEMBER_SHEET_NAME).numberFormat(`${columnLetter(colOf('birthDate'))}${N + 1}`)).toBe('dd.mm.yyyy');
    // the fingerprints of the written rows are stored: a header and one row per member
    expect(wb.sheet(STORE_SHEET_NAME).usedArea(true)).toMatchObject({ row: 0, rows: N + 1, cols: 2 });
  });

  step('read: one sync to look at the table, then one per chunk (4); every row comes back as written', async () => {
    const read = await readMemberRows(wb.context());
    measured.read = wb.syncCount;
    expect(wb.syncCount).toBe(5);
    expect(read.syncs).toBe(wb.syncCount);
    expectWithinCap(wb);
    expect(read.rows).toHaveLength(N);
    read.rows.forEach((r, i) => {
      expect(r.row).toBe(i + 2);
      expect(r.id).toBe(rows[i].id);
      expect(r.version).toBe(rows[i].version);
    });
    const fields = MEMBER_COLUMNS.filter((c) => c.type !== 'id' && c.type !== 'version');
    read.rows.forEach((r, i) => {
      for (const c of fields) {
        if (r.values[c.key] !== toSheetCell(c, rows[i].cells[c.key])) throw new Error(`row ${r.row}, ${c.header}: ${String(r.values[c.key])}`);
      }
    });
    expect(read.rows[9_999].values).toEqual(Object.fromEntries(fields.map((c) => [c.key, toSheetCell(c, rows[9_999].cells[c.key])])));
    sent = read.rows;
  });

  step('read only changed: the stored fingerprints add a constant two syncs and skip every row', async () => {
    const read = await readMemberRows(wb.context(), { onlyChanged: true });
    measured.readChanged = wb.syncCount;
    expect(read.rows).toEqual([]);
    expect(read.unchangedRows).toBe(N);
    expect(wb.syncCount).toBe(7);
    expectWithinCap(wb);
  });

  step('results of a push: constant syncs plus one per chunk (2), 1,000 errors marked', async () => {
    const results: SyncRowResult[] = sent.map((r, i) =>
      i % 10 === 0
        ? { row: r.row, outcome: 'error', errors: [{ field: 'snils', message: 'Неверная контрольная сумма СНИЛС: проверьте номер.' }] }
        : { row: r.row, outcome: 'updated', id: r.id ?? '', version: (r.version ?? 0) + 1 },
    );
    const report = await writeSyncResults(wb.context(), results, { caps: ALL, sent });
    measured.results = wb.syncCount;
    expect(report).toMatchObject({ rows: N, errorCells: 1_000, notesAdded: 1_000, chunks: 2 });
    // table, a page of notes (none yet), «Результат» column, 2 chunks, fingerprints (find, read, write)
    expect(wb.syncCount).toBe(1 + 1 + 2 + report.chunks + 3); // «Результат»: a cautious first read, then the rest
    expect(wb.syncCount).toBe(9);
    expect(report.syncs).toBe(wb.syncCount);
    expectWithinCap(wb);
    const s = wb.sheet(MEMBER_SHEET_NAME);
    expect(s.notes).toHaveLength(1_000);
    expect(s.notes.every((n) => n.col === colOf('snils') && n.content.startsWith(MARK_PREFIX))).toBe(true);
    expect(s.fill(`${columnLetter(colOf('snils'))}2`)).toBe(ERROR_FILL);
    expect(s.fill(`${columnLetter(colOf('snils'))}3`)).toBeNull();
    const body = wb.bodyValues(wb.table(MEMBER_TABLE_NAME)!);
    body.forEach((r, i) => {
      const ok = i % 10 !== 0;
      if (r[VERSION] !== rows[i].version + (ok ? 1 : 0)) throw new Error(`row ${i + 2}: version ${String(r[VERSION])}`);
      if (String(r[RESULT]).startsWith('Ошибка') === ok) throw new Error(`row ${i + 2}: ${String(r[RESULT])}`);
    });
    expect(new Set(body.map((r) => r[ID])).size).toBe(N);
  });

  step('a local check over 10,000 rows: old notes found in one sync, marks in one sync per chunk', async () => {
    const errors = sent.filter((_, i) => i % 7 === 0).map((r) => ({ row: r.row, field: 'phone' as const, message: 'Телефон: 11 цифр.' }));
    const report = await markValidationErrors(wb.context(), errors, { caps: ALL });
    measured.check = wb.syncCount;
    expect(report).toMatchObject({ errorCells: errors.length, notesDeleted: 1_000, notesAdded: errors.length });
    // table + notes, their places, «Результат» column, chunks
    expect(wb.syncCount).toBe(5 + report.chunks); // table, a page of notes, their places, «Результат» (2 reads), chunks
    expect(report.syncs).toBe(wb.syncCount);
    expectWithinCap(wb);
    const s = wb.sheet(MEMBER_SHEET_NAME);
    expect(s.notes).toHaveLength(errors.length);
    expect(s.notes.every((n) => n.col === colOf('phone'))).toBe(true);
  });

  step('createMemberSheet on the filled sheet: three syncs, the rows stay (the probes must really be synced)', async () => {
    const before = wb.bodyValues(wb.table(MEMBER_TABLE_NAME)!);
    const report = await createMemberSheet(wb.context());
    measured.recreate = wb.syncCount;
    expect(report).toMatchObject({ created: false, addedColumns: [], syncs: 3 });
    expect(wb.syncCount).toBe(3);
    expect(wb.bodyValues(wb.table(MEMBER_TABLE_NAME)!)).toEqual(before);
    expect(wb.sheets.map((x) => x.name).filter((n) => n === LISTS_SHEET_NAME || n === STORE_SHEET_NAME)).toHaveLength(2);
  });

  test('Excel without Table.resize (ExcelApi 1.8): rows appended per chunk, still one sync per chunk', async () => {
    const old = new OfficeAddinMockWorkbook();
    await createMemberSheet(old.context());
    old.resetCounters();
    const report = await writeMembersFromRegistry(old.context(), rows, { caps: BASELINE_CAPABILITIES });
    measured.writeBaseline = old.syncCount;
    expect(report.chunks).toBe(3);
    expect(old.syncCount).toBe(1 + report.chunks);
    expectWithinCap(old);
    expect(old.table(MEMBER_TABLE_NAME)?.bodyRows).toBe(N);
    old.resetCounters();
    const read = await readMemberRows(old.context());
    measured.readBaseline = old.syncCount;
    expect(old.syncCount).toBe(5);
    expect(read.rows.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    // a shorter list replaces it: surplus rows are deleted, the table shrinks
    const shorter = await writeMembersFromRegistry(old.context(), rows.slice(0, 100), { caps: BASELINE_CAPABILITIES });
    expect(shorter.chunks).toBe(1);
    expect(old.table(MEMBER_TABLE_NAME)?.bodyRows).toBe(100);
    expect((await readMemberRows(old.context())).rows.map((r) => r.id)).toEqual(rows.slice(0, 100).map((r) => r.id));
  });
});
