/**
 * A small namespace-aware XML tree built on saxes (a strict, well-formedness-checking parser
 * that is already installed: exceljs depends on it). Only what the manifest checker needs.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';

export interface XmlAttribute {
  /** As written, e.g. "xsi:type". */
  name: string;
  local: string;
  /** Namespace URI; "" for an unprefixed attribute. */
  uri: string;
  value: string;
}

export interface XmlElement {
  /** As written, e.g. "bt:Image". */
  name: string;
  local: string;
  /** Namespace URI of the element ("" when none is in scope). */
  uri: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** Text directly inside the element (not inside children), concatenated. */
  text: string;
  /** 1-based line where the start tag ends. */
  line: number;
  parent: XmlElement | null;
}

export type ParseResult = { ok: true; root: XmlElement } | { ok: false; errors: string[] };

/** Parses an XML document; reports the first well-formedness error (with line:column) instead of throwing. */
export function parseXml(xml: string): ParseResult {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const errors: string[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  // Only the first error: after it saxes recovers and reports a cascade that only adds noise.
  parser.on('error', (err) => {
    if (errors.length === 0) errors.push(`line:column ${err.message}`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const parent = stack[stack.length - 1] ?? null;
    const element: XmlElement = {
      name: tag.name,
      local: tag.local,
      uri: tag.uri,
      attributes: Object.values(tag.attributes).map((a) => ({ name: a.name, local: a.local, uri: a.uri, value: a.value })),
      children: [],
      text: '',
      line: parser.line,
      parent,
    };
    if (parent) parent.children.push(element);
    else root ??= element;
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    if (errors.length === 0) errors.push((err as Error).message);
  }
  if (errors.length > 0) return { ok: false, errors };
  if (!root) return { ok: false, errors: ['the document has no root element'] };
  return { ok: true, root };
}

/** Value of an attribute by local name and namespace ("" = unprefixed). */
export function attr(element: XmlElement, local: string, uri = ''): string | undefined {
  return element.attributes.find((a) => a.local === local && a.uri === uri)?.value;
}

/** Child elements with the given local name and namespace. */
export function childrenNamed(element: XmlElement, local: string, uri: string): XmlElement[] {
  return element.children.filter((c) => c.local === local && c.uri === uri);
}

export function firstChild(element: XmlElement, local: string, uri: string): XmlElement | undefined {
  return element.children.find((c) => c.local === local && c.uri === uri);
}

/** Every element below (not including) the given one, in document order. */
export function descendants(element: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      out.push(c);
      walk(c);
    }
  };
  walk(element);
  return out;
}

/** The path of local names from the root, e.g. "OfficeApp/VersionOverrides/Resources". */
export function pathOf(element: XmlElement): string {
  const names: string[] = [];
  for (let e: XmlElement | null = element; e; e = e.parent) names.unshift(e.local);
  return names.join('/');
}
