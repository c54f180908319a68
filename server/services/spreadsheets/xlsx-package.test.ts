import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { AppError } from '../../errors';
import { craftZip } from '../documents/test-fixtures';
import { parseArea, prepareXlsx, tagCounter, tameSheetXml, VALIDATION_SPARE_ROWS } from './xlsx-package';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/** A workbook of `rows` data rows whose sheet XML is then edited by `edit`. */
async function workbookWith(rows: number, edit: (xml: string) => string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Лист1');
  ws.getRow(1).values = ['Фамилия', 'Имя', 'Категория'];
  for (let r = 2; r <= rows + 1; r++) ws.getRow(r).values = [`Ф${r}`, `И${r}`, 'Работник'];
  ws.getCell('C2').dataValidation = { type: 'list', formulae: ['"Работник,Обучающийся"'] };
  ws.mergeCells('E1:F1');
  const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
  const xml = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
  zip.file('xl/worksheets/sheet1.xml', edit(xml));
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** Cells exceljs holds a data validation for, once the file is loaded. */
async function loadedValidations(buf: Buffer): Promise<number> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return Object.keys((wb.worksheets[0] as unknown as { dataValidations: { model: object } }).dataValidations.model).length;
}

describe('parseArea', () => {
  test.each([
    ['A1', { top: 1, left: 1, bottom: 1, right: 1 }],
    ['$B$2:$D$10', { top: 2, left: 2, bottom: 10, right: 4 }],
    ['J:J', { top: 1, left: 10, bottom: 1_048_576, right: 10 }],
    ['3:5', { top: 3, left: 1, bottom: 5, right: 16_384 }],
    ['C2:C1048576', { top: 2, left: 3, bottom: 1_048_576, right: 3 }],
  ])('%s', (ref, area) => expect(parseArea(ref)).toEqual(area));

  test.each(['', 'A', '7', 'A1:B2:C3', 'B5:A1', 'XFE1', 'A0', 'hello'])('%j is not an area', (ref) => expect(parseArea(ref)).toBeNull());
});

describe('tameSheetXml', () => {
  const sheet = (rows: number, validations: string, merges = '') =>
    `<worksheet><dimension ref="A1:C${rows}"/><sheetData>${Array.from({ length: rows }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"/></row>`).join('')}</sheetData>${merges}<dataValidations count="1">${validations}</dataValidations></worksheet>`;

  test('whole-column and huge ranges are clamped to the used rows plus spare rows; small ones are kept', () => {
    const xml = sheet(50, '<dataValidation type="list" sqref="C2:C1048576 D:D E2:E20"><formula1>"a,b"</formula1></dataValidation>');
    const out = tameSheetXml(xml);
    expect(out).toContain(`sqref="C2:C${50 + VALIDATION_SPARE_ROWS} D1:D${50 + VALIDATION_SPARE_ROWS} E2:E20"`);
  });

  test('our template (rules to row 1001, a few rows filled) is not changed', () => {
    const xml = sheet(5, '<dataValidation type="list" sqref="J2:J1001"><formula1>x</formula1></dataValidation>');
    expect(tameSheetXml(xml)).toBe(xml);
  });

  test('merged areas larger than any header are dropped, ordinary ones kept', () => {
    const xml = sheet(10, '', '<mergeCells count="2"><mergeCell ref="A1:XFD1048576"/><mergeCell ref="A1:F1"/></mergeCells>');
    const out = tameSheetXml(xml);
    expect(out).not.toContain('A1:XFD1048576');
    expect(out).toContain('<mergeCell ref="A1:F1"/>');
  });

  test('a sheet without validations or merges is returned as it is', () => {
    const xml = '<worksheet><sheetData><row r="1"/></sheetData></worksheet>';
    expect(tameSheetXml(xml)).toBe(xml);
  });
});

describe('prepareXlsx', () => {
  test('a workbook with whole-column dropdowns reaches exceljs with them clamped (a few thousand cells instead of millions)', async () => {
    const buf = await workbookWith(20, (xml) => xml.replace(/sqref="C2"/, 'sqref="C2:C1048576 D2:D1048576 E:E"').replace('E1:F1', 'A1:XFD1048576'));
    const prepared = await prepareXlsx(buf);
    expect(prepared).not.toBe(buf);
    expect(await loadedValidations(prepared)).toBe(3 * (21 + VALIDATION_SPARE_ROWS) - 2);
  });

  test('an ordinary workbook is handed over unchanged', async () => {
    const buf = await workbookWith(3, (xml) => xml);
    expect(await prepareXlsx(buf)).toBe(buf);
  });

  test('refuses a zip bomb (413), a broken archive (422), an archive that is not a workbook (415)', async () => {
    const bomb = craftZip([{ name: 'xl/workbook.xml', data: Buffer.alloc(129 * 1024 * 1024) }]);
    expect((await rejection(prepareXlsx(bomb))).status).toBe(413);
    const liar = craftZip([{ name: 'xl/workbook.xml', data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 100 }]);
    expect((await rejection(prepareXlsx(liar))).code).toBe('upload_unpacks_too_large');
    const good = await workbookWith(1, (xml) => xml);
    expect((await rejection(prepareXlsx(good.subarray(0, good.length - 40)))).status).toBe(422);
    const notBook = craftZip([{ name: 'readme.txt', data: Buffer.from('hello') }]);
    const r = await rejection(prepareXlsx(notBook));
    expect([r.status, r.code]).toEqual([415, 'upload_not_spreadsheet']);
  });

  test('refuses more rows than any member list has (413) before exceljs reads them', async () => {
    const rows = Array.from({ length: 60_001 }, (_, i) => `<row r="${i + 1}"/>`).join('');
    const zip = craftZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(`<worksheet><sheetData>${rows}</sheetData></worksheet>`) },
    ]);
    const r = await rejection(prepareXlsx(zip));
    expect([r.status, r.code]).toEqual([413, 'upload_too_many_rows']);
    expect(r.detail).toMatch(/слишком много строк/);
  });

  test('more shared strings than a list has cells is refused too (413)', async () => {
    const strings = '<si><t>a</t></si>'.repeat(1_000_001);
    const zip = craftZip([
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst>${strings}</sst>`) },
    ]);
    const r = await rejection(prepareXlsx(zip));
    expect([r.status, r.code]).toEqual([413, 'upload_too_many_rows']);
  });
});

describe('tagCounter: tags counted in a part that arrives piece by piece (issue 15, hole 1)', () => {
  test('every way of cutting the text into pieces gives the same counts, a tag cut in two counts once', () => {
    const xml = '<worksheet><sheetData><row r="1"><c r="A1"/><c r="B1"><v>1</v></c></row><x:row r="2"><x:c r="A2"/></x:row><row/><cols/></sheetData></worksheet>';
    for (let a = 0; a <= xml.length; a++) {
      for (const b of [a, Math.min(xml.length, a + 3), Math.min(xml.length, a + 9)]) {
        const n = { rows: 0, cells: 0 };
        const count = tagCounter([
          [/<(?:\w{1,8}:)?row[\s>/]/g, () => (n.rows++, false)],
          [/<(?:\w{1,8}:)?c[\s>/]/g, () => (n.cells++, false)],
        ]);
        for (const piece of [xml.slice(0, a), xml.slice(a, b), xml.slice(b)]) count(Buffer.from(piece, 'latin1'));
        expect([a, b, n]).toEqual([a, b, { rows: 3, cells: 3 }]);
      }
    }
  });

  test('the error a tag returns is thrown at once', () => {
    const count = tagCounter([[/<row[\s>/]/g, () => new AppError(413, 'x', 'stop')]]);
    count(Buffer.from('<sheetData>'));
    expect(() => count(Buffer.from('<row/>'))).toThrow('stop');
  });
});
