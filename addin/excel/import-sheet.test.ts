/**
 * The scratch sheet «Список для загрузки» on the fake Excel: reading a pasted list (dates by their
 * number format, hidden columns), writing mapped rows into the member table in the register's order
 * (labels, formatted СНИЛС, date serials), rescuing a list pasted over the table's header (and
 * refusing to when register rows are there), and the memory of mappings in document settings.
 */
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, MEMBER_TABLE_NAME, RESULT_HEADER, ROW_KEY_HEADER } from '../../domain/members/columns';
import { person } from '../../test/fixtures/lists/corpus';
import { appendToMemberTable, IMPORT_SHEET_NAME, loadImportMemory, readListSheet, rescuePastedList, saveImportMemory, showImportSheet, type DocSettings } from './import-sheet';
import { createMemberSheet } from './member-sheet';
import { FakeExcel } from './test-fakes';

const col = (k: string) => MEMBER_COLUMNS.findIndex((c) => c.key === k);

describe('import sheet', () => {
  it('reads a pasted list: dates by their format, hidden columns; writes rows in the register\'s order', async () => {
    const fake = new FakeExcel();
    await createMemberSheet(fake.context);
    expect(await showImportSheet(fake.context)).toEqual({ created: true });
    const p = person(500);
    const s = fake.sheet(IMPORT_SHEET_NAME);
    s.setNumberFormat('B2', 'dd.mm.yyyy');
    s.setValues('A1:C2', [['ФИО', 'Дата рождения', 'Таб. №'], [p.full, '15.03.1980', '0012']]);
    const ctx = fake.newContext();
    ctx.workbook.worksheets.getItem(IMPORT_SHEET_NAME).getRange('C1').columnHidden = true;
    await ctx.sync();
    const read = await readListSheet(fake.context);
    expect(read.grid.rows[1][1]).toEqual(new Date(Date.UTC(1980, 2, 15)));
    expect(read.grid.hidden).toEqual([false, false, true]);

    const rep = await appendToMemberTable(fake.context, [
      { surname: p.surname, name: p.name, patronymic: p.patronymic, birthDate: new Date(Date.UTC(1980, 2, 15)), category: 'работающий', snils: p.snilsDigits, sex: 'жен.' },
      { surname: 'Вторая', name: 'Строка', birthDate: '01.02.1990', category: 'пенсионер' },
    ]);
    expect(rep).toMatchObject({ rows: 2, firstRow: 2, lastRow: 3 });
    const body = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    expect(body).toHaveLength(2);
    expect(body[0].slice(0, 3)).toEqual([p.surname, p.name, p.patronymic]);
    expect([body[0][col('category')], body[0][col('snils')], body[0][col('sex')], body[0][col('birthDate')]]).toEqual(['Работник', p.snils, 'Ж', 29295]);
    // An ambiguous word stays as typed: the row check names both meanings.
    expect(body[1][col('category')]).toBe('пенсионер');
  });

  it('a long list is read in chunks sized by the payload, dates kept as dates in every chunk', async () => {
    const fake = new FakeExcel();
    await showImportSheet(fake.context);
    const n = 1200;
    const s = fake.sheet(IMPORT_SHEET_NAME);
    s.setNumberFormat(`B2:B${n + 1}`, 'dd.mm.yyyy');
    s.setValues(`A1:B${n + 1}`, [['ФИО', 'Дата рождения'], ...Array.from({ length: n }, (_x, i) => [person(i).full, 30000 + i])]);
    fake.resetCounters();
    const read = await readListSheet(fake.context, IMPORT_SHEET_NAME, { maxBytes: 20_000 });
    expect(read.grid.rows).toHaveLength(n + 1);
    expect(read.grid.rows[n]).toEqual([person(n - 1).full, new Date(Date.UTC(1899, 11, 30) + (30000 + n - 1) * 86_400_000)]);
    expect(fake.syncCount).toBeGreaterThan(5);
  });

  it('a list pasted over the member table\'s header moves to the scratch sheet; the table gets its header back', async () => {
    const fake = new FakeExcel();
    await createMemberSheet(fake.context);
    const p = person(502);
    fake.sheet(MEMBER_SHEET_NAME).setValues('A1:C3', [['Ф.И.О.', 'Дата рожд.', 'Кат.'], [p.full, p.birth, 'работник'], [person(504).full, person(504).birth, 'работник']]);
    expect(await rescuePastedList(fake.context)).toEqual({ moved: true, rows: 2 });
    expect(fake.table(MEMBER_TABLE_NAME)!.headers).toEqual([...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER]);
    // Moved with the formats: a date typed into the table's text column («Имя») stays text, not a number.
    expect(fake.sheet(IMPORT_SHEET_NAME).numberFormat('B2')).toBe('@');
    // Only the pasted block moves: the table's own empty columns beside it stay behind.
    expect(fake.sheet(IMPORT_SHEET_NAME).values('D1:E1')).toEqual([['', '']]);
    const read = await readListSheet(fake.context);
    expect(read.grid.rows.slice(0, 2).map((r) => r.slice(0, 3))).toEqual([['Ф.И.О.', 'Дата рожд.', 'Кат.'], [p.full, p.birth, 'работник']]);
    expect(await rescuePastedList(fake.context)).toEqual({ moved: false, reason: 'table_ok' });
  });

  it('never moves anything when the sheet holds rows of the register', async () => {
    const fake = new FakeExcel();
    await createMemberSheet(fake.context);
    const idCol = String.fromCharCode(65 + col('id'));
    fake.sheet(MEMBER_SHEET_NAME).setValues(`A1:C2`, [['Ф.И.О.', 'Дата рожд.', 'Кат.'], [person(506).full, person(506).birth, 'работник']]);
    fake.sheet(MEMBER_SHEET_NAME).setValues(`${idCol}2:${idCol}2`, [['0b3c1f2e-1111-4a4a-9b9b-123456789abc']]);
    expect(await rescuePastedList(fake.context)).toEqual({ moved: false, reason: 'has_registry_rows' });
  });

  it('remembers mappings and value choices in document settings, merged with earlier ones', async () => {
    const store = new Map<string, unknown>();
    const settings: DocSettings = { get: (k) => store.get(k) ?? null, set: (k, v) => store.set(k, v), saveAsync: (cb) => cb?.({ status: 'succeeded' }) };
    expect(await saveImportMemory(settings, 'фио|дата рождения', { targets: { фио: 'fullName' } }, { category: { работающий: 'employee' } })).toBe(true);
    await saveImportMemory(settings, 'фамилия|имя', { targets: { фамилия: 'surname' } }, { category: { пенсионер: 'pensioner' } });
    expect(loadImportMemory(settings)).toEqual({
      shapes: { 'фио|дата рождения': { targets: { фио: 'fullName' } }, 'фамилия|имя': { targets: { фамилия: 'surname' } } },
      values: { category: { работающий: 'employee', пенсионер: 'pensioner' } },
    });
    expect(loadImportMemory(null)).toEqual({ shapes: {}, values: {} });
  });
});
