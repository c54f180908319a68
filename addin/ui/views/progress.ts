/**
 * «Ход внедрения» — the seven steps of the roadmap. A territorial, regional or central user sees the
 * figures of their organisation and of each organisation below it, puts them on the sheet «Ход
 * внедрения» (one row per child, percentages, late steps red, a chart), drills down to a child, and
 * can download the same report as an .xlsx file. A chair of a primary organisation gets the
 * checklist: each step done or not, the next one, deadlines and overdue steps, how to do it, and a
 * button to the view that does it; «Отметить обучение пройденным» for step 2.
 */
import { isPrimary } from '../../../domain/organisations';
import { getChecklist, getProgress, markTrainingDone, progressWorkbookLink, type AddinView, type Checklist, type ChecklistItem, type OrgProgress, type ProgressReport, type StepProgress } from '../../api/progress';
import { PROGRESS_SHEET_NAME, writeProgressSheet } from '../../excel/progress-sheet';
import { Activity } from '../activity';
import { button, notice, section } from '../components';
import type { Dom } from '../dom';
import { formatCount } from '../format';
import { ensureStyles, openAndTell, pill } from '../ui-kit';
import type { Shell, ViewRender } from '../view';
import { obligationCard } from './consents';

/** dd.mm.yyyy */
export function ruDate(iso: string | null): string {
  return iso ? `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}` : '';
}

export function percentText(p: number | null): string {
  return p === null ? '—' : `${Math.round(p)}%`;
}

/** The pane's view a checklist step opens, and the button's label. */
export const STEP_VIEWS: Record<Exclude<AddinView, 'account' | 'training'>, { view: string; label: string }> = {
  passport: { view: 'passport', label: 'Открыть «Паспорт»' },
  structure: { view: 'structure', label: 'Открыть «Структура»' },
  members: { view: 'members', label: 'Открыть «Члены»' },
  consents: { view: 'consents', label: 'Открыть «Согласия»' },
  cards: { view: 'cards', label: 'Открыть «ЭПБ»' },
};

/** Status label of a step: done, overdue, next, later. */
export function stepStatus(item: Pick<ChecklistItem, 'done' | 'overdue' | 'status'>): { kind: 'done' | 'late' | 'next' | 'later'; text: string } {
  if (item.done) return { kind: 'done', text: 'Сделано' };
  if (item.overdue) return { kind: 'late', text: 'Просрочено' };
  if (item.status === 'next') return { kind: 'next', text: 'Следующий шаг' };
  return { kind: 'later', text: 'Позже' };
}

/** «Шаги выполнены: 3 из 7; просрочены: 5, 6» for one organisation. */
export function orgSummary(o: Pick<OrgProgress, 'doneSteps' | 'overdueSteps' | 'steps'>): string {
  const late = o.overdueSteps.length ? `; просрочены шаги: ${o.overdueSteps.join(', ')}` : '';
  return `Шаги выполнены: ${o.doneSteps} из ${o.steps.length}${late}`;
}

function bar(dom: Dom, percent: number | null, kind: 'done' | 'late' | ''): HTMLElement {
  const width = percent === null ? 0 : Math.max(0, Math.min(100, percent));
  const fill = dom.h('span');
  fill.style.width = `${width}%`;
  return dom.h('div', { class: `ux-bar${kind ? ` is-${kind}` : ''}`, attrs: { 'aria-hidden': 'true' } }, fill);
}

/** «40% · просрочен», «100%», «просрочен» (nothing to measure yet), «—». */
export function stepFigureText(s: Pick<StepProgress, 'applies' | 'percent' | 'overdue'>): string {
  const pct = s.applies && s.percent !== null ? percentText(s.percent) : '';
  if (s.overdue) return pct ? `${pct} · просрочен` : 'просрочен';
  return pct || '—';
}

/** The seven steps of one organisation as figures: title, percent (red when late, green when done). */
function stepFigures(dom: Dom, steps: readonly StepProgress[]): HTMLElement {
  return dom.h(
    'dl',
    { class: 'ux-figures', attrs: { 'data-test': 'step-figures' } },
    steps.map((s) => [
      dom.h('dt', { text: `${s.step}. ${s.title}${s.dueOn ? ` (до ${ruDate(s.dueOn)})` : ''}` }),
      dom.h('dd', { class: s.overdue ? 'is-late' : s.done ? 'is-done' : '', text: stepFigureText(s), attrs: { 'data-step': s.step, 'data-late': s.overdue ? '1' : undefined } }),
    ]),
  );
}

// ==================================================================== the report (territorial and above)

function reportPart(app: Shell, rootOrgId: number): HTMLElement {
  const d = app.dom;
  const trail: { id: number; name: string }[] = [];
  const crumbs = d.h('nav', { class: 'crumbs', attrs: { 'aria-label': 'Уровни', 'data-test': 'progress-crumbs' } });
  const activityEl = d.h('div', { attrs: { 'data-test': 'progress-activity' } });
  const activity = new Activity(app, activityEl);
  const head = d.h('div', { class: 'results', attrs: { 'data-test': 'progress-head', 'aria-live': 'polite' } });
  const list = d.h('ul', { class: 'list ux-orgs', attrs: { 'data-test': 'progress-children' } });
  const out = d.h('div', { class: 'results', attrs: { 'data-test': 'progress-results', 'aria-live': 'polite' } });

  const renderCrumbs = () => {
    crumbs.hidden = trail.length < 2;
    d.set(
      crumbs,
      trail.map((o, i) =>
        i === trail.length - 1
          ? d.h('span', { class: 'crumb is-current', text: o.name, attrs: { 'aria-current': 'location' } })
          : d.h('button', { type: 'button', class: 'crumb', text: o.name, onclick: () => open(o.id, i) }),
      ),
    );
  };

  const renderReport = (r: ProgressReport) => {
    const o = r.organisation;
    d.set(
      head,
      d.h(
        'section',
        { class: 'card', attrs: { 'data-test': 'progress-org' } },
        d.h('h2', { class: 'card-title', text: o.name }),
        d.h('p', { class: 'card-desc', text: `${r.campaign ? `${r.campaign.name}. ` : ''}${o.kindLabel}: ППО — ${formatCount(o.counts.primaries)}, на учёте — ${formatCount(o.counts.registered)} чел. ${orgSummary(o)}.` }),
        stepFigures(d, o.steps),
        o.overdueSteps.length ? d.h('p', { class: 'small muted', text: 'Красным — шаги, срок которых прошёл, а цель не достигнута.' }) : null,
      ),
    );
    d.set(
      list,
      r.children.map((c) => {
        const late = c.overdueSteps.length;
        return d.h(
          'li',
          { class: 'list-item', attrs: { 'data-test': `progress-child-${c.orgId}` } },
          d.h(
            'div',
            { class: 'list-main' },
            d.h('strong', { text: c.name }),
            d.h('span', { class: 'muted small', text: `${c.kindLabel}. На учёте: ${formatCount(c.counts.registered)} чел.` }),
            d.h('span', { class: 'small' }, `Сделано шагов: ${c.doneSteps} из ${c.steps.length} `, late ? pill(d, 'late', `просрочено: ${late}`) : pill(d, c.doneSteps === c.steps.length ? 'done' : 'later', c.doneSteps === c.steps.length ? 'всё сделано' : 'в срок')),
          ),
          d.h('div', { class: 'list-actions' }, button(d, 'Подробнее', () => open(c.orgId, trail.length), { test: 'drill' })),
        );
      }),
    );
  };

  function open(orgId: number, depth: number): void {
    void activity.run('Загрузка хода внедрения', async (r) => {
      r.indeterminate('Загрузка показателей…');
      const rep = await getProgress(app.api, orgId);
      trail.length = depth;
      trail.push({ id: rep.organisation.orgId, name: rep.organisation.name });
      renderCrumbs();
      renderReport(rep);
      d.set(out);
    });
  }

  const onSheet = () =>
    void activity.run('Лист «Ход внедрения»', async (r) => {
      const current = trail[trail.length - 1]?.id ?? rootOrgId;
      r.progress(0, 2, 'Загрузка показателей…');
      const rep = await getProgress(app.api, current);
      renderReport(rep);
      r.progress(1, 2, `Запись на лист «${PROGRESS_SHEET_NAME}»…`);
      const w = await app.excel((ctx) => writeProgressSheet(ctx, rep));
      const late = rep.children.filter((c) => c.overdueSteps.length).length;
      d.set(
        out,
        notice(
          d,
          'success',
          `Лист «${PROGRESS_SHEET_NAME}» готов`,
          `${rep.organisation.name}: ${formatCount(w.rows)} ${w.rows === 1 ? 'строка' : 'строк(и)'} по нижестоящим организациям и итог, проценты по семи шагам${w.chart ? ', диаграмма' : ''}. ${late ? `Просроченные шаги закрашены красным (организаций с просрочкой: ${formatCount(late)}).` : 'Просроченных шагов нет.'}`,
          [],
          'progress-sheet-result',
        ),
      );
    });

  const onDownload = () =>
    void activity.run('Файл .xlsx', async (r) => {
      const current = trail[trail.length - 1]?.id ?? rootOrgId;
      r.indeterminate('Готовим файл…');
      const link = await progressWorkbookLink(app.api, current);
      d.set(out, openAndTell(d, link, 'Ход внедрения', 'Скачать файлом .xlsx', 'progress-xlsx'));
    });

  open(rootOrgId, 0);
  return d.h(
    'div',
    { class: 'view-body' },
    crumbs,
    section(
      d,
      'На листе Excel',
      `Лист «${PROGRESS_SHEET_NAME}»: строка на каждую нижестоящую организацию, проценты по семи шагам, просроченные — красным, диаграмма.`,
      d.h('div', { class: 'actions' }, button(d, 'Показать на листе', onSheet, { primary: true, test: 'progress-sheet' }), button(d, 'Скачать файлом .xlsx', onDownload, { test: 'progress-download' })),
    ),
    activityEl,
    out,
    head,
    list,
  );
}

// ==================================================================== the checklist (primary chair)

function itemCard(app: Shell, item: ChecklistItem, reload: () => void): HTMLElement {
  const d = app.dom;
  const st = stepStatus(item);
  const trainingEl = d.h('div');
  const trainingActivity = new Activity(app, trainingEl);
  const actions: HTMLElement[] = [];
  if (item.view === 'account') {
    if (app.me && !app.me.obligationRecordedAt) actions.push(button(d, 'Открыть «Согласия»: обязательство', () => app.navigate('consents'), { test: 'goto-consents' }));
  } else if (item.view === 'training') {
    if (!item.done && !app.me?.trainingCompletedAt) {
      actions.push(
        button(
          d,
          'Отметить обучение пройденным',
          () =>
            void trainingActivity
              .run('Отметка обучения', async (r) => {
                r.indeterminate('Сохраняем отметку…');
                await markTrainingDone(app.api);
              })
              // After the activity, when the pane is free again: the account (its banner and tabs are
              // redrawn, so not while the tabs are locked), then the checklist's own loading.
              .then(async (ok) => {
                if (!ok) return;
                await app.refreshMe().catch(() => undefined);
                reload();
              }),
          { primary: true, test: 'mark-training' },
        ),
      );
    }
  } else {
    const v = STEP_VIEWS[item.view];
    if (!item.done) actions.push(button(d, v.label, () => app.navigate(v.view), { primary: item.status === 'next', test: `goto-${v.view}` }));
  }
  const dates = item.startsOn && item.dueOn ? `Срок: ${ruDate(item.startsOn)} – ${ruDate(item.dueOn)}` : item.dueOn ? `Срок: до ${ruDate(item.dueOn)}` : '';
  const reached = item.reachedOn ? `Выполнено ${ruDate(item.reachedOn)}` : '';
  return d.h(
    'li',
    { class: `card ux-step is-${st.kind}`, attrs: { 'data-test': `step-${item.step}`, 'data-status': st.kind } },
    d.h('div', { class: 'ux-step-head' }, d.h('span', { class: 'ux-step-title' }, d.h('span', { class: 'ux-step-no', text: `Шаг ${item.step}.` }), item.title), pill(d, st.kind, st.text)),
    d.h('p', { class: 'ux-meta', text: [dates, reached].filter(Boolean).join(' · ') }),
    d.h('p', { text: item.summary }),
    item.percent !== null && !item.done ? bar(d, item.percent, item.overdue ? 'late' : '') : null,
    d.h('details', {}, d.h('summary', { text: 'Как сделать' }), d.h('p', { class: 'small', text: item.task }), d.h('ol', { class: 'help-steps' }, item.instructions.map((s) => d.h('li', { text: s })))),
    actions.length ? d.h('div', { class: 'actions' }, actions) : null,
    trainingEl,
  );
}

function checklistPart(app: Shell, orgId: number): HTMLElement {
  const d = app.dom;
  const activityEl = d.h('div', { attrs: { 'data-test': 'checklist-activity' } });
  const activity = new Activity(app, activityEl);
  const head = d.h('div', { class: 'results', attrs: { 'data-test': 'checklist-head', 'aria-live': 'polite' } });
  const list = d.h('ol', { class: 'tabs-complete', attrs: { 'data-test': 'checklist' } });
  const show = (c: Checklist) => {
    const next = c.items.find((i) => i.step === c.nextStep);
    const late = c.items.filter((i) => i.overdue);
    d.set(
      head,
      notice(
        d,
        late.length ? 'warning' : c.doneSteps === c.items.length ? 'success' : 'info',
        `Сделано шагов: ${c.doneSteps} из ${c.items.length}`,
        `${c.campaign ? `${c.campaign.name}. ` : ''}${next ? `Следующий шаг — ${next.step}: «${next.title}».` : 'Все шаги выполнены. Спасибо!'}${late.length ? ` Просрочены шаги: ${late.map((i) => i.step).join(', ')} — начните с них.` : ''}`,
        [],
        'checklist-summary',
      ),
    );
    d.set(list, c.items.map((i) => itemCard(app, i, load)));
  };
  function load(): void {
    void activity.run('Памятка «Семь шагов»', async (r) => {
      r.indeterminate('Загрузка…');
      show(await getChecklist(app.api, orgId));
    });
  }
  load();
  return d.h('div', { class: 'view-body' }, activityEl, head, list);
}

export const render: ViewRender = (root, app) => {
  const d = app.dom;
  ensureStyles(d.doc, root);
  const me = app.me!;
  const chair = me.role === 'primary_chair';
  const primary = app.org && isPrimary(app.org.kind) ? app.org : null;
  if (chair) {
    d.append(root, [
      d.h('p', { class: 'lead', text: 'Дорожная карта «Семь месяцев — семь шагов»: что уже сделано, что дальше и как это сделать.' }),
      obligationCard(app),
      checklistPart(app, primary?.id ?? me.orgId),
    ]);
    return;
  }
  d.append(root, [
    d.h('p', { class: 'lead', text: 'Дорожная карта «Семь месяцев — семь шагов» по вашей организации и каждой нижестоящей. Нажмите «Подробнее», чтобы открыть организацию.' }),
    reportPart(app, me.orgId),
  ]);
};
