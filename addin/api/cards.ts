/**
 * Electronic union cards (ЭПБ) from the task pane (roadmap steps 6–7): who of the selected rows can
 * be ordered a card and why not, ordering and cancelling, batches for the operator and their files
 * (through single-use links the pane opens in the browser), the delivery list upload, issuing, the
 * reminder list and the budget (the pane draws it with addin/excel/budget-sheet.ts). Shapes follow
 * server/routes/cards.schema.ts; opening links and showing results is the UI's business.
 */
import type { CardStatus } from '../../domain/members/codes';
import type { OrgKind } from '../../domain/organisations';
import type { ApiClient } from './client';
import type { DocumentLink } from './documents';

// ------------------------------------------------------------------ answers

export interface CardEligibility {
  memberId: string;
  eligible: boolean;
  /** For an eligible member: a first card, or a reissue of a lost one. */
  kind: 'new' | 'reissue' | null;
  /** Russian, every reason the member cannot be ordered a card now. */
  reasons: string[];
}

export interface EligibilityAnswer {
  members: CardEligibility[];
  eligible: number;
  notEligible: number;
}

export type CardOrderStatus = 'draft' | 'submitted' | 'batched' | 'cancelled';

export interface CardOrder {
  id: number;
  /** «ЭПБ-2026-000123» */
  number: string;
  year: number;
  orgId: number;
  orgName: string;
  status: CardOrderStatus;
  statusLabel: string;
  createdAt: string;
  createdBy: number;
  batchId: number | null;
  batchNumber: string | null;
  cancelledAt: string | null;
  cards: number;
  newCards: number;
  reissues: number;
}

export interface OrderCardsAnswer {
  /** One order per primary organisation of the selected members (none when nobody could be ordered). */
  orders: CardOrder[];
  members: { memberId: string; outcome: 'ordered' | 'reissue' | 'refused'; orderNumber: string | null; reasons: string[] }[];
  ordered: number;
  reissue: number;
  refused: number;
}

export interface CancelOrderAnswer {
  order: CardOrder;
  members: { memberId: string; outcome: 'updated' | 'unchanged' | 'refused'; status: CardStatus | null; message: string | null }[];
}

export interface CardBatch {
  id: number;
  /** «ЭПБ-П-2026-000001» */
  number: string;
  year: number;
  orgId: number;
  orgName: string;
  createdAt: string;
  createdBy: number;
  ordersCount: number;
  cardCount: number;
  priceKopecks: number;
  costKopecks: number;
  priceRub: number;
  costRub: number;
  orders: { id: number; number: string; orgId: number; orgName: string; cards: number }[];
}

export type CardBatchFile = 'application.docx' | 'register.xlsx' | 'register.csv';

export interface DeliveryRowResult {
  /** Row number in the file, as Excel shows it. */
  row: number;
  outcome: 'updated' | 'unchanged' | 'error';
  memberId: string | null;
  status: CardStatus | null;
  date: string | null;
  /** Russian: the reason of an error, or a note. */
  message: string | null;
}

export interface DeliveryImportAnswer {
  dryRun: boolean;
  format: {
    format: 'xlsx' | 'csv';
    encoding: 'utf-8' | 'utf-16' | 'windows-1251' | null;
    separator: ';' | ',' | '\t' | null;
    headerRow: number;
    columns: ('memberId' | 'snils' | 'order' | 'surname' | 'name' | 'patronymic' | 'birthDate' | 'status' | 'date')[];
  };
  rows: DeliveryRowResult[];
  counts: { updated: number; unchanged: number; error: number };
}

export interface IssueAnswer {
  members: { memberId: string; outcome: 'issued' | 'unchanged' | 'refused'; message: string | null }[];
  issued: number;
  unchanged: number;
  refused: number;
}

export interface ToIssueAnswer {
  /** Step 7 in Russian: hand the cards out, help install profcards and register, then set «Выдан». */
  help: { title: string; steps: readonly string[] };
  total: number;
  truncated: boolean;
  members: { memberId: string; surname: string; name: string; patronymic: string | null; orgId: number; orgName: string; receivedAt: string | null }[];
}

export interface CardBudgetLine {
  orgId: number;
  name: string;
  kind: OrgKind;
  kindLabel: string;
  /** The organisation's own members outside its children. */
  own: boolean;
  ordered: number;
  issued: number;
  toOrder: number;
  orderedCostKopecks: number;
  toOrderCostKopecks: number;
  totalCostKopecks: number;
}

/** What writeBudgetSheet (addin/excel/budget-sheet.ts) takes as is. */
export interface CardBudget {
  organisation: { id: number; name: string; kind: OrgKind; kindLabel: string };
  year: number;
  priceKopecks: number;
  priceRub: number;
  rows: CardBudgetLine[];
  total: Omit<CardBudgetLine, 'orgId' | 'kind' | 'kindLabel' | 'own'>;
  generatedAt: string;
}

export interface CardPrice {
  year: number;
  priceKopecks: number;
  priceRub: number;
  source: 'config' | 'override';
  updatedAt: string | null;
}

// ------------------------------------------------------------------ calls

const LONG = 180_000;

/** Who of the selected members (register ids from the sheet) can be ordered a card; 404 when one is not in the organisation. */
export function checkCardEligibility(client: ApiClient, orgId: number, memberIds: string[], signal?: AbortSignal): Promise<EligibilityAnswer> {
  // Reading only: safe to retry.
  return client.request<EligibilityAnswer>(`/organisations/${orgId}/cards/eligibility`, { method: 'POST', body: { memberIds }, idempotent: true, timeoutMs: LONG, signal });
}

/**
 * Orders cards for the selected members. `idempotencyKey` (addin/api/ids newIdempotencyKey) makes a
 * retried request answer the first result and order nothing twice — keep the same key for a retry.
 */
export function orderCards(client: ApiClient, orgId: number, memberIds: string[], idempotencyKey: string, signal?: AbortSignal): Promise<OrderCardsAnswer> {
  return client.request<OrderCardsAnswer>(`/organisations/${orgId}/card-orders`, {
    method: 'POST',
    body: { memberIds, idempotencyKey },
    headers: { 'Idempotency-Key': idempotencyKey },
    idempotent: true,
    timeoutMs: LONG,
    signal,
  });
}

export function listCardOrders(client: ApiClient, orgId: number, opts: { status?: CardOrderStatus; limit?: number } = {}): Promise<CardOrder[]> {
  return client.request<CardOrder[]>(`/organisations/${orgId}/card-orders`, { query: { status: opts.status, limit: opts.limit } });
}

/** Cancels an order that is not in a batch yet (409 once it is). Cancelling twice answers the cancelled order: safe to retry. */
export function cancelCardOrder(client: ApiClient, orderId: number): Promise<CancelOrderAnswer> {
  return client.request<CancelOrderAnswer>(`/card-orders/${orderId}/cancel`, { method: 'POST', idempotent: true, timeoutMs: LONG });
}

/**
 * Collects the submitted orders of the organisation's subtree (or only `orderIds`) into a batch for
 * the operator. Not retried automatically: after a lost answer, look at listCardBatches.
 */
export function collectCardBatch(client: ApiClient, orgId: number, orderIds?: number[]): Promise<CardBatch> {
  return client.request<CardBatch>(`/organisations/${orgId}/card-batches`, { method: 'POST', body: orderIds ? { orderIds } : {}, idempotent: false, timeoutMs: LONG });
}

export function listCardBatches(client: ApiClient, orgId: number): Promise<CardBatch[]> {
  return client.request<CardBatch[]>(`/organisations/${orgId}/card-batches`);
}

/** A single-use link (5 minutes) to the batch's application (.docx) or member register (.xlsx / .csv): open it in the browser. */
export function cardBatchFileLink(client: ApiClient, batchId: number, file: CardBatchFile): Promise<DocumentLink> {
  // Another request only makes another link: safe to retry.
  return client.request<DocumentLink>(`/card-batches/${batchId}/links`, { method: 'POST', body: { file }, idempotent: true, timeoutMs: LONG });
}

/** Bytes → base64 without Node's Buffer (the task pane runs in a browser). */
export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Uploads a delivery list (.xlsx or .csv, as picked by the chair) and answers per row. With
 * `dryRun` nothing is written. Sent as JSON `{ fileBase64 }` (the API client sends JSON); the server
 * takes up to its JSON body limit (5 MB by default, about 3.7 MB of file) this way. Repeating an
 * applied list changes nothing more (the rows answer «unchanged»), so a lost answer is retried.
 */
export function importDeliveryList(client: ApiClient, orgId: number, file: ArrayBuffer | Uint8Array, opts: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<DeliveryImportAnswer> {
  const bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
  return client.request<DeliveryImportAnswer>(`/organisations/${orgId}/cards/delivery-import`, {
    method: 'POST',
    query: { dryRun: opts.dryRun ? '1' : undefined },
    body: { fileBase64: bytesToBase64(bytes) },
    idempotent: true,
    timeoutMs: LONG,
    signal: opts.signal,
  });
}

/** «Получен организацией» → «Выдан» for the selected members; `date` ISO or ДД.ММ.ГГГГ, default today. Repeating is harmless. */
export function issueCards(client: ApiClient, orgId: number, memberIds: string[], date?: string): Promise<IssueAnswer> {
  return client.request<IssueAnswer>(`/organisations/${orgId}/cards/issue`, { method: 'POST', body: { memberIds, ...(date ? { date } : {}) }, idempotent: true, timeoutMs: LONG });
}

/** The step-7 reminder: whose cards arrived but are not issued, with the instructions to show. */
export function getCardsToIssue(client: ApiClient, orgId: number, limit?: number): Promise<ToIssueAnswer> {
  return client.request<ToIssueAnswer>(`/organisations/${orgId}/cards/to-issue`, { query: { limit }, timeoutMs: 90_000 });
}

/** The budget for a year (default: this year on the server); pass it to writeBudgetSheet. */
export function getCardBudget(client: ApiClient, orgId: number, year?: number): Promise<CardBudget> {
  return client.request<CardBudget>(`/organisations/${orgId}/cards/budget`, { query: { year }, timeoutMs: 90_000 });
}

/** A single-use link to the budget as .xlsx (the table; the chart is only on the pane's sheet). */
export function cardBudgetLink(client: ApiClient, orgId: number, year?: number): Promise<DocumentLink> {
  return client.request<DocumentLink>(`/organisations/${orgId}/cards/budget-link`, { method: 'POST', body: year ? { year } : {}, idempotent: true, timeoutMs: 90_000 });
}

export function getCardPrices(client: ApiClient): Promise<CardPrice[]> {
  return client.request<CardPrice[]>('/settings/card-prices');
}

/** Central administrator: the price of a year in roubles (null: back to config/documents.json). */
export function setCardPrice(client: ApiClient, year: number, priceRub: number | null): Promise<CardPrice[]> {
  return client.request<CardPrice[]>('/settings/card-prices', { method: 'PUT', body: { year, priceRub } });
}
