import { z } from 'zod';
import { normalizeSpaces } from '../../domain/cell';
import { CONSENT_KINDS } from '../../domain/members/codes';
import { TEMPLATE_KINDS_LIST } from '../documents';
import { accountResponse } from './auth.schema';

const CONSENT_KIND_CODES = CONSENT_KINDS.map((k) => k.code) as ['union', 'operator', 'notify'];

/** Text without markup or control characters (it goes into Word documents). */
const text = (max: number, what: string) =>
  z
    .string()
    .transform(normalizeSpaces)
    // eslint-disable-next-line no-control-regex
    .pipe(z.string().min(1, `Введите ${what}`).max(max, `Не длиннее ${max} символов`).regex(/^[^<>\u0000-\u001f]*$/, 'Уберите символы < и >'));

export const templateKindParams = z.object({ kind: z.enum(TEMPLATE_KINDS_LIST) });
export const tokenParams = z.object({ token: z.string().min(1).max(200) });

export const templateView = z.object({
  kind: z.enum(TEMPLATE_KINDS_LIST),
  title: z.string(),
  version: z.number(),
  sha256: z.string(),
  sizeBytes: z.number(),
  shipped: z.boolean(),
  uploadedBy: z.number().nullable(),
  uploadedAt: z.string(),
  versions: z.number(),
  required: z.array(z.string()),
  optional: z.array(z.string()),
});
export const templateUploadResponse = templateView.extend({ created: z.boolean() });

const cardOperator = z.object({ name: z.string().nullable(), inn: z.string().nullable(), address: z.string().nullable(), contract: z.string().nullable() });
const processor = z.object({ name: z.string(), inn: z.string().nullable(), address: z.string() });
export const documentSettingsView = z.object({
  processors: z.object({ hosting: processor.nullable(), sms: processor.nullable(), push: processor.nullable() }),
  cardOperator,
  defaults: cardOperator,
  overrides: cardOperator,
  missing: z.array(z.string()),
  updatedAt: z.string().nullable(),
});
const processorBody = z
  .strictObject({ name: text(500, 'наименование обработчика'), inn: z.string().max(20).nullable().optional(), address: text(500, 'адрес обработчика') })
  .nullable()
  .optional();
export const documentSettingsBody = z.strictObject({
  processors: z.strictObject({ hosting: processorBody, sms: processorBody, push: processorBody }).optional(),
  cardOperator: z.strictObject({
    name: text(500, 'наименование оператора').nullable().optional(),
    inn: z.string().max(20).nullable().optional(),
    address: text(500, 'адрес оператора').nullable().optional(),
    contract: text(200, 'договор с оператором').nullable().optional(),
  }).optional(),
});

export const organisationDetailsView = z.object({
  orgId: z.number(),
  orgName: z.string(),
  unionName: z.string().nullable(),
  legalAddress: z.string().nullable(),
  contact: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export const organisationDetailsBody = z
  .strictObject({
    unionName: text(500, 'наименование').nullable().optional(),
    legalAddress: text(500, 'юридический адрес').nullable().optional(),
    contact: text(200, 'телефон или эл. почту').nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Укажите хотя бы одно поле: unionName, legalAddress или contact' });

export const printConsentsBody = z.strictObject({
  memberIds: z.array(z.string().max(64)).min(1, 'Выберите хотя бы одного члена Профсоюза').max(30_000, 'Не больше 30 000 человек за один раз').optional(),
  allWithoutSignedConsents: z.boolean().optional(),
  kinds: z
    .array(z.enum(CONSENT_KIND_CODES))
    .min(1, 'Выберите хотя бы одно согласие')
    .refine((a) => new Set(a).size === a.length, 'Каждое согласие — один раз')
    .optional(),
  format: z.enum(['docx', 'zip']).default('docx'),
  doubleSided: z.boolean().default(false).describe('Печать с двух сторон: каждое согласие начинается с нечётной страницы'),
});

export const issuedLink = z.object({ documentId: z.string(), downloadUrl: z.string(), expiresAt: z.string() });
export const printConsentsResponse = issuedLink.extend({
  printed: z.number(),
  consents: z.number(),
  notPrintable: z.array(z.object({ memberId: z.string(), reason: z.string() })),
});

export const letterBody = z.strictObject({ contact: text(200, 'телефон или эл. почту').optional() });
export const accountWithLetterBody = letterBody.extend({
  fullName: z
    .string()
    .transform(normalizeSpaces)
    .pipe(z.string().min(3, 'Введите ФИО председателя').max(300).regex(/^[\p{L}\s'.-]+$/u, 'ФИО — только буквы, пробелы, дефис и апостроф')),
});
export const credentialsWithLetter = issuedLink.extend({ account: accountResponse, oneTimePassword: z.string() });
