/**
 * «Паспорт ППО» (roadmap step 3): the passport from the registry on the sheet «Паспорт ППО», read
 * back and saved; how complete each tab is; every refused field marked at its cell and listed.
 */
import type { PassportKey } from '../../../domain/passport';
import { isApiError } from '../../api/errors';
import type { PassportView } from '../../api/types';
import { PASSPORT_SHEET_NAME } from '../../excel/passport-layout';
import { markPassportErrors, readPassport, writePassport } from '../../excel/passport-sheet';
import { SheetError } from '../../excel/sheet-utils';
import { Activity } from '../activity';
import { button, notice, section } from '../components';
import { selectPassportField } from '../excel-extra';
import { issueList } from '../issues';
import { checkPassport, passportFieldLabel, passportIssuesFromError, passportIssueText, type PassportIssue } from '../passport-logic';
import type { ViewRender } from '../view';

const memoryKey = (orgId: number) => `passport:${orgId}`;

/** Loaded on demand (see views/index.ts): the passport's Excel form and validators stay out of the first bundle. */
export const render: ViewRender = (root, app) => {
  const d = app.dom;
  const org = app.org!;
  let view: PassportView | null = (app.memory.get(memoryKey(org.id)) as PassportView | undefined) ?? null;
  const completeness = d.h('div', { attrs: { 'data-test': 'passport-completeness' } });
  const activityEl = d.h('div', { attrs: { 'data-test': 'activity' } });
  const activity = new Activity(app, activityEl);
  const results = d.h('div', { class: 'results', attrs: { 'data-test': 'results', 'aria-live': 'polite' } });

  const setView = (v: PassportView) => {
    view = v;
    app.memory.set(memoryKey(org.id), v);
    renderCompleteness();
  };

  function renderCompleteness(): void {
    if (!view) {
      d.set(completeness);
      return;
    }
    const c = view.completeness;
    d.set(
      completeness,
      section(
        d,
        `Заполнено: ${c.percent}%`,
        c.complete ? 'Все обязательные поля заполнены.' : 'Обязательные поля, которые ещё пусты, перечислены под каждой вкладкой.',
        d.h(
          'ul',
          { class: 'tabs-complete' },
          c.tabs.map((t) =>
            d.h(
              'li',
              { class: `tab-complete${t.percent === 100 ? ' is-done' : ''}`, attrs: { 'data-tab': t.tab } },
              d.h('div', { class: 'tab-complete-head' }, d.h('span', { text: t.label }), d.h('span', { text: `${t.filled} из ${t.total}` })),
              d.h(
                'div',
                { class: 'progress-track', role: 'progressbar', attrs: { 'aria-label': `Вкладка «${t.label}»`, 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': t.percent } },
                (() => {
                  const fill = d.h('div', { class: 'progress-fill is-static' });
                  fill.style.width = `${t.percent}%`;
                  return fill;
                })(),
              ),
              t.missing.length ? d.h('div', { class: 'tab-missing', text: `Не заполнено: ${t.missing.join(', ')}` }) : null,
            ),
          ),
        ),
        view.updatedAt ? d.h('p', { class: 'muted small', text: `Сохранён в реестре: ${new Date(view.updatedAt).toLocaleString('ru-RU', { dateStyle: 'short', timeStyle: 'short' })}` }) : null,
      ),
    );
  }

  const showIssues = (issues: PassportIssue[], title: string, text: string) => {
    d.set(
      results,
      notice(d, 'error', title, text, [], 'passport-errors'),
      issueList(
        d,
        issues.map((i) => ({ ...i, kind: 'error' as const, title: `«${passportFieldLabel(i.field)}»`, text: passportIssueText(i) })),
        (i) => {
          void app.excel((ctx) => selectPassportField(ctx, PASSPORT_SHEET_NAME, i.field)).catch((e: unknown) => {
            d.set(activityEl, notice(d, 'warning', null, e instanceof SheetError ? e.message : 'Не удалось перейти к ячейке: закончите редактирование ячейки (Enter) и нажмите снова.'));
          });
        },
      ),
    );
  };

  const load = () =>
    activity.run('Загрузка паспорта', async (r) => {
      r.indeterminate('Загрузка из реестра…');
      setView(await app.api.getPassport(org.id));
    });

  const onShow = () =>
    void activity.run('Паспорт на листе', async (r) => {
      r.progress(0, 2, 'Загрузка из реестра…');
      const v = await app.api.getPassport(org.id);
      setView(v);
      r.progress(1, 2, 'Запись на лист…');
      await app.excel((ctx) => writePassport(ctx, v.data as Record<string, string | number | null>));
      d.set(results, notice(d, 'success', `Паспорт на листе «${PASSPORT_SHEET_NAME}»`, 'Заполните пустые ячейки в столбце «Значение» и нажмите «Сохранить паспорт в реестр».', [], 'passport-shown'));
    });

  const onSave = () =>
    void activity.run('Сохранение паспорта', async (r) => {
      d.set(results);
      r.progress(0, 3, 'Чтение листа…');
      let values: Record<string, string | number | null>;
      try {
        values = await app.excel((ctx) => readPassport(ctx));
      } catch (e) {
        if (e instanceof SheetError && e.code === 'sheet_missing') {
          d.set(results, notice(d, 'info', 'Листа паспорта ещё нет', 'Нажмите «Показать паспорт на листе»: появится лист с полями паспорта.', [{ label: 'Показать паспорт на листе', onClick: onShow, primary: true }]));
          return;
        }
        throw e;
      }
      const local = checkPassport(values as Partial<Record<PassportKey, unknown>>);
      if (local.length) {
        r.progress(1, 3, 'Отметка ошибок на листе…');
        await app.excel((ctx) => markPassportErrors(ctx, local));
        showIssues(local, `Паспорт не сохранён: ${local.length} ${local.length === 1 ? 'поле заполнено' : 'поля заполнены'} с ошибкой`, 'Ошибки отмечены на листе красным и описаны в столбце «Что исправить». Исправьте и нажмите «Сохранить паспорт в реестр» снова.');
        return;
      }
      r.progress(1, 3, 'Сохранение в реестре…');
      try {
        setView(await app.api.savePassport(org.id, values, view?.version));
      } catch (e) {
        if (isApiError(e) && e.kind === 'validation') {
          const issues = passportIssuesFromError(e);
          if (issues.length) {
            await app.excel((ctx) => markPassportErrors(ctx, issues));
            showIssues(issues, 'Паспорт не сохранён', e.detail);
            return;
          }
        }
        if (isApiError(e) && e.kind === 'conflict') {
          d.set(
            results,
            notice(d, 'warning', 'Паспорт уже изменил другой пользователь', 'Ваши изменения на листе не сохранены. Нажмите «Показать паспорт на листе», чтобы увидеть паспорт из реестра (лист будет заменён), и внесите правки снова.', [{ label: 'Показать паспорт на листе', onClick: onShow, primary: true }], 'passport-conflict'),
          );
          return;
        }
        throw e;
      }
      r.progress(2, 3, 'Снятие отметок на листе…');
      await app.excel((ctx) => markPassportErrors(ctx, []));
      d.set(results, notice(d, 'success', 'Паспорт сохранён в реестре', view?.completeness.complete ? 'Все обязательные поля заполнены.' : 'Заполните оставшиеся поля, когда будут сведения, и сохраните снова.', [], 'passport-saved'));
    });

  d.append(root, [
    d.h('p', { class: 'lead', text: 'Паспорт первичной профсоюзной организации: вкладки ИНПО, Регистрация, Организация, Адреса и телефоны.' }),
    section(
      d,
      'Паспорт на листе',
      `Поля паспорта заполняются на листе «${PASSPORT_SHEET_NAME}».`,
      d.h(
        'div',
        { class: 'actions' },
        button(d, 'Показать паспорт на листе', onShow, { test: 'passport-show' }),
        button(d, 'Сохранить паспорт в реестр', onSave, { primary: true, test: 'passport-save' }),
      ),
    ),
    activityEl,
    results,
    completeness,
  ]);
  if (view) renderCompleteness();
  else void load();
};
