/** Small building blocks of the pane: sections, buttons, notices, progress bars, fields. */
import type { Dom } from './dom';

export type NoticeKind = 'info' | 'success' | 'warning' | 'error';

export interface ActionSpec {
  label: string;
  onClick: () => void;
  primary?: boolean;
  /** data-test hook for the browser test. */
  test?: string;
}

export function button(
  dom: Dom,
  label: string,
  onClick: () => void,
  opts: { primary?: boolean; disabled?: boolean; test?: string; hint?: string; subtle?: boolean; action?: boolean; /** What a screen reader says when the label alone is ambiguous (a button in each row of a list). */ ariaLabel?: string } = {},
): HTMLButtonElement {
  const cls = ['btn', opts.primary ? 'btn-primary' : '', opts.subtle ? 'btn-subtle' : ''].filter(Boolean).join(' ');
  // data-action: the shell disables the button while a long operation runs.
  const b = dom.h('button', {
    type: 'button',
    class: cls,
    text: label,
    disabled: opts.disabled,
    title: opts.hint,
    attrs: { 'data-test': opts.test, 'data-action': opts.action === false ? undefined : '', 'aria-label': opts.ariaLabel },
  });
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

/** A card with a heading and an optional one-line explanation. */
export function section(dom: Dom, title: string, description: string | null, ...content: (Node | null | false)[]): HTMLElement {
  return dom.h(
    'section',
    { class: 'card' },
    dom.h('h2', { class: 'card-title', text: title }),
    description ? dom.h('p', { class: 'card-desc', text: description }) : null,
    ...content,
  );
}

/**
 * A message box. Errors are announced at once (role=alert); others politely. Actions are buttons
 * under the text, e.g. «Повторить».
 */
export function notice(dom: Dom, kind: NoticeKind, title: string | null, text: string | Node | null, actions: ActionSpec[] = [], test?: string): HTMLElement {
  const icon = { info: 'i', success: '✓', warning: '!', error: '×' }[kind];
  return dom.h(
    'div',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status', attrs: { 'data-test': test } },
    dom.h('span', { class: 'notice-icon', text: icon, attrs: { 'aria-hidden': 'true' } }),
    dom.h(
      'div',
      { class: 'notice-body' },
      title ? dom.h('strong', { class: 'notice-title', text: title }) : null,
      text === null ? null : typeof text === 'string' ? dom.h('p', { class: 'notice-text', text }) : text,
      actions.length
        ? dom.h(
            'div',
            { class: 'notice-actions' },
            actions.map((a) => button(dom, a.label, a.onClick, { primary: a.primary, test: a.test })),
          )
        : null,
    ),
  );
}

export interface ProgressBar {
  el: HTMLElement;
  /** A determinate bar: `done` of `total`, with a caption. */
  set(done: number, total: number, caption: string): void;
  /** A moving bar when the total is unknown (waiting for Excel or the server). */
  indeterminate(caption: string): void;
}

export function progressBar(dom: Dom, label: string): ProgressBar {
  const fill = dom.h('div', { class: 'progress-fill' });
  const track = dom.h('div', {
    class: 'progress-track',
    role: 'progressbar',
    attrs: { 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100 },
  }, fill);
  const caption = dom.h('div', { class: 'progress-caption', attrs: { 'aria-live': 'polite' } });
  const el = dom.h('div', { class: 'progress', attrs: { 'data-test': 'progress' } }, dom.h('div', { class: 'progress-label', text: label }), track, caption);
  return {
    el,
    set(done, total, text) {
      const pct = total > 0 ? Math.max(0, Math.min(100, Math.round((100 * done) / total))) : 0;
      track.classList.remove('is-indeterminate');
      fill.style.width = `${pct}%`;
      track.setAttribute('aria-valuenow', String(pct));
      caption.textContent = text;
    },
    indeterminate(text) {
      track.classList.add('is-indeterminate');
      fill.style.width = '';
      track.removeAttribute('aria-valuenow');
      caption.textContent = text;
    },
  };
}

export interface FieldHandle<E extends HTMLInputElement | HTMLSelectElement = HTMLInputElement> {
  el: HTMLElement;
  input: E;
  value(): string;
  setError(message: string | null): void;
}

export function textField(
  dom: Dom,
  label: string,
  opts: { type?: string; autocomplete?: string; value?: string; hint?: string; name?: string; test?: string; required?: boolean } = {},
): FieldHandle {
  const id = dom.uid('f');
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const input = dom.h('input', {
    id,
    type: opts.type ?? 'text',
    name: opts.name,
    autocomplete: opts.autocomplete,
    value: opts.value,
    class: 'input',
    attrs: { 'data-test': opts.test, 'aria-describedby': opts.hint ? hintId : undefined, required: opts.required, spellcheck: 'false' },
  });
  const err = dom.h('div', { class: 'field-error', id: errId, hidden: true, attrs: { 'aria-live': 'polite' } });
  const el = dom.h(
    'div',
    { class: 'field' },
    dom.h('label', { class: 'field-label', for: id, text: label }),
    input,
    opts.hint ? dom.h('div', { class: 'field-hint', id: hintId, text: opts.hint }) : null,
    err,
  );
  return {
    el,
    input,
    value: () => input.value,
    setError(message) {
      err.textContent = message ?? '';
      err.hidden = !message;
      if (message) {
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', [opts.hint ? hintId : '', errId].filter(Boolean).join(' '));
      } else {
        input.removeAttribute('aria-invalid');
        if (opts.hint) input.setAttribute('aria-describedby', hintId);
        else input.removeAttribute('aria-describedby');
      }
    },
  };
}

export function selectField(dom: Dom, label: string, options: { value: string; label: string }[], opts: { value?: string; test?: string } = {}): FieldHandle<HTMLSelectElement> {
  const id = dom.uid('f');
  const select = dom.h(
    'select',
    { id, class: 'input', attrs: { 'data-test': opts.test } },
    options.map((o) => dom.h('option', { value: o.value, text: o.label })),
  );
  if (opts.value !== undefined) select.value = opts.value;
  const err = dom.h('div', { class: 'field-error', hidden: true });
  return {
    el: dom.h('div', { class: 'field' }, dom.h('label', { class: 'field-label', for: id, text: label }), select, err),
    input: select,
    value: () => select.value,
    setError(message) {
      err.textContent = message ?? '';
      err.hidden = !message;
    },
  };
}

export { formatCount } from './format';
