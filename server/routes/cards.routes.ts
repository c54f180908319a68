/**
 * Electronic union cards (ЭПБ, roadmap steps 6–7): who can be ordered a card, orders and their
 * cancellation, batches for the card operator with their application and member register, the
 * delivery list import, issuing, the reminder list, prices by year and the budget.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { Role } from '../../domain/roles';
import { formatFileSize } from '../../domain/text';
import { AppError } from '../errors';
import { readRawBody } from '../http/raw-body';
import { ALL_ROLES, MANAGER_ROLES, defineRoute, orgIdParams, type AnyRoute } from '../http/route';
import { batchFile, collectBatch, listBatches, CSV_CONTENT_TYPE, DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../services/cards/batches.service';
import { batchFileLink, budgetLink } from '../services/cards/links';
import { buildBudgetWorkbook, budgetFileName, cardBudget } from '../services/cards/budget.service';
import { importDeliveryList } from '../services/cards/delivery-import.service';
import { checkEligibility } from '../services/cards/eligibility';
import { issueCards, listToIssue } from '../services/cards/issue.service';
import { cancelOrder, createOrders, listOrders } from '../services/cards/orders.service';
import { listCardPrices, setCardPrice } from '../services/cards/prices.service';
import {
  batchIdParams,
  batchView,
  budgetQuery,
  batchLinkBody,
  budgetLinkBody,
  budgetResponse,
  cancelResponse,
  cardPriceBody,
  cardPricesResponse,
  collectBatchBody,
  createOrdersBody,
  createOrdersResponse,
  deliveryQuery,
  deliveryResponse,
  eligibilityBody,
  eligibilityResponse,
  issueBody,
  issueResponse,
  orderIdParams,
  orderView,
  ordersQuery,
  toIssueQuery,
  toIssueResponse,
} from './cards.schema';
import { issuedLink } from './documents.schema';

const ADMIN: readonly Role[] = ['central_admin'];
const MEMBERS = { kind: 'org', roles: ALL_ROLES, personalData: true } as const;
const COUNTS = { kind: 'org', roles: ALL_ROLES, personalData: false } as const;

/** What a delivery list may be sent as (Windows sends .csv as application/vnd.ms-excel). */
export const DELIVERY_CONTENT_TYPES = [
  XLSX_CONTENT_TYPE,
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

/** What a delivery list over the limit is told. */
const deliveryTooLarge = (limit: number) => () => `Файл слишком большой: допустимо не больше ${formatFileSize(limit)}. Разделите список доставки на несколько файлов.`;

const base64Body = z.strictObject({ fileBase64: z.string().min(1).regex(/^[A-Za-z0-9+/=\s]+$/, 'Файл в кодировке base64') });

/** The uploaded file: the raw body, or `{ fileBase64 }` in JSON for clients that only send JSON (the task pane's API client). */
async function uploadedFile(req: Request, limit: number): Promise<Buffer> {
  if (req.is('application/json')) {
    const parsed = base64Body.safeParse(req.body);
    if (!parsed.success) throw new AppError(400, 'validation', 'Ожидается JSON { "fileBase64": "…" } или сам файл в теле запроса.');
    const file = Buffer.from(parsed.data.fileBase64, 'base64');
    if (file.length > limit) throw new AppError(413, 'upload_too_large', deliveryTooLarge(limit)());
    return file;
  }
  if (!DELIVERY_CONTENT_TYPES.some((t) => req.is(t))) {
    req.resume();
    throw new AppError(415, 'unsupported_media_type', 'Список доставки загружается файлом .xlsx или .csv (Content-Type: text/csv или тип файла Excel).');
  }
  return readRawBody(req, limit, deliveryTooLarge(limit));
}

export const cardRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post', path: '/organisations/:orgId/cards/eligibility', summary: 'Кому из выбранных можно заказать ЭПБ, а кому нет и почему', tag: 'cards',
    access: MEMBERS, params: orgIdParams, body: eligibilityBody,
    response: { status: 200, description: 'По каждому выбранному члену Профсоюза: можно ли заказать и причины', schema: eligibilityResponse },
    handler: ({ ctx, actor, org, body }) => checkEligibility(ctx, actor, org, body.memberIds),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/card-orders', summary: 'Заказать ЭПБ выбранным членам Профсоюза', tag: 'cards',
    access: MEMBERS, params: orgIdParams, body: createOrdersBody,
    response: { status: 200, description: 'Созданные заявки (по одной на первичную организацию) и результат по каждому члену Профсоюза', schema: createOrdersResponse },
    handler: ({ ctx, actor, org, body, req }) => {
      const header = req.get('Idempotency-Key');
      return createOrders(ctx, actor, org, { memberIds: body.memberIds, idempotencyKey: body.idempotencyKey ?? (header && /^[\w.:-]{8,200}$/.test(header) ? header : undefined) });
    },
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/card-orders', summary: 'Заявки на ЭПБ организации и нижестоящих', tag: 'cards',
    access: COUNTS, params: orgIdParams, query: ordersQuery,
    response: { status: 200, description: 'Заявки, новые первыми', schema: z.array(orderView) },
    handler: ({ ctx, org, query }) => listOrders(ctx, org, { status: query.status, limit: query.limit }),
  }),
  defineRoute({
    method: 'post', path: '/card-orders/:orderId/cancel', summary: 'Отменить заявку на ЭПБ (пока она не включена в партию)', tag: 'cards',
    access: { kind: 'resource', roles: ALL_ROLES, personalData: true }, params: orderIdParams,
    response: { status: 200, description: 'Заявка и статусы ЭПБ её членов Профсоюза', schema: cancelResponse },
    handler: ({ ctx, actor, params }) => cancelOrder(ctx, actor, params.orderId),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/card-batches', summary: 'Собрать поданные заявки в партию для оператора ЭПБ', tag: 'cards',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: false }, params: orgIdParams, body: collectBatchBody,
    response: { status: 201, description: 'Партия: номер, год, число билетов, цена и стоимость', schema: batchView },
    handler: ({ ctx, actor, org, body }) => collectBatch(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/card-batches', summary: 'Партии ЭПБ организации и нижестоящих', tag: 'cards',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Партии, новые первыми', schema: z.array(batchView) },
    handler: ({ ctx, org }) => listBatches(ctx, org),
  }),
  defineRoute({
    method: 'get', path: '/card-batches/:batchId/application.docx', summary: 'Заявка оператору на изготовление ЭПБ (.docx)', tag: 'cards',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: batchIdParams,
    response: { status: 200, description: 'Документ Word по шаблону card-order', contentType: DOCX_CONTENT_TYPE },
    handler: ({ ctx, actor, params }) => batchFile(ctx, actor, params.batchId, 'application.docx'),
  }),
  defineRoute({
    method: 'get', path: '/card-batches/:batchId/register.xlsx', summary: 'Реестр членов Профсоюза партии для оператора (.xlsx)', tag: 'cards',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: batchIdParams,
    response: { status: 200, description: 'Реестр (столбцы: docs/card-operator-register.md)', contentType: XLSX_CONTENT_TYPE },
    handler: ({ ctx, actor, params }) => batchFile(ctx, actor, params.batchId, 'register.xlsx'),
  }),
  defineRoute({
    method: 'get', path: '/card-batches/:batchId/register.csv', summary: 'Реестр членов Профсоюза партии для оператора (.csv, UTF-8 с BOM, «;»)', tag: 'cards',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: batchIdParams,
    response: { status: 200, description: 'Реестр (столбцы: docs/card-operator-register.md)', contentType: CSV_CONTENT_TYPE },
    handler: ({ ctx, actor, params }) => batchFile(ctx, actor, params.batchId, 'register.csv'),
  }),
  defineRoute({
    method: 'post', path: '/card-batches/:batchId/links', summary: 'Одноразовая ссылка на заявку или реестр партии (для открытия в браузере)', tag: 'cards',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: batchIdParams, body: batchLinkBody,
    response: { status: 201, description: 'Ссылка действует 5 минут и открывается один раз', schema: issuedLink },
    handler: ({ ctx, actor, params, body }) => batchFileLink(ctx, actor, params.batchId, body.file),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/cards/delivery-import', summary: 'Загрузить список доставки ЭПБ (.xlsx или .csv): статусы по строкам', tag: 'cards',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: true }, params: orgIdParams, query: deliveryQuery,
    rawBody: { contentTypes: [...DELIVERY_CONTENT_TYPES, 'application/json'] },
    response: { status: 200, description: 'Результат по каждой строке файла', schema: deliveryResponse },
    handler: async ({ ctx, actor, org, query, req }) => {
      const file = await uploadedFile(req, ctx.config.uploadLimitBytes);
      return importDeliveryList(ctx, actor, org, file, { dryRun: query.dryRun === '1' || query.dryRun === 'true' });
    },
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/cards/issue', summary: 'Отметить выдачу ЭПБ выбранным членам Профсоюза («Получен» → «Выдан»)', tag: 'cards',
    access: MEMBERS, params: orgIdParams, body: issueBody,
    response: { status: 200, description: 'Результат по каждому члену Профсоюза', schema: issueResponse },
    handler: ({ ctx, actor, org, body }) => issueCards(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/cards/to-issue', summary: 'Кому выдать полученные ЭПБ, и что сделать при выдаче (шаг 7)', tag: 'cards',
    access: MEMBERS, params: orgIdParams, query: toIssueQuery,
    response: { status: 200, description: 'Памятка и список членов Профсоюза с полученными, но не выданными билетами', schema: toIssueResponse },
    handler: ({ ctx, actor, org, query }) => listToIssue(ctx, actor, org, query.limit),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/cards/budget', summary: 'Бюджет на ЭПБ за год: по нижестоящим организациям и итого', tag: 'cards',
    access: COUNTS, params: orgIdParams, query: budgetQuery,
    response: { status: 200, description: 'Заказано, выдано, можно заказать и стоимость', schema: budgetResponse },
    handler: ({ ctx, org, query }) => cardBudget(ctx, org, query.year ?? ctx.now().getUTCFullYear()),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/cards/budget.xlsx', summary: 'Бюджет на ЭПБ за год в файле Excel', tag: 'cards',
    access: COUNTS, params: orgIdParams, query: budgetQuery,
    response: { status: 200, description: 'Файл .xlsx с таблицей и итогом (без диаграммы: её строит надстройка)', contentType: XLSX_CONTENT_TYPE },
    handler: async ({ ctx, org, query }) => {
      const budget = await cardBudget(ctx, org, query.year ?? ctx.now().getUTCFullYear());
      return { file: await buildBudgetWorkbook(budget), contentType: XLSX_CONTENT_TYPE, fileName: budgetFileName(budget) };
    },
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/cards/budget-link', summary: 'Одноразовая ссылка на бюджет ЭПБ в файле Excel', tag: 'cards',
    access: COUNTS, params: orgIdParams, body: budgetLinkBody,
    response: { status: 201, description: 'Ссылка действует 5 минут и открывается один раз', schema: issuedLink },
    handler: ({ ctx, actor, org, body }) => budgetLink(ctx, actor, org, body.year ?? ctx.now().getUTCFullYear()),
  }),
  defineRoute({
    method: 'get', path: '/settings/card-prices', summary: 'Цены ЭПБ по годам', tag: 'cards',
    access: { kind: 'signedIn' },
    response: { status: 200, description: 'Годы с ценой: из config/documents.json или заданные администратором', schema: cardPricesResponse },
    handler: ({ ctx }) => listCardPrices(ctx),
  }),
  defineRoute({
    method: 'put', path: '/settings/card-prices', summary: 'Задать цену ЭПБ на год (null — вернуть цену из config/documents.json)', tag: 'cards',
    access: { kind: 'resource', roles: ADMIN, personalData: false }, body: cardPriceBody,
    response: { status: 200, description: 'Цены по годам после изменения', schema: cardPricesResponse },
    handler: ({ ctx, actor, body }) => setCardPrice(ctx, actor, body),
  }),
];
