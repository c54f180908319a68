import { z } from 'zod';
import { normalizeSpaces } from '../../domain/cell';
import { ORG_KIND_CODES } from '../../domain/organisations';
import { PASSPORT_FIELDS } from '../../domain/passport';

const orgName = z
  .string()
  .transform(normalizeSpaces)
  .pipe(z.string().min(1, 'Введите название').max(500, 'Название не длиннее 500 символов').regex(/^[^<>]*$/, 'Уберите символы < и >'));

export const orgView = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  kind: z.enum(ORG_KIND_CODES),
  kindLabel: z.string(),
  name: z.string(),
  path: z.string(),
  depth: z.number(),
  status: z.enum(['active', 'closed']),
  closedAt: z.string().nullable(),
});

export const createOrgBody = z.strictObject({ kind: z.enum(ORG_KIND_CODES), name: orgName });
export const updateOrgBody = z
  .strictObject({ name: orgName.optional(), parentId: z.number().int().positive().optional() })
  .refine((b) => b.name !== undefined || b.parentId !== undefined, { message: 'Укажите новое название (name) или новое вышестоящее подразделение (parentId)' });
export const childrenQuery = z.strictObject({ includeClosed: z.enum(['0', '1']).optional() });
export const findQuery = z.strictObject({ q: z.string().max(200, 'Не длиннее 200 знаков') });
export const foundOrganisations = z.array(
  z.object({
    id: z.number(),
    name: z.string(),
    above: z.array(z.string()),
    territorial: z.string().nullable().describe('Территориальная организация, в которую входит ППО'),
    inn: z.string().nullable().describe('ИНН из паспорта ППО'),
    chairInitials: z.string().nullable().describe('Инициалы председателя (только инициалы)'),
  }),
);

const passportValue = z.union([z.string().max(1000), z.number(), z.null()]);
const passportShape = Object.fromEntries(PASSPORT_FIELDS.map((f) => [f.key, passportValue.optional()])) as Record<
  (typeof PASSPORT_FIELDS)[number]['key'],
  z.ZodOptional<typeof passportValue>
>;
export const passportBody = z.strictObject({
  version: z.number().int().min(0).optional(),
  data: z.strictObject(passportShape),
});
export const passportResponse = z.object({
  orgId: z.number(),
  orgName: z.string(),
  version: z.number(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  completeness: z.object({
    percent: z.number(),
    complete: z.boolean(),
    tabs: z.array(z.object({ tab: z.string(), label: z.string(), filled: z.number(), total: z.number(), percent: z.number(), missing: z.array(z.string()) })),
  }),
  updatedAt: z.string().nullable(),
});

export const createAccountBody = z.strictObject({
  fullName: z
    .string()
    .transform(normalizeSpaces)
    .pipe(z.string().min(3, 'Введите ФИО председателя').max(300).regex(/^[\p{L}\s'.-]+$/u, 'ФИО — только буквы, пробелы, дефис и апостроф')),
});
export const obligationBody = z.strictObject({
  signedAt: z.iso.date('Дата подписи в формате ГГГГ-ММ-ДД'),
});
export const activeBody = z.strictObject({ active: z.boolean() });
export const userIdParams = z.object({ userId: z.coerce.number().int().positive() });
