import iconv from 'iconv-lite';
import { CsvError, CsvScanner, decodeCsv, detectSeparator, parseCsv, readCsv, toCsv } from './csv';

describe('decodeCsv', () => {
  const text = 'Фамилия;Имя\r\nЁлкина;Дарья\r\n';

  test('UTF-8 with and without BOM', () => {
    expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'UTF-8' });
    expect(decodeCsv(Buffer.from(text))).toEqual({ text, encoding: 'UTF-8' });
  });

  test('Windows-1251 (not valid UTF-8) is read as Windows-1251', () => {
    expect(decodeCsv(iconv.encode(text, 'win1251'))).toEqual({ text, encoding: 'Windows-1251' });
  });

  test('UTF-16 with a BOM, little and big endian', () => {
    expect(decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toEqual({ text, encoding: 'UTF-16' });
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(decodeCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({ text, encoding: 'UTF-16' });
  });

  test('a binary file is not text', () => {
    expect(() => decodeCsv(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]))).toThrow(CsvError);
  });
});

describe('detectSeparator', () => {
  test('the most frequent of ; , tab outside quotes; ; wins a tie and the empty case', () => {
    expect(detectSeparator('Фамилия;Имя;Дата рождения\nА;Б;01.01.1990')).toBe(';');
    expect(detectSeparator('Фамилия,Имя,Дата рождения\nА,Б,01.01.1990')).toBe(',');
    expect(detectSeparator('Фамилия\tИмя\tДата\nА\tБ\t1')).toBe('\t');
    expect(detectSeparator('"Иванов, Иван";Работник\n"Петров, Пётр";Работник')).toBe(';');
    expect(detectSeparator('a;b\nc,d')).toBe(';');
    expect(detectSeparator('ФИО')).toBe(';');
  });

  test('a title line with commas above a «;» table does not mislead it', () => {
    expect(detectSeparator('Список работников, школа № 5, на 01.09.2026\nФамилия;Имя;Дата;Категория\nА;Б;1;Р\nВ;Г;2;Р')).toBe(';');
  });
});

describe('parseCsv', () => {
  test('quoted separators, doubled quotes, line breaks inside quotes, CRLF/LF/CR', () => {
    const text = 'a;"b;c";"say ""hi"""\r\n"line\r\nbreak";x\ny;z\rlast;"";end';
    expect(parseCsv(text, ';')).toEqual([
      ['a', 'b;c', 'say "hi"'],
      ['line\nbreak', 'x'],
      ['y', 'z'],
      ['last', '', 'end'],
    ]);
  });

  test('empty lines are records with one empty field; a final line break adds no record', () => {
    expect(parseCsv('a;b\n\nc;d\n', ';')).toEqual([['a', 'b'], [''], ['c', 'd']]);
    expect(parseCsv('', ';')).toEqual([]);
    expect(parseCsv('a;;\n', ';')).toEqual([['a', '', '']]);
  });

  test('a quote inside an unquoted field is kept; text after a closing quote is kept', () => {
    expect(parseCsv('ООО "Ромашка";1\n"ab"cd;2', ';')).toEqual([
      ['ООО "Ромашка"', '1'],
      ['abcd', '2'],
    ]);
  });

  test('an unclosed quote is an error naming the line it opened on', () => {
    let err: unknown;
    try {
      parseCsv('h1;h2\nИванов;"Иван\nПетров;Пётр\n', ';');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).line).toBe(2);
    expect((err as CsvError).message).toBe('Кавычка, открытая в строке 2 файла, не закрыта до конца файла');
  });

  test('500 fields in a row', () => {
    const row = Array.from({ length: 500 }, (_, i) => `v${i}`);
    expect(parseCsv(row.join(','), ',')).toEqual([row]);
  });
});

describe('toCsv', () => {
  test('UTF-8 with BOM, «;», CRLF, quoting and formula neutralising; reads back with parseCsv', () => {
    const rows = [
      ['Фамилия', 'Должность', 'Телефон', 'Версия'],
      ['Иванов', '=HYPERLINK("http://x","y")', '+7 (912) 345-67-89', 3],
      ['Петров', 'Учитель; завуч', null, 1],
    ];
    const buf = toCsv(rows);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.subarray(3).toString('utf8');
    expect(text).toBe(`Фамилия;Должность;Телефон;Версия\r\nИванов;"'=HYPERLINK(""http://x"",""y"")";'+7 (912) 345-67-89;3\r\nПетров;"Учитель; завуч";;1\r\n`);
    expect(parseCsv(text, ';')).toEqual([
      ['Фамилия', 'Должность', 'Телефон', 'Версия'],
      ['Иванов', `'=HYPERLINK("http://x","y")`, "'+7 (912) 345-67-89", '3'],
      ['Петров', 'Учитель; завуч', '', '1'],
    ]);
  });
});

describe('CsvScanner: the same records whatever pieces the text arrives in', () => {
  const text = 'a;"b;c";"say ""hi"""\r\n"line\r\nbreak";x\ny;z\rlast;"";end\r\n\r\n;;\n"q"tail;\n';

  test('every split point of the text gives the records of the whole text', () => {
    const whole = parseCsv(text, ';');
    for (let cut = 0; cut <= text.length; cut++) {
      for (const second of [cut, Math.min(text.length, cut + 1), Math.min(text.length, cut + 2)]) {
        const records: string[][] = [];
        const s = new CsvScanner(';', { maxRecords: 99, maxColumns: 99, maxCells: 999, maxCellChars: 99 }, (f) => records.push(f));
        s.push(text.slice(0, cut));
        s.push(text.slice(cut, second));
        s.push(text.slice(second));
        s.end();
        expect(records).toEqual(whole);
      }
    }
  });
});

describe('readCsv: caps applied while reading (issue 15, hole 1)', () => {
  const limits = { maxRecords: 1000, maxColumns: 50, maxCells: 2000, maxCellChars: 500 };
  const codeOf = (buf: Buffer, l = limits) => {
    try {
      readCsv(buf, l);
    } catch (err) {
      return err instanceof CsvError ? { code: err.code, line: err.line, message: err.message } : { code: String(err) };
    }
    return { code: 'read' };
  };

  test('blank lines are counted, not kept; rows keep their file row numbers and lose trailing empty fields', () => {
    const t = readCsv(Buffer.from('Фамилия;Имя;;\n\n ; \nИванов;Иван;;\n\n'), limits);
    expect(t.rows).toEqual([
      { row: 1, cells: ['Фамилия', 'Имя'] },
      { row: 4, cells: ['Иванов', 'Иван'] },
    ]);
    expect([t.records, t.blank, t.separator, t.encoding]).toEqual([5, 3, ';', 'UTF-8']);
  });

  test('a file of nothing but line breaks stops at the record cap, blank lines included, naming it in Russian', () => {
    expect(codeOf(Buffer.alloc(5 * 1024 * 1024, '\n'))).toEqual({ code: 'csv_too_many_rows', line: 1001, message: 'В файле больше 1\u00a0000 строк (пустые строки тоже считаются)' });
    expect(codeOf(Buffer.alloc(5 * 1024 * 1024, '\r')).code).toBe('csv_too_many_rows');
  });

  test('one huge cell stops at the character cap (quoted or not), naming its line', () => {
    expect(codeOf(Buffer.concat([Buffer.from('a;b\nc;'), Buffer.alloc(5 * 1024 * 1024, 'x')]))).toMatchObject({ code: 'csv_cell_too_long', line: 2, message: 'В строке 2 файла поле длиннее 500 знаков (столько не помещается даже в ячейку Excel)' });
    expect(codeOf(Buffer.concat([Buffer.from('a;b\n\n"'), Buffer.alloc(5 * 1024 * 1024, '\n')]))).toMatchObject({ code: 'csv_cell_too_long', line: 3 });
  });

  test('millions of empty fields in one row stop at the column cap; millions of tiny cells at the cell cap', () => {
    expect(codeOf(Buffer.alloc(5 * 1024 * 1024, ';'))).toMatchObject({ code: 'csv_too_many_columns', line: 1, message: 'В строке 1 файла больше 50 полей, а в таблице может быть не больше 50 столбцов' });
    const line = `${'1;'.repeat(39)}1\n`;
    expect(codeOf(Buffer.from(line.repeat(100_000)))).toMatchObject({ code: 'csv_too_many_cells', line: 51, message: 'В файле больше 2\u00a0000 заполненных полей' });
    // Lines of empty fields are blank: they only count as records.
    expect(codeOf(Buffer.from(`${';'.repeat(40)}\n`.repeat(100_000))).code).toBe('csv_too_many_rows');
  });

  test('Windows-1251 and UTF-16 files decoded piece by piece give the same rows as the whole text', () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `Ёлкина-${i};Дарья;01.01.1990;"работник; учитель"`);
    const text = `Фамилия;Имя;Дата;Категория\r\n${lines.join('\r\n')}\r\n`;
    const big = { ...limits, maxRecords: 100_000, maxCells: 1_000_000 };
    const expected = parseCsv(text, ';');
    for (const buf of [iconv.encode(text, 'win1251'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), Buffer.from(text)]) {
      expect(buf.length).toBeGreaterThan(512 * 1024);
      const t = readCsv(buf, big);
      expect(t.rows.map((r) => r.cells)).toEqual(expected);
    }
  });

  test('the head of the file is shown to the caller before the rest is read', () => {
    const seen: string[] = [];
    readCsv(Buffer.from('<html>\n'), limits, { inspectHead: (h) => seen.push(h) });
    expect(seen).toEqual(['<html>\n']);
  });
});
