/**
 * «Перевод в другую ППО» on the «Члены» tab: the chair finds the receiving primary organisation by
 * name and asks to transfer the members of the selected rows; the member stays here until the
 * receiving chair accepts. «Переводы» lists what waits: incoming ones are accepted or rejected,
 * outgoing ones may be cancelled. A member missing from the sheet is never transferred by that.
 */
import { formatDateRu } from '../../../domain/dates';
import { isApiError } from '../../api/errors';
import { decideTransfer, findPrimaryOrganisations, foundDetails, listTransfers, type FoundOrganisation, type TransferView } from '../../api/transfers';
import { Activity } from '../activity';
import { button, notice, section, textField } from '../components';
import { formatCount, membersWord } from '../format';
import { memberLabel, nothingSelected, readSelection, requestTransfers, selectionScope, writeBack, type ActionDeps, type Selection } from '../member-actions';
import { peopleList } from '../ui-kit';
import type { Shell } from '../view';

const personOf = (t: TransferView) => [t.member.surname, t.member.name, t.member.patronymic].filter(Boolean).join(' ');

/** «Оформлен перевод в «ППО …» — ждёт решения этой ППО» */
export function transferRequestedText(to: string): string {
  return `Оформлен перевод в «${to}» — ждёт решения этой ППО`;
}

export function transfersSection(app: Shell, orgId: number): HTMLElement {
  const d = app.dom;
  const deps: ActionDeps = { api: app.api, excel: (op) => app.excel(op), caps: app.caps };
  const activityEl = d.h('div', { attrs: { 'data-test': 'transfer-activity' } });
  const activity = new Activity(app, activityEl);
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'transfer-results', 'aria-live': 'polite' } });
  const found = d.h('ul', { class: 'list', attrs: { 'data-test': 'transfer-found' } });
  const chosenEl = d.h('p', { class: 'small', attrs: { 'data-test': 'transfer-target' } });
  const search = textField(d, 'Куда: название первичной организации', { autocomplete: 'off', test: 'transfer-search', hint: 'Например, «гимназия 2» или «детский сад 5»' });
  let target: FoundOrganisation | null = null;

  const choose = (o: FoundOrganisation) => {
    target = o;
    d.set(found);
    const details = foundDetails(o);
    d.set(chosenEl, d.h('strong', { text: `Куда: ${o.name}` }), details ? ` (${details})` : '');
  };

  const onFind = () =>
    void activity.run('Поиск организации', async (r) => {
      const q = search.value().trim();
      search.setError(q.replace(/\s/g, '').length < 3 ? 'Введите не меньше трёх букв или цифр названия.' : null);
      if (q.replace(/\s/g, '').length < 3) return;
      r.indeterminate('Ищем…');
      const list = (await findPrimaryOrganisations(app.api, q)).filter((o) => o.id !== orgId);
      d.set(
        found,
        list.length
          ? list.map((o) =>
              d.h(
                'li',
                { class: 'list-item', attrs: { 'data-test': `found-${o.id}` } },
                d.h('div', { class: 'list-main' }, d.h('strong', { text: o.name }), d.h('span', { class: 'muted small', text: foundDetails(o), attrs: { 'data-test': 'found-details' } })),
                d.h('div', { class: 'list-actions' }, button(d, 'Выбрать', () => choose(o), { subtle: true, test: 'choose-target', ariaLabel: `Выбрать: ${o.name}`, action: false })),
              ),
            )
          : [d.h('li', { class: 'muted small', text: 'Ничего не найдено. Проверьте название или введите его короче — например, только номер и вид учреждения.', attrs: { 'data-test': 'transfer-none' } })],
      );
    });

  const run = (sel: Selection, to: FoundOrganisation) =>
    void activity.run('Перевод', async (r) => {
      d.set(out);
      const results = await requestTransfers(app.api, sel.members.map((m) => m.id), to.id, r);
      // Asked already (a second click, or «Повторить» after a lost answer): it is waiting, as wanted.
      const done = results.filter((x) => x.outcome !== 'error').map((x) => x.memberId);
      const failed = results.filter((x) => x.outcome === 'error').map((x) => ({ id: x.memberId, message: x.message ?? 'ошибка' }));
      if (done.length) await writeBack(deps, orgId, done, transferRequestedText(to.name), r);
      d.set(
        out,
        notice(
          d,
          failed.length ? 'warning' : 'success',
          `Перевод оформлен: ${membersWord(done.length)}`,
          `${failed.length ? `Не оформлен: ${formatCount(failed.length)} — причины ниже. ` : ''}Они остаются у вас на учёте, пока председатель «${to.name}» не примет перевод; отменить его можно в «Переводы».`,
          [],
          'transfer-requested',
        ),
        failed.length ? peopleList(d, failed.map((x) => ({ who: memberLabel(sel, x.id), why: x.message })), 'transfer-errors') : null,
      );
    });

  const onAsk = () =>
    void activity.run('Перевод', async (r) => {
      if (!target) {
        d.set(out, notice(d, 'warning', 'Не выбрана организация', 'Найдите по названию первичную организацию, в которую переводится человек, и нажмите «Выбрать».', [], 'transfer-no-target'));
        return;
      }
      r.indeterminate('Читаем выделенные строки…');
      const sel = await readSelection(deps);
      if (!sel.members.length) {
        d.set(out, notice(d, 'warning', 'Не выбраны строки', sel.unsent.length ? `Выделенные строки (${sel.unsent.join(', ')}) ещё не отправлены в реестр: переводить некого.` : nothingSelected(sel), [], 'transfer-nothing'));
        return;
      }
      const to = target;
      d.set(
        out,
        notice(
          d,
          'warning',
          `Перевести в «${to.name}»: ${membersWord(sel.members.length)}?`,
          `${sel.members.slice(0, 5).map((m) => m.name).join(', ')}${sel.members.length > 5 ? ` и ещё ${formatCount(sel.members.length - 5)}` : ''}. Перевод состоится, когда его примет председатель той организации.${sel.hidden ? ` ${selectionScope(sel)}` : ''}`,
          [
            { label: `Оформить перевод (${formatCount(sel.members.length)})`, primary: true, onClick: () => run(sel, to), test: 'confirm-transfer' },
            { label: 'Не надо', onClick: () => d.set(out), test: 'cancel-transfer-request' },
          ],
          'transfer-confirm',
        ),
      );
    });

  // ---------------------------------------------------------------- waiting transfers
  const listOut = d.h('div', { attrs: { 'data-test': 'transfer-lists' } });
  /** One list of waiting transfers (null when empty): who, where from or to, the buttons. */
  const transferList = (test: string, list: readonly TransferView[], line: (t: TransferView) => [string, string, HTMLElement[]]) =>
    list.length
      ? d.h(
          'ul',
          { class: 'list', attrs: { 'data-test': test } },
          list.map((t) => {
            const [who, where, actions] = line(t);
            return d.h(
              'li',
              { class: 'list-item', attrs: { 'data-test': `transfer-${t.id}` } },
              d.h('div', { class: 'list-main' }, d.h('strong', { text: who }), d.h('span', { class: 'muted small', text: where })),
              d.h('div', { class: 'list-actions' }, ...actions),
            );
          }),
        )
      : null;
  const showLists = (incoming: readonly TransferView[], outgoing: readonly TransferView[]) =>
    d.set(
      listOut,
      notice(
        d,
        'info',
        incoming.length || outgoing.length ? `Ждут решения: входящих ${formatCount(incoming.length)}, исходящих ${formatCount(outgoing.length)}` : 'Переводов, ждущих решения, нет',
        null,
        [],
        'transfer-lists-summary',
      ),
      transferList('transfers-incoming', incoming, (t) => [
        `${personOf(t)}, ${formatDateRu(t.member.birthDate)}`,
        `Из «${t.from.name}»`,
        [
          button(d, 'Принять', () => decide(t, 'accept'), { primary: true, test: 'accept-transfer', ariaLabel: `Принять перевод: ${personOf(t)}` }),
          button(d, 'Отклонить', () => decide(t, 'reject'), { subtle: true, test: 'reject-transfer', ariaLabel: `Отклонить перевод: ${personOf(t)}` }),
        ],
      ]),
      transferList('transfers-outgoing', outgoing, (t) => [
        personOf(t),
        `В «${t.to.name}», ждёт решения`,
        [button(d, 'Отменить', () => decide(t, 'cancel'), { subtle: true, test: 'cancel-transfer', ariaLabel: `Отменить перевод: ${personOf(t)}` })],
      ]),
    );
  const reloadLists = async () => showLists(await listTransfers(app.api, orgId, 'incoming'), await listTransfers(app.api, orgId, 'outgoing'));
  const onLists = () =>
    void activity.run('Переводы', async (r) => {
      r.indeterminate('Загрузка переводов…');
      await reloadLists();
    });
  const DONE: Record<'accept' | 'reject' | 'cancel', string> = { accept: 'Перевод принят', reject: 'Перевод отклонён', cancel: 'Перевод отменён' };
  const decide = (t: TransferView, decision: 'accept' | 'reject' | 'cancel') =>
    void activity.run(DONE[decision], async (r) => {
      r.indeterminate('Записываем решение…');
      try {
        await decideTransfer(app.api, t.id, decision);
      } catch (e) {
        // Decided already (another click, a retried answer, the other side): the lists below say how.
        if (!isApiError(e) || e.kind !== 'conflict') throw e;
        await reloadLists();
        d.set(out, notice(d, 'warning', 'Перевод уже не ждёт решения', e.message, [], 'transfer-decided'));
        return;
      }
      await reloadLists();
      d.set(
        out,
        notice(
          d,
          'success',
          `${DONE[decision]}: ${personOf(t)}`,
          decision === 'accept' ? 'Теперь член Профсоюза на учёте в вашей организации. Нажмите «Загрузить из реестра» — строка появится на листе.' : null,
          [],
          'transfer-decision',
        ),
      );
    });

  return section(
    d,
    'Перевод в другую ППО',
    'Для выделенных строк: найдите организацию, куда переходит человек. Он остаётся у вас на учёте, пока та организация не примет перевод.',
    search.el,
    d.h('div', { class: 'actions' }, button(d, 'Найти', onFind, { test: 'transfer-find' })),
    found,
    chosenEl,
    d.h('div', { class: 'actions' }, button(d, 'Перевести выделенных', onAsk, { test: 'transfer' }), button(d, 'Переводы', onLists, { subtle: true, test: 'transfer-lists-load' })),
    activityEl,
    out,
    listOut,
  );
}
