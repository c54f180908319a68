/** The operator's register CSV: quoting, formula neutralising, the phone left as is, empty values. */
import { buildRegisterCsv, REGISTER_COLUMNS, type RegisterBatch, type RegisterMember } from './register';

const BATCH: RegisterBatch = { number: 'ЭПБ-П-2026-000007', createdAt: '2026-11-26T09:00:00.000Z', orgName: 'Район', cardCount: 2, priceKopecks: 1700, costKopecks: 3400, excluded: 0 };

const member = (over: Partial<RegisterMember>): RegisterMember => ({
  memberId: '0b9d2c1e-5a1f-4c3e-9b7d-2f6e8a1c3d4e',
  orderNumber: 'ЭПБ-2026-000123',
  kind: 'new',
  surname: 'Иванова',
  name: 'Анна',
  patronymic: null,
  birthDate: '1990-01-31',
  phone: '+79120000000',
  email: null,
  category: 'student',
  primaryOrgName: 'ППО',
  cardStatus: 'ordered',
  cardStatusAt: null,
  ...over,
});

describe('register CSV', () => {
  test('a formula-like name gets an apostrophe, a separator or quote is quoted, the phone stays +7…', () => {
    const csv = buildRegisterCsv(BATCH, [
      member({ surname: '=HYPERLINK("http://x")', primaryOrgName: 'ППО «Радуга»; корпус "Б"', email: '@x.ru', kind: 'reissue' }),
      member({ cardStatus: null }),
    ]).toString('utf8');
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0].split(';')).toEqual(REGISTER_COLUMNS.map((c) => c.header));
    expect(lines[1]).toBe(
      '1;ЭПБ-П-2026-000007;ЭПБ-2026-000123;Перевыпуск;"\'=HYPERLINK(""http://x"")";Анна;;31.01.1990;+79120000000;\'@x.ru;Обучающийся;"ППО «Радуга»; корпус ""Б""";Заказан;',
    );
    expect(lines[2]).toBe('2;ЭПБ-П-2026-000007;ЭПБ-2026-000123;Новый билет;Иванова;Анна;;31.01.1990;+79120000000;;Обучающийся;ППО;Не заказан;');
    expect(lines[3]).toBe('');
  });
});
