import { z } from 'zod';
import { normalizeSpaces } from '../../domain/cell';
import { ORG_KIND_CODES } from '../../domain/organisations';
import { COUNTER_KEYS, type Step } from '../services/progress/vector';

const isoDate = z.iso.date('Дата в формате ГГГГ-ММ-ДД');
const stepNo = z.number().int().min(1, 'Шаги нумеруются от 1 до 7').max(7, 'Шаги нумеруются от 1 до 7').transform((n) => n as Step);

const campaignName = z
  .string()
  .transform(normalizeSpaces)
  .pipe(z.string().min(1, 'Введите название кампании').max(200, 'Название не длиннее 200 символов').regex(/^[^<>]*$/, 'Уберите символы < и >'));

export const campaignIdParams = z.object({
  orgId: z.coerce.number().int().positive(),
  campaignId: z.coerce.number().int().positive(),
});

export const createCampaignBody = z
  .strictObject({
    name: campaignName,
    startYear: z.number().int().min(2020, 'Год — не раньше 2020').max(2100, 'Год — не позже 2100').optional(),
    steps: z.array(z.strictObject({ step: stepNo, startsOn: isoDate, dueOn: isoDate })).optional(),
  })
  .refine((b) => !(b.startYear !== undefined && b.steps !== undefined), { message: 'Укажите либо год начала (startYear), либо даты шагов (steps), но не оба сразу' });

export const updateCampaignBody = z
  .strictObject({
    version: z.number().int().min(1).optional(),
    name: campaignName.optional(),
    steps: z.array(z.strictObject({ step: stepNo, startsOn: isoDate.optional(), dueOn: isoDate.optional() })).optional(),
  })
  .refine((b) => b.name !== undefined || b.steps !== undefined, { message: 'Укажите новое название (name) или новые даты шагов (steps)' });

const campaignStep = z.object({ step: z.number(), title: z.string(), startsOn: z.string(), dueOn: z.string() });

export const campaignView = z.object({
  id: z.number(),
  rootOrgId: z.number(),
  rootOrgName: z.string(),
  name: z.string(),
  builtin: z.boolean(),
  steps: z.array(campaignStep),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  active: z.boolean(),
  editable: z.boolean(),
});

export const campaignList = z.object({ active: campaignView.nullable(), campaigns: z.array(campaignView) });

const indicator = z.object({ key: z.string(), label: z.string(), value: z.number(), of: z.number().nullable(), percent: z.number().nullable() });

const stepProgress = z.object({
  step: z.number(),
  title: z.string(),
  applies: z.boolean(),
  value: z.number(),
  of: z.number(),
  percent: z.number().nullable(),
  done: z.boolean(),
  reachedOn: z.string().nullable(),
  startsOn: z.string().nullable(),
  dueOn: z.string().nullable(),
  overdue: z.boolean(),
  indicators: z.array(indicator),
});

const orgProgress = z.object({
  orgId: z.number(),
  name: z.string(),
  kind: z.enum(ORG_KIND_CODES),
  kindLabel: z.string(),
  parentId: z.number().nullable(),
  hasChildren: z.boolean(),
  campaignId: z.number().nullable(),
  counts: z.object(Object.fromEntries(COUNTER_KEYS.map((k) => [k, z.number()])) as Record<(typeof COUNTER_KEYS)[number], z.ZodNumber>),
  coveragePercent: z.number().nullable(),
  steps: z.array(stepProgress),
  doneSteps: z.number(),
  overdueSteps: z.array(z.number()),
});

export const progressReport = z.object({
  generatedAt: z.string(),
  today: z.string(),
  campaign: campaignView.nullable(),
  organisation: orgProgress,
  children: z.array(orgProgress),
});

const addinView = z.enum(['account', 'training', 'passport', 'structure', 'members', 'consents', 'cards']);

export const checklistResponse = z.object({
  orgId: z.number(),
  orgName: z.string(),
  today: z.string(),
  campaign: campaignView.nullable(),
  nextStep: z.number().nullable(),
  doneSteps: z.number(),
  items: z.array(
    z.object({
      step: z.number(),
      title: z.string(),
      task: z.string(),
      status: z.enum(['done', 'next', 'later']),
      done: z.boolean(),
      overdue: z.boolean(),
      startsOn: z.string().nullable(),
      dueOn: z.string().nullable(),
      reachedOn: z.string().nullable(),
      percent: z.number().nullable(),
      summary: z.string(),
      instructions: z.array(z.string()),
      view: addinView,
      relatedViews: z.array(addinView),
    }),
  ),
});
