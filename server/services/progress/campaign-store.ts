/**
 * Campaigns of the roll-out: the seven steps with their dates. A campaign is rooted at an organisation
 * and applies to its subtree, unless a deeper organisation has campaigns of its own (the nearest root
 * wins). Among the campaigns of one root the active one is the latest that has started (else the
 * earliest that will start). The roadmap «Семь месяцев – семь шагов» is the built-in campaign of every
 * tree root, created on first use.
 */
import type { Transaction } from 'sequelize';
import { pathIds } from '../../../domain/organisations';
import { selectRows } from '../../db/sql';
import type { Ctx } from '../context';
import { memberTransaction } from '../members/member-tx';
import { STEPS, type Step } from './vector';

export interface CampaignStep {
  step: Step;
  /** YYYY-MM-DD, inclusive. */
  startsOn: string;
  /** YYYY-MM-DD, inclusive: overdue from the next day. */
  dueOn: string;
}

export interface Campaign {
  id: number;
  rootOrgId: number;
  name: string;
  builtin: boolean;
  steps: CampaignStep[];
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The root organisation's name and path (read with the campaign). */
  rootOrgName: string;
  rootPath: string;
}

/** Titles of the steps, as the roadmap names them. */
export const STEP_TITLES: Record<Step, string> = {
  1: 'Доступ к реестру: логины, пароли, обязательства',
  2: 'Обучение председателей ППО',
  3: 'Паспорт ППО и структура',
  4: 'Постановка членов Профсоюза на учёт',
  5: 'Согласия на обработку персональных данных',
  6: 'Заявки на электронные профсоюзные билеты',
  7: 'Выдача электронных профсоюзных билетов',
};

export const ROADMAP_NAME = 'Дорожная карта «Семь месяцев – семь шагов»';

/** The dates of the roadmap (1 November 2020 – 31 May 2021). */
export const ROADMAP_STEPS: readonly CampaignStep[] = [
  { step: 1, startsOn: '2020-11-01', dueOn: '2020-11-15' },
  { step: 2, startsOn: '2020-11-15', dueOn: '2020-12-15' },
  { step: 3, startsOn: '2020-12-15', dueOn: '2021-01-31' },
  { step: 4, startsOn: '2021-02-01', dueOn: '2021-02-28' },
  { step: 5, startsOn: '2021-03-01', dueOn: '2021-03-31' },
  { step: 6, startsOn: '2021-04-01', dueOn: '2021-04-30' },
  { step: 7, startsOn: '2021-05-01', dueOn: '2021-05-31' },
];

/** The roadmap's dates moved to a campaign that starts in November of `startYear` (the last day of a month stays the last). */
export function roadmapStepsFor(startYear: number): CampaignStep[] {
  const shift = startYear - 2020;
  const move = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number);
    const year = y + shift;
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    const day = d === new Date(Date.UTC(y, m, 0)).getUTCDate() ? last : Math.min(d, last);
    return `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  };
  return ROADMAP_STEPS.map((s) => ({ step: s.step, startsOn: move(s.startsOn), dueOn: move(s.dueOn) }));
}

export function parseSteps(json: string): CampaignStep[] {
  const raw = JSON.parse(json) as CampaignStep[];
  return STEPS.map((step) => {
    const s = raw.find((x) => x.step === step);
    const d = ROADMAP_STEPS[step - 1];
    return { step, startsOn: s?.startsOn ?? d.startsOn, dueOn: s?.dueOn ?? d.dueOn };
  });
}

const iso = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();

function campaignFromRow(r: Record<string, unknown>): Campaign {
  return {
    id: Number(r.id),
    rootOrgId: Number(r.root_org_id),
    name: String(r.name),
    builtin: r.builtin_key !== null && r.builtin_key !== undefined,
    steps: parseSteps(String(r.steps)),
    version: Number(r.version),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    rootOrgName: String(r.root_name ?? ''),
    rootPath: String(r.root_path ?? ''),
  };
}

const CAMPAIGN_SELECT =
  'SELECT c.id, c.root_org_id, c.name, c.builtin_key, c.steps, c.version, c.created_at, c.updated_at, o.name AS root_name, o.path AS root_path ' +
  'FROM progress_campaigns c LEFT JOIN organisations o ON o.id = c.root_org_id';

/** Campaigns by the id of their root organisation. */
export type CampaignRoots = Map<number, Campaign[]>;

export async function loadCampaignRoots(ctx: Ctx, transaction?: Transaction): Promise<CampaignRoots> {
  const rows = await selectRows<Record<string, unknown>>(ctx.db, `${CAMPAIGN_SELECT} ORDER BY c.id`, {}, transaction);
  const out: CampaignRoots = new Map();
  for (const r of rows) {
    const c = campaignFromRow(r);
    const list = out.get(c.rootOrgId) ?? [];
    list.push(c);
    out.set(c.rootOrgId, list);
  }
  return out;
}

export async function loadCampaign(ctx: Ctx, id: number, transaction?: Transaction): Promise<Campaign | null> {
  const rows = await selectRows<Record<string, unknown>>(ctx.db, `${CAMPAIGN_SELECT} WHERE c.id = :id`, { id }, transaction);
  return rows.length ? campaignFromRow(rows[0]) : null;
}

/** All campaigns of the nearest ancestor (or the organisation itself) that has any. */
export function campaignsForPath(roots: CampaignRoots, path: string): Campaign[] {
  const ids = pathIds(path);
  for (let i = ids.length - 1; i >= 0; i--) {
    const list = roots.get(ids[i]);
    if (list?.length) return list;
  }
  return [];
}

/** The latest campaign that has started by `today`; if none has, the one that starts first. */
export function pickActive(campaigns: readonly Campaign[], today: string): Campaign | null {
  if (!campaigns.length) return null;
  const start = (c: Campaign) => c.steps.reduce((m, s) => (s.startsOn < m ? s.startsOn : m), c.steps[0].startsOn);
  const started = campaigns.filter((c) => start(c) <= today).sort((a, b) => (start(b) === start(a) ? b.id - a.id : start(b) < start(a) ? -1 : 1));
  if (started.length) return started[0];
  return [...campaigns].sort((a, b) => (start(a) === start(b) ? a.id - b.id : start(a) < start(b) ? -1 : 1))[0];
}

export function activeCampaignForPath(roots: CampaignRoots, path: string, today: string): Campaign | null {
  return pickActive(campaignsForPath(roots, path), today);
}

const ensuredRoots = new WeakMap<object, Set<number>>();

/**
 * The built-in roadmap campaign of the tree root above `path`, created the first time it is needed
 * (and stamped for everything already at 100%). Returns true when it was created now.
 */
export async function ensureRoadmapCampaign(
  ctx: Ctx,
  path: string,
  stampRoot: (rootId: number, transaction: Transaction) => Promise<void>,
): Promise<boolean> {
  const rootId = pathIds(path)[0];
  const done = ensuredRoots.get(ctx.db) ?? new Set<number>();
  ensuredRoots.set(ctx.db, done);
  if (done.has(rootId)) return false;
  const key = `roadmap:${rootId}`;
  const existing = await selectRows(ctx.db, 'SELECT id FROM progress_campaigns WHERE builtin_key = :key', { key });
  if (existing.length) {
    done.add(rootId);
    return false;
  }
  const now = ctx.now();
  const created = await memberTransaction(ctx, [], async (transaction) => {
    const rows = await selectRows<{ id: unknown }>(
      ctx.db,
      `/* returning */ INSERT INTO progress_campaigns (root_org_id, name, builtin_key, steps, version, created_by, updated_by, created_at, updated_at)
       VALUES (:rootId, :name, :key, :steps, 1, NULL, NULL, :now, :now)
       ON CONFLICT (builtin_key) DO NOTHING RETURNING id`,
      { rootId, name: ROADMAP_NAME, key, steps: JSON.stringify(ROADMAP_STEPS), now },
      transaction,
    );
    if (rows.length) await stampRoot(rootId, transaction);
    return rows.length > 0;
  });
  done.add(rootId);
  return created;
}
