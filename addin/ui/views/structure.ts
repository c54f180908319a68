/**
 * «Структура»: the профбюро and профгруппы of the primary organisation — list, add, rename, close —
 * and, for reference while filling the «Подразделение» column, the same list on the sheet «Структура».
 */
import { canContain, type OrgKind } from '../../../domain/organisations';
import { isApiError } from '../../api/errors';
import type { OrgView } from '../../api/types';
import { STRUCTURE_SHEET_NAME } from '../../excel/structure-layout';
import { writeStructure } from '../../excel/structure-sheet';
import { Activity } from '../activity';
import { button, notice, section, selectField, textField } from '../components';
import type { Shell, ViewRender } from '../view';

const UNIT_KIND_LABEL: Partial<Record<OrgKind, string>> = { subdivision: 'Профбюро', group: 'Профгруппа' };

/** The units below `org` in tree order, with the depth below it. */
export function unitRows(org: OrgView, all: readonly OrgView[]): { unit: OrgView; level: number; parentName: string | null }[] {
  const byId = new Map(all.map((o) => [o.id, o]));
  return all
    .filter((o) => o.id !== org.id && (o.kind === 'subdivision' || o.kind === 'group'))
    .map((o) => ({ unit: o, level: Math.max(0, o.depth - org.depth - 1), parentName: o.parentId && o.parentId !== org.id ? (byId.get(o.parentId)?.name ?? null) : null }));
}

/** Loaded on demand (see views/index.ts). */
export const render: ViewRender = (root, app: Shell) => {
  const d = app.dom;
  const org = app.org!;
  let all: OrgView[] = [];
  let showClosed = false;
  const list = d.h('ul', { class: 'list', attrs: { 'data-test': 'units' } });
  const activityEl = d.h('div', { attrs: { 'data-test': 'activity' } });
  const activity = new Activity(app, activityEl);
  const results = d.h('div', { class: 'results', attrs: { 'aria-live': 'polite' } });

  // ---------------------------------------------------------------- the add form
  const kind = selectField(d, 'Что добавить', [
    { value: 'subdivision', label: 'Профбюро' },
    { value: 'group', label: 'Профгруппа' },
  ], { test: 'unit-kind' });
  const parentSel = selectField(d, 'Входит в', [], { test: 'unit-parent' });
  const name = textField(d, 'Название', { test: 'unit-name', hint: 'Как подразделение называется в учреждении, например «Кафедра истории».' });
  const add = button(d, 'Добавить', () => onAdd(), { primary: true, test: 'unit-add' });
  const form = d.h('form', { class: 'form', attrs: { novalidate: true } }, kind.el, parentSel.el, name.el, d.h('div', { class: 'form-actions' }, add));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    onAdd();
  });

  function fillParents(): void {
    const options = [{ value: String(org.id), label: 'Сама первичная организация' }];
    for (const r of unitRows(org, all)) {
      if (r.unit.status === 'active' && canContain(r.unit.kind, kind.value() as OrgKind)) options.push({ value: String(r.unit.id), label: `${'— '.repeat(r.level + 1)}${r.unit.name}` });
    }
    const keep = parentSel.value();
    d.set(parentSel.input, options.map((o) => d.h('option', { value: o.value, text: o.label })));
    parentSel.input.value = options.some((o) => o.value === keep) ? keep : options[0].value;
  }
  kind.input.addEventListener('change', () => {
    // A new kind starts from the organisation itself: a профбюро nested by accident is hard to notice.
    parentSel.input.value = String(org.id);
    fillParents();
  });

  function onAdd(): void {
    name.setError(null);
    const n = name.value().replace(/\s+/g, ' ').trim();
    if (!n) {
      name.setError('Введите название подразделения.');
      name.input.focus();
      return;
    }
    void activity.run('Добавление подразделения', async (r) => {
      r.indeterminate('Сохранение в реестре…');
      try {
        const created = await app.api.createChild(Number(parentSel.value()), { kind: kind.value() as OrgKind, name: n });
        name.input.value = '';
        await reload();
        d.set(results, notice(d, 'success', `Добавлено: ${UNIT_KIND_LABEL[created.kind] ?? created.kindLabel} «${created.name}»`, 'Это название можно писать в столбце «Подразделение» листа членов.', [], 'unit-added'));
      } catch (e) {
        if (isApiError(e) && (e.kind === 'conflict' || e.kind === 'validation')) {
          name.setError(e.fieldMessage('name') ?? e.detail);
          return;
        }
        throw e;
      }
    });
  }

  // ---------------------------------------------------------------- the list
  function renderList(): void {
    const rows = unitRows(org, all).filter((r) => showClosed || r.unit.status === 'active');
    fillParents();
    if (rows.length === 0) {
      d.set(list, d.h('li', { class: 'list-empty' }, notice(d, 'info', null, 'Подразделений пока нет. Если в учреждении есть филиалы, факультеты или школы в комплексе, добавьте профбюро; для небольших коллективов — профгруппы.')));
      return;
    }
    d.set(list, rows.map((r) => unitItem(r.unit, r.level, r.parentName)));
  }

  function unitItem(u: OrgView, level: number, parentName: string | null): HTMLElement {
    const closed = u.status === 'closed';
    const li = d.h('li', { class: `list-item depth-${Math.min(level, 3)}${closed ? ' is-closed' : ''}`, attrs: { 'data-test': `unit-${u.id}` } });
    const main = d.h(
      'div',
      { class: 'list-main' },
      d.h('strong', { text: u.name }),
      d.h('span', { class: 'muted small', text: [UNIT_KIND_LABEL[u.kind] ?? u.kindLabel, parentName ? `в «${parentName}»` : null, closed ? 'закрыто' : null].filter(Boolean).join(' · ') }),
    );
    const actions = closed
      ? null
      : d.h(
          'div',
          { class: 'list-actions' },
          button(d, 'Переименовать', () => rename(u, li), { subtle: true, test: 'unit-rename' }),
          button(d, 'Закрыть', () => close(u, li), { subtle: true, test: 'unit-close' }),
        );
    d.append(li, [main, actions]);
    return li;
  }

  function rename(u: OrgView, li: HTMLElement): void {
    const field = textField(d, 'Новое название', { value: u.name, test: 'unit-new-name' });
    const save = button(d, 'Сохранить', () => go(), { primary: true, test: 'unit-rename-save' });
    const edit = d.h('div', { class: 'list-edit' }, field.el, d.h('div', { class: 'form-actions' }, save, button(d, 'Отмена', () => renderList(), { subtle: true })));
    li.appendChild(edit);
    field.input.focus();
    field.input.select();
    field.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') go();
      if (ev.key === 'Escape') renderList();
    });
    function go(): void {
      const n = field.value().replace(/\s+/g, ' ').trim();
      if (!n) {
        field.setError('Введите название.');
        return;
      }
      if (n === u.name) {
        renderList();
        return;
      }
      void activity.run('Переименование', async (r) => {
        r.indeterminate('Сохранение в реестре…');
        try {
          await app.api.updateOrganisation(u.id, { name: n });
        } catch (e) {
          if (isApiError(e) && (e.kind === 'conflict' || e.kind === 'validation')) {
            field.setError(e.fieldMessage('name') ?? e.detail);
            return;
          }
          throw e;
        }
        await reload();
        d.set(results, notice(d, 'success', `Переименовано: «${n}»`, 'Если это название уже стоит в столбце «Подразделение» листа членов, замените его там тоже.', [], 'unit-renamed'));
      });
    }
  }

  function close(u: OrgView, li: HTMLElement): void {
    li.appendChild(
      d.h(
        'div',
        { class: 'list-edit' },
        notice(d, 'warning', `Закрыть «${u.name}»?`, 'Закрыть можно подразделение без членов Профсоюза и без вложенных подразделений. История сохранится.', [
          {
            label: 'Да, закрыть',
            primary: true,
            test: 'unit-close-confirm',
            onClick: () =>
              void activity.run('Закрытие подразделения', async (r) => {
                r.indeterminate('Сохранение в реестре…');
                await app.api.closeOrganisation(u.id);
                await reload();
                d.set(results, notice(d, 'success', `Закрыто: «${u.name}»`, null, [], 'unit-closed'));
              }),
          },
          { label: 'Отмена', onClick: () => renderList() },
        ]),
      ),
    );
  }

  async function reload(): Promise<void> {
    all = await app.api.getStructure(org.id);
    renderList();
  }

  const onSheet = () =>
    void activity.run('Структура на листе', async (r) => {
      r.indeterminate('Загрузка из реестра…');
      all = await app.api.getStructure(org.id);
      renderList();
      const units = unitRows(org, all).map((x) => ({ id: String(x.unit.id), parentName: x.parentName, kind: UNIT_KIND_LABEL[x.unit.kind] ?? null, name: x.unit.name, status: x.unit.status }));
      r.indeterminate('Запись на лист…');
      await app.excel((ctx) => writeStructure(ctx, units, { caps: app.caps }));
      d.set(results, notice(d, 'success', `Структура на листе «${STRUCTURE_SHEET_NAME}»`, 'Лист только для справки: изменения делайте здесь, в панели.', [], 'structure-sheet-result'));
    });

  const closedToggle = d.h('input', { type: 'checkbox', id: d.uid('closed'), attrs: { 'data-test': 'show-closed' } });
  closedToggle.addEventListener('change', () => {
    showClosed = closedToggle.checked;
    renderList();
  });

  d.append(root, [
    d.h('p', { class: 'lead', text: 'Профбюро создаются для филиалов, факультетов, институтов, школ и детских садов внутри комплекса; профгруппы — для небольших коллективов.' }),
    section(d, 'Добавить подразделение', null, form),
    activityEl,
    results,
    section(
      d,
      'Подразделения',
      null,
      d.h('label', { class: 'muted small', for: closedToggle.id }, closedToggle, ' показать закрытые'),
      list,
      d.h('div', { class: 'actions' }, button(d, 'Показать структуру на листе', onSheet, { test: 'structure-sheet' })),
    ),
  ]);
  void activity.run('Загрузка структуры', async (r) => {
    r.indeterminate('Загрузка из реестра…');
    await reload();
  });
};
