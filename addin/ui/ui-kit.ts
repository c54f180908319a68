/**
 * Small pieces the «Согласия», «ЭПБ» and «Ход внедрения» views share: a few styles of their own
 * (added to the pane's document once, when such a view is first shown — taskpane.css stays as it
 * is), checkboxes, status labels, lists of people with reasons, and opening a download link.
 */
import type { DocumentLink } from '../api/documents';
import { notice } from './components';
import type { Dom } from './dom';
import { formatCount } from './format';


/**
 * Marks `root` as one of these views. Their styles (`.ux-…`) are in addin/ui/taskpane.css, which the
 * build gives fallbacks for old web views; none are injected from script.
 */
export function ensureStyles(_doc: Document, root?: HTMLElement): void {
  root?.classList.add('ux-view');
}

export interface CheckHandle {
  el: HTMLElement;
  input: HTMLInputElement;
  checked(): boolean;
}

export function checkbox(dom: Dom, label: string, opts: { checked?: boolean; test?: string; hint?: string } = {}): CheckHandle {
  const input = dom.h('input', { type: 'checkbox', attrs: { 'data-test': opts.test } });
  input.checked = Boolean(opts.checked);
  const el = dom.h('label', { class: 'ux-check' }, input, dom.h('span', {}, label, opts.hint ? dom.h('span', { class: 'muted small', text: ` ${opts.hint}` }) : null));
  return { el, input, checked: () => input.checked };
}

export function radios(dom: Dom, name: string, legend: string, options: { value: string; label: string }[], value: string, test?: string): { el: HTMLElement; value(): string } {
  const inputs = options.map((o) => {
    const input = dom.h('input', { type: 'radio', name, value: o.value, attrs: { 'data-test': test ? `${test}-${o.value}` : undefined } });
    input.checked = o.value === value;
    return { input, el: dom.h('label', { class: 'ux-check' }, input, dom.h('span', { text: o.label })) };
  });
  return {
    el: dom.h('fieldset', { class: 'ux-fieldset' }, dom.h('legend', { text: legend }), inputs.map((i) => i.el)),
    value: () => inputs.find((i) => i.input.checked)?.input.value ?? value,
  };
}

export function pill(dom: Dom, kind: 'done' | 'next' | 'late' | 'later', text: string): HTMLElement {
  return dom.h('span', { class: `ux-pill ux-pill-${kind}`, text });
}

/** People shown at once in a list with reasons; the rest are counted. */
export const PEOPLE_SHOWN = 100;

/** «Строка 5, Петрова Анна» + why, one line each. */
export function peopleList(dom: Dom, items: readonly { who: string; why: string }[], test: string): HTMLElement {
  const shown = items.slice(0, PEOPLE_SHOWN);
  return dom.h(
    'div',
    {},
    dom.h('ul', { class: 'ux-people', attrs: { 'data-test': test } }, shown.map((i) => dom.h('li', { attrs: { 'data-test': 'person' } }, dom.h('span', { class: 'ux-who', text: i.who }), dom.h('span', { class: 'ux-why', text: i.why })))),
    items.length > shown.length ? dom.h('p', { class: 'muted small ux-more', text: `Показаны первые ${formatCount(shown.length)} из ${formatCount(items.length)}.` }) : null,
  );
}

interface OfficeUi {
  openBrowserWindow?: (url: string) => void;
}

interface OfficeContextLike {
  ui?: OfficeUi;
  requirements?: { isSetSupported?: (name: string, minVersion?: string) => boolean };
}

/**
 * `Office.context.ui.openBrowserWindow` may be called only where the host declares the
 * OpenBrowserWindowApi 1.1 requirement set (Microsoft's docs: «Office.context.requirements
 * .isSetSupported('OpenBrowserWindowApi', '1.1')»); a function that merely exists is not enough —
 * some hosts expose it and then fail or do nothing.
 */
export function canOpenBrowserWindow(context: OfficeContextLike | undefined): boolean {
  if (!context || typeof context.ui?.openBrowserWindow !== 'function') return false;
  try {
    return context.requirements?.isSetSupported?.('OpenBrowserWindowApi', '1.1') === true;
  } catch {
    return false;
  }
}

/**
 * Opens a single-use download link in the browser: Office's own window where Excel offers it
 * (desktop Excel), otherwise a new tab (Excel on the web). Returns false when nothing opened.
 */
export function openLink(doc: Document, url: string): boolean {
  const office = typeof Office !== 'undefined' ? (Office as unknown as { context?: OfficeContextLike }) : undefined;
  const ui = office?.context?.ui;
  if (ui?.openBrowserWindow && canOpenBrowserWindow(office?.context)) {
    try {
      ui.openBrowserWindow(url);
      return true;
    } catch {
      /* fall back to a tab */
    }
  }
  const w = doc.defaultView?.open(url, '_blank');
  if (!w) return false;
  try {
    w.opener = null;
  } catch {
    /* cross-origin */
  }
  return true;
}

/**
 * Opens the link and says what happened: «Файл открыт…», or, when the browser refused to open a
 * window, an «Открыть файл» button that opens the same link (still unused) by the chair's own click.
 * `again` names the button that makes a new file if this one is lost; null where pressing it again
 * would do more than print (a login letter: a new password).
 */
export function openAndTell(dom: Dom, link: DocumentLink, what: string, again: string | null, test: string): HTMLElement {
  const opened = openLink(dom.doc, link.downloadUrl);
  const until = new Date(link.expiresAt).toLocaleTimeString('ru-RU', { hour: '2-digit', minute: '2-digit' });
  const lost = again ? `; если файл не скачался — нажмите «${again}» ещё раз` : '';
  return opened
    ? notice(dom, 'success', `${what}: файл открыт в браузере`, `Сохраните или распечатайте его из браузера. Ссылка одноразовая и действует до ${until}${lost}.`, [], test)
    : notice(
        dom,
        'warning',
        `${what}: браузер не открыл окно`,
        `Нажмите «Открыть файл»: ссылка одноразовая и действует до ${until}. Если окно снова не откроется, разрешите всплывающие окна для этой надстройки.`,
        [{ label: 'Открыть файл', primary: true, onClick: () => void openLink(dom.doc, link.downloadUrl), test: `${test}-open` }],
        test,
      );
}
