/** The clickable list of problems: «Строка 12, «Дата рождения»: …» → Excel goes to the cell. */
import type { Dom } from './dom';
import { formatCount } from './format';

export interface IssueItem {
  title: string;
  text: string;
  kind: 'error' | 'duplicate' | 'conflict';
}

/** Lines shown at once; «Показать ещё» adds as many again, so the whole list is in the pane. */
export const ISSUES_SHOWN = 200;

export interface IssueListOptions {
  test?: string;
  /** «Весь список — на лист «Ошибки проверки»»: the report for printing or sending on. */
  onReport?: () => void;
}

export function issueList<T extends IssueItem>(dom: Dom, items: readonly T[], onPick: (item: T) => void, testOrOpts: string | IssueListOptions = 'issues'): HTMLElement {
  const opts: IssueListOptions = typeof testOrOpts === 'string' ? { test: testOrOpts } : testOrOpts;
  const line = (it: T): HTMLElement =>
    dom.h(
      'li',
      {},
      dom.h(
        'button',
        {
          type: 'button',
          class: `issue issue-${it.kind}`,
          title: 'Перейти к ячейке',
          onclick: () => onPick(it),
          attrs: { 'data-test': 'issue' },
        },
        dom.h('span', { class: 'issue-title', text: it.title }),
        dom.h('span', { class: 'issue-text', text: it.text }),
      ),
    );
  let shown = Math.min(items.length, ISSUES_SHOWN);
  const list = dom.h('ul', { class: 'issues', attrs: { 'data-test': opts.test ?? 'issues' } }, items.slice(0, shown).map(line));
  const status = dom.h('span', {});
  const more = dom.h('button', { type: 'button', class: 'btn btn-small', attrs: { 'data-test': 'issues-more' } });
  const foot = dom.h('div', { class: 'issues-foot' }, status, more);
  const refresh = (): void => {
    status.textContent = items.length > shown ? `Показаны первые ${formatCount(shown)} из ${formatCount(items.length)}.` : `Всего: ${formatCount(items.length)}.`;
    more.textContent = `Показать ещё ${formatCount(Math.min(ISSUES_SHOWN, items.length - shown))}`;
    more.style.display = items.length > shown ? '' : 'none';
  };
  more.onclick = () => {
    const next = items.slice(shown, shown + ISSUES_SHOWN);
    for (const it of next) list.appendChild(line(it));
    shown += next.length;
    refresh();
  };
  refresh();
  const report = opts.onReport
    ? dom.h('button', { type: 'button', class: 'btn btn-small', text: 'Весь список — на лист «Ошибки проверки»', onclick: opts.onReport, attrs: { 'data-test': 'issues-report' } })
    : null;
  if (report) foot.appendChild(report);
  return dom.h('div', { class: 'issues-box' }, list, items.length > ISSUES_SHOWN || report ? foot : null);
}
