/**
 * The member sheet: one definition of its columns, used by the add-in to lay out the sheet
 * and by the server to read uploads and to export. Order here is the order in the sheet.
 */
import {
  CARD_STATUSES,
  CATEGORIES,
  CONSENT_STATES,
  SEXES,
  type CardStatus,
  type CategoryCode,
  type ConsentState,
  type Option,
  type SexCode,
} from './codes';

export type ColumnType = 'id' | 'version' | 'name' | 'text' | 'date' | 'enum' | 'snils' | 'phone' | 'email';

export type MemberFieldKey =
  | 'surname'
  | 'name'
  | 'patronymic'
  | 'sex'
  | 'birthDate'
  | 'snils'
  | 'phone'
  | 'email'
  | 'position'
  | 'category'
  | 'joinedAt'
  | 'unit'
  | 'consentUnion'
  | 'consentUnionDate'
  | 'consentOperator'
  | 'consentOperatorDate'
  | 'consentNotify'
  | 'consentNotifyDate'
  | 'cardStatus'
  | 'address'
  | 'idDocument';

export type ColumnKey = 'id' | 'version' | MemberFieldKey;

export interface MemberColumn {
  readonly key: ColumnKey;
  /** Russian header, exactly as it stands in row 1 of the sheet. */
  readonly header: string;
  readonly type: ColumnType;
  readonly required: boolean;
  /** Allowed values for `enum` columns (the sheet shows labels, the API speaks codes). */
  readonly options?: readonly Option<string>[];
  /** Hidden technical columns (server id and version). */
  readonly hidden?: boolean;
  /** Column width in Excel character units. */
  readonly width: number;
  /** Other headers the same column has in HR exports (for uploads); compared case- and ё-insensitively. */
  readonly aliases: readonly string[];
  /** A one-line hint shown in the template and in the pane. */
  readonly help: string;
}

export const MEMBER_COLUMNS: readonly MemberColumn[] = [
  { key: 'surname', header: 'Фамилия', type: 'name', required: true, width: 18, aliases: ['фамилия', 'ФИО', 'Ф.И.О.', 'Фамилия Имя Отчество', 'Фамилия, имя, отчество'], help: 'Фамилия кириллицей. Можно вписать ФИО целиком — оно будет разделено.' },
  { key: 'name', header: 'Имя', type: 'name', required: true, width: 14, aliases: ['имя'], help: 'Имя кириллицей.' },
  { key: 'patronymic', header: 'Отчество', type: 'name', required: false, width: 18, aliases: ['отчество'], help: 'Отчество, если есть.' },
  { key: 'sex', header: 'Пол', type: 'enum', required: false, options: SEXES, width: 6, aliases: ['пол'], help: 'М или Ж.' },
  { key: 'birthDate', header: 'Дата рождения', type: 'date', required: true, width: 14, aliases: ['дата рождения', 'д.р.', 'дата рожд.'], help: 'ДД.ММ.ГГГГ. Член Профсоюза — не моложе 14 лет.' },
  { key: 'snils', header: 'СНИЛС', type: 'snils', required: false, width: 16, aliases: ['снилс', 'страховой номер', 'номер снилс'], help: '11 цифр: XXX-XXX-XXX YY.' },
  { key: 'phone', header: 'Телефон', type: 'phone', required: false, width: 16, aliases: ['телефон', 'мобильный телефон', 'тел.', 'моб. телефон'], help: 'Мобильный: +7 912 345-67-89 или 8 912 345 67 89.' },
  { key: 'email', header: 'Эл. почта', type: 'email', required: false, width: 22, aliases: ['e-mail', 'email', 'эл. почта', 'электронная почта', 'почта'], help: 'Адрес электронной почты.' },
  { key: 'position', header: 'Должность / учебная группа', type: 'text', required: false, width: 24, aliases: ['должность', 'учебная группа', 'группа', 'должность / группа'], help: 'Должность работника или группа обучающегося.' },
  { key: 'category', header: 'Категория', type: 'enum', required: true, options: CATEGORIES, width: 22, aliases: ['категория', 'категория члена профсоюза'], help: 'Выберите из списка.' },
  { key: 'joinedAt', header: 'Дата вступления', type: 'date', required: false, width: 14, aliases: ['дата вступления', 'дата вступления в профсоюз', 'дата вступления в Профсоюз'], help: 'Дата вступления в Профсоюз, ДД.ММ.ГГГГ.' },
  { key: 'unit', header: 'Подразделение', type: 'text', required: false, width: 22, aliases: ['подразделение', 'профгруппа', 'профбюро', 'структурное подразделение'], help: 'Название профбюро или профгруппы; пусто — сама первичная организация.' },
  { key: 'consentUnion', header: 'Согласие Профсоюзу', type: 'enum', required: false, options: CONSENT_STATES, width: 12, aliases: ['согласие профсоюзу', 'согласие на обработку пд'], help: 'Дано / Отказ / Отозвано; пусто — ещё не собрано.' },
  { key: 'consentUnionDate', header: 'Дата согласия Профсоюзу', type: 'date', required: false, width: 14, aliases: [], help: 'Дата подписи согласия Профсоюзу; для «Отозвано» — дата отзыва.' },
  { key: 'consentOperator', header: 'Согласие ФИНФОРТ', type: 'enum', required: false, options: CONSENT_STATES, width: 12, aliases: ['согласие финфорт', 'согласие оператору карт'], help: 'Согласие ООО «ФИНФОРТ» (оператор карт).' },
  { key: 'consentOperatorDate', header: 'Дата согласия ФИНФОРТ', type: 'date', required: false, width: 14, aliases: [], help: 'Дата подписи согласия ООО «ФИНФОРТ»; для «Отозвано» — дата отзыва.' },
  { key: 'consentNotify', header: 'Согласие на уведомления', type: 'enum', required: false, options: CONSENT_STATES, width: 12, aliases: ['согласие на уведомления', 'согласие на рассылку'], help: 'Согласие на SMS/PUSH/e-mail-уведомления.' },
  { key: 'consentNotifyDate', header: 'Дата согласия на уведомления', type: 'date', required: false, width: 14, aliases: [], help: 'Дата подписи согласия на уведомления; для «Отозвано» — дата отзыва.' },
  { key: 'cardStatus', header: 'Статус ЭПБ', type: 'enum', required: false, options: CARD_STATUSES, width: 18, aliases: ['статус эпб', 'электронный профсоюзный билет', 'эпб'], help: 'Статус электронного профсоюзного билета.' },
  { key: 'address', header: 'Адрес (для согласий)', type: 'text', required: false, width: 30, aliases: ['адрес', 'адрес регистрации'], help: 'Необязательно: адрес впечатывается в согласия.' },
  { key: 'idDocument', header: 'Паспорт (для согласий)', type: 'text', required: false, width: 30, aliases: ['паспорт', 'документ, удостоверяющий личность'], help: 'Необязательно: серия, номер, кем и когда выдан.' },
  { key: 'id', header: 'ID в реестре', type: 'id', required: false, hidden: true, width: 38, aliases: ['id', 'id в реестре'], help: 'Служебный столбец: не изменяйте.' },
  { key: 'version', header: 'Версия', type: 'version', required: false, hidden: true, width: 8, aliases: ['версия'], help: 'Служебный столбец: не изменяйте.' },
];

/** The add-in's own result column, after the data columns; never sent to the server. */
export const RESULT_HEADER = 'Результат';

/** The add-in's hidden row key (after «Результат»): how a push finds its rows again; never data. */
export const ROW_KEY_HEADER = 'Ключ строки';

export const MEMBER_SHEET_NAME = 'Члены профсоюза';
export const MEMBER_TABLE_NAME = 'ЧленыПрофсоюза';

let columnsByKey: Map<ColumnKey, MemberColumn> | null = null;

export function columnByKey(key: ColumnKey): MemberColumn {
  columnsByKey ??= new Map(MEMBER_COLUMNS.map((col) => [col.key, col]));
  const c = columnsByKey.get(key);
  if (!c) throw new Error(`unknown member column ${key}`);
  return c;
}

/** A row as it arrives from a sheet or an upload: raw cell values keyed by column key. */
export type RawMemberRow = Partial<Record<ColumnKey, unknown>>;

/** A member's data after normalisation: what the server stores (dates ISO, СНИЛС 11 digits, phone E.164). */
export interface MemberData {
  surname: string;
  name: string;
  patronymic: string | null;
  sex: SexCode | null;
  birthDate: string;
  snils: string | null;
  phone: string | null;
  email: string | null;
  position: string | null;
  category: CategoryCode;
  joinedAt: string | null;
  unit: string | null;
  consentUnion: ConsentState | null;
  consentUnionDate: string | null;
  consentOperator: ConsentState | null;
  consentOperatorDate: string | null;
  consentNotify: ConsentState | null;
  consentNotifyDate: string | null;
  cardStatus: CardStatus | null;
  address: string | null;
  idDocument: string | null;
}

/** One problem in one cell, in words a chair understands. */
export interface FieldError {
  field: ColumnKey;
  message: string;
}
