/**
 * The ППО passport as a form on the sheet «Паспорт ППО»: four sections of «label | value» rows.
 * Keys are the server passport's field names (camelCase).
 */

export const PASSPORT_SHEET_NAME = 'Паспорт ППО';

export const PASSPORT_SECTIONS = ['ИНПО', 'Регистрация', 'Организация', 'Адреса и телефоны'] as const;
export type PassportSection = (typeof PASSPORT_SECTIONS)[number];

export type PassportFieldKey =
  | 'inpoNumber'
  | 'unionName'
  | 'inn'
  | 'kpp'
  | 'ogrn'
  | 'registrationDate'
  | 'institutionName'
  | 'institutionType'
  | 'chairFullName'
  | 'chairPosition'
  | 'employeesCount'
  | 'studentsCount'
  | 'legalAddress'
  | 'postalAddress'
  | 'postalIndex'
  | 'phone'
  | 'email';

/** `text` cells are text-formatted ('@': ИНН, ОГРН, индекс keep their leading zeros); `date` real dates; `count` whole numbers. */
export type PassportFieldType = 'text' | 'date' | 'count';

export interface PassportFieldDef {
  readonly key: PassportFieldKey;
  readonly label: string;
  readonly section: PassportSection;
  readonly type: PassportFieldType;
  /** A one-line hint (shown when the cell is selected). */
  readonly help: string;
}

export const PASSPORT_FIELDS: readonly PassportFieldDef[] = [
  { key: 'inpoNumber', label: 'Номер ИНПО', section: 'ИНПО', type: 'text', help: 'Номер первичной организации в реестре Профсоюза.' },
  { key: 'unionName', label: 'Наименование первичной профсоюзной организации', section: 'ИНПО', type: 'text', help: 'Полное наименование, как в уставе или положении.' },
  { key: 'inn', label: 'ИНН', section: 'Регистрация', type: 'text', help: '10 цифр (ИНН организации).' },
  { key: 'kpp', label: 'КПП', section: 'Регистрация', type: 'text', help: '9 знаков, например 770101001.' },
  { key: 'ogrn', label: 'ОГРН', section: 'Регистрация', type: 'text', help: '13 цифр.' },
  { key: 'registrationDate', label: 'Дата государственной регистрации', section: 'Регистрация', type: 'date', help: 'ДД.ММ.ГГГГ.' },
  { key: 'institutionName', label: 'Наименование учреждения', section: 'Организация', type: 'text', help: 'Школа, детский сад, колледж или вуз, где действует организация.' },
  { key: 'institutionType', label: 'Тип учреждения', section: 'Организация', type: 'text', help: 'Например: общеобразовательная школа, детский сад, колледж, вуз.' },
  { key: 'chairFullName', label: 'Председатель (фамилия, имя, отчество)', section: 'Организация', type: 'text', help: 'Полностью, кириллицей.' },
  { key: 'chairPosition', label: 'Должность председателя в учреждении', section: 'Организация', type: 'text', help: 'Например: учитель физики.' },
  { key: 'employeesCount', label: 'Число работников учреждения', section: 'Организация', type: 'count', help: 'Целое число, 0 или больше.' },
  { key: 'studentsCount', label: 'Число обучающихся', section: 'Организация', type: 'count', help: 'Целое число, 0 или больше.' },
  { key: 'legalAddress', label: 'Юридический адрес', section: 'Адреса и телефоны', type: 'text', help: 'Адрес из ЕГРЮЛ.' },
  { key: 'postalAddress', label: 'Почтовый адрес', section: 'Адреса и телефоны', type: 'text', help: 'Куда направлять письма и карты.' },
  { key: 'postalIndex', label: 'Почтовый индекс', section: 'Адреса и телефоны', type: 'text', help: '6 цифр.' },
  { key: 'phone', label: 'Телефон', section: 'Адреса и телефоны', type: 'text', help: 'Например: +7 843 123-45-67.' },
  { key: 'email', label: 'Электронная почта', section: 'Адреса и телефоны', type: 'text', help: 'Адрес для писем организации.' },
];

export type PassportLayoutRow =
  | { kind: 'title'; row: number; text: string }
  | { kind: 'header'; row: number }
  | { kind: 'section'; row: number; title: PassportSection }
  | { kind: 'field'; row: number; def: PassportFieldDef };

/** Columns of the form (0-based): A key (hidden), B label, C value, D «Что исправить». */
export const PASSPORT_COLUMNS = { key: 0, label: 1, value: 2, message: 3 } as const;
export const PASSPORT_HEADERS = ['Ключ', 'Поле', 'Значение', 'Что исправить'] as const;
export const PASSPORT_WIDTHS = [12, 48, 50, 50] as const;

/** The rows of the form (1-based sheet rows): title, header, then each section and its fields. */
export function passportLayout(): PassportLayoutRow[] {
  const rows: PassportLayoutRow[] = [
    { kind: 'title', row: 1, text: 'Паспорт первичной профсоюзной организации' },
    { kind: 'header', row: 2 },
  ];
  let row = 3;
  for (const section of PASSPORT_SECTIONS) {
    rows.push({ kind: 'section', row: row++, title: section });
    for (const def of PASSPORT_FIELDS.filter((f) => f.section === section)) rows.push({ kind: 'field', row: row++, def });
  }
  return rows;
}

/** Marker in the hidden key column of a section row. */
export const SECTION_MARK = '#';
