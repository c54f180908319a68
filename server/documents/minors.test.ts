/**
 * Issue 16 item 3: a member under 18 on the print date gets the legal representative's variant of every
 * consent (representative's name, identity document and basis — parent or guardian, with a document);
 * from the 18th birthday on, the member's own form.
 */
import { buildConsentBatch, consentVariant, type ConsentMember } from './consents';
import { consentTemplates, documentXml, splitDocuments, syntheticMembers, testConfig, TEST_ORG } from './test-fixtures';
import { extractText } from './xml';

const config = testConfig();

describe('the legal representative’s variant for members under 18', () => {
  test('chosen from the birth date on the print date: under 18 the representative’s, from the 18th birthday the member’s own', () => {
    expect(consentVariant('union', '2011-03-05', '2026-11-26')).toBe('union-minor'); // 15
    expect(consentVariant('operator', '2008-11-27', '2026-11-26')).toBe('operator-minor'); // 18 tomorrow
    expect(consentVariant('notify', '2008-11-26', '2026-11-26')).toBe('notify'); // 18 today
    expect(consentVariant('union', '1980-01-01', '2026-11-26')).toBe('union');
    expect(consentVariant('union', null, '2026-11-26')).toBe('union');
  });

  test('a 15-year-old’s three consents are the representative’s; an adult’s in the same batch are the member’s own', async () => {
    const [adult, teen]: ConsentMember[] = syntheticMembers(2).map((m, i) => ({ ...m, birthDate: i === 0 ? '1985-04-03' : '2011-03-05' }));
    const out = await buildConsentBatch(consentTemplates(), TEST_ORG, [adult, teen], { kinds: ['union', 'operator', 'notify'], config, printDate: '2026-11-26' });
    const docs = splitDocuments(await documentXml(out)).map((d) => extractText(d).replace(/\s+/g, ' '));
    expect(docs).toHaveLength(6);
    for (const d of docs.slice(0, 3)) {
      expect(d).not.toContain('законн');
      expect(d).toContain(`Я, ${adult.surname} ${adult.name}`);
    }
    for (const d of docs.slice(3)) {
      expect(d).toContain('подписывает законный представитель несовершеннолетнего');
      expect(d).toContain('(фамилия, имя, отчество законного представителя)');
      expect(d).toMatch(/паспорт \(иной документ, удостоверяющий личность\): серия _+ номер _+ выдан/);
      expect(d).toContain('законный представитель (подчеркнуть): родитель, усыновитель, опекун, попечитель, на основании');
      expect(d).toContain('(свидетельство о рождении, решение об опеке: серия, номер, дата, кем выдан)');
      expect(d).toContain(`несовершеннолетнего (несовершеннолетней) ${teen.surname} ${teen.name}`);
      expect(d).toContain('(подпись законного представителя)');
      expect(d).toContain(`Субъект персональных данных: ${teen.surname} ${teen.name}`);
    }
    // The same member printed a day after turning 18 gets the own form.
    const later = await buildConsentBatch(consentTemplates(), TEST_ORG, [{ ...teen, birthDate: '2008-11-26' }], { kinds: ['union'], config, printDate: '2026-11-26' });
    expect(extractText(await documentXml(later))).not.toContain('законн');
  });
});
