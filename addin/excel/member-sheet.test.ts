import { CARD_STATUSES, CATEGORIES, CONSENT_STATES } from '../../domain/members/codes';
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, MEMBER_TABLE_NAME, RESULT_HEADER } from '../../domain/members/columns';
import type { ExcelCapabilities } from './capabilities';
import { BASELINE_CAPABILITIES } from './capabilities';
import { STORE_SHEET_NAME } from './fingerprint-store';
import { LISTS_SHEET_NAME } from './lists';
import { CONFLICT_FILL, ERROR_FILL } from './marks';
import {
  clearMarks,
  createMemberSheet,
  mapMemberHeaders,
  markValidationErrors,
  readMemberRows,
  readSelectedRowNumbers,
  readSelectedRows,
  selectCell,
  toSheetCell,
  writeMembersFromRegistry,
  writeSyncResults,
} from './member-sheet';
import { ROW_KEY_HEADER } from './row-keys';
import { columnLetter, SheetError } from './sheet-utils';
import { syntheticRegistryRows } from './test-data';
import { FakeExcel } from './test-fakes';

const ALL: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: true, comments: true };
const HEADERS = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER, ROW_KEY_HEADER];
const col = (key: string): string => columnLetter(MEMBER_COLUMNS.findIndex((c) => c.key === key));

async function preparedSheet(rows = 0, caps: ExcelCapabilities = ALL): Promise<FakeExcel> {
  const fake = new FakeExcel();
  await createMemberSheet(fake.context);
  if (rows) await writeMembersFromRegistry(fake.context, syntheticRegistryRows(rows), { caps });
  fake.resetCounters();
  return fake;
}

async function errorOf(p: Promise<unknown>): Promise<SheetError> {
  try {
    await p;
  } catch (e) {
    return e as SheetError;
  }
  throw new Error('expected an error');
}

describe('createMemberSheet', () => {
  test('lays out the table: headers in schema order, hidden id and version, formats, lists, frozen header', async () => {
    const fake = new FakeExcel();
    const report = await createMemberSheet(fake.context);
    expect(report).toMatchObject({ created: true, addedColumns: [], sheetName: MEMBER_SHEET_NAME });
    expect(fake.syncCount).toBe(2);
    const t = fake.table(MEMBER_TABLE_NAME);
    expect(t?.sheetName).toBe(MEMBER_SHEET_NAME);
    expect(t?.headers).toEqual(HEADERS);
    const s = fake.sheet(MEMBER_SHEET_NAME);
    expect(s.isColumnHidden(col('id'))).toBe(true);
    expect(s.isColumnHidden(col('version'))).toBe(true);
    expect(MEMBER_COLUMNS.filter((c) => !c.hidden).every((c) => !s.isColumnHidden(col(c.key)))).toBe(true);
    expect(s.frozenRows).toBe(1);
    expect(fake.activeSheetName).toBe(MEMBER_SHEET_NAME);
    expect(s.bold('A1')).toBe(true);
    // formats: text keeps leading zeros, dates are dates
    for (const key of ['surname', 'snils', 'phone', 'email', 'sex', 'id']) expect(s.numberFormat(`${col(key)}2`)).toBe('@');
    expect(s.numberFormat(`${col('birthDate')}2`)).toBe('dd.mm.yyyy');
    expect(s.numberFormat(`${col('version')}2`)).toBe('0');
    expect(s.columnWidth(col('surname'))).toBeCloseTo((18 * 7 + 5) * 0.75);
    // validation: dates and dropdowns from the very hidden lists sheet
    expect(s.validation(`${col('birthDate')}2`)?.rule).toMatchObject({ date: { operator: 'Between' } });
    const rule = s.validation(`${col('category')}2`)?.rule as { list: { source: string } };
    expect(rule.list.source).toMatch(/^='Списки'!\$[A-Z]+\$2:\$[A-Z]+\$\d+$/);
    const lists = fake.sheet(LISTS_SHEET_NAME);
    expect(lists.visibility).toBe('VeryHidden');
    const m = /\$([A-Z]+)\$2:\$[A-Z]+\$(\d+)/.exec(rule.list.source) as RegExpExecArray;
    expect(lists.values(`${m[1]}2:${m[1]}${m[2]}`).map((r) => r[0])).toEqual(MEMBER_COLUMNS.find((c) => c.key === 'category')?.options?.map((o) => o.label));
    // the dropdowns of the three consents and of the card status, option by option as in domain/members/codes.ts
    const dropdown = (key: string): unknown[] => {
      const v = s.validation(`${col(key)}2`);
      expect(v?.errorAlert).toMatchObject({ showAlert: true, style: 'Stop' });
      const src = (v?.rule as { list?: { source?: string; inCellDropDown?: boolean } } | undefined)?.list;
      expect(src?.inCellDropDown).toBe(true);
      const ref = /^='Списки'!\$([A-Z]+)\$2:\$([A-Z]+)\$(\d+)$/.exec(src?.source ?? '');
      expect(ref).not.toBeNull();
      const [, from, to, last] = ref as RegExpExecArray;
      expect(to).toBe(from);
      return lists.values(`${from}2:${from}${last}`).map((r) => r[0]);
    };
    const consentLabels = ['Дано', 'Отказ', 'Отозвано'];
    expect(CONSENT_STATES.map((o) => o.label)).toEqual(consentLabels);
    for (const key of ['consentUnion', 'consentOperator', 'consentNotify']) expect(dropdown(key)).toEqual(consentLabels);
    const cardLabels = ['Не заказан', 'Заказан', 'Изготовлен', 'Отправлен в регион', 'Получен организацией', 'Выдан', 'Утерян или повреждён', 'Перевыпуск', 'Заблокирован'];
    expect(CARD_STATUSES.map((o) => o.label)).toEqual(cardLabels);
    expect(dropdown('cardStatus')).toEqual(cardLabels);
    expect(dropdown('category')).toEqual(CATEGORIES.map((o) => o.label));
    // the consent dates are dates, not lists
    for (const key of ['consentUnionDate', 'consentOperatorDate', 'consentNotifyDate']) {
      expect(s.validation(`${col(key)}2`)?.rule).toMatchObject({ date: { operator: 'Between' } });
    }
    expect(s.validation(`${col('surname')}2`)).toBeUndefined();
    expect(fake.sheet(STORE_SHEET_NAME).visibility).toBe('VeryHidden');
  });

  test('is idempotent: a second run keeps the rows', async () => {
    const fake = await preparedSheet(5);
    const before = fake.table(MEMBER_TABLE_NAME)?.bodyValues();
    const report = await createMemberSheet(fake.context);
    expect(report.created).toBe(false);
    expect(report.addedColumns).toEqual([]);
    expect(fake.syncCount).toBe(3);
    expect(fake.table(MEMBER_TABLE_NAME)?.bodyValues()).toEqual(before);
    expect(fake.sheetNames().filter((n) => n === LISTS_SHEET_NAME)).toHaveLength(1);
  });

  test('repairs a table that lost columns: appends them, keeps rows', async () => {
    const fake = new FakeExcel();
    const headers = HEADERS.filter((h) => h !== 'Пол' && h !== RESULT_HEADER && h !== ROW_KEY_HEADER);
    fake.createTable(MEMBER_SHEET_NAME, 'A1', MEMBER_TABLE_NAME, headers, [headers.map((h) => (h === 'Фамилия' ? 'Иванова' : ''))]);
    const report = await createMemberSheet(fake.context);
    expect(report.addedColumns).toEqual(['Пол', RESULT_HEADER]);
    const t = fake.table(MEMBER_TABLE_NAME);
    expect(t?.headers.slice(-3)).toEqual(['Пол', RESULT_HEADER, ROW_KEY_HEADER]); // the hidden key column is not announced
    expect(t?.bodyValues()[0][0]).toBe('Иванова');
    expect(fake.sheet(MEMBER_SHEET_NAME).isColumnHidden(headers.indexOf('ID в реестре'))).toBe(true);
  });

  test('does not take over a sheet of the same name that holds other data', async () => {
    const fake = new FakeExcel({ sheets: ['Лист1', MEMBER_SHEET_NAME] });
    fake.sheet(MEMBER_SHEET_NAME).setValues('B2', [['старый список']]);
    const err = await errorOf(createMemberSheet(fake.context));
    expect(err).toBeInstanceOf(SheetError);
    expect(err.code).toBe('sheet_occupied');
    expect(err.message).toContain('Переименуйте');
    expect(fake.table(MEMBER_TABLE_NAME)).toBeUndefined();
    expect(fake.sheet(MEMBER_SHEET_NAME).values('B2')).toEqual([['старый список']]);
  });

  test('does not overwrite a visible sheet «Списки» of the user', async () => {
    const fake = new FakeExcel({ sheets: ['Лист1', LISTS_SHEET_NAME] });
    fake.sheet(LISTS_SHEET_NAME).setValues('A1', [['мои списки']]);
    const err = await errorOf(createMemberSheet(fake.context));
    expect(err.code).toBe('sheet_occupied');
    expect(fake.sheet(LISTS_SHEET_NAME).values('A1')).toEqual([['мои списки']]);
    expect(fake.sheet(LISTS_SHEET_NAME).visibility).toBe('Visible');
  });
});

describe('readMemberRows', () => {
  test('maps columns by header even when reordered, ignores columns of the user', async () => {
    const fake = new FakeExcel();
    const headers = ['Примечание', ...[...HEADERS].reverse()];
    const row = (over: Record<string, unknown>): unknown[] => headers.map((h) => (over[h] ?? '') as unknown);
    fake.createTable(MEMBER_SHEET_NAME, 'B3', MEMBER_TABLE_NAME, headers, [
      row({ Примечание: 'моё', Фамилия: 'Иванова', Имя: 'Анна', СНИЛС: '11223344595', 'ID в реестре': 'id-1', Версия: 3 }),
      row({ Фамилия: 'Петров', Имя: 'Пётр', 'Дата рождения': 32905 }),
    ]);
    const read = await readMemberRows(fake.context);
    expect(fake.syncCount).toBe(2);
    expect(read.columns.unknown).toEqual(['Примечание']);
    expect(read.rows).toHaveLength(2);
    // raw values pass through: this table was typed without the text format, so Excel made СНИЛС a number
    expect(read.rows[0]).toMatchObject({ row: 4, id: 'id-1', version: 3, values: { surname: 'Иванова', name: 'Анна', snils: 11223344595 } });
    expect(read.rows[1]).toMatchObject({ row: 5, id: null, version: null, values: { surname: 'Петров', birthDate: 32905 } });
    expect(Object.keys(read.rows[0].values)).not.toContain('id');
  });

  test('accepts the aliases of HR exports', () => {
    const map = mapMemberHeaders(['ФИО', 'имя', 'Д.р.', 'Номер СНИЛС', 'Фамилия']);
    expect(map.position.surname).toBe(4); // the exact header wins over an alias
    expect(map.position.name).toBe(1);
    expect(map.position.birthDate).toBe(2);
    expect(map.position.snils).toBe(3);
    expect(map.unknown).toEqual(['ФИО']);
  });

  test('missing required headers give a clear error', async () => {
    const fake = new FakeExcel();
    fake.createTable(MEMBER_SHEET_NAME, 'A1', MEMBER_TABLE_NAME, HEADERS.filter((h) => h !== 'Дата рождения' && h !== 'Версия'));
    const err = await errorOf(readMemberRows(fake.context));
    expect(err.code).toBe('columns_missing');
    expect(err.message).toContain('«Дата рождения»');
    expect(err.message).toContain('«Версия»');
    expect(err.message).toContain('Создать лист членов');
  });

  test('without the table: a clear error', async () => {
    const fake = new FakeExcel();
    const err = await errorOf(readMemberRows(fake.context));
    expect(err.code).toBe('table_missing');
  });

  test('skips fully blank rows and keeps the sheet row numbers', async () => {
    const fake = await preparedSheet(4);
    const s = fake.sheet(MEMBER_SHEET_NAME);
    const width = HEADERS.length;
    s.setValues('A3', [Array.from({ length: width }, () => '')]);
    s.setValues('A4', [Array.from({ length: width }, (_, i) => (i === width - 1 ? 'Добавлен' : '  '))]);
    const read = await readMemberRows(fake.context);
    expect(read.rows.map((r) => r.row)).toEqual([2, 5]);
    expect(read.blankRows).toBe(2);
    expect(read.firstRow).toBe(2);
    expect(read.lastRow).toBe(5);
  });

  test('onlyChanged returns new and edited rows only', async () => {
    const fake = await preparedSheet(6);
    let read = await readMemberRows(fake.context, { onlyChanged: true });
    expect(read.rows).toEqual([]);
    expect(read.unchangedRows).toBe(6);
    const s = fake.sheet(MEMBER_SHEET_NAME);
    s.setValues(`${col('phone')}4`, [['+79990000000']]);
    read = await readMemberRows(fake.context, { onlyChanged: true });
    expect(read.rows.map((r) => r.row)).toEqual([4]);
  });
});

describe('writeMembersFromRegistry', () => {
  test.each([
    ['Table.resize', ALL],
    ['rows.add (ExcelApi 1.8)', BASELINE_CAPABILITIES],
  ])('replaces the body, growing and shrinking (%s)', async (_name, caps) => {
    const fake = await preparedSheet(3, caps);
    const rows = syntheticRegistryRows(40, 7);
    const progress: [number, number][] = [];
    const report = await writeMembersFromRegistry(fake.context, rows, { caps, onProgress: (d, t) => progress.push([d, t]), limits: { maxRows: 16 } });
    expect(report).toMatchObject({ rows: 40, chunks: 3 });
    expect(fake.syncCount).toBe(1 + (caps.notes || caps.comments ? 1 : 0) + 3); // table, a page of old notes where Excel has them, chunks
    expect(progress).toEqual([
      [16, 40],
      [32, 40],
      [40, 40],
    ]);
    let t = fake.table(MEMBER_TABLE_NAME);
    expect(t?.address).toBe('A1:Y41');
    const body = t?.bodyValues() ?? [];
    expect(body[39][MEMBER_COLUMNS.findIndex((c) => c.key === 'id')]).toBe(rows[39].id);
    // leading zeros and plus signs survive; dates are dates
    const s = fake.sheet(MEMBER_SHEET_NAME);
    expect(s.values(`${col('snils')}2`)[0][0]).toBe(rows[0].cells.snils);
    expect(typeof s.values(`${col('snils')}2`)[0][0]).toBe('string');
    expect(s.values(`${col('phone')}41`)[0][0]).toBe(rows[39].cells.phone);
    expect(typeof s.values(`${col('birthDate')}41`)[0][0]).toBe('number');
    expect(s.numberFormat(`${col('birthDate')}41`)).toBe('dd.mm.yyyy');
    expect(s.validation(`${col('category')}41`)?.rule).toBeDefined();

    await writeMembersFromRegistry(fake.context, rows.slice(0, 2), { caps });
    t = fake.table(MEMBER_TABLE_NAME);
    expect(t?.address).toBe('A1:Y3');
    expect(s.values('A4:X4')[0].every((v) => v === '')).toBe(true);

    await writeMembersFromRegistry(fake.context, [], { caps });
    t = fake.table(MEMBER_TABLE_NAME);
    expect(t?.bodyRowCount).toBe(1);
    expect(t?.bodyValues()[0].every((v) => v === '')).toBe(true);
  });

  test('codes become labels, ISO dates become serials, nulls empty cells', () => {
    const sex = MEMBER_COLUMNS.find((c) => c.key === 'sex');
    const birth = MEMBER_COLUMNS.find((c) => c.key === 'birthDate');
    const snils = MEMBER_COLUMNS.find((c) => c.key === 'snils');
    if (!sex || !birth || !snils) throw new Error('schema changed');
    expect(toSheetCell(sex, 'female')).toBe('Ж');
    expect(toSheetCell(sex, 'Ж')).toBe('Ж');
    expect(toSheetCell(birth, '1990-02-01')).toBe(32905);
    expect(toSheetCell(birth, 'неизвестно')).toBe('неизвестно');
    expect(toSheetCell(snils, 1234)).toBe('1234');
    expect(toSheetCell(snils, null)).toBe('');
  });

  test('removes old marks and empties columns of the user', async () => {
    const fake = new FakeExcel();
    const headers = [...HEADERS, 'Примечание'];
    fake.createTable(MEMBER_SHEET_NAME, 'A1', MEMBER_TABLE_NAME, headers, [headers.map((h) => (h === 'Примечание' ? 'старое' : ''))]);
    await createMemberSheet(fake.context);
    const s = fake.sheet(MEMBER_SHEET_NAME);
    s.setNote('A2', '⚠ старая ошибка');
    s.setNote('B2', 'заметка пользователя');
    s.setFill('A2', ERROR_FILL);
    await writeMembersFromRegistry(fake.context, syntheticRegistryRows(1), { caps: ALL });
    expect(s.note('A2')).toBeUndefined();
    expect(s.note('B2')).toBe('заметка пользователя');
    expect(s.fill('A2')).toBeNull();
    expect(s.values(`${columnLetter(headers.length - 1)}2`)).toEqual([['']]);
  });
});

describe('writeSyncResults', () => {
  test('writes ids, versions and outcomes; marks errors and conflicts; clears them when the row is fine', async () => {
    const fake = await preparedSheet();
    const s = fake.sheet(MEMBER_SHEET_NAME);
    const rows = syntheticRegistryRows(5).map((r) => ({ ...r, id: '', version: 0 }));
    await writeMembersFromRegistry(fake.context, rows as never, { caps: ALL });
    s.setValues(`${col('id')}2`, [['']]);
    const read = await readMemberRows(fake.context);
    fake.resetCounters();
    const idCol = col('id');
    const verCol = col('version');
    const resCol = columnLetter(HEADERS.indexOf(RESULT_HEADER));
    const r1 = await writeSyncResults(
      fake.context,
      [
        { row: 2, outcome: 'created', id: 'new-1', version: 1 },
        { row: 3, outcome: 'error', errors: [{ field: 'snils', message: 'Строка 3. СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС' }, { field: 'phone', message: 'Строка 3. Телефон: 11 цифр.' }] },
        { row: 4, outcome: 'conflict', conflict: { reason: 'registered_elsewhere', message: 'Состоит на учёте в другой организации: «Школа № 5».' } },
        { row: 99, outcome: 'created', id: 'x', version: 1 },
      ],
      { caps: ALL, sent: read.rows },
    );
    expect(r1).toMatchObject({ rows: 3, errorCells: 2, conflictRows: 1, notesAdded: 2, skipped: 1, chunks: 1 });
    expect(s.values(`${idCol}2:${verCol}2`)).toEqual([['new-1', 1]]);
    expect(s.values(`${resCol}2:${resCol}4`).map((r) => r[0])).toEqual([
      'Добавлен',
      // The column is named once and the server's «Строка 3.» is gone: the row is the cell's own row.
      'Ошибка: СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС; Телефон: 11 цифр.',
      'Конфликт: Состоит на учёте в другой организации: «Школа № 5».',
    ]);
    expect(s.fill(`${col('snils')}3`)).toBe(ERROR_FILL);
    expect(s.fill(`${col('phone')}3`)).toBe(ERROR_FILL);
    expect(s.fill(`${col('surname')}3`)).toBeNull();
    expect(s.note(`${col('snils')}3`)).toBe('⚠ СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС');
    expect(s.fill('A4')).toBe(CONFLICT_FILL);
    expect(s.fill(`${resCol}4`)).toBe(CONFLICT_FILL);
    expect(s.fill('A2')).toBeNull();
    // the user's own note is never replaced
    s.setNote(`${col('phone')}5`, 'моя заметка');
    s.setFill('A6', '#00FF00'); // a row the chair coloured herself

    // next push: both rows fine now, row 5 fails on the phone
    const r2 = await writeSyncResults(
      fake.context,
      [
        { row: 3, outcome: 'updated', id: 'id-3', version: 2 },
        { row: 4, outcome: 'unchanged', id: 'id-4', version: 7 },
        { row: 5, outcome: 'error', errors: [{ field: 'phone', message: 'Телефон: 11 цифр.' }] },
        { row: 6, outcome: 'unchanged', id: 'id-6', version: 1 },
      ],
      { caps: ALL },
    );
    expect(r2).toMatchObject({ notesDeleted: 2, notesAdded: 0, errorCells: 1 });
    expect(s.fill(`${col('snils')}3`)).toBeNull();
    expect(s.note(`${col('snils')}3`)).toBeUndefined();
    expect(s.fill('A4')).toBeNull();
    expect(s.fill(`${col('phone')}5`)).toBe(ERROR_FILL);
    expect(s.note(`${col('phone')}5`)).toBe('моя заметка');
    expect(s.fill('A6')).toBe('#00FF00');
    expect(s.values(`${resCol}3:${resCol}4`).map((r) => r[0])).toEqual(['Обновлён', 'Без изменений']);
    expect(s.values(`${idCol}4:${verCol}4`)).toEqual([['id-4', 7]]);
    expect(s.notesCount()).toBe(1);
  });

  test('accepted rows count as unchanged for the next «только изменённые»', async () => {
    const fake = await preparedSheet();
    const s = fake.sheet(MEMBER_SHEET_NAME);
    s.setValues('A2', [['Иванова', 'Анна', '', 'Ж', '01.02.1990']]);
    let read = await readMemberRows(fake.context, { onlyChanged: true });
    expect(read.rows.map((r) => r.row)).toEqual([2]);
    await writeSyncResults(fake.context, [{ row: 2, outcome: 'created', id: 'id-1', version: 1 }], { caps: ALL, sent: read.rows });
    read = await readMemberRows(fake.context, { onlyChanged: true });
    expect(read.rows).toEqual([]);
    s.setValues('B2', [['Мария']]);
    read = await readMemberRows(fake.context, { onlyChanged: true });
    expect(read.rows.map((r) => r.id)).toEqual(['id-1']);
  });

  test('with comments only (ExcelApi 1.10) the message goes into a comment; with neither, fills only', async () => {
    for (const caps of [{ ...BASELINE_CAPABILITIES, comments: true }, BASELINE_CAPABILITIES]) {
      const fake = await preparedSheet(3, caps);
      const s = fake.sheet(MEMBER_SHEET_NAME);
      await writeSyncResults(fake.context, [{ row: 3, outcome: 'error', errors: [{ field: 'email', message: 'Нет знака @.' }] }], { caps });
      expect(s.fill(`${col('email')}3`)).toBe(ERROR_FILL);
      expect(s.notesCount()).toBe(0);
      expect(s.comment(`${col('email')}3`)).toBe(caps.comments ? '⚠ Нет знака @.' : undefined);
      await writeSyncResults(fake.context, [{ row: 3, outcome: 'updated', id: 'a', version: 2 }], { caps });
      expect(s.fill(`${col('email')}3`)).toBeNull();
      expect(s.commentsCount()).toBe(0);
    }
  });

  test('an error in a hidden column is shown on «Результат»', async () => {
    const fake = await preparedSheet(2);
    const s = fake.sheet(MEMBER_SHEET_NAME);
    await writeSyncResults(fake.context, [{ row: 2, outcome: 'error', errors: [{ field: 'version', message: 'Укажите версию.' }] }], { caps: ALL });
    const resCol = columnLetter(HEADERS.indexOf(RESULT_HEADER));
    expect(s.fill(`${resCol}2`)).toBe(ERROR_FILL);
    expect(s.note(`${resCol}2`)).toBe('⚠ Укажите версию.');
  });
});

describe('markValidationErrors and clearMarks', () => {
  test('a new check replaces the marks of the previous one; conflicts stay; clearMarks removes all', async () => {
    const fake = await preparedSheet(6);
    const s = fake.sheet(MEMBER_SHEET_NAME);
    const resCol = columnLetter(HEADERS.indexOf(RESULT_HEADER));
    await writeSyncResults(fake.context, [{ row: 7, outcome: 'conflict', conflict: { reason: 'stale_version', message: 'Запись изменена другим пользователем.' } }], { caps: ALL });
    let r = await markValidationErrors(
      fake.context,
      [
        { row: 2, field: 'birthDate', message: 'Дата рождения в будущем.' },
        { row: 2, field: 'surname', message: 'Только кириллица.' },
        { row: 4, field: 'snils', message: 'Неверный СНИЛС.' },
      ],
      { caps: ALL },
    );
    expect(r).toMatchObject({ errorCells: 3, notesAdded: 3 });
    expect(s.fill(`${col('birthDate')}2`)).toBe(ERROR_FILL);
    expect(s.values(`${resCol}2`)[0][0]).toBe('Ошибка: Дата рождения в будущем.; Фамилия: только кириллица.');
    r = await markValidationErrors(fake.context, [{ row: 4, field: 'snils', message: 'Неверный СНИЛС.' }], { caps: ALL });
    expect(s.fill(`${col('birthDate')}2`)).toBeNull();
    expect(s.note(`${col('birthDate')}2`)).toBeUndefined();
    expect(s.values(`${resCol}2`)[0][0]).toBe('');
    expect(s.fill(`${col('snils')}4`)).toBe(ERROR_FILL);
    expect(s.fill('A7')).toBe(CONFLICT_FILL);
    expect(s.notesCount()).toBe(1);
    await clearMarks(fake.context, { caps: ALL });
    expect(s.fill(`${col('snils')}4`)).toBeNull();
    expect(s.fill('A7')).toBeNull();
    expect(s.notesCount()).toBe(0);
    expect(s.values(`${resCol}2:${resCol}7`).every((v) => v[0] === '')).toBe(true);
  });

  test('without RangeAreas each mark is its own range, still one sync per chunk', async () => {
    const fake = await preparedSheet(50);
    const errors = Array.from({ length: 50 }, (_, i) => ({ row: i + 2, field: 'phone' as const, message: 'Телефон: 11 цифр.' }));
    const r = await markValidationErrors(fake.context, errors, { caps: BASELINE_CAPABILITIES, limits: { maxOps: 40 } });
    expect(r.chunks).toBeGreaterThan(1);
    // table + «Результат» column + one per chunk
    expect(fake.syncCount).toBe(2 + r.chunks);
    expect(fake.syncs.every((x) => x.actions < 200)).toBe(true);
    expect(fake.sheet(MEMBER_SHEET_NAME).fill(`${col('phone')}51`)).toBe(ERROR_FILL);
  });
});

describe('selection', () => {
  test('selectCell selects the field of the row on the member sheet', async () => {
    const fake = await preparedSheet(5);
    fake.setSelection('Лист1', 'A1');
    const address = await selectCell(fake.context, 4, 'snils');
    expect(address).toBe(`${col('snils')}4`);
    expect(fake.activeSheetName).toBe(MEMBER_SHEET_NAME);
    expect(fake.selectionAddress).toBe(`'${MEMBER_SHEET_NAME}'!${col('snils')}4`);
    expect(fake.syncCount).toBe(2);
  });

  test('readSelectedRowNumbers: rows of the selection inside the table body', async () => {
    const fake = await preparedSheet(10);
    fake.setSelection(MEMBER_SHEET_NAME, 'C1:D4');
    expect(await readSelectedRowNumbers(fake.context)).toEqual([2, 3, 4]);
    expect(fake.syncCount).toBe(2); // the selection, then the visible rows of it
    fake.setSelection(MEMBER_SHEET_NAME, 'B3:B4,E8,F20');
    expect(await readSelectedRowNumbers(fake.context, { caps: ALL })).toEqual([3, 4, 8]);
    fake.setSelection(MEMBER_SHEET_NAME, 'E:E');
    expect(await readSelectedRowNumbers(fake.context)).toHaveLength(10);
    fake.setSelection('Лист1', 'A2:A5');
    expect(await readSelectedRowNumbers(fake.context)).toEqual([]);
    fake.setSelection(MEMBER_SHEET_NAME, 'B3:B4,E8');
    expect((await errorOf(readSelectedRowNumbers(fake.context, { caps: BASELINE_CAPABILITIES }))).code).toBe('selection_invalid');
  });

  test('readSelectedRows: rows a filter hides inside the selected block are left out and counted', async () => {
    const fake = await preparedSheet(10);
    // the AutoFilter keeps every other row (sheet rows 3, 5, 7, 9, 11 stay visible)
    let i = 0;
    fake.filterTable(MEMBER_TABLE_NAME, () => i++ % 2 === 1);
    fake.setSelection(MEMBER_SHEET_NAME, 'A2:C8');
    expect(await readSelectedRows(fake.context)).toEqual({ visible: [3, 5, 7], hidden: [2, 4, 6, 8] });
    expect(await readSelectedRowNumbers(fake.context)).toEqual([3, 5, 7]);
    // two blocks (RangeAreas), one of them entirely hidden
    fake.setSelection(MEMBER_SHEET_NAME, 'A2,B9:B11');
    expect(await readSelectedRows(fake.context, { caps: ALL })).toEqual({ visible: [9, 11], hidden: [2, 10] });
    fake.filterTable(MEMBER_TABLE_NAME, null);
    expect(await readSelectedRows(fake.context, { caps: ALL })).toEqual({ visible: [2, 9, 10, 11], hidden: [] });
  });
});
