import iconv from 'iconv-lite';
import { CsvError, decodeCsv, detectSeparator, parseCsv, toCsv } from './csv';

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
