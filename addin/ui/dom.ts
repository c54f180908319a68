/**
 * A tiny DOM builder for the task pane (no framework: the pane must open fast on old PCs and slow
 * links). Elements are made from the document the pane was given, never from a global at load time.
 */

type Child = Node | string | number | null | undefined | false | Child[];

export interface Attrs {
  class?: string;
  id?: string;
  text?: string;
  title?: string;
  role?: string;
  type?: string;
  name?: string;
  value?: string;
  for?: string;
  href?: string;
  disabled?: boolean;
  hidden?: boolean;
  autocomplete?: string;
  placeholder?: string;
  tabindex?: number;
  /** aria-* and data-* attributes, e.g. { 'aria-live': 'polite', 'data-test': 'x' }. */
  attrs?: Record<string, string | number | boolean | null | undefined>;
  onclick?: (ev: MouseEvent) => void;
  onsubmit?: (ev: SubmitEvent) => void;
  oninput?: (ev: Event) => void;
  onchange?: (ev: Event) => void;
  onkeydown?: (ev: KeyboardEvent) => void;
}

export class Dom {
  constructor(readonly doc: Document) {}

  h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
    const el = this.doc.createElement(tag);
    if (attrs.class) el.className = attrs.class;
    if (attrs.id) el.id = attrs.id;
    if (attrs.title) el.title = attrs.title;
    if (attrs.role) el.setAttribute('role', attrs.role);
    if (attrs.type) el.setAttribute('type', attrs.type);
    if (attrs.name) el.setAttribute('name', attrs.name);
    if (attrs.for) el.setAttribute('for', attrs.for);
    if (attrs.href) el.setAttribute('href', attrs.href);
    if (attrs.autocomplete) el.setAttribute('autocomplete', attrs.autocomplete);
    if (attrs.placeholder) el.setAttribute('placeholder', attrs.placeholder);
    if (attrs.tabindex !== undefined) el.tabIndex = attrs.tabindex;
    if (attrs.value !== undefined) (el as HTMLInputElement).value = attrs.value;
    if (attrs.disabled) (el as HTMLButtonElement).disabled = true;
    if (attrs.hidden) el.hidden = true;
    for (const [k, v] of Object.entries(attrs.attrs ?? {})) {
      if (v === null || v === undefined || v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
    if (attrs.onclick) el.addEventListener('click', attrs.onclick as EventListener);
    if (attrs.onsubmit) el.addEventListener('submit', attrs.onsubmit as EventListener);
    if (attrs.oninput) el.addEventListener('input', attrs.oninput);
    if (attrs.onchange) el.addEventListener('change', attrs.onchange);
    if (attrs.onkeydown) el.addEventListener('keydown', attrs.onkeydown as EventListener);
    if (attrs.text !== undefined) el.textContent = attrs.text;
    this.append(el, children);
    return el;
  }

  append(parent: Node, children: Child[]): void {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) this.append(parent, c);
      else if (typeof c === 'string' || typeof c === 'number') parent.appendChild(this.doc.createTextNode(String(c)));
      else parent.appendChild(c);
    }
  }

  /** Replaces the content of `el`. */
  set(el: Element, ...children: Child[]): void {
    while (el.firstChild) el.removeChild(el.firstChild);
    this.append(el, children);
  }

  /** A unique id for label/aria links. */
  uid(prefix: string): string {
    Dom.counter++;
    return `${prefix}-${Dom.counter}`;
  }

  private static counter = 0;
}

/**
 * The bytes of a chosen file. Blob#arrayBuffer() is missing from Internet Explorer 11 and EdgeHTML 18
 * (the web views of Office 2016/2019); FileReader is everywhere.
 */
export function fileBytes(file: Blob): Promise<ArrayBuffer> {
  const modern = (file as Blob & { arrayBuffer?: () => Promise<ArrayBuffer> }).arrayBuffer;
  if (typeof modern === 'function') return modern.call(file);
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error ?? new Error('Не удалось прочитать файл.'));
    reader.readAsArrayBuffer(file);
  });
}
