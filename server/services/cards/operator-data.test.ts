/**
 * Issue 16 item 1: the register sent to the card operator carries nothing beyond the member's consent to
 * the operator. Both are made of ONE definition (domain/card-operator-data.ts): the consent's list of
 * data is printed from it, and every register column must be one of its columns (or the row counter).
 */
import { CARD_OPERATOR_DATA, REGISTER_TECHNICAL_COLUMNS, cardOperatorDataList, consentedRegisterColumns } from '../../../domain/card-operator-data';
import { buildConsentBatch } from '../../documents/consents';
import { consentTexts, parseDocumentsConfig } from '../../documents/config';
import { consentTemplates, documentText, syntheticMembers, testConfig, TEST_ORG } from '../../documents/test-fixtures';
import { buildRegisterCsv, REGISTER_COLUMNS, type RegisterBatch, type RegisterMember } from './register';

const BATCH: RegisterBatch = { number: 'ЭПБ-П-2026-000001', createdAt: '2026-11-26T09:00:00.000Z', orgName: 'Район', cardCount: 1, priceKopecks: 1700, costKopecks: 1700, excluded: 0 };

describe('the card operator receives only what the consent lists', () => {
  test('register columns ⊆ the consent’s data list (plus the row counter): an extra column fails here', () => {
    const allowed = new Set<string>([...consentedRegisterColumns(), ...REGISTER_TECHNICAL_COLUMNS]);
    const extra = REGISTER_COLUMNS.filter((c) => !allowed.has(c.key)).map((c) => c.header);
    expect(extra).toEqual([]);
    // and every item the consent names is actually used (the consent does not promise more than is sent).
    const used = new Set<string>(REGISTER_COLUMNS.map((c) => c.key));
    for (const item of CARD_OPERATOR_DATA) expect(item.columns.filter((c) => !used.has(c))).toEqual([]);
  });

  test('the register has no СНИЛС, sex or internal id — not in the header, not in the rows', () => {
    const member = {
      memberId: '0b9d2c1e-5a1f-4c3e-9b7d-2f6e8a1c3d4e',
      orderNumber: 'ЭПБ-2026-000123',
      kind: 'new',
      surname: 'Белова',
      name: 'Ольга',
      patronymic: 'Игоревна',
      sex: 'female',
      snils: '11223344595',
      birthDate: '1979-03-05',
      phone: '+79161234567',
      email: 'belova@example.org',
      category: 'employee',
      primaryOrgName: 'ППО',
      cardStatus: 'ordered',
      cardStatusAt: '2026-11-26T09:00:00.000Z',
    } as RegisterMember;
    const csv = buildRegisterCsv(BATCH, [member]).toString('utf8');
    const [header, row] = csv.slice(1).split('\r\n');
    expect(header.split(';')).toEqual(REGISTER_COLUMNS.map((c) => c.header));
    for (const word of ['СНИЛС', 'Пол', 'ID']) expect(header).not.toContain(word);
    expect(row).not.toContain('0b9d2c1e');
    expect(row).not.toContain('112-233-445');
    expect(row).not.toContain('11223344595');
    expect(row.split(';')).not.toContain('Ж');
  });

  test('the printed consent to the operator lists exactly the definition’s items, and the config cannot override it', async () => {
    const config = testConfig();
    expect(consentTexts(config, 'operator').data_list).toBe(cardOperatorDataList());
    const text = (await documentText(await buildConsentBatch(consentTemplates(), TEST_ORG, syntheticMembers(1), { kinds: ['operator'], config }))).replace(/\s+/g, ' ');
    expect(text).toContain(`Перечень персональных данных: ${cardOperatorDataList()}`);
    for (const item of CARD_OPERATOR_DATA) expect(text).toContain(item.consent);
    expect(text).not.toMatch(/СНИЛС|пол;/);

    const raw = JSON.parse(JSON.stringify(config));
    raw.consents.operator.data_list = 'фамилия; СНИЛС';
    expect(() => parseDocumentsConfig(raw)).toThrow(/consents\.operator\.data_list|перечень данных для оператора/);
  });
});
