/** Reading delivery lists: encodings, separators, quoting, header variants, .xlsx, and what is refused. */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { AppError } from '../../errors';
import { decodeText, detectSeparator, parseCsv, readDeliveryFile } from './delivery-file';
import { parseCardStatus } from './delivery-import.service';
import { guardXlsxZip } from './zip-limits';

const ID = '0b9d2c1e-5a1f-4c3e-9b7d-2f6e8a1c3d4e';

describe('decodeText', () => {
  test('UTF-8 with and without BOM, Windows-1251, UTF-16LE', () => {
    const text = 'Статус ЭПБ;Дата';
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(iconv.encode(text, 'win1251'))).toEqual({ text, encoding: 'windows-1251' });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]))).toEqual({ text, encoding: 'utf-16' });
  });
});

describe('CSV', () => {
  test('separator of the header line; quotes protect separators, quotes and line breaks', () => {
    expect(detectSeparator('a;b;c\n1,2;3')).toBe(';');
    expect(detectSeparator('"a;b",c,d\n')).toBe(',');
    expect(detectSeparator('a\tb\tc')).toBe('\t');
    expect(parseCsv('a;"b;1";"say ""hi"""\r\n"x\ny";2;\n', ';')).toEqual([
      ['a', 'b;1', 'say "hi"'],
      ['x\ny', '2', ''],
    ]);
  });

  test('a Windows-1251 list with commas and a title line above the header', async () => {
    const text = `Список доставки ЭПБ,,,\r\nСНИЛС,ID члена Профсоюза,Статус,Дата статуса\r\n112-233-445 95,${ID},Изготовлен,20.11.2026\r\n,,,\r\n112-233-445 95,,Отправлен,21.11.2026\r\n`;
    const f = await readDeliveryFile(iconv.encode(text, 'win1251'));
    expect(f).toMatchObject({ format: 'csv', encoding: 'windows-1251', separator: ',', headerRow: 2 });
    expect(f.columns.sort()).toEqual(['date', 'memberId', 'snils', 'status']);
    expect(f.rows).toEqual([
      { row: 3, cells: { snils: '112-233-445 95', memberId: ID, status: 'Изготовлен', date: '20.11.2026' } },
      { row: 5, cells: { snils: '112-233-445 95', memberId: '', status: 'Отправлен', date: '21.11.2026' } },
    ]);
  });

  test('refused: no header, an empty file, the old .xls format', async () => {
    const code = async (b: Buffer) => ((await readDeliveryFile(b).catch((e: unknown) => e)) as AppError).code;
    expect(await code(Buffer.from('Фамилия;Имя\nИванова;Анна\n'))).toBe('delivery_no_header');
    expect(await code(Buffer.alloc(0))).toBe('delivery_empty');
    expect(await code(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toBe('delivery_xls');
  });
});

describe('.xlsx', () => {
  test('the first visible sheet, header found by name, dates as dates, numbers and rich text as values', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Доставка');
    ws.addRow(['Статус ЭПБ', 'СНИЛС', 'Дата статуса']);
    ws.addRow([{ richText: [{ text: 'Получен ' }, { text: 'организацией' }] }, 11223344595, new Date('2026-11-25T00:00:00Z')]);
    const f = await readDeliveryFile(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(f).toMatchObject({ format: 'xlsx', headerRow: 1 });
    expect(f.rows).toEqual([{ row: 2, cells: { status: 'Получен организацией', snils: 11223344595, date: new Date('2026-11-25T00:00:00Z') } }]);
  });

  test('a zip that unpacks into far more than it declares, or more than the limit, is refused before exceljs reads it', async () => {
    const zip = new JSZip();
    zip.file('xl/worksheets/sheet1.xml', 'x'.repeat(2_000_000));
    const ok = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    expect(guardXlsxZip(ok)).toBe(2_000_000);
    expect(() => guardXlsxZip(ok, 1_000_000)).toThrow(expect.objectContaining({ status: 413 }));
    // Lie about the size in both headers: the capped inflate notices.
    const liar = Buffer.from(ok);
    const lieAt = (sig: number, off: number) => {
      for (let i = 0; i < liar.length - 4; i++) if (liar.readUInt32LE(i) === sig) liar.writeUInt32LE(1000, i + off);
    };
    lieAt(0x02014b50, 24);
    lieAt(0x04034b50, 22);
    expect(() => guardXlsxZip(liar)).toThrow(expect.objectContaining({ status: 413 }));
    expect(() => guardXlsxZip(Buffer.from('PK\u0003\u0004 broken'))).toThrow(expect.objectContaining({ code: 'delivery_bad_file' }));
  });
});

describe('parseCardStatus', () => {
  test('labels, codes, ё/е and case, and the unique beginning of a label', () => {
    expect(parseCardStatus('Получен организацией')).toBe('received');
    expect(parseCardStatus('получен')).toBe('received');
    expect(parseCardStatus('ОТПРАВЛЕН')).toBe('sent');
    expect(parseCardStatus('Утерян')).toBe('lost');
    expect(parseCardStatus('issued')).toBe('issued');
    expect(parseCardStatus('Выдан')).toBe('issued');
    expect(parseCardStatus('За')).toBeNull(); // «Заказан» or «Заблокирован»
    expect(parseCardStatus('Доставлен')).toBeNull();
    expect(parseCardStatus(5)).toBeNull();
  });
});
