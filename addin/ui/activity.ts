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
  async run(label: string, work: (r: Reporter) => Promise<void>): Promise<boolean> {
    if (this.app.busy) return false;
    const dom = this.app.dom;
    this.clear();
    this.bar = progressBar(dom, label);
    this.bar.indeterminate('Подождите…');
    dom.set(this.el, this.bar.el);
    this.app.setBusy(true);
    const bar = this.bar;
    const reporter: Reporter = {
      progress: (d, t, c) => bar.set(d, t, c),
      indeterminate: (c) => bar.indeterminate(c),
    };
    try {
      await work(reporter);
      this.clear();
      return true;
    } catch (e) {
      this.showFailure(label, e, () => void this.run(label, work));
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
        dom.set(this.el, notice(dom, 'warning', 'Сеанс истёк', 'Войдите снова, затем нажмите «Повторить» — лист Excel и уже отправленные строки на месте.', [{ label: 'Повторить', onClick: retry, primary: true, test: 'retry' }], 'failure'));
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
