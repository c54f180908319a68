/** СНИЛС: the insurance number of the pension fund, `XXX-XXX-XXX YY`. */
import { fail, ok, type Check } from './check';
import { cellAsText, isBlankCell } from './cell';

/** Numbers up to 001-001-998 were issued before the check sum was introduced. */
const CHECKSUM_FROM = 1001998;

export function snilsChecksum(body9: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body9[i]) * (9 - i);
  if (sum < 100) return sum;
  if (sum === 100 || sum === 101) return 0;
  const r = sum % 101;
  return r === 100 ? 0 : r;
}

/**
 * Checks a СНИЛС typed with or without separators (spaces, hyphens) or stored by Excel as a number
 * (a number lost its leading zeros: it is padded on the left to 11 digits). Returns 11 digits.
 */
export function checkSnils(input: unknown, label = 'СНИЛС'): Check<string> {
  if (isBlankCell(input)) return fail(`${label}: не заполнен — впишите 11 цифр с карточки СНИЛС`);
  const text = cellAsText(input, label);
  if (!text.ok) return text;
  let digits: string;
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input <= 0 || input >= 1e11) {
      return fail(`${label}: должно быть 11 цифр — впишите номер с карточки СНИЛС`);
    }
    digits = text.value.padStart(11, '0');
  } else {
    const s = text.value.trim();
    if (/[^\d\s\-‐‑‒–—]/.test(s)) {
      return fail(`${label}: есть лишние знаки — оставьте только 11 цифр (можно с дефисами и пробелами)`);
    }
    digits = s.replace(/\D/g, '');
  }
  if (digits.length !== 11) {
    return fail(`${label}: должно быть 11 цифр, а введено ${digits.length} — проверьте номер по карточке СНИЛС`);
  }
  const body = digits.slice(0, 9);
  if (Number(body) === 0) return fail(`${label}: такого номера нет — проверьте цифры по карточке СНИЛС`);
  if (Number(body) > CHECKSUM_FROM && snilsChecksum(body) !== Number(digits.slice(9))) {
    return fail(`${label}: контрольное число не сходится — проверьте цифры по карточке СНИЛС`);
  }
  return ok(digits);
}

/** '11223344595' → '112-233-445 95'; anything that is not 11 digits is returned unchanged. */
export function formatSnils(digits: string): string {
  if (!/^\d{11}$/.test(digits)) return digits;
  return `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9)}`;
}
