/**
 * What a .docx template must not carry into the documents printed from it (issue 15, hole 6): things
 * that make Word fetch something from elsewhere when a member's consent is opened, or run code.
 *
 *  - an attached template that lives elsewhere: `attachedTemplate` relationship with
 *    TargetMode="External" (settings.xml.rels) — Word fetches it on opening (a known way to bring
 *    macros and to leak the reader's address and Windows credentials);
 *  - any other external relationship but a hyperlink: linked pictures (`r:link`), linked OLE
 *    objects, frames, subdocuments — Word fetches them on opening;
 *  - fields that fetch content: INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT, DDE, DDEAUTO;
 *  - a DOCTYPE in any XML part (entity expansion, external entities) — Word never writes one;
 *  - macros: a vbaProject.bin / vbaData.xml part, or a macro-enabled content type.
 *
 * Hyperlinks are kept: they are only followed when the reader clicks them.
 *
 * findExternal() lists what is there in Russian (an upload is refused, naming it);
 * stripExternal() returns the parts without it (every fill does this, so a template stored before
 * this check existed prints clean documents). Both work on the unzipped parts of the package.
 */

export interface ExternalFinding {
  /** The package part it was found in, e.g. word/_rels/settings.xml.rels. */
  part: string;
  /** In Russian, naming what and where to: «внешний прикреплённый шаблон http://…». */
  what: string;
}

const HYPERLINK = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink';
const DANGEROUS_FIELDS = /^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT|DDEAUTO|DDE)\b/i;
const MACRO_PART = /(^|\/)(vbaProject\.bin|vbaData\.xml)$/i;
const MACRO_TYPE = /macroEnabled|vbaProject|vbaData/i;

const isXmlPart = (name: string) => /\.(xml|rels)$/i.test(name);

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? m[1] : null;
}

const unescapeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

/** The part a .rels file belongs to: word/_rels/document.xml.rels → word/document.xml. */
function sourceOf(relsPath: string): string {
  const m = /^(.*?)_rels\/([^/]+)\.rels$/.exec(relsPath);
  return m ? `${m[1]}${m[2]}` : '';
}

function relationshipLabel(type: string): string {
  const t = type.replace(/^.*\//, '');
  const labels: Record<string, string> = {
    attachedTemplate: 'внешний прикреплённый шаблон',
    image: 'картинка, загружаемая по ссылке',
    oleObject: 'связанный объект OLE',
    frame: 'внешняя рамка',
    subDocument: 'внешний вложенный документ',
    package: 'внешний встроенный пакет',
  };
  return labels[t] ?? `внешняя ссылка типа «${t}»`;
}

interface Field {
  /** [start, end) of each instrText element's content in the part. */
  texts: { from: number; to: number }[];
  code: string;
}

/** Complex fields (fldChar begin … instrText … separate/end) and simple fields of a part, with their instructions. */
function fieldsOf(xml: string): { complex: Field[]; simple: { from: number; to: number; code: string }[] } {
  const complex: Field[] = [];
  const stack: Field[] = [];
  const re = /<w:fldChar\b[^>]*w:fldCharType="(begin|separate|end)"[^>]*>|<w:instrText\b[^>]*>([^<]*)<\/w:instrText>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1] === 'begin') stack.push({ texts: [], code: '' });
    else if (m[1] === 'end') {
      const f = stack.pop();
      if (f) complex.push(f);
    } else if (m[1] === undefined && stack.length) {
      const f = stack[stack.length - 1];
      const from = m.index + m[0].indexOf('>') + 1;
      f.texts.push({ from, to: from + m[2].length });
      f.code += unescapeXml(m[2]);
    }
  }
  complex.push(...stack);
  const simple: { from: number; to: number; code: string }[] = [];
  const sre = /<w:fldSimple\b[^>]*?\sw:instr="([^"]*)"/g;
  for (let m = sre.exec(xml); m; m = sre.exec(xml)) {
    const from = m.index + m[0].length - 1 - m[1].length;
    simple.push({ from, to: from + m[1].length, code: unescapeXml(m[1]) });
  }
  return { complex, simple };
}

const DOCTYPE = /<!DOCTYPE\b(?:[^[>]*\[[\s\S]*?\]\s*>|[^>]*>)/gi;

/** Everything a template must not carry into printed documents, in Russian, part by part. */
export function findExternal(files: ReadonlyMap<string, Buffer>): ExternalFinding[] {
  const out: ExternalFinding[] = [];
  for (const [name, content] of files) {
    if (MACRO_PART.test(name)) {
      out.push({ part: name, what: `макросы (${name.replace(/^.*\//, '')})` });
      continue;
    }
    if (!isXmlPart(name)) continue;
    const xml = content.toString('utf8');
    if (/<!DOCTYPE\b/i.test(xml)) out.push({ part: name, what: `объявление DOCTYPE в части ${name}` });
    if (name === '[Content_Types].xml' && MACRO_TYPE.test(xml)) out.push({ part: name, what: 'макросы (тип содержимого с макросами)' });
    if (name.endsWith('.rels')) {
      for (const [tag] of xml.matchAll(/<Relationship\b[^>]*>/g)) {
        if (attr(tag, 'TargetMode') !== 'External' || attr(tag, 'Type') === HYPERLINK) continue;
        out.push({ part: name, what: `${relationshipLabel(attr(tag, 'Type') ?? '')} ${short(unescapeXml(attr(tag, 'Target') ?? ''))}`.trim() });
      }
    } else {
      const { complex, simple } = fieldsOf(xml);
      for (const f of [...complex, ...simple]) {
        const m = DANGEROUS_FIELDS.exec(f.code);
        if (m) out.push({ part: name, what: `поле ${m[1].toUpperCase()} ${short(f.code.trim().slice(m[1].length).trim())}`.trim() });
      }
    }
  }
  return out;
}

/**
 * The parts without what findExternal() finds: macro parts removed (with their relationships and
 * content types), external relationships other than hyperlinks removed together with the references
 * to them, fetching fields emptied (their last shown result stays as text), DOCTYPEs removed.
 * Returns the same Map when there is nothing to strip.
 */
export function stripExternal(files: ReadonlyMap<string, Buffer>): ReadonlyMap<string, Buffer> {
  if (findExternal(files).length === 0) return files;
  const out = new Map(files);
  for (const name of [...out.keys()]) {
    if (MACRO_PART.test(name) || (MACRO_PART.test(sourceOf(name)) && name.endsWith('.rels'))) out.delete(name);
  }
  const set = (name: string, xml: string) => out.set(name, Buffer.from(xml, 'utf8'));
  // Relationships first: the ids they drop are taken out of their source part too.
  const dropped = new Map<string, Set<string>>();
  for (const [name, content] of out) {
    if (!name.endsWith('.rels')) continue;
    const ids = new Set<string>();
    const xml = content.toString('utf8').replace(/<Relationship\b[^>]*>(?:\s*<\/Relationship>)?/g, (tag) => {
      const external = attr(tag, 'TargetMode') === 'External' && attr(tag, 'Type') !== HYPERLINK;
      const macro = MACRO_TYPE.test(attr(tag, 'Type') ?? '') || MACRO_PART.test(attr(tag, 'Target') ?? '');
      if (!external && !macro) return tag;
      const id = attr(tag, 'Id');
      if (id) ids.add(id);
      return '';
    });
    if (ids.size) {
      set(name, xml);
      dropped.set(sourceOf(name), ids);
    }
  }
  for (const [name, content] of out) {
    if (!isXmlPart(name)) continue;
    let xml = content.toString('utf8');
    const before = xml;
    // DOCTYPE, and references to the entities it declared (they would be undefined now).
    const entities = new Set<string>();
    xml = xml.replace(DOCTYPE, (decl) => {
      for (const [, e] of decl.matchAll(/<!ENTITY\s+%?\s*([\w.-]+)/g)) entities.add(e);
      return '';
    });
    if (entities.size) xml = xml.replace(/&([\w.-]+);/g, (ref, e: string) => (entities.has(e) ? '' : ref));
    if (name === '[Content_Types].xml') {
      xml = xml
        .replace(/<(?:Default|Override)\b[^>]*ContentType="[^"]*(?:vbaProject|vbaData)[^"]*"[^>]*\/>/g, '')
        .replace(/application\/vnd\.ms-word\.(document|template)\.macroEnabled\.main\+xml/g, 'application/vnd.openxmlformats-officedocument.wordprocessingml.$1.main+xml');
    }
    const ids = dropped.get(name);
    if (ids) {
      for (const id of ids) {
        const q = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        // Elements that are nothing but the reference go; elsewhere the attribute goes.
        xml = xml
          .replace(new RegExp(`<(w:attachedTemplate|w:subDoc|o:OLEObject)\\b[^>]*\\sr:id="${q}"[^>]*/>`, 'g'), '')
          .replace(new RegExp(`\\sr:(?:id|link|embed)="${q}"`, 'g'), '');
      }
    }
    if (!name.endsWith('.rels')) {
      const { complex, simple } = fieldsOf(xml);
      const blank: { from: number; to: number }[] = [];
      for (const f of complex) if (DANGEROUS_FIELDS.test(f.code)) blank.push(...f.texts);
      for (const f of simple) if (DANGEROUS_FIELDS.test(f.code)) blank.push(f);
      blank.sort((a, b) => b.from - a.from);
      for (const b of blank) xml = `${xml.slice(0, b.from)} ${xml.slice(b.to)}`;
    }
    if (xml !== before) set(name, xml);
  }
  return out;
}
