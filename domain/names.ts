/** Surnames, names and patronymics: Cyrillic letters, hyphen, space, apostrophe. */
import { fail, ok, type Check } from './check';
import { badValue, normalizeSpaces } from './cell';

export { normalizeSpaces } from './cell';

export type NamePartLabel = 'Фамилия' | 'Имя' | 'Отчество';

/** Longest surname, name or patronymic (a double-barrelled one included): it must fit the consents' lines and signature block. */
export const NAME_MAX_LENGTH = 60;

/** Words of Turkic patronymics that follow the father's name and stay in lower case: «Ильхам оглы». */
const PATRONYMIC_PARTICLES = ['оглы', 'кызы', 'гызы', 'улы', 'уулу'];

const CYR = /[а-яё]/i;
const LATIN = /[a-z]/i;
const ALLOWED = /^[а-яё' -]+$/i;

const WHAT_OF: Record<NamePartLabel, { prep: string; acc: string; written: string }> = {
  Фамилия: { prep: 'фамилии', acc: 'фамилию', written: 'написана фамилия' },
  Имя: { prep: 'имени', acc: 'имя', written: 'написано имя' },
  Отчество: { prep: 'отчестве', acc: 'отчество', written: 'написано отчество' },
};

/** Typographic dashes and apostrophes as plain '-' and "'", spaces around hyphens removed. */
function canonicalPunctuation(s: string): string {
  return s
    .replace(/[‐‑‒–—−]/g, '-')
    .replace(/[’‘ʼ`´]/g, "'")
    .replace(/ ?- ?/g, '-');
}

function titleCaseWord(w: string, first: boolean): string {
  if (!first && PATRONYMIC_PARTICLES.includes(w.toLowerCase())) return w.toLowerCase();
  return w
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1) : p))
    .join('-');
}

/** Fixes the case only when the whole value is in upper or in lower case: ИВАНОВ → Иванов. */
export function fixNameCase(s: string): string {
  const letters = s.replace(/[^а-яё]/gi, '');
  if (!letters) return s;
  const allUpper = letters === letters.toUpperCase();
  const allLower = letters === letters.toLowerCase();
  if (!allUpper && !allLower) return s;
  return s
    .split(' ')
    .map((w, i) => titleCaseWord(w, i === 0))
    .join(' ');
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'невидимый служебный символ';
  return `символ «${ch}»`;
}

/**
 * Checks one part of a person's name; `what` is also the start of the message.
 * Trims and collapses spaces, keeps ё as typed, fixes the case only for all-upper or all-lower input.
 */
export function checkNamePart(input: unknown, what: NamePartLabel): Check<string> {
  const w = WHAT_OF[what];
  if (typeof input === 'number') return fail(`${what}: есть цифры — впишите ${w.acc} буквами`);
  if (typeof input !== 'string') return fail(badValue(what));
  const s = canonicalPunctuation(normalizeSpaces(input));
  if (!s) return fail(`${what}: не заполнено — впишите ${w.acc}`);

  if (!ALLOWED.test(s)) {
    const odd = [...s].find((ch) => !/[а-яёa-z0-9.' -]/i.test(ch));
    if (odd !== undefined) {
      return fail(`${what}: недопустимый ${describeChar(odd)} — в ${w.prep} могут быть только русские буквы, дефис, пробел и апостроф`);
    }
    const hasCyr = CYR.test(s);
    const latin = [...s].filter((ch) => LATIN.test(ch));
    if (latin.length > 0 && !hasCyr) {
      return fail(`${what}: написано латинскими буквами — напишите ${w.acc} русскими буквами`);
    }
    if (latin.length > 0) {
      const distinct = [...new Set(latin)];
      const listed = distinct.map((ch) => `«${ch}»`).join(', ');
      const letters = distinct.length === 1 ? `латинская буква ${listed}` : `латинские буквы ${listed}`;
      return fail(`${what}: в слове есть ${letters} — сотрите слово и наберите его заново русскими буквами`);
    }
    if (/\d/.test(s)) return fail(`${what}: есть цифры — уберите их, в ${w.prep} могут быть только буквы`);
    return fail(`${what}: точка не нужна — если это инициал, впишите ${w.acc} полностью`);
  }
  if (!/^[а-яё]/i.test(s) || !/[а-яё]$/i.test(s) || /[-' ]{2,}/.test(s)) {
    return fail(`${what}: дефис, апостроф или пробел не на месте — проверьте, как ${w.written}`);
  }
  if (s.length > NAME_MAX_LENGTH) return fail(`${what}: слишком длинно (больше ${NAME_MAX_LENGTH} знаков) — проверьте ячейку`);
  return ok(fixNameCase(s));
}

export interface FullName {
  surname: string;
  name: string;
  patronymic: string | null;
}

/**
 * Splits «Фамилия Имя Отчество» typed into one cell. Only splits: each part is then checked with
 * checkNamePart. 'Мамедов Тимур Ильхам оглы' → patronymic 'Ильхам оглы'.
 */
export function splitFullName(full: string): Check<FullName> {
  const words = normalizeSpaces(typeof full === 'string' ? full : '').split(' ').filter(Boolean);
  if (words.length === 0) return fail('ФИО: не заполнено — впишите фамилию, имя и отчество');
  if (words.length === 1) return fail('ФИО: указано только одно слово — впишите имя в столбец «Имя»');
  if (words.length === 2) return ok({ surname: words[0], name: words[1], patronymic: null });
  if (words.length === 3) return ok({ surname: words[0], name: words[1], patronymic: words[2] });
  if (words.length === 4 && PATRONYMIC_PARTICLES.includes(words[3].toLowerCase())) {
    return ok({ surname: words[0], name: words[1], patronymic: `${words[2]} ${words[3]}` });
  }
  return fail('ФИО: больше трёх слов — разнесите фамилию, имя и отчество по отдельным столбцам');
}

/** The key people are matched by: lower case, ё = е, single spaces. */
export function nameKey(surname: string, name: string, patronymic: string | null | undefined): string {
  return [surname, name, patronymic ?? '']
    .map((p) => normalizeSpaces(canonicalPunctuation(p)).toLowerCase().replace(/ё/g, 'е'))
    .filter(Boolean)
    .join(' ');
}
