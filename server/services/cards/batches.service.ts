/**
 * Batches (партии): a territorial or regional organisation collects the submitted orders of its
 * subtree for the card operator. A batch fixes the price of its year; its outputs are the application
 * (.docx from templates/card-order.docx) and the member register (.xlsx / .csv, register.ts). The
 * outputs carry personal data: every download is written to the audit log (counts, never values).
 */
import type { Transaction } from 'sequelize';
import type { CardStatus, CategoryCode } from '../../../domain/members/codes';
import { isInSubtree, pathIds, type OrgKind } from '../../../domain/organisations';
import type { OrganisationRow } from '../../db/models';
import { buildCardOrder, DocumentError } from '../../documents';
import { AppError, notFound } from '../../errors';
import type { FileResult } from '../../http/route';
import { recordAudit } from '../audit.service';
import { documentProblem } from '../documents/problems';
import { activeTemplate } from '../documents/template-store';
import { effectiveDocumentsConfig } from '../documents/settings.service';
import { unionBodies } from '../documents/union-bodies';
import type { Actor, Ctx } from '../context';
import { isoDate, isoTimestamp, lit, rows, timestampLit } from '../members/sql-literals';
import { nextCardNumber } from './numbers';
import { cardPriceForYear } from './prices.service';
import { buildRegisterCsv, buildRegisterXlsx, type RegisterBatch, type RegisterMember } from './register';
import { cardTransaction, subtreeCondition } from './scope';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** Organisations that collect batches: everything above a primary organisation (and a ППО with the rights of a territorial one). */
export const COLLECTING_KINDS: readonly OrgKind[] = ['central', 'regional', 'territorial', 'primary_territorial'];

const CHAIR_POSITION: Partial<Record<OrgKind, string>> = {
  central: 'Председатель Общероссийского Профсоюза образования',
  regional: 'Председатель региональной (межрегиональной) организации Профсоюза',
  territorial: 'Председатель территориальной (местной) организации Профсоюза',
  primary_territorial: 'Председатель первичной профсоюзной организации с правами территориальной',
};

export interface CardBatchView {
  id: number;
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

type Raw = Record<string, unknown>;

interface BatchRow extends Omit<CardBatchView, 'orders'> {
  orgPath: string;
  orgKind: OrgKind;
}

const BATCH_SELECT = `SELECT b.id, b.number, b.year, b.org_id, o.name AS org_name, o.path AS org_path, o.kind AS org_kind, b.created_at, b.created_by,
  b.orders_count, b.card_count, b.price_kopecks, b.cost_kopecks FROM card_batches b JOIN organisations o ON o.id = b.org_id`;

function batchRow(r: Raw): BatchRow {
  const price = Number(r.price_kopecks);
  const cost = Number(r.cost_kopecks);
  return {
    id: Number(r.id),
    number: String(r.number),
    year: Number(r.year),
    orgId: Number(r.org_id),
    orgName: String(r.org_name),
    orgPath: String(r.org_path),
    orgKind: String(r.org_kind) as OrgKind,
    createdAt: isoTimestamp(r.created_at) ?? '',
    createdBy: Number(r.created_by),
    ordersCount: Number(r.orders_count),
    cardCount: Number(r.card_count),
    priceKopecks: price,
    costKopecks: cost,
    priceRub: price / 100,
    costRub: cost / 100,
  };
}

async function batchOrders(ctx: Ctx, batchIds: readonly number[], tx?: Transaction): Promise<Map<number, CardBatchView['orders']>> {
  const out = new Map<number, CardBatchView['orders']>();
  if (!batchIds.length) return out;
  const found = await rows<Raw>(
    ctx.db,
    `SELECT co.batch_id, co.id, co.number, co.org_id, o.name AS org_name, (SELECT COUNT(*) FROM card_order_items i WHERE i.order_id = co.id) AS cards
     FROM card_orders co JOIN organisations o ON o.id = co.org_id WHERE co.batch_id IN (${batchIds.map((id) => Math.trunc(id)).join(',')}) ORDER BY co.id`,
    tx,
  );
  for (const r of found) {
    const list = out.get(Number(r.batch_id)) ?? [];
    list.push({ id: Number(r.id), number: String(r.number), orgId: Number(r.org_id), orgName: String(r.org_name), cards: Number(r.cards) });
    out.set(Number(r.batch_id), list);
  }
  return out;
}

async function readBatches(ctx: Ctx, where: string, tx?: Transaction, limit = 200): Promise<(CardBatchView & { orgPath: string; orgKind: OrgKind })[]> {
  const found = (await rows<Raw>(ctx.db, `${BATCH_SELECT} WHERE ${where} ORDER BY b.created_at DESC, b.id DESC LIMIT ${Math.trunc(limit)}`, tx)).map(batchRow);
  const orders = await batchOrders(ctx, found.map((b) => b.id), tx);
  return found.map((b) => ({ ...b, orders: orders.get(b.id) ?? [] }));
}

const publicBatch = ({ orgPath: _p, orgKind: _k, ...v }: CardBatchView & { orgPath: string; orgKind: OrgKind }): CardBatchView => v;

/** A batch the actor may see (collected in the actor's subtree), else 404. */
export async function batchInScope(ctx: Ctx, actor: Actor, batchId: number): Promise<CardBatchView & { orgPath: string; orgKind: OrgKind }> {
  const [b] = await readBatches(ctx, `b.id = ${lit(Math.trunc(batchId))}`, undefined, 1);
  if (!b || !isInSubtree(b.orgPath, actor.orgPath)) throw notFound('Партия ЭПБ не найдена.');
  return b;
}

/** Batches collected by the organisation or below it, newest first. */
export async function listBatches(ctx: Ctx, org: OrganisationRow): Promise<CardBatchView[]> {
  return (await readBatches(ctx, subtreeCondition(org.path))).map(publicBatch);
}

/**
 * POST …/card-batches: every submitted order of the organisation's subtree (or only `orderIds`)
 * goes into a new batch; the price of the year is fixed in it.
 */
export async function collectBatch(ctx: Ctx, actor: Actor, org: OrganisationRow, input: { orderIds?: number[] } = {}): Promise<CardBatchView> {
  if (!COLLECTING_KINDS.includes(org.kind)) {
    throw new AppError(422, 'not_collecting_org', 'Партию для оператора собирает территориальная или региональная организация: выберите её, а не первичную организацию или подразделение.');
  }
  const now = ctx.now();
  const year = now.getUTCFullYear();
  const price = await cardPriceForYear(ctx, year);
  return cardTransaction(ctx, [], async (tx) => {
    let where = `${subtreeCondition(org.path)} AND co.status = 'submitted'`;
    if (input.orderIds?.length) {
      const ids = [...new Set(input.orderIds.map((id) => Math.trunc(id)))];
      const found = await rows<Raw>(ctx.db, `SELECT co.id, co.number, co.status FROM card_orders co JOIN organisations o ON o.id = co.org_id WHERE co.id IN (${ids.join(',')}) AND ${subtreeCondition(org.path)}`, tx);
      if (found.length !== ids.length) throw notFound('Среди выбранных заявок есть заявки не из этой организации. Обновите список заявок.');
      const notSubmitted = found.filter((r) => r.status !== 'submitted').map((r) => String(r.number));
      if (notSubmitted.length) {
        throw new AppError(409, 'orders_not_submitted', `Заявки ${notSubmitted.join(', ')} уже включены в партию или отменены. Обновите список заявок.`);
      }
      where += ` AND co.id IN (${ids.join(',')})`;
    }
    const candidates = await rows<{ id: unknown }>(ctx.db, `SELECT co.id FROM card_orders co JOIN organisations o ON o.id = co.org_id WHERE ${where} ORDER BY co.id`, tx);
    if (!candidates.length) {
      throw new AppError(422, 'no_orders', 'Нет поданных заявок на ЭПБ, которые ещё не включены в партию. Партия не создана.');
    }
    const number = await nextCardNumber(ctx, tx, 'batch', year);
    const [b] = await rows<{ id: unknown }>(
      ctx.db,
      `INSERT INTO card_batches (number, year, org_id, created_by, created_at, orders_count, card_count, price_kopecks, cost_kopecks)
       VALUES (${lit(number)}, ${lit(year)}, ${lit(org.id)}, ${lit(actor.userId)}, ${timestampLit(ctx.db, now)}, 0, 0, ${lit(price)}, 0) RETURNING id`,
      tx,
    );
    const batchId = Number(b.id);
    // Claim the orders: one cancelled or batched meanwhile by someone else is simply not claimed.
    const claimed = await rows<{ id: unknown }>(
      ctx.db,
      `UPDATE card_orders SET status = 'batched', batch_id = ${lit(batchId)} WHERE id IN (${candidates.map((c) => Number(c.id)).join(',')}) AND status = 'submitted' RETURNING id`,
      tx,
    );
    if (!claimed.length) throw new AppError(409, 'no_orders', 'Заявки только что изменились (отменены или включены в другую партию). Обновите список заявок.');
    const [count] = await rows<{ n: unknown }>(ctx.db, `SELECT COUNT(*) AS n FROM card_order_items i JOIN card_orders co ON co.id = i.order_id WHERE co.batch_id = ${lit(batchId)}`, tx);
    const cards = Number(count.n);
    await rows(
      ctx.db,
      `UPDATE card_batches SET orders_count = ${lit(claimed.length)}, card_count = ${lit(cards)}, cost_kopecks = ${lit(cards * price)} WHERE id = ${lit(batchId)} RETURNING id`,
      tx,
    );
    await recordAudit(
      ctx,
      { userId: actor.userId, orgId: org.id, action: 'card_batch.created', entity: 'card_batch', entityId: batchId, details: { number, orders: claimed.length, cards, priceKopecks: price } },
      tx,
    );
    const [view] = await readBatches(ctx, `b.id = ${lit(batchId)}`, tx, 1);
    return publicBatch(view);
  });
}

interface BatchMemberRow extends RegisterMember {
  included: boolean;
}

/** The members of a batch, ordered by primary organisation, order and name; `included` false for those left out of the outputs. */
async function batchMembers(ctx: Ctx, batchId: number): Promise<BatchMemberRow[]> {
  const found = await rows<Raw>(
    ctx.db,
    `SELECT m.id, m.surname, m.name, m.patronymic, m.birth_date, m.phone, m.email, m.category, m.card_status, m.card_status_at,
       m.deregistered_at, m.consent_operator, i.kind, co.number AS order_number, p.name AS primary_name
     FROM card_orders co JOIN card_order_items i ON i.order_id = co.id JOIN members m ON m.id = i.member_id JOIN organisations p ON p.id = co.org_id
     WHERE co.batch_id = ${lit(Math.trunc(batchId))}
     ORDER BY p.name, co.number, m.surname, m.name, m.patronymic, m.id`,
  );
  const s = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));
  return found.map((r) => ({
    memberId: String(r.id),
    orderNumber: String(r.order_number),
    kind: r.kind === 'reissue' ? 'reissue' : 'new',
    surname: String(r.surname),
    name: String(r.name),
    patronymic: s(r.patronymic),
    birthDate: isoDate(r.birth_date) ?? '',
    phone: s(r.phone),
    email: s(r.email),
    category: String(r.category) as CategoryCode,
    primaryOrgName: String(r.primary_name),
    cardStatus: s(r.card_status) as CardStatus | null,
    cardStatusAt: isoTimestamp(r.card_status_at),
    included: r.deregistered_at === null && r.consent_operator === 'given' && r.card_status !== 'blocked',
  }));
}

function registerBatch(b: CardBatchView, members: readonly BatchMemberRow[]): RegisterBatch {
  return {
    number: b.number,
    createdAt: b.createdAt,
    orgName: b.orgName,
    cardCount: b.cardCount,
    priceKopecks: b.priceKopecks,
    costKopecks: b.costKopecks,
    excluded: members.filter((m) => !m.included).length,
  };
}

function fileSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[<>:"/\\|?*\u0000-\u001f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80).replace(/[. ]+$/, '');
}

export const BATCH_FILES = ['application.docx', 'register.xlsx', 'register.csv'] as const;
export type BatchFile = (typeof BATCH_FILES)[number];

export interface BuiltBatchFile extends FileResult {
  batch: CardBatchView;
  memberIds: string[];
  /** Template kind → version used (the application only). */
  templateVersions: Record<string, number>;
}

/** Builds one output of a batch the actor may see (404 otherwise). Writes nothing. */
export async function buildBatchFile(ctx: Ctx, actor: Actor, batchId: number, which: BatchFile): Promise<BuiltBatchFile> {
  const b = await batchInScope(ctx, actor, batchId);
  const all = await batchMembers(ctx, b.id);
  const members = all.filter((m) => m.included);
  const memberIds = members.map((m) => m.memberId);
  if (which !== 'application.docx') {
    const format = which === 'register.xlsx' ? 'xlsx' : 'csv';
    const meta = registerBatch(b, all);
    return {
      batch: publicBatch(b),
      memberIds,
      templateVersions: {},
      file: format === 'xlsx' ? await buildRegisterXlsx(meta, members) : buildRegisterCsv(meta, members),
      contentType: format === 'xlsx' ? XLSX_CONTENT_TYPE : CSV_CONTENT_TYPE,
      fileName: `Реестр ЭПБ ${b.number}.${format}`,
    };
  }
  if (!members.length) throw new AppError(422, 'batch_empty', 'В партии не осталось членов Профсоюза, чьи данные можно передать оператору (сняты с учёта или отозвали согласие).');
  const [chair] = await rows<Raw>(
    ctx.db,
    `SELECT p.chair_full_name, u.full_name FROM card_batches b JOIN users u ON u.id = b.created_by LEFT JOIN passports p ON p.org_id = b.org_id WHERE b.id = ${lit(b.id)}`,
  );
  const { config } = await effectiveDocumentsConfig(ctx);
  const op = config.operators.card_operator;
  // Cards are mailed to the regional committee (the batch's own organisation when it is regional or central).
  const chain = pathIds(b.orgPath);
  const bodies = await unionBodies(ctx, chain);
  const regional = [...chain].reverse().map((id) => bodies.get(id)!).find((x) => x && (x.org.kind === 'regional' || x.org.kind === 'central')) ?? bodies.get(b.orgId)!;
  const collecting = bodies.get(b.orgId);
  if (!regional.legalAddress) {
    throw new AppError(
      422,
      'delivery_address_missing',
      `Заявка не напечатана: в ней указывается адрес доставки билетов — адрес организации «${regional.name ?? regional.org.name}». Его вносит председатель этой организации или администратор реестра в реквизитах организации для документов.`,
    );
  }
  // The administrator's current card-order template (the shipped one until a replacement is uploaded).
  const template = await activeTemplate(ctx, 'card-order');
  let file: Buffer;
  try {
    file = await buildCardOrder(
      template.content,
      {
        organisationName: collecting?.name ?? b.orgName,
        addressee: { name: op.name, inn: op.inn, contract: op.contract ?? null },
        deliveryAddress: `${regional.name ?? regional.org.name}, ${regional.legalAddress}`,
        contactPerson: [String(chair?.full_name || chair?.chair_full_name || ''), collecting?.contact].filter(Boolean).join(', '),
        orderNumber: b.number,
        date: b.createdAt.slice(0, 10),
        chairFullName: String(chair?.chair_full_name || chair?.full_name || ''),
        chairPosition: CHAIR_POSITION[b.orgKind] ?? 'Председатель организации Профсоюза',
        members: members.map((m) => ({ surname: m.surname, name: m.name, patronymic: m.patronymic, birthDate: m.birthDate, phone: m.phone, primaryOrgName: m.primaryOrgName })),
      },
      // The batch's own price (fixed when it was collected) for the batch's year.
      { ...config, card_prices: { [String(b.year)]: b.priceKopecks / 100 } },
    );
  } catch (err) {
    if (err instanceof DocumentError) throw documentProblem(err);
    throw err;
  }
  return {
    batch: publicBatch(b),
    memberIds,
    templateVersions: { 'card-order': template.version },
    file,
    contentType: DOCX_CONTENT_TYPE,
    fileName: `Заявка на ЭПБ ${b.number} — ${fileSafe(b.orgName)}.docx`,
  };
}

/** The audit row of an export of a batch's personal data (counts and numbers, never values). */
export async function auditBatchExport(ctx: Ctx, actor: Actor, built: BuiltBatchFile, which: BatchFile, via: 'download' | 'link'): Promise<void> {
  await recordAudit(ctx, {
    userId: actor.userId,
    orgId: built.batch.orgId,
    action: 'card_batch.exported',
    entity: 'card_batch',
    entityId: built.batch.id,
    details: { number: built.batch.number, format: which.split('.')[1], file: which, members: built.memberIds.length, via, ...(Object.keys(built.templateVersions).length ? { templateVersions: built.templateVersions } : {}) },
  });
}

/**
 * GET /card-batches/:batchId/{application.docx,register.xlsx,register.csv}: the application for the
 * operator (.docx from the card-order template: members, the year's price, the total) or the member
 * register (docs/card-operator-register.md). Audited.
 */
export async function batchFile(ctx: Ctx, actor: Actor, batchId: number, which: BatchFile): Promise<FileResult> {
  const built = await buildBatchFile(ctx, actor, batchId, which);
  await auditBatchExport(ctx, actor, built, which, 'download');
  return { file: built.file, contentType: built.contentType, fileName: built.fileName };
}
