import type ExcelJS from 'exceljs';
import { readCell } from './sheet-read';

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
