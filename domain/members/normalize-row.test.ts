import type { FieldError, MemberData, RawMemberRow } from './columns';
import { isBlankRow, memberDataEqual, memberDataToCells, normalizeMemberRow } from './normalize-row';

const today = '2025-03-01';
const opts = { today };

const EMPTY: MemberData = {
  surname: '',
  name: '',
  patronymic: null,
  sex: null,
  birthDate: '',
  snils: null,
  phone: null,
  email: null,
  position: null,
  category: 'employee',
  joinedAt: null,
  unit: null,
  consentUnion: null,
  consentUnionDate: null,
  consentOperator: null,
  consentOperatorDate: null,
  consentNotify: null,
  consentNotifyDate: null,
  cardStatus: null,
  address: null,
  idDocument: null,
};
const member = (over: Partial<MemberData>): MemberData => ({ ...EMPTY, ...over });

const DATE_HINT = 'Введите дату в виде ДД.ММ.ГГГГ';
const PHONE_HINT = 'укажите номер в виде +7 912 345-67-89 или 8 912 345-67-89';
const CATEGORY_LIST =
  '«Работник», «Обучающийся», «Штатный работник Профсоюза», «В отпуске по уходу за ребёнком», «Уволен по сокращению (до 6 мес.)», «Неработающий пенсионер»';

/** A messy list as it comes from an HR export and an old spreadsheet. */
const GOOD_ROWS: [string, RawMemberRow, MemberData][] = [
  [
    'a clean row with every column',
    {
      surname: 'Иванова',
      name: 'Анна',
      patronymic: 'Сергеевна',
      sex: 'Ж',
      birthDate: '15.02.1980',
      snils: '112-233-445 95',
      phone: '8 (912) 345-67-89',
      email: 'Ivanova@Mail.RU',
      position: 'Учитель математики',
      category: 'Работник',
      joinedAt: '01.09.2005',
      unit: 'Профгруппа начальной школы',
      consentUnion: 'Дано',
      consentUnionDate: '10.01.2025',
      consentOperator: 'Отказ',
      consentNotify: 'Отозвано',
      consentNotifyDate: 45600,
      cardStatus: 'Не заказан',
      address: 'г. Уфа, ул. Ленина, д. 1, кв. 2',
      idDocument: '80 12 345678, выдан 01.02.2010',
      id: 'b5f2c1de-0000-4000-8000-000000000001',
      version: 3,
    },
    member({
      surname: 'Иванова',
      name: 'Анна',
      patronymic: 'Сергеевна',
      sex: 'female',
      birthDate: '1980-02-15',
      snils: '11223344595',
      phone: '+79123456789',
      email: 'Ivanova@mail.ru',
      position: 'Учитель математики',
      category: 'employee',
      joinedAt: '2005-09-01',
      unit: 'Профгруппа начальной школы',
      consentUnion: 'given',
      consentUnionDate: '2025-01-10',
      consentOperator: 'refused',
      consentNotify: 'revoked',
      consentNotifyDate: '2024-11-04',
      cardStatus: 'not_ordered',
      address: 'г. Уфа, ул. Ленина, д. 1, кв. 2',
      idDocument: '80 12 345678, выдан 01.02.2010',
    }),
  ],
  [
    'full name in one cell in capitals, Excel serial date, numbers for СНИЛС and phone',
    { surname: '  ПЕТРОВ   пётр  иванович ', birthDate: 29266, snils: 11223344595, phone: 89123456789, category: 'employee' },
    member({ surname: 'Петров', name: 'Пётр', patronymic: 'Иванович', birthDate: '1980-02-15', snils: '11223344595', phone: '+79123456789' }),
  ],
  [
    'full name of two words with the patronymic in its own column',
    { surname: 'Семёнова Алёна', patronymic: 'Петровна ', birthDate: '1990-07-03T00:00:00.000Z', category: 'работник', phone: '+7 912 3456789' },
    member({ surname: 'Семёнова', name: 'Алёна', patronymic: 'Петровна', birthDate: '1990-07-03', phone: '+79123456789' }),
  ],
  [
    'Turkic patronymic with оглы, sex and category written differently',
    { surname: 'Мамедов Тимур Ильхам оглы', birthDate: '20/05/2005', sex: 'муж.', category: 'ОБУЧАЮЩИЙСЯ', phone: '9123456789', snils: '11223344595' },
    member({ surname: 'Мамедов', name: 'Тимур', patronymic: 'Ильхам оглы', sex: 'male', birthDate: '2005-05-20', category: 'student', phone: '+79123456789', snils: '11223344595' }),
  ],
  [
    'trailing spaces, a Date from exceljs, a serial as text, a numeric group name, double surname',
    {
      surname: 'иванова-петрова ',
      name: ' Ольга\u00a0',
      patronymic: '   ',
      birthDate: new Date(Date.UTC(1975, 11, 31)),
      joinedAt: '45000',
      position: 101,
      category: 'Неработающий пенсионер',
      cardStatus: 'Выдан',
      email: '  почта@Школа.РФ ',
    },
    member({
      surname: 'Иванова-Петрова',
      name: 'Ольга',
      birthDate: '1975-12-31',
      joinedAt: '2023-03-15',
      position: '101',
      category: 'pensioner',
      cardStatus: 'issued',
      email: 'почта@школа.рф',
    }),
  ],
  [
    'a refusal without a date is accepted; a revocation with its date',
    { surname: 'Ким', name: 'Ирина', birthDate: '01.03.1990', category: 'Работник', consentOperator: 'Отказ', consentNotify: 'отозвано', consentNotifyDate: '20.11.2024' },
    member({ surname: 'Ким', name: 'Ирина', birthDate: '1990-03-01', category: 'employee', consentOperator: 'refused', consentNotify: 'revoked', consentNotifyDate: '2024-11-20' }),
  ],
  [
    'a student who turned 14 today and joined today',
    { surname: 'Ким', name: 'Виктор', birthDate: '01.03.2011', joinedAt: '01.03.2025', category: 'Обучающийся' },
    member({ surname: 'Ким', name: 'Виктор', birthDate: '2011-03-01', joinedAt: '2025-03-01', category: 'student' }),
  ],
];

describe('normalizeMemberRow: good rows of a messy list', () => {
  it.each(GOOD_ROWS)('%s', (_title, raw, expected) => {
    expect(normalizeMemberRow(raw, opts)).toEqual({ ok: true, data: expected });
  });
});

const BAD_ROWS: [string, RawMemberRow, FieldError[]][] = [
  [
    'every kind of mistake in one row is reported, in column order',
    {
      surname: 'Ивaнов', // Latin «a»
      name: '<script>alert(1)</script>',
      birthDate: '31.02.1980',
      snils: '112-233-445 96',
      phone: '345-67-89',
      email: 'ivanov@mail',
      category: 'Директор',
      joinedAt: '01.01.2030',
      consentUnionDate: '01.02.2025',
      consentOperator: 'Дано',
    },
    [
      { field: 'surname', message: 'Фамилия: в слове есть латинская буква «a» — сотрите слово и наберите его заново русскими буквами' },
      { field: 'name', message: 'Имя: недопустимый символ «<» — в имени могут быть только русские буквы, дефис, пробел и апостроф' },
      { field: 'birthDate', message: `Дата рождения: такой даты нет — проверьте число и месяц. ${DATE_HINT}` },
      { field: 'snils', message: 'СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС' },
      { field: 'phone', message: `Телефон: в номере 7 цифр, а нужно 11 (вместе с 8 или +7) — ${PHONE_HINT}` },
      { field: 'email', message: 'Эл. почта: ошибка в части адреса после знака @ — проверьте адрес (например, mail.ru, yandex.ru)' },
      { field: 'category', message: `Категория: «Директор» — такого значения нет в списке. Выберите одно из значений: ${CATEGORY_LIST}` },
      { field: 'joinedAt', message: 'Дата вступления: дата ещё не наступила — проверьте число, месяц и год' },
      { field: 'consentUnion', message: 'Согласие Профсоюзу: указана дата, но не указано, дано ли согласие — выберите «Дано», «Отказ» или «Отозвано»' },
      { field: 'consentOperatorDate', message: 'Дата согласия ФИНФОРТ: не заполнена — согласие дано, укажите дату его подписи (ДД.ММ.ГГГГ)' },
    ],
  ],
  [
    'a revoked consent without the date of revocation',
    { surname: 'Ким', name: 'Ирина', birthDate: '01.03.1990', category: 'Работник', consentUnion: 'Отозвано', consentNotify: 'Отказ' },
    [{ field: 'consentUnionDate', message: 'Дата согласия Профсоюзу: не заполнена — согласие отозвано, укажите дату отзыва (ДД.ММ.ГГГГ): с неё идёт срок прекращения обработки персональных данных' }],
  ],
  [
    'wrong types never throw',
    {
      surname: {},
      name: ['Иван'],
      sex: false,
      birthDate: true,
      snils: { x: 1 },
      phone: new Date(0),
      email: null,
      position: () => 1,
      category: 42,
      unit: Symbol('x'),
      cardStatus: BigInt(1),
      consentNotifyDate: [],
    },
    [
      { field: 'surname', message: 'Фамилия: неверное значение — введите значение заново' },
      { field: 'name', message: 'Имя: неверное значение — введите значение заново' },
      { field: 'sex', message: 'Пол: неверное значение — введите значение заново' },
      { field: 'birthDate', message: 'Дата рождения: неверное значение — введите значение заново' },
      { field: 'snils', message: 'СНИЛС: неверное значение — введите значение заново' },
      { field: 'phone', message: 'Телефон: неверное значение — введите значение заново' },
      { field: 'position', message: 'Должность / учебная группа: неверное значение — введите значение заново' },
      { field: 'category', message: `Категория: «42» — такого значения нет в списке. Выберите одно из значений: ${CATEGORY_LIST}` },
      { field: 'unit', message: 'Подразделение: неверное значение — введите значение заново' },
      { field: 'consentNotify', message: 'Согласие на уведомления: указана дата, но не указано, дано ли согласие — выберите «Дано», «Отказ» или «Отозвано»' },
      { field: 'consentNotifyDate', message: 'Дата согласия на уведомления: неверное значение — введите значение заново' },
      { field: 'cardStatus', message: 'Статус ЭПБ: неверное значение — введите значение заново' },
    ],
  ],
  [
    'required columns empty (a row with only spaces and a phone)',
    { surname: '  ', name: '', birthDate: null, category: undefined, phone: '8 912 345 67 89' },
    [
      { field: 'surname', message: 'Фамилия: не заполнено — впишите фамилию (или ФИО целиком)' },
      { field: 'name', message: 'Имя: не заполнено — впишите имя' },
      { field: 'birthDate', message: 'Дата рождения: не заполнено — введите дату в виде ДД.ММ.ГГГГ' },
      { field: 'category', message: 'Категория: не заполнено — выберите категорию из списка' },
    ],
  ],
  [
    'full name of too many words, two-digit year, a surname with a Latin «o» inside the full name',
    { surname: 'Иванов Иван Иванович Петрович', birthDate: '15.02.80', category: 'Работник', snils: '112233445' },
    [
      { field: 'surname', message: 'Фамилия (ФИО целиком): больше трёх слов — разнесите фамилию, имя и отчество по отдельным столбцам' },
      { field: 'birthDate', message: 'Дата рождения: год указан двумя цифрами — напишите год полностью, четырьмя цифрами (ДД.ММ.ГГГГ)' },
      { field: 'snils', message: 'СНИЛС: должно быть 11 цифр, а введено 9 — проверьте номер по карточке СНИЛС' },
    ],
  ],
  [
    'a Latin letter inside the name part of a full name, and the patronymic given twice',
    { surname: 'Смирнов Сeргей Петрович', patronymic: 'Петрович', birthDate: '01.01.1970', category: 'Работник' },
    [
      { field: 'surname', message: 'Фамилия (ФИО целиком), имя: в слове есть латинская буква «e» — сотрите слово и наберите его заново русскими буквами' },
      { field: 'patronymic', message: 'Отчество: отчество вписано и здесь, и в столбце «Фамилия» — оставьте его только в одном месте' },
    ],
  ],
  [
    'too young; joined before 14; consent dates in the future',
    {
      surname: 'Сидорова',
      name: 'Мария',
      birthDate: '02.03.2011',
      category: 'Обучающийся',
      consentUnion: 'Дано',
      consentUnionDate: '02.03.2025',
    },
    [
      { field: 'birthDate', message: 'Дата рождения: члену Профсоюза должно быть не меньше 14 лет — проверьте год рождения' },
      { field: 'consentUnionDate', message: 'Дата согласия Профсоюзу: дата ещё не наступила — проверьте число, месяц и год' },
    ],
  ],
  [
    'joined before turning 14',
    { surname: 'Сидорова', name: 'Мария', birthDate: '15.06.2000', category: 'Работник', joinedAt: '14.06.2014' },
    [{ field: 'joinedAt', message: 'Дата вступления: раньше, чем члену Профсоюза исполнилось 14 лет — проверьте дату вступления и дату рождения' }],
  ],
  [
    'unknown sex, consent and card status; bare year; HTML in free text',
    {
      surname: 'Орлова',
      name: 'Нина',
      sex: 'жн',
      birthDate: 1980,
      category: 'Работник',
      consentOperator: 'может быть',
      cardStatus: 'Неизвестно',
      unit: '<b>Профбюро</b>',
    },
    [
      { field: 'sex', message: 'Пол: «жн» — такого значения нет в списке. Возможно, «Ж»? Выберите одно из значений: «М», «Ж»' },
      { field: 'birthDate', message: `Дата рождения: указан только год — впишите полную дату. ${DATE_HINT}` },
      { field: 'unit', message: 'Подразделение: знаки «<» и «>» не допускаются — уберите их' },
      { field: 'consentOperator', message: 'Согласие ФИНФОРТ: «может быть» — такого значения нет в списке. Выберите одно из значений: «Дано», «Отказ», «Отозвано»' },
      { field: 'cardStatus', message: 'Статус ЭПБ: «Неизвестно» — такого значения нет в списке. Выберите одно из значений (выпадающий список в ячейке)' },
    ],
  ],
];

describe('normalizeMemberRow: bad rows', () => {
  it.each(BAD_ROWS)('%s', (_title, raw, errors) => {
    expect(normalizeMemberRow(raw, opts)).toEqual({ ok: false, errors });
  });

  it('never throws, whatever the row is', () => {
    for (const raw of [null, undefined, 42, 'Иванов', [], [1, 2], Object.create(null)] as unknown[]) {
      const r = normalizeMemberRow(raw as RawMemberRow, opts);
      expect(r.ok).toBe(false);
    }
  });

  it('ignores values inherited from the prototype', () => {
    const proto = { surname: 'Иванов', name: 'Иван', birthDate: '01.01.1980', category: 'Работник' };
    const r = normalizeMemberRow(Object.create(proto) as RawMemberRow, opts);
    expect(r.ok).toBe(false);
  });
});

describe('isBlankRow', () => {
  it.each<[RawMemberRow, boolean]>([
    [{}, true],
    [{ surname: '  ', name: '\u00a0', birthDate: null, phone: undefined }, true],
    [{ id: 'abc', version: 2 }, true],
    [{ surname: '', id: 'abc', version: 2, unit: '\t' }, true],
    [{ phone: 0 }, false],
    [{ consentUnion: false }, false],
    [{ unit: 'Профбюро' }, false],
  ])('%p → %p', (raw, blank) => {
    expect(isBlankRow(raw)).toBe(blank);
  });
});

describe('memberDataToCells and memberDataEqual', () => {
  const data = GOOD_ROWS[0][2];

  it('renders labels, dates, СНИЛС and phone for the sheet', () => {
    expect(memberDataToCells(data)).toEqual({
      surname: 'Иванова',
      name: 'Анна',
      patronymic: 'Сергеевна',
      sex: 'Ж',
      birthDate: '15.02.1980',
      snils: '112-233-445 95',
      phone: '+7 (912) 345-67-89',
      email: 'Ivanova@mail.ru',
      position: 'Учитель математики',
      category: 'Работник',
      joinedAt: '01.09.2005',
      unit: 'Профгруппа начальной школы',
      consentUnion: 'Дано',
      consentUnionDate: '10.01.2025',
      consentOperator: 'Отказ',
      consentOperatorDate: null,
      consentNotify: 'Отозвано',
      consentNotifyDate: '04.11.2024',
      cardStatus: 'Не заказан',
      address: 'г. Уфа, ул. Ленина, д. 1, кв. 2',
      idDocument: '80 12 345678, выдан 01.02.2010',
    });
  });

  it.each(GOOD_ROWS)('the rendered cells read back to the same data: %s', (_title, _raw, expected) => {
    const again = normalizeMemberRow(memberDataToCells(expected), opts);
    expect(again).toEqual({ ok: true, data: expected });
  });

  it('compares every field', () => {
    expect(memberDataEqual(data, { ...data })).toBe(true);
    expect(memberDataEqual(data, { ...data, consentNotifyDate: null })).toBe(false);
    expect(memberDataEqual(data, { ...data, surname: 'Иванова ' })).toBe(false);
    expect(memberDataEqual(data, { ...data, phone: '+79123456788' })).toBe(false);
  });
});
