import { buildCardOrder, buildLoginLetter, buildObligation, cardOrderValues, NO_PHONE } from './builders';
import { DocumentDataError, DocumentsConfigError, MissingPlaceholderError } from './errors';
import { readTemplateFile } from './templates';
import { assertWellFormed, documentText, documentXml, testConfig } from './test-fixtures';

const config = testConfig();
const flat = (s: string) => s.replace(/[ \t\n]+/g, ' ');

describe('obligation not to disclose personal data', () => {
  const data = {
    chairFullName: 'Соловьёва Татьяна Игоревна',
    chairPosition: 'Председатель',
    organisationName: 'Первичная профсоюзная организация МБОУ «СОШ № 17» г. Кирова',
  };

  test('names the chair, the office, the organisation, a blank date for signing and what the chair undertakes', async () => {
    const out = await buildObligation(readTemplateFile('obligation'), data);
    const xml = await documentXml(out);
    assertWellFormed(xml);
    expect(xml).not.toContain('{{');
    const text = flat(await documentText(out));
    expect(text).toContain('ОБЯЗАТЕЛЬСТВО');
    expect(text).toContain('о неразглашении персональных данных');
    expect(text).toContain('Я, Соловьёва Татьяна Игоревна,');
    // The office once, the organisation's full name on its own line (no «Председатель первичной … — Первичная …»).
    expect(text).toContain('Председатель (должность) Первичная профсоюзная организация МБОУ «СОШ № 17» г. Кирова, (полное наименование организации Профсоюза)');
    expect(text).not.toContain('Председатель первичной профсоюзной организации');
    // The date is signed by hand: a blank, never the print date.
    expect(text).toContain('«____» _____________ 20____ г.');
    expect(text).not.toMatch(/20\d\d г\./);
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
    occasion: 'new' as const,
    obligationRecorded: false,
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
    expect(text).toContain('Что сделать');
    expect(text).toMatch(/смените? пароль|сменить пароль/);
    expect(text).toContain('обязательство о неразглашении');
    expect(text).toContain('первый запуск');
    expect(text).not.toContain('{{');
  });

  test('the one-time password is printed in a monospace font with the characters spaced', async () => {
    const xml = await documentXml(await buildLoginLetter(readTemplateFile('login-letter'), data));
    const run = xml.match(/<w:r>(?:(?!<\/w:r>).)*Xk7&lt;pQ2m&amp;94Lr(?:(?!<\/w:r>).)*<\/w:r>/)?.[0] ?? '';
    expect(run).toMatch(/<w:rFonts w:ascii="Courier New"/);
    expect(run).toMatch(/<w:spacing w:val="[1-9]\d*"\/>/);
  });

  test('a new password for a chair whose obligation is recorded: no first-time wording, no request to sign the obligation', async () => {
    const text = flat(await documentText(await buildLoginLetter(readTemplateFile('login-letter'), { ...data, occasion: 'reset', obligationRecorded: true })));
    expect(text).toContain(data.password);
    expect(text).toContain('новый одноразовый пароль');
    expect(text).not.toMatch(/при первом входе/i);
    expect(text).not.toMatch(/подпишите обязательство/i);
    expect(text).not.toMatch(/первый запуск/i);
    // A reset for a chair who has not signed yet still asks for the obligation, without «first» wording.
    const unsigned = flat(await documentText(await buildLoginLetter(readTemplateFile('login-letter'), { ...data, occasion: 'reset', obligationRecorded: false })));
    expect(unsigned).toMatch(/Подпишите обязательство/);
    expect(unsigned).not.toMatch(/при первом входе/i);
  });
});

describe('card order', () => {
  const members = [
    { surname: 'Иванова', name: 'Алёна', patronymic: 'Петровна', birthDate: '1990-02-01', phone: '+79123456789', primaryOrgName: 'ППО МБОУ «СОШ № 17»' },
    { surname: 'Пётров', name: 'Сергей', patronymic: null, birthDate: '1985-04-03', phone: null, primaryOrgName: 'ППО МБОУ «СОШ № 17»' },
    { surname: 'Ёлкина', name: 'Мария', birthDate: '2007-12-31', primaryOrgName: 'ППО МБДОУ «Детский сад № 3»' },
  ];
  const data = {
    organisationName: 'ППО МБОУ «СОШ № 17» г. Кирова',
    addressee: { name: 'ООО «ФИНФОРТ»', inn: '7830002293', contract: 'договор № 12/2024 от 15.01.2024' },
    deliveryAddress: 'Кировская областная организация Профсоюза, 610000, г. Киров, ул. Карла Либкнехта, д. 69',
    contactPerson: 'Соловьёва Татьяна Игоревна, +7 8332 64-00-00',
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
    expect(text).toContain('1 Иванова Алёна Петровна 01.02.1990 +7 912 345-67-89 ППО МБОУ «СОШ № 17»');
    expect(text).toContain(`2 Пётров Сергей 03.04.1985 ${NO_PHONE} ППО МБОУ «СОШ № 17»`);
    expect(text).toContain(`3 Ёлкина Мария 31.12.2007 ${NO_PHONE} ППО МБДОУ «Детский сад № 3»`);
    expect(text).toContain('Кому: ООО «ФИНФОРТ», ИНН 7830002293, договор № 12/2024 от 15.01.2024');
    expect(text).toContain(`Адрес доставки билетов: ${data.deliveryAddress}`);
    expect(text).toContain(`Контактное лицо: ${data.contactPerson}`);
    expect(text).toMatch(/«____» _____________ 20____ г\. _+ Соловьёва Т\.И\. \(дата\) \(подпись\) \(фамилия, инициалы\)/);
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
