// The production build (webpack.config.js) into a temporary directory: what the server will serve.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Configuration, StatsCompilation } from 'webpack';
import { checkManifestXml } from './check';

const ROOT = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const makeConfig = require(path.join(ROOT, 'webpack.config.js')) as (env: Record<string, unknown>, argv: { mode: string }) => Configuration;

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('webpack production build', () => {
  let out: string;
  let stats: StatsCompilation;
  const origin = 'https://registry.example.org';

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'addin-build-'));
    // webpack runs in its own node process, as `npm run build` runs it: the CSS step loads an
    // ES-module-only package (postcss-custom-properties), which node loads and jest's module system
    // does not. Its stats come back as JSON.
    const env: NodeJS.ProcessEnv = { ...process.env, ADDIN_ORIGIN: origin };
    delete env.PUBLIC_ORIGIN;
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production', '--output-path', out, '--json', path.join(out, 'stats.json')], { cwd: ROOT, env, stdio: 'pipe' });
    stats = JSON.parse(fs.readFileSync(path.join(out, 'stats.json'), 'utf8')) as StatsCompilation;
    fs.rmSync(path.join(out, 'stats.json'));
    // The ES5 build (ts-loader, then Babel with core-js) takes 20–60 s on a busy 2-core machine.
  }, 300_000);
  afterAll(() => {
    fs.rmSync(out, { recursive: true, force: true });
  });

  const read = (name: string): string => fs.readFileSync(path.join(out, name), 'utf8');

  it('compiles without errors', () => {
    expect(stats.errors ?? []).toEqual([]);
  });

  it('writes the task pane page: Russian, Office.js from the CDN, #app, a content-hashed deferred bundle', () => {
    const html = read('taskpane.html');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toMatch(/<html lang="?ru"?>/);
    expect(html).toMatch(/<meta charset="?utf-8"?>/);
    expect(html).toContain('name=viewport');
    expect(html).toContain('<title>Реестр Профсоюза</title>');
    expect(html).toContain('<div id=app></div>');
    const officeJs = html.indexOf('src=https://appsforoffice.microsoft.com/lib/1/hosted/office.js');
    const bundle = /<script defer src="?(taskpane\.[0-9a-f]{8}\.js)"?>/.exec(html);
    expect(officeJs).toBeGreaterThan(0);
    expect(bundle).not.toBeNull();
    expect(html.indexOf(bundle![0])).toBeGreaterThan(officeJs); // Office.js is loaded first
    expect(fs.existsSync(path.join(out, bundle![1]))).toBe(true);
  });

  it('writes the commands page with its own bundle', () => {
    const html = read('commands.html');
    expect(html).toContain('src=https://appsforoffice.microsoft.com/lib/1/hosted/office.js');
    const bundle = /<script defer src="?(commands\.[0-9a-f]{8}\.js)"?>/.exec(html);
    expect(bundle).not.toBeNull();
    expect(read(bundle![1])).toContain('Office.onReady');
  });

  it('does not bundle Office.js and keeps the bundles under the slow-link budget', () => {
    const modules = stats.modules ?? [];
    expect(modules.some((m) => /office-js|office\.js/i.test(m.name ?? ''))).toBe(false);
    const bundles = fs.readdirSync(out).filter((f) => f.endsWith('.js'));
    expect(bundles.length).toBeGreaterThanOrEqual(2);
    for (const file of bundles) expect(read(file)).not.toContain('appsforoffice.microsoft.com');
    // No performance hint: webpack.config.js sets the ES5 budget (test/es5-bundles.test.ts holds the first load to it).
    expect((stats.warnings ?? []).map((w) => w.message)).toEqual([]);
  });

  it('copies the icons and writes a manifest on the public origin that passes the checker', () => {
    for (const size of [16, 32, 64, 80]) expect(fs.existsSync(path.join(out, 'assets', `icon-${size}.png`))).toBe(true);
    const manifest = read('manifest.xml');
    expect(manifest).not.toContain('https://localhost:3000');
    expect(manifest).toContain(`${origin}/taskpane.html`);
    expect(checkManifestXml(manifest, { assetsDir: path.join(out, 'assets'), expectedOrigin: origin })).toEqual({ errors: [], warnings: [] });
  });
});

describe('webpack.config.js origin', () => {
  const originIn = (vars: Record<string, string | undefined>): string => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const config = withEnv({ ADDIN_ORIGIN: undefined, PUBLIC_ORIGIN: undefined, ...vars }, () => makeConfig({}, { mode: 'production' }));
      const copy = (config.plugins ?? []).find((p) => p?.constructor.name === 'CopyPlugin') as unknown as {
        patterns: Array<{ from: string; transform?: (content: Buffer) => string }>;
      };
      const pattern = copy.patterns.find((p) => p.from === 'manifest.xml')!;
      const written = pattern.transform!(Buffer.from('<SourceLocation DefaultValue="https://localhost:3000/taskpane.html"/>'));
      return /DefaultValue="(https:\/\/[^/]+)\//.exec(written)![1];
    } finally {
      log.mockRestore();
    }
  };

  it('takes ADDIN_ORIGIN (its first entry), then an https PUBLIC_ORIGIN, then the development default', () => {
    expect(originIn({})).toBe('https://localhost:3000');
    expect(originIn({ ADDIN_ORIGIN: 'https://a.example.org/, https://b.example.org' })).toBe('https://a.example.org');
    expect(originIn({ PUBLIC_ORIGIN: 'https://p.example.org:8443' })).toBe('https://p.example.org:8443');
    expect(originIn({ PUBLIC_ORIGIN: 'http://localhost:3000' })).toBe('https://localhost:3000');
  });

  it('refuses an ADDIN_ORIGIN that is not an https origin', () => {
    expect(() => originIn({ ADDIN_ORIGIN: 'http://registry.example.org' })).toThrow(/ADDIN_ORIGIN must use https/);
    expect(() => originIn({ ADDIN_ORIGIN: 'https://registry.example.org/addin' })).toThrow(/must be an origin only/);
    expect(() => originIn({ ADDIN_ORIGIN: 'registry.example.org' })).toThrow(/must be an https origin/);
  });
});
