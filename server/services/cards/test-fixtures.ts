/**
 * Test helpers of the card area: members registered through the member register's own write path
 * (writeMembers, so the progress counters and histories stay right), organisations through the API.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { CardStatus, ConsentState } from '../../../domain/members/codes';
import type { OrgKind } from '../../../domain/organisations';
import { auth, type TestApp } from '../../../test/support/app';
import type { Ctx } from '../context';
import { inventedSnils } from '../members/demo-members';
import type { MemberRecord } from '../members/member-record';
import { memberTransaction } from '../members/member-tx';
import { writeMembers } from '../members/member-writes';
import { lit, rows } from '../members/sql-literals';

export interface SeedMember {
  orgId: number;
  /** Default: orgId (the member is registered in the primary organisation itself). */
  primaryOrgId?: number;
  surname?: string;
  name?: string;
  patronymic?: string | null;
  birthDate?: string;
  sex?: 'male' | 'female' | null;
  /** Default: a fresh invented СНИЛС; null for none. */
  snils?: string | null;
  phone?: string | null;
  email?: string | null;
  consentUnion?: ConsentState | null;
  consentOperator?: ConsentState | null;
  cardStatus?: CardStatus | null;
  /** ISO timestamp of the current card status. */
  cardStatusAt?: string | null;
  deregisteredAt?: string | null;
}

let snilsNo = 900_000;

/** An eligible member by default (both consents, phone, birth date, no card). Returns the ids in order. */
export async function seedMembers(ctx: Ctx, members: readonly SeedMember[]): Promise<string[]> {
  const now = ctx.now().toISOString();
  const records: MemberRecord[] = members.map((m) => ({
    id: randomUUID(),
    orgId: m.orgId,
    primaryOrgId: m.primaryOrgId ?? m.orgId,
    surname: m.surname ?? 'Тестова',
    name: m.name ?? 'Анна',
    patronymic: m.patronymic === undefined ? 'Петровна' : m.patronymic,
    sex: m.sex === undefined ? 'female' : m.sex,
    birthDate: m.birthDate ?? '1985-04-12',
    snils: m.snils === undefined ? inventedSnils(snilsNo++) : m.snils,
    phone: m.phone === undefined ? '+79123456789' : m.phone,
    email: m.email === undefined ? null : m.email,
    position: null,
    category: 'employee',
    joinedAt: null,
    consentUnion: m.consentUnion === undefined ? 'given' : m.consentUnion,
    consentUnionDate: (m.consentUnion === undefined ? 'given' : m.consentUnion) ? '2026-03-01' : null,
    consentOperator: m.consentOperator === undefined ? 'given' : m.consentOperator,
    consentOperatorDate: (m.consentOperator === undefined ? 'given' : m.consentOperator) ? '2026-03-01' : null,
    consentNotify: null,
    consentNotifyDate: null,
    cardStatus: m.cardStatus === undefined ? 'not_ordered' : m.cardStatus,
    cardStatusAt: m.cardStatusAt ?? null,
    address: null,
    idDocument: null,
    registeredAt: '2026-02-01',
    deregisteredAt: m.deregisteredAt ?? null,
    deregistrationReason: m.deregisteredAt ? 'left_job' : null,
    deregistrationComment: null,
    version: 1,
    lastBatchId: null,
    createdBy: null,
    updatedBy: null,
    createdAt: now,
    updatedAt: now,
  }));
  const primaries = [...new Set(records.map((r) => r.primaryOrgId))];
  await memberTransaction(ctx, primaries, (tx) =>
    writeMembers(ctx, tx, records.map((after) => ({ op: 'create' as const, after })), { userId: null, batch: null, cardVia: 'system', now: ctx.now() }),
  );
  return records.map((r) => r.id);
}

/** A new organisation under `parentId`, created by the central administrator through the API. */
export async function createOrg(t: TestApp, parentId: number, kind: OrgKind, name: string): Promise<number> {
  const res = await request(t.app).post(`/api/v1/organisations/${parentId}/children`).set(auth(await t.token('admin'))).send({ kind, name });
  if (res.status !== 201) throw new Error(`createOrg ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return Number(res.body.id);
}

export interface MemberCard {
  cardStatus: CardStatus | null;
  version: number;
  cardStatusAt: string | null;
}

export async function cardOf(ctx: Ctx, memberId: string): Promise<MemberCard> {
  const [r] = await rows<Record<string, unknown>>(ctx.db, `SELECT card_status, version, card_status_at FROM members WHERE id = ${lit(memberId)}`);
  return { cardStatus: (r.card_status ?? null) as CardStatus | null, version: Number(r.version), cardStatusAt: r.card_status_at === null ? null : String(r.card_status_at) };
}

export async function cardEvents(ctx: Ctx, memberId: string): Promise<{ from: string | null; to: string; via: string; userId: number | null }[]> {
  const found = await rows<Record<string, unknown>>(ctx.db, `SELECT from_status, to_status, via, user_id FROM card_events WHERE member_id = ${lit(memberId)} ORDER BY id`);
  return found.map((r) => ({
    from: r.from_status === null ? null : String(r.from_status),
    to: String(r.to_status),
    via: String(r.via),
    userId: r.user_id === null ? null : Number(r.user_id),
  }));
}
