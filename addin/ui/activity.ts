/**
 * Runs one long operation of a view: locks the other actions, shows a progress bar while it runs,
 * and on failure a clear message with «Повторить» that runs the same work again (a push then
 * resumes with the same chunks and keys).
 */
import { isApiError } from '../api/errors';
import { describeError, serverErrorReference } from '../api/errors';
import { SheetError } from '../excel/sheet-utils';
import { notice, progressBar, type ProgressBar } from './components';
import type { Shell } from './view';

export interface Reporter {
  progress(done: number, total: number, caption: string): void;
  indeterminate(caption: string): void;
}

export interface RunOptions {
  /**
   * Offers «Остановить» under the bar while the work runs; a click calls this (the work then stops at
   * its next safe point — a push after the chunk in flight — and reports what was done).
   */
  onStop?: () => void;
}

/**
 * Brings an element that just appeared into the pane's view (the pane's one scroll area): nothing
 * when it is already fully visible; otherwise its top to the top, so a long result starts on screen.
 */
export function reveal(el: Element | null): void {
  if (!el || !el.firstChild || typeof el.getBoundingClientRect !== 'function') return;
  const view = el.ownerDocument?.defaultView;
  const r = el.getBoundingClientRect();
  const h = view?.innerHeight ?? 0;
  if (h > 0 && r.top >= 0 && r.bottom <= h) return;
  el.scrollIntoView?.({ block: r.height > h ? 'start' : 'nearest' });
}

export class Activity {
  private bar: ProgressBar | null = null;

  constructor(
    private readonly app: Shell,
    /** Where the progress bar and the failure message appear. */
    readonly el: HTMLElement,
  ) {
    el.classList.add('activity');
    el.setAttribute('aria-live', 'polite');
  }

  clear(): void {
    this.app.dom.set(this.el);
    this.bar = null;
  }

  /**
   * Runs `work`; resolves true when it finished. Failures are shown here and never thrown.
   * `label` names the operation on the progress bar («Отправка в реестр»).
   */
  async run(label: string, work: (r: Reporter) => Promise<void>, opts: RunOptions = {}): Promise<boolean> {
    if (this.app.busy) return false;
    const dom = this.app.dom;
    this.clear();
    this.bar = progressBar(dom, label);
    this.bar.indeterminate('Подождите…');
    let stopping = false;
    // not a [data-action] button: it stays clickable while the pane is busy
    const stop = opts.onStop
      ? dom.h('button', {
          type: 'button',
          class: 'btn btn-small progress-stop',
          text: 'Остановить',
          attrs: { 'data-test': 'stop' },
          onclick: () => {
            if (stopping) return;
            stopping = true;
            stop!.disabled = true;
            stop!.textContent = 'Останавливаем после текущей части…';
            opts.onStop!();
          },
        })
      : null;
    dom.set(this.el, this.bar.el, stop);
    reveal(this.el);
    this.app.setBusy(true);
    const bar = this.bar;
    const reporter: Reporter = {
      progress: (d, t, c) => bar.set(d, t, c),
      indeterminate: (c) => bar.indeterminate(c),
    };
    try {
      await work(reporter);
      this.clear();
      // what the work showed (the view's results, right after this element) comes into view
      reveal(this.el.nextElementSibling);
      return true;
    } catch (e) {
      this.showFailure(label, e, () => void this.run(label, work, opts));
      return false;
    } finally {
      this.app.setBusy(false);
    }
  }

  /** The message for a failure, with «Повторить» where trying again can help. */
  showFailure(label: string, e: unknown, retry: () => void): void {
    const dom = this.app.dom;
    this.bar = null;
    const handled = this.app.handleGlobalError(e);
    if (isApiError(e)) {
      if (e.kind === 'session_expired') {
        const remembered = this.app.api.remembered;
        const text = remembered
          ? 'Нажмите «Повторить»: панель входит снова по запомненному входу (если она попросит пароль — сначала войдите). Лист Excel и уже отправленные строки на месте.'
          : 'Войдите снова, затем нажмите «Повторить» — лист Excel и уже отправленные строки на месте.';
        dom.set(this.el, notice(dom, 'warning', 'Сеанс истёк', text, [{ label: 'Повторить', onClick: retry, primary: true, test: 'retry' }], 'failure'));
        return;
      }
      if (handled) {
        this.clear();
        return;
      }
      const canRetry = e.retryable;
      const ref = serverErrorReference(e);
      dom.set(
        this.el,
        notice(
          dom,
          canRetry ? 'error' : 'warning',
          `${label}: не выполнено`,
          ref ? dom.h('div', {}, dom.h('p', { class: 'notice-text', text: e.detail }), dom.h('p', { class: 'notice-text notice-ref', text: ref, attrs: { 'data-test': 'error-reference' } })) : e.detail,
          canRetry ? [{ label: 'Повторить', onClick: retry, primary: true, test: 'retry' }] : [],
          'failure',
        ),
      );
      this.el.scrollIntoView?.({ block: 'nearest' });
      return;
    }
    // A problem with the sheet itself (no table, a name taken) needs the chair's action, not a retry.
    const sheetProblem = e instanceof SheetError;
    dom.set(
      this.el,
      notice(dom, sheetProblem ? 'warning' : 'error', `${label}: не выполнено`, describeError(e), sheetProblem ? [] : [{ label: 'Повторить', onClick: retry, primary: true, test: 'retry' }], 'failure'),
    );
  }
}
