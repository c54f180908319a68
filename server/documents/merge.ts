/**
 * Several templates into one .docx: the first template's package is the base; the others' bodies are
 * brought into it once (relationships, styles, list numbering, namespaces), so that a batch can
 * repeat each body many times by string concatenation.
 *
 * Each document of a batch is its own section: the last paragraph of every document but the last
 * carries a copy of its template's section properties with `<w:type w:val="nextPage"/>`, so each
 * document starts on a new page, keeps its template's page setup, and no empty page is added after
 * the last one.
 *
 * Styles: a style of another template with the same id and the same definition is shared; a style
 * that differs (or is based on one that differs) is copied under a new id and the body refers to the
 * copy. Templates built by scripts/build-templates.ts share one style sheet, so nothing is copied
 * for them. Not merged: document defaults (docDefaults), footnotes, comments — checkTemplate() keeps
 * footnotes and comments out of consent templates.
 */
import path from 'node:path';
import { compile, type Compiled, type RenderContext } from './compile';
import type { LoadedTemplate } from './package';

export interface BatchBody {
  /** The body of a document followed by another one: ends with a section break (next page). */
  readonly mid: Compiled;
  /** The body of the last document of a file. */
  readonly last: Compiled;
  /** Section properties for the end of the file (after the last document). */
  readonly sectPr: string;
}

export interface MergedTemplates {
  /** The base package with merged parts; the main part and numbering are written per output. */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly documentPath: string;
  readonly numberingPath: string | null;
  /** numbering.xml after merging, without per-document copies. */
  readonly numberingXml: string | null;
  /** abstractNumId of every numId in the merged numbering, and each level's start value. */
  readonly abstractOf: ReadonlyMap<string, { abstractId: string; starts: readonly [number, number][] }>;
  readonly head: string;
  readonly tail: string;
  readonly bodies: ReadonlyMap<string, BatchBody>;
}

const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const NUMBERING_TYPE = `${REL_NS}/numbering`;

export function mergeTemplates(templates: readonly { key: string; template: LoadedTemplate }[]): MergedTemplates {
  if (!templates.length) throw new Error('mergeTemplates: no templates');
  const base = templates[0].template;
  const files = new Map(base.files);
  const documentPath = base.documentPath;
  const docDir = path.posix.dirname(documentPath);
  const relsPath = relsPathOf(documentPath);
  let rels = files.get(relsPath)?.toString('utf8') ?? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`;
  let contentTypes = files.get('[Content_Types].xml')!.toString('utf8');
  const stylesPath = partByType(rels, `${REL_NS}/styles`, docDir);
  let styles = stylesPath ? files.get(stylesPath)?.toString('utf8') ?? null : null;
  let numberingPath = partByType(rels, NUMBERING_TYPE, docDir);
  let numbering = numberingPath ? files.get(numberingPath)?.toString('utf8') ?? null : null;
  let head = base.head;

  const bodies = new Map<string, BatchBody>();
  templates.forEach(({ key, template: t }, index) => {
    let body = cleanForBatch(t.body);
    let sectPr = t.sectPr || DEFAULT_SECT_PR;
    if (index > 0) {
      head = mergeRootNamespaces(head, t.head);
      const tRelsPath = relsPathOf(t.documentPath);
      const tRels = t.files.get(tRelsPath)?.toString('utf8') ?? '';
      const tDocDir = path.posix.dirname(t.documentPath);
      const tCT = t.files.get('[Content_Types].xml')!.toString('utf8');

      // Relationships referenced from the body and section properties (images, hyperlinks, headers).
      const rename = new Map<string, string>();
      const copied = new Map<string, string>();
      const copyPart = (src: string): string => {
        const known = copied.get(src);
        if (known) return known;
        const dest = uniquePath(files, path.posix.join(path.posix.dirname(src), `t${index}_${path.posix.basename(src)}`));
        copied.set(src, dest);
        const content = t.files.get(src);
        if (!content) return dest;
        // A copied part (a header with a picture) brings its own relationships along.
        const partRels = t.files.get(relsPathOf(src))?.toString('utf8');
        if (partRels) {
          const fixed = partRels.replace(/<Relationship\b[^>]*>/g, (rel) => {
            if (/TargetMode="External"/.test(rel)) return rel;
            const target = attr(rel, 'Target');
            if (!target) return rel;
            const abs = resolveTarget(path.posix.dirname(src), target);
            const newAbs = copyPart(abs);
            return rel.replace(/Target="[^"]*"/, `Target="${relativeTarget(path.posix.dirname(dest), newAbs)}"`);
          });
          files.set(relsPathOf(dest), Buffer.from(fixed, 'utf8'));
        }
        files.set(dest, content);
        contentTypes = copyContentType(contentTypes, tCT, src, dest);
        return dest;
      };
      const combined = body + '\u0000' + sectPr;
      const ids = new Set([...combined.matchAll(/\br:(?:id|embed|link|pict|dm|lo|qs|cs|href)="([^"]+)"/g)].map((m) => m[1]));
      let n = 0;
      for (const id of ids) {
        const rel = [...tRels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((r) => attr(r, 'Id') === id);
        if (!rel) continue;
        const newId = `rIdT${index}x${++n}`;
        rename.set(id, newId);
        let target = attr(rel, 'Target') ?? '';
        if (!/TargetMode="External"/.test(rel)) target = relativeTarget(docDir, copyPart(resolveTarget(tDocDir, target)));
        const mode = /TargetMode="External"/.test(rel) ? ' TargetMode="External"' : '';
        rels = rels.replace('</Relationships>', `<Relationship Id="${newId}" Type="${escapeAttr(attr(rel, 'Type') ?? '')}" Target="${escapeAttr(target)}"${mode}/></Relationships>`);
      }
      const remapped = combined.replace(/\b(r:(?:id|embed|link|pict|dm|lo|qs|cs|href)=")([^"]+)"/g, (m, pre: string, id: string) => (rename.has(id) ? `${pre}${rename.get(id)}"` : m));
      [body, sectPr] = remapped.split('\u0000');

      // List numbering: another template's lists get their own ids unless both numberings are equal.
      const tNumberingPath = partByType(tRels, NUMBERING_TYPE, tDocDir);
      const tNumbering = tNumberingPath ? t.files.get(tNumberingPath)?.toString('utf8') ?? null : null;
      let numMap = new Map<string, string>();
      const numberingDiffers = tNumbering !== null && normaliseXml(tNumbering) !== normaliseXml(numbering ?? '');
      if (tNumbering && numberingDiffers) {
        if (!numbering) {
          numbering = tNumbering.replace(/<w:abstractNum\b[\s\S]*?<\/w:abstractNum>|<w:num\b[\s\S]*?<\/w:num>/g, '');
          numberingPath = path.posix.join(docDir, 'numbering.xml');
          rels = rels.replace('</Relationships>', `<Relationship Id="rIdNumberingMerged" Type="${NUMBERING_TYPE}" Target="numbering.xml"/></Relationships>`);
          contentTypes = addOverride(contentTypes, `/${numberingPath}`, 'application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml');
        }
        const merged = mergeNumbering(numbering, tNumbering);
        numbering = merged.xml;
        numMap = merged.numMap;
        body = body.replace(/<w:numId w:val="(\d+)"\/>/g, (m, id: string) => (numMap.has(id) ? `<w:numId w:val="${numMap.get(id)}"/>` : m));
      }

      // Styles.
      const tStylesPath = partByType(tRels, `${REL_NS}/styles`, tDocDir);
      const tStyles = tStylesPath ? t.files.get(tStylesPath)?.toString('utf8') ?? null : null;
      if (styles && tStyles) {
        const merged = mergeStyles(styles, tStyles, index, numMap, numberingDiffers);
        styles = merged.xml;
        body = body.replace(/<w:(pStyle|rStyle|tblStyle) w:val="([^"]+)"\/>/g, (m, tag: string, id: string) =>
          merged.rename.has(id) ? `<w:${tag} w:val="${merged.rename.get(id)}"/>` : m,
        );
        if (merged.defaultParagraphStyle) body = withExplicitParagraphStyle(body, merged.defaultParagraphStyle);
      }
    }
    sectPr = nextPageSection(sectPr);
    bodies.set(key, { mid: compile(withSectionEnd(body, sectPr), { batch: true }), last: compile(body, { batch: true }), sectPr });
  });

  files.set(relsPath, Buffer.from(rels, 'utf8'));
  files.set('[Content_Types].xml', Buffer.from(contentTypes, 'utf8'));
  if (stylesPath && styles) files.set(stylesPath, Buffer.from(styles, 'utf8'));
  if (numberingPath && numbering) files.set(numberingPath, Buffer.from(numbering, 'utf8'));
  files.delete(documentPath);

  return { files, documentPath, numberingPath, numberingXml: numbering, abstractOf: numIndex(numbering), head, tail: base.tail, bodies };
}

// ---------------------------------------------------------------------------------------------
// Rendering state per output file

/** Fresh list numbering per document copy, so a numbered list in a template starts at 1 in every copy. */
export class BatchNumbering {
  private next: number;
  private readonly added: string[] = [];
  private docDrawing = 10000;
  private current = new Map<string, string>();

  constructor(private readonly merged: MergedTemplates) {
    let max = 0;
    for (const id of merged.abstractOf.keys()) max = Math.max(max, Number(id));
    this.next = max + 1;
  }

  /** Starts a new document copy: its lists get new ids on first use. */
  context(): RenderContext {
    this.current = new Map();
    return {
      numIds: (id) => {
        let fresh = this.current.get(id);
        if (fresh) return fresh;
        const info = this.merged.abstractOf.get(id);
        if (!info) return id;
        fresh = String(this.next++);
        this.current.set(id, fresh);
        const overrides = info.starts.map(([lvl, start]) => `<w:lvlOverride w:ilvl="${lvl}"><w:startOverride w:val="${start}"/></w:lvlOverride>`).join('');
        this.added.push(`<w:num w:numId="${fresh}"><w:abstractNumId w:val="${info.abstractId}"/>${overrides}</w:num>`);
        return fresh;
      },
      nextDocPrId: () => ++this.docDrawing,
    };
  }

  /** numbering.xml with the copies' list definitions; null when nothing changed. */
  numberingXml(): string | null {
    if (!this.added.length || !this.merged.numberingXml) return null;
    return this.merged.numberingXml.replace('</w:numbering>', `${this.added.join('')}</w:numbering>`);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

const DEFAULT_SECT_PR =
  '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>';

/** Bookmarks, paragraph ids and content-control ids must be unique in a document; copies would repeat them. */
function cleanForBatch(body: string): string {
  return body
    .replace(/<w:bookmark(?:Start|End)\b[^>]*\/>/g, '')
    .replace(/\s(?:w14:paraId|w14:textId)="[^"]*"/g, '')
    .replace(/<w:id w:val="-?\d+"\/>/g, '');
}

/** The section properties with `<w:type w:val="nextPage"/>` in its schema position. */
export function nextPageSection(sectPr: string): string {
  if (/^<w:sectPr\b[^>]*\/>$/.test(sectPr)) return sectPr.replace(/\/>$/, '><w:type w:val="nextPage"/></w:sectPr>');
  const s = sectPr.replace(/<w:type\b[^>]*\/>/g, '');
  const open = /^<w:sectPr\b[^>]*>/.exec(s);
  if (!open) return s;
  const rest = s.slice(open[0].length);
  const lead = /^(?:\s+|<w:(?:headerReference|footerReference)\b[^>]*\/>|<w:(footnotePr|endnotePr)\b[^>]*\/>|<w:(footnotePr|endnotePr)\b[^>]*>[\s\S]*?<\/w:\2>)*/.exec(rest);
  const at = open[0].length + (lead ? lead[0].length : 0);
  return s.slice(0, at) + '<w:type w:val="nextPage"/>' + s.slice(at);
}

const BLOCK_TOKEN = /<(\/?)w:(p|tbl|sdt)(?=[\s>/])[^>]*?(\/?)>/g;

/** Puts a section break at the end of the body: into the last paragraph, or a minimal paragraph after a table. */
export function withSectionEnd(body: string, sectPr: string): string {
  let depth = 0;
  let last: { start: number; end: number; tag: string } | null = null;
  let start = 0;
  let m: RegExpExecArray | null;
  const re = new RegExp(BLOCK_TOKEN.source, 'g');
  while ((m = re.exec(body))) {
    const [whole, closing, tag, selfClosing] = m;
    if (selfClosing) {
      if (depth === 0) last = { start: m.index, end: m.index + whole.length, tag };
      continue;
    }
    if (!closing) {
      if (depth === 0) start = m.index;
      depth++;
    } else {
      depth--;
      if (depth === 0) last = { start, end: m.index + whole.length, tag };
    }
  }
  const minimal = `<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr>${sectPr}</w:pPr></w:p>`;
  if (!last || last.tag !== 'p') return body + minimal;
  const para = body.slice(last.start, last.end);
  let out: string | null;
  if (para.endsWith('/>') && !para.includes('</w:p>')) {
    out = `${para.slice(0, -2)}><w:pPr>${sectPr}</w:pPr></w:p>`;
  } else {
    const open = /^<w:p\b[^>]*>/.exec(para)![0];
    const after = para.slice(open.length);
    if (after.startsWith('<w:pPr/>')) out = `${open}<w:pPr>${sectPr}</w:pPr>${after.slice('<w:pPr/>'.length)}`;
    else if (/^<w:pPr[\s>]/.test(after)) {
      const close = after.indexOf('</w:pPr>');
      const pPr = after.slice(0, close);
      if (pPr.includes('<w:sectPr')) out = null;
      else {
        const change = pPr.indexOf('<w:pPrChange');
        const at = change >= 0 ? change : close;
        out = open + after.slice(0, at) + sectPr + after.slice(at);
      }
    } else out = `${open}<w:pPr>${sectPr}</w:pPr>${after}`;
  }
  return out === null ? body + minimal : body.slice(0, last.start) + out + body.slice(last.end);
}

function relsPathOf(partPath: string): string {
  return path.posix.join(path.posix.dirname(partPath), '_rels', `${path.posix.basename(partPath)}.rels`);
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

function escapeAttr(v: string): string {
  return v.replace(/&(?!amp;|lt;|gt;|quot;|apos;|#)/g, '&amp;').replace(/"/g, '&quot;');
}

function resolveTarget(dir: string, target: string): string {
  return target.startsWith('/') ? target.slice(1) : path.posix.normalize(path.posix.join(dir, target));
}

function relativeTarget(fromDir: string, to: string): string {
  return path.posix.relative(fromDir, to);
}

function partByType(rels: string, type: string, dir: string): string | null {
  const rel = [...rels.matchAll(/<Relationship\b[^>]*>/g)].map((m) => m[0]).find((r) => attr(r, 'Type') === type);
  const target = rel && attr(rel, 'Target');
  return target ? resolveTarget(dir, target) : null;
}

function uniquePath(files: ReadonlyMap<string, Buffer>, wanted: string): string {
  if (!files.has(wanted)) return wanted;
  const ext = path.posix.extname(wanted);
  for (let i = 2; ; i++) {
    const p = `${wanted.slice(0, wanted.length - ext.length)}_${i}${ext}`;
    if (!files.has(p)) return p;
  }
}

function addOverride(ct: string, partName: string, type: string): string {
  if (ct.includes(`PartName="${partName}"`)) return ct;
  return ct.replace('</Types>', `<Override PartName="${partName}" ContentType="${type}"/></Types>`);
}

function copyContentType(ct: string, fromCT: string, src: string, dest: string): string {
  const override = [...fromCT.matchAll(/<Override\b[^>]*>/g)].map((m) => m[0]).find((o) => attr(o, 'PartName') === `/${src}`);
  if (override) return addOverride(ct, `/${dest}`, attr(override, 'ContentType') ?? 'application/xml');
  const ext = path.posix.extname(dest).slice(1).toLowerCase();
  const has = new RegExp(`Extension="${ext}"`, 'i').test(ct);
  if (has) return ct;
  const def = [...fromCT.matchAll(/<Default\b[^>]*>/g)].map((m) => m[0]).find((d) => (attr(d, 'Extension') ?? '').toLowerCase() === ext);
  const type = (def && attr(def, 'ContentType')) ?? 'application/octet-stream';
  return ct.replace('</Types>', `<Default Extension="${ext}" ContentType="${type}"/></Types>`);
}

function mergeRootNamespaces(baseHead: string, otherHead: string): string {
  const root = /<w:document\b[^>]*>/;
  const baseRoot = root.exec(baseHead)?.[0];
  const otherRoot = root.exec(otherHead)?.[0];
  if (!baseRoot || !otherRoot) return baseHead;
  let merged = baseRoot;
  for (const m of otherRoot.matchAll(/\s(xmlns:[A-Za-z0-9]+)="([^"]*)"/g)) {
    if (!merged.includes(` ${m[1]}="`)) merged = merged.replace(/>$/, ` ${m[1]}="${m[2]}">`);
  }
  const baseIgnorable = attr(merged, 'mc:Ignorable');
  const otherIgnorable = attr(otherRoot, 'mc:Ignorable');
  if (otherIgnorable) {
    const prefixes = new Set([...(baseIgnorable ?? '').split(/\s+/), ...otherIgnorable.split(/\s+/)].filter((p) => p && merged.includes(`xmlns:${p}="`)));
    const value = [...prefixes].join(' ');
    merged = baseIgnorable !== undefined ? merged.replace(/mc:Ignorable="[^"]*"/, `mc:Ignorable="${value}"`) : merged.replace(/>$/, ` mc:Ignorable="${value}">`);
  }
  return baseHead.replace(baseRoot, merged);
}

function normaliseXml(xml: string): string {
  return xml.replace(/>\s+</g, '><').trim();
}

const STYLE_RE = /<w:style\b[^>]*?(?:\/>|>[\s\S]*?<\/w:style>)/g;

function styleId(style: string): string {
  return attr(style, 'w:styleId') ?? '';
}

/**
 * Adds another template's styles to the base style sheet. Returns the renamed ids and, when the
 * other template's default paragraph style differs, the id its unstyled paragraphs must now name.
 */
function mergeStyles(
  baseXml: string,
  otherXml: string,
  index: number,
  numMap: ReadonlyMap<string, string>,
  numberingDiffers: boolean,
): { xml: string; rename: Map<string, string>; defaultParagraphStyle: string | null } {
  const baseStyles = new Map([...baseXml.matchAll(STYLE_RE)].map((m) => [styleId(m[0]), m[0]]));
  const baseNames = new Set([...baseStyles.values()].map((s) => attr(/<w:name\b[^>]*>/.exec(s)?.[0] ?? '', 'w:val') ?? ''));
  const otherStyles = [...otherXml.matchAll(STYLE_RE)].map((m) => m[0]);
  const byId = new Map(otherStyles.map((s) => [styleId(s), s]));
  const differs = new Set<string>();
  for (const [id, s] of byId) {
    const b = baseStyles.get(id);
    if (b !== undefined && (normaliseXml(b) !== normaliseXml(s) || (numberingDiffers && s.includes('<w:numId')))) differs.add(id);
  }
  // A style based on (or linked to) a differing style differs too.
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, s] of byId) {
      if (differs.has(id) || !baseStyles.has(id)) continue;
      const refs = [...s.matchAll(/<w:(?:basedOn|link|next) w:val="([^"]+)"\/>/g)].map((m) => m[1]);
      if (refs.some((r) => differs.has(r))) {
        differs.add(id);
        changed = true;
      }
    }
  }
  const rename = new Map<string, string>();
  for (const id of differs) rename.set(id, `${id}T${index}`);
  let defaultParagraphStyle: string | null = null;
  const added: string[] = [];
  for (const [id, s] of byId) {
    if (baseStyles.has(id) && !differs.has(id)) continue;
    let copy = s.replace(/<w:(basedOn|link|next) w:val="([^"]+)"\/>/g, (m, tag: string, ref: string) => (rename.has(ref) ? `<w:${tag} w:val="${rename.get(ref)}"/>` : m));
    copy = copy.replace(/<w:numId w:val="(\d+)"\/>/g, (m, n: string) => (numMap.has(n) ? `<w:numId w:val="${numMap.get(n)}"/>` : m));
    if (rename.has(id)) {
      copy = copy.replace(`w:styleId="${id}"`, `w:styleId="${rename.get(id)}"`);
      if (/w:default="(1|true)"/.test(copy) && /w:type="paragraph"/.test(copy)) defaultParagraphStyle = rename.get(id)!;
      copy = copy.replace(/\sw:default="[^"]*"/, '');
      copy = copy.replace(/<w:name w:val="([^"]*)"\/>/, (_m, name: string) => `<w:name w:val="${name} (${index + 1})"/>`);
    } else if (baseNames.has(attr(/<w:name\b[^>]*>/.exec(copy)?.[0] ?? '', 'w:val') ?? '')) {
      copy = copy.replace(/<w:name w:val="([^"]*)"\/>/, (_m, name: string) => `<w:name w:val="${name} (${index + 1})"/>`);
    }
    added.push(copy);
  }
  return { xml: added.length ? baseXml.replace('</w:styles>', `${added.join('')}</w:styles>`) : baseXml, rename, defaultParagraphStyle };
}

/** Paragraphs without a style get an explicit one (used when the default paragraph style was renamed). */
function withExplicitParagraphStyle(body: string, id: string): string {
  const pStyle = `<w:pStyle w:val="${id}"/>`;
  return body.replace(/<w:p(?=[\s>/])([^>]*?)(\/?)>(<w:pPr>|<w:pPr\/>)?/g, (m, attrs: string, self: string, pPr: string | undefined) => {
    if (self) return `<w:p${attrs}><w:pPr>${pStyle}</w:pPr></w:p>`;
    if (pPr === '<w:pPr/>') return `<w:p${attrs}><w:pPr>${pStyle}</w:pPr>`;
    if (pPr) return m; // handled below if it has no pStyle
    return `<w:p${attrs}><w:pPr>${pStyle}</w:pPr>`;
  }).replace(/<w:pPr>(?!<w:pStyle)/g, `<w:pPr>${pStyle}`);
}

function maxId(xml: string, re: RegExp): number {
  let max = -1;
  for (const m of xml.matchAll(re)) max = Math.max(max, Number(m[1]));
  return max;
}

/** Appends another numbering part's definitions with shifted ids; returns the numId mapping. */
function mergeNumbering(baseXml: string, otherXml: string): { xml: string; numMap: Map<string, string> } {
  const absOffset = maxId(baseXml, /<w:abstractNum\b[^>]*w:abstractNumId="(\d+)"/g) + 1;
  const numOffset = Math.max(0, maxId(baseXml, /<w:num\b[^>]*w:numId="(\d+)"/g)) + 1;
  const numMap = new Map<string, string>();
  const abstracts = [...otherXml.matchAll(/<w:abstractNum\b[\s\S]*?<\/w:abstractNum>/g)].map((m) =>
    m[0].replace(/w:abstractNumId="(\d+)"/, (_x, id: string) => `w:abstractNumId="${Number(id) + absOffset}"`),
  );
  const nums = [...otherXml.matchAll(/<w:num\b[^>]*w:numId="(\d+)"[^>]*>[\s\S]*?<\/w:num>/g)].map((m) => {
    const fresh = String(Number(m[1]) + numOffset);
    numMap.set(m[1], fresh);
    return m[0]
      .replace(/w:numId="\d+"/, `w:numId="${fresh}"`)
      .replace(/<w:abstractNumId w:val="(\d+)"\/>/, (_x, id: string) => `<w:abstractNumId w:val="${Number(id) + absOffset}"/>`);
  });
  let xml = baseXml;
  const firstNum = xml.search(/<w:num\b/);
  const abstractXml = abstracts.join('');
  xml = firstNum >= 0 ? xml.slice(0, firstNum) + abstractXml + xml.slice(firstNum) : xml.replace('</w:numbering>', `${abstractXml}</w:numbering>`);
  // w:numIdMacAtCleanup must stay last; put the nums before it if present.
  const cleanup = xml.search(/<w:numIdMacAtCleanup\b/);
  const numsXml = nums.join('');
  xml = cleanup >= 0 ? xml.slice(0, cleanup) + numsXml + xml.slice(cleanup) : xml.replace('</w:numbering>', `${numsXml}</w:numbering>`);
  return { xml, numMap };
}

function numIndex(numbering: string | null): Map<string, { abstractId: string; starts: [number, number][] }> {
  const out = new Map<string, { abstractId: string; starts: [number, number][] }>();
  if (!numbering) return out;
  const starts = new Map<string, [number, number][]>();
  for (const a of numbering.matchAll(/<w:abstractNum\b[^>]*w:abstractNumId="(\d+)"[^>]*>([\s\S]*?)<\/w:abstractNum>/g)) {
    const levels: [number, number][] = [];
    for (const l of a[2].matchAll(/<w:lvl\b[^>]*w:ilvl="(\d+)"[^>]*>([\s\S]*?)<\/w:lvl>/g)) {
      const start = /<w:start w:val="(\d+)"\/>/.exec(l[2]);
      levels.push([Number(l[1]), start ? Number(start[1]) : 0]);
    }
    starts.set(a[1], levels);
  }
  for (const n of numbering.matchAll(/<w:num\b[^>]*w:numId="(\d+)"[^>]*>([\s\S]*?)<\/w:num>/g)) {
    const abs = /<w:abstractNumId w:val="(\d+)"\/>/.exec(n[2])?.[1];
    if (abs !== undefined) out.set(n[1], { abstractId: abs, starts: starts.get(abs) ?? [] });
  }
  return out;
}
