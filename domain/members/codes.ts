/** Coded values of the member record card and their Russian labels (what the sheet shows). */

export interface Option<C extends string> {
  readonly code: C;
  readonly label: string;
}

export const CATEGORIES = [
  { code: 'employee', label: 'Работник' },
  { code: 'student', label: 'Обучающийся' },
  { code: 'union_staff', label: 'Штатный работник Профсоюза' },
  { code: 'on_leave', label: 'В отпуске по уходу за ребёнком' },
  { code: 'dismissed_reduction', label: 'Уволен по сокращению (до 6 мес.)' },
  { code: 'pensioner', label: 'Неработающий пенсионер' },
] as const satisfies readonly Option<string>[];
export type CategoryCode = (typeof CATEGORIES)[number]['code'];

export const SEXES = [
  { code: 'male', label: 'М' },
  { code: 'female', label: 'Ж' },
] as const satisfies readonly Option<string>[];
export type SexCode = (typeof SEXES)[number]['code'];

/** The state of one consent; no value at all means "not collected yet". */
export const CONSENT_STATES = [
  { code: 'given', label: 'Дано' },
  { code: 'refused', label: 'Отказ' },
  { code: 'revoked', label: 'Отозвано' },
] as const satisfies readonly Option<string>[];
export type ConsentState = (typeof CONSENT_STATES)[number]['code'];

/** The three separate consents of 152-ФЗ art. 9 (roadmap step 5). */
export const CONSENT_KINDS = [
  { code: 'union', label: 'Профсоюзу' },
  { code: 'operator', label: 'Оператору карт (ООО «ФИНФОРТ»)' },
  { code: 'notify', label: 'На SMS/PUSH/e-mail-уведомления' },
] as const satisfies readonly Option<string>[];
export type ConsentKind = (typeof CONSENT_KINDS)[number]['code'];

/** Electronic union card (ЭПБ) statuses; transitions live in domain/cards. */
export const CARD_STATUSES = [
  { code: 'not_ordered', label: 'Не заказан' },
  { code: 'ordered', label: 'Заказан' },
  { code: 'produced', label: 'Изготовлен' },
  { code: 'sent', label: 'Отправлен в регион' },
  { code: 'received', label: 'Получен организацией' },
  { code: 'issued', label: 'Выдан' },
  { code: 'lost', label: 'Утерян или повреждён' },
  { code: 'reissue', label: 'Перевыпуск' },
  { code: 'blocked', label: 'Заблокирован' },
] as const satisfies readonly Option<string>[];
export type CardStatus = (typeof CARD_STATUSES)[number]['code'];

/** Default reasons of deregistration (снятие с учёта); the server may extend the list by configuration. */
export const DEREGISTRATION_REASONS = [
  { code: 'left_job', label: 'Увольнение с работы' },
  { code: 'graduated', label: 'Окончание обучения' },
  { code: 'transferred', label: 'Переход в другую организацию Профсоюза' },
  { code: 'own_wish', label: 'Выход по собственному желанию' },
  { code: 'death', label: 'Смерть' },
  { code: 'expelled', label: 'Исключение из Профсоюза' },
  { code: 'retired', label: 'Выход на пенсию (без сохранения членства)' },
] as const satisfies readonly Option<string>[];
export type DeregistrationReason = (typeof DEREGISTRATION_REASONS)[number]['code'];

/** Find the code for a label typed in a cell: case-, space- and ё-insensitive; codes are accepted too. */
export function codeForLabel<C extends string>(options: readonly Option<C>[], input: string): C | undefined {
  const index = lookupOf(options);
  const exact = index.get(input);
  if (exact !== undefined) return exact;
  const key = simplify(input);
  if (!key) return undefined;
  return index.get(key) ?? index.get(input.trim());
}

/** label, simplified label and code → code, built once per list of options. */
const lookups = new WeakMap<readonly Option<string>[], Map<string, string>>();

function lookupOf<C extends string>(options: readonly Option<C>[]): Map<string, C> {
  let index = lookups.get(options);
  if (!index) {
    index = new Map();
    // Codes first, then labels: a simplified label wins over a code spelt the same way.
    for (const o of options) index.set(o.code, o.code);
    for (const o of options) {
      index.set(simplify(o.label), o.code);
      index.set(o.label, o.code);
    }
    lookups.set(options, index);
  }
  return index as Map<string, C>;
}

export function labelForCode<C extends string>(options: readonly Option<C>[], code: C | null | undefined): string {
  if (code == null) return '';
  return options.find((o) => o.code === code)?.label ?? '';
}

function simplify(s: string): string {
  return s.toLowerCase().replace(/ё/g, 'е').replace(/[\s.()«»"]+/g, ' ').trim();
}
