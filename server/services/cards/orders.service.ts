/**
 * Card orders (roadmap step 6): a chair selects members in the sheet and orders cards for them.
 * Eligible members become «Заказан» (a lost card: «Перевыпуск»), the others are answered with every
 * reason; one order per primary organisation of the selected members. An order can be cancelled
 * until a territorial or regional organisation puts it into a batch for the operator.
 */
import type { Transaction } from 'sequelize';
import type { CardStatus } from '../../../domain/members/codes';
import { isInSubtree } from '../../../domain/organisations';
import type { OrganisationRow } from '../../db/models';
import { AppError, notFound } from '../../errors';
import { recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { findAnswer, replay, requestHash, saveAnswer } from '../members/idempotency';
import { exec, groups, insertStatements, isoTimestamp, lit, rows, timestampLit } from '../members/sql-literals';
import { readCardStates, writeCardStatuses, type CardStatusRequest } from './card-status-writes';
import { eligibilityOf, type OrderKind } from './eligibility';
import { nextCardNumber } from './numbers';
import { cardTransaction, membersInSubtree, subtreeCondition } from './scope';

export const ORDER_STATUSES = ['draft', 'submitted', 'batched', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  draft: 'Черновик',
  submitted: 'Подана',
  batched: 'Включена в партию',
  cancelled: 'Отменена',
};

export interface CardOrderView {
  id: number;
  number: string;
  year: number;
  orgId: number;
  orgName: string;
  status: OrderStatus;
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

export interface OrderMemberResult {
  memberId: string;
  /** ordered: a first card; reissue: a lost card replaced; refused: see reasons. */
  outcome: 'ordered' | 'reissue' | 'refused';
  orderNumber: string | null;
  reasons: string[];
}

export interface CreateOrdersResult {
  orders: CardOrderView[];
  members: OrderMemberResult[];
  ordered: number;
  reissue: number;
  refused: number;
}

const STALE_REASON = 'запись изменилась, пока оформлялась заявка — повторите заказ';

const ORDER_SELECT = `SELECT co.id, co.number, co.year, co.org_id, o.name AS org_name, o.path AS org_path, co.status, co.created_at, co.created_by,
  co.batch_id, cb.number AS batch_number, co.cancelled_at,
  (SELECT COUNT(*) FROM card_order_items i WHERE i.order_id = co.id) AS cards,
  (SELECT COUNT(*) FROM card_order_items i WHERE i.order_id = co.id AND i.kind = 'reissue') AS reissues
FROM card_orders co JOIN organisations o ON o.id = co.org_id LEFT JOIN card_batches cb ON cb.id = co.batch_id`;

type Raw = Record<string, unknown>;

function orderView(r: Raw): CardOrderView & { orgPath: string } {
  const cards = Number(r.cards ?? 0);
  const reissues = Number(r.reissues ?? 0);
  const status = String(r.status) as OrderStatus;
  return {
    id: Number(r.id),
    number: String(r.number),
    year: Number(r.year),
    orgId: Number(r.org_id),
    orgName: String(r.org_name),
    orgPath: String(r.org_path),
    status,
    statusLabel: ORDER_STATUS_LABELS[status] ?? status,
    createdAt: isoTimestamp(r.created_at) ?? '',
    createdBy: Number(r.created_by),
    batchId: r.batch_id === null || r.batch_id === undefined ? null : Number(r.batch_id),
    batchNumber: r.batch_number === null || r.batch_number === undefined ? null : String(r.batch_number),
    cancelledAt: isoTimestamp(r.cancelled_at),
    cards,
    newCards: cards - reissues,
    reissues,
  };
}

const publicView = ({ orgPath: _p, ...v }: CardOrderView & { orgPath: string }): CardOrderView => v;

export async function readOrders(ctx: Ctx, where: string, tx?: Transaction, limit = 1000): Promise<(CardOrderView & { orgPath: string })[]> {
  return (await rows<Raw>(ctx.db, `${ORDER_SELECT} WHERE ${where} ORDER BY co.created_at DESC, co.id DESC LIMIT ${Math.trunc(limit)}`, tx)).map(orderView);
}

/** Orders of the organisation's subtree, newest first (optionally of one status). */
export async function listOrders(ctx: Ctx, org: OrganisationRow, opts: { status?: OrderStatus; limit?: number } = {}): Promise<CardOrderView[]> {
  const where = `${subtreeCondition(org.path)}${opts.status ? ` AND co.status = ${lit(opts.status)}` : ''}`;
  return (await readOrders(ctx, where, undefined, opts.limit ?? 500)).map(publicView);
}

/** An order the actor may see (in the actor's subtree), else 404. */
export async function orderInScope(ctx: Ctx, actor: Actor, orderId: number, tx?: Transaction): Promise<CardOrderView & { orgPath: string }> {
  const [o] = await readOrders(ctx, `co.id = ${lit(Math.trunc(orderId))}`, tx, 1);
  if (!o || !isInSubtree(o.orgPath, actor.orgPath)) throw notFound('Заявка на ЭПБ не найдена.');
  return o;
}

function uniqueIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

/**
 * POST …/card-orders: orders cards for the selected members (all in the organisation's subtree,
 * else 404). With an idempotency key a repeated request gets the first answer and orders nothing twice.
 */
export async function createOrders(ctx: Ctx, actor: Actor, org: OrganisationRow, input: { memberIds: string[]; idempotencyKey?: string }): Promise<CreateOrdersResult> {
  const ids = uniqueIds(input.memberIds);
  const scope = `card-orders:${org.id}`;
  const hash = requestHash(scope, ids);
  if (input.idempotencyKey) {
    const stored = await findAnswer(ctx, actor.userId, input.idempotencyKey);
    if (stored) return replay<CreateOrdersResult>(stored, scope, hash);
  }
  const primaries = await membersInSubtree(ctx, org, ids);
  return cardTransaction(ctx, [...new Set(primaries.values())], async (tx) => {
    if (input.idempotencyKey) {
      const stored = await findAnswer(ctx, actor.userId, input.idempotencyKey, tx);
      if (stored) return replay<CreateOrdersResult>(stored, scope, hash);
    }
    const states = await readCardStates(ctx, ids, tx);
    const results = new Map<string, OrderMemberResult>();
    const byPrimary = new Map<number, { id: string; kind: OrderKind }[]>();
    for (const id of ids) {
      const s = states.get(id);
      if (!s) {
        results.set(id, { memberId: id, outcome: 'refused', orderNumber: null, reasons: [STALE_REASON] });
        continue;
      }
      const e = eligibilityOf(s);
      if (!e.eligible) {
        results.set(id, { memberId: id, outcome: 'refused', orderNumber: null, reasons: e.reasons });
        continue;
      }
      const list = byPrimary.get(s.primaryOrgId) ?? [];
      list.push({ id, kind: e.kind! });
      byPrimary.set(s.primaryOrgId, list);
    }

    const now = ctx.now();
    const year = now.getUTCFullYear();
    // 1. The statuses (the members' rows are locked per primary organisation).
    const toFile: { primaryId: number; items: [string, OrderKind][] }[] = [];
    for (const [primaryId, members] of [...byPrimary.entries()].sort((a, b) => a[0] - b[0])) {
      const requests: CardStatusRequest[] = members.map((m) => ({ memberId: m.id, to: (m.kind === 'reissue' ? 'reissue' : 'ordered') as CardStatus, via: 'order' }));
      const written = await writeCardStatuses(ctx, tx, requests, { userId: actor.userId, now });
      const items: [string, OrderKind][] = [];
      written.forEach((w, i) => {
        const m = members[i];
        if (w.outcome === 'updated') items.push([m.id, m.kind]);
        else results.set(m.id, { memberId: m.id, outcome: 'refused', orderNumber: null, reasons: w.outcome === 'refused' ? [w.message] : [STALE_REASON] });
      });
      if (items.length) toFile.push({ primaryId, items });
    }
    // 2. The orders, numbered last: the year's number counter is a single row every orderer takes,
    //    so it is held only for the few statements before commit.
    const created: number[] = [];
    for (const { primaryId, items } of toFile) {
      const number = await nextCardNumber(ctx, tx, 'order', year);
      const [row] = await rows<{ id: unknown }>(
        ctx.db,
        `INSERT INTO card_orders (number, year, org_id, created_by, created_at, status) VALUES (${lit(number)}, ${lit(year)}, ${lit(primaryId)}, ${lit(actor.userId)}, ${timestampLit(ctx.db, now)}, 'submitted') RETURNING id`,
        tx,
      );
      const orderId = Number(row.id);
      for (const sql of insertStatements('card_order_items', ['order_id', 'member_id', 'kind'], items.map(([m, k]) => [orderId, m, k]))) await exec(ctx.db, sql, tx);
      for (const [m, k] of items) results.set(m, { memberId: m, outcome: k === 'reissue' ? 'reissue' : 'ordered', orderNumber: number, reasons: [] });
      await recordAudit(
        ctx,
        { userId: actor.userId, orgId: primaryId, action: 'card_order.created', entity: 'card_order', entityId: orderId, details: { number, cards: items.length, reissues: items.filter(([, k]) => k === 'reissue').length } },
        tx,
      );
      created.push(orderId);
    }

    const orders = created.length ? (await readOrders(ctx, `co.id IN (${created.join(',')})`, tx)).map(publicView).sort((a, b) => a.id - b.id) : [];
    const members = ids.map((id) => results.get(id)!);
    const answer: CreateOrdersResult = {
      orders,
      members,
      ordered: members.filter((m) => m.outcome === 'ordered').length,
      reissue: members.filter((m) => m.outcome === 'reissue').length,
      refused: members.filter((m) => m.outcome === 'refused').length,
    };
    if (input.idempotencyKey) {
      await saveAnswer(ctx, tx, { userId: actor.userId, key: input.idempotencyKey, scope, requestHash: hash, statusCode: 200, response: JSON.stringify(answer) });
    }
    return answer;
  });
}

export interface CancelResult {
  order: CardOrderView;
  members: { memberId: string; outcome: 'updated' | 'unchanged' | 'refused'; status: CardStatus | null; message: string | null }[];
}

/**
 * POST /card-orders/:orderId/cancel: before the order is in a batch, its members go back to
 * «Не заказан» (a reissue: «Утерян»). Cancelling a cancelled order answers it again.
 */
export async function cancelOrder(ctx: Ctx, actor: Actor, orderId: number): Promise<CancelResult> {
  const order = await orderInScope(ctx, actor, orderId);
  if (order.status === 'cancelled') return { order: publicView(order), members: [] };
  if (order.status === 'batched') throw batchedConflict(order);
  return cardTransaction(ctx, [order.orgId], async (tx) => {
    const claimed = await rows<{ id: unknown }>(
      ctx.db,
      `UPDATE card_orders SET status = 'cancelled', cancelled_at = ${timestampLit(ctx.db, ctx.now())}, cancelled_by = ${lit(actor.userId)} WHERE id = ${lit(order.id)} AND status IN ('submitted', 'draft') RETURNING id`,
      tx,
    );
    if (!claimed.length) {
      const now = await orderInScope(ctx, actor, order.id, tx);
      if (now.status === 'cancelled') return { order: publicView(now), members: [] };
      throw batchedConflict(now);
    }
    const items = await rows<{ member_id: string; kind: string }>(ctx.db, `SELECT member_id, kind FROM card_order_items WHERE order_id = ${lit(order.id)} ORDER BY member_id`, tx);
    const requests: CardStatusRequest[] = items.map((i) => ({ memberId: String(i.member_id), to: i.kind === 'reissue' ? 'lost' : 'not_ordered', via: 'order' }));
    const written = [];
    for (const part of groups(requests, 5000)) written.push(...(await writeCardStatuses(ctx, tx, part, { userId: actor.userId, now: ctx.now(), auditDetails: { orderId: order.id, orderNumber: order.number, cancelled: true } })));
    await recordAudit(ctx, { userId: actor.userId, orgId: order.orgId, action: 'card_order.cancelled', entity: 'card_order', entityId: order.id, details: { number: order.number, cards: items.length } }, tx);
    const after = await orderInScope(ctx, actor, order.id, tx);
    return {
      order: publicView(after),
      members: written.map((w) => ({
        memberId: w.memberId,
        outcome: w.outcome === 'updated' ? 'updated' : w.outcome === 'unchanged' ? 'unchanged' : 'refused',
        status: w.outcome === 'updated' ? w.to : w.outcome === 'unchanged' ? w.status : w.outcome === 'refused' ? w.from : null,
        message: w.outcome === 'refused' ? w.message : w.outcome === 'missing' || w.outcome === 'stale' ? 'Статус ЭПБ не вернулся: запись изменилась или удалена.' : null,
      })),
    };
  });
}

function batchedConflict(order: CardOrderView): AppError {
  return new AppError(
    409,
    'order_batched',
    `Заявка ${order.number} уже включена в партию ${order.batchNumber ?? ''} и передана оператору: отменить её нельзя. Если билет не нужен, сообщите в вышестоящую организацию.`.replace('  ', ' '),
  );
}
