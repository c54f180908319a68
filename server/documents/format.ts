/** Russian formatting of values that go into documents. Pure functions. */

const MONTHS_GENITIVE = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];

function parseIsoDate(iso: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) throw new RangeError('not an ISO date (yyyy-mm-dd)'); // no value in the message: it may be personal data
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw new RangeError('impossible date');
  return { y, m: mo, d };
}

/** 2025-03-05 → «05» марта 2025 г. (as dates are written in Russian documents). */
export function formatDateLong(iso: string): string {
  const { y, m, d } = parseIsoDate(iso);
  return `«${String(d).padStart(2, '0')}» ${MONTHS_GENITIVE[m - 1]} ${y} г.`;
}

/** 2025-03-05 → 05.03.2025. */
export function formatDateShort(iso: string): string {
  const { y, m, d } = parseIsoDate(iso);
  return `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`;
}

export function yearOf(iso: string): number {
  return parseIsoDate(iso).y;
}

/** +79123456789 → +7 912 345-67-89; anything else is printed as stored. */
export function formatPhone(phone: string): string {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : phone;
}

export interface PersonName {
  surname: string;
  name: string;
  patronymic?: string | null;
}

/** Surname, name, patronymic exactly as stored (no case changes, ё kept), single spaces. */
export function fullName(p: PersonName): string {
  return [p.surname, p.name, p.patronymic ?? '']
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ')
    .replace(/\s+/g, ' ');
}

function initials(part: string): string {
  return part
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.split('-').map((x) => `${x.charAt(0)}.`).join('-'))
    .join('');
}

/** Иванова Алёна Петровна → Иванова А.П. (for the "расшифровка подписи"). */
export function shortName(p: PersonName): string {
  const rest = [p.name, p.patronymic ?? ''].filter((s) => s.trim()).map(initials).join('');
  return rest ? `${p.surname.trim()} ${rest}` : p.surname.trim();
}

/** "Фамилия Имя Отчество" in one string → parts (the chair's name is stored as one string). */
export function splitFullName(full: string): PersonName {
  const [surname = '', name = '', ...rest] = full.trim().split(/\s+/);
  return { surname, name, patronymic: rest.join(' ') || null };
}

const NBSP = '\u00A0';

/** 170000 kopecks → "1 700,00 руб." (non-breaking thousands separator). */
export function formatRoubles(kopecks: number): string {
  if (!Number.isInteger(kopecks) || kopecks < 0) throw new RangeError(`bad amount: ${kopecks}`);
  const rub = Math.floor(kopecks / 100);
  const kop = kopecks % 100;
  const grouped = String(rub).replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${grouped},${String(kop).padStart(2, '0')}${NBSP}руб.`;
}

const UNITS_M = ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const UNITS_F = ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const TEENS = ['десять', 'одиннадцать', 'двенадцать', 'тринадцать', 'четырнадцать', 'пятнадцать', 'шестнадцать', 'семнадцать', 'восемнадцать', 'девятнадцать'];
const TENS = ['', '', 'двадцать', 'тридцать', 'сорок', 'пятьдесят', 'шестьдесят', 'семьдесят', 'восемьдесят', 'девяносто'];
const HUNDREDS = ['', 'сто', 'двести', 'триста', 'четыреста', 'пятьсот', 'шестьсот', 'семьсот', 'восемьсот', 'девятьсот'];

/** Russian plural form: 1 рубль, 2 рубля, 5 рублей. */
export function plural(n: number, one: string, few: string, many: string): string {
  const n10 = n % 10;
  const n100 = n % 100;
  if (n10 === 1 && n100 !== 11) return one;
  if (n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14)) return few;
  return many;
}

function triadWords(n: number, feminine: boolean): string[] {
  const words: string[] = [];
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  if (h) words.push(HUNDREDS[h]);
  if (t === 1) words.push(TEENS[u]);
  else {
    if (t) words.push(TENS[t]);
    if (u) words.push((feminine ? UNITS_F : UNITS_M)[u]);
  }
  return words;
}

/** 1234 → "одна тысяча двести тридцать четыре" (masculine units, as for roubles). */
export function numberInWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e12) throw new RangeError(`bad number: ${n}`);
  if (n === 0) return 'ноль';
  const scales: [number, [string, string, string], boolean][] = [
    [1e9, ['миллиард', 'миллиарда', 'миллиардов'], false],
    [1e6, ['миллион', 'миллиона', 'миллионов'], false],
    [1e3, ['тысяча', 'тысячи', 'тысяч'], true],
  ];
  const words: string[] = [];
  let rest = n;
  for (const [scale, forms, feminine] of scales) {
    const k = Math.floor(rest / scale);
    if (k) {
      words.push(...triadWords(k, feminine), plural(k, ...forms));
      rest %= scale;
    }
  }
  words.push(...triadWords(rest, false));
  return words.join(' ');
}

/** 170000 kopecks → "одна тысяча семьсот рублей 00 копеек". */
export function roublesInWords(kopecks: number): string {
  const rub = Math.floor(kopecks / 100);
  const kop = kopecks % 100;
  return `${numberInWords(rub)} ${plural(rub, 'рубль', 'рубля', 'рублей')} ${String(kop).padStart(2, '0')} ${plural(kop, 'копейка', 'копейки', 'копеек')}`;
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * A file name Windows accepts, keeping the Cyrillic text as it is (no transliteration):
 * forbidden characters become "_", no trailing dots or spaces, length limited.
 */
export function sanitiseFileName(name: string, maxLength = 120): string {
  // eslint-disable-next-line no-control-regex
  let s = name.replace(/[<>:"/\\|?*\u0000-\u001F]/g, '_').replace(/\s+/g, ' ').trim();
  if (s.length > maxLength) s = s.slice(0, maxLength).trim();
  s = s.replace(/[. ]+$/, '');
  if (!s || WINDOWS_RESERVED.test(s.split('.')[0])) s = `_${s}`;
  return s;
}
