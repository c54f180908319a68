/** ИНН: 10 digits for an organisation (one check digit), 12 for a person (two check digits). */
import { fail, ok, type Check } from './check';
import { idDigits, isBlankCell } from './cell';

const W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function checkDigit(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * weights[i];
  return (sum % 11) % 10;
}

export function innChecksumOk(digits: string): boolean {
  if (/^0+$/.test(digits)) return false;
  if (digits.length === 10) return checkDigit(digits, W10) === Number(digits[9]);
  if (digits.length === 12) {
    return checkDigit(digits, W11) === Number(digits[10]) && checkDigit(digits, W12) === Number(digits[11]);
  }
  return false;
}

function checkInnOf(input: unknown, label: string, lengths: readonly (10 | 12)[]): Check<string> {
  const need = lengths.length === 2 ? '10 цифр (у организации) или 12 цифр (у человека)' : lengths[0] === 10 ? '10 цифр' : '12 цифр';
  if (isBlankCell(input)) return fail(`${label}: не заполнен — впишите ${need}`);
  const d = idDigits(input, label, lengths);
  if (!d.ok) return d;
  const digits = d.value;
  if (!(lengths as readonly number[]).includes(digits.length)) {
    let hint = '';
    if (lengths.length === 1 && lengths[0] === 10 && digits.length === 12) hint = ' (12 цифр — это ИНН человека, а нужен ИНН организации)';
    if (lengths.length === 1 && lengths[0] === 12 && digits.length === 10) hint = ' (10 цифр — это ИНН организации, а нужен ИНН человека)';
    return fail(`${label}: должно быть ${need}, а введено ${digits.length}${hint} — проверьте номер по документам`);
  }
  if (!innChecksumOk(digits)) return fail(`${label}: контрольное число не сходится — проверьте цифры по свидетельству или выписке`);
  return ok(digits);
}

/** ИНН of an organisation (10 digits) or a person (12 digits). */
export function checkInn(input: unknown, label = 'ИНН'): Check<string> {
  return checkInnOf(input, label, [10, 12]);
}

/** ИНН of an organisation: 10 digits. */
export function checkInnOrganisation(input: unknown, label = 'ИНН'): Check<string> {
  return checkInnOf(input, label, [10]);
}

/** ИНН of a person: 12 digits. */
export function checkInnPerson(input: unknown, label = 'ИНН'): Check<string> {
  return checkInnOf(input, label, [12]);
}
