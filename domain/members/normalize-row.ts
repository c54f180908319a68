/**
 * One member row as it arrives from a sheet or an upload → MemberData, or every problem of the row
 * (field = column key, message starts with the column header). Used by the add-in («Проверить»)
 * and by the server (the server never trusts the add-in). Never throws on any cell value.
 */
import type { Check } from '../check';
import { badValue, isBlankCell, normalizeSpaces } from '../cell';
import { addYears, checkBirthDate, formatDateRu, MIN_MEMBER_AGE, parseDate } from '../dates';
import { checkEmail } from '../email';
import { checkNamePart, splitFullName, type NamePartLabel } from '../names';
import { checkPhone, formatPhone } from '../phone';
import { checkSnils, formatSnils } from '../snils';
import { checkFreeText } from '../text';
import { labelForCode, type Option } from './codes';
import { isCodedColumn, matchVocabulary, MEMBER_VOCABULARIES, vocabularyMessage, type Vocabulary } from './vocabulary';
import {
  MEMBER_COLUMNS,
  columnByKey,
  type FieldError,
  type MemberColumn,
  type MemberData,
  type MemberFieldKey,
  type RawMemberRow,
} from './columns';

export interface NormalizeOptions {
  /** ISO date (YYYY-MM-DD) the ages and "not in the future" are checked against. */
  today: string;
}

export type RowCheck = { ok: true; data: MemberData } | { ok: false; errors: FieldError[] };

/** The data columns of the member sheet, in sheet order (no id/version). */
export const MEMBER_FIELD_KEYS: readonly MemberFieldKey[] = MEMBER_COLUMNS.filter(
  (c) => c.type !== 'id' && c.type !== 'version',
).map((c) => c.key as MemberFieldKey);

/**
 * Longest text allowed in the free-text columns. The address and the identity document are printed in
 * every consent: at these lengths a consent still fits one A4 page (server/documents/libreoffice.test.ts
 * prints a member with every field at its longest).
 */
export const TEXT_MAX_LENGTH: Partial<Record<MemberFieldKey, number>> = {
  position: 200,
  unit: 200,
  address: 250,
  idDocument: 250,
};

/** Each consent state column and the column with its date. */
export const CONSENT_PAIRS = [
  { state: 'consentUnion', date: 'consentUnionDate' },
  { state: 'consentOperator', date: 'consentOperatorDate' },
  { state: 'consentNotify', date: 'consentNotifyDate' },
] as const satisfies readonly { state: MemberFieldKey; date: MemberFieldKey }[];

const REQUIRED_HINT: Partial<Record<MemberFieldKey, string>> = {
  surname: 'впишите фамилию (или ФИО целиком)',
  name: 'впишите имя',
  birthDate: 'введите дату в виде ДД.ММ.ГГГГ',
  category: 'выберите категорию из списка',
};

function cell(raw: RawMemberRow, key: MemberFieldKey): unknown {
  return Object.prototype.hasOwnProperty.call(raw, key) ? raw[key] : undefined;
}

function lowerFirst(s: string): string {
  return s ? s[0].toLowerCase() + s.slice(1) : s;
}

function checkEnum(col: MemberColumn, v: unknown): Check<string> {
  if (typeof v !== 'string' && typeof v !== 'number') return { ok: false, message: badValue(col.header) };
  const s = String(v);
  const vocabulary: Vocabulary<string> = isCodedColumn(col.key) ? MEMBER_VOCABULARIES[col.key] : { options: (col.options ?? []) as readonly Option<string>[], synonyms: {} };
  const m = matchVocabulary(vocabulary, s);
  if (m.kind === 'value') return { ok: true, value: m.code };
  return { ok: false, message: vocabularyMessage(col.header, vocabulary, s, m) };
}

export function normalizeMemberRow(raw: RawMemberRow, opts: NormalizeOptions): RowCheck {
  const row: RawMemberRow = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {};
  const errors: FieldError[] = [];
  const d: { -readonly [K in MemberFieldKey]?: MemberData[K] } = {};
  const put = <K extends MemberFieldKey>(key: K, r: Check<MemberData[K]>): void => {
    if (r.ok) d[key] = r.value;
    else errors.push({ field: key, message: r.message });
  };
  const required = (key: MemberFieldKey): boolean => {
    const col = columnByKey(key);
    if (!col.required || !isBlankCell(cell(row, key))) return false;
    errors.push({ field: key, message: `${col.header}: не заполнено — ${REQUIRED_HINT[key] ?? 'заполните'}` });
    return true;
  };

  // Names: a full name typed into the surname cell (name cell empty) is split into three.
  const surnameCell = cell(row, 'surname');
  let patronymicFromSplit = false;
  const fullName = typeof surnameCell === 'string' && isBlankCell(cell(row, 'name')) && normalizeSpaces(surnameCell).includes(' ');
  if (fullName) {
    const prefix = `${columnByKey('surname').header} (ФИО целиком)`;
    const split = splitFullName(surnameCell);
    if (!split.ok) {
      errors.push({ field: 'surname', message: split.message.replace(/^ФИО:/, `${prefix}:`) });
    } else {
      const parts: [NamePartLabel, string][] = [
        ['Фамилия', split.value.surname],
        ['Имя', split.value.name],
      ];
      if (split.value.patronymic !== null) parts.push(['Отчество', split.value.patronymic]);
      const checked: string[] = [];
      for (const [what, value] of parts) {
        const r = checkNamePart(value, what);
        if (r.ok) checked.push(r.value);
        else errors.push({ field: 'surname', message: `${prefix}, ${lowerFirst(r.message)}` });
      }
      if (checked.length === parts.length) {
        d.surname = checked[0];
        d.name = checked[1];
        if (parts.length === 3) d.patronymic = checked[2];
      }
      patronymicFromSplit = split.value.patronymic !== null;
      if (patronymicFromSplit && !isBlankCell(cell(row, 'patronymic'))) {
        errors.push({
          field: 'patronymic',
          message: `${columnByKey('patronymic').header}: отчество вписано и здесь, и в столбце «${columnByKey('surname').header}» — оставьте его только в одном месте`,
        });
      }
    }
  } else {
    if (!required('surname')) put('surname', checkNamePart(surnameCell, 'Фамилия'));
    if (!required('name')) put('name', checkNamePart(cell(row, 'name'), 'Имя'));
  }
  if (!patronymicFromSplit) {
    const p = cell(row, 'patronymic');
    if (isBlankCell(p)) d.patronymic = null;
    else put('patronymic', checkNamePart(p, 'Отчество'));
  }

  const today = opts.today;
  for (const col of MEMBER_COLUMNS) {
    const key = col.key;
    if (key === 'id' || key === 'version' || key === 'surname' || key === 'name' || key === 'patronymic') continue;
    const v = cell(row, key);
    if (required(key)) continue;
    if (isBlankCell(v)) {
      (d as Record<string, unknown>)[key] = null;
      continue;
    }
    let r: Check<string | null>;
    switch (col.type) {
      case 'date':
        r = key === 'birthDate' ? checkBirthDate(v, today, col.header) : parseDate(v, { label: col.header, notAfter: today });
        break;
      case 'enum':
        r = checkEnum(col, v);
        break;
      case 'snils':
        r = checkSnils(v, col.header);
        break;
      case 'phone':
        r = checkPhone(v, col.header);
        break;
      case 'email':
        r = checkEmail(v, col.header);
        break;
      default:
        r = checkFreeText(v, col.header, TEXT_MAX_LENGTH[key] ?? 200);
    }
    if (r.ok) (d as Record<string, unknown>)[key] = r.value;
    else errors.push({ field: key, message: r.message });
  }

  // Joining the union: not before the member turned 14.
  if (d.birthDate && d.joinedAt && d.joinedAt < addYears(d.birthDate, MIN_MEMBER_AGE)) {
    errors.push({
      field: 'joinedAt',
      message: `${columnByKey('joinedAt').header}: раньше, чем члену Профсоюза исполнилось ${MIN_MEMBER_AGE} лет — проверьте дату вступления и дату рождения`,
    });
  }

  // Consents: a date needs a state; a given consent needs the date of signature, a revoked one the date
  // of revocation (from it runs the operator's term to stop processing, 152-ФЗ art. 21 part 5).
  for (const pair of CONSENT_PAIRS) {
    const stateBlank = isBlankCell(cell(row, pair.state));
    const dateBlank = isBlankCell(cell(row, pair.date));
    if (stateBlank && !dateBlank) {
      errors.push({
        field: pair.state,
        message: `${columnByKey(pair.state).header}: указана дата, но не указано, дано ли согласие — выберите «Дано», «Отказ» или «Отозвано»`,
      });
    }
    if (d[pair.state] === 'given' && dateBlank) {
      errors.push({
        field: pair.date,
        message: `${columnByKey(pair.date).header}: не заполнена — согласие дано, укажите дату его подписи (ДД.ММ.ГГГГ)`,
      });
    }
    if (d[pair.state] === 'revoked' && dateBlank) {
      errors.push({
        field: pair.date,
        message: `${columnByKey(pair.date).header}: не заполнена — согласие отозвано, укажите дату отзыва (ДД.ММ.ГГГГ): с неё идёт срок прекращения обработки персональных данных`,
      });
    }
  }

  if (errors.length > 0) {
    const order = new Map(MEMBER_FIELD_KEYS.map((k, i) => [k as string, i]));
    errors.sort((a, b) => (order.get(a.field) ?? 99) - (order.get(b.field) ?? 99));
    return { ok: false, errors };
  }
  return { ok: true, data: d as MemberData };
}

/** True when every data cell is empty or whitespace (the hidden id and version are ignored). */
export function isBlankRow(raw: RawMemberRow): boolean {
  if (raw === null || typeof raw !== 'object') return true;
  return MEMBER_FIELD_KEYS.every((k) => isBlankCell(cell(raw, k)));
}

/** MemberData as the sheet and exports show it: labels, dates dd.mm.yyyy, СНИЛС and phone formatted. */
export function memberDataToCells(data: MemberData): Record<MemberFieldKey, string | null> {
  const out = {} as Record<MemberFieldKey, string | null>;
  for (const col of MEMBER_COLUMNS) {
    if (col.type === 'id' || col.type === 'version') continue;
    const key = col.key as MemberFieldKey;
    const v = data[key];
    if (v === null || v === undefined || v === '') {
      out[key] = null;
      continue;
    }
    switch (col.type) {
      case 'date':
        out[key] = formatDateRu(v);
        break;
      case 'enum':
        out[key] = labelForCode((col.options ?? []) as readonly Option<string>[], v) || v;
        break;
      case 'snils':
        out[key] = formatSnils(v);
        break;
      case 'phone':
        out[key] = formatPhone(v);
        break;
      default:
        out[key] = v;
    }
  }
  return out;
}

/** True when both hold the same values in every field (decides «Без изменений»). */
export function memberDataEqual(a: MemberData, b: MemberData): boolean {
  return MEMBER_FIELD_KEYS.every((k) => (a[k] ?? null) === (b[k] ?? null));
}
