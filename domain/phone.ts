/** Russian phone numbers, stored as E.164 `+7XXXXXXXXXX`. */
import { fail, ok, type Check } from './check';
import { cellAsText, isBlankCell, normalizeSpaces, plural } from './cell';

/** First digits of Russian numbers after +7: 3, 4, 8 (city and service codes) and 9 (mobile). */
const RUSSIAN_FIRST_DIGIT = /^[3489]/;

/**
 * Accepts '8 (912) 345-67-89', '+7 912 3456789', '89123456789', '9123456789' (10 digits starting
 * with 9) and numbers from Excel. Returns '+79123456789'.
 */
export function checkPhone(input: unknown, label = 'Телефон'): Check<string> {
  const what = 'укажите номер в виде +7 912 345-67-89 или 8 912 345-67-89';
  if (isBlankCell(input)) return fail(`${label}: не заполнен — ${what}`);
  const text = cellAsText(input, label);
  if (!text.ok) return text;
  if (typeof input === 'number' && (!Number.isInteger(input) || input <= 0)) return fail(`${label}: неверный номер — ${what}`);
  const s = normalizeSpaces(text.value);
  if (/[,;/\\]/.test(s) && (s.match(/\d/g) ?? []).length > 11) {
    return fail(`${label}: в ячейке несколько номеров — оставьте один мобильный номер`);
  }
  if (/[^\d\s()+\-‐‑‒–—.]/.test(s)) {
    return fail(`${label}: есть буквы или лишние знаки — оставьте только цифры номера (добавочный номер не указывайте)`);
  }
  const plus = s.startsWith('+');
  if (s.slice(1).includes('+')) return fail(`${label}: лишний знак «+» — ${what}`);
  const digits = s.replace(/\D/g, '');
  let national: string;
  if (plus) {
    if (!digits.startsWith('7')) return fail(`${label}: это не российский номер — укажите российский номер: +7 и 10 цифр`);
    if (digits.length !== 11) return fail(`${label}: после +7 должно быть 10 цифр, а введено ${digits.length - 1} — проверьте номер`);
    national = digits.slice(1);
  } else if (digits.length === 11) {
    if (digits[0] !== '7' && digits[0] !== '8') return fail(`${label}: номер из 11 цифр должен начинаться с 8 или 7 — ${what}`);
    national = digits.slice(1);
  } else if (digits.length === 10) {
    if (digits[0] !== '9') return fail(`${label}: не хватает кода страны — ${what}`);
    national = digits;
  } else {
    return fail(`${label}: в номере ${digits.length} ${plural(digits.length, ['цифра', 'цифры', 'цифр'])}, а нужно 11 (вместе с 8 или +7) — ${what}`);
  }
  if (!RUSSIAN_FIRST_DIGIT.test(national)) {
    return fail(`${label}: это не российский номер — укажите российский номер: +7 и 10 цифр`);
  }
  return ok(`+7${national}`);
}

/** '+79123456789' → '+7 (912) 345-67-89'; anything else is returned unchanged. */
export function formatPhone(e164: string): string {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164);
  return m ? `+7 (${m[1]}) ${m[2]}-${m[3]}-${m[4]}` : e164;
}
