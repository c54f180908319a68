import { STRUCTURE_SHEET_NAME, STRUCTURE_TABLE_NAME } from './structure-layout';
import { createStructureSheet, readStructure, writeStructure } from './structure-sheet';
import { LISTS_SHEET_NAME } from './lists';
import { FakeExcel } from './test-fakes';

const UNITS = [
  { id: 'u-1', parentName: null, kind: 'subdivision', name: 'Физико-математический факультет', status: 'active' },
  { id: 'u-2', parentName: 'Физико-математический факультет', kind: 'Профгруппа', name: 'Кафедра алгебры', status: 'Действует' },
  { id: 'u-3', parentName: 'Физико-математический факультет', kind: 'group', name: '001 кафедра', status: 'closed' },
];

describe('structure sheet', () => {
  test('creates the table with a hidden id and dropdowns, writes and reads units', async () => {
    const fake = new FakeExcel();
    const created = await createStructureSheet(fake.context);
    expect(created).toMatchObject({ created: true, syncs: 2 });
    const t = fake.table(STRUCTURE_TABLE_NAME);
    expect(t?.headers).toEqual(['Входит в', 'Вид', 'Название', 'Состояние', 'ID в реестре']);
    const s = fake.sheet(STRUCTURE_SHEET_NAME);
    expect(s.isColumnHidden('E')).toBe(true);
    expect((s.validation('B2')?.rule as { list: { source: string } }).list.source).toContain(`'${LISTS_SHEET_NAME}'!`);
    await writeStructure(fake.context, UNITS);
    expect(fake.table(STRUCTURE_TABLE_NAME)?.bodyValues()).toEqual([
      ['', 'Профбюро', 'Физико-математический факультет', 'Действует', 'u-1'],
      ['Физико-математический факультет', 'Профгруппа', 'Кафедра алгебры', 'Действует', 'u-2'],
      ['Физико-математический факультет', 'Профгруппа', '001 кафедра', 'Закрыто', 'u-3'],
    ]);
    expect(s.values('C4')).toEqual([['001 кафедра']]);
    expect(s.validation('B4')?.rule).toBeDefined();
    const read = await readStructure(fake.context);
    expect(read.rows).toEqual([
      { row: 2, id: 'u-1', parentName: null, kind: 'Профбюро', name: 'Физико-математический факультет', status: 'Действует' },
      { row: 3, id: 'u-2', parentName: 'Физико-математический факультет', kind: 'Профгруппа', name: 'Кафедра алгебры', status: 'Действует' },
      { row: 4, id: 'u-3', parentName: 'Физико-математический факультет', kind: 'Профгруппа', name: '001 кафедра', status: 'Закрыто' },
    ]);
    expect(read.syncs).toBe(2);
  });

  test('writeStructure creates the sheet when missing and shrinks the table; blank rows are skipped on read', async () => {
    const fake = new FakeExcel();
    await writeStructure(fake.context, UNITS, { caps: { rangeAreas: false, tableResize: false, notes: false, comments: false } });
    await writeStructure(fake.context, UNITS.slice(0, 1));
    expect(fake.table(STRUCTURE_TABLE_NAME)?.bodyRowCount).toBe(1);
    await writeStructure(fake.context, [...UNITS.slice(0, 1), { id: null, parentName: null, kind: null, name: null, status: null }, UNITS[2]], {
      caps: { rangeAreas: true, tableResize: true, notes: true, comments: true },
    });
    const read = await readStructure(fake.context);
    expect(read.rows.map((r) => r.row)).toEqual([2, 4]);
  });

  test('columns are found by header after the chair reorders them', async () => {
    const fake = new FakeExcel();
    fake.createTable(STRUCTURE_SHEET_NAME, 'C5', STRUCTURE_TABLE_NAME, ['Название', 'ID в реестре', 'Вид', 'Заметки', 'Входит в', 'Состояние'], [['Кафедра', 'u-9', 'Профгруппа', 'моё', '', 'Действует']]);
    const read = await readStructure(fake.context);
    expect(read.rows).toEqual([{ row: 6, id: 'u-9', parentName: null, kind: 'Профгруппа', name: 'Кафедра', status: 'Действует' }]);
  });
});
