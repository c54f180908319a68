import fc from 'fast-check';
import { isBlankCell, normalizeSpaces } from './cell';

/** The rule as one line of regular expressions; normalizeSpaces skips it for clean cells and must agree with it. */
const reference = (s: string) => s.replace(/[\u200b-\u200d\u2060\ufeff]/g, '').replace(/\s+/g, ' ').trim();

/** Every kind of character the rule treats specially, plus ordinary ones. */
const SPECIAL = [' ', '  ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u0085', '\u1680', '\u2000', '\u2007', '\u200a', '\u200b', '\u200c', '\u200d', '\u2028', '\u2029', '\u202f', '\u205f', '\u2060', '\u3000', '\ufeff'];
const ORDINARY = ['а', 'Ё', 'z', '7', '-', '.', '«', '\u0084', '\u1fff', '\u3001', '\ufefe'];

describe('normalizeSpaces', () => {
  test.each([
    ['Иванов', 'Иванов'],
    ['  Иванов  ', 'Иванов'],
    ['Анна\u00a0Мария', 'Анна Мария'],
    ['Анна  Мария', 'Анна Мария'],
    ['Анна\tМария\n', 'Анна Мария'],
    ['\u200bИва\u200dнов\ufeff', 'Иванов'],
    ['Анна\u2028Мария', 'Анна Мария'],
    ['', ''],
    ['\u3000', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeSpaces(input)).toBe(expected);
  });

  test('agrees with the regular-expression rule on any mix of spaces, invisible and ordinary characters', () => {
    const cell = fc.array(fc.constantFrom(...SPECIAL, ...ORDINARY), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(cell, (s) => {
        expect(normalizeSpaces(s)).toBe(reference(s));
        expect(isBlankCell(s)).toBe(reference(s) === '');
      }),
      { numRuns: 5000 },
    );
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => expect(normalizeSpaces(s)).toBe(reference(s))), { numRuns: 5000 });
  });
});

describe('isBlankCell', () => {
  test.each([undefined, null, '', ' ', '\u00a0\t', '\u200b'])('%j is blank', (v) => expect(isBlankCell(v)).toBe(true));
  test.each([0, false, 'а', ' а ', new Date(0)])('%j is not blank', (v) => expect(isBlankCell(v)).toBe(false));
});
