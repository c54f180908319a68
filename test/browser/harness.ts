/**
 * What the browser tests need: the system Chromium (never downloaded), the real registry server
 * in-process on 127.0.0.1 serving the BUILT task pane from dist/, and the fake Office host bundled
 * for the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app';

export const ROOT = path.resolve(__dirname, '../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'artifacts', 'screenshots');
export const OFFICE_JS_URL = /^https:\/\/appsforoffice\.microsoft\.com\//;

/** Debian's chromium (CHROMIUM_PATH overrides). */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  for (const p of candidates) if (fs.existsSync(p)) return p;
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return found || null;
  } catch {
    return null;
  }
}

/**
 * The Chromium to use, or null with the reason printed (the tests are skipped). When the run
 * demands a browser (CI=true or REQUIRE_BROWSER=1) a missing one is an error.
 */
export function chromiumOrSkip(): string | null {
  const found = findChromium();
  if (found) return found;
  const reason = 'Chromium is not installed (looked for CHROMIUM_PATH, /usr/bin/chromium, `which chromium`); install the Debian package `chromium`';
  if (process.env.CI === 'true' || process.env.REQUIRE_BROWSER === '1') {
    throw new Error(`${reason}. This run requires the browser test (CI=true or REQUIRE_BROWSER=1).`);
  }
  console.warn(`\n[browser test] skipped: ${reason}. Set REQUIRE_BROWSER=1 to make this an error.\n`);
  return null;
}

/**
 * The task pane must be built (`npm run build`; `npm test` builds before jest), and built for
 * production: the tests run the very ES5 bundles that ship (content-hashed names), not a
 * development build.
 */
export function assertBuilt(): void {
  const page = path.join(ROOT, 'dist', 'taskpane.html');
  if (!fs.existsSync(page)) {
    throw new Error(`dist/taskpane.html is missing: run \`npm run build\` first (npm test does it before jest).`);
  }
  if (!/src="?taskpane\.[0-9a-f]{8}\.js/.test(fs.readFileSync(page, 'utf8'))) {
    throw new Error('dist/ holds a development build: run `npm run build` (production) — the browser tests run the bundles that ship.');
  }
}

const bundles = new Map<string, string>();

/** A file of test/browser (with what it imports) as one script for the page, built once per run. */
export function browserBundle(file: string): string {
  let js = bundles.get(file);
  if (js === undefined) {
    // esbuild comes with tsx (a dependency); no browser is ever downloaded by anything here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [path.join(__dirname, file)],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2019',
      write: false,
      logLevel: 'silent',
    });
    js = out.outputFiles[0].text;
    bundles.set(file, js);
  }
  return js;
}

/** test/browser/fake-office.ts (with addin/excel/test-fakes.ts) as one script for the page. */
export function fakeOfficeScript(): string {
  return browserBundle('fake-office.ts');
}

export interface RunningServer {
  test: TestApp;
  base: string;
  close(): Promise<void>;
}

/** The registry (createApp on a fresh SQLite file, demo tree seeded) on 127.0.0.1, a free port. */
export async function startServer(): Promise<RunningServer> {
  assertBuilt();
  const test = await startTestApp('sqlite');
  const server = http.createServer(test.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    test,
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await test.close();
    },
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(executablePath: string, viewport = { width: 360, height: 900 }): Promise<Browser> {
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'taskpane-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    deviceScaleFactor: 1,
    locale: 'ru-RU',
    timezoneId: 'Europe/Moscow',
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ConsoleWatch {
  /** Every console error and page error so far (the tests expect none). */
  errors: string[];
  /**
   * Chromium itself logs every HTTP answer ≥ 400 as a console error ("Failed to load resource").
   * A step that provokes one on purpose (a wrong password → 401) declares it here, once, by status
   * and URL; anything else still fails the test.
   */
  expectHttpError(status: number, url: RegExp): void;
  /** The same for a connection the test breaks on purpose ("net::ERR_CONNECTION_RESET" and the like). */
  expectNetworkError(url: RegExp): void;
}

export function watchConsole(page: Page): ConsoleWatch {
  const errors: string[] = [];
  const expected: { status: number | 'net'; url: RegExp }[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const m = /^Failed to load resource: (?:the server responded with a status of (\d{3})|net::ERR_)/.exec(text);
    if (m) {
      const status = m[1] ? Number(m[1]) : 'net';
      const i = expected.findIndex((e) => e.status === status && e.url.test(msg.location().url));
      if (i >= 0) {
        expected.splice(i, 1);
        return;
      }
    }
    errors.push(`console.error: ${text} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  return {
    errors,
    expectHttpError: (status, url) => void expected.push({ status, url }),
    expectNetworkError: (url) => void expected.push({ status: 'net', url }),
  };
}

/** What a browser test file works with: set by the hooks of `browserSuite`. */
export interface BrowserSuite {
  /** The registry on a fresh SQLite file, for the whole file. */
  readonly server: RunningServer;
  readonly browser: Browser;
  /** A fresh page for each test. */
  readonly page: Page;
  /** The page's console: after each test no error is left but the ones the test declared. */
  readonly watch: ConsoleWatch;
}

/**
 * The jest hooks every browser test file uses, in one place: the real server and Chromium once per
 * file, a fresh page per test with its console watched and `preparePage` run on it (the fake Office
 * host), and after each test the page closed and no console error left. Call it inside `describe`.
 */
export function browserSuite(chromium: string, opts: { viewport?: { width: number; height: number }; preparePage?: (page: Page, base: string) => Promise<void> } = {}): BrowserSuite {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let watch: ConsoleWatch | undefined;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser(chromium, opts.viewport);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    page = await browser!.context.newPage();
    watch = watchConsole(page);
    await opts.preparePage?.(page, server!.base);
  });
  afterEach(async () => {
    await page?.close();
    expect(watch?.errors).toEqual([]);
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`browserSuite: ${what} is only there inside a test (its hooks set it)`);
    return v;
  };
  return {
    get server() {
      return ready(server, 'the server');
    },
    get browser() {
      return ready(browser, 'the browser');
    },
    get page() {
      return ready(page, 'the page');
    },
    get watch() {
      return ready(watch, 'the console watch');
    },
  };
}

/** Serve the fake Office host (`script`) in place of Office.js; anything else off the server's origin is refused. */
export async function routeOffice(page: Page, base: string, script = fakeOfficeScript()): Promise<void> {
  await page.route(OFFICE_JS_URL, (route) => route.fulfill({ status: 200, contentType: 'application/javascript; charset=utf-8', body: script }));
  await page.route((url) => !url.href.startsWith(base) && !OFFICE_JS_URL.test(url.href), (route) => route.abort('blockedbyclient'));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForTimeout(350); // let the progress bar's width transition (0.2 s) finish
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
