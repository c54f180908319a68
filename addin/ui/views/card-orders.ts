/**
 * Two parts of the «ЭПБ» view that work on files and orders rather than on selected sheet rows:
 *  - «Заявки»: the submitted orders (a primary chair's own; a territorial or regional officer's whole
 *    subtree) with «Отменить» for each one that is not in a batch yet;
 *  - «Список доставки»: the operator's or the regional committee's delivery list (.xlsx or .csv)
 *    checked first (nothing written) and then applied, with the result of every row of the file.
 */
import { plural } from '../../../domain/cell';
import { cancelCardOrder, importDeliveryList, listCardOrders, type CardOrder, type DeliveryImportAnswer } from '../../api/cards';
import { Activity } from '../activity';
import { button, notice, section } from '../components';
import { fileBytes, type Dom } from '../dom';
import { formatCount } from '../format';
import { peopleList } from '../ui-kit';
import type { Shell } from '../view';

const ordersWord = (n: number) => `${formatCount(n)} ${plural(n, ['заявка', 'заявки', 'заявок'])}`;
const ticketsWord = (n: number) => `${formatCount(n)} ${plural(n, ['билет', 'билета', 'билетов'])}`;

/** «Заявки»: submitted orders of `orgId` and below, each with «Отменить». */
export function ordersSection(app: Shell, orgId: number, opts: { own: boolean }): HTMLElement {
  const d = app.dom;
  const activityEl = d.h('div', { attrs: { 'data-test': 'orders-activity' } });
  const activity = new Activity(app, activityEl);
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'order-list-result', 'aria-live': 'polite' } });
  const list = d.h('ul', { class: 'list', attrs: { 'data-test': 'order-list' } });

  const show = (orders: CardOrder[]) =>
    d.set(
      list,
      orders.slice(0, 50).map((o) =>
        d.h(
          'li',
          { class: 'list-item', attrs: { 'data-test': `order-${o.id}` } },
          d.h(
            'div',
            { class: 'list-main' },
            d.h('strong', { text: o.number }),
            d.h('span', { class: 'muted small', text: `${opts.own ? '' : `${o.orgName}, `}${new Date(o.createdAt).toLocaleDateString('ru-RU')}: ${ticketsWord(o.cards)}` }),
          ),
          d.h('div', { class: 'list-actions' }, button(d, 'Отменить', () => cancel(o), { subtle: true, test: 'cancel-order' })),
        ),
      ),
    );

  const load = () =>
    void activity.run('Заявки', async (r) => {
      r.indeterminate('Загрузка заявок…');
      const orders = await listCardOrders(app.api, orgId, { status: 'submitted' });
      d.set(
        out,
        notice(
          d,
          'info',
          orders.length ? `Поданы и ещё не в партии: ${ordersWord(orders.length)}` : 'Заявок, которые можно отменить, нет',
          orders.length ? 'Заявку можно отменить, пока её не собрали в партию для оператора.' : 'Заявка, уже собранная в партию, отменяется только через оператора ЭПБ.',
          [],
          'order-list-summary',
        ),
      );
      show(orders);
    });

  // Cancelling twice answers the cancelled order, so a lost answer is safely retried.
  const cancel = (o: CardOrder) =>
    void activity.run(`Отмена заявки ${o.number}`, async (r) => {
      r.indeterminate('Отменяем заявку…');
      const a = await cancelCardOrder(app.api, o.id);
      const refused = a.members.filter((m) => m.outcome === 'refused');
      // The list and the message change together (the cancelled order is gone when the message says so).
      const left = (await listCardOrders(app.api, orgId, { status: 'submitted' })).filter((x) => x.id !== o.id);
      show(left);
      d.set(
        out,
        notice(
          d,
          'success',
          `Заявка ${a.order.number} отменена`,
          `Статус ЭПБ в реестре возвращён для: ${formatCount(a.members.length - refused.length)}. Чтобы увидеть его на листе, нажмите «Загрузить из реестра» в разделе «Члены профсоюза».`,
          [],
          'order-cancelled',
        ),
        refused.length
          ? peopleList(
              d,
              refused.map((m) => ({
                who: `ID в реестре ${m.memberId}`,
                why: `${m.message ?? 'Статус ЭПБ уже изменился.'} Нажмите «Загрузить из реестра» в разделе «Члены»: в столбце «Статус ЭПБ» будет текущий статус.`,
              })),
              'order-cancel-refused',
            )
          : null,
      );
    });

  return section(
    d,
    opts.own ? 'Мои заявки' : 'Отмена заявок',
    opts.own ? 'Поданные заявки вашей организации. Ошиблись — отмените заявку, пока её не собрали в партию.' : 'Заявки нижестоящих организаций, ещё не собранные в партию.',
    d.h('div', { class: 'actions' }, button(d, 'Показать заявки', load, { test: 'load-order-list' })),
    activityEl,
    out,
    list,
  );
}

function deliverySummary(d: Dom, a: DeliveryImportAnswer): HTMLElement {
  const f = a.format;
  const what = f.format === 'csv' ? `CSV${f.encoding ? `, ${f.encoding}` : ''}${f.separator ? `, разделитель «${f.separator === '\t' ? 'табуляция' : f.separator}»` : ''}` : 'Excel (.xlsx)';
  const counts = `Строк: ${a.dryRun ? 'изменится' : 'записано'} ${formatCount(a.counts.updated)}, без изменений ${formatCount(a.counts.unchanged)}, с ошибками ${formatCount(a.counts.error)}.`;
  return a.dryRun
    ? notice(d, a.counts.error ? 'warning' : 'info', 'Файл проверен — в реестр ещё ничего не записано', `${what}; заголовки в строке ${f.headerRow}. ${counts} Если всё верно, нажмите «Загрузить статусы».`, [], 'delivery-checked')
    : notice(d, a.counts.error ? 'warning' : 'success', 'Статусы ЭПБ записаны в реестр', `${counts} Строки с ошибками не записаны — исправьте их в файле и загрузите его ещё раз: уже записанные строки не изменятся.`, [], 'delivery-applied');
}

/** «Список доставки»: check the file, then apply it; every row of the file is answered. */
export function deliverySection(app: Shell, orgId: number): HTMLElement {
  const d = app.dom;
  const activityEl = d.h('div', { attrs: { 'data-test': 'delivery-activity' } });
  const activity = new Activity(app, activityEl);
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'delivery-results', 'aria-live': 'polite' } });
  const input = d.h('input', { type: 'file', attrs: { accept: '.xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'data-test': 'delivery-file' } }) as HTMLInputElement;

  const run = (dryRun: boolean) =>
    void activity.run(dryRun ? 'Проверка списка доставки' : 'Загрузка списка доставки', async (r) => {
      const file = input.files?.[0];
      if (!file) {
        d.set(out, notice(d, 'warning', 'Файл не выбран', 'Нажмите «Выберите файл» и укажите список доставки (.xlsx или .csv), полученный от оператора или регионального комитета.', [], 'delivery-no-file'));
        return;
      }
      r.indeterminate(dryRun ? 'Проверяем файл…' : 'Записываем статусы…');
      const a = await importDeliveryList(app.api, orgId, await fileBytes(file), { dryRun });
      const errors = a.rows.filter((x) => x.outcome === 'error');
      d.set(out, deliverySummary(d, a), errors.length ? peopleList(d, errors.map((x) => ({ who: `Строка ${x.row}`, why: x.message ?? 'ошибка' })), 'delivery-errors') : null);
    });

  return section(
    d,
    'Список доставки',
    'Файл от оператора ЭПБ или регионального комитета (.xlsx или .csv): по каждой строке — номер заявки, ФИО и дата рождения (как в реестре для оператора) или ID в реестре, или СНИЛС; статус билета и дата. Сначала проверьте файл, затем загрузите статусы.',
    input,
    d.h('div', { class: 'actions' }, button(d, 'Проверить файл', () => run(true), { test: 'delivery-check' }), button(d, 'Загрузить статусы', () => run(false), { primary: true, test: 'delivery-apply' })),
    activityEl,
    out,
  );
}
