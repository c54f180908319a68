/** The login letter's ways to install the add-in are the README's and docs/install-addin.md's: same menus, same order. */
import fs from 'node:fs';
import path from 'node:path';
import { INSTALL_WAYS, installStepText } from './install-ways';

const ROOT = path.resolve(__dirname, '..', '..');
const flat = (s: string) => s.replace(/\*\*/g, '').replace(/\s+/g, ' ');
const README = flat(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const DOCS = flat(fs.readFileSync(path.join(ROOT, 'docs', 'install-addin.md'), 'utf8'));

/** Each item found after the previous one, starting at the heading (-1 when missing). */
function inOrder(text: string, heading: string, items: readonly string[]): string[] {
  let at = text.indexOf(flat(heading));
  if (at < 0) return [`heading «${heading}»`];
  const missing: string[] = [];
  for (const item of items) {
    const next = text.indexOf(item, at);
    if (next < 0) missing.push(item);
    else at = next + item.length;
  }
  return missing;
}

describe('install ways in the login letter', () => {
  test.each(INSTALL_WAYS.map((w) => [w.readmeHeading, w] as const))('%s: every menu item in order in README.md and docs/install-addin.md', (_h, way) => {
    expect(inOrder(README, way.readmeHeading, way.menu)).toEqual([]);
    expect(inOrder(DOCS, way.docsHeading, way.menu)).toEqual([]);
    for (const item of way.menu) expect(way.letter).toContain(item);
  });

  test('the letter names all four ways, in the README’s order', () => {
    const text = installStepText();
    const at = ['Microsoft 365', 'Excel для Windows', 'Excel в браузере', 'Excel для Mac'].map((w) => text.indexOf(w));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
