/**
 * Helpers for raw cell values: what a sheet or an upload can hand us (strings, numbers, Dates,
 * booleans, null, undefined — and, from a broken client, objects or arrays).
 */
import { fail, ok, type Check } from './check';

/**
 * Characters that are invisible and carry no meaning in a cell: zero-width spaces and joiners, the
 * word joiner, BOM — and the text-direction controls (LRM, RLM, ALM U+061C, the embeddings and
 * overrides U+202A–U+202E, the isolates U+2066–U+2069), which make printed text read in a different
 * order than it was typed («Trojan Source», CVE-2021-42574). None belongs in a Russian register.
 */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/**
 * True when the character is one of those normalizeSpaces removes or rewrites: whitespace other than a
 * plain space (tabs, line breaks, NBSP, the Unicode spaces `\s` matches) or an invisible character.
 * Every such character is at or below U+0020, U+0085, U+00A0, U+061C, U+1680, or in U+2000..U+3000, U+FEFF.
 */
function isSpecialSpace(c: number): boolean {
  if (c < 0x20) return true;
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x61c || c === 0x1680 || (c >= 0x2000 && c <= 0x3000) || c === 0xfeff;
}

/** Trims, removes invisible characters (zero-width and text-direction controls) and collapses every run of whitespace (incl. NBSP, tabs, line breaks) into one space. */
export function normalizeSpaces(s: string): string {
  // Most cells are already clean: one pass over the characters, no new string.
  const n = s.length;
  let clean = n === 0 || (s.charCodeAt(0) !== 0x20 && s.charCodeAt(n - 1) !== 0x20);
  for (let i = 0; clean && i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 ? s.charCodeAt(i + 1) === 0x20 : isSpecialSpace(c)) clean = false;
  }
  if (clean) return s;
  return s.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();
}

/** True for undefined, null and strings with nothing but whitespace. */
export function isBlankCell(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v !== 'string') return false;
  const c = v.length ? v.charCodeAt(0) : 0x20;
  if (c !== 0x20 && !isSpecialSpace(c)) return false;
  return normalizeSpaces(v) === '';
}

export function isValidDate(v: unknown): v is Date {
  return v instanceof Date && !Number.isNaN(v.getTime());
}

/** The message for a value of a type that cannot be in this cell (object, array, boolean…). */
export function badValue(label: string): string {
  return `${label}: неверное значение — введите значение заново`;
}

/**
 * A cell value as text for validators that read digits or words: strings as they are,
 * finite numbers in plain decimal notation. Everything else is an error.
 */
export function cellAsText(input: unknown, label: string): Check<string> {
  if (typeof input === 'string') return ok(input);
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(badValue(label));
    return ok(numberToPlainString(input));
  }
  return fail(badValue(label));
}

/** 11223344595 → '11223344595' (never exponent notation for integers up to 1e21). */
export function numberToPlainString(n: number): string {
  return String(n);
}

/**
 * Digits of a registration number (ИНН, ОГРН, КПП, index): a string may carry spaces; a number
 * (Excel drops leading zeros) is padded on the left to the nearest length in `lengths` that is
 * at most two digits longer.
 */
export function idDigits(input: unknown, label: string, lengths: readonly number[]): Check<string> {
  const text = cellAsText(input, label);
  if (!text.ok) return text;
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) return fail(`${label}: должны быть только цифры — впишите номер заново`);
    const s = text.value;
    const target = lengths.find((len) => len >= s.length && len - s.length <= 2);
    return ok(target === undefined ? s : s.padStart(target, '0'));
  }
  const s = normalizeSpaces(text.value).replace(/ /g, '');
  if (!/^\d*$/.test(s)) return fail(`${label}: должны быть только цифры — уберите буквы и другие знаки`);
  return ok(s);
}

/** Russian plural: plural(1, ['знак', 'знака', 'знаков']) → 'знак'; 3 → 'знака'; 11 → 'знаков'. */
export function plural(n: number, forms: readonly [string, string, string]): string {
  const a = Math.abs(n) % 100;
  const b = a % 10;
  if (a > 10 && a < 20) return forms[2];
  if (b === 1) return forms[0];
  if (b >= 2 && b <= 4) return forms[1];
  return forms[2];
}
