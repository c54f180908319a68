/**
 * What ships must run in Internet Explorer 11 (Trident+: volume-licensed Office 2016/2019 on Windows)
 * and EdgeHTML 18 (retail 2016/2019 without WebView2) — Microsoft's «Browsers and webview controls
 * used by Office Add-ins». Reads the production build in dist/ (`npm test` builds before jest):
 *
 * - every script (bundles, lazily loaded chunks, boot.js) parses as ECMAScript 5 with acorn;
 * - no `globalThis` outside a `typeof globalThis` guard, no `\p{…}` in any regular expression;
 * - CSS: every `var(--…)` has a plain fallback declaration before it, and no selector IE11 drops
 *   a whole rule for (`:is`, `:where`, `:has`, `:focus-visible` outside `:not(…)`).
 *
 * The same checks run on known-bad samples first, to prove that they can fail.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import * as acorn from 'acorn';

const DIST = path.resolve(__dirname, '..', 'dist');

/** Problems that keep `code` from running in an ES5 engine, empty when there are none. */
function es5Problems(code: string): string[] {
  const problems: string[] = [];
  try {
    acorn.parse(code, { ecmaVersion: 5, sourceType: 'script', allowReserved: true });
  } catch (e) {
    problems.push(`not ES5: ${(e as Error).message}`);
    return problems;
  }
  // acorn's Token type leaves out `value`, which every token has at run time.
  const tokens = [...acorn.tokenizer(code, { ecmaVersion: 5 })] as (acorn.Token & { value: unknown })[];
  tokens.forEach((t, i) => {
    if (t.type.label === 'name' && t.value === 'globalThis') {
      let guarded = false;
      for (let j = Math.max(0, i - 12); j < i; j++) {
        if (tokens[j].type.keyword === 'typeof' && tokens[j + 1].value === 'globalThis') guarded = true;
      }
      if (!guarded) problems.push(`globalThis without a typeof guard at ${t.start}`);
    }
    if (t.type.label === 'regexp' && /\\[pP]\{/.test((t.value as { pattern: string }).pattern)) {
      problems.push(`Unicode property escape in /${(t.value as { pattern: string }).pattern.slice(0, 40)}/`);
    }
  });
  if (/new RegExp\([^)]*\\\\p\{/.test(code)) problems.push('Unicode property escape in new RegExp(…)');
  return problems;
}

/** CSS that IE11 would not render as meant, empty when there is none. */
function cssProblems(css: string): string[] {
  const problems: string[] = [];
  const flat = css.replace(/\/\*[\s\S]*?\*\//g, '');
  for (const rule of flat.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const selector = rule[1].trim();
    if (/:(is|where|has)\(/.test(selector)) problems.push(`selector ${selector}`);
    if (/:focus-visible/.test(selector.replace(/:not\(:focus-visible\)/g, ''))) problems.push(`selector ${selector}`);
    const declarations = rule[2].split(';').map((d) => d.trim()).filter(Boolean);
    declarations.forEach((d, i) => {
      const m = /^([\w-]+)\s*:\s*(.*)$/.exec(d);
      if (!m || m[1].startsWith('--') || !m[2].includes('var(--')) return;
      const fallback = declarations.slice(0, i).some((e) => e.startsWith(`${m[1]}:`) && !e.includes('var(--'));
      if (!fallback) problems.push(`${selector} { ${d} } has no fallback for IE11`);
    });
  }
  return problems;
}

describe('the checks themselves fail on what IE11 cannot run', () => {
  it.each([
    ['an arrow function', 'var f = () => 1;'],
    ['let', 'let x = 1;'],
    ['a class', 'class A {}'],
    ['a template literal', 'var s = `x`;'],
    ['async/await', 'async function f() { await g(); }'],
    ['a BigInt literal', 'var n = 10n;'],
    ['a u-flag regular expression', 'var r = /\\p{L}/u;'],
    ['for…of', 'for (var x of xs) {}'],
    ['globalThis unguarded', 'var f = globalThis.fetch;'],
  ])('%s', (_what, code) => {
    expect(es5Problems(code)).not.toEqual([]);
  });

  it('accepts ES5 with a guarded globalThis', () => {
    expect(es5Problems('var g = typeof globalThis == "object" && globalThis; var r = /[a-z]/g;')).toEqual([]);
  });

  it.each([
    ['a variable without a fallback', ':root { --c: red; } a { color: var(--c); }'],
    [':is()', ':is(a, b) { color: red; }'],
    [':focus-visible', 'a:focus-visible { outline: 0; }'],
  ])('CSS: %s', (_what, css) => {
    expect(cssProblems(css)).not.toEqual([]);
  });

  it('CSS: a fallback before the variable is enough', () => {
    expect(cssProblems('a { color: red; color: var(--c); } a:focus:not(:focus-visible) { outline: none; }')).toEqual([]);
  });
});

describe('the shipped add-in (dist/, production build)', () => {
  const files = fs.existsSync(DIST) ? fs.readdirSync(DIST) : [];
  if (files.length === 0) {
    it('is built', () => {
      throw new Error('dist/ is empty: run `npm run build` first (npm test does it before jest).');
    });
    return;
  }
  const scripts = files.filter((f) => f.endsWith('.js'));
  const styles = files.filter((f) => f.endsWith('.css'));

  it('is the production build with the boot script', () => {
    expect(scripts).toContain('boot.js');
    expect(scripts.some((f) => /^taskpane\.[0-9a-f]{8}\.js$/.test(f))).toBe(true);
    expect(scripts.filter((f) => f.startsWith('view-')).length).toBeGreaterThan(0);
  });

  it.each(scripts)('%s parses as ES5, with no globalThis or \\p{…}', (file) => {
    expect(es5Problems(fs.readFileSync(path.join(DIST, file), 'utf8'))).toEqual([]);
  });

  it.each(styles)('%s renders in IE11 (fallbacks, no modern selectors)', (file) => {
    expect(cssProblems(fs.readFileSync(path.join(DIST, file), 'utf8'))).toEqual([]);
  });

  it('the pane\'s first load stays within its budget: 340 KiB of scripts, 110 KiB gzipped (≈ 0.9 s at 1 Mbit/s; webpack.config.js)', () => {
    const html = fs.readFileSync(path.join(DIST, 'taskpane.html'), 'utf8');
    const first = [...html.matchAll(/<script[^>]*\ssrc="?([^"\s>]+)/g)].map((m) => m[1]).filter((src) => !/^https?:/.test(src));
    expect(first).toEqual(['boot.js', expect.stringMatching(/^taskpane\.[0-9a-f]{8}\.js$/)]);
    const bytes = first.map((f) => fs.readFileSync(path.join(DIST, f)));
    const raw = bytes.reduce((n, b) => n + b.length, 0);
    const gzip = bytes.reduce((n, b) => n + zlib.gzipSync(b, { level: 9 }).length, 0);
    expect(raw).toBeLessThanOrEqual(340 * 1024);
    expect(gzip).toBeLessThanOrEqual(110 * 1024);
  });

  it('the help page (assets/) has no script, and its inline styles render in IE11', () => {
    const assets = path.join(DIST, 'assets');
    for (const page of fs.readdirSync(assets).filter((f) => f.endsWith('.html'))) {
      const html = fs.readFileSync(path.join(assets, page), 'utf8');
      expect({ page, script: /<script/.test(html) }).toEqual({ page, script: false });
      for (const m of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) expect({ page, problems: cssProblems(m[1]) }).toEqual({ page, problems: [] });
    }
  });

  it('pages have no inline scripts, and no inline styles that would escape these checks', () => {
    for (const page of files.filter((f) => f.endsWith('.html'))) {
      const html = fs.readFileSync(path.join(DIST, page), 'utf8');
      expect({ page, inline: /<script(?![^>]*\ssrc=)[^>]*>/.test(html) }).toEqual({ page, inline: false });
      expect({ page, style: /<style/.test(html) }).toEqual({ page, style: false });
    }
  });
});
