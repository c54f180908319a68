/** Filling single documents and checking templates. Pure: Buffer in, Buffer out. */
import { render, slotNames, type TemplateValues } from './compile';
import { inspectTemplate, loadTemplate, type LoadedTemplate } from './package';
import { knownPlaceholders, requiredPlaceholders, TEMPLATE_KINDS, type TemplateKind } from './template-kinds';
import { propertyParts, type DocumentProperties } from './properties';
import { extractText } from './xml';
import { DEFAULT_LEVEL, deflateEntry, writeZip, type ZipEntry } from './zip';

/** Placeholders of a template in order of first appearance: `member_full_name`, `#members`, `/members`… */
export async function listPlaceholders(docx: Buffer): Promise<string[]> {
  return [...(await inspectTemplate(docx)).placeholders];
}

export interface TemplateCheck {
  /** True when the template can replace the standard one of this kind. */
  ok: boolean;
  /** Required placeholders the template lacks. */
  missing: string[];
  /** Placeholders this kind does not know (they could never be filled). */
  unknown: string[];
  /** Other problems, in Russian: malformed fields, fields in headers, a missing signature line… */
  problems: string[];
}

/** Checks an uploaded template against its kind; never throws for a bad template (only reports). */
export async function checkTemplate(docx: Buffer, kind: TemplateKind): Promise<TemplateCheck> {
  let t: LoadedTemplate;
  try {
    t = await inspectTemplate(docx);
  } catch (err) {
    const detail = err instanceof Error && 'detail' in err ? String((err as { detail: unknown }).detail) : 'Файл не удалось прочитать.';
    return { ok: false, missing: requiredPlaceholders(kind), unknown: [], problems: [detail] };
  }
  const spec = TEMPLATE_KINDS[kind];
  const present = new Set(t.placeholders);
  const known = knownPlaceholders(kind);
  const missing = [...requiredPlaceholders(kind), ...Object.keys(spec.lists).flatMap((l) => [`#${l}`, `/${l}`])]
    .filter((p, i, all) => all.indexOf(p) === i)
    .filter((p) => !present.has(p));
  const unknown = t.placeholders.filter((p) => !known.has(p));
  const problems = [...t.problems];

  if (t.compiled) {
    const names = slotNames(t.compiled);
    for (const [listName, list] of Object.entries(spec.lists)) {
      const inRow = names.lists.get(listName) ?? new Set<string>();
      for (const field of [...list.required, ...list.optional]) {
        if (names.values.has(field)) {
          problems.push(`Поле {{${field}}} должно стоять в повторяемой строке таблицы между {{#${listName}}} и {{/${listName}}}.`);
        } else if (list.required.includes(field) && present.has(`#${listName}`) && !inRow.has(field)) {
          if (!missing.includes(field)) missing.push(field);
        }
      }
    }
  }

  if (spec.batch && /<w:(?:footnoteReference|endnoteReference|commentReference)\b/.test(t.body)) {
    problems.push('Сноски и примечания в шаблоне согласия не поддерживаются (согласия печатаются пачкой): уберите их или перенесите текст в основной текст.');
  }

  const text = extractText(t.head + t.body + t.tail).toLowerCase();
  for (const rt of spec.requiredText) if (!text.includes(rt.word)) problems.push(rt.message);

  return { ok: missing.length === 0 && unknown.length === 0 && problems.length === 0, missing, unknown, problems };
}

/**
 * Fills one document (obligation, login letter, card order) and gives it its own File → Properties.
 * Missing values → MissingPlaceholderError.
 */
export async function fillDocument(template: Buffer | LoadedTemplate, values: TemplateValues, properties?: DocumentProperties): Promise<Buffer> {
  const t = await loadTemplate(template);
  const xml = render(t.compiled!, values);
  return packDocx(t.files, t.documentPath, xml, properties);
}

/** Zips a package with a new main part; [Content_Types].xml goes first, as Word writes it. */
export function packDocx(files: ReadonlyMap<string, Buffer>, documentPath: string, documentXml: string, properties?: DocumentProperties): Buffer {
  const replace = new Map<string, string>(properties ? propertyParts(files, properties) : []);
  replace.set(documentPath, documentXml);
  return writeZip(packageEntries(files, replace));
}

export function packageEntries(files: ReadonlyMap<string, Buffer>, replace: ReadonlyMap<string, string | Buffer> = new Map(), level = DEFAULT_LEVEL): ZipEntry[] {
  const names = [...new Set([...files.keys(), ...replace.keys()])].sort((a, b) => order(a) - order(b));
  return names.map((name) => deflateEntry(name, replace.get(name) ?? files.get(name)!, level));
}

function order(name: string): number {
  if (name === '[Content_Types].xml') return 0;
  if (name === '_rels/.rels') return 1;
  if (name.startsWith('word/document')) return 2;
  return 3;
}
