/** Free text cells (position, unit, address, ID document). */
import { fail, ok, type Check } from './check';
import { badValue, isBlankCell, normalizeSpaces, plural } from './cell';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Trims and collapses spaces (line breaks inside a cell become spaces); empty → null.
 * Rejects control characters, `<` and `>`, and text longer than `maxLength`.
 * Formula-like starts (=, +, -, @) are allowed: they are neutralised on export.
 */
export function checkFreeText(input: unknown, what: string, maxLength: number): Check<string | null> {
  if (isBlankCell(input)) return ok(null);
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail(badValue(what));
    return ok(String(input));
  }
  if (input instanceof Date) {
    return fail(`${what}: Excel превратил текст в дату — введите значение заново, поставив перед ним апостроф (')`);
  }
  if (typeof input !== 'string') return fail(badValue(what));
  if (CONTROL.test(input)) return fail(`${what}: есть невидимые служебные символы — сотрите текст и наберите его заново`);
  const s = normalizeSpaces(input);
  if (/[<>]/.test(s)) return fail(`${what}: знаки «<» и «>» не допускаются — уберите их`);
  if (s.length > maxLength) {
    return fail(`${what}: слишком длинный текст — ${s.length} ${plural(s.length, ['знак', 'знака', 'знаков'])}, а можно не больше ${maxLength}; сократите его`);
  }
  return ok(s);
}

/** A file size as a chair reads it: «50 МБ», «1,5 МБ», «800 КБ» (binary units, one decimal at most). */
export function formatFileSize(bytes: number): string {
  const mbytes = bytes / (1024 * 1024);
  if (mbytes >= 1) return `${String(Math.round(mbytes * 10) / 10).replace('.', ',')} МБ`;
  return `${Math.max(1, Math.round(bytes / 1024))} КБ`;
}
