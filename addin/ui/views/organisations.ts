/**
 * Choosing the organisation to work with: a chair of a ППО works with their own; territorial and
 * regional users walk down the tree (/children) to a primary organisation.
 */
import { isPrimary, isUnit } from '../../../domain/organisations';
import type { OrgView } from '../../api/types';
import { Activity } from '../activity';
import { button, notice } from '../components';
import type { ViewDef } from '../view';

export const organisationsView: ViewDef = {
  id: 'organisations',
  title: 'Выбор организации',
  requires: 'session',
  render(root, app) {
    const d = app.dom;
    const me = app.me!;
    const trail: OrgView[] = [];
    const crumbs = d.h('nav', { class: 'crumbs', attrs: { 'aria-label': 'Уровни' } });
    const filter = d.h('input', { class: 'input', type: 'search', placeholder: 'Найти по названию', attrs: { 'aria-label': 'Найти организацию по названию', 'data-test': 'org-filter' } });
    const filterBox = d.h('div', { class: 'field', hidden: true }, filter);
    const list = d.h('ul', { class: 'list', attrs: { 'data-test': 'org-list' } });
    const activityEl = d.h('div');
    const activity = new Activity(app, activityEl);
    let children: OrgView[] = [];

    d.append(root, [
      d.h('p', { class: 'lead', text: 'Выберите первичную профсоюзную организацию: откройте нужный уровень и нажмите на название.' }),
      crumbs,
      filterBox,
      activityEl,
      list,
    ]);
    filter.addEventListener('input', () => renderList());

    const open = (org: OrgView, depth: number) => {
      trail.length = depth;
      trail.push(org);
      void activity.run('Загрузка списка организаций', async (r) => {
        r.indeterminate('Список загружается…');
        children = await app.api.listChildren(org.id);
        filter.value = '';
        renderCrumbs();
        renderList();
      });
    };

    function renderCrumbs(): void {
      d.set(
        crumbs,
        trail.map((o, i) =>
          i === trail.length - 1
            ? d.h('span', { class: 'crumb is-current', text: o.name, attrs: { 'aria-current': 'location' } })
            : d.h('button', { type: 'button', class: 'crumb', text: o.name, onclick: () => open(o, i) }),
        ),
      );
    }

    function renderList(): void {
      const q = filter.value.trim().toLowerCase().replace(/ё/g, 'е');
      filterBox.hidden = children.length < 8;
      const shown = children.filter((c) => !isUnit(c.kind) && (!q || c.name.toLowerCase().replace(/ё/g, 'е').includes(q)));
      const here = trail[trail.length - 1];
      const items: HTMLElement[] = [];
      if (here && isPrimary(here.kind)) {
        items.push(d.h('li', { class: 'list-item' }, d.h('div', { class: 'list-main' }, d.h('strong', { text: here.name }), d.h('span', { class: 'muted small', text: here.kindLabel })), button(d, 'Работать с этой', () => app.chooseOrganisation(here), { primary: true })));
      }
      for (const c of shown) {
        const canOpen = !isPrimary(c.kind) || c.kind === 'primary_territorial';
        items.push(
          d.h(
            'li',
            { class: 'list-item', attrs: { 'data-test': `org-${c.id}` } },
            d.h('div', { class: 'list-main' }, d.h('strong', { text: c.name }), d.h('span', { class: 'muted small', text: c.kindLabel })),
            d.h(
              'div',
              { class: 'list-actions' },
              isPrimary(c.kind) ? button(d, 'Выбрать', () => app.chooseOrganisation(c), { primary: true, test: 'choose' }) : null,
              canOpen ? button(d, 'Открыть', () => open(c, trail.length), { test: 'drill' }) : null,
            ),
          ),
        );
      }
      d.set(list, items.length ? items : d.h('li', { class: 'list-empty' }, notice(d, 'info', null, q ? 'Ничего не найдено — измените запрос.' : 'Здесь нет нижестоящих организаций.')));
    }

    let ownPrimary: OrgView | null = null;
    void activity
      .run('Загрузка организации', async (r) => {
        r.indeterminate('Загрузка…');
        const own = await app.api.getOrganisation(me.orgId);
        if (isPrimary(own.kind) && me.role === 'primary_chair') {
          ownPrimary = own;
          return;
        }
        trail.length = 0;
        trail.push(own);
        children = await app.api.listChildren(own.id);
        renderCrumbs();
        renderList();
      })
      .then(() => {
        // Chosen after the activity ended, so the next view starts with the pane free.
        if (ownPrimary) app.chooseOrganisation(ownPrimary);
      });
  },
};
