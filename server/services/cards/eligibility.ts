/**
 * Who can be ordered a card: domain/cards' cardEligibility for the answer per member (with every
 * reason in Russian), and the same rule as an SQL condition for counts over many members (budget).
 * cards.eligibility.test.ts checks that the two agree on every kind of member.
 */
import { ACTIVE_CARD_STATUSES, cardEligibility } from '../../../domain/cards';
import type { OrganisationRow } from '../../db/models';
import { auditRead } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { readCardStates, type CardMemberState } from './card-status-writes';
import { notFound } from '../../errors';
import { MEMBERS_OUTSIDE, membersInSubtree } from './scope';

export type OrderKind = 'new' | 'reissue';

export interface EligibilityView {
  memberId: string;
  eligible: boolean;
  /** For an eligible member: a first card, or a reissue of a lost one. */
  kind: OrderKind | null;
  reasons: string[];
}

export function eligibilityOf(s: CardMemberState): EligibilityView {
  const e = cardEligibility({
    surname: s.surname,
    name: s.name,
    birthDate: s.birthDate === null ? null : String(s.birthDate),
    phone: s.phone,
    deregisteredAt: s.deregisteredAt,
    consentUnion: s.consentUnion,
    consentOperator: s.consentOperator,
    cardStatus: s.cardStatus,
  });
  return { memberId: s.id, eligible: e.eligible, kind: e.eligible ? (s.cardStatus === 'lost' ? 'reissue' : 'new') : null, reasons: e.reasons };
}

const nonEmpty = (col: string) => `COALESCE(${col}, '') <> ''`;

/** cardEligibility as an SQL condition on a `members` row (alias `m` by default). */
export function eligibleSql(alias = 'm'): string {
  const c = (col: string) => `${alias}.${col}`;
  const excluded = [...ACTIVE_CARD_STATUSES, 'blocked'].map((s) => `'${s}'`).join(', ');
  return (
    `(${c('deregistered_at')} IS NULL AND ${c('consent_union')} = 'given' AND ${c('consent_operator')} = 'given'` +
    ` AND ${nonEmpty(c('surname'))} AND ${nonEmpty(c('name'))} AND ${c('birth_date')} IS NOT NULL AND ${nonEmpty(c('phone'))}` +
    ` AND COALESCE(NULLIF(${c('card_status')}, ''), 'not_ordered') NOT IN (${excluded}))`
  );
}

/** POST …/cards/eligibility: each selected member (all in the organisation's subtree, else 404) with its reasons. */
export async function checkEligibility(ctx: Ctx, actor: Actor, org: OrganisationRow, memberIds: readonly string[]): Promise<{ members: EligibilityView[]; eligible: number; notEligible: number }> {
  await membersInSubtree(ctx, org, memberIds);
  const states = await readCardStates(ctx, memberIds.map((id) => id.toLowerCase()));
  const seen = new Set<string>();
  const members: EligibilityView[] = [];
  for (const raw of memberIds) {
    const id = raw.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    const state = states.get(id);
    if (!state) throw notFound(MEMBERS_OUTSIDE);
    members.push(eligibilityOf(state));
  }
  const eligible = members.filter((m) => m.eligible).length;
  await auditRead(ctx, actor, { action: 'cards.eligibility_checked', orgId: org.id, entity: 'organisation', entityId: org.id, details: { count: members.length, eligible } });
  return { members, eligible, notEligible: members.length - eligible };
}
