/** Reading delivery lists: encodings, separators, quoting, header variants, .xlsx, and what is refused. */
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { AppError } from '../../errors';
import { readDeliveryFile } from './delivery-file';
import { parseCardStatus } from './delivery-import.service';

const ID = '0b9d2c1e-5a1f-4c3e-9b7d-2f6e8a1c3d4e';

describe('CSV delivery lists', () => {
  const text = `Статус ЭПБ;ID члена Профсоюза;Дата статуса\r\nПолучен организацией;${ID};01.12.2026\r\n`;
  const expectRows = [{ row: 2, cells: { status: 'Получен организацией', memberId: ID, date: '01.12.2026' } }];

  test('UTF-8 with and without BOM, UTF-16 with BOM, Windows-1251', async () => {
    const variants: [Buffer, string][] = [
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'utf-8'],
      [Buffer.from(text), 'utf-8'],
      [Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]), 'utf-16'],
      [iconv.encode(text, 'win1251'), 'windows-1251'],
    ];
    for (const [bytes, encoding] of variants) {
      const f = await readDeliveryFile(bytes);
      expect(f).toMatchObject({ format: 'csv', encoding, separator: ';', headerRow: 1 });
      expect(f.rows).toEqual(expectRows);
    }
  });

  test('a Windows-1251 list with commas, quotes and a title line above the header', async () => {
    const list = `Список доставки ЭПБ,,,\r\nСНИЛС,ID члена Профсоюза,Статус,Дата статуса\r\n112-233-445 95,${ID},"Изготовлен",20.11.2026\r\n,,,\r\n"112-233-445 95",,"Отправлен, в регион",21.11.2026\r\n`;
    const f = await readDeliveryFile(iconv.encode(list, 'win1251'));
    expect(f).toMatchObject({ format: 'csv', encoding: 'windows-1251', separator: ',', headerRow: 2 });
    expect(f.columns.sort()).toEqual(['date', 'memberId', 'snils', 'status']);
    expect(f.rows).toEqual([
      { row: 3, cells: { snils: '112-233-445 95', memberId: ID, status: 'Изготовлен', date: '20.11.2026' } },
      { row: 5, cells: { snils: '112-233-445 95', memberId: '', status: 'Отправлен, в регион', date: '21.11.2026' } },
    ]);
  });

  test('refused: no header, an empty file, the old .xls format, a binary file, a quote never closed', async () => {
    const code = async (b: Buffer) => ((await readDeliveryFile(b).catch((e: unknown) => e)) as AppError).code;
    expect(await code(Buffer.from('Фамилия;Имя\nИванова;Анна\n'))).toBe('delivery_no_header');
    expect(await code(Buffer.alloc(0))).toBe('delivery_empty');
    expect(await code(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toBe('delivery_xls');
    expect(await code(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]))).toBe('delivery_bad_file');
    const open = (await readDeliveryFile(Buffer.from(`Статус ЭПБ;ID\n"Изготовлен;${ID}\n`)).catch((e: unknown) => e)) as AppError;
    expect(open).toMatchObject({ code: 'delivery_bad_csv', status: 422 });
    expect(open.detail).toContain('строке 2');
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

  test('a zip bomb or a Word document is refused before exceljs reads it (the shared .xlsx guard)', async () => {
    // An entry that inflates far beyond the size its headers declare.
    const bomb = new JSZip();
    bomb.file('xl/workbook.xml', '<workbook/>');
    bomb.file('xl/worksheets/sheet1.xml', 'x'.repeat(2_000_000));
    const buf = await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const sizeAt = (sig: number, offset: number) => {
      for (let i = 0; i < buf.length - 4; i++) if (buf.readUInt32LE(i) === sig && buf.readUInt32LE(i + offset) === 2_000_000) buf.writeUInt32LE(1000, i + offset);
    };
    sizeAt(0x02014b50, 24);
    sizeAt(0x04034b50, 22);
    await expect(readDeliveryFile(buf)).rejects.toMatchObject({ status: 413 });
    const word = new JSZip();
    word.file('word/document.xml', '<w:document/>');
    await expect(readDeliveryFile(await word.generateAsync({ type: 'nodebuffer' }))).rejects.toMatchObject({ status: 415 });
    await expect(readDeliveryFile(Buffer.from('PK\u0003\u0004 broken'))).rejects.toMatchObject({ status: 422 });
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
    // The spellings of real lists: the card is «она» (карта), «вручена» means issued.
    expect(parseCardStatus('выдана')).toBe('issued');
    expect(parseCardStatus('Вручена')).toBe('issued');
    expect(parseCardStatus('получена организацией')).toBe('received');
    expect(parseCardStatus(5)).toBeNull();
  });
});
