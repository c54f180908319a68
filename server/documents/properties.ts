/**
 * File → Properties of every printed .docx: its own title and subject, the registry as author and
 * last editor, the print time; nothing of the template's (its description «Шаблон документа…», the
 * «Un-named» editor the docx library writes, or the name of the officer who edited it in Word).
 * The core-properties part is rewritten (or added, with its content type and relationship, when an
 * uploaded template has none). ECMA-376 Part 2 (Open Packaging Conventions) §11 «Core Properties».
 */
import { escapeXml } from './xml';

export interface DocumentProperties {
  /** dc:title — what the document is, e.g. «Согласия на обработку персональных данных: Профсоюзу». */
  title: string;
  /** dc:subject — whom or what it concerns (an organisation, a batch; no member's personal data). */
  subject: string;
  /** dcterms:created / modified; default now. */
  created?: Date;
}

export const DOCUMENT_AUTHOR = 'Единый реестр Общероссийского Профсоюза образования';

const CORE_REL = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties';
const CORE_TYPE = 'application/vnd.openxmlformats-package.core-properties+xml';

export function coreXml(p: DocumentProperties): string {
  const at = (p.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${escapeXml(p.title)}</dc:title><dc:subject>${escapeXml(p.subject)}</dc:subject>` +
    `<dc:creator>${escapeXml(DOCUMENT_AUTHOR)}</dc:creator><cp:lastModifiedBy>${escapeXml(DOCUMENT_AUTHOR)}</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${at}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${at}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

/** The package's parts to replace (or add) so that it carries these properties. */
export function propertyParts(files: ReadonlyMap<string, Buffer>, p: DocumentProperties): Map<string, string> {
  const out = new Map<string, string>();
  const rels = files.get('_rels/.rels')?.toString('utf8') ?? '';
  const rel = [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((r) => r.includes(`"${CORE_REL}"`));
  const target = rel?.match(/Target="\/?([^"]+)"/)?.[1];
  if (target) {
    out.set(target, coreXml(p));
    return out;
  }
  const path = 'docProps/core.xml';
  out.set(path, coreXml(p));
  if (rels) out.set('_rels/.rels', rels.replace('</Relationships>', `<Relationship Id="rIdCoreProps" Type="${CORE_REL}" Target="${path}"/></Relationships>`));
  const types = files.get('[Content_Types].xml')?.toString('utf8');
  if (types && !types.includes(`PartName="/${path}"`)) out.set('[Content_Types].xml', types.replace('</Types>', `<Override PartName="/${path}" ContentType="${CORE_TYPE}"/></Types>`));
  return out;
}
