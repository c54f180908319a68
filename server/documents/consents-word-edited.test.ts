/**
 * The consent templates after an officer edited them in Word: Word stores a retyped placeholder in
 * several runs with their own formatting and rsids, with spell-check marks and bookmarks between
 * them. The real batch paths (buildConsentBatch — one .docx with every member's consents — and
 * buildConsentZip — one .docx per member in a .zip) must fill every value and leave no `{{` behind.
 */
import JSZip from 'jszip';
import { BLANKS, buildConsentBatch, buildConsentZip, consentFileName, type ConsentMember, type ConsentTemplates } from './consents';
import { formatPhone } from './format';
import { readTemplateFile } from './templates';
import { assertWellFormed, consentTemplates, documentXml, splitDocuments, syntheticMembers, testConfig, TEST_ORG } from './test-fixtures';
import { extractText } from './xml';

const config = testConfig();
const ALL = ['union', 'operator', 'notify'] as const;

const SPECIAL: ConsentMember = {
  id: '0f0e0d0c-aaaa-bbbb-cccc-000000000002',
  surname: "О'Коннор-Ёжикова <&>",
  name: 'Алёна',
  patronymic: 'Семёновна',
  address: '610000, г. Киров, ул. «Новая» & Ко, д. 1',
  idDocument: 'паспорт 3312 456789, выдан УМВД России по Кировской области 12.03.2015',
  phone: '+79123456789',
  email: 'alena@example.ru',
};
/** The special member first; synthetic members include some without address, ID document, phone or e-mail. */
const MEMBERS: ConsentMember[] = [SPECIAL, ...syntheticMembers(6)];

/** What a whole placeholder run looks like in the shipped templates. */
const PLACEHOLDER_RUN = /<w:r>(<w:rPr>(?:(?!<\/w:rPr>).)*<\/w:rPr>)?<w:t xml:space="preserve">\{\{([a-z_]+)\}\}<\/w:t><\/w:r>/g;

/**
 * Splits every placeholder as Word does after an edit: four runs with different run properties and
 * rsids; a spell-check mark, a bookmark (with its end) and another spell-check mark between them. The
 * split points differ from placeholder to placeholder, including a split between the two braces.
 */
function splitLikeWord(xml: string): string {
  let n = 0;
  return xml.replace(PLACEHOLDER_RUN, (_m, rPr: string | undefined, name: string) => {
    n++;
    const first = rPr ?? '';
    const cut = 1 + (n % (name.length - 1));
    const [a, b] = [name.slice(0, cut), name.slice(cut)];
    const pieces = n % 2 ? ['{{', a, b, '}}'] : ['{', `{${a}`, `${b}}`, '}'];
    return (
      `<w:r w:rsidRPr="00A1B2C3">${first}<w:t xml:space="preserve">${pieces[0]}</w:t></w:r>` +
      '<w:proofErr w:type="spellStart"/>' +
      `<w:r w:rsidR="00F00BA4"><w:rPr><w:i/><w:lang w:val="en-US"/></w:rPr><w:t>${pieces[1]}</w:t></w:r>` +
      `<w:bookmarkStart w:id="${100 + n}" w:name="_GoBack${n}"/><w:bookmarkEnd w:id="${100 + n}"/>` +
      `<w:r w:rsidR="00C0FFEE"><w:rPr><w:b/><w:color w:val="FF0000"/></w:rPr><w:t>${pieces[2]}</w:t></w:r>` +
      '<w:proofErr w:type="spellEnd"/>' +
      `<w:r w:rsidR="00BADA55"><w:rPr><w:sz w:val="30"/></w:rPr><w:t>${pieces[3]}</w:t></w:r>`
    );
  });
}

async function editedTemplate(file: 'consent-union' | 'consent-operator' | 'consent-notify'): Promise<{ docx: Buffer; xml: string; placeholders: string[]; inOriginal: number }> {
  const zip = await JSZip.loadAsync(readTemplateFile(file));
  const original = await zip.file('word/document.xml')!.async('string');
  const placeholders = [...original.matchAll(PLACEHOLDER_RUN)].map((m) => m[2]);
  const xml = splitLikeWord(original);
  zip.file('word/document.xml', xml);
  return { docx: await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), xml, placeholders, inOriginal: original.match(/\{\{[a-z_]+\}\}/g)?.length ?? 0 };
}

const fullName = (m: ConsentMember) => [m.surname, m.name, m.patronymic].filter(Boolean).join(' ');

describe('consent templates edited in Word (placeholders split across runs) through the batch paths', () => {
  let edited: ConsentTemplates;

  beforeAll(async () => {
    const union = await editedTemplate('consent-union');
    const operator = await editedTemplate('consent-operator');
    const notify = await editedTemplate('consent-notify');
    // The edit really split every placeholder of the three templates.
    for (const t of [union, operator, notify]) {
      expect(t.placeholders.length).toBeGreaterThanOrEqual(13);
      expect(t.placeholders).toHaveLength(t.inOriginal);
      expect(t.xml).not.toMatch(/\{\{[a-z_]+\}\}/);
      expect(t.xml).toContain('<w:proofErr w:type="spellStart"/>');
      expect(t.xml).toContain('<w:bookmarkStart');
      expect(t.xml).toMatch(/<w:t xml:space="preserve">\{<\/w:t><\/w:r>/);
    }
    expect(notify.placeholders).toEqual(expect.arrayContaining(['member_full_name', 'member_phone', 'member_email', 'member_short_name', 'operator_name', 'superior_operators']));
    edited = { union: union.docx, operator: operator.docx, notify: notify.docx };
  });

  test('buildConsentBatch: every value filled, no {{ left, the same text as from the shipped templates', async () => {
    const out = await buildConsentBatch(edited, TEST_ORG, MEMBERS, { kinds: [...ALL], config });
    const xml = await documentXml(out);
    assertWellFormed(xml);
    expect(xml).not.toContain('{{');
    expect(xml).not.toContain('}}');
    // Spell-check marks and the bookmarks (whose names would repeat in every copy) are gone.
    expect(xml).not.toContain('<w:proofErr');
    expect(xml).not.toContain('<w:bookmarkStart');

    const docs = splitDocuments(xml);
    expect(docs).toHaveLength(MEMBERS.length * 3);
    const reference = splitDocuments(await documentXml(await buildConsentBatch(consentTemplates(), TEST_ORG, MEMBERS, { kinds: [...ALL], config })));
    expect(docs.map(extractText)).toEqual(reference.map(extractText));

    docs.forEach((doc, i) => {
      const text = extractText(doc).replace(/\s+/g, ' ');
      const member = MEMBERS[Math.floor(i / 3)];
      const kind = ALL[i % 3];
      expect(text).toContain(`Я, ${fullName(member)},`);
      expect(text).toContain(`адрес регистрации: ${member.address ?? BLANKS.member_address.replace(/\n/g, ' ')},`);
      expect(text).toContain(`документ, удостоверяющий личность: ${member.idDocument ?? BLANKS.member_id_document.replace(/\n/g, ' ')},`);
      const t = config.consents[kind];
      expect(text).toContain(`1. Цель обработки: ${t.purpose}`);
      expect(text).toContain(`6. Порядок отзыва согласия: ${t.revocation}`);
      if (kind === 'operator') {
        expect(text).toContain(`${config.operators.card_operator.name}, ИНН ${config.operators.card_operator.inn}, адрес: ${config.operators.card_operator.address}`);
        expect(text).toContain(TEST_ORG.unionName!);
      } else {
        expect(text).toContain(`${TEST_ORG.unionName} (адрес: ${TEST_ORG.legalAddress})`);
        for (const s of TEST_ORG.superiors) expect(text).toContain(`${s.name} (адрес: ${s.address})`);
      }
      if (kind === 'notify') {
        expect(text).toContain(`номер мобильного телефона: ${member.phone ? formatPhone(member.phone) : BLANKS.member_phone},`);
        expect(text).toContain(`адрес электронной почты: ${member.email ?? BLANKS.member_email},`);
      }
    });

    // The value takes the formatting of the run where the placeholder started (underlined), not of
    // the runs the rest of it came from; those runs are left empty.
    expect(docs[0]).toContain('<w:r w:rsidRPr="00A1B2C3"><w:rPr><w:u w:val="single"/></w:rPr><w:t xml:space="preserve">О\'Коннор-Ёжикова &lt;&amp;&gt; Алёна Семёновна</w:t></w:r>');
    expect(docs[0]).not.toMatch(/<w:color w:val="FF0000"\/><\/w:rPr><w:t[^>]*>[^<]+<\/w:t>/);
  });

  test('buildConsentZip: each member’s .docx is filled the same way, no {{ left', async () => {
    const zip = await JSZip.loadAsync(await buildConsentZip(edited, TEST_ORG, MEMBERS, { kinds: [...ALL], config }));
    const reference = await JSZip.loadAsync(await buildConsentZip(consentTemplates(), TEST_ORG, MEMBERS, { kinds: [...ALL], config }));
    const names = Object.keys(zip.files);
    expect(names).toEqual(MEMBERS.map(consentFileName));
    for (const [i, name] of names.entries()) {
      const xml = await documentXml(await zip.file(name)!.async('nodebuffer'));
      assertWellFormed(xml);
      expect(xml).not.toContain('{{');
      expect(xml).not.toContain('}}');
      const docs = splitDocuments(xml);
      expect(docs).toHaveLength(3);
      const expected = splitDocuments(await documentXml(await reference.file(name)!.async('nodebuffer')));
      expect(docs.map(extractText)).toEqual(expected.map(extractText));
      for (const doc of docs) expect(extractText(doc)).toContain(`Я, ${fullName(MEMBERS[i])},`);
    }
  });

  test('a per-member choice of consents over the edited templates fills only what was chosen', async () => {
    const [a, b] = syntheticMembers(2);
    const out = await buildConsentBatch(edited, TEST_ORG, [{ ...a, kinds: ['notify'] }, { ...b, kinds: ['operator'] }], { kinds: [...ALL], config });
    const xml = await documentXml(out);
    expect(xml).not.toContain('{{');
    const docs = splitDocuments(xml).map(extractText);
    expect(docs).toHaveLength(2);
    expect(docs[0]).toContain(`Я, ${fullName(a)},`);
    expect(docs[0]).toContain('уведомлений');
    expect(docs[1]).toContain(`Я, ${fullName(b)},`);
    expect(docs[1]).toContain('оператором электронного профсоюзного билета');
  });
});
