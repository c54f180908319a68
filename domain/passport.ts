/**
 * The passport of a primary organisation (roadmap step 3): four tabs of the old system's card,
 * the rules for each field, and how complete each tab is.
 */
import { normalizeSpaces } from './cell';
import type { Check } from './check';
import { parseDate } from './dates';
import { checkEmail } from './email';
import { checkInnOrganisation } from './inn';
import { checkKpp } from './kpp';
import { checkOgrn } from './ogrn';
import { checkPhone } from './phone';
import { checkPostalIndex } from './postal';
import { formulaStartProblem } from './text';

export const PASSPORT_TABS = [
  { code: 'inpo', label: 'ИНПО' },
  { code: 'registration', label: 'Регистрация' },
  { code: 'organisation', label: 'Организация' },
  { code: 'contacts', label: 'Адреса и телефоны' },
] as const;
export type PassportTab = (typeof PASSPORT_TABS)[number]['code'];

export const INSTITUTION_TYPES = [
  'Общеобразовательная организация (школа)',
  'Дошкольная образовательная организация (детский сад)',
  'Образовательный комплекс',
  'Профессиональная образовательная организация (колледж, техникум)',
  'Образовательная организация высшего образования (вуз)',
  'Организация дополнительного образования',
  'Орган управления образованием',
  'Иная организация',
] as const;

export type PassportKey =
  | 'inpoNumber' | 'unionName'
  | 'inn' | 'kpp' | 'ogrn' | 'registrationDate'
  | 'institutionName' | 'institutionType' | 'chairFullName' | 'chairPosition' | 'employeesCount' | 'studentsCount'
  | 'legalAddress' | 'postalAddress' | 'postalIndex' | 'phone' | 'email';

type Kind = 'text' | 'inn' | 'kpp' | 'ogrn' | 'date' | 'count' | 'postal' | 'phone' | 'email' | 'institutionType' | 'inpo';

export interface PassportField {
  key: PassportKey;
  tab: PassportTab;
  label: string;
  kind: Kind;
  /** Needed for the tab to count as complete (a field may still be saved empty). */
  required: boolean;
  maxLength?: number;
}

export const PASSPORT_FIELDS: readonly PassportField[] = [
  { key: 'inpoNumber', tab: 'inpo', label: 'Номер ИНПО', kind: 'inpo', required: true },
  { key: 'unionName', tab: 'inpo', label: 'Наименование профсоюзной организации', kind: 'text', required: true, maxLength: 500 },
  { key: 'inn', tab: 'registration', label: 'ИНН', kind: 'inn', required: true },
  { key: 'kpp', tab: 'registration', label: 'КПП', kind: 'kpp', required: true },
  { key: 'ogrn', tab: 'registration', label: 'ОГРН', kind: 'ogrn', required: true },
  { key: 'registrationDate', tab: 'registration', label: 'Дата регистрации', kind: 'date', required: true },
  { key: 'institutionName', tab: 'organisation', label: 'Образовательная организация', kind: 'text', required: true, maxLength: 500 },
  { key: 'institutionType', tab: 'organisation', label: 'Тип организации', kind: 'institutionType', required: true },
  { key: 'chairFullName', tab: 'organisation', label: 'Председатель (ФИО)', kind: 'text', required: true, maxLength: 300 },
  { key: 'chairPosition', tab: 'organisation', label: 'Должность председателя', kind: 'text', required: false, maxLength: 200 },
  { key: 'employeesCount', tab: 'organisation', label: 'Численность работников', kind: 'count', required: true },
  { key: 'studentsCount', tab: 'organisation', label: 'Численность обучающихся', kind: 'count', required: true },
  { key: 'legalAddress', tab: 'contacts', label: 'Юридический адрес', kind: 'text', required: true, maxLength: 500 },
  { key: 'postalAddress', tab: 'contacts', label: 'Почтовый адрес', kind: 'text', required: false, maxLength: 500 },
  { key: 'postalIndex', tab: 'contacts', label: 'Почтовый индекс', kind: 'postal', required: true },
  { key: 'phone', tab: 'contacts', label: 'Телефон', kind: 'phone', required: true },
  { key: 'email', tab: 'contacts', label: 'Эл. почта', kind: 'email', required: true },
];

export type PassportData = { [K in PassportKey]: K extends 'employeesCount' | 'studentsCount' ? number | null : string | null };

export interface PassportFieldError {
  field: PassportKey;
  message: string;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function checkText(v: unknown, max: number): Check<string> {
  if (typeof v !== 'string' && typeof v !== 'number') return { ok: false, message: 'ожидается текст' };
  const s = normalizeSpaces(String(v));
  if (s.length > max) return { ok: false, message: `не длиннее ${max} символов` };
  // eslint-disable-next-line no-control-regex
  if (/[<>\u0000-\u001f]/.test(s)) return { ok: false, message: 'уберите символы < > и управляющие символы' };
  const formula = formulaStartProblem(s, 'начало текста');
  if (formula) return { ok: false, message: formula };
  return { ok: true, value: s };
}

function checkCount(v: unknown): Check<number> {
  const n = typeof v === 'string' ? Number(v.replace(/\s/g, '')) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1_000_000) {
    return { ok: false, message: 'введите целое число от 0 до 1 000 000' };
  }
  return { ok: true, value: n };
}

function checkField(field: PassportField, v: unknown): Check<string | number> {
  switch (field.kind) {
    case 'text':
      return checkText(v, field.maxLength ?? 500);
    case 'inpo': {
      const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
      return /^\d{1,20}$/.test(s) ? { ok: true, value: s } : { ok: false, message: 'номер ИНПО — только цифры (до 20)' };
    }
    case 'inn':
      return checkInnOrganisation(v);
    case 'kpp':
      return checkKpp(v);
    case 'ogrn':
      return checkOgrn(v);
    case 'date':
      return parseDate(v);
    case 'count':
      return checkCount(v);
    case 'postal':
      return checkPostalIndex(v);
    case 'phone':
      return checkPhone(v);
    case 'email':
      return checkEmail(v);
    case 'institutionType': {
      const s = typeof v === 'string' ? v.trim() : '';
      return (INSTITUTION_TYPES as readonly string[]).includes(s)
        ? { ok: true, value: s }
        : { ok: false, message: 'выберите тип из списка' };
    }
  }
}

/** Validate and normalise a passport (any subset of fields); an empty value clears the field. */
export function validatePassport(input: Partial<Record<PassportKey, unknown>>): {
  value: Partial<PassportData>;
  errors: PassportFieldError[];
} {
  const value: Partial<Record<PassportKey, string | number | null>> = {};
  const errors: PassportFieldError[] = [];
  for (const field of PASSPORT_FIELDS) {
    if (!(field.key in input)) continue;
    const raw = input[field.key];
    if (isEmpty(raw)) {
      value[field.key] = null;
      continue;
    }
    const r = checkField(field, raw);
    if (r.ok) value[field.key] = r.value;
    else errors.push({ field: field.key, message: `${field.label}: ${r.message}` });
  }
  return { value: value as Partial<PassportData>, errors };
}

export interface TabCompleteness {
  tab: PassportTab;
  label: string;
  filled: number;
  total: number;
  percent: number;
  /** Labels of required fields still empty. */
  missing: string[];
}

export function passportCompleteness(data: Partial<PassportData>): { tabs: TabCompleteness[]; percent: number; complete: boolean } {
  const tabs = PASSPORT_TABS.map(({ code, label }) => {
    const required = PASSPORT_FIELDS.filter((f) => f.tab === code && f.required);
    const missing = required.filter((f) => isEmpty(data[f.key])).map((f) => f.label);
    const filled = required.length - missing.length;
    return { tab: code, label, filled, total: required.length, percent: Math.round((100 * filled) / required.length), missing };
  });
  const total = tabs.reduce((s, t) => s + t.total, 0);
  const filled = tabs.reduce((s, t) => s + t.filled, 0);
  return { tabs, percent: Math.round((100 * filled) / total), complete: filled === total };
}
