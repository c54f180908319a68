/** ОГРН (13 digits, organisations) and ОГРНИП (15 digits, individual entrepreneurs). */
import { fail, ok, type Check } from './check';
import { idDigits, isBlankCell } from './cell';

/** The check digit: the number formed by all digits but the last, mod 11 (ОГРН) or 13 (ОГРНИП), last digit of that. */
export function ogrnChecksumOk(digits: string): boolean {
  if (!/^\d+$/.test(digits) || /^0+$/.test(digits)) return false;
  const mod = digits.length === 13 ? 11 : digits.length === 15 ? 13 : 0;
  if (mod === 0) return false;
  // The remainder of the 12- or 14-digit number, digit by digit (Horner's rule mod m): no BigInt,
  // which the web views of Office 2016/2019 lack, and no loss of precision past 2^53.
  let rest = 0;
  for (let i = 0; i < digits.length - 1; i++) rest = (rest * 10 + Number(digits[i])) % mod;
  return rest % 10 === Number(digits[digits.length - 1]);
}

function checkOf(input: unknown, label: string, lengths: readonly (13 | 15)[]): Check<string> {
  const need = lengths.length === 2 ? '13 цифр (ОГРН) или 15 цифр (ОГРНИП)' : lengths[0] === 13 ? '13 цифр' : '15 цифр';
  if (isBlankCell(input)) return fail(`${label}: не заполнен — впишите ${need}`);
  const d = idDigits(input, label, lengths);
  if (!d.ok) return d;
  const digits = d.value;
  if (!(lengths as readonly number[]).includes(digits.length)) {
    return fail(`${label}: должно быть ${need}, а введено ${digits.length} — проверьте номер по выписке из ЕГРЮЛ`);
  }
  if (!ogrnChecksumOk(digits)) return fail(`${label}: контрольное число не сходится — проверьте цифры по выписке из ЕГРЮЛ`);
  return ok(digits);
}

export function checkOgrn(input: unknown, label = 'ОГРН'): Check<string> {
  return checkOf(input, label, [13]);
}

export function checkOgrnip(input: unknown, label = 'ОГРНИП'): Check<string> {
  return checkOf(input, label, [15]);
}

/** ОГРН or ОГРНИП, told apart by length. */
export function checkOgrnAny(input: unknown, label = 'ОГРН'): Check<string> {
  return checkOf(input, label, [13, 15]);
}
