/** The clickable list of problems: «Строка 12, «Дата рождения»: …» → Excel goes to the cell. */
import type { Dom } from './dom';
import { formatCount } from './format';

export interface IssueItem {
  title: string;
  text: string;
  kind: 'error' | 'duplicate' | 'conflict';
}

/** Lists shown at once; the rest are counted (the sheet has them all marked). */
export const ISSUES_SHOWN = 200;

export function issueList<T extends IssueItem>(dom: Dom, items: readonly T[], onPick: (item: T) => void, test = 'issues'): HTMLElement {
  const shown = items.slice(0, ISSUES_SHOWN);
  const list = dom.h(
    'ul',
    { class: 'issues', attrs: { 'data-test': test } },
    shown.map((it) =>
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
      ),
    ),
  );
  return dom.h(
    'div',
    { class: 'issues-box' },
    list,
    items.length > shown.length
      ? dom.h('p', { class: 'muted small', text: `Показаны первые ${formatCount(shown.length)} из ${formatCount(items.length)}. Все ошибки отмечены на листе красным; исправьте эти и проверьте снова.` })
      : null,
  );
}
