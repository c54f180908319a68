/** Calendar dates: parsed from what a sheet holds, stored as ISO 'YYYY-MM-DD'. */
import { fail, ok, type Check } from './check';
import { badValue, isBlankCell, isValidDate, normalizeSpaces } from './cell';

export const MIN_YEAR = 1900;
/** Used when the caller gives no `notAfter`: a later year is a typo. */
export const MAX_YEAR = 2100;
export const MIN_MEMBER_AGE = 14;
export const MAX_MEMBER_AGE = 120;

export interface ParseDateOptions {
  /** The column name the messages start with; default «Дата». */
  label?: string;
  /** ISO date (usually today): a later date is an error «дата в будущем». */
  notAfter?: string;
}

const FORMAT_HINT = 'Введите дату в виде ДД.ММ.ГГГГ';

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function isoOf(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}

/** ISO of the day `days` after 1899-12-30 (Excel's day 0 for serials from 61 on). */
function isoFromExcelEpoch(days: number): string {
  const t = Date.UTC(1899, 11, 30) + days * 86400000;
  const dt = new Date(t);
  return isoOf(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

/** 31.12.9999, the last day Excel can show; a larger number is not a date at all. */
export const EXCEL_MAX_SERIAL = 2958465;

/**
 * An Excel serial (1900 date system) as ISO. Excel counts 29.02.1900, which did not exist:
 * serial 60 is invalid, 1..59 are 1900-01-01..1900-02-28, from 61 on one day less is counted.
 */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial)) return null;
  const day = Math.floor(serial);
  if (day < 1 || day === 60 || day > EXCEL_MAX_SERIAL) return null;
  return day < 60 ? isoFromExcelEpoch(day + 1) : isoFromExcelEpoch(day);
}

/** Parses a date cell. Accepts dd.mm.yyyy (also d.m.yyyy, dd/mm/yyyy, dd-mm-yyyy), ISO (date part of an ISO date-time), Date objects (UTC parts), Excel serials as numbers or numeric strings. */
export function parseDate(input: unknown, opts: ParseDateOptions = {}): Check<string> {
  const label = opts.label ?? 'Дата';
  const r = parseDateRaw(input, label);
  if (!r.ok) return r;
  if (opts.notAfter !== undefined && r.value > opts.notAfter) {
    return fail(`${label}: дата ещё не наступила — проверьте число, месяц и год`);
  }
  return r;
}

function parseDateRaw(input: unknown, label: string): Check<string> {
  if (isBlankCell(input)) return fail(`${label}: не заполнена. ${FORMAT_HINT}`);
  if (input instanceof Date) {
    if (!isValidDate(input)) return fail(`${label}: не похоже на дату. ${FORMAT_HINT}`);
    return fromParts(input.getUTCFullYear(), input.getUTCMonth() + 1, input.getUTCDate(), label);
  }
  if (typeof input === 'number') return fromSerial(input, label);
  if (typeof input !== 'string') return fail(badValue(label));

  const s = normalizeSpaces(input).replace(/\s*г(од)?\.?$/i, '');
  let m = /^(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d+)(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(s);
  if (m) {
    if (m[3].length === 2) return fail(`${label}: год указан двумя цифрами — напишите год полностью, четырьмя цифрами (ДД.ММ.ГГГГ)`);
    if (m[3].length !== 4) return fail(`${label}: год должен состоять из четырёх цифр. ${FORMAT_HINT}`);
    return fromParts(Number(m[3]), Number(m[2]), Number(m[1]), label);
  }
  m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), label);
  if (/^\d+([.,]\d+)?$/.test(s)) return fromSerial(Number(s.replace(',', '.')), label);
  return fail(`${label}: не похоже на дату. ${FORMAT_HINT}`);
}

function fromSerial(n: number, label: string): Check<string> {
  if (!Number.isFinite(n)) return fail(badValue(label));
  // A bare year typed into a cell reads as serial 1900..2100 (a day in 1905): never a real date here.
  if (Number.isInteger(n) && n >= MIN_YEAR && n <= MAX_YEAR) {
    return fail(`${label}: указан только год — впишите полную дату. ${FORMAT_HINT}`);
  }
  const iso = excelSerialToIso(n);
  if (iso === null) return fail(`${label}: не похоже на дату. ${FORMAT_HINT}`);
  const y = Number(iso.slice(0, 4));
  if (y > MAX_YEAR) return fail(`${label}: не похоже на дату. ${FORMAT_HINT}`);
  return ok(iso);
}

function fromParts(y: number, mo: number, d: number, label: string): Check<string> {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    return fail(`${label}: такой даты нет — проверьте число и месяц. ${FORMAT_HINT}`);
  }
  if (y < MIN_YEAR || y > MAX_YEAR) return fail(`${label}: неправдоподобный год — проверьте год`);
  return ok(isoOf(y, mo, d));
}

/** Full years between two ISO dates (someone born on 29 February turns a year older on 1 March in common years). */
export function ageOn(birthIso: string, todayIso: string): number {
  const by = Number(birthIso.slice(0, 4));
  const ty = Number(todayIso.slice(0, 4));
  let age = ty - by;
  if (todayIso.slice(5, 10) < birthIso.slice(5, 10)) age -= 1;
  return age;
}

/** The same day `years` later (29 February → 1 March in a common year). */
export function addYears(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) + years;
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return d > daysInMonth(y, m) ? isoOf(y, m + 1, 1) : isoOf(y, m, d);
}

/** A date of birth of a member: a real date, not in the future, age from 14 to 120 on `today`. */
export function checkBirthDate(input: unknown, today: string, label = 'Дата рождения'): Check<string> {
  const r = parseDate(input, { label, notAfter: today });
  if (!r.ok) return r;
  const age = ageOn(r.value, today);
  if (age < MIN_MEMBER_AGE) {
    return fail(`${label}: члену Профсоюза должно быть не меньше ${MIN_MEMBER_AGE} лет — проверьте год рождения`);
  }
  if (age > MAX_MEMBER_AGE) return fail(`${label}: возраст больше ${MAX_MEMBER_AGE} лет — проверьте год рождения`);
  return r;
}

/** '1980-02-15' → '15.02.1980'; anything that is not an ISO date is returned unchanged. */
export function formatDateRu(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}
