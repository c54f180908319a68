/** Free text cells (position, unit, address, ID document). */
import { fail, ok, type Check } from './check';
import { badValue, isBlankCell, normalizeSpaces, plural } from './cell';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Characters that make a spreadsheet read a cell as a formula when the text is typed, pasted or written
 * as a value (OWASP «CSV injection»: `=`, `+`, `-`, `@`, and tab / carriage return in front of them),
 * plus their full-width forms, which Excel in East Asian input modes also accepts. Checked after
 * trimming, so «  =1» is caught as well.
 */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * The one rule for free text that can reach a cell of a sheet (names of organisations and units,
 * passport texts, a member's position, address or document, comments): it must not start like a
 * formula. Phones, numbers and dates are not free text and have their own checks. Returns the
 * message (Russian, naming the field) or null.
 */
export function formulaStartProblem(text: string, what: string): string | null {
  const s = text.trim();
  if (!FORMULA_START.test(s)) return null;
  const sign = /^[\t\r]/.test(s) ? 'табуляции' : `«${s[0]}»`;
  return `${what}: текст не может начинаться со знака ${sign} — Excel примет его за формулу. Уберите этот знак в начале или начните текст со слова`;
}

/**
 * Trims and collapses spaces (line breaks inside a cell become spaces); empty → null.
 * Rejects control characters, `<` and `>`, a formula-like start (formulaStartProblem) and text longer
 * than `maxLength`.
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
  const formula = formulaStartProblem(s, what);
  if (formula) return fail(formula);
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
