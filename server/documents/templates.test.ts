import fs from 'node:fs';
import path from 'node:path';
import { buildTemplates } from '../../scripts/build-templates';
import { listPlaceholders } from './fill';
import { TEMPLATE_KINDS, TEMPLATE_KINDS_LIST } from './template-kinds';
import { TEMPLATES_DIR } from './templates';
import { documentXml } from './test-fixtures';
import { extractText } from './xml';

/** Paragraph styles in order: a change of layout in the script shows up here too. */
function styleSequence(xml: string): string[] {
  return [...xml.matchAll(/<w:pStyle w:val="([^"]+)"\/>/g)].map((m) => m[1]);
}

describe('committed templates equal what scripts/build-templates.ts produces (npm run templates)', () => {
  let built: Record<string, Buffer>;
  beforeAll(async () => {
    built = await buildTemplates();
  });

  test('the script builds exactly the declared templates', () => {
    expect(Object.keys(built).sort()).toEqual(TEMPLATE_KINDS_LIST.map((k) => TEMPLATE_KINDS[k].file).sort());
  });

  test.each(TEMPLATE_KINDS_LIST)('%s: same text, placeholders and paragraph styles', async (kind) => {
    const file = TEMPLATE_KINDS[kind].file;
    const committed = fs.readFileSync(path.join(TEMPLATES_DIR, file));
    const fresh = built[file];
    const [a, b] = [await documentXml(committed), await documentXml(fresh)];
    const hint = `templates/${file} is out of date: run \`npm run templates\` and commit the result`;
    expect({ hint, text: extractText(a) }).toEqual({ hint, text: extractText(b) });
    expect({ hint, placeholders: await listPlaceholders(committed) }).toEqual({ hint, placeholders: await listPlaceholders(fresh) });
    expect({ hint, styles: styleSequence(a) }).toEqual({ hint, styles: styleSequence(b) });
  });
});
