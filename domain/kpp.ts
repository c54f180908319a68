/** КПП: 9 characters, `^\d{4}[\dA-Z]{2}\d{3}$`. */
import { fail, ok, type Check } from './check';
import { cellAsText, isBlankCell, normalizeSpaces } from './cell';

const KPP = /^\d{4}[\dA-Z]{2}\d{3}$/;

export function checkKpp(input: unknown, label = 'КПП'): Check<string> {
  if (isBlankCell(input)) return fail(`${label}: не заполнен — впишите 9 знаков из свидетельства о постановке на учёт`);
  const text = cellAsText(input, label);
  if (!text.ok) return text;
  let s = normalizeSpaces(text.value).replace(/ /g, '').toUpperCase();
  // Excel drops a leading zero of a КПП stored as a number.
  if (typeof input === 'number' && s.length === 8) s = `0${s}`;
  if (s.length !== 9) return fail(`${label}: должно быть 9 знаков, а введено ${s.length} — проверьте КПП по документам`);
  if (/[А-ЯЁ]/.test(s)) return fail(`${label}: есть русская буква — буквы в КПП бывают только латинские (5-й и 6-й знак), наберите их в английской раскладке`);
  if (!KPP.test(s)) return fail(`${label}: неверный вид — 9 цифр, только 5-й и 6-й знак могут быть латинскими буквами; проверьте по документам`);
  return ok(s);
}
