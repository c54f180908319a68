/**
 * Reading members: keyset-paginated pages of an organisation (for «Загрузить из реестра» and for
 * exports), and one member's record card with the history of consents, card status and transfers.
 */
import { CONSENT_KINDS, labelForCode } from '../../../domain/members/codes';
import type { MemberData, MemberFieldKey } from '../../../domain/members/columns';
import { memberDataToCells } from '../../../domain/members/normalize-row';
import { isPrimary, subtreeRange } from '../../../domain/organisations';
import { badRequest } from '../../errors';
import type { ScopedOrg } from '../access';
import { auditRead, recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { memberInScope } from './member-access';
import { memberSelectList, recordFromRow, recordToData, type MemberRecord } from './member-record';
import { deregistrationReasonLabel } from './reasons';
import { inList, isoDate, isoTimestamp, lit, rows } from './sql-literals';

export const PULL_DEFAULT_LIMIT = 500;
export const PULL_MAX_LIMIT = 2000;

export interface PullOptions {
  /** Include the members of the organisation's units (профбюро, профгруппы) and, above a primary organisation, of its primaries. */
  subtree?: boolean;
  includeDeregistered?: boolean;
  /** Opaque cursor from the previous page. */
  cursor?: string | null;
  limit?: number;
  /** 'name': by surname, name, id (default, the order of the sheet); 'id': by id. */
  order?: 'name' | 'id';
}

export interface PulledMember {
  id: string;
  version: number;
  orgId: number;
  primaryOrgId: number;
  /** The unit's name, null when registered in the primary organisation itself. */
  unit: string | null;
  /** Codes (the API's language). */
  data: MemberData;
  /** As the sheet shows them (labels, dd.mm.yyyy, formatted СНИЛС and phone), keyed by column. */
  cells: Record<MemberFieldKey, string | null>;
  registeredAt: string;
  deregisteredAt: string | null;
  deregistrationReason: string | null;
}

export interface PullPage {
  items: PulledMember[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, order: 'name' | 'id'): string[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === (order === 'name' ? 3 : 1) && key.every((k) => typeof k === 'string' && k.length <= 500)) return key as string[];
  } catch {
    // fall through
  }
  throw badRequest('Неверная отметка продолжения списка (cursor): начните загрузку списка с начала.', [{ field: 'cursor', message: 'Неверное значение' }]);
}

/** Names of the organisations members are registered in, for the «Подразделение» column. */
async function unitNames(ctx: Ctx, recs: MemberRecord[]): Promise<Map<number, { name: string; isPrimary: boolean }>> {
  const ids = [...new Set(recs.map((r) => r.orgId))];
  const out = new Map<number, { name: string; isPrimary: boolean }>();
  if (!ids.length) return out;
  for (const o of await rows<{ id: number; name: string; kind: string }>(ctx.db, `SELECT id, name, kind FROM organisations WHERE ${inList('id', ids)}`)) {
    out.set(Number(o.id), { name: o.name, isPrimary: isPrimary(o.kind as never) });
  }
  return out;
}

export function toPulled(rec: MemberRecord, unit: string | null): PulledMember {
  const data = recordToData(rec, unit);
  return {
    id: rec.id,
    version: rec.version,
    orgId: rec.orgId,
    primaryOrgId: rec.primaryOrgId,
    unit,
    data,
    cells: memberDataToCells(data),
    registeredAt: rec.registeredAt,
    deregisteredAt: rec.deregisteredAt,
    deregistrationReason: rec.deregistrationReason,
  };
}

/** One page of members of an organisation (in the actor's subtree, else 404). Recorded in the audit log. */
/** `org`: access checked once, by the caller (the route's orgInScope): see services/access.ts. */
export async function pullMembers(ctx: Ctx, actor: Actor, org: ScopedOrg, opts: PullOptions = {}): Promise<PullPage> {
  const order = opts.order ?? 'name';
  const limit = Math.min(Math.max(1, Math.floor(opts.limit ?? PULL_DEFAULT_LIMIT)), PULL_MAX_LIMIT);
  const where: string[] = [];
  if (!opts.subtree) where.push(`m.org_id = ${lit(org.id)}`);
  else if (isPrimary(org.kind)) where.push(`m.primary_org_id = ${lit(org.id)}`);
  else {
    const { from, to } = subtreeRange(org.path);
    where.push(`m.org_id IN (SELECT id FROM organisations WHERE path >= ${lit(from)} AND path < ${lit(to)})`);
  }
  if (!opts.includeDeregistered) where.push('m.deregistered_at IS NULL');
  if (opts.cursor) {
    const key = decodeCursor(opts.cursor, order);
    where.push(order === 'name' ? `(m.surname, m.name, m.id) > (${lit(key[0])}, ${lit(key[1])}, ${lit(key[2])})` : `m.id > ${lit(key[0])}`);
  }
  const orderBy = order === 'name' ? 'm.surname, m.name, m.id' : 'm.id';
  const found = await rows<Record<string, unknown>>(
    ctx.db,
    `SELECT ${memberSelectList('m')} FROM members m WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${limit + 1}`,
  );
  const more = found.length > limit;
  const recs = found.slice(0, limit).map(recordFromRow);
  const names = await unitNames(ctx, recs);
  const items = recs.map((r) => {
    const o = names.get(r.orgId);
    return toPulled(r, !o || o.isPrimary ? null : o.name);
  });
  const last = recs[recs.length - 1];
  await recordAudit(ctx, {
    userId: actor.userId,
    orgId: org.id,
    action: 'members.pulled',
    entity: 'organisation',
    entityId: org.id,
    details: { count: items.length, subtree: Boolean(opts.subtree), includeDeregistered: Boolean(opts.includeDeregistered), continued: Boolean(opts.cursor) },
  });
  return {
    items,
    nextCursor: more && last ? encodeCursor(order === 'name' ? [last.surname, last.name, last.id] : [last.id]) : null,
  };
}

/** The member card as the GET route answers it: the read is audited (the card is personal data). */
export async function readMemberCard(ctx: Ctx, actor: Actor, memberId: string): Promise<MemberCard> {
  const card = await getMemberCard(ctx, actor, memberId);
  await auditRead(ctx, actor, { action: 'member.card_read', orgId: card.primaryOrganisation.id, entity: 'member', entityId: card.id });
  return card;
}

/** Every member page by page (for exports): `for await (const page of iterateMembers(…))`. */
export async function* iterateMembers(ctx: Ctx, actor: Actor, org: ScopedOrg, opts: Omit<PullOptions, 'cursor'> = {}): AsyncGenerator<PulledMember[]> {
  let cursor: string | null = null;
  do {
    const page: PullPage = await pullMembers(ctx, actor, org, { ...opts, cursor, limit: opts.limit ?? PULL_MAX_LIMIT });
    if (page.items.length) yield page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

export interface ConsentEventView {
  kind: string;
  kindLabel: string;
  state: string | null;
  date: string | null;
  recordedAt: string | null;
  recordedBy: number | null;
  batchId: string | null;
}

export interface CardEventView {
  fromStatus: string | null;
  toStatus: string;
  via: string;
  at: string | null;
  userId: number | null;
  batchId: string | null;
}

export interface MemberCard extends PulledMember {
  organisation: { id: number; name: string };
  primaryOrganisation: { id: number; name: string };
  cardStatusAt: string | null;
  deregistrationReasonLabel: string | null;
  deregistrationComment: string | null;
  createdAt: string;
  updatedAt: string;
  consentHistory: ConsentEventView[];
  cardHistory: CardEventView[];
  transfers: { id: string; fromOrgId: number; toOrgId: number; status: string; requestedAt: string | null; decidedAt: string | null }[];
}

/** The record card of one member with its histories; 404 outside the actor's subtree. */
export async function getMemberCard(ctx: Ctx, actor: Actor, memberId: string): Promise<MemberCard> {
  const rec = await memberInScope(ctx, actor, memberId);
  const id = lit(rec.id);
  const [orgs, consents, cards, transfers] = await Promise.all([
    rows<{ id: number; name: string; kind: string }>(ctx.db, `SELECT id, name, kind FROM organisations WHERE ${inList('id', [rec.orgId, rec.primaryOrgId])}`),
    rows<Record<string, unknown>>(ctx.db, `SELECT kind, state, date, recorded_at, recorded_by, batch_id FROM consent_events WHERE member_id = ${id} ORDER BY id`),
    rows<Record<string, unknown>>(ctx.db, `SELECT from_status, to_status, via, at, user_id, batch_id FROM card_events WHERE member_id = ${id} ORDER BY id`),
    rows<Record<string, unknown>>(ctx.db, `SELECT id, from_org_id, to_org_id, status, requested_at, decided_at FROM member_transfers WHERE member_id = ${id} ORDER BY requested_at`),
  ]);
  const org = orgs.find((o) => Number(o.id) === rec.orgId)!;
  const primary = orgs.find((o) => Number(o.id) === rec.primaryOrgId)!;
  const unit = rec.orgId === rec.primaryOrgId ? null : org.name;
  return {
    ...toPulled(rec, unit),
    organisation: { id: rec.orgId, name: org.name },
    primaryOrganisation: { id: rec.primaryOrgId, name: primary.name },
    cardStatusAt: rec.cardStatusAt,
    deregistrationReasonLabel: deregistrationReasonLabel(ctx, rec.deregistrationReason),
    deregistrationComment: rec.deregistrationComment,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
    consentHistory: consents.map((e) => ({
      kind: String(e.kind),
      kindLabel: labelForCode(CONSENT_KINDS, e.kind as never),
      state: (e.state as string | null) ?? null,
      date: isoDate(e.date),
      recordedAt: isoTimestamp(e.recorded_at),
      recordedBy: e.recorded_by == null ? null : Number(e.recorded_by),
      batchId: (e.batch_id as string | null) ?? null,
    })),
    cardHistory: cards.map((e) => ({
      fromStatus: (e.from_status as string | null) ?? null,
      toStatus: String(e.to_status),
      via: String(e.via),
      at: isoTimestamp(e.at),
      userId: e.user_id == null ? null : Number(e.user_id),
      batchId: (e.batch_id as string | null) ?? null,
    })),
    transfers: transfers.map((t) => ({
      id: String(t.id),
      fromOrgId: Number(t.from_org_id),
      toOrgId: Number(t.to_org_id),
      status: String(t.status),
      requestedAt: isoTimestamp(t.requested_at),
      decidedAt: isoTimestamp(t.decided_at),
    })),
  };
}
