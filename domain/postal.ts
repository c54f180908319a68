/** Russian postal index: 6 digits. */
import { fail, ok, type Check } from './check';
import { cellAsText, isBlankCell, normalizeSpaces } from './cell';

export function checkPostalIndex(input: unknown, label = 'Индекс'): Check<string> {
  if (isBlankCell(input)) return fail(`${label}: не заполнен — впишите 6 цифр почтового индекса`);
  const text = cellAsText(input, label);
  if (!text.ok) return text;
  const s = normalizeSpaces(text.value).replace(/ /g, '');
  if (!/^\d+$/.test(s)) return fail(`${label}: должны быть только цифры — впишите 6 цифр почтового индекса`);
  if (s.length !== 6) return fail(`${label}: должно быть 6 цифр, а введено ${s.length} — проверьте индекс`);
  return ok(s);
}
