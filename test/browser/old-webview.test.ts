/**
 * When the web view cannot run the pane, the chair is told so at once, in Russian, with the way out
 * (the upload page) — never a blank pane or «Загрузка…» for 20 s. addin/ui/boot.js (ES3, loaded
 * before the bundle) does it; these tests break the bundle or the engine on purpose, in the built
 * production pane from dist/. (That the bundle itself is ES5 is test/es5-bundles.test.ts.)
 */
import { browserSuite, chromiumOrSkip, routeOffice, screenshot } from './harness';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const BUNDLE = /\/taskpane\.[0-9a-f]{8}\.js$/;

describeBrowser('the pane in a web view that cannot run it', () => {
  const s = browserSuite(chromium!, { preparePage: (page, base) => routeOffice(page, base) });

  const bootMessage = async () => {
    // Well before the 20 s of the style sheet's last-resort message: this one is a real element.
    await s.page.locator('[data-test=boot-fatal]').waitFor({ timeout: 10_000 });
    const text = (await s.page.textContent('[data-test=boot-fatal]')) ?? '';
    const link = await s.page.getAttribute('[data-test=boot-upload-link]', 'href');
    expect(link).toBe(`${s.server.base}/upload.html`);
    expect(text).toContain('страницу загрузки');
    return text;
  };

  it('the bundle does not load (a proxy blocks it): the message comes when the page has loaded', async () => {
    await s.page.route(BUNDLE, (route) => route.fulfill({ status: 404, body: '' }));
    s.watch.expectHttpError(404, BUNDLE);
    await s.page.goto(`${s.server.base}/taskpane.html`);
    expect(await bootMessage()).toContain('Программа панели не загрузилась');
    await screenshot(s.page, 'w-01-bundle-not-loaded');
  });

  it('the bundle cannot be parsed by this engine: the message comes from the error', async () => {
    await s.page.route(BUNDLE, (route) => route.fulfill({ status: 200, contentType: 'application/javascript', body: 'var x = ;' }));
    await s.page.goto(`${s.server.base}/taskpane.html`);
    expect(await bootMessage()).toContain('не запустилась');
    // The syntax error is the point of this test, not a fault of the page.
    expect(s.watch.errors.splice(0)).toEqual([expect.stringMatching(/page error: Unexpected token/)]);
  });

  it('an engine without what the pane needs (an old document mode): told at once, and the bundle stays out', async () => {
    await s.page.addInitScript(() => {
      Object.defineProperty(window, 'XMLHttpRequest', { value: undefined, configurable: true });
    });
    await s.page.goto(`${s.server.base}/taskpane.html`);
    expect(await bootMessage()).toContain('слишком старый (нет XMLHttpRequest)');
    expect(await s.page.locator('[data-test=boot-fatal]').count()).toBe(1);
    expect(await s.page.locator('[data-view]').count()).toBe(0);
  });

  it('a working web view never sees the message', async () => {
    await s.page.goto(`${s.server.base}/taskpane.html`);
    await s.page.locator('[data-test=login]').waitFor();
    expect(await s.page.locator('[data-test=boot-fatal]').count()).toBe(0);
  });
});
