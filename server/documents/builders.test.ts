import { buildCardOrder, buildLoginLetter, buildObligation, cardOrderValues, NO_PHONE } from './builders';
import { DocumentDataError, DocumentsConfigError, MissingPlaceholderError } from './errors';
import { readTemplateFile } from './templates';
import { assertWellFormed, documentText, documentXml, testConfig } from './test-fixtures';

const config = testConfig();
const flat = (s: string) => s.replace(/[ \t\n]+/g, ' ');

describe('obligation not to disclose personal data', () => {
  const data = {
    chairFullName: 'Соловьёва Татьяна Игоревна',
    chairPosition: 'Председатель первичной профсоюзной организации',
    organisationName: 'Первичная профсоюзная организация МБОУ «СОШ № 17» г. Кирова',
    date: '2025-03-05',
  };

  test('names the chair, the position, the organisation, the date and what the chair undertakes', async () => {
    const out = await buildObligation(readTemplateFile('obligation'), data);
    const xml = await documentXml(out);
    assertWellFormed(xml);
    expect(xml).not.toContain('{{');
    const text = flat(await documentText(out));
    expect(text).toContain('ОБЯЗАТЕЛЬСТВО');
    expect(text).toContain('о неразглашении персональных данных');
    expect(text).toContain('Я, Соловьёва Татьяна Игоревна,');
    expect(text).toContain('Председатель первичной профсоюзной организации — Первичная профсоюзная организация МБОУ «СОШ № 17» г. Кирова');
    expect(text).toContain('«05» марта 2025 г.');
    expect(text).toContain('Соловьёва Т.И.');
    expect(text).toContain('(подпись)');
    expect(text).toContain('обязуюсь');
    expect(text).toContain('Не разглашать, не передавать третьим лицам');
    expect(text).toContain('152-ФЗ');
  });

  test('an empty position is refused, not printed as a blank', async () => {
    await expect(buildObligation(readTemplateFile('obligation'), { ...data, chairPosition: '' })).rejects.toMatchObject({ names: ['chair_position'] });
  });
});

describe('login letter', () => {
  const data = {
    organisationName: 'Первичная профсоюзная организация МБОУ «СОШ № 17» г. Кирова',
    chairFullName: 'Соловьёва Татьяна Игоревна',
    login: 'ppo-kirov-17',
    password: 'Xk7<pQ2m&94Lr',
    serverUrl: 'https://reestr.example.ru',
    manifestUrl: 'https://reestr.example.ru/manifest.xml',
    territorialName: 'Кировская городская территориальная организация Общероссийского Профсоюза образования',
    territorialContact: '+7 8332 64-00-00, gorkom@example.ru',
    date: '2025-03-05',
  };

  test('has the login, the one-time password (escaped), where to get the add-in, first steps and the contact', async () => {
    const out = await buildLoginLetter(readTemplateFile('login-letter'), data);
    const xml = await documentXml(out);
    assertWellFormed(xml);
    expect(xml).toContain('Xk7&lt;pQ2m&amp;94Lr');
    const text = flat(await documentText(out));
    for (const v of [data.organisationName, data.chairFullName, data.login, data.password, data.serverUrl, data.manifestUrl, data.territorialName, data.territorialContact]) {
      expect(text).toContain(v);
    }
    expect(text).toContain('Первые шаги');
    expect(text).toMatch(/смените? пароль|сменить пароль/);
    expect(text).toContain('обязательство о неразглашении');
    expect(text).toContain('первый запуск');
    expect(text).not.toContain('{{');
  });
});

describe('card order', () => {
  const members = [
    { surname: 'Иванова', name: 'Алёна', patronymic: 'Петровна', birthDate: '1990-02-01', phone: '+79123456789' },
    { surname: 'Пётров', name: 'Сергей', patronymic: null, birthDate: '1985-04-03', phone: null },
    { surname: 'Ёлкина', name: 'Мария', birthDate: '2007-12-31' },
  ];
  const data = {
    organisationName: 'ППО МБОУ «СОШ № 17» г. Кирова',
    orderNumber: '2025-017',
    date: '2025-04-01',
    chairFullName: 'Соловьёва Татьяна Игоревна',
    chairPosition: 'Председатель ППО',
    members,
  };

  test('has the organisation, number, date, count, price × count and one table row per member', async () => {
    const out = await buildCardOrder(readTemplateFile('card-order'), data, config);
    const xml = await documentXml(out);
    assertWellFormed(xml);
    expect(xml).not.toContain('{{');
    const text = flat(await documentText(out));
    expect(text).toContain('ЗАЯВКА № 2025-017');
    expect(text).toContain('от «01» апреля 2025 г.');
    expect(text).toContain(data.organisationName);
    expect(text).toContain('Количество билетов: 3 шт.');
    expect(text).toContain('Стоимость одного билета: 17,00\u00A0руб.');
    expect(text).toContain('Общая стоимость: 51,00\u00A0руб. (пятьдесят один рубль 00 копеек)');
    expect(text).toContain('1 Иванова Алёна Петровна 01.02.1990 +7 912 345-67-89');
    expect(text).toContain(`2 Пётров Сергей 03.04.1985 ${NO_PHONE}`);
    expect(text).toContain(`3 Ёлкина Мария 31.12.2007 ${NO_PHONE}`);
    expect(text).toContain('Соловьёва Т.И.');
  });

  test('the price is the one in force in the order year; none configured → DocumentsConfigError', () => {
    const later = cardOrderValues({ ...data, date: '2026-01-15' }, { ...config, card_prices: { '2021': 17, '2025': 25.5 } });
    expect(later.card_price).toBe('25,50\u00A0руб.');
    expect(later.total_cost).toBe('76,50\u00A0руб.');
    expect(() => cardOrderValues({ ...data, date: '2020-06-01' }, config)).toThrow(DocumentsConfigError);
  });

  test('an order without members is refused', () => {
    expect(() => cardOrderValues({ ...data, members: [] }, config)).toThrow(DocumentDataError);
  });

  test('a wrong birth date is refused naming the row, never the value; an empty chair position is a missing value', async () => {
    const err = await buildCardOrder(readTemplateFile('card-order'), { ...data, members: [members[0], { ...members[1], birthDate: '31.02.1985' }] }, config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentDataError);
    expect((err as DocumentDataError).detail).toBe('Строка 2 заявки, дата рождения: дата не распознана (нужен формат ГГГГ-ММ-ДД).');
    await expect(buildCardOrder(readTemplateFile('card-order'), { ...data, chairPosition: ' ' }, config)).rejects.toBeInstanceOf(MissingPlaceholderError);
  });
});
