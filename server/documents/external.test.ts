/**
 * Issue 15, hole 6: external references and active content in a template — found, named in Russian,
 * and stripped so that nothing printed from a stored template carries them.
 */
import JSZip from 'jszip';
import { findExternal, stripExternal } from './external';
import { inspectTemplate } from './package';
import { TEMPLATE_KINDS_LIST } from './template-kinds';
import { readTemplateFile } from './templates';
import { assertWellFormed, HOSTILE_CONTENT, HOSTILE_MARKERS, hostileTemplate, type HostileContent } from './test-fixtures';

async function parts(docx: Buffer): Promise<Map<string, Buffer>> {
  const zip = await JSZip.loadAsync(docx);
  const out = new Map<string, Buffer>();
  for (const [name, entry] of Object.entries(zip.files)) if (!entry.dir) out.set(name, await entry.async('nodebuffer'));
  return out;
}

const EXPECTED: Record<HostileContent, RegExp> = {
  attachedTemplate: /^внешний прикреплённый шаблон http:\/\/evil\.example\/template\.dotm$/,
  includePicture: /^поле INCLUDEPICTURE "http:\/\/evil\.example\/track\.png" \\d$/,
  // Word doubles the backslashes of a path in a field code.
  includeText: /^поле INCLUDETEXT "\\\\\\\\evil\.example\\\\share\\\\text\.docx"$/,
  externalImage: /^картинка, загружаемая по ссылке http:\/\/evil\.example\/pixel\.png$/,
  externalOle: /^связанный объект OLE file:\/\/evil\.example\/share\/book\.xlsx$/,
  doctype: /^объявление DOCTYPE в части word\/styles\.xml$/,
  macros: /^макросы \(/,
};

describe('external references and active content in templates', () => {
  test('the shipped templates have none', async () => {
    for (const kind of TEMPLATE_KINDS_LIST) expect(findExternal(await parts(readTemplateFile(kind)))).toEqual([]);
  });

  test.each(HOSTILE_CONTENT)('%s is found and named', async (what) => {
    const found = findExternal(await parts(await hostileTemplate(readTemplateFile('consent-union'), [what])));
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.what).toMatch(EXPECTED[what]);
  });

  test('stripping takes every one out, leaves well-formed parts, and changes nothing in a clean template', async () => {
    const files = await parts(await hostileTemplate(readTemplateFile('consent-union'), HOSTILE_CONTENT));
    expect(findExternal(files)).toHaveLength(8);
    const clean = stripExternal(files);
    expect(findExternal(clean)).toEqual([]);
    expect([...clean.keys()]).not.toContain('word/vbaProject.bin');
    for (const [name, content] of clean) {
      if (!/\.(xml|rels)$/.test(name)) continue;
      const xml = content.toString('utf8');
      for (const marker of HOSTILE_MARKERS) expect(`${name}: ${xml.includes(marker) ? marker : ''}`).toBe(`${name}: `);
      assertWellFormed(xml.replace(/^<\?xml[^>]*\?>/, ''));
    }
    // The text around a fetching field stays: its last shown result is kept as text.
    expect(clean.get('word/document.xml')!.toString('utf8')).toContain('[картинка]');
    const shipped = await parts(readTemplateFile('consent-union'));
    expect(stripExternal(shipped)).toBe(shipped);
  });

  test('a loaded template lists what it found and holds only the stripped parts', async () => {
    const t = await inspectTemplate(await hostileTemplate(readTemplateFile('consent-union'), HOSTILE_CONTENT));
    expect(t.external.map((f) => f.what)).toHaveLength(8);
    expect(t.problems).toEqual([]);
    expect(findExternal(t.files)).toEqual([]);
    expect(t.head + t.body + t.tail).not.toMatch(/INCLUDEPICTURE|INCLUDETEXT|rIdEvil/);
  });
});
