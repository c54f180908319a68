import { PASSPORT_FIELDS, PASSPORT_SECTIONS, PASSPORT_SHEET_NAME, passportLayout } from './passport-layout';
import { createPassportSheet, markPassportErrors, readPassport, writePassport } from './passport-sheet';
import { ERROR_FILL } from './marks';
import { SheetError } from './sheet-utils';
import { FakeExcel } from './test-fakes';

const PASSPORT = {
  inpoNumber: '0161234',
  unionName: 'Первичная профсоюзная организация МБОУ «Школа № 5»',
  inn: '0278012345',
  kpp: '027801001',
  ogrn: '1020202555555',
  registrationDate: '2003-01-15',
  institutionName: 'МБОУ «Школа № 5»',
  institutionType: 'общеобразовательная школа',
  chairFullName: 'Иванова Анна Петровна',
  chairPosition: 'учитель истории',
  employeesCount: 84,
  studentsCount: '1020',
  legalAddress: '450000, г. Уфа, ул. Ленина, д. 1',
  postalAddress: '450000, г. Уфа, ул. Ленина, д. 1',
  postalIndex: '050000',
  phone: '+7 347 123-45-67',
  email: 'school5@example.ru',
};

const rowOf = (key: string): number => {
  const r = passportLayout().find((x) => x.kind === 'field' && x.def.key === key);
  if (!r) throw new Error(key);
  return r.row;
};

describe('passport sheet', () => {
  test('the layout has the four sections with the fields of each, keys in camelCase', () => {
    const layout = passportLayout();
    expect(layout.filter((r) => r.kind === 'section').map((r) => (r.kind === 'section' ? r.title : ''))).toEqual([...PASSPORT_SECTIONS]);
    expect(PASSPORT_FIELDS.map((f) => f.key)).toEqual([
      'inpoNumber', 'unionName', 'inn', 'kpp', 'ogrn', 'registrationDate', 'institutionName', 'institutionType', 'chairFullName',
      'chairPosition', 'employeesCount', 'studentsCount', 'legalAddress', 'postalAddress', 'postalIndex', 'phone', 'email',
    ]);
    expect(layout.filter((r) => r.kind === 'field')).toHaveLength(PASSPORT_FIELDS.length);
  });

  test('write then read returns the passport; leading zeros and dates survive', async () => {
    const fake = new FakeExcel();
    const report = await writePassport(fake.context, { ...PASSPORT, extraField: 'x' });
    expect(report).toMatchObject({ created: true, unknownKeys: ['extraField'], syncs: 2 });
    const s = fake.sheet(PASSPORT_SHEET_NAME);
    expect(s.isColumnHidden('A')).toBe(true);
    expect(s.frozenRows).toBe(2);
    expect(s.values(`B${rowOf('inn')}:C${rowOf('inn')}`)).toEqual([['ИНН', '0278012345']]);
    expect(typeof s.values(`C${rowOf('registrationDate')}`)[0][0]).toBe('number');
    expect(s.numberFormat(`C${rowOf('registrationDate')}`)).toBe('dd.mm.yyyy');
    expect(s.validation(`C${rowOf('employeesCount')}`)?.rule).toMatchObject({ wholeNumber: { formula1: 0 } });
    fake.resetCounters();
    const read = await readPassport(fake.context);
    expect(fake.syncCount).toBe(1);
    expect(read).toEqual({ ...PASSPORT, studentsCount: 1020 });
  });

  test('fields missing from a later write keep their cells; rows the chair inserted do not shift values', async () => {
    const fake = new FakeExcel();
    await writePassport(fake.context, PASSPORT);
    const s = fake.sheet(PASSPORT_SHEET_NAME);
    s.setValues(`C${rowOf('phone')}`, [['+7 347 000-00-00']]);
    await writePassport(fake.context, { email: 'new@example.ru' });
    let read = await readPassport(fake.context);
    expect(read.phone).toBe('+7 347 000-00-00');
    expect(read.email).toBe('new@example.ru');
    expect(read.inn).toBe('0278012345');
    // simulate an inserted row: everything from the «Организация» section moves one row down
    const org = rowOf('institutionName') - 1;
    const tail = s.values(`A${org}:D40`);
    s.setValues(`A${org}`, [['', 'вставленная строка', '', ''], ...tail]);
    read = await readPassport(fake.context);
    expect(read.institutionName).toBe(PASSPORT.institutionName);
    await createPassportSheet(fake.context);
    expect(s.values(`A${rowOf('institutionName')}:C${rowOf('institutionName')}`)).toEqual([['institutionName', 'Наименование учреждения', PASSPORT.institutionName]]);
    expect(await readPassport(fake.context)).toMatchObject({ institutionName: PASSPORT.institutionName, email: 'new@example.ru' });
  });

  test('errors: value cell red, message beside it; a new check clears the old marks', async () => {
    const fake = new FakeExcel();
    await writePassport(fake.context, PASSPORT);
    const s = fake.sheet(PASSPORT_SHEET_NAME);
    const r1 = await markPassportErrors(fake.context, [
      { field: 'inn', message: 'Неверная контрольная сумма ИНН.' },
      { field: 'kpp', message: 'КПП: 9 знаков.' },
      { field: 'noSuchField', message: '…' },
    ]);
    expect(r1).toEqual({ marked: 2, unknownFields: ['noSuchField'], syncs: 2 });
    expect(s.fill(`C${rowOf('inn')}`)).toBe(ERROR_FILL);
    expect(s.values(`D${rowOf('inn')}`)).toEqual([['Неверная контрольная сумма ИНН.']]);
    await markPassportErrors(fake.context, [{ field: 'kpp', message: 'КПП: 9 знаков.' }]);
    expect(s.fill(`C${rowOf('inn')}`)).toBeNull();
    expect(s.values(`D${rowOf('inn')}`)).toEqual([['']]);
    expect(s.fill(`C${rowOf('kpp')}`)).toBe(ERROR_FILL);
    await writePassport(fake.context, PASSPORT);
    expect(s.fill(`C${rowOf('kpp')}`)).toBeNull();
    expect(s.values(`D${rowOf('kpp')}`)).toEqual([['']]);
  });

  test('a missing form and a foreign sheet of the same name give clear errors', async () => {
    const fake = new FakeExcel();
    await expect(readPassport(fake.context)).rejects.toMatchObject({ code: 'sheet_missing' });
    fake.addSheet(PASSPORT_SHEET_NAME).setValues('A1', [['чужие данные']]);
    const err = await writePassport(fake.context, PASSPORT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SheetError);
    expect((err as SheetError).code).toBe('sheet_occupied');
    expect(fake.sheet(PASSPORT_SHEET_NAME).values('A1')).toEqual([['чужие данные']]);
  });
});
