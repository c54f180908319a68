/**
 * Word splits text into runs as it pleases: after an edit, `{{member_full_name}}` may be stored as
 * `{{member_` + `full` + `_name}}` in three `<w:r>` runs, with `<w:proofErr>`, bookmarks and rsid
 * attributes between them. This module rewrites a part so that every placeholder sits whole inside
 * one `<w:t>`: the text of the placeholder moves into the run where it starts (that run's formatting
 * is kept), the runs it came from lose those characters. It runs once per template load.
 */
import { unescapeXml } from './xml';

/** A placeholder as written in a template: `{{name}}`, `{{#list}}`, `{{/list}}`; spaces inside the braces are tolerated. */
const PLACEHOLDER = /\{\{\s*([#/]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
/** After normalisation placeholders are canonical: no spaces. */
export const CANONICAL_PLACEHOLDER = /\{\{([#/]?[A-Za-z][A-Za-z0-9_]*)\}\}/g;

interface TextNode {
  /** Position of the whole `<w:t …>…</w:t>` (or `<w:t/>`) element in the part. */
  start: number;
  end: number;
  /** Raw (still escaped) text content. */
  text: string;
  para: number;
}

export interface NormalisedPart {
  xml: string;
  /** Distinct placeholder names in order of first appearance (list markers keep their `#`/`/`). */
  placeholders: string[];
  /** Russian descriptions of malformed placeholders (unclosed braces, wrong characters). */
  problems: string[];
}

const TOKENS = /<w:p(?=[\s>/])[^>]*?\/>|<w:p(?=[\s>])[^>]*>|<\/w:p>|<w:t(?=[\s>/])[^>]*?(?:\/>|>([^<]*)<\/w:t>)/g;

export function normalisePart(xml: string): NormalisedPart {
  const nodes: TextNode[] = [];
  const stack: number[] = [];
  let paraCounter = 0;
  let m: RegExpExecArray | null;
  TOKENS.lastIndex = 0;
  while ((m = TOKENS.exec(xml))) {
    const tag = m[0];
    if (tag.startsWith('<w:t')) {
      nodes.push({ start: m.index, end: m.index + tag.length, text: m[1] ?? '', para: stack.length ? stack[stack.length - 1] : -1 });
    } else if (tag === '</w:p>') {
      stack.pop();
    } else if (!tag.endsWith('/>')) {
      stack.push(paraCounter++);
    }
  }

  const placeholders: string[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  /** New text for nodes that change, by node index. */
  const replaced = new Map<number, string>();

  // Group the text nodes by paragraph (nested paragraphs of text boxes are their own groups).
  const groups = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    const g = groups.get(n.para);
    if (g) g.push(i);
    else groups.set(n.para, [i]);
  });

  for (const indices of groups.values()) {
    const texts = indices.map((i) => nodes[i].text);
    const joined = texts.join('');
    if (!joined.includes('{') && !joined.includes('}')) continue;

    // Owner of each character position: which node it comes from.
    const bounds: number[] = [];
    let acc = 0;
    for (const t of texts) {
      bounds.push(acc);
      acc += t.length;
    }
    const nodeAt = (pos: number): number => {
      let k = bounds.length - 1;
      while (k > 0 && bounds[k] > pos) k--;
      // Skip empty nodes that share a boundary.
      while (k < texts.length - 1 && texts[k].length === 0) k++;
      return k;
    };

    const matches: { from: number; to: number; canonical: string; name: string }[] = [];
    PLACEHOLDER.lastIndex = 0;
    let pm: RegExpExecArray | null;
    while ((pm = PLACEHOLDER.exec(joined))) {
      const name = pm[1] + pm[2];
      matches.push({ from: pm.index, to: pm.index + pm[0].length, canonical: `{{${name}}}`, name });
    }

    // Whatever braces are left outside valid placeholders are malformed fields.
    let rest = '';
    let last = 0;
    for (const mt of matches) {
      rest += joined.slice(last, mt.from) + ' ';
      last = mt.to;
    }
    rest += joined.slice(last);
    if (/\{\{|\}\}/.test(rest)) {
      const snippet = unescapeXml(rest.trim()).replace(/\s+/g, ' ');
      const at = snippet.search(/\{\{|\}\}/);
      const excerpt = snippet.slice(Math.max(0, at - 15), at + 40);
      problems.push(`Поле записано неверно: «…${excerpt}…». Поле пишется так: {{имя_поля}} — латинскими буквами, цифрами и «_».`);
    }

    for (const mt of matches) {
      if (!seen.has(mt.name)) {
        seen.add(mt.name);
        placeholders.push(mt.name);
      }
    }
    const needsRewrite = matches.some((mt) => {
      const owner = nodeAt(mt.from);
      const endOwner = nodeAt(mt.to - 1);
      return owner !== endOwner || joined.slice(mt.from, mt.to) !== mt.canonical;
    });
    const needsPreserve = matches.length > 0;
    if (!needsRewrite && !needsPreserve) continue;

    // Rebuild each node's text: characters keep their node, except a placeholder's characters,
    // which all go (in canonical spelling) to the node where the placeholder starts.
    const out: string[] = texts.map(() => '');
    let pos = 0;
    let mi = 0;
    let k = 0;
    while (pos < joined.length) {
      if (mi < matches.length && matches[mi].from === pos) {
        out[nodeAt(pos)] += matches[mi].canonical;
        pos = matches[mi].to;
        mi++;
        continue;
      }
      while (k < texts.length - 1 && bounds[k + 1] <= pos) k++;
      out[k] += joined[pos];
      pos++;
    }
    indices.forEach((nodeIndex, j) => {
      const hasPlaceholder = out[j].includes('{{');
      if (out[j] !== texts[j] || hasPlaceholder) replaced.set(nodeIndex, out[j]);
    });
  }

  if (replaced.size === 0) return { xml: stripProofErrors(xml), placeholders, problems };

  const parts: string[] = [];
  let cursor = 0;
  nodes.forEach((n, i) => {
    const text = replaced.get(i);
    if (text === undefined) return;
    parts.push(xml.slice(cursor, n.start));
    parts.push(`<w:t xml:space="preserve">${text}</w:t>`);
    cursor = n.end;
  });
  parts.push(xml.slice(cursor));
  return { xml: stripProofErrors(parts.join('')), placeholders, problems };
}

/** Spelling/grammar marks are meaningless in a generated document. */
function stripProofErrors(xml: string): string {
  return xml.replace(/<w:proofErr\b[^>]*\/>/g, '');
}
