import type ExcelJS from 'exceljs';
import { findHeaderRow, mapHeaders, missingRequired, normaliseHeader, readCell } from './sheet-read';

describe('headers', () => {
  test('normaliseHeader: case, ё, punctuation', () => {
    expect(normaliseHeader('  Дата  рождения: ')).toBe('дата рождения');
    expect(normaliseHeader('Ф.И.О.')).toBe('ф и о');
    expect(normaliseHeader('ОТЧЁТНАЯ «Категория»')).toBe('отчетная категория');
  });

  test('exact headers first, then HR aliases; unknown columns listed; «Результат» recognised', () => {
    const map = mapHeaders(['№', 'Ф.И.О.', 'Д.р.', 'Моб. телефон', 'E-mail', 'Категория члена профсоюза', 'Табельный номер', 'Результат', 'ID в реестре', 'версия'], 3);
    expect(map.columns).toEqual({ surname: 2, birthDate: 3, phone: 4, email: 5, category: 6, id: 9, version: 10 });
    expect(map.resultCol).toBe(8);
    expect(map.unknown).toEqual(['№', 'Табельный номер']);
    expect(map.fullNameColumn).toBe(true);
    expect(missingRequired(map)).toEqual([]);
  });

  test('the add-in\'s hidden «Ключ строки» is not reported as an unknown column of an upload', () => {
    const map = mapHeaders(['Фамилия', 'Имя', 'Дата рождения', 'Категория', 'Результат', 'Ключ строки', 'Табельный номер'], 1);
    expect(map.unknown).toEqual(['Табельный номер']);
  });

  test('a plain «Фамилия» column needs «Имя»; a repeated header is taken once', () => {
    const map = mapHeaders(['Фамилия', 'Дата рождения', 'Категория', 'Фамилия'], 1);
    expect(map.fullNameColumn).toBe(false);
    expect(map.columns.surname).toBe(1);
    expect(map.unknown).toEqual(['Фамилия']);
    expect(missingRequired(map)).toEqual(['name']);
  });

  test('findHeaderRow: the best row among the first ten that names the surname and one more column', () => {
    const sheet: Record<number, string[]> = {
      1: ['Список работников МБОУ СОШ № 5'],
      2: ['Фамилия'],
      4: ['Фамилия', 'Имя', 'Дата рождения', 'Категория'],
      5: ['Иванов', 'Иван', '01.01.1980', 'Работник'],
    };
    expect(findHeaderRow((r) => sheet[r] ?? [], 5)).toMatchObject({ row: 4, matched: 4 });
    expect(findHeaderRow((r) => (r === 11 ? sheet[4] : []), 20)).toBeNull();
    expect(findHeaderRow((r) => (r === 1 ? ['Имя', 'Дата рождения', 'Категория'] : []), 3)).toBeNull();
  });
});

describe('readCell', () => {
  const v = (x: unknown) => readCell(x as ExcelJS.CellValue);

  test('plain values as they are; our CSV apostrophe taken off', () => {
    const d = new Date(Date.UTC(1990, 6, 3));
    expect(v('Иванов')).toEqual({ ok: true, value: 'Иванов' });
    expect(v("'=1+2")).toEqual({ ok: true, value: '=1+2' });
    expect(v(33057)).toEqual({ ok: true, value: 33057 });
    expect(v(d)).toEqual({ ok: true, value: d });
    expect(v(true)).toEqual({ ok: true, value: true });
    expect(v(null)).toEqual({ ok: true, value: undefined });
  });

  test('rich text and hyperlinks as their text', () => {
    expect(v({ richText: [{ text: 'Ива' }, { text: 'нов', font: { bold: true } }] })).toEqual({ ok: true, value: 'Иванов' });
    expect(v({ text: 'a@b.ru', hyperlink: 'mailto:a@b.ru' })).toEqual({ ok: true, value: 'a@b.ru' });
    expect(v({ text: { richText: [{ text: 'a@b.ru' }] }, hyperlink: 'mailto:a@b.ru' })).toEqual({ ok: true, value: 'a@b.ru' });
  });

  test('formulas by their cached result, never evaluated; no result or an error result is a problem', () => {
    expect(v({ formula: 'A1&B1', result: 'Иванов Иван' })).toEqual({ ok: true, value: 'Иванов Иван' });
    expect(v({ sharedFormula: 'B2', result: 33057 })).toEqual({ ok: true, value: 33057 });
    expect(v({ formula: 'NOW()' })).toEqual({ ok: false, problem: 'formula' });
    expect(v({ formula: 'NA()', result: { error: '#N/A' } })).toEqual({ ok: false, problem: 'error', code: '#N/A' });
    expect(v({ error: '#REF!' })).toEqual({ ok: false, problem: 'error', code: '#REF!' });
  });
});
