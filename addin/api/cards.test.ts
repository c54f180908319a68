import type { CardBudget as ServerBudget } from '../../server/services/cards/budget.service';
import type { DeliveryImportResult } from '../../server/services/cards/delivery-import.service';
import type { EligibilityView } from '../../server/services/cards/eligibility';
import type { IssueResult, ToIssueList } from '../../server/services/cards/issue.service';
import type { CancelResult, CreateOrdersResult } from '../../server/services/cards/orders.service';
import type { CardBatchView } from '../../server/services/cards/batches.service';
import type { BudgetSheetData } from '../excel/budget-sheet';
import {
  bytesToBase64,
  cancelCardOrder,
  cardBatchFileLink,
  cardBudgetLink,
  checkCardEligibility,
  collectCardBatch,
  getCardBudget,
  getCardPrices,
  getCardsToIssue,
  importDeliveryList,
  issueCards,
  listCardBatches,
  listCardOrders,
  orderCards,
  setCardPrice,
  type CancelOrderAnswer,
  type CardBatch,
  type CardBudget,
  type CardEligibility,
  type DeliveryImportAnswer,
  type IssueAnswer,
  type OrderCardsAnswer,
  type ToIssueAnswer,
} from './cards';
import { json, lost, recordingClient as client } from './test-client';

/** Compile-time: the server's answers are what the client declares, and the budget goes to the sheet as is. */
export const fits = {
  eligibility: (v: EligibilityView): CardEligibility => v,
  orders: (v: CreateOrdersResult): OrderCardsAnswer => v,
  cancel: (v: CancelResult): CancelOrderAnswer => v,
  batch: (v: CardBatchView): CardBatch => v,
  delivery: (v: DeliveryImportResult): DeliveryImportAnswer => v,
  issue: (v: IssueResult): IssueAnswer => v,
  toIssue: (v: ToIssueList): ToIssueAnswer => v,
  budget: (v: ServerBudget): CardBudget => v,
  sheet: (v: CardBudget): BudgetSheetData => v,
};

const ID = '0b9d2c1e-5a1f-4c3e-9b7d-2f6e8a1c3d4e';

describe('cards API client', () => {
  test('orders carry the idempotency key in the body and the header, and a lost answer is asked again with the same key', async () => {
    const answer = { orders: [], members: [], ordered: 0, reissue: 0, refused: 0 };
    const { c, calls } = client([lost, json(200, answer)]);
    expect(await orderCards(c, 7, [ID], 'key-0000-0001')).toEqual(answer);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call).toMatchObject({ url: '/api/v1/organisations/7/card-orders', method: 'POST', body: { memberIds: [ID], idempotencyKey: 'key-0000-0001' } });
      expect(call.headers['Idempotency-Key']).toBe('key-0000-0001');
    }
  });

  test('collecting a batch is not retried after a lost answer', async () => {
    const { c, calls } = client([lost, json(201, {})]);
    await expect(collectCardBatch(c, 3)).rejects.toMatchObject({ kind: 'network' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ url: '/api/v1/organisations/3/card-batches', method: 'POST', body: {} });
  });

  test('every call: path, method, query and body', async () => {
    const { c, calls } = client([json(200, {})]);
    await checkCardEligibility(c, 5, [ID]);
    await listCardOrders(c, 5, { status: 'submitted' });
    await cancelCardOrder(c, 12);
    await collectCardBatch(c, 3, [12, 13]);
    await listCardBatches(c, 3);
    await cardBatchFileLink(c, 9, 'register.csv');
    await issueCards(c, 5, [ID], '01.12.2026');
    await getCardsToIssue(c, 5);
    await getCardBudget(c, 3, 2026);
    await cardBudgetLink(c, 3, 2026);
    await getCardPrices(c);
    await setCardPrice(c, 2026, 25.5);
    expect(calls.map((x) => [x.method, x.url, x.body])).toEqual([
      ['POST', '/api/v1/organisations/5/cards/eligibility', { memberIds: [ID] }],
      ['GET', '/api/v1/organisations/5/card-orders?status=submitted', undefined],
      ['POST', '/api/v1/card-orders/12/cancel', undefined],
      ['POST', '/api/v1/organisations/3/card-batches', { orderIds: [12, 13] }],
      ['GET', '/api/v1/organisations/3/card-batches', undefined],
      ['POST', '/api/v1/card-batches/9/links', { file: 'register.csv' }],
      ['POST', '/api/v1/organisations/5/cards/issue', { memberIds: [ID], date: '01.12.2026' }],
      ['GET', '/api/v1/organisations/5/cards/to-issue', undefined],
      ['GET', '/api/v1/organisations/3/cards/budget?year=2026', undefined],
      ['POST', '/api/v1/organisations/3/cards/budget-link', { year: 2026 }],
      ['GET', '/api/v1/settings/card-prices', undefined],
      ['PUT', '/api/v1/settings/card-prices', { year: 2026, priceRub: 25.5 }],
    ]);
  });

  test('a delivery list goes as base64 JSON, byte for byte (Windows-1251 bytes too), with dryRun in the query', async () => {
    const { c, calls } = client([json(200, {})]);
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 37) % 256);
    await importDeliveryList(c, 3, bytes.buffer, { dryRun: true });
    expect(calls[0].url).toBe('/api/v1/organisations/3/cards/delivery-import?dryRun=1');
    const sent = Buffer.from((calls[0].body as { fileBase64: string }).fileBase64, 'base64');
    expect(sent.equals(Buffer.from(bytes))).toBe(true);
    expect(bytesToBase64(new Uint8Array([0xd1, 0xf2, 0xe0]))).toBe(Buffer.from([0xd1, 0xf2, 0xe0]).toString('base64'));
  });
});
