/** Request and answer schemas of the card (ЭПБ) routes. */
import { z } from 'zod';
import { CARD_STATUSES, type CardStatus } from '../../domain/members/codes';
import { ORG_KIND_CODES } from '../../domain/organisations';

const CARD_STATUS_CODES = CARD_STATUSES.map((c) => c.code) as [CardStatus, ...CardStatus[]];
/** Up to the largest primary organisation (DOMAIN: design for 30,000 members). */
export const MAX_SELECTED = 30_000;

const memberId = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'ID члена Профсоюза из реестра (скрытый столбец листа)');
const memberIds = z
  .array(memberId)
  .min(1, 'Выберите хотя бы одного члена Профсоюза')
  .max(MAX_SELECTED, `Не больше ${MAX_SELECTED} членов Профсоюза за один раз`);

export const orderIdParams = z.object({ orderId: z.coerce.number().int().positive() });
export const batchIdParams = z.object({ batchId: z.coerce.number().int().positive() });

export const eligibilityBody = z.strictObject({ memberIds });
export const eligibilityResponse = z.object({
  members: z.array(z.object({ memberId: z.string(), eligible: z.boolean(), kind: z.enum(['new', 'reissue']).nullable(), reasons: z.array(z.string()) })),
  eligible: z.number().int(),
  notEligible: z.number().int(),
});

export const createOrdersBody = z.strictObject({
  memberIds,
  idempotencyKey: z.string().min(8).max(200).regex(/^[\w.:-]+$/, 'Только латинские буквы, цифры и знаки . : - _').optional(),
});

export const orderView = z.object({
  id: z.number().int(),
  number: z.string().describe('«ЭПБ-2026-000123»'),
  year: z.number().int(),
  orgId: z.number().int(),
  orgName: z.string(),
  status: z.enum(['draft', 'submitted', 'batched', 'cancelled']),
  statusLabel: z.string(),
  createdAt: z.string(),
  createdBy: z.number().int(),
  batchId: z.number().int().nullable(),
  batchNumber: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cards: z.number().int(),
  newCards: z.number().int(),
  reissues: z.number().int(),
});

export const createOrdersResponse = z.object({
  orders: z.array(orderView),
  members: z.array(z.object({ memberId: z.string(), outcome: z.enum(['ordered', 'reissue', 'refused']), orderNumber: z.string().nullable(), reasons: z.array(z.string()) })),
  ordered: z.number().int(),
  reissue: z.number().int(),
  refused: z.number().int(),
});

export const ordersQuery = z.object({
  status: z.enum(['draft', 'submitted', 'batched', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(2000).optional(),
});

export const cancelResponse = z.object({
  order: orderView,
  members: z.array(z.object({ memberId: z.string(), outcome: z.enum(['updated', 'unchanged', 'refused']), status: z.enum(CARD_STATUS_CODES).nullable(), message: z.string().nullable() })),
});

export const collectBatchBody = z.strictObject({
  orderIds: z.array(z.number().int().positive()).min(1).max(10_000).optional().describe('Только эти заявки; без списка — все поданные заявки организации и нижестоящих'),
});

export const batchView = z.object({
  id: z.number().int(),
  number: z.string().describe('«ЭПБ-П-2026-000001»'),
  year: z.number().int(),
  orgId: z.number().int(),
  orgName: z.string(),
  createdAt: z.string(),
  createdBy: z.number().int(),
  ordersCount: z.number().int(),
  cardCount: z.number().int(),
  priceKopecks: z.number().int(),
  costKopecks: z.number().int(),
  priceRub: z.number(),
  costRub: z.number(),
  orders: z.array(z.object({ id: z.number().int(), number: z.string(), orgId: z.number().int(), orgName: z.string(), cards: z.number().int() })),
});

export const batchLinkBody = z.strictObject({
  file: z.enum(['application.docx', 'register.xlsx', 'register.csv']).describe('Заявка оператору (.docx) или реестр (.xlsx / .csv)'),
});

export const deliveryQuery = z.object({
  dryRun: z.enum(['0', '1', 'true', 'false']).optional().describe('1 — только проверить файл, ничего не записывая'),
});

export const deliveryResponse = z.object({
  dryRun: z.boolean(),
  format: z.object({
    format: z.enum(['xlsx', 'csv']),
    encoding: z.enum(['utf-8', 'utf-16', 'windows-1251']).nullable(),
    separator: z.enum([';', ',', '\t']).nullable(),
    headerRow: z.number().int(),
    columns: z.array(z.enum(['memberId', 'snils', 'order', 'surname', 'name', 'patronymic', 'birthDate', 'status', 'date'])),
  }),
  rows: z.array(
    z.object({
      row: z.number().int(),
      outcome: z.enum(['updated', 'unchanged', 'error']),
      memberId: z.string().nullable(),
      status: z.enum(CARD_STATUS_CODES).nullable(),
      date: z.string().nullable(),
      message: z.string().nullable(),
    }),
  ),
  counts: z.object({ updated: z.number().int(), unchanged: z.number().int(), error: z.number().int() }),
});

export const issueBody = z.strictObject({
  memberIds,
  date: z.string().max(10).nullish().describe('Дата выдачи (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ); без даты — сегодня'),
});
export const issueResponse = z.object({
  members: z.array(z.object({ memberId: z.string(), outcome: z.enum(['issued', 'unchanged', 'refused']), message: z.string().nullable() })),
  issued: z.number().int(),
  unchanged: z.number().int(),
  refused: z.number().int(),
});

export const toIssueQuery = z.object({ limit: z.coerce.number().int().min(1).max(30_000).optional() });
export const toIssueResponse = z.object({
  help: z.object({ title: z.string(), steps: z.array(z.string()) }),
  total: z.number().int(),
  truncated: z.boolean(),
  members: z.array(
    z.object({
      memberId: z.string(),
      surname: z.string(),
      name: z.string(),
      patronymic: z.string().nullable(),
      orgId: z.number().int(),
      orgName: z.string(),
      receivedAt: z.string().nullable(),
    }),
  ),
});

export const budgetQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional() });
export const budgetLinkBody = z.strictObject({ year: z.number().int().min(2000).max(2100).optional() });

const budgetCounts = {
  ordered: z.number().int(),
  issued: z.number().int(),
  toOrder: z.number().int(),
  orderedCostKopecks: z.number().int(),
  toOrderCostKopecks: z.number().int(),
  totalCostKopecks: z.number().int(),
};
export const budgetResponse = z.object({
  organisation: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(ORG_KIND_CODES), kindLabel: z.string() }),
  year: z.number().int(),
  priceKopecks: z.number().int(),
  priceRub: z.number(),
  rows: z.array(z.object({ orgId: z.number().int(), name: z.string(), kind: z.enum(ORG_KIND_CODES), kindLabel: z.string(), own: z.boolean(), ...budgetCounts })),
  total: z.object({ name: z.string(), ...budgetCounts }),
  generatedAt: z.string(),
});

export const cardPriceBody = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  priceRub: z.number().positive().max(100_000).nullable().describe('Цена одного билета в рублях; null — вернуть цену из config/documents.json'),
});
export const cardPricesResponse = z.array(
  z.object({ year: z.number().int(), priceKopecks: z.number().int(), priceRub: z.number(), source: z.enum(['config', 'override']), updatedAt: z.string().nullable() }),
);
