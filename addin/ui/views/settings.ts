/**
 * «Настройки» for the central administrator: the card operator's details that the consent to the
 * operator prints (until they are filled that consent is not printed, and the server says which are
 * missing), the price of a card by year (the budget uses it), and the document templates — which
 * version is in use and which {{placeholders}} it must keep, the current one opened in Word through a
 * single-use link, and a replacement uploaded (accepted only with every required placeholder).
 */
import { fileBytes } from '../dom';
import { isApiError } from '../../api/errors';
import { getCardPrices, setCardPrice, type CardPrice } from '../../api/cards';
import {
  getDocumentSettings,
  listTemplates,
  saveCardOperator,
  saveProcessors,
  templateLink,
  uploadTemplate,
  type CardOperatorDetails,
  type DocumentSettings,
  type ProcessorDetails,
  type ProcessorRole,
  type TemplateInfo,
} from '../../api/settings';
import { Activity } from '../activity';
import { button, notice, section, textField, type FieldHandle } from '../components';
import { rub } from '../format';
import { ensureStyles, openAndTell, pill } from '../ui-kit';
import type { ViewRender } from '../view';

/** The highest card price the server takes, in roubles. */
export const MAX_CARD_PRICE_RUB = 100_000;

/** A price typed by a person («17», «17,50», «17.5 ₽») in roubles, or null when it is not one the server takes. */
export function parseRubles(text: string): number | null {
  const t = text.replace(/\s|₽|руб\.?/gi, '').replace(',', '.');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(t)) return null;
  const v = Number(t);
  return v > 0 && v <= MAX_CARD_PRICE_RUB ? v : null;
}

/** The operator's details to save: what differs from what the documents use now; an emptied field goes back to the configuration file. */
export function operatorChange(current: CardOperatorDetails, typed: Record<keyof CardOperatorDetails, string>): Partial<CardOperatorDetails> {
  const out: Partial<CardOperatorDetails> = {};
  for (const k of Object.keys(typed) as (keyof CardOperatorDetails)[]) {
    const v = typed[k].replace(/\s+/g, ' ').trim();
    if (v === (current[k] ?? '')) continue;
    out[k] = v || null;
  }
  return out;
}

export const render: ViewRender = (root, app) => {
  const d = app.dom;
  ensureStyles(d.doc, root);

  // ================================================================ the card operator
  const opActivityEl = d.h('div', { attrs: { 'data-test': 'operator-activity' } });
  const opActivity = new Activity(app, opActivityEl);
  const opOut = d.h('div', { class: 'results', attrs: { 'data-test': 'operator-results', 'aria-live': 'polite' } });
  const fields: Record<keyof CardOperatorDetails, FieldHandle> = {
    name: textField(d, 'Наименование', { autocomplete: 'off', test: 'operator-name' }),
    inn: textField(d, 'ИНН', { autocomplete: 'off', test: 'operator-inn', hint: '10 цифр, из договора с оператором' }),
    address: textField(d, 'Адрес', { autocomplete: 'off', test: 'operator-address', hint: 'Как в договоре: индекс, город, улица, дом' }),
    contract: textField(d, 'Договор с оператором', { autocomplete: 'off', test: 'operator-contract', hint: 'Для заявок на ЭПБ, например: договор № 12/2024 от 15.01.2024' }),
  };
  let settings: DocumentSettings | null = null;
  const showOperator = (s: DocumentSettings, saved: boolean) => {
    settings = s;
    for (const k of Object.keys(fields) as (keyof CardOperatorDetails)[]) {
      fields[k].input.value = s.cardOperator[k] ?? '';
      fields[k].setError(null);
    }
    d.set(
      opOut,
      saved ? notice(d, 'success', 'Реквизиты оператора сохранены', null, [], 'operator-saved') : null,
      s.missing.length
        ? notice(d, 'warning', 'Согласие оператору карт пока не печатается', `Не заполнено: ${s.missing.join(', ')}. Впишите из договора с оператором и нажмите «Сохранить реквизиты оператора».`, [], 'operator-missing')
        : notice(d, 'info', 'Реквизиты полные: согласие оператору карт печатается', null, [], 'operator-complete'),
    );
  };
  const onSaveOperator = () =>
    void opActivity.run('Реквизиты оператора', async (r) => {
      if (!settings) {
        // The current details never arrived: show them first, so that nothing is cleared unseen.
        r.indeterminate('Загрузка реквизитов…');
        showOperator(await getDocumentSettings(app.api), false);
        d.append(opOut, [notice(d, 'info', 'Проверьте реквизиты', 'Это реквизиты, которые действуют сейчас. Исправьте их и нажмите «Сохранить реквизиты оператора» ещё раз.', [], 'operator-reloaded')]);
        return;
      }
      const typed = { name: fields.name.value(), inn: fields.inn.value(), address: fields.address.value(), contract: fields.contract.value() };
      const change = operatorChange(settings.cardOperator, typed);
      if (!Object.keys(change).length) {
        d.set(opOut, notice(d, 'info', 'Нечего сохранять', 'Реквизиты не изменились.', [], 'operator-unchanged'));
        return;
      }
      r.indeterminate('Сохраняем…');
      try {
        showOperator(await saveCardOperator(app.api, change), true);
      } catch (e) {
        if (!isApiError(e)) throw e;
        const bad = (Object.keys(fields) as (keyof CardOperatorDetails)[]).filter((k) => e.fieldMessage(`cardOperator.${k}`));
        if (!bad.length) throw e;
        for (const k of bad) fields[k].setError(e.fieldMessage(`cardOperator.${k}`) ?? null);
        d.set(opOut, notice(d, 'error', 'Реквизиты не сохранены', e.message, [], 'operator-refused'));
      }
    });

  // ================================================================ processors (named in the consents only when set)
  const PROCESSORS: { role: ProcessorRole; title: string }[] = [
    { role: 'hosting', title: 'Хостинг реестра (подрядчик, на серверах которого работает реестр)' },
    { role: 'sms', title: 'SMS-шлюз (кто отправляет SMS-уведомления)' },
    { role: 'push', title: 'Приложение для PUSH-уведомлений' },
  ];
  const procActivityEl = d.h('div', { attrs: { 'data-test': 'processors-activity' } });
  const procActivity = new Activity(app, procActivityEl);
  const procOut = d.h('div', { class: 'results', attrs: { 'data-test': 'processors-results', 'aria-live': 'polite' } });
  const procFields = Object.fromEntries(
    PROCESSORS.map(({ role }) => [
      role,
      {
        name: textField(d, 'Наименование', { autocomplete: 'off', test: `processor-${role}-name` }),
        inn: textField(d, 'ИНН', { autocomplete: 'off', test: `processor-${role}-inn`, hint: 'Необязательно' }),
        address: textField(d, 'Адрес', { autocomplete: 'off', test: `processor-${role}-address` }),
      },
    ]),
  ) as Record<ProcessorRole, Record<keyof ProcessorDetails, FieldHandle>>;
  const showProcessors = (s: DocumentSettings) => {
    for (const { role } of PROCESSORS) {
      const p = s.processors?.[role] ?? null;
      procFields[role].name.input.value = p?.name ?? '';
      procFields[role].inn.input.value = p?.inn ?? '';
      procFields[role].address.input.value = p?.address ?? '';
      for (const f of Object.values(procFields[role])) f.setError(null);
    }
  };
  const onSaveProcessors = () =>
    void procActivity.run('Обработчики', async (r) => {
      const change: Partial<Record<ProcessorRole, ProcessorDetails | null>> = {};
      for (const { role } of PROCESSORS) {
        const f = procFields[role];
        const name = f.name.value().replace(/\s+/g, ' ').trim();
        const address = f.address.value().replace(/\s+/g, ' ').trim();
        const inn = f.inn.value().replace(/\s+/g, '');
        f.name.setError(null);
        f.address.setError(null);
        if (!name && !address && !inn) change[role] = null;
        else if (!name || !address) {
          (name ? f.address : f.name).setError('Заполните наименование и адрес (или очистите все поля этого обработчика).');
          d.set(procOut, notice(d, 'warning', 'Обработчики не сохранены', 'У обработчика нужны и наименование, и адрес: они печатаются в согласиях.', [], 'processors-incomplete'));
          return;
        } else change[role] = { name, inn: inn || null, address };
      }
      r.indeterminate('Сохраняем…');
      try {
        const saved = await saveProcessors(app.api, change);
        showProcessors(saved);
        d.set(procOut, notice(d, 'success', 'Обработчики сохранены', 'Заполненные печатаются в согласиях (хостинг — в согласиях Профсоюзу и на уведомления, SMS и PUSH — в согласии на уведомления); пустые не печатаются.', [], 'processors-saved'));
      } catch (e) {
        if (!isApiError(e)) throw e;
        let marked = false;
        for (const { role } of PROCESSORS) {
          const m = e.fieldMessage(`processors.${role}.inn`);
          if (m) {
            procFields[role].inn.setError(m);
            marked = true;
          }
        }
        if (!marked) throw e;
        d.set(procOut, notice(d, 'error', 'Обработчики не сохранены', e.message, [], 'processors-refused'));
      }
    });

  // ================================================================ card prices
  const priceActivityEl = d.h('div', { attrs: { 'data-test': 'price-activity' } });
  const priceActivity = new Activity(app, priceActivityEl);
  const priceOut = d.h('div', { class: 'results', attrs: { 'data-test': 'price-results', 'aria-live': 'polite' } });
  const priceList = d.h('ul', { class: 'list', attrs: { 'data-test': 'prices' } });
  const year = textField(d, 'Год', { type: 'number', value: app.today().slice(0, 4), test: 'price-year' });
  const price = textField(d, 'Цена одного билета, ₽', { autocomplete: 'off', test: 'price-rub', hint: 'Например, 17 или 17,50' });
  const showPrices = (prices: readonly CardPrice[]) =>
    d.set(
      priceList,
      [...prices]
        .sort((a, b) => b.year - a.year)
        .map((p) =>
          d.h(
            'li',
            { class: 'list-item', attrs: { 'data-test': `price-${p.year}` } },
            d.h('div', { class: 'list-main' }, d.h('strong', { text: `${p.year}: ${rub(p.priceKopecks)}` }), d.h('span', { class: 'muted small', text: p.source === 'override' ? 'задана здесь' : 'из файла настроек' })),
          ),
        ),
    );
  const onSavePrice = () =>
    void priceActivity.run('Цена билета', async (r) => {
      const y = Number(year.value());
      const typedRub = parseRubles(price.value());
      year.setError(Number.isInteger(y) && y >= 2000 && y <= 2100 ? null : 'Год от 2000 до 2100.');
      price.setError(typedRub === null ? `Укажите цену в рублях, например 17 или 17,50 (не больше ${MAX_CARD_PRICE_RUB.toLocaleString('ru-RU')} ₽).` : null);
      if (typedRub === null || !Number.isInteger(y) || y < 2000 || y > 2100) return;
      r.indeterminate('Сохраняем…');
      showPrices(await setCardPrice(app.api, y, typedRub));
      price.input.value = '';
      d.set(priceOut, notice(d, 'success', `Цена на ${y} год: ${rub(Math.round(typedRub * 100))}`, 'Бюджет ЭПБ и новые партии считаются по ней.', [], 'price-saved'));
    });

  // ================================================================ templates
  const tplActivityEl = d.h('div', { attrs: { 'data-test': 'templates-activity' } });
  const tplActivity = new Activity(app, tplActivityEl);
  const tplOut = d.h('div', { class: 'results', attrs: { 'data-test': 'templates-results', 'aria-live': 'polite' } });
  const tplList = d.h('ul', { class: 'list', attrs: { 'data-test': 'templates' } });
  const showTemplates = (templates: readonly TemplateInfo[]) =>
    d.set(
      tplList,
      templates.map((t) => {
        const file = d.h('input', { type: 'file', attrs: { accept: '.docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'data-test': 'template-file', 'aria-label': `Новая версия: ${t.title}` } });
        return d.h(
          'li',
          { class: 'list-item', attrs: { 'data-test': `template-${t.kind}` } },
          d.h(
            'div',
            { class: 'list-main' },
            d.h('strong', { text: t.title }),
            t.shipped ? pill(d, 'done', `версия ${t.version}, стандартная`) : pill(d, 'next', `версия ${t.version}, загружена ${new Date(t.uploadedAt).toLocaleDateString('ru-RU')}`),
            d.h('span', { class: 'muted small', text: `Обязательные поля: ${t.required.map((p) => `{{${p}}}`).join(', ')}` }),
            t.optional.length ? d.h('span', { class: 'muted small', text: `Необязательные: ${t.optional.map((p) => `{{${p}}}`).join(', ')}` }) : null,
            file,
          ),
          d.h(
            'div',
            { class: 'list-actions' },
            button(d, 'Скачать для Word', () => onOpen(t), { subtle: true, test: 'template-open', ariaLabel: `Скачать для Word: ${t.title}` }),
            button(d, 'Загрузить новую версию', () => onUpload(t, file), { test: 'template-upload', ariaLabel: `Загрузить новую версию: ${t.title}` }),
          ),
        );
      }),
    );
  const onOpen = (t: TemplateInfo) =>
    void tplActivity.run('Шаблон', async (r) => {
      r.indeterminate('Готовим файл…');
      const link = await templateLink(app.api, t.kind);
      d.set(tplOut, openAndTell(d, link, `Шаблон «${t.title}», версия ${t.version}`, 'Скачать для Word', 'template-opened'));
    });
  const onUpload = (t: TemplateInfo, input: HTMLInputElement) =>
    void tplActivity.run('Загрузка шаблона', async (r) => {
      const f = input.files?.[0];
      if (!f) {
        d.set(tplOut, notice(d, 'warning', 'Файл не выбран', `Выберите .docx-файл новой версии шаблона «${t.title}» рядом с кнопкой.`, [], 'template-no-file'));
        return;
      }
      r.indeterminate('Проверяем шаблон…');
      try {
        const a = await uploadTemplate(app.api, t.kind, await fileBytes(f));
        showTemplates(await listTemplates(app.api));
        d.set(
          tplOut,
          a.created
            ? notice(d, 'success', `Шаблон «${a.title}»: действует версия ${a.version}`, 'Следующие документы печатаются по ней; у каждого напечатанного документа записана версия шаблона.', [], 'template-uploaded')
            : notice(d, 'info', `Шаблон «${a.title}» не изменился`, `Этот файл уже действует как версия ${a.version}.`, [], 'template-same'),
        );
      } catch (e) {
        if (isApiError(e) && (e.kind === 'validation' || e.kind === 'too_large')) {
          d.set(tplOut, notice(d, 'error', `Шаблон «${t.title}» не принят`, `${e.message} Действует прежняя версия ${t.version}.`, [], 'template-refused'));
          return;
        }
        throw e;
      }
    });

  d.append(root, [
    d.h('p', { class: 'lead', text: 'Настройки реестра для всего Профсоюза: реквизиты оператора карт, цена билета, шаблоны документов.' }),
    section(
      d,
      'Оператор карт ЭПБ',
      'Печатаются в согласии на обработку персональных данных оператором карт. Пустое поле — значение из файла настроек.',
      fields.name.el,
      fields.inn.el,
      fields.address.el,
      fields.contract.el,
      d.h('div', { class: 'actions' }, button(d, 'Сохранить реквизиты оператора', onSaveOperator, { primary: true, test: 'operator-save' })),
      opActivityEl,
      opOut,
    ),
    section(
      d,
      'Обработчики персональных данных по поручению',
      'Кто обрабатывает данные реестра по поручению Профсоюза. Заполненные печатаются в согласиях с наименованием, ИНН и адресом; пустые не печатаются. Пустые поля — значение из файла настроек.',
      ...PROCESSORS.map(({ role, title }) =>
        d.h('fieldset', { class: 'ux-fieldset' }, d.h('legend', { text: title }), procFields[role].name.el, procFields[role].inn.el, procFields[role].address.el),
      ),
      d.h('div', { class: 'actions' }, button(d, 'Сохранить обработчиков', onSaveProcessors, { test: 'processors-save' })),
      procActivityEl,
      procOut,
    ),
    section(
      d,
      'Цена электронного билета',
      'Цена по годам: по ней считаются бюджет ЭПБ и стоимость партий.',
      priceList,
      year.el,
      price.el,
      d.h('div', { class: 'actions' }, button(d, 'Сохранить цену', onSavePrice, { test: 'price-save' })),
      priceActivityEl,
      priceOut,
    ),
    section(
      d,
      'Шаблоны документов',
      'Скачайте шаблон, измените текст в Word, сохраните и загрузите как новую версию. Поля в двойных фигурных скобках ({{…}}) оставьте как есть: без обязательных полей шаблон не принимается.',
      tplActivityEl,
      tplOut,
      tplList,
    ),
  ]);

  // Each part loads on its own: one failing (with «Повторить» at it) leaves the others usable.
  void (async () => {
    await opActivity.run('Реквизиты оператора', async (r) => {
      r.indeterminate('Загрузка реквизитов…');
      const s = await getDocumentSettings(app.api);
      showOperator(s, false);
      showProcessors(s);
    });
    await priceActivity.run('Цены билета', async (r) => {
      r.indeterminate('Загрузка цен…');
      showPrices(await getCardPrices(app.api));
    });
    await tplActivity.run('Шаблоны', async (r) => {
      r.indeterminate('Загрузка шаблонов…');
      showTemplates(await listTemplates(app.api));
    });
  })();
};
