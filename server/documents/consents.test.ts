import JSZip from 'jszip';
import { BLANKS, buildConsentBatch, buildConsentZip, consentFileName, printability, type ConsentMember } from './consents';
import { consentTexts, loadDocumentsConfig } from './config';
import { DocumentDataError, DocumentsConfigError, MembersNotPrintableError, OrganisationDetailsError } from './errors';
import { readTemplateFile } from './templates';
import { assertWellFormed, consentTemplates, documentXml, splitDocuments, syntheticMembers, testConfig, TEST_ORG } from './test-fixtures';
import { extractText } from './xml';

const config = testConfig();
const ALL = ['union', 'operator', 'notify'] as const;

const SPECIAL: ConsentMember = {
  id: '0f0e0d0c-aaaa-bbbb-cccc-000000000001',
  surname: "Д'Артаньян-Ёлкин <&>",
  name: 'Пётр',
  patronymic: 'Семёнович',
  address: '610000, г. Киров, ул. «Новая» & Ко, д. 1',
  idDocument: 'паспорт 3312 456789, выдан УМВД России по Кировской области 12.03.2015',
  phone: '+79123456789',
  email: 'petr@example.ru',
};

describe('buildConsentBatch', () => {
  const members = [SPECIAL, ...syntheticMembers(4)];
  let xml: string;
  let docs: string[];

  beforeAll(async () => {
    const out = await buildConsentBatch(consentTemplates(), TEST_ORG, members, { kinds: [...ALL], config });
    xml = await documentXml(out);
    docs = splitDocuments(xml);
  });

  test('is well-formed and has no placeholder left', () => {
    assertWellFormed(xml);
    expect(xml).not.toContain('{{');
    expect(xml).not.toContain('}}');
  });

  test('has members × 3 documents, each a separate section that starts on a new page, and no empty page at the end', () => {
    expect(docs).toHaveLength(members.length * 3);
    const pageBreaks = xml.match(/<w:pPr>(?:(?!<\/w:pPr>).)*<w:sectPr\b(?:(?!<\/w:sectPr>).)*<w:type w:val="nextPage"\/>/g) ?? [];
    expect(pageBreaks).toHaveLength(members.length * 3 - 1);
    // The last document ends the body: its section properties come right before </w:body>, no paragraph after.
    expect(xml).toMatch(/<\/w:p><w:sectPr>(?:(?!<w:p[ >]).)*<\/w:sectPr><\/w:body>/);
    // No page-break paragraphs that could leave a blank page.
    expect(xml).not.toContain('w:type="page"');
  });

  test('each member gets the consent to the union, to the card operator and to notifications, in that order', () => {
    docs.forEach((doc, i) => {
      const text = extractText(doc);
      const kind = ALL[i % 3];
      expect(text).toContain('СОГЛАСИЕ');
      if (kind === 'union') expect(text).toContain('члена Общероссийского Профсоюза образования');
      if (kind === 'operator') expect(text).toContain('оператором электронного профсоюзного билета');
      if (kind === 'notify') expect(text).toContain('SMS-, PUSH- и e-mail-уведомлений');
    });
  });

  test('every element of 152-ФЗ art. 9 part 4 is in every consent', () => {
    docs.forEach((doc, i) => {
      const text = extractText(doc).replace(/\s+/g, ' ');
      const member = members[Math.floor(i / 3)];
      const kind = ALL[i % 3];
      const fullName = [member.surname, member.name, member.patronymic].filter(Boolean).join(' ');
      // 1. the subject: full name, address, ID document
      expect(text).toContain(`Я, ${fullName},`);
      expect(text).toContain(`адрес регистрации: ${member.address ?? BLANKS.member_address.replace(/\n/g, ' ')},`);
      const idDoc = member.idDocument ?? BLANKS.member_id_document.replace(/\n/g, ' ');
      expect(text).toContain(`документ, удостоверяющий личность: ${idDoc},`);
      expect(text).toContain('(вид документа, серия, номер, кем выдан, дата выдачи, код подразделения)');
      // 2. the operator: name and address
      if (kind === 'operator') {
        expect(text).toContain(config.operators.card_operator.name);
        expect(text).toContain(`ИНН ${config.operators.card_operator.inn}`);
        expect(text).toContain(`адрес: ${config.operators.card_operator.address}`);
        expect(text).toContain(TEST_ORG.unionName!);
      } else {
        expect(text).toContain(TEST_ORG.unionName!);
        expect(text).toContain(`(адрес: ${TEST_ORG.legalAddress})`);
        for (const s of TEST_ORG.superiors) expect(text).toContain(`${s.name} (адрес: ${s.address})`);
      }
      // 3–8. purpose, data, actions, methods, term, revocation — from the configuration
      const t = consentTexts(config, kind);
      expect(text).toContain(`1. Цель обработки: ${t.purpose}`);
      expect(text).toContain(`2. Перечень персональных данных: ${t.data_list}`);
      expect(text).toContain(`3. Перечень действий с персональными данными: ${t.actions}`);
      expect(text).toContain(`4. Общее описание способов обработки: ${t.methods}`);
      expect(text).toContain(`5. Срок действия согласия: ${t.term}`);
      expect(text).toContain(`6. Порядок отзыва согласия: ${t.revocation}`);
      expect(text).toContain('152-ФЗ');
      // 9. date and signature
      expect(text).toContain('(дата)');
      expect(text).toContain('(подпись)');
      expect(text).toContain('«____» _____________ 20____ г.');
    });
  });

  test('names are printed exactly (ё kept, no case change) and XML special characters are escaped', () => {
    const first = extractText(docs[0]);
    expect(first).toContain(`Я, Д'Артаньян-Ёлкин <&> Пётр Семёнович,`);
    expect(first).toContain(`Д'Артаньян-Ёлкин <&> П.С.`);
    expect(first).toContain('ул. «Новая» & Ко');
    expect(docs[0]).toContain('Д\'Артаньян-Ёлкин &lt;&amp;&gt; Пётр Семёнович');
  });

  test('the consent to notifications shows the contacts, or blank lines when they are unknown', () => {
    const notifySpecial = extractText(docs[2]);
    expect(notifySpecial).toContain('номер мобильного телефона: +7 912 345-67-89,');
    expect(notifySpecial).toContain('адрес электронной почты: petr@example.ru,');
    const noPhone = members.findIndex((m) => !m.phone);
    expect(extractText(docs[noPhone * 3 + 2])).toContain(`номер мобильного телефона: ${BLANKS.member_phone},`);
  });
});

describe('who and what can be printed', () => {
  test('printability: a member without surname or name is not printable, with a Russian reason', () => {
    expect(printability({ surname: 'Иванова', name: 'Алёна' })).toEqual({ printable: true });
    expect(printability({ surname: ' ', name: 'Алёна' })).toEqual({ printable: false, reason: expect.stringContaining('Не заполнена фамилия') });
    expect(printability({ surname: 'Иванова', name: '' })).toEqual({ printable: false, reason: expect.stringContaining('Не заполнено имя') });
    expect(printability({ surname: '', name: '' })).toEqual({ printable: false, reason: expect.stringContaining('фамилия и имя') });
  });

  test('a batch with an unprintable member is refused, naming the member by id only', async () => {
    const bad = { ...syntheticMembers(1)[0], id: 'm-42', surname: '' };
    const err = await buildConsentBatch(consentTemplates(), TEST_ORG, [...syntheticMembers(2), bad], { kinds: [...ALL], config }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MembersNotPrintableError);
    expect((err as MembersNotPrintableError).members).toEqual([{ memberId: 'm-42', reason: expect.stringContaining('фамилия') }]);
    expect((err as MembersNotPrintableError).detail).not.toContain(bad.name);
  });

  test('an organisation without its union body name, legal address or superiors cannot print the consents', async () => {
    const org = { unionName: ' ', legalAddress: null, superiors: [{ name: 'Кировская областная организация', address: null }] };
    const err = await buildConsentBatch(consentTemplates(), org, syntheticMembers(1), { kinds: [...ALL], config }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrganisationDetailsError);
    const missing = (err as OrganisationDetailsError).missing;
    expect(missing).toEqual([
      'наименование профсоюзной организации (паспорт, вкладка «ИНПО»)',
      'юридический адрес профсоюзной организации (паспорт, вкладка «Адреса и телефоны»)',
      'адрес вышестоящей организации «Кировская областная организация» (её паспорт, вкладка «Адреса и телефоны»)',
    ]);
    expect((err as OrganisationDetailsError).detail).toMatch(/^Для печати согласий не хватает сведений об организации: /);
    // The consent to the card operator alone does not need the union's address or its superiors.
    const op = await buildConsentBatch(consentTemplates(), { ...org, unionName: 'ППО' }, syntheticMembers(1), { kinds: ['operator'], config });
    expect(splitDocuments(await documentXml(op))).toHaveLength(1);
  });

  test('without the card operator ИНН and address in config/documents.json the operator consent is refused', async () => {
    const shipped = loadDocumentsConfig();
    if (shipped.operators.card_operator.inn && shipped.operators.card_operator.address) return; // configured installation
    const err = await buildConsentBatch(consentTemplates(), TEST_ORG, syntheticMembers(1), { kinds: ['operator'], config: shipped }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentsConfigError);
    expect((err as DocumentsConfigError).detail).toContain('ИНН оператора электронных профсоюзных билетов');
    // The other two consents do not need it.
    const ok = await buildConsentBatch(consentTemplates(), TEST_ORG, syntheticMembers(2), { kinds: ['union', 'notify'], config: shipped });
    expect(splitDocuments(await documentXml(ok))).toHaveLength(4);
  });

  test('nothing to print is a DocumentDataError, not an empty file', async () => {
    await expect(buildConsentBatch(consentTemplates(), TEST_ORG, [], { kinds: [...ALL], config })).rejects.toBeInstanceOf(DocumentDataError);
    await expect(buildConsentBatch(consentTemplates(), TEST_ORG, [{ ...syntheticMembers(1)[0], kinds: [] }], { kinds: [...ALL], config })).rejects.toBeInstanceOf(DocumentDataError);
  });

  test('per-member choice of consents', async () => {
    const [a, b] = syntheticMembers(2);
    const out = await buildConsentBatch(consentTemplates(), TEST_ORG, [{ ...a, kinds: ['notify'] }, { ...b, kinds: ['union', 'operator'] }], { kinds: [...ALL], config });
    const docs = splitDocuments(await documentXml(out)).map(extractText);
    expect(docs).toHaveLength(3);
    expect(docs[0]).toContain('уведомлений');
    expect(docs[1]).toContain('члена Общероссийского Профсоюза образования');
    expect(docs[2]).toContain('оператором электронного профсоюзного билета');
  });
});

describe('buildConsentZip', () => {
  test('one .docx per member, named by the full name and the birth date (namesakes differ, the same from print to print), with that member’s 3 consents and its own File → Properties', async () => {
    const namesake = { ...SPECIAL, surname: 'Иванова: "Тест"?', id: 'ABC-123' };
    const members = [
      ...syntheticMembers(3).map((m) => ({ ...m, birthDate: '1990-02-01' })),
      { ...namesake, birthDate: '1980-02-01' },
      { ...namesake, id: 'ABC-124', birthDate: '1991-07-15' },
    ];
    const zip = await JSZip.loadAsync(await buildConsentZip(consentTemplates(), TEST_ORG, members, { kinds: [...ALL], config }));
    const names = Object.keys(zip.files);
    expect(names).toEqual(members.map(consentFileName));
    expect(names[3]).toBe('Иванова_ _Тест__ Пётр Семёнович, 01.02.1980.docx');
    expect(names[4]).toBe('Иванова_ _Тест__ Пётр Семёнович, 15.07.1991.docx');
    expect(names[0]).toBe('Иванова Алёна Петровна, 01.02.1990.docx');
    const core = await (await JSZip.loadAsync(await zip.file(names[0])!.async('nodebuffer'))).file('docProps/core.xml')!.async('string');
    expect(core).toContain('<dc:title>Согласия на обработку персональных данных: Профсоюзу, оператору электронного профсоюзного билета, на получение уведомлений</dc:title>');
    expect(core).not.toMatch(/Шаблон документа|Un-named/);
    for (const [i, name] of names.entries()) {
      const docx = await zip.file(name)!.async('nodebuffer');
      const xml = await documentXml(docx);
      assertWellFormed(xml);
      const docs = splitDocuments(xml);
      expect(docs).toHaveLength(3);
      expect(extractText(docs[0])).toContain(`Я, ${[members[i].surname, members[i].name, members[i].patronymic].filter(Boolean).join(' ')},`);
    }
  });
});

describe('merging the three templates', () => {
  test('the standard consent templates share one style sheet and one numbering, so nothing is copied', async () => {
    const parts = await Promise.all(
      (['consent-union', 'consent-operator', 'consent-notify'] as const).map(async (k) => {
        const z = await JSZip.loadAsync(readTemplateFile(k));
        return [await z.file('word/styles.xml')!.async('string'), await z.file('word/numbering.xml')!.async('string')];
      }),
    );
    expect(new Set(parts.map((p) => p[0])).size).toBe(1);
    expect(new Set(parts.map((p) => p[1])).size).toBe(1);
    const out = await JSZip.loadAsync(await buildConsentBatch(consentTemplates(), TEST_ORG, syntheticMembers(1), { kinds: [...ALL], config }));
    expect(await out.file('word/styles.xml')!.async('string')).toBe(parts[0][0]);
    expect(await out.file('word/numbering.xml')!.async('string')).toBe(parts[0][1]);
  });

  test('a template whose style differs gets its own copy of the style; its numbered lists restart in every copy', async () => {
    const zip = await JSZip.loadAsync(readTemplateFile('consent-notify'));
    const styles = await zip.file('word/styles.xml')!.async('string');
    zip.file('word/styles.xml', styles.replace(/(<w:style w:type="paragraph" w:styleId="FormBody">[\s\S]*?)<w:jc w:val="both"\/>/, '$1<w:jc w:val="left"/>'));
    const numbering = await zip.file('word/numbering.xml')!.async('string');
    zip.file(
      'word/numbering.xml',
      numbering
        .replace(/(<w:num\b)/, '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>$1')
        .replace('</w:numbering>', '<w:num w:numId="7"><w:abstractNumId w:val="7"/></w:num></w:numbering>'),
    );
    const doc = await zip.file('word/document.xml')!.async('string');
    const item = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>пункт</w:t></w:r></w:p>';
    zip.file('word/document.xml', doc.replace('<w:body>', `<w:body>${item}${item}`));
    const notify = await zip.generateAsync({ type: 'nodebuffer' });

    const out = await JSZip.loadAsync(
      await buildConsentBatch({ ...consentTemplates(), notify }, TEST_ORG, syntheticMembers(2), { kinds: [...ALL], config }),
    );
    const mergedStyles = await out.file('word/styles.xml')!.async('string');
    expect(mergedStyles).toContain('w:styleId="FormBodyT2"');
    expect(mergedStyles).toContain('<w:name w:val="Form Body (3)"/>');
    const xml = await out.file('word/document.xml')!.async('string');
    assertWellFormed(xml);
    const docs = splitDocuments(xml);
    expect(docs[0]).toContain('<w:pStyle w:val="FormBody"/>');
    expect(docs[0]).not.toContain('FormBodyT2');
    expect(docs[2]).toContain('<w:pStyle w:val="FormBodyT2"/>');
    // Each notify copy has its own list, restarting at 1, on the remapped abstract numbering.
    const ids = docs.filter((_, i) => i % 3 === 2).map((d) => [...new Set([...d.matchAll(/<w:numId w:val="(\d+)"\/>/g)].map((m) => m[1]))]);
    expect(ids.map((x) => x.length)).toEqual([1, 1]);
    expect(ids[0][0]).not.toBe(ids[1][0]);
    const mergedNumbering = await out.file('word/numbering.xml')!.async('string');
    for (const [id] of ids) {
      expect(mergedNumbering).toMatch(new RegExp(`<w:num w:numId="${id}"><w:abstractNumId w:val="\\d+"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>`));
    }
    assertWellFormed(mergedNumbering);
  });
});
