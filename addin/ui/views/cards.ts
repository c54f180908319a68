/**
 * «ЭПБ» — electronic union cards (roadmap steps 6–7). For the rows selected on the member sheet:
 * who can get a card and why not, ordering (the order number is shown), then the reminder list
 * «получены, но не выданы» with «Отметить выданными» and the step-7 instructions from the server.
 * Territorial and regional chairs collect the submitted orders into a batch for the operator and
 * open its application and register, cancel orders not yet in a batch and apply the delivery list
 * (addin/ui/views/card-orders.ts); everyone can put the year's card budget on the «Бюджет ЭПБ»
 * sheet. Card statuses and versions of the affected rows are written back to the sheet.
 */
import { plural } from '../../../domain/cell';
import { MEMBER_SHEET_NAME } from '../../../domain/members/columns';
import { isPrimary } from '../../../domain/organisations';
import {
  cardBatchFileLink,
  cardBudgetLink,
  checkCardEligibility,
  collectCardBatch,
  getCardBudget,
  getCardsToIssue,
  issueCards,
  listCardBatches,
  listCardOrders,
  orderCards,
  type CardBatch,
  type CardBatchFile,
  type CardBudget,
  type EligibilityAnswer,
  type ToIssueAnswer,
} from '../../api/cards';
import { isApiError } from '../../api/errors';
import { newIdempotencyKey } from '../../api/ids';
import { writeBudgetSheet, BUDGET_SHEET_NAME } from '../../excel/budget-sheet';
import { Activity } from '../activity';
import { button, notice, section, selectField, textField } from '../components';
import { formatCount, membersWord, rub } from '../format';
import { memberLabel, nothingSelected, readSelection, selectionScope, writeBack, type Selection } from '../member-actions';
import { ensureStyles, openAndTell, peopleList } from '../ui-kit';
import type { Shell, ViewRender } from '../view';
import { deliverySection, ordersSection } from './card-orders';


export function cardsWord(n: number): string {
  return `${formatCount(n)} ${plural(n, ['билет', 'билета', 'билетов'])}`;
}

/** Who manages orders of child organisations (batches for the operator). */
export function isManager(app: Pick<Shell, 'me'>): boolean {
  return Boolean(app.me && app.me.role !== 'primary_chair');
}

/** The organisation whose budget and batches the view shows: a manager's own, or the chosen primary organisation. */
export function budgetOrgId(app: Pick<Shell, 'me' | 'org'>): number | null {
  if (!app.me) return null;
  if (app.me.role !== 'primary_chair') return app.me.orgId;
  return app.org?.id ?? app.me.orgId;
}

/** The server's reasons («не заполнен телефон», …) as one sentence: «Не заполнен телефон; нет согласия …». */
export function reasonsText(reasons: readonly string[]): string {
  const s = reasons.join('; ').trim();
  return s ? `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}` : 'Заказать нельзя.';
}

/** Eligibility answer → the pane's lines for those who cannot be ordered a card, with their reasons. */
export function eligibilityLines(sel: Pick<Selection, 'rowOf'>, a: EligibilityAnswer): { who: string; why: string }[] {
  return a.members.filter((m) => !m.eligible).map((m) => ({ who: memberLabel(sel, m.memberId), why: reasonsText(m.reasons) }));
}

export const render: ViewRender = (root, app) => {
  const d = app.dom;
  ensureStyles(d.doc, root);
  const deps = { api: app.api, excel: <T>(op: (c: Excel.RequestContext) => Promise<T>) => app.excel(op), caps: app.caps };
  const pd = app.personalDataAllowed;
  const pdHint = pd ? undefined : 'Откроется после отметки обязательства о неразглашении персональных данных';
  const primary = app.org && isPrimary(app.org.kind) ? app.org : null;
  const parts: (HTMLElement | null)[] = [];

  // ================================================================ steps 6–7 for the selected rows
  if (primary) {
    const orgId = primary.id;
    const eligActivityEl = d.h('div', { attrs: { 'data-test': 'eligibility-activity' } });
    const eligActivity = new Activity(app, eligActivityEl);
    const eligOut = d.h('div', { class: 'results', attrs: { 'data-test': 'eligibility-results', 'aria-live': 'polite' } });

    const selectionOrNothing = async (out: HTMLElement, test: string): Promise<Selection | null> => {
      const sel = await readSelection(deps);
      if (sel.members.length) return sel;
      d.set(out, notice(d, 'warning', 'Не выбраны строки', sel.unsent.length ? `Выделенные строки (${sel.unsent.join(', ')}) ещё не отправлены в реестр. Сначала нажмите в разделе «Члены» «Отправить в реестр».` : nothingSelected(sel), [], test));
      return null;
    };

    const onEligibility = () =>
      void eligActivity.run('Проверка: кто может получить карту', async (r) => {
        d.set(eligOut);
        r.indeterminate('Чтение выделенных строк…');
        const sel = await selectionOrNothing(eligOut, 'eligibility-nothing');
        if (!sel) return;
        r.indeterminate(`Проверка: ${membersWord(sel.members.length)}…`);
        const a = await checkCardEligibility(app.api, orgId, sel.members.map((m) => m.id));
        const lines = eligibilityLines(sel, a);
        d.set(
          eligOut,
          notice(
            d,
            a.eligible ? (a.notEligible ? 'warning' : 'success') : 'warning',
            `Можно заказать: ${formatCount(a.eligible)} из ${formatCount(a.members.length)}`,
            (a.notEligible
              ? `Нельзя заказать: ${membersWord(a.notEligible)}. Причины — ниже: дополните строки на листе «${MEMBER_SHEET_NAME}» (телефон, согласия), отправьте в реестр и проверьте снова.${a.eligible ? ' Остальным можно заказать сейчас.' : ''}`
              : 'Нажмите «Заказать ЭПБ» — заявка будет оформлена на всех выделенных видимых строках.') + (sel.hidden ? ` ${selectionScope(sel)}` : ''),
            [],
            'eligibility-result',
          ),
          lines.length ? peopleList(d, lines, 'not-eligible') : null,
        );
      });

    // ---- order: the idempotency key lives as long as one click, so «Повторить» orders nothing twice
    const orderActivityEl = d.h('div', { attrs: { 'data-test': 'order-activity' } });
    const orderActivity = new Activity(app, orderActivityEl);
    const orderOut = d.h('div', { class: 'results', attrs: { 'data-test': 'order-results', 'aria-live': 'polite' } });
    // Each card costs money: when a filter hides some of the selected rows, the chair confirms first.
    const onOrder = (confirmed: Selection | null = null) => {
      const key = newIdempotencyKey();
      let sel: Selection | null = confirmed;
      void orderActivity.run('Заказ ЭПБ', async (r) => {
        d.set(orderOut);
        r.indeterminate('Чтение выделенных строк…');
        sel ??= await selectionOrNothing(orderOut, 'order-nothing');
        if (!sel) return;
        const s = sel;
        if (!confirmed && s.hidden) {
          d.set(
            orderOut,
            notice(
              d,
              'warning',
              `Заказать ЭПБ: ${membersWord(s.members.length)}?`,
              selectionScope(s),
              [
                { label: `Заказать (${formatCount(s.members.length)})`, primary: true, onClick: () => onOrder(s), test: 'confirm-order' },
                { label: 'Не надо', onClick: () => d.set(orderOut), test: 'order-confirm-no' },
              ],
              'order-confirm',
            ),
          );
          return;
        }
        r.indeterminate(`Оформление заявки: ${membersWord(s.members.length)}…`);
        const a = await orderCards(app.api, orgId, s.members.map((m) => m.id), key);
        const ordered = a.members.filter((m) => m.outcome !== 'refused').map((m) => m.memberId);
        const report = await writeBack(deps, orgId, ordered, 'ЭПБ заказан', r);
        const refused = a.members.filter((m) => m.outcome === 'refused');
        const numbers = a.orders.map((o) => o.number);
        d.set(
          orderOut,
          a.orders.length
            ? notice(
                d,
                refused.length ? 'warning' : 'success',
                `Заявка ${numbers.join(', ')} оформлена: ${cardsWord(a.ordered + a.reissue)}`,
                `${a.reissue ? `Из них перевыпуск: ${formatCount(a.reissue)}. ` : ''}Статус ЭПБ в строках на листе — «Заказан». Заявку соберёт в партию территориальная организация.${s.hidden ? ` ${selectionScope(s)}` : ''}${refused.length ? ` Не заказаны: ${membersWord(refused.length)} — причины ниже.` : ''}${report.missing.length ? ` ${membersWord(report.missing.length)} нет на листе — загрузите лист из реестра заново.` : ''}`,
                [],
                'order-result',
              )
            : notice(d, 'warning', 'Заявка не оформлена', 'Никому из выделенных сейчас нельзя заказать билет. Причины — ниже.', [], 'order-result'),
          refused.length ? peopleList(d, refused.map((m) => ({ who: memberLabel(s, m.memberId), why: reasonsText(m.reasons) })), 'order-refused') : null,
        );
      });
    };

    parts.push(
      section(
        d,
        'Заказ билетов (шаг 6)',
        `Выделите на листе «${MEMBER_SHEET_NAME}» строки членов Профсоюза. Билет можно заказать, если даны согласия Профсоюзу и ООО «ФИНФОРТ» и указаны телефон и дата рождения. Стоимость билета закладывается в смету территориальной организации.`,
        d.h(
          'div',
          { class: 'actions' },
          button(d, 'Кто может получить карту', onEligibility, { test: 'eligibility', disabled: !pd, hint: pdHint }),
          button(d, 'Заказать ЭПБ', () => onOrder(), { primary: true, test: 'order', disabled: !pd, hint: pdHint }),
        ),
        eligActivityEl,
        eligOut,
        orderActivityEl,
        orderOut,
      ),
    );

    if (pd) parts.push(ordersSection(app, primary.id, { own: true }));

    // ---- step 7: received, not issued
    const issueActivityEl = d.h('div', { attrs: { 'data-test': 'issue-activity' } });
    const issueActivity = new Activity(app, issueActivityEl);
    const issueOut = d.h('div', { class: 'results', attrs: { 'data-test': 'issue-results', 'aria-live': 'polite' } });
    const listBox = d.h('div', { attrs: { 'data-test': 'to-issue' } });
    const issueDate = textField(d, 'Дата выдачи', { type: 'date', value: app.today(), test: 'issue-date' });
    let toIssue: ToIssueAnswer | null = null;

    const showToIssue = (a: ToIssueAnswer) => {
      toIssue = a;
      d.set(
        listBox,
        d.h(
          'details',
          { class: 'help-topic', attrs: { 'data-test': 'issue-help' } },
          d.h('summary', { text: a.help.title }),
          d.h('ol', { class: 'help-steps' }, a.help.steps.map((s) => d.h('li', { text: s }))),
        ),
        a.total
          ? [
              d.h('p', { class: 'muted', text: `Получены, но не выданы: ${membersWord(a.total)}${a.truncated ? ` (показаны первые ${formatCount(a.members.length)})` : ''}.` }),
              peopleList(
                d,
                a.members.map((m) => ({ who: [m.surname, m.name, m.patronymic].filter(Boolean).join(' '), why: `${m.orgName}${m.receivedAt ? `, получен ${new Date(m.receivedAt).toLocaleDateString('ru-RU')}` : ''}` })),
                'to-issue-list',
              ),
            ]
          : notice(d, 'info', null, 'Невыданных билетов нет: все полученные билеты отмечены выданными.', [], 'to-issue-empty'),
      );
    };
    const loadToIssue = () =>
      void issueActivity.run('Список невыданных билетов', async (r) => {
        r.indeterminate('Загрузка списка…');
        showToIssue(await getCardsToIssue(app.api, orgId));
      });
    const onIssue = (all: boolean) =>
      void issueActivity.run('Отметка выдачи', async (r) => {
        d.set(issueOut);
        const date = issueDate.value().trim();
        let sel: Selection | null = null;
        let ids: string[];
        if (all) {
          if (!toIssue) toIssue = await getCardsToIssue(app.api, orgId);
          ids = toIssue.members.map((m) => m.memberId);
          if (ids.length === 0) {
            d.set(issueOut, notice(d, 'info', null, 'Отмечать нечего: невыданных билетов нет.', [], 'issue-nothing'));
            return;
          }
        } else {
          r.indeterminate('Чтение выделенных строк…');
          sel = await selectionOrNothing(issueOut, 'issue-nothing');
          if (!sel) return;
          ids = sel.members.map((m) => m.id);
        }
        r.indeterminate(`Отметка выдачи: ${membersWord(ids.length)}…`);
        issueDate.setError(null);
        const a = await issueCards(app.api, orgId, ids, date || undefined).catch((e: unknown) => {
          const bad = isApiError(e) ? e.fieldMessage('date') : undefined;
          if (bad) issueDate.setError(bad);
          throw e;
        });
        const issued = a.members.filter((m) => m.outcome === 'issued').map((m) => m.memberId);
        await writeBack(deps, orgId, issued, 'ЭПБ выдан', r);
        const refused = a.members.filter((m) => m.outcome === 'refused');
        const s = sel ?? (await readSelection(deps).catch(() => null));
        const left = await getCardsToIssue(app.api, orgId);
        showToIssue(left);
        d.set(
          issueOut,
          notice(
            d,
            refused.length ? 'warning' : 'success',
            `Отмечены выданными: ${cardsWord(a.issued)}${a.unchanged ? `; уже были выданы: ${formatCount(a.unchanged)}` : ''}`,
            (refused.length ? `Не отмечены: ${membersWord(refused.length)} — причины ниже.` : 'Статус ЭПБ в строках на листе — «Выдан». Помогите членам Профсоюза установить приложение profcards.') + (sel?.hidden ? ` ${selectionScope(sel)}` : ''),
            [],
            'issue-result',
          ),
          refused.length ? peopleList(d, refused.map((m) => ({ who: s ? memberLabel(s, m.memberId) : 'Член Профсоюза', why: m.message ?? 'Отметить нельзя.' })), 'issue-refused') : null,
        );
      });

    parts.push(
      section(
        d,
        'Выдача билетов (шаг 7)',
        'Кому билеты пришли в организацию, но ещё не выданы. После вручения отметьте выданными — выделенных на листе или всех из списка.',
        d.h('div', { class: 'actions' }, button(d, 'Показать невыданные', loadToIssue, { test: 'load-to-issue', disabled: !pd, hint: pdHint })),
        listBox,
        issueDate.el,
        d.h(
          'div',
          { class: 'actions' },
          button(d, 'Отметить выданными: выделенные', () => onIssue(false), { test: 'issue-selected', disabled: !pd, hint: pdHint }),
          button(d, 'Отметить выданными: всех из списка', () => onIssue(true), { test: 'issue-all', disabled: !pd, hint: pdHint }),
        ),
        issueActivityEl,
        issueOut,
      ),
    );
  }

  // ================================================================ batches (territorial, regional)
  const ownId = budgetOrgId(app);
  if (isManager(app) && ownId !== null) {
    const batchActivityEl = d.h('div', { attrs: { 'data-test': 'batch-activity' } });
    const batchActivity = new Activity(app, batchActivityEl);
    const batchOut = d.h('div', { class: 'results', attrs: { 'data-test': 'batch-results', 'aria-live': 'polite' } });
    const batchList = d.h('ul', { class: 'list', attrs: { 'data-test': 'batches' } });

    const fileButton = (b: CardBatch, file: CardBatchFile, label: string) =>
      button(
        d,
        label,
        () =>
          void batchActivity.run('Файл партии', async (r) => {
            r.indeterminate('Готовим файл…');
            const link = await cardBatchFileLink(app.api, b.id, file);
            d.set(batchOut, openAndTell(d, link, `${b.number}, ${label.toLowerCase()}`, label, 'batch-file'));
          }),
        { test: `batch-${file.replace('.', '-')}`, ariaLabel: `${label}: партия ${b.number}` },
      );
    const showBatches = (batches: CardBatch[]) =>
      d.set(
        batchList,
        batches.slice(0, 20).map((b) =>
          d.h(
            'li',
            { class: 'list-item', attrs: { 'data-test': `batch-${b.id}` } },
            d.h('div', { class: 'list-main' }, d.h('strong', { text: b.number }), d.h('span', { class: 'muted small', text: `${new Date(b.createdAt).toLocaleDateString('ru-RU')}: заявок ${formatCount(b.ordersCount)}, ${cardsWord(b.cardCount)}, ${rub(b.costKopecks)}` })),
            d.h('div', { class: 'list-actions' }, fileButton(b, 'application.docx', 'Заявка'), fileButton(b, 'register.xlsx', 'Реестр .xlsx'), fileButton(b, 'register.csv', 'Реестр .csv')),
          ),
        ),
      );
    const loadOrders = () =>
      void batchActivity.run('Заявки и партии', async (r) => {
        r.indeterminate('Загрузка заявок…');
        const [orders, batches] = await Promise.all([listCardOrders(app.api, ownId, { status: 'submitted' }), listCardBatches(app.api, ownId)]);
        const cards = orders.reduce((n, o) => n + o.cards, 0);
        d.set(
          batchOut,
          notice(
            d,
            'info',
            orders.length ? `Поданы и ждут партии: ${formatCount(orders.length)} ${plural(orders.length, ['заявка', 'заявки', 'заявок'])}, ${cardsWord(cards)}` : 'Новых заявок нет',
            orders.length ? orders.slice(0, 10).map((o) => `${o.number} — ${o.orgName}`).join('; ') + (orders.length > 10 ? '; …' : '') : 'Когда первичные организации оформят заявки, они появятся здесь.',
            orders.length ? [{ label: 'Собрать партию', onClick: collect, primary: true, test: 'collect-batch' }] : [],
            'orders-result',
          ),
        );
        showBatches(batches);
      });
    // Not retried automatically (a lost answer would collect twice): «Повторить» first looks at the list.
    const collect = () =>
      void batchActivity.run('Сбор партии', async (r) => {
        r.indeterminate('Собираем заявки в партию…');
        const b = await collectCardBatch(app.api, ownId);
        d.set(batchOut, notice(d, 'success', `Партия ${b.number} собрана`, `Заявок: ${formatCount(b.ordersCount)}, ${cardsWord(b.cardCount)} на сумму ${rub(b.costKopecks)}. Откройте заявку и реестр для оператора кнопками в списке партий.`, [], 'batch-result'));
        showBatches(await listCardBatches(app.api, ownId));
      });
    parts.push(
      section(
        d,
        'Заявки и партии',
        'Поданные первичными организациями заявки собираются в партию для оператора ЭПБ; к партии — заявка (.docx) и реестр членов Профсоюза (.xlsx или .csv).',
        d.h('div', { class: 'actions' }, button(d, 'Показать заявки и партии', loadOrders, { test: 'load-orders' })),
        batchActivityEl,
        batchOut,
        batchList,
      ),
    );
    if (pd) parts.push(ordersSection(app, ownId, { own: false }), deliverySection(app, ownId));
  }

  // ================================================================ budget
  if (ownId !== null) {
    const year = Number(app.today().slice(0, 4));
    const yearField = selectField(d, 'Год', [year - 1, year, year + 1].map((y) => ({ value: String(y), label: String(y) })), { value: String(year), test: 'budget-year' });
    const budgetActivityEl = d.h('div', { attrs: { 'data-test': 'budget-activity' } });
    const budgetActivity = new Activity(app, budgetActivityEl);
    const budgetOut = d.h('div', { class: 'results', attrs: { 'data-test': 'budget-results', 'aria-live': 'polite' } });
    const showBudget = (b: CardBudget) =>
      d.set(
        budgetOut,
        notice(d, 'success', `Бюджет ЭПБ на ${b.year} год — на листе «${BUDGET_SHEET_NAME}»`, `${b.organisation.name}. Цена билета — ${rub(b.priceKopecks)}. Таблица по организациям и диаграмма — на листе.`, [], 'budget-result'),
        d.h(
          'dl',
          { class: 'counts', attrs: { 'data-test': 'budget-totals' } },
          [
            ['Заказано', formatCount(b.total.ordered)],
            ['Выдано', formatCount(b.total.issued)],
            ['Можно заказать', formatCount(b.total.toOrder)],
            ['Всего на год', rub(b.total.totalCostKopecks)],
          ].map(([label, value]) => d.h('div', { class: 'count' }, d.h('dt', { text: label }), d.h('dd', { text: value }))),
        ),
      );
    const onBudget = () =>
      void budgetActivity.run('Бюджет ЭПБ', async (r) => {
        d.set(budgetOut);
        r.progress(0, 2, 'Расчёт бюджета…');
        const b = await getCardBudget(app.api, ownId, Number(yearField.value()));
        r.progress(1, 2, `Запись на лист «${BUDGET_SHEET_NAME}»…`);
        await app.excel((ctx) => writeBudgetSheet(ctx, b));
        showBudget(b);
      });
    const onBudgetFile = () =>
      void budgetActivity.run('Бюджет ЭПБ, файл', async (r) => {
        r.indeterminate('Готовим файл…');
        const link = await cardBudgetLink(app.api, ownId, Number(yearField.value()));
        d.set(budgetOut, openAndTell(d, link, `Бюджет ЭПБ на ${yearField.value()} год`, 'Скачать .xlsx', 'budget-file'));
      });
    parts.push(
      section(
        d,
        'Бюджет на билеты',
        'Сколько билетов заказано, выдано и сколько можно заказать ещё, и во что это обойдётся: таблица и диаграмма на отдельном листе.',
        yearField.el,
        d.h('div', { class: 'actions' }, button(d, 'Показать бюджет на листе', onBudget, { primary: !primary, test: 'budget' }), button(d, 'Скачать .xlsx', onBudgetFile, { test: 'budget-xlsx' })),
        budgetActivityEl,
        budgetOut,
      ),
    );
  }

  d.append(root, [
    d.h('p', { class: 'lead', text: primary ? 'Электронный профсоюзный билет (ЭПБ): заказ, выдача, бюджет.' : 'Электронный профсоюзный билет (ЭПБ): заявки первичных организаций, партии для оператора и бюджет. Чтобы заказать или выдать билеты, выберите первичную организацию.' }),
    ...parts,
    pd || !primary ? null : d.h('p', { class: 'muted small', text: 'Заказ и выдача билетов откроются после отметки вашего обязательства о неразглашении персональных данных.' }),
  ]);
};
