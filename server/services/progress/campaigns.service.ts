/** Campaign API: list the campaigns that concern an organisation, start a new one, change its dates. */
import { isInSubtree, isUnit, pathIds, subtreeRange } from '../../../domain/organisations';
import { badRequest, conflict, notFound } from '../../errors';
import type { OrganisationRow } from '../../db/models';
import { selectRows } from '../../db/sql';
import { recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import {
  STEP_TITLES,
  activeCampaignForPath,
  campaignsForPath,
  ensureRoadmapCampaign,
  loadCampaign,
  loadCampaignRoots,
  roadmapStepsFor,
  type Campaign,
  type CampaignStep,
} from './campaign-store';
import { ensureCountersCurrent, stampAllMilestones, writeTransaction } from './counters';
import { STEPS, type Step } from './vector';

export interface CampaignView extends Omit<Campaign, 'steps' | 'rootPath'> {
  steps: (CampaignStep & { title: string })[];
  /** The campaign is the one that sets this organisation's deadlines now. */
  active: boolean;
  /** The actor may change it (central or regional administrator, campaign rooted in their subtree). */
  editable: boolean;
}

const EDITOR_ROLES = ['central_admin', 'regional'];

/** Counters current and the tree root's roadmap campaign present: what every progress read needs first. */
export async function prepareProgress(ctx: Ctx, path: string): Promise<void> {
  await ensureCountersCurrent(ctx);
  await ensureRoadmapCampaign(ctx, path, (rootId, t) => stampAllMilestones(ctx, t, rootId));
}

export function campaignView(c: Campaign, actor: Actor, active: boolean): CampaignView {
  const { rootPath, ...rest } = c;
  return {
    ...rest,
    steps: c.steps.map((s) => ({ ...s, title: STEP_TITLES[s.step] })),
    active,
    editable: EDITOR_ROLES.includes(actor.role) && isInSubtree(rootPath, actor.orgPath),
  };
}

/** The campaigns above the organisation (those that apply to it are marked) and those started inside its subtree. */
export async function listCampaigns(ctx: Ctx, actor: Actor, org: OrganisationRow): Promise<{ active: CampaignView | null; campaigns: CampaignView[] }> {
  await prepareProgress(ctx, org.path);
  const roots = await loadCampaignRoots(ctx);
  const today = ctx.now().toISOString().slice(0, 10);
  const active = activeCampaignForPath(roots, org.path, today);
  const ancestors = new Set(pathIds(org.path));
  const { from, to } = subtreeRange(org.path);
  const list: Campaign[] = [];
  for (const [rootId, campaigns] of roots) {
    const rootPath = campaigns[0].rootPath;
    if (ancestors.has(rootId) || (rootPath >= from && rootPath < to)) list.push(...campaigns);
  }
  list.sort((a, b) => a.rootPath.length - b.rootPath.length || a.id - b.id);
  const views = list.map((c) => campaignView(c, actor, c.id === active?.id));
  return { active: views.find((c) => c.active) ?? null, campaigns: views };
}

function checkSteps(steps: readonly CampaignStep[]): void {
  const fields: { field: string; message: string }[] = [];
  for (const s of steps) {
    if (s.startsOn > s.dueOn) {
      fields.push({ field: `steps.${s.step}`, message: `Шаг ${s.step}: дата начала (${s.startsOn}) позже срока (${s.dueOn}).` });
    }
  }
  if (fields.length) throw badRequest('Даты шагов не сходятся: исправьте отмеченные шаги.', fields);
}

export interface CreateCampaignInput {
  name: string;
  /** Move the roadmap's dates to a campaign that starts in November of this year (default: this year). */
  startYear?: number;
  /** Or give all seven steps' dates. */
  steps?: CampaignStep[];
}

export async function createCampaign(ctx: Ctx, actor: Actor, org: OrganisationRow, input: CreateCampaignInput): Promise<CampaignView> {
  if (isUnit(org.kind)) throw badRequest('Кампания начинается для организации Профсоюза, а не для профбюро или профгруппы.');
  await prepareProgress(ctx, org.path);
  let steps: CampaignStep[];
  if (input.steps) {
    const missing = STEPS.filter((s) => !input.steps!.some((x) => x.step === s));
    if (missing.length || input.steps.length !== 7) {
      throw badRequest('Укажите даты всех семи шагов, каждого по одному разу.', [{ field: 'steps', message: `Нет шагов: ${missing.join(', ') || '—'}` }]);
    }
    steps = STEPS.map((s) => input.steps!.find((x) => x.step === s)!);
  } else {
    steps = roadmapStepsFor(input.startYear ?? ctx.now().getUTCFullYear());
  }
  checkSteps(steps);
  const now = ctx.now();
  const id = await writeTransaction(ctx, async (transaction) => {
    const same = await selectRows(ctx.db, 'SELECT id FROM progress_campaigns WHERE root_org_id = :root AND name = :name', { root: org.id, name: input.name }, transaction);
    if (same.length) throw conflict(`Кампания «${input.name}» для этой организации уже есть. Выберите другое название.`, { field: 'name' });
    const rows = await selectRows<{ id: unknown }>(
      ctx.db,
      `/* returning */ INSERT INTO progress_campaigns (root_org_id, name, builtin_key, steps, version, created_by, updated_by, created_at, updated_at)
       VALUES (:root, :name, NULL, :steps, 1, :user, :user, :now, :now) RETURNING id`,
      { root: org.id, name: input.name, steps: JSON.stringify(steps), user: actor.userId, now },
      transaction,
    );
    const newId = Number(rows[0].id);
    await stampAllMilestones(ctx, transaction, org.id);
    await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'progress.campaign_created', entity: 'campaign', entityId: newId, fields: ['name', 'steps'] }, transaction);
    return newId;
  });
  return viewOf(ctx, actor, org, (await loadCampaign(ctx, id))!);
}

export interface UpdateCampaignInput {
  version?: number;
  name?: string;
  steps?: { step: Step; startsOn?: string; dueOn?: string }[];
}

export async function updateCampaign(ctx: Ctx, actor: Actor, org: OrganisationRow, campaignId: number, input: UpdateCampaignInput): Promise<CampaignView> {
  const current = await loadCampaign(ctx, campaignId);
  if (!current || current.rootOrgId !== org.id) throw notFound('Кампания не найдена.');
  if (input.version !== undefined && input.version !== current.version) {
    throw conflict('Кампанию уже изменил другой пользователь. Загрузите её заново и повторите правку.', { currentVersion: current.version });
  }
  const steps = current.steps.map((s) => {
    const change = input.steps?.find((x) => x.step === s.step);
    return change ? { step: s.step, startsOn: change.startsOn ?? s.startsOn, dueOn: change.dueOn ?? s.dueOn } : s;
  });
  checkSteps(steps);
  const name = input.name ?? current.name;
  const fields = [...(name !== current.name ? ['name'] : []), ...(JSON.stringify(steps) !== JSON.stringify(current.steps) ? ['steps'] : [])];
  if (fields.length) {
    await writeTransaction(ctx, async (transaction) => {
      if (name !== current.name) {
        const same = await selectRows(ctx.db, 'SELECT id FROM progress_campaigns WHERE root_org_id = :root AND name = :name AND id <> :id', { root: org.id, name, id: campaignId }, transaction);
        if (same.length) throw conflict(`Кампания «${name}» для этой организации уже есть. Выберите другое название.`, { field: 'name' });
      }
      const locked = await selectRows<{ version: unknown }>(
        ctx.db,
        `SELECT version FROM progress_campaigns WHERE id = :id${ctx.db.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
        { id: campaignId },
        transaction,
      );
      if (Number(locked[0]?.version) !== current.version) {
        throw conflict('Кампанию уже изменил другой пользователь. Загрузите её заново и повторите правку.');
      }
      await ctx.db.sequelize.query(
        'UPDATE progress_campaigns SET name = :name, steps = :steps, version = version + 1, updated_by = :user, updated_at = :now WHERE id = :id',
        { replacements: { name, steps: JSON.stringify(steps), user: actor.userId, now: ctx.now(), id: campaignId }, transaction },
      );
      await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'progress.campaign_updated', entity: 'campaign', entityId: campaignId, fields }, transaction);
    });
  }
  return viewOf(ctx, actor, org, (await loadCampaign(ctx, campaignId))!);
}

async function viewOf(ctx: Ctx, actor: Actor, org: OrganisationRow, c: Campaign): Promise<CampaignView> {
  const roots = await loadCampaignRoots(ctx);
  const active = activeCampaignForPath(roots, org.path, ctx.now().toISOString().slice(0, 10));
  return campaignView(c, actor, active?.id === c.id && campaignsForPath(roots, org.path).some((x) => x.id === c.id));
}
