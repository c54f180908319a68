/**
 * A normalised part (every placeholder whole inside one `<w:t>`) is compiled once into literal
 * strings and slots; filling is then string concatenation — no XML parsing per document.
 *
 * Repeated table rows: a table row (`<w:tr>`) that contains `{{#list}}` and `{{/list}}` is repeated
 * once per item of the list `list`; the markers are removed, and inside the row placeholders are
 * looked up in the item first, then in the document's values. Convention: `{{#list}}` at the start of
 * the first cell, `{{/list}}` at the end of the last cell (see templates/README.md).
 */
import { MissingPlaceholderError, TemplateError } from './errors';
import { valueToRunXml } from './xml';

export type Slot =
  | { kind: 'value'; name: string }
  | { kind: 'rows'; name: string; row: Compiled }
  /** `<w:numId w:val="N"/>` in a batch: each copy of a document gets its own list numbering. */
  | { kind: 'num'; id: string }
  /** `<wp:docPr id="N"`: drawing ids must be unique in a document. */
  | { kind: 'docPr' };

export interface Compiled {
  /** `lits.length === slots.length + 1`: lits[0] slot[0] lits[1] slot[1] … lits[n]. */
  lits: string[];
  slots: Slot[];
}

export type ListItem = Readonly<Record<string, string>>;
/** Values of a document: text per placeholder, or a list of items for a repeated row. */
export type TemplateValues = Readonly<Record<string, string | readonly ListItem[]>>;

export interface CompileOptions {
  /** Make list numbering and drawing ids slots (needed when the part is repeated in a batch). */
  batch?: boolean;
}

const SLOT_RE = /\{\{([#/]?[A-Za-z][A-Za-z0-9_]*)\}\}|<w:numId w:val="(\d+)"\/>|(<wp:docPr\b[^>]*?\bid=")\d+(")/g;

export function compile(xml: string, options: CompileOptions = {}): Compiled {
  const lits: string[] = [];
  const slots: Slot[] = [];
  let buf = '';
  let cursor = 0;
  const re = new RegExp(SLOT_RE.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const [whole, name, numId, docPrHead, docPrTail] = m;
    if (name !== undefined) {
      if (name.startsWith('/')) {
        throw new TemplateError(`Конец повторяемой строки {{${name}}} стоит без начала {{#${name.slice(1)}}} в той же строке таблицы.`);
      }
      if (name.startsWith('#')) {
        const { rowStart, rowEnd, inner } = repeatedRow(xml, m.index, name.slice(1));
        if (rowStart < cursor) {
          throw new TemplateError(`Поле перед {{${name}}} стоит в той же строке таблицы: начало повторяемой строки ставится в начале её первой ячейки.`);
        }
        buf += xml.slice(cursor, rowStart);
        lits.push(buf);
        buf = '';
        slots.push({ kind: 'rows', name: name.slice(1), row: compile(inner, options) });
        cursor = rowEnd;
        re.lastIndex = rowEnd;
        continue;
      }
      buf += xml.slice(cursor, m.index);
      lits.push(buf);
      buf = '';
      slots.push({ kind: 'value', name });
      cursor = m.index + whole.length;
      continue;
    }
    if (!options.batch) continue;
    if (numId !== undefined) {
      if (numId === '0') continue;
      buf += xml.slice(cursor, m.index) + '<w:numId w:val="';
      lits.push(buf);
      buf = '"/>';
      slots.push({ kind: 'num', id: numId });
      cursor = m.index + whole.length;
      continue;
    }
    if (docPrHead !== undefined) {
      buf += xml.slice(cursor, m.index) + docPrHead;
      lits.push(buf);
      buf = docPrTail;
      slots.push({ kind: 'docPr' });
      cursor = m.index + whole.length;
    }
  }
  lits.push(buf + xml.slice(cursor));
  return { lits, slots };
}

/** Finds the `<w:tr>` enclosing the `{{#name}}` at `at`, checks `{{/name}}` is in it, returns the row without markers. */
function repeatedRow(xml: string, at: number, name: string): { rowStart: number; rowEnd: number; inner: string } {
  const trRe = /<w:tr(?=[\s>])[^>]*>|<\/w:tr>/g;
  const stack: number[] = [];
  let m: RegExpExecArray | null;
  let rowStart = -1;
  while ((m = trRe.exec(xml))) {
    if (m.index > at) break;
    if (m[0] === '</w:tr>') stack.pop();
    else stack.push(m.index);
  }
  if (stack.length) rowStart = stack[stack.length - 1];
  if (rowStart < 0) {
    throw new TemplateError(`Поле {{#${name}}} должно стоять в строке таблицы: эта строка повторяется для каждого элемента списка.`);
  }
  // Find the end of this row (skipping nested tables' rows).
  trRe.lastIndex = at;
  let depth = 1;
  let rowEnd = -1;
  while ((m = trRe.exec(xml))) {
    if (m[0] === '</w:tr>') depth--;
    else depth++;
    if (depth === 0) {
      rowEnd = m.index + m[0].length;
      break;
    }
  }
  if (rowEnd < 0) throw new TemplateError(`Строка таблицы с полем {{#${name}}} не закрыта.`);
  const row = xml.slice(rowStart, rowEnd);
  const open = `{{#${name}}}`;
  const close = `{{/${name}}}`;
  if (!row.includes(close)) {
    throw new TemplateError(`В строке таблицы с {{#${name}}} нет конца {{/${name}}}: оба поля должны быть в одной строке таблицы.`);
  }
  const inner = row.split(open).join('').split(close).join('');
  if (/\{\{[#/]/.test(inner)) {
    throw new TemplateError(`В повторяемой строке {{#${name}}} есть другой список: вложенные списки не поддерживаются.`);
  }
  return { rowStart, rowEnd, inner };
}

/** Names of all value placeholders (also those inside repeated rows) and lists of a compiled part. */
export function slotNames(c: Compiled, into: { values: Set<string>; lists: Map<string, Set<string>> } = { values: new Set(), lists: new Map() }) {
  for (const s of c.slots) {
    if (s.kind === 'value') into.values.add(s.name);
    else if (s.kind === 'rows') {
      const inner = slotNames(s.row);
      const set = into.lists.get(s.name) ?? new Set<string>();
      inner.values.forEach((v) => set.add(v));
      into.lists.set(s.name, set);
    }
  }
  return into;
}

function isBlank(v: unknown): boolean {
  return typeof v !== 'string' || v.trim() === '';
}

/** Every placeholder that would stay empty with these values; [] when the document can be filled. */
export function missingValues(c: Compiled, values: TemplateValues): string[] {
  const missing = new Set<string>();
  for (const s of c.slots) {
    if (s.kind === 'value') {
      if (isBlank(values[s.name])) missing.add(s.name);
    } else if (s.kind === 'rows') {
      const list = values[s.name];
      if (!Array.isArray(list)) {
        missing.add(`#${s.name}`);
        continue;
      }
      for (const item of list as readonly ListItem[]) {
        for (const rs of s.row.slots) {
          if (rs.kind !== 'value') continue;
          const v = Object.prototype.hasOwnProperty.call(item, rs.name) ? item[rs.name] : values[rs.name];
          if (isBlank(v)) missing.add(rs.name);
        }
      }
    }
  }
  return [...missing];
}

/** Per-document state of a batch: fresh list numbering and drawing ids for each copy. */
export interface RenderContext {
  /** Maps a template numId to this copy's numId. */
  numIds(templateNumId: string): string;
  nextDocPrId(): number;
}

/**
 * Fills the compiled part. Throws MissingPlaceholderError naming every placeholder without a value
 * (a legal document must never get an empty blank).
 */
export function render(c: Compiled, values: TemplateValues, ctx?: RenderContext): string {
  const missing = missingValues(c, values);
  if (missing.length) throw new MissingPlaceholderError(missing);
  return renderUnchecked(c, values, ctx);
}

export function renderUnchecked(c: Compiled, values: TemplateValues, ctx?: RenderContext, item?: ListItem): string {
  const { lits, slots } = c;
  let out = lits[0];
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    switch (s.kind) {
      case 'value': {
        const v = item && Object.prototype.hasOwnProperty.call(item, s.name) ? item[s.name] : values[s.name];
        out += valueToRunXml(v as string);
        break;
      }
      case 'rows': {
        for (const it of values[s.name] as readonly ListItem[]) out += renderUnchecked(s.row, values, ctx, it);
        break;
      }
      case 'num':
        out += ctx ? ctx.numIds(s.id) : s.id;
        break;
      case 'docPr':
        out += ctx ? String(ctx.nextDocPrId()) : '1';
        break;
    }
    out += lits[i + 1];
  }
  return out;
}

/**
 * Substitutes the values that are the same for every document of a batch (organisation, operator,
 * texts from the configuration) once, leaving only the listed per-document placeholders as slots.
 */
export function bind(c: Compiled, values: TemplateValues, keep: ReadonlySet<string>, mayBeEmpty: ReadonlySet<string> = new Set()): Compiled {
  // `mayBeEmpty`: parts of a sentence printed only when set (a processor, an operator's ИНН); given as '' they print nothing.
  const empty = (name: string) => mayBeEmpty.has(name) && values[name] === '';
  const missing = [...new Set(c.slots.flatMap((s) => (s.kind === 'value' && !keep.has(s.name) && isBlank(values[s.name]) && !empty(s.name) ? [s.name] : [])))];
  if (missing.length) throw new MissingPlaceholderError(missing);
  const lits: string[] = [c.lits[0]];
  const slots: Slot[] = [];
  c.slots.forEach((s, i) => {
    if (s.kind === 'value' && !keep.has(s.name)) {
      lits[lits.length - 1] += valueToRunXml(values[s.name] as string) + c.lits[i + 1];
      return;
    }
    slots.push(s.kind === 'rows' ? { ...s, row: bind(s.row, values, keep, mayBeEmpty) } : s);
    lits.push(c.lits[i + 1]);
  });
  return { lits, slots };
}
