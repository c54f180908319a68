import { formatDateLong, formatDateShort, formatPhone, formatRoubles, fullName, numberInWords, roublesInWords, sanitiseFileName, shortName } from './format';

test('dates', () => {
  expect(formatDateLong('2025-03-05')).toBe('«05» марта 2025 г.');
  expect(formatDateLong('2024-12-31T10:00:00Z')).toBe('«31» декабря 2024 г.');
  expect(formatDateShort('2007-01-09')).toBe('09.01.2007');
  expect(() => formatDateShort('2023-02-29')).toThrow(RangeError);
  expect(() => formatDateShort('09.01.2007')).toThrow(RangeError);
});

test('names are kept exactly; short names for signatures', () => {
  expect(fullName({ surname: 'Ёлкина', name: 'Алёна', patronymic: 'Петровна' })).toBe('Ёлкина Алёна Петровна');
  expect(fullName({ surname: ' Иванов ', name: 'Пётр', patronymic: null })).toBe('Иванов Пётр');
  expect(shortName({ surname: 'Иванова', name: 'Алёна', patronymic: 'Петровна' })).toBe('Иванова А.П.');
  expect(shortName({ surname: 'Салтыков-Щедрин', name: 'Анна-Мария', patronymic: null })).toBe('Салтыков-Щедрин А.-М.');
});

test('phones', () => {
  expect(formatPhone('+79123456789')).toBe('+7 912 345-67-89');
  expect(formatPhone('8 (912) 345')).toBe('8 (912) 345');
});

test('money in figures and in words', () => {
  expect(formatRoubles(1700)).toBe('17,00\u00A0руб.');
  expect(formatRoubles(170000)).toBe('1\u00A0700,00\u00A0руб.');
  expect(formatRoubles(123456789)).toBe('1\u00A0234\u00A0567,89\u00A0руб.');
  expect(numberInWords(0)).toBe('ноль');
  expect(numberInWords(21)).toBe('двадцать один');
  expect(numberInWords(1002)).toBe('одна тысяча два');
  expect(numberInWords(2512)).toBe('две тысячи пятьсот двенадцать');
  expect(numberInWords(11000)).toBe('одиннадцать тысяч');
  expect(numberInWords(1_000_001)).toBe('один миллион один');
  expect(roublesInWords(5100)).toBe('пятьдесят один рубль 00 копеек');
  expect(roublesInWords(170000)).toBe('одна тысяча семьсот рублей 00 копеек');
  expect(roublesInWords(2202)).toBe('двадцать два рубля 02 копейки');
  expect(roublesInWords(1121)).toBe('одиннадцать рублей 21 копейка');
});

test('file names for Windows keep Cyrillic and ё, lose forbidden characters', () => {
  expect(sanitiseFileName('Ёлкина Алёна Петровна')).toBe('Ёлкина Алёна Петровна');
  expect(sanitiseFileName('Иванова: "Тест"? <a>/b\\c|d*')).toBe('Иванова_ _Тест__ _a__b_c_d_');
  expect(sanitiseFileName('Имя. . ')).toBe('Имя');
  expect(sanitiseFileName('CON')).toBe('_CON');
  expect(sanitiseFileName('x'.repeat(300))).toHaveLength(120);
});
