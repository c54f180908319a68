import JSZip from 'jszip';
import { compile, render } from './compile';
import { MissingPlaceholderError } from './errors';
import { checkTemplate, fillDocument, listPlaceholders } from './fill';
import { normalisePart } from './normalise';
import { readTemplateFile } from './templates';
import { extractText } from './xml';
import { documentXml } from './test-fixtures';

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** What Word writes after an officer retyped part of a placeholder: 3 runs, proofErr and a bookmark between. */
const SPLIT_PARAGRAPH =
  '<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3"><w:r w:rsidRPr="00D4E5F6"><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Я, {{</w:t></w:r>' +
  '<w:proofErr w:type="spellStart"/><w:r w:rsidR="00F00BA4"><w:rPr><w:i/></w:rPr><w:t>member_</w:t></w:r><w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>' +
  '<w:r w:rsidR="00C0FFEE"><w:rPr><w:u w:val="single"/></w:rPr><w:t>full_name</w:t></w:r><w:proofErr w:type="spellEnd"/>' +
  '<w:r><w:t>}}, даю согласие.</w:t></w:r></w:p>';

function documentWith(paragraphs: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ${W}><w:body>${paragraphs}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`;
}

describe('normalisePart: placeholders split by Word', () => {
  test('a placeholder split across 3 runs with proofErr and a bookmark between ends up whole in the first run', () => {
    const { xml, placeholders, problems } = normalisePart(documentWith(SPLIT_PARAGRAPH));
    expect(problems).toEqual([]);
    expect(placeholders).toEqual(['member_full_name']);
    // Whole, inside the first run, which keeps its formatting (bold).
    expect(xml).toContain('<w:r w:rsidRPr="00D4E5F6"><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Я, {{member_full_name}}</w:t></w:r>');
    // The other runs lost the characters and the proof marks are gone; the visible text is unchanged.
    expect(xml).not.toContain('member_</w:t>');
    expect(xml).not.toContain('<w:proofErr');
    expect(extractText(xml)).toBe('Я, {{member_full_name}}, даю согласие.\n');
  });

  test('spaces inside the braces are tolerated and canonicalised', () => {
    const { xml, placeholders } = normalisePart(documentWith('<w:p><w:r><w:t xml:space="preserve">{{ login }} и {{</w:t></w:r><w:r><w:t xml:space="preserve"> password}}</w:t></w:r></w:p>'));
    expect(placeholders).toEqual(['login', 'password']);
    expect(extractText(xml)).toBe('{{login}} и {{password}}\n');
  });

  test('placeholders are not joined across paragraphs, and malformed ones are reported in Russian', () => {
    const { placeholders, problems } = normalisePart(
      documentWith('<w:p><w:r><w:t>{{member_</w:t></w:r></w:p><w:p><w:r><w:t>full_name}}</w:t></w:r></w:p><w:p><w:r><w:t>{{фио}}</w:t></w:r></w:p>'),
    );
    expect(placeholders).toEqual([]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/Поле записано неверно/);
    expect(problems[2]).toContain('{{фио}}');
  });

  test('text around placeholders, entities and other runs are left as they were', () => {
    const xml = documentWith('<w:p><w:r><w:t>A &amp; B</w:t></w:r><w:r><w:t xml:space="preserve"> {{a}}{{b}} </w:t></w:r></w:p>');
    const n = normalisePart(xml);
    expect(n.placeholders).toEqual(['a', 'b']);
    expect(extractText(n.xml)).toBe('A & B {{a}}{{b}} \n');
  });

  test('the compiled split paragraph fills with the first run formatting', () => {
    const { xml } = normalisePart(documentWith(SPLIT_PARAGRAPH));
    const out = render(compile(xml), { member_full_name: 'Иванова Алёна Петровна' });
    expect(out).toContain('<w:b/></w:rPr><w:t xml:space="preserve">Я, Иванова Алёна Петровна</w:t>');
  });
});

describe('a Word-edited .docx with split placeholders', () => {
  async function editedTemplate(paragraphs: string): Promise<Buffer> {
    const zip = await JSZip.loadAsync(readTemplateFile('obligation'));
    zip.file('word/document.xml', documentWith(paragraphs));
    return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  }

  test('is listed, checked and filled', async () => {
    const tpl = await editedTemplate(SPLIT_PARAGRAPH);
    expect(await listPlaceholders(tpl)).toEqual(['member_full_name']);
    const out = await fillDocument(tpl, { member_full_name: 'Ёлкина-Смирнова Мария' });
    const xml = await documentXml(out);
    expect(xml).toContain('Я, Ёлкина-Смирнова Мария');
    expect(xml).not.toContain('{{');
    await expect(fillDocument(tpl, {})).rejects.toBeInstanceOf(MissingPlaceholderError);
  });

  test('an obligation template whose placeholders Word split still passes checkTemplate', async () => {
    const original = await documentXml(readTemplateFile('obligation'));
    // Split every placeholder in two runs, with a proofErr between, as Word does.
    const split = original.replace(/<w:r>(<w:rPr>(?:(?!<\/w:rPr>).)*<\/w:rPr>)?<w:t xml:space="preserve">\{\{([a-z_]+?)_([a-z_]+)\}\}<\/w:t><\/w:r>/g, (_m, rPr: string | undefined, a: string, b: string) =>
      `<w:r>${rPr ?? ''}<w:t xml:space="preserve">{{${a}_</w:t></w:r><w:proofErr w:type="spellStart"/><w:r w:rsidR="00112233">${rPr ?? ''}<w:t>${b}}}</w:t></w:r>`,
    );
    expect(split).not.toEqual(original);
    expect(split).not.toContain('{{chair_full_name}}');
    const zip = await JSZip.loadAsync(readTemplateFile('obligation'));
    zip.file('word/document.xml', split);
    const tpl = await zip.generateAsync({ type: 'nodebuffer' });
    const check = await checkTemplate(tpl, 'obligation');
    expect(check).toEqual({ ok: true, missing: [], unknown: [], problems: [] });
  });
});
