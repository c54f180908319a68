/**
 * «Снять с учёта» for the rows selected on the member sheet (dismissal, graduation, leaving the union):
 * the reason from the register's list, the date, a comment; asked once more before anything is
 * written, since the register blocks the members' cards. Deleting a row from the sheet never
 * deregisters anybody — this is the one way. Afterwards the rows say so in «Результат» and get the
 * register's card status and version; the chair may delete them from the sheet.
 */
import { formatDateRu } from '../../../domain/dates';
import { DEREGISTRATION_REASONS, type Option } from '../../../domain/members/codes';
import { Activity } from '../activity';
import { button, notice, section, selectField, textField } from '../components';
import { formatCount, membersWord } from '../format';
import { deregisterMembers, memberLabel, nothingSelected, readSelection, selectionScope, writeBack, type ActionDeps, type Selection } from '../member-actions';
import { peopleList } from '../ui-kit';
import type { Shell } from '../view';

/** «Снят(а) с учёта 20.11.2026: Увольнение с работы — строку можно удалить с листа» */
export function deregisteredText(date: string, reasonLabel: string): string {
  return `Снят(а) с учёта ${formatDateRu(date)}: ${reasonLabel} — строку можно удалить с листа`;
}

export function deregisterSection(app: Shell, orgId: number): HTMLElement {
  const d = app.dom;
  const deps: ActionDeps = { api: app.api, excel: (op) => app.excel(op), caps: app.caps };
  const activityEl = d.h('div', { attrs: { 'data-test': 'deregister-activity' } });
  const activity = new Activity(app, activityEl);
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'deregister-results', 'aria-live': 'polite' } });
  let reasons: readonly Option<string>[] = DEREGISTRATION_REASONS;
  const reason = selectField(d, 'Причина', reasons.map((r) => ({ value: r.code, label: r.label })), { test: 'deregister-reason' });
  const date = textField(d, 'Дата снятия с учёта', { type: 'date', value: app.today(), test: 'deregister-date' });
  const comment = textField(d, 'Комментарий (необязательно)', { autocomplete: 'off', test: 'deregister-comment', hint: 'Например, номер приказа' });

  // The register may have more reasons than the built-in ones (configured by the union).
  void app.api
    .request<Option<string>[]>('/deregistration-reasons')
    .then((list) => {
      if (!list.length) return;
      reasons = list;
      const chosen = reason.value();
      d.set(reason.input, list.map((r) => d.h('option', { value: r.code, text: r.label })));
      if (list.some((r) => r.code === chosen)) reason.input.value = chosen;
    })
    .catch(() => undefined);

  const run = (sel: Selection, input: { date: string; reason: string; comment: string }) =>
    void activity.run('Снятие с учёта', async (r) => {
      d.set(out);
      const ids = sel.members.map((m) => m.id);
      const results = await deregisterMembers(app.api, ids, input, r);
      const label = reasons.find((x) => x.code === input.reason)?.label ?? input.reason;
      const done = results.filter((x) => x.outcome !== 'error').map((x) => x.memberId);
      const failed = results.filter((x) => x.outcome === 'error');
      if (done.length) await writeBack(deps, orgId, done, deregisteredText(input.date, label), r);
      d.set(
        out,
        notice(
          d,
          failed.length ? 'warning' : 'success',
          `Снято с учёта: ${membersWord(done.length)}`,
          `${failed.length ? `Не снято: ${formatCount(failed.length)} — причины ниже. ` : ''}Их карты ЭПБ заблокированы. В столбце «Результат» эти строки отмечены; удалите их с листа — повторная отправка их не вернёт.`,
          [],
          'deregistered',
        ),
        failed.length ? peopleList(d, failed.map((x) => ({ who: memberLabel(sel, x.memberId), why: x.message ?? 'ошибка' })), 'deregister-errors') : null,
      );
    });

  const onAsk = () =>
    void activity.run('Снятие с учёта', async (r) => {
      const day = date.value().trim();
      const dateProblem = !/^\d{4}-\d{2}-\d{2}$/.test(day) ? 'Укажите дату снятия с учёта.' : day > app.today() ? 'Дата снятия с учёта ещё не наступила — проверьте её.' : null;
      date.setError(dateProblem);
      if (dateProblem) return;
      r.indeterminate('Читаем выделенные строки…');
      const sel = await readSelection(deps);
      if (!sel.members.length) {
        d.set(out, notice(d, 'warning', 'Не выбраны строки', sel.unsent.length ? `Выделенные строки (${sel.unsent.join(', ')}) ещё не отправлены в реестр: их нет на учёте — просто удалите их с листа.` : nothingSelected(sel), [], 'deregister-nothing'));
        return;
      }
      const input = { date: day, reason: reason.value(), comment: comment.value().replace(/\s+/g, ' ').trim() };
      const label = reasons.find((x) => x.code === input.reason)?.label ?? input.reason;
      const names = sel.members.slice(0, 5).map((m) => m.name).join(', ') + (sel.members.length > 5 ? ` и ещё ${formatCount(sel.members.length - 5)}` : '');
      d.set(
        out,
        notice(
          d,
          'warning',
          `Снять с учёта: ${membersWord(sel.members.length)}?`,
          `${names}. Причина: ${label}, дата ${formatDateRu(day)}. Их карты ЭПБ будут заблокированы; вернуть на учёт можно только новой постановкой.${sel.hidden ? ` ${selectionScope(sel)}` : ''}`,
          [
            { label: `Снять с учёта (${formatCount(sel.members.length)})`, primary: true, onClick: () => run(sel, input), test: 'confirm-deregister' },
            { label: 'Не надо', onClick: () => d.set(out), test: 'cancel-deregister' },
          ],
          'deregister-confirm',
        ),
      );
    });

  return section(
    d,
    'Снять с учёта',
    'Для выделенных строк: увольнение, окончание обучения, выход из Профсоюза. Удаление строки с листа человека с учёта не снимает.',
    reason.el,
    date.el,
    comment.el,
    d.h('div', { class: 'actions' }, button(d, 'Снять с учёта выделенных', onAsk, { test: 'deregister' })),
    activityEl,
    out,
  );
}
