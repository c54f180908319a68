/**
 * The counters of the progress report, as plain vectors: which columns exist, what one member
 * contributes, what a primary organisation's own facts are, and when each of the seven steps is done.
 * Pure functions; the SQL that keeps the table in step lives in counters.ts.
 */
import { ACTIVE_CARD_STATUSES, cardEligibility } from '../../../domain/cards';
import type { CardStatus, ConsentState } from '../../../domain/members/codes';
import { isPrimary, isUnit, type OrgKind } from '../../../domain/organisations';
import { passportCompleteness, type PassportData } from '../../../domain/passport';

/** Facts about one organisation itself; summed over a subtree they become the fact counters. */
export const FACT_KEYS = [
  'primaries', 'accounts', 'obligations', 'trained',
  'tabInpo', 'tabRegistration', 'tabOrganisation', 'tabContacts', 'passports', 'structures',
  'employees', 'students',
] as const;
export type FactKey = (typeof FACT_KEYS)[number];

/** Counters that change with members (maintained by applyMemberChanges). */
export const MEMBER_KEYS = [
  'registered', 'consentUnion', 'consentOperator', 'consentNotify', 'consentsAnswered',
  'cardsEligible', 'cardsOrdered', 'cardsReceived', 'cardsIssued',
] as const;
export type MemberKey = (typeof MEMBER_KEYS)[number];

/** Every rolled-up counter: facts, members, and primary organisations that have registered members. */
export const COUNTER_KEYS = [...FACT_KEYS, 'withMembers', ...MEMBER_KEYS] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];

export type Counters = Record<CounterKey, number>;
export type Facts = Record<FactKey, number>;
export type MemberVector = Record<MemberKey, number>;

/** Column of org_stats for each rolled-up counter. */
export const COUNTER_COLUMNS: Record<CounterKey, string> = {
  primaries: 'n_primaries',
  accounts: 'n_accounts',
  obligations: 'n_obligations',
  trained: 'n_trained',
  tabInpo: 'n_tab_inpo',
  tabRegistration: 'n_tab_registration',
  tabOrganisation: 'n_tab_organisation',
  tabContacts: 'n_tab_contacts',
  passports: 'n_passports',
  structures: 'n_structures',
  employees: 'hc_employees',
  students: 'hc_students',
  withMembers: 'n_with_members',
  registered: 'm_registered',
  consentUnion: 'm_consent_union',
  consentOperator: 'm_consent_operator',
  consentNotify: 'm_consent_notify',
  consentsAnswered: 'm_consents_answered',
  cardsEligible: 'm_cards_eligible',
  cardsOrdered: 'm_cards_ordered',
  cardsReceived: 'm_cards_received',
  cardsIssued: 'm_cards_issued',
};

/** Column of org_stats for each own fact. */
export const FACT_COLUMNS: Record<FactKey, string> = {
  primaries: 'f_primary',
  accounts: 'f_accounts',
  obligations: 'f_obligations',
  trained: 'f_trained',
  tabInpo: 'f_tab_inpo',
  tabRegistration: 'f_tab_registration',
  tabOrganisation: 'f_tab_organisation',
  tabContacts: 'f_tab_contacts',
  passports: 'f_passports',
  structures: 'f_structures',
  employees: 'f_employees',
  students: 'f_students',
};

export function zeroCounters(): Counters {
  return Object.fromEntries(COUNTER_KEYS.map((k) => [k, 0])) as Counters;
}

export function zeroFacts(): Facts {
  return Object.fromEntries(FACT_KEYS.map((k) => [k, 0])) as Facts;
}

export function isZero(v: Partial<Record<CounterKey, number>>): boolean {
  for (const k in v) if (v[k as CounterKey]) return false;
  return true;
}

/** a += sign × b, over the keys b has. */
export function addInto(a: Partial<Record<CounterKey, number>>, b: Partial<Record<CounterKey, number>>, sign = 1): void {
  for (const k in b) {
    const key = k as CounterKey;
    const d = b[key] ?? 0;
    if (d) a[key] = (a[key] ?? 0) + sign * d;
  }
}

// ------------------------------------------------------------------ members

/**
 * What the counters need to know about a member at one moment (before or after a write). Extra
 * fields are ignored, so the member write path may pass its whole row object.
 */
export interface MemberCounterState {
  /** The organisation (ППО, профбюро or профгруппа) the member is registered in. */
  orgId: number;
  /** Registered (not deregistered). When absent, `deregisteredAt` decides. */
  registered?: boolean;
  deregisteredAt?: string | Date | null;
  consentUnion: ConsentState | string | null;
  consentOperator: ConsentState | string | null;
  consentNotify: ConsentState | string | null;
  cardStatus: CardStatus | string | null;
  surname: string | null;
  name: string | null;
  birthDate: string | Date | null;
  phone: string | null;
}

/** One member written: null `before` = created, null `after` = removed altogether. */
export interface MemberChange {
  memberId: string;
  /** Informational (the organisation after the write); the counters read before.orgId / after.orgId. */
  orgId?: number;
  before: MemberCounterState | null;
  after: MemberCounterState | null;
}

const filled = (v: unknown): boolean => v !== null && v !== undefined && String(v).trim() !== '';

export function isRegistered(s: MemberCounterState): boolean {
  return s.registered ?? !filled(s.deregisteredAt);
}

const RECEIVED: readonly string[] = ['received', 'issued'];

const ZERO_VECTOR: Readonly<MemberVector> = Object.freeze(Object.fromEntries(MEMBER_KEYS.map((k) => [k, 0])) as MemberVector);
/** The vector depends on a handful of states only: computed once per combination (pushes carry thousands of members). */
const vectorMemo = new Map<string, Readonly<MemberVector>>();

/** What one member contributes to the member counters of the organisation they are registered in (do not mutate the result). */
export function memberVector(s: MemberCounterState | null): Readonly<MemberVector> {
  if (!s || !isRegistered(s)) return ZERO_VECTOR;
  const key = `${s.consentUnion ?? ''}|${s.consentOperator ?? ''}|${s.consentNotify ?? ''}|${s.cardStatus ?? ''}|${+filled(s.surname)}${+filled(s.name)}${+filled(s.birthDate)}${+filled(s.phone)}`;
  let v = vectorMemo.get(key);
  if (!v) {
    v = Object.freeze(computeMemberVector(s));
    if (vectorMemo.size < 10_000) vectorMemo.set(key, v);
  }
  return v;
}

function computeMemberVector(s: MemberCounterState): MemberVector {
  const v = { ...ZERO_VECTOR };
  const status = (filled(s.cardStatus) ? String(s.cardStatus) : 'not_ordered') as CardStatus;
  v.registered = 1;
  v.consentUnion = s.consentUnion === 'given' ? 1 : 0;
  v.consentOperator = s.consentOperator === 'given' ? 1 : 0;
  v.consentNotify = s.consentNotify === 'given' ? 1 : 0;
  v.consentsAnswered = filled(s.consentUnion) && filled(s.consentOperator) && filled(s.consentNotify) ? 1 : 0;
  const eligibility = cardEligibility({
    surname: filled(s.surname) ? String(s.surname) : null,
    name: filled(s.name) ? String(s.name) : null,
    birthDate: filled(s.birthDate) ? String(s.birthDate) : null,
    phone: filled(s.phone) ? String(s.phone) : null,
    deregisteredAt: null,
    consentUnion: s.consentUnion,
    consentOperator: s.consentOperator,
    cardStatus: status,
  });
  v.cardsEligible = eligibility.eligible ? 1 : 0;
  v.cardsOrdered = ACTIVE_CARD_STATUSES.includes(status) ? 1 : 0;
  v.cardsReceived = RECEIVED.includes(status) ? 1 : 0;
  v.cardsIssued = status === 'issued' ? 1 : 0;
  return v;
}

const nonEmpty = (col: string) => `COALESCE(${col}, '') <> ''`;
const quoted = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * The same contribution as memberVector, as SQL aggregates over `members` (registered members only:
 * the query adds `deregistered_at IS NULL`). Kept next to memberVector so the two cannot drift apart;
 * the counters test compares them on every kind of member.
 */
export function memberAggregateSql(alias = ''): Record<MemberKey, string> {
  const c = (col: string) => `${alias}${col}`;
  const status = `COALESCE(NULLIF(${c('card_status')}, ''), 'not_ordered')`;
  const sum = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;
  return {
    registered: 'COUNT(*)',
    consentUnion: sum(`${c('consent_union')} = 'given'`),
    consentOperator: sum(`${c('consent_operator')} = 'given'`),
    consentNotify: sum(`${c('consent_notify')} = 'given'`),
    consentsAnswered: sum(`${nonEmpty(c('consent_union'))} AND ${nonEmpty(c('consent_operator'))} AND ${nonEmpty(c('consent_notify'))}`),
    cardsEligible: sum(
      `${c('consent_union')} = 'given' AND ${c('consent_operator')} = 'given' AND ${nonEmpty(c('surname'))} AND ${nonEmpty(c('name'))}` +
        ` AND ${c('birth_date')} IS NOT NULL AND ${nonEmpty(c('phone'))} AND ${status} NOT IN (${quoted([...ACTIVE_CARD_STATUSES, 'blocked'])})`,
    ),
    cardsOrdered: sum(`${status} IN (${quoted(ACTIVE_CARD_STATUSES)})`),
    cardsReceived: sum(`${status} IN (${quoted(RECEIVED)})`),
    cardsIssued: sum(`${status} = 'issued'`),
  };
}

// ------------------------------------------------------------------ facts of an organisation

export interface OrgFactsInput {
  kind: OrgKind;
  status: string;
  /** Active accounts of the organisation's chair(s). */
  accounts: number;
  obligations: number;
  trained: number;
  passport: Partial<PassportData> | null;
  /** Active профбюро/профгруппы directly under the organisation. */
  units: number;
}

/** A primary organisation's own facts (every other organisation has none: zeros). */
export function orgFacts(o: OrgFactsInput): Facts {
  const f = zeroFacts();
  if (!isPrimary(o.kind) || o.status !== 'active') return f;
  f.primaries = 1;
  f.accounts = o.accounts > 0 ? 1 : 0;
  f.obligations = o.obligations > 0 ? 1 : 0;
  f.trained = o.trained > 0 ? 1 : 0;
  const tabs = passportCompleteness(o.passport ?? {}).tabs;
  const tab = (code: string) => {
    const t = tabs.find((x) => x.tab === code);
    return t && t.filled === t.total ? 1 : 0;
  };
  f.tabInpo = tab('inpo');
  f.tabRegistration = tab('registration');
  f.tabOrganisation = tab('organisation');
  f.tabContacts = tab('contacts');
  f.passports = f.tabInpo && f.tabRegistration && f.tabOrganisation && f.tabContacts ? 1 : 0;
  f.structures = o.units > 0 ? 1 : 0;
  f.employees = Math.max(0, Math.trunc(Number(o.passport?.employeesCount ?? 0)) || 0);
  f.students = Math.max(0, Math.trunc(Number(o.passport?.studentsCount ?? 0)) || 0);
  return f;
}

export function factsAsCounters(f: Facts): Partial<Counters> {
  const c: Partial<Counters> = {};
  for (const k of FACT_KEYS) if (f[k]) c[k] = f[k];
  return c;
}

// ------------------------------------------------------------------ the seven steps

export const STEPS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Step = (typeof STEPS)[number];

/** The main measure of each step: numerator of denominator; the step is done at 100%. */
export function stepRatio(step: Step, c: Counters): { value: number; of: number } {
  switch (step) {
    case 1:
      return { value: c.obligations, of: c.primaries };
    case 2:
      return { value: c.trained, of: c.primaries };
    case 3:
      return { value: c.passports, of: c.primaries };
    case 4:
      return { value: c.withMembers, of: c.primaries };
    case 5:
      return { value: c.consentsAnswered, of: c.registered };
    case 6:
      return { value: c.cardsOrdered, of: c.cardsOrdered + c.cardsEligible };
    case 7:
      return { value: c.cardsIssued, of: c.cardsReceived };
  }
}

/** Steps 1–4 concern primary organisations: for a профбюро or профгруппа they do not apply. */
export function stepApplies(step: Step, kind: OrgKind): boolean {
  return step >= 5 || !isUnit(kind);
}

export function stepDone(step: Step, c: Counters): boolean {
  const r = stepRatio(step, c);
  return r.of > 0 && r.value >= r.of;
}

/** The same condition as stepDone, in SQL over org_stats (for stamping many organisations at once). */
export function stepDoneSql(step: Step): string {
  const col = (k: CounterKey) => COUNTER_COLUMNS[k];
  switch (step) {
    case 1:
      return `${col('primaries')} > 0 AND ${col('obligations')} >= ${col('primaries')}`;
    case 2:
      return `${col('primaries')} > 0 AND ${col('trained')} >= ${col('primaries')}`;
    case 3:
      return `${col('primaries')} > 0 AND ${col('passports')} >= ${col('primaries')}`;
    case 4:
      return `${col('primaries')} > 0 AND ${col('withMembers')} >= ${col('primaries')}`;
    case 5:
      return `${col('registered')} > 0 AND ${col('consentsAnswered')} >= ${col('registered')}`;
    case 6:
      return `${col('cardsOrdered')} > 0 AND ${col('cardsEligible')} = 0`;
    case 7:
      return `${col('cardsReceived')} > 0 AND ${col('cardsIssued')} >= ${col('cardsReceived')}`;
  }
}

/** 0–100 with one decimal, or null when there is nothing to measure. */
export function percent(value: number, of: number): number | null {
  if (!(of > 0)) return null;
  return Math.round((1000 * value) / of) / 10;
}
