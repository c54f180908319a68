import JSZip from 'jszip';
import { MissingPlaceholderError, TemplateError } from './errors';
import { checkTemplate, fillDocument, listPlaceholders } from './fill';
import { TEMPLATE_KINDS, TEMPLATE_KINDS_LIST, requiredPlaceholders } from './template-kinds';
import { readTemplateFile } from './templates';
import { documentText, documentXml } from './test-fixtures';

async function withDocumentXml(kindFile: Buffer, edit: (xml: string) => string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(kindFile);
  const xml = await zip.file('word/document.xml')!.async('string');
  zip.file('word/document.xml', edit(xml));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

describe('the standard templates', () => {
  test.each(TEMPLATE_KINDS_LIST)('%s passes checkTemplate and has every required placeholder', async (kind) => {
    const tpl = readTemplateFile(kind);
    expect(await checkTemplate(tpl, kind)).toEqual({ ok: true, missing: [], unknown: [], problems: [] });
    const listed = await listPlaceholders(tpl);
    for (const p of requiredPlaceholders(kind)) expect(listed).toContain(p);
  });

  test('a consent template is not accepted as another kind (unknown and missing placeholders)', async () => {
    const r = await checkTemplate(readTemplateFile('consent-union'), 'obligation');
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual(expect.arrayContaining(['chair_full_name', 'chair_position', 'organisation_name']));
    expect(r.unknown).toEqual(expect.arrayContaining(['member_full_name', 'purpose']));
  });
});

describe('checkTemplate rejects a broken replacement', () => {
  test('a consent without the operator address and the purpose', async () => {
    const tpl = await withDocumentXml(readTemplateFile('consent-union'), (xml) => xml.replace('{{operator_address}}', '').replace('{{purpose}}', 'в целях'));
    const r = await checkTemplate(tpl, 'consent-union');
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual(['operator_address', 'purpose']);
  });

  test('an unknown placeholder (a typo) is reported', async () => {
    const tpl = await withDocumentXml(readTemplateFile('obligation'), (xml) => xml.replace('{{chair_position}}', '{{chair_postion}}'));
    const r = await checkTemplate(tpl, 'obligation');
    expect(r).toMatchObject({ ok: false, missing: ['chair_position'], unknown: ['chair_postion'] });
  });

  test('a consent without the signature line', async () => {
    const tpl = await withDocumentXml(readTemplateFile('consent-notify'), (xml) => xml.replace('(подпись)', '( )'));
    const r = await checkTemplate(tpl, 'consent-notify');
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toMatch(/подпис/);
  });

  test('a row field outside the repeated row, and the end marker missing', async () => {
    const outside = await withDocumentXml(readTemplateFile('card-order'), (xml) => xml.replace('{{card_count}}', '{{card_count}} {{member_no}}'));
    const r1 = await checkTemplate(outside, 'card-order');
    expect(r1.ok).toBe(false);
    expect(r1.problems.join(' ')).toContain('{{member_no}} должно стоять в повторяемой строке');

    const noEnd = await withDocumentXml(readTemplateFile('card-order'), (xml) => xml.replace('{{/members}}', ''));
    const r2 = await checkTemplate(noEnd, 'card-order');
    expect(r2.ok).toBe(false);
    expect(r2.missing).toContain('/members');
    expect(r2.problems.join(' ')).toContain('нет конца {{/members}}');
  });

  test('a placeholder in a header is reported (headers are not filled)', async () => {
    const zip = await JSZip.loadAsync(readTemplateFile('login-letter'));
    zip.file('word/header1.xml', '<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>{{login}}</w:t></w:r></w:p></w:hdr>');
    const r = await checkTemplate(await zip.generateAsync({ type: 'nodebuffer' }), 'login-letter');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toContain('колонтитуле');
  });

  test('a consent template with a comment or footnote (cannot be merged into a batch)', async () => {
    const tpl = await withDocumentXml(readTemplateFile('consent-union'), (xml) => xml.replace('<w:t xml:space="preserve">СОГЛАСИЕ</w:t></w:r>', '<w:t xml:space="preserve">СОГЛАСИЕ</w:t></w:r><w:r><w:commentReference w:id="1"/></w:r>'));
    const r = await checkTemplate(tpl, 'consent-union');
    expect(r.ok).toBe(false);
    expect(r.problems.join(' ')).toContain('Сноски и примечания');
  });

  test('a file that is not a .docx', async () => {
    const r = await checkTemplate(Buffer.from('это не документ'), 'obligation');
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toContain('не является документом Word');
    const xlsx = new JSZip();
    xlsx.file('[Content_Types].xml', '<Types/>');
    const r2 = await checkTemplate(await xlsx.generateAsync({ type: 'nodebuffer' }), 'obligation');
    expect(r2.ok).toBe(false);
  });
});

describe('fillDocument', () => {
  const values = {
    chair_full_name: 'Соловьёва Татьяна Игоревна',
    chair_short_name: 'Соловьёва Т.И.',
    chair_position: 'Председатель первичной профсоюзной организации',
    organisation_name: 'ППО МБОУ «СОШ № 1» <Тест> & Ко "кавычки"',
    document_date: '«05» марта 2025 г.',
  };

  test('escapes XML special characters and keeps the document well-formed', async () => {
    const out = await fillDocument(readTemplateFile('obligation'), values);
    const xml = await documentXml(out);
    expect(xml).toContain('ППО МБОУ «СОШ № 1» &lt;Тест&gt; &amp; Ко &quot;кавычки&quot;');
    expect(xml).not.toContain('<Тест>');
    expect(xml).not.toContain('{{');
    const text = await documentText(out);
    expect(text).toContain('ППО МБОУ «СОШ № 1» <Тест> & Ко "кавычки"');
    expect(text).toContain('Соловьёва Татьяна Игоревна');
  });

  test('newlines in a value become line breaks in the same run', async () => {
    const out = await fillDocument(readTemplateFile('obligation'), { ...values, organisation_name: 'Строка один\nСтрока два' });
    const xml = await documentXml(out);
    expect(xml).toContain('Строка один</w:t><w:br/><w:t xml:space="preserve">Строка два');
  });

  test('a missing or empty value is a MissingPlaceholderError naming every such placeholder', async () => {
    const { chair_position: _p, ...rest } = values;
    const err = await fillDocument(readTemplateFile('obligation'), { ...rest, organisation_name: '  ' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingPlaceholderError);
    expect((err as MissingPlaceholderError).names).toEqual(['chair_position', 'organisation_name']);
    expect((err as MissingPlaceholderError).detail).toContain('{{chair_position}}');
  });

  test('repeated rows: one table row per item, markers removed; a list value is required', async () => {
    const tpl = readTemplateFile('card-order');
    const base = {
      organisation_name: 'ППО',
      order_number: '7',
      order_date: '«01» апреля 2025 г.',
      card_count: '2',
      card_price: '17,00 руб.',
      total_cost: '34,00 руб.',
      total_cost_words: 'тридцать четыре рубля 00 копеек',
      chair_position: 'Председатель',
      chair_short_name: 'Иванова А.П.',
      addressee: 'ООО «ФИНФОРТ»',
      delivery_address: 'г. Киров',
      contact_person: 'Иванова А.П.',
      signature_date: '«____» _____________ 20____ г.',
    };
    const out = await fillDocument(tpl, {
      ...base,
      members: [
        { member_no: '1', member_full_name: 'Иванова Алёна', member_birth_date: '01.02.1990', member_phone: '+7 912 345-67-89', member_org: 'ППО' },
        { member_no: '2', member_full_name: 'Пётр <Первый>', member_birth_date: '03.04.1985', member_phone: 'не указан', member_org: 'ППО' },
      ],
    });
    const xml = await documentXml(out);
    const membersTable = xml.slice(xml.indexOf('<w:tbl>'), xml.indexOf('</w:tbl>'));
    expect(membersTable.match(/<w:tr[ >]/g)).toHaveLength(3); // header + 2 members
    expect(xml).toContain('Пётр &lt;Первый&gt;');
    expect(xml).not.toContain('{{');
    await expect(fillDocument(tpl, base)).rejects.toMatchObject({ names: ['#members'] });
    await expect(fillDocument(tpl, { ...base, members: [{ member_no: '1', member_full_name: 'А', member_birth_date: '' }] })).rejects.toMatchObject({
      names: ['member_birth_date', 'member_phone', 'member_org'],
    });
  });

  test('a template with problems is refused with a TemplateError', async () => {
    const bad = await withDocumentXml(readTemplateFile('obligation'), (xml) => xml.replace('{{chair_position}}', '{{должность}}'));
    await expect(fillDocument(bad, values)).rejects.toBeInstanceOf(TemplateError);
  });

  test('every template kind declares a file that exists', () => {
    for (const kind of TEMPLATE_KINDS_LIST) expect(readTemplateFile(kind).length).toBeGreaterThan(1000);
    expect(Object.keys(TEMPLATE_KINDS)).toHaveLength(9);
  });
});
