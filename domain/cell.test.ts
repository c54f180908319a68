import fc from 'fast-check';
import { isBlankCell, normalizeSpaces } from './cell';

/** The rule as one line of regular expressions; normalizeSpaces skips it for clean cells and must agree with it. */
const reference = (s: string) => s.replace(/[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g, '').replace(/\s+/g, ' ').trim();

/** Text-direction controls (issue 15, hole 12): LRM, RLM, ALM, embeddings and overrides, isolates. */
const BIDI = ['\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

/** Every kind of character the rule treats specially, plus ordinary ones. */
const SPECIAL = [' ', '  ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u0085', '\u1680', '\u2000', '\u2007', '\u200a', '\u200b', '\u200c', '\u200d', '\u2028', '\u2029', '\u202f', '\u205f', '\u2060', '\u3000', '\ufeff', ...BIDI];
const ORDINARY = ['а', 'Ё', 'z', '7', '-', '.', '«', '\u0084', '\u1fff', '\u3001', '\ufefe', '\u061b', '\u061d'];

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
    // Text-direction controls are removed like the zero-width characters.
    ['\u202eвонавИ\u202c', 'вонавИ'],
    ['Иван\u200eов\u200f', 'Иванов'],
    ['\u2066Школа\u2069 № 1\u061c', 'Школа № 1'],
    ['\u202a\u202b\u202d\u2067\u2068', ''],
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
  test.each([undefined, null, '', ' ', '\u00a0\t', '\u200b', '\u202e', '\u061c \u2066'])('%j is blank', (v) => expect(isBlankCell(v)).toBe(true));
  test.each([0, false, 'а', ' а ', new Date(0)])('%j is not blank', (v) => expect(isBlankCell(v)).toBe(false));
});
