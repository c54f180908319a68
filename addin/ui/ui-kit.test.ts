/** openLink: Office's browser window only where the host declares OpenBrowserWindowApi 1.1; else a tab. */
import { canOpenBrowserWindow, openLink } from './ui-kit';

type G = { Office?: unknown };

function page() {
  const opened: string[] = [];
  const doc = { defaultView: { open: (url: string) => (opened.push(url), {}) } } as unknown as Document;
  return { doc, opened };
}

afterEach(() => {
  delete (globalThis as G).Office;
});

test('a host that declares OpenBrowserWindowApi 1.1 opens the link in its browser window', () => {
  const calls: string[] = [];
  (globalThis as G).Office = { context: { ui: { openBrowserWindow: (u: string) => calls.push(u) }, requirements: { isSetSupported: (n: string, v: string) => n === 'OpenBrowserWindowApi' && v === '1.1' } } };
  const { doc, opened } = page();
  expect(openLink(doc, 'https://x/d/1')).toBe(true);
  expect(calls).toEqual(['https://x/d/1']);
  expect(opened).toEqual([]);
});

test('openBrowserWindow that exists without the requirement set is not called: a tab opens instead', () => {
  const calls: string[] = [];
  (globalThis as G).Office = { context: { ui: { openBrowserWindow: (u: string) => calls.push(u) }, requirements: { isSetSupported: () => false } } };
  const { doc, opened } = page();
  expect(openLink(doc, 'https://x/d/2')).toBe(true);
  expect(calls).toEqual([]);
  expect(opened).toEqual(['https://x/d/2']);
});

test('canOpenBrowserWindow: no Office, no ui, a throwing isSetSupported — all false', () => {
  expect(canOpenBrowserWindow(undefined)).toBe(false);
  expect(canOpenBrowserWindow({ requirements: { isSetSupported: () => true } })).toBe(false);
  expect(
    canOpenBrowserWindow({
      ui: { openBrowserWindow: () => undefined },
      requirements: {
        isSetSupported: () => {
          throw new Error('old host');
        },
      },
    }),
  ).toBe(false);
});
