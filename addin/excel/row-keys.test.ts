/**
 * Write-back by identity: the pure matching rules (row-keys.ts) and the Excel layer on the fake
 * workbook — the chair sorts, deletes or inserts rows between reading the sheet and writing the
 * server's answers back, and every id still lands on its own person.
 */
import { MEMBER_COLUMNS, MEMBER_TABLE_NAME, RESULT_HEADER } from '../../domain/members/columns';
import type { SyncRowResult } from '../../domain/members/sync-contract';
import type { ExcelCapabilities } from './capabilities';
import { createMemberSheet, locateSentRows, readMemberRows, writeSyncResults } from './member-sheet';
import { assignRowKeys, isRowKey, newRowKey, placeRows, ROW_KEY_HEADER } from './row-keys';
import { FakeExcel } from './test-fakes';

const ALL: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: true, comments: true };
const HEADERS = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER];
const at = (key: string) => MEMBER_COLUMNS.findIndex((c) => c.key === key);
const ID = at('id');
const SURNAME = at('surname');
const KEY = HEADERS.length - 1;

function person(surname: string, name = 'Анна', birth = '01.02.1980'): (string | number)[] {
  const row: (string | number)[] = new Array(HEADERS.length).fill('');
  row[SURNAME] = surname;
  row[at('name')] = name;
  row[at('birthDate')] = birth;
  row[at('category')] = 'Работающий';
  return row;
}

describe('row keys: the rules', () => {
  test('new keys are unique text that Excel keeps as typed', () => {
    const taken = new Set<string>();
    const keys = Array.from({ length: 2000 }, () => newRowKey(taken));
    expect(new Set(keys).size).toBe(2000);
    expect(keys.every(isRowKey)).toBe(true);
    expect(isRowKey('12345')).toBe(false);
    expect(isRowKey('')).toBe(false);
  });

  test('rows being sent get a key when they have none or share it with another row (a copied row)', () => {
    const all = [
      { row: 2, key: 'r-aaaaaaaaaa' },
      { row: 3, key: 'r-aaaaaaaaaa' }, // copied from row 2
      { row: 4, key: '' },
      { row: 5, key: 'r-bbbbbbbbbb' },
      { row: 6, key: 'junk' },
    ];
    const fresh = assignRowKeys(all, new Set([3, 4, 5, 6]));
    expect([...fresh.keys()].sort()).toEqual([3, 4, 6]); // 5 keeps its unique key
    const used = new Set([...fresh.values(), 'r-aaaaaaaaaa', 'r-bbbbbbbbbb']);
    expect(used.size).toBe(5);
  });

  test('a sent row is found by key wherever it is; gone, copied or overwritten rows are lost, never guessed', () => {
    const sent = [
      { row: 2, key: 'r-a000000000', id: null },
      { row: 3, key: 'r-b000000000', id: 'id-b' },
      { row: 4, key: 'r-c000000000', id: null },
      { row: 5, key: 'r-d000000000', id: null },
      { row: 6, key: 'r-e000000000', id: 'id-e' },
    ];
    const current = [
      { row: 2, key: 'r-b000000000', id: 'id-b' }, // moved up after a sort
      { row: 3, key: 'r-a000000000', id: '' },
      { row: 4, key: 'r-d000000000', id: '' },
      { row: 5, key: 'r-d000000000', id: '' }, // copied
      { row: 6, key: 'r-e000000000', id: 'id-x' }, // another member's id pasted over
    ];
    const p = placeRows(sent, current, (row) => (row === 2 ? 'id-new-a' : null));
    expect([...p.placed]).toEqual([
      [2, 3],
      [3, 2],
    ]);
    expect(p.lost.get(4)).toBe('deleted');
    expect(p.lost.get(5)).toBe('copied');
    expect(p.lost.get(6)).toBe('replaced');
  });

  test('a row that already got its new id from an earlier chunk is still its own', () => {
    const p = placeRows([{ row: 7, key: 'r-a000000000', id: null }], [{ row: 9, key: 'r-a000000000', id: 'id-new' }], () => 'id-new');
    expect(p.placed.get(7)).toBe(9);
  });
});

describe('write-back by key on the fake workbook', () => {
  async function sheetWith(surnames: string[]): Promise<FakeExcel> {
    const fake = new FakeExcel();
    await createMemberSheet(fake.context);
    const t = fake.table(MEMBER_TABLE_NAME)!;
    expect(t.headers).toEqual(HEADERS);
    const rows = surnames.map((s) => person(s));
    fake.sheet(t.sheetName).setValues(`A2`, rows.slice(0, 1));
    if (rows.length > 1) fake.insertTableRows(MEMBER_TABLE_NAME, 3, rows.slice(1));
    return fake;
  }

  const created = (rows: { row: number }[], idOf: (row: number) => string): SyncRowResult[] => rows.map((r) => ({ row: r.row, outcome: 'created', id: idOf(r.row), version: 1 }));

  function idsBySurname(fake: FakeExcel): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of fake.table(MEMBER_TABLE_NAME)!.bodyValues()) out[String(r[SURNAME])] = String(r[ID]);
    return out;
  }

  test('the chair sorts the table between reading and writing: each id lands on its own person', async () => {
    const fake = await sheetWith(['Яковлева', 'Борисова', 'Миронова', 'Абрамова']);
    const read = await readMemberRows(fake.context, { assignKeys: true });
    expect(read.rows.every((r) => isRowKey(r.key))).toBe(true);
    const idOf = new Map(read.rows.map((r) => [r.row, `id-${String(r.values.surname)}`]));
    // sort А→Я while the request is in flight
    fake.sortTable(MEMBER_TABLE_NAME, (a, b) => String(a[SURNAME]).localeCompare(String(b[SURNAME]), 'ru'));
    const rep = await writeSyncResults(fake.newContext(), created(read.rows, (row) => idOf.get(row)!), { caps: ALL, sent: read.rows });
    expect(rep.lost.size).toBe(0);
    expect(idsBySurname(fake)).toEqual({ Абрамова: 'id-Абрамова', Борисова: 'id-Борисова', Миронова: 'id-Миронова', Яковлева: 'id-Яковлева' });
    // the row numbers the pane lists are the new ones
    expect(rep.placed.get(2)).toBe(5); // Яковлева went from row 2 to row 5
  });

  test('a row deleted meanwhile is reported and nothing is written over the row that took its place', async () => {
    const fake = await sheetWith(['Первая', 'Вторая', 'Третья']);
    const read = await readMemberRows(fake.context, { assignKeys: true });
    fake.deleteTableRows(MEMBER_TABLE_NAME, 3); // «Вторая»
    const rep = await writeSyncResults(fake.newContext(), created(read.rows, (row) => `id-${row}`), { caps: ALL, sent: read.rows });
    expect([...rep.lost]).toEqual([[3, 'deleted']]);
    expect(idsBySurname(fake)).toEqual({ Первая: 'id-2', Третья: 'id-4' });
  });

  test('rows inserted above shift nothing wrongly', async () => {
    const fake = await sheetWith(['Первая', 'Вторая']);
    const read = await readMemberRows(fake.context, { assignKeys: true });
    fake.insertTableRows(MEMBER_TABLE_NAME, 2, [person('Новая-один'), person('Новая-два')]);
    await writeSyncResults(fake.newContext(), created(read.rows, (row) => `id-${row}`), { caps: ALL, sent: read.rows });
    expect(idsBySurname(fake)).toEqual({ 'Новая-один': '', 'Новая-два': '', Первая: 'id-2', Вторая: 'id-3' });
    const body = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    expect(body[2][HEADERS.indexOf(RESULT_HEADER)]).toBe('Добавлен');
    expect(body[0][HEADERS.indexOf(RESULT_HEADER)]).toBe('');
  });

  test('a copied row keeps no key twice: the copy sent next gets a fresh key', async () => {
    const fake = await sheetWith(['Первая', 'Вторая']);
    const first = await readMemberRows(fake.context, { assignKeys: true });
    const k2 = first.rows[0].key;
    // the chair copies row 2 onto a new row 4 (key and all)
    const copy = fake.table(MEMBER_TABLE_NAME)!.bodyValues()[0];
    fake.insertTableRows(MEMBER_TABLE_NAME, 4, [copy]);
    const second = await readMemberRows(fake.newContext(), { assignKeys: true });
    const keys = second.rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(3);
    expect(keys.filter((k) => k === k2).length).toBeLessThanOrEqual(1);
    const onSheet = fake.table(MEMBER_TABLE_NAME)!.bodyValues().map((r) => r[KEY]);
    expect(onSheet).toEqual(keys);
  });

  test('a sheet made before row keys gets the hidden column at the first push; rows are untouched', async () => {
    const fake = new FakeExcel();
    const old = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER];
    const rows = [person('Первая').slice(0, old.length), person('Вторая').slice(0, old.length)];
    fake.createTable('Члены профсоюза', 'A1', MEMBER_TABLE_NAME, old, rows);
    const before = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    const read = await readMemberRows(fake.context, { assignKeys: true });
    const t = fake.table(MEMBER_TABLE_NAME)!;
    expect(t.headers).toEqual(HEADERS);
    expect(fake.sheet(t.sheetName).isColumnHidden(KEY)).toBe(true);
    expect(t.bodyValues().map((r) => r.slice(0, old.length))).toEqual(before);
    expect(read.rows.map((r) => r.key)).toEqual(t.bodyValues().map((r) => r[KEY]));
  });

  test('a server check finds its rows by key too', async () => {
    const fake = await sheetWith(['Б', 'А']);
    const read = await readMemberRows(fake.context, { assignKeys: true });
    fake.sortTable(MEMBER_TABLE_NAME, (a, b) => String(a[SURNAME]).localeCompare(String(b[SURNAME]), 'ru'));
    const where = await locateSentRows(fake.newContext(), read.rows.map((r) => ({ row: r.row, key: r.key!, id: r.id })));
    expect([...where.placed]).toEqual([
      [2, 3],
      [3, 2],
    ]);
  });
});
