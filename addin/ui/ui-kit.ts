/**
 * Small pieces the «Согласия», «ЭПБ» and «Ход внедрения» views share: a few styles of their own
 * (added to the pane's document once, when such a view is first shown — taskpane.css stays as it
 * is), checkboxes, status labels, lists of people with reasons, and opening a download link.
 */
import type { DocumentLink } from '../api/documents';
import { notice } from './components';
import type { Dom } from './dom';
import { formatCount } from './format';

const STYLE_ID = 'ux-extra-styles';

const CSS = `
.ux-fieldset { border: 0; margin: 0 0 10px; padding: 0; min-width: 0; }
.ux-fieldset legend { font-weight: 600; padding: 0; margin-bottom: 4px; }
.ux-check { display: flex; align-items: flex-start; gap: 8px; padding: 3px 0; cursor: pointer; }
.ux-check input { margin: 3px 0 0; width: 16px; height: 16px; flex: 0 0 auto; }
.ux-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; margin-bottom: 10px; }
.ux-grid .field-label { font-weight: 400; color: var(--text-2); font-size: 13px; }
.ux-pill { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 13px; line-height: 18px; font-weight: 600; white-space: nowrap; background: #f0f0f0; color: var(--text-2); }
.ux-pill-done { background: var(--success-bg); color: var(--success); border: 1px solid var(--success-border); }
.ux-pill-next { background: var(--info-bg); color: var(--brand); border: 1px solid var(--info-border); }
.ux-pill-late { background: var(--error-bg); color: var(--error); border: 1px solid var(--error-border); }
.ux-people { list-style: none; margin: 8px 0 0; padding: 0; background: var(--card); border: 1px solid var(--border-soft); border-radius: var(--radius); }
.ux-people li { padding: 6px 10px; }
.ux-people li + li { border-top: 1px solid var(--border-soft); }
.ux-people .ux-who { display: block; font-weight: 600; overflow-wrap: anywhere; }
.ux-people .ux-why { display: block; color: var(--text-2); font-size: 13px; overflow-wrap: anywhere; }
.ux-more { margin-top: 6px; }
.ux-step { display: block; }
.ux-step-head { display: flex; gap: 8px; align-items: baseline; justify-content: space-between; }
.ux-step-title { font-weight: 600; }
.ux-step-no { color: var(--text-2); margin-right: 4px; }
.ux-step .ux-meta { color: var(--text-2); font-size: 13px; margin-top: 2px; }
.ux-step .help-steps { margin: 8px 0 0; font-size: 13px; }
.ux-step details summary { cursor: pointer; color: var(--brand); font-size: 13px; margin-top: 6px; }
.ux-step .actions { margin-top: 8px; }
.ux-step.is-late { border-left: 3px solid var(--error); }
.ux-step.is-next { border-left: 3px solid var(--brand); }
.ux-step.is-done { border-left: 3px solid var(--success); }
.ux-bar { height: 6px; border-radius: 3px; background: #e0e0e0; overflow: hidden; margin-top: 6px; }
.ux-bar > span { display: block; height: 100%; background: var(--brand); }
.ux-bar.is-done > span { background: var(--success); }
.ux-bar.is-late > span { background: var(--error); }
.ux-orgs .list-item { align-items: flex-start; }
.ux-figures { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 12px; margin: 8px 0 0; font-size: 13px; }
.ux-figures dt { color: var(--text-2); }
.ux-figures dd { margin: 0; text-align: right; font-weight: 600; }
.ux-figures dd.is-late { color: var(--error); }
.ux-figures dd.is-done { color: var(--success); }
.ux-view .card > .activity, .ux-view .card > .results, .ux-view .card > .field, .ux-view .card > .list, .ux-view .card > div > .help-topic { margin-top: 10px; }
.ux-view .card > .list:empty { margin-top: 0; }
@media (max-width: 360px) { .ux-grid { grid-template-columns: 1fr; } }
`;

/** Adds the views' styles to the pane's document (once) and marks `root` as one of these views. */
export function ensureStyles(doc: Document, root?: HTMLElement): void {
  root?.classList.add('ux-view');
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = CSS;
  doc.head.appendChild(style);
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
  const office = (globalThis as { Office?: { context?: OfficeContextLike } }).Office;
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
