/**
 * The progress report: the organisation's own figures and one row per direct child (drill down by
 * asking again for a child), each with the seven steps measured, the day each step was reached and
 * whether it is overdue; and the checklist a primary chair follows. Counts only — no personal data.
 */
import { isPrimary, orgKindLabel, type OrgKind } from '../../../domain/organisations';
import { badRequest } from '../../errors';
import type { OrganisationRow } from '../../db/models';
import { selectRows } from '../../db/sql';
import type { Actor, Ctx } from '../context';
import { STEP_TITLES, activeCampaignForPath, loadCampaignRoots, type Campaign, type CampaignRoots } from './campaign-store';
import { campaignView, prepareProgress, type CampaignView } from './campaigns.service';
import { parseStats, statsColumns } from './counters';
import { STEP_INSTRUCTIONS, type AddinView } from './instructions';
import { STEPS, percent, stepApplies, stepDone, stepRatio, zeroCounters, type CounterKey, type Counters, type Step } from './vector';

export interface Indicator {
  key: string;
  label: string;
  value: number;
  /** What the value is counted against; null for a plain count. */
  of: number | null;
  percent: number | null;
}

export interface StepProgress {
  step: Step;
  title: string;
  /** Steps 1–4 do not apply to a профбюро or профгруппа. */
  applies: boolean;
  /** The step's main measure: value of `of`, in percent (null when there is nothing to measure). */
  value: number;
  of: number;
  percent: number | null;
  done: boolean;
  /** The day the organisation was first seen at 100% of the step (in its current campaign). */
  reachedOn: string | null;
  startsOn: string | null;
  dueOn: string | null;
  /** Past the deadline and never reached (a step reached once and fallen back since is not overdue). */
  overdue: boolean;
  indicators: Indicator[];
}

export interface OrgProgress {
  orgId: number;
  name: string;
  kind: OrgKind;
  kindLabel: string;
  parentId: number | null;
  /** Has organisations or units below it (a row worth drilling into). */
  hasChildren: boolean;
  campaignId: number | null;
  counts: Counters;
  /** Members registered against employees + students in the passports, percent. */
  coveragePercent: number | null;
  steps: StepProgress[];
  doneSteps: number;
  overdueSteps: Step[];
}

export interface ProgressReport {
  generatedAt: string;
  today: string;
  campaign: CampaignView | null;
  organisation: OrgProgress;
  children: OrgProgress[];
}

function ind(key: CounterKey | string, label: string, value: number, of: number | null): Indicator {
  return { key, label, value, of, percent: of === null ? null : percent(value, of) };
}

function indicators(step: Step, c: Counters): Indicator[] {
  switch (step) {
    case 1:
      return [
        ind('primaries', 'Первичных организаций', c.primaries, null),
        ind('accounts', 'Выданы логины председателям ППО', c.accounts, c.primaries),
        ind('obligations', 'Отмечены обязательства о неразглашении ПД', c.obligations, c.primaries),
      ];
    case 2:
      return [ind('trained', 'Председатели ППО прошли обучение или первый запуск', c.trained, c.primaries)];
    case 3:
      return [
        ind('tabInpo', 'Паспорт: вкладка «ИНПО»', c.tabInpo, c.primaries),
        ind('tabRegistration', 'Паспорт: вкладка «Регистрация»', c.tabRegistration, c.primaries),
        ind('tabOrganisation', 'Паспорт: вкладка «Организация»', c.tabOrganisation, c.primaries),
        ind('tabContacts', 'Паспорт: вкладка «Адреса и телефоны»', c.tabContacts, c.primaries),
        ind('passports', 'Паспорт заполнен полностью', c.passports, c.primaries),
        ind('structures', 'Создана структура (профбюро, профгруппы)', c.structures, c.primaries),
      ];
    case 4:
      return [
        ind('withMembers', 'ППО поставили членов на учёт', c.withMembers, c.primaries),
        ind('registered', 'Членов Профсоюза на учёте (охват от численности по паспортам)', c.registered, c.employees + c.students),
        ind('employees', 'Работников по паспортам', c.employees, null),
        ind('students', 'Обучающихся по паспортам', c.students, null),
      ];
    case 5:
      return [
        ind('consentsAnswered', 'Собраны все три согласия (дано или отказ)', c.consentsAnswered, c.registered),
        ind('consentUnion', 'Согласие Профсоюзу дано', c.consentUnion, c.registered),
        ind('consentOperator', 'Согласие ООО «ФИНФОРТ» дано', c.consentOperator, c.registered),
        ind('consentNotify', 'Согласие на уведомления дано', c.consentNotify, c.registered),
      ];
    case 6:
      return [
        ind('cardsOrdered', 'ЭПБ заказаны (из тех, кому можно заказать)', c.cardsOrdered, c.cardsOrdered + c.cardsEligible),
        ind('cardsEligible', 'Можно заказать ещё', c.cardsEligible, null),
      ];
    case 7:
      return [
        ind('cardsIssued', 'ЭПБ выданы (из полученных организациями)', c.cardsIssued, c.cardsReceived),
        ind('cardsReceived', 'ЭПБ получены организациями', c.cardsReceived, null),
        ind('cardsInTransit', 'ЭПБ в заказе и в пути', Math.max(0, c.cardsOrdered - c.cardsReceived), null),
      ];
  }
}

/** The seven steps of one organisation, from its counters, its campaign and its reached dates. */
export function measureOrganisation(
  org: { id: number; name: string; kind: OrgKind; parentId: number | null; hasChildren: boolean },
  counters: Counters,
  campaign: Campaign | null,
  reached: Map<Step, string>,
  today: string,
): OrgProgress {
  const steps = STEPS.map((step): StepProgress => {
    const applies = stepApplies(step, org.kind);
    const { value, of } = stepRatio(step, counters);
    const done = applies && stepDone(step, counters);
    const dates = campaign?.steps.find((s) => s.step === step);
    const reachedOn = applies ? (reached.get(step) ?? null) : null;
    return {
      step,
      title: STEP_TITLES[step],
      applies,
      value,
      of,
      percent: applies ? percent(value, of) : null,
      done,
      reachedOn,
      startsOn: dates?.startsOn ?? null,
      dueOn: dates?.dueOn ?? null,
      overdue: applies && !done && reachedOn === null && dates !== undefined && today > dates.dueOn,
      indicators: applies ? indicators(step, counters) : indicators(step, counters).filter((i) => !i.key.startsWith('tab')),
    };
  });
  return {
    orgId: org.id,
    name: org.name,
    kind: org.kind,
    kindLabel: orgKindLabel(org.kind),
    parentId: org.parentId,
    hasChildren: org.hasChildren,
    campaignId: campaign?.id ?? null,
    counts: counters,
    coveragePercent: percent(counters.registered, counters.employees + counters.students),
    steps,
    doneSteps: steps.filter((s) => s.done).length,
    overdueSteps: steps.filter((s) => s.overdue).map((s) => s.step),
  };
}

interface OrgLine {
  id: number;
  name: string;
  kind: OrgKind;
  parentId: number | null;
  path: string;
  hasChildren: boolean;
  counters: Counters;
}

/**
 * The organisation and its active direct children, each with its counters and whether it has children
 * of its own — one statement (the parent index for the children, the primary key for the counters).
 */
async function loadLines(ctx: Ctx, orgId: number, withChildren: boolean): Promise<{ self: OrgLine; children: OrgLine[] }> {
  const cols = `o.id AS o_id, o.name AS o_name, o.kind AS o_kind, o.parent_id AS o_parent, o.path AS o_path,
    CASE WHEN EXISTS (SELECT 1 FROM organisations g WHERE g.parent_id = o.id AND g.status = 'active') THEN 1 ELSE 0 END AS o_has_children,
    s.org_id AS s_known, ${statsColumns('s.')}`;
  const sql =
    `SELECT 0 AS self_first, ${cols} FROM organisations o LEFT JOIN org_stats s ON s.org_id = o.id WHERE o.id = :id` +
    (withChildren ? ` UNION ALL SELECT 1 AS self_first, ${cols} FROM organisations o LEFT JOIN org_stats s ON s.org_id = o.id WHERE o.parent_id = :id AND o.status = 'active'` : '');
  const rows = await selectRows<Record<string, unknown>>(ctx.db, sql, { id: orgId });
  const lines = rows.map((r) => ({
    first: Number(r.self_first),
    line: {
      id: Number(r.o_id),
      name: String(r.o_name),
      kind: String(r.o_kind) as OrgKind,
      parentId: r.o_parent === null || r.o_parent === undefined ? null : Number(r.o_parent),
      path: String(r.o_path),
      hasChildren: Number(r.o_has_children) === 1,
      counters: r.s_known === null || r.s_known === undefined ? zeroCounters() : parseStats(r).counters,
    } satisfies OrgLine,
  }));
  const self = lines.find((l) => l.first === 0)!.line;
  const children = lines.filter((l) => l.first === 1).map((l) => l.line).sort((a, b) => collator.compare(a.name, b.name));
  return { self, children };
}

async function reachedDates(ctx: Ctx, pairs: { orgId: number; campaignId: number }[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byCampaign = new Map<number, number[]>();
  for (const p of pairs) byCampaign.set(p.campaignId, [...(byCampaign.get(p.campaignId) ?? []), p.orgId]);
  for (const [campaignId, orgIds] of byCampaign) {
    const rows = await selectRows<{ org_id: unknown; step: unknown; reached_on: unknown }>(
      ctx.db,
      `SELECT org_id, step, reached_on FROM progress_milestones WHERE campaign_id = :campaignId AND org_id IN (${orgIds.map(Number).join(', ')})`,
      { campaignId },
    );
    for (const r of rows) {
      const day = r.reached_on instanceof Date ? r.reached_on.toISOString().slice(0, 10) : String(r.reached_on).slice(0, 10);
      out.set(`${Number(r.org_id)}:${Number(r.step)}`, day);
    }
  }
  return out;
}

async function measureLines(ctx: Ctx, lines: OrgLine[], roots: CampaignRoots, today: string): Promise<OrgProgress[]> {
  const campaigns = new Map(lines.map((l) => [l.id, activeCampaignForPath(roots, l.path, today)]));
  const reached = await reachedDates(
    ctx,
    lines.filter((l) => campaigns.get(l.id)).map((l) => ({ orgId: l.id, campaignId: campaigns.get(l.id)!.id })),
  );
  return lines.map((l) => {
    const dates = new Map<Step, string>();
    for (const step of STEPS) {
      const d = reached.get(`${l.id}:${step}`);
      if (d) dates.set(step, d);
    }
    return measureOrganisation(
      { id: l.id, name: l.name, kind: l.kind, parentId: l.parentId, hasChildren: l.hasChildren },
      l.counters,
      campaigns.get(l.id) ?? null,
      dates,
      today,
    );
  });
}

const collator = new Intl.Collator('ru', { sensitivity: 'base', numeric: true });

/** The organisation's figures and one row per active direct child. */
export async function progressReport(ctx: Ctx, actor: Actor, org: OrganisationRow): Promise<ProgressReport> {
  await prepareProgress(ctx, org.path);
  const today = ctx.now().toISOString().slice(0, 10);
  const { self, children } = await loadLines(ctx, org.id, true);
  const roots = await loadCampaignRoots(ctx);
  const [own, ...rows] = await measureLines(ctx, [self, ...children], roots, today);
  const campaign = activeCampaignForPath(roots, org.path, today);
  return {
    generatedAt: ctx.now().toISOString(),
    today,
    campaign: campaign ? campaignView(campaign, actor, true) : null,
    organisation: own,
    children: rows,
  };
}

// ------------------------------------------------------------------ the checklist of a primary chair

export interface ChecklistItem {
  step: Step;
  title: string;
  task: string;
  status: 'done' | 'next' | 'later';
  done: boolean;
  overdue: boolean;
  startsOn: string | null;
  dueOn: string | null;
  reachedOn: string | null;
  percent: number | null;
  /** Where the organisation stands, in words. */
  summary: string;
  instructions: string[];
  view: AddinView;
  relatedViews: AddinView[];
}

export interface Checklist {
  orgId: number;
  orgName: string;
  today: string;
  campaign: CampaignView | null;
  nextStep: Step | null;
  doneSteps: number;
  items: ChecklistItem[];
}

const ruDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

function summary(step: Step, c: Counters): string {
  const many = c.primaries > 1;
  const ofP = (n: number) => `${n} из ${c.primaries} ППО`;
  switch (step) {
    case 1:
      if (many) return `Логины выданы: ${ofP(c.accounts)}; обязательства отмечены: ${ofP(c.obligations)}.`;
      if (!c.accounts) return 'Учётная запись председателя ещё не создана.';
      return c.obligations ? 'Логин выдан, обязательство о неразглашении персональных данных отмечено.' : 'Логин выдан, но подписанное обязательство о неразглашении ещё не отмечено в реестре.';
    case 2:
      if (many) return `Обучение прошли: ${ofP(c.trained)}.`;
      return c.trained ? 'Обучение отмечено.' : 'Обучение ещё не отмечено.';
    case 3: {
      if (many) return `Паспорт заполнен полностью: ${ofP(c.passports)}; структура создана: ${ofP(c.structures)}.`;
      const missing = [
        [c.tabInpo, '«ИНПО»'],
        [c.tabRegistration, '«Регистрация»'],
        [c.tabOrganisation, '«Организация»'],
        [c.tabContacts, '«Адреса и телефоны»'],
      ]
        .filter(([v]) => !v)
        .map(([, l]) => l);
      const passport = missing.length ? `Не заполнены вкладки паспорта: ${missing.join(', ')}.` : 'Паспорт заполнен полностью.';
      return `${passport} ${c.structures ? 'Структура (профбюро, профгруппы) создана.' : 'Профбюро и профгруппы не созданы (нужны, только если в организации есть подразделения).'}`;
    }
    case 4: {
      if (!c.registered) return 'Члены Профсоюза ещё не поставлены на учёт.';
      const cover = percent(c.registered, c.employees + c.students);
      return `На учёте ${c.registered} чел.${cover === null ? ' Охват не посчитать: в паспорте не указана численность.' : ` Охват — ${cover}% от численности работников и обучающихся по паспорту.`}`;
    }
    case 5:
      if (!c.registered) return 'Согласия собираются после постановки членов на учёт.';
      return `Все три согласия отмечены у ${c.consentsAnswered} из ${c.registered} чел. Даны: Профсоюзу — ${c.consentUnion}, ООО «ФИНФОРТ» — ${c.consentOperator}, на уведомления — ${c.consentNotify}.`;
    case 6:
      if (!c.cardsOrdered && !c.cardsEligible) return 'Заказать билет пока некому: нужны согласия Профсоюзу и ООО «ФИНФОРТ», телефон и дата рождения.';
      return `Заказано ЭПБ: ${c.cardsOrdered}. Можно заказать ещё: ${c.cardsEligible}.`;
    case 7:
      if (!c.cardsReceived) return c.cardsOrdered ? `Заказанные билеты (${c.cardsOrdered}) ещё не поступили в организацию.` : 'Билеты ещё не заказаны.';
      return `Выдано ${c.cardsIssued} из ${c.cardsReceived} полученных билетов.${c.cardsOrdered > c.cardsReceived ? ` Ещё в пути: ${c.cardsOrdered - c.cardsReceived}.` : ''}`;
  }
}

/** The seven steps for one primary organisation: done / next / later, deadline, instructions. */
export async function checklist(ctx: Ctx, actor: Actor, org: OrganisationRow): Promise<Checklist> {
  if (!isPrimary(org.kind)) {
    throw badRequest('Памятка «Семь шагов» составляется для первичной профсоюзной организации. Выберите ППО.');
  }
  await prepareProgress(ctx, org.path);
  const today = ctx.now().toISOString().slice(0, 10);
  const roots = await loadCampaignRoots(ctx);
  const { self } = await loadLines(ctx, org.id, false);
  const [own] = await measureLines(ctx, [self], roots, today);
  const campaign = activeCampaignForPath(roots, org.path, today);
  const view = campaign ? campaignView(campaign, actor, true) : null;
  const next = own.steps.find((s) => !s.done)?.step ?? null;
  const items = own.steps.map((s): ChecklistItem => {
    const help = STEP_INSTRUCTIONS[s.step];
    const late = s.overdue && s.dueOn ? ` Срок был ${ruDate(s.dueOn)} — шаг просрочен.` : '';
    return {
      step: s.step,
      title: s.title,
      task: help.task,
      status: s.done ? 'done' : s.step === next ? 'next' : 'later',
      done: s.done,
      overdue: s.overdue,
      startsOn: s.startsOn,
      dueOn: s.dueOn,
      reachedOn: s.reachedOn,
      percent: s.percent,
      summary: summary(s.step, own.counts) + late,
      instructions: help.instructions,
      view: help.view,
      relatedViews: help.relatedViews,
    };
  });
  return { orgId: org.id, orgName: org.name, today, campaign: view, nextStep: next, doneSteps: own.doneSteps, items };
}
