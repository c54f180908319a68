/**
 * Loading a .docx template: unzip once (jszip), find the main document part, normalise split
 * placeholders, split the part into head / body / final section properties / tail and compile it.
 */
import JSZip from 'jszip';
import { compile, type Compiled } from './compile';
import { TemplateError } from './errors';
import { findExternal, stripExternal, type ExternalFinding } from './external';
import { normalisePart } from './normalise';

export interface LoadedTemplate {
  /** Every part of the package, uncompressed, by path (no leading slash). */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Path of the main document part, usually word/document.xml. */
  readonly documentPath: string;
  /** The normalised main part, split: head ends with `<w:body>`, tail starts with `</w:body>`. */
  readonly head: string;
  readonly body: string;
  /** The body-level `<w:sectPr>` (page size, margins, headers) — '' if the template has none. */
  readonly sectPr: string;
  readonly tail: string;
  /** Distinct placeholders in order of first appearance; list markers as `#name` and `/name`. */
  readonly placeholders: readonly string[];
  /** Russian descriptions of what is wrong with the template; [] for a usable one. */
  readonly problems: readonly string[];
  /** The whole normalised main part, compiled (null when problems make it unusable). */
  readonly compiled: Compiled | null;
  /**
   * External references and active content found in the file (external.ts): an upload with any is
   * refused; `files` never holds them (they are stripped), so nothing printed from it carries them.
   */
  readonly external: readonly ExternalFinding[];
}

const MAIN_DOCUMENT = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument';
const cache = new WeakMap<Buffer, Promise<LoadedTemplate>>();

/** Loads a template; the same Buffer object is parsed only once (results are cached per Buffer). */
export function inspectTemplate(docx: Buffer): Promise<LoadedTemplate> {
  let p = cache.get(docx);
  if (!p) {
    p = load(docx);
    cache.set(docx, p);
    p.catch(() => cache.delete(docx));
  }
  return p;
}

/** Loads a template and refuses one with problems (TemplateError lists them in Russian). */
export async function loadTemplate(docx: Buffer | LoadedTemplate): Promise<LoadedTemplate> {
  const t = Buffer.isBuffer(docx) ? await inspectTemplate(docx) : docx;
  if (t.problems.length || !t.compiled) {
    throw new TemplateError(`Шаблон документа содержит ошибки: ${t.problems.join(' ')}`, t.problems);
  }
  return t;
}

const NOT_DOCX = 'Файл не является документом Word (.docx). Сохраните шаблон в Word как «Документ Word (*.docx)».';

async function load(docx: Buffer): Promise<LoadedTemplate> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(docx);
  } catch {
    throw new TemplateError(NOT_DOCX);
  }
  const files = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) continue;
    files.set(name.replace(/^\//, ''), await entry.async('nodebuffer'));
  }
  const rootRels = files.get('_rels/.rels')?.toString('utf8');
  const contentTypes = files.get('[Content_Types].xml')?.toString('utf8');
  if (!rootRels || !contentTypes) throw new TemplateError(NOT_DOCX);
  const target = [...rootRels.matchAll(/<Relationship\b[^>]*>/g)]
    .map((m) => m[0])
    .find((r) => r.includes(`Type="${MAIN_DOCUMENT}"`))
    ?.match(/Target="([^"]+)"/)?.[1];
  const documentPath = target?.replace(/^\//, '');
  if (!documentPath || !files.has(documentPath)) throw new TemplateError(NOT_DOCX);
  if (/macroEnabled/i.test(contentTypes)) {
    throw new TemplateError('Шаблон с макросами (.docm) не принимается. Сохраните его как «Документ Word (*.docx)».');
  }
  if (!/wordprocessingml\.(document|template)\.main\+xml/.test(contentTypes)) throw new TemplateError(NOT_DOCX);
  // Attached templates, linked pictures and objects, fetching fields, DOCTYPEs, macros: listed, and taken out.
  const external = findExternal(files);
  if (external.length) {
    const clean = stripExternal(files);
    files.clear();
    for (const [name, content] of clean) files.set(name, content);
  }
  const cleanTypes = files.get('[Content_Types].xml')!.toString('utf8');
  if (cleanTypes.includes('wordprocessingml.template.main+xml')) {
    // A .dotx: documents made from it must open as documents, not as templates.
    files.set('[Content_Types].xml', Buffer.from(cleanTypes.replace('wordprocessingml.template.main+xml', 'wordprocessingml.document.main+xml'), 'utf8'));
  }

  const normalised = normalisePart(files.get(documentPath)!.toString('utf8'));
  const problems = [...normalised.problems];

  for (const [name, content] of files) {
    if (!/^word\/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(name)) continue;
    const other = normalisePart(content.toString('utf8'));
    if (other.placeholders.length) {
      problems.push(
        `Поля ${other.placeholders.map((p) => `{{${p}}}`).join(', ')} стоят в колонтитуле, сноске или примечании — там они не заполняются. Перенесите их в основной текст.`,
      );
    }
  }

  const xml = normalised.xml;
  const bodyOpen = xml.match(/<w:body\b[^>]*>/);
  const bodyClose = xml.lastIndexOf('</w:body>');
  if (!bodyOpen || bodyOpen.index === undefined || bodyClose < 0) throw new TemplateError(NOT_DOCX);
  const head = xml.slice(0, bodyOpen.index + bodyOpen[0].length);
  let body = xml.slice(head.length, bodyClose);
  const tail = xml.slice(bodyClose);
  let sectPr = '';
  const finalSect = body.match(/<w:sectPr\b[^>]*(?:\/>|>(?:(?!<w:sectPr\b)[\s\S])*?<\/w:sectPr>)\s*$/);
  if (finalSect && finalSect.index !== undefined) {
    sectPr = finalSect[0].trim();
    body = body.slice(0, finalSect.index);
  }

  let compiled: Compiled | null = null;
  try {
    compiled = compile(xml);
  } catch (err) {
    if (err instanceof TemplateError) problems.push(err.detail);
    else throw err;
  }
  return { files, documentPath, head, body, sectPr, tail, placeholders: normalised.placeholders, problems, compiled, external };
}
