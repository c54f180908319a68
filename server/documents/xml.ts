/** Small XML helpers for WordprocessingML text. */

/** Characters XML 1.0 does not allow at all (Word refuses such a file). */
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML_CHARS, '').replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}

export function unescapeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    switch (e) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

/** Closes the current text element, puts a run-level element, reopens the text (same run, same formatting). */
const BREAK = '</w:t><w:br/><w:t xml:space="preserve">';
const TAB = '</w:t><w:tab/><w:t xml:space="preserve">';

/**
 * A value as it goes inside `<w:t xml:space="preserve">…</w:t>`: escaped, line breaks become `<w:br/>`
 * and tabs `<w:tab/>` within the same run, so the run's formatting applies to every line.
 */
export function valueToRunXml(value: string): string {
  const escaped = escapeXml(value.replace(/\r\n?/g, '\n'));
  if (!/[\n\t]/.test(escaped)) return escaped;
  return escaped.replace(/\n/g, BREAK).replace(/\t/g, TAB);
}

/** The visible text of WordprocessingML: paragraphs separated by "\n", tabs and breaks kept. */
export function extractText(xml: string): string {
  const out: string[] = [];
  const re = /<w:t(?=[\s>/])[^>]*?(?:\/>|>([^<]*)<\/w:t>)|<w:tab\/>|<w:br\b[^>]*\/>|<\/w:p>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const tag = m[0];
    if (tag === '</w:p>') out.push('\n');
    else if (tag.startsWith('<w:tab')) out.push('\t');
    else if (tag.startsWith('<w:br')) out.push('\n');
    else out.push(unescapeXml(m[1] ?? ''));
  }
  return out.join('');
}
