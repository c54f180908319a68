/** The fake must fail where Excel fails, or tests built on it prove nothing. */
import { FakeExcel, FakeOfficeError } from './test-fakes';

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as FakeOfficeError).code;
  }
}

describe('FakeExcel behaves like Excel where our code could go wrong', () => {
  test('a property cannot be read before load() and sync()', async () => {
    const fake = new FakeExcel();
    fake.sheet('Лист1').setValues('A1', [['x']]);
    const r = fake.context.workbook.worksheets.getItem('Лист1').getRange('A1');
    expect(() => r.values).toThrow(/not available/);
    r.load('values');
    expect(() => r.values).toThrow(/not available/);
    await fake.context.sync();
    expect(r.values).toEqual([['x']]);
    expect(fake.syncCount).toBe(1);
  });

  test('writes are applied only at sync, in order', async () => {
    const fake = new FakeExcel();
    const r = fake.context.workbook.worksheets.getItem('Лист1').getRange('A1:B1');
    r.values = [['a', 'b']];
    expect(fake.sheet('Лист1').values('A1:B1')).toEqual([['', '']]);
    await fake.context.sync();
    expect(fake.sheet('Лист1').values('A1:B1')).toEqual([['a', 'b']]);
  });

  test('isNullObject is settled by a sync, even without load()', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItemOrNullObject('Нет такого');
    expect(() => ws.isNullObject).toThrow();
    await fake.context.sync();
    expect(ws.isNullObject).toBe(true);
  });

  test('errors surface at sync with Office codes, earlier actions stay applied', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    ws.getRange('A1').values = [['до ошибки']];
    fake.context.workbook.tables.getItem('НетТакой').load('name');
    expect(await code(fake.context.sync())).toBe('ItemNotFound');
    expect(fake.sheet('Лист1').values('A1')).toEqual([['до ошибки']]);
  });

  test('values must match the range; null keeps a cell; strings are parsed like typed input unless the cell is text', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    ws.getRange('A1:B1').values = [['x']];
    expect(await code(fake.context.sync())).toBe('InvalidArgument');
    fake.sheet('Лист1').setValues('A2', [['keep', 'keep']]);
    ws.getRange('A2:B2').values = [[null as unknown as string, 'new']];
    const general = ws.getRange('C1:E1');
    general.values = [['01234567890', '01.02.1990', '+79123456789']];
    const text = ws.getRange('C2:E2');
    text.numberFormat = [['@']];
    text.values = [['01234567890', '01.02.1990', '+79123456789']];
    await fake.context.sync();
    const s = fake.sheet('Лист1');
    expect(s.values('A2:B2')).toEqual([['keep', 'new']]);
    expect(s.values('C1:E1')).toEqual([[1234567890, 32905, 79123456789]]);
    expect(s.values('C2:E2')).toEqual([['01234567890', '01.02.1990', '+79123456789']]);
  });

  test('cell-level properties cannot be set on whole columns', async () => {
    const fake = new FakeExcel();
    fake.context.workbook.worksheets.getItem('Лист1').getRange('C:C').numberFormat = [['@']];
    expect(await code(fake.context.sync())).toBe('InvalidArgument');
  });

  test('a request above the cap is refused whole; the sync is still counted', async () => {
    const fake = new FakeExcel({ payloadCap: 10_000 });
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    ws.getRange('A1:A100').values = Array.from({ length: 100 }, () => ['ж'.repeat(100)]);
    expect(await code(fake.context.sync())).toBe('RequestPayloadSizeLimitExceeded');
    expect(fake.sheet('Лист1').values('A1')).toEqual([['']]);
    expect(fake.syncCount).toBe(1);
    expect(fake.maxRequestBytes).toBeGreaterThan(10_000);
  });

  test('a response above the cap is refused', async () => {
    const fake = new FakeExcel({ payloadCap: 10_000 });
    fake.sheet('Лист1').setValues('A1', Array.from({ length: 100 }, () => ['ж'.repeat(100)]));
    const r = fake.context.workbook.worksheets.getItem('Лист1').getRange('A1:A100').load('values');
    expect(await code(fake.context.sync())).toBe('ResponsePayloadSizeLimitExceeded');
    expect(() => r.values).toThrow();
  });

  test('getRanges refuses addresses longer than 255 characters', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    const long = Array.from({ length: 60 }, (_, i) => `A${i + 1000}`).join(',');
    expect(long.length).toBeGreaterThan(255);
    ws.getRanges(long).format.fill.color = '#FF0000';
    expect(await code(fake.context.sync())).toBe('InvalidArgument');
  });

  test('a table keeps a header and one body row; rows.add copies the number formats above', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    ws.getRange('A1:B1').values = [['Код', 'Имя']];
    const t = ws.tables.add('A1:B1', true);
    t.name = 'Т';
    await fake.context.sync();
    expect(fake.table('Т')?.address).toBe('A1:B2');
    ws.getRange('A2').numberFormat = [['@']];
    t.rows.add(undefined, [['007', 'x']]);
    await fake.context.sync();
    expect(fake.table('Т')?.bodyValues()).toEqual([
      ['', ''],
      ['007', 'x'],
    ]);
    ws.getRange('A2:B3').delete('Up');
    expect(await code(fake.context.sync())).toBe('InvalidOperation');
  });

  test('a cell holds one note; notes move with deleted rows', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    ws.notes.add('B5', 'одна');
    await fake.context.sync();
    ws.notes.add("'Лист1'!B5", 'вторая');
    expect(await code(fake.context.sync())).toBe('InvalidArgument');
    ws.getRange('A1:C2').delete('Up');
    await fake.context.sync();
    expect(fake.sheet('Лист1').note('B3')).toBe('одна');
    ws.notes.load('items/content');
    await fake.context.sync();
    const loc = ws.notes.items[0].getLocation().load('address');
    await fake.context.sync();
    expect(loc.address).toBe('Лист1!B3');
  });

  test('a very hidden sheet cannot be activated and the last visible sheet cannot be hidden', async () => {
    const fake = new FakeExcel();
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    ws.visibility = 'VeryHidden';
    expect(await code(fake.context.sync())).toBe('InvalidOperation');
    const other = fake.context.workbook.worksheets.add('Скрытый');
    other.visibility = 'VeryHidden';
    await fake.context.sync();
    other.activate();
    expect(await code(fake.context.sync())).toBe('InvalidOperation');
  });
});
