/** The stored member record: its columns, how a database row becomes a record and back into MemberData. */
import { nameKey } from '../../../domain/names';
import type { MemberData, MemberFieldKey } from '../../../domain/members/columns';
import type { CardStatus, CategoryCode, ConsentState, SexCode } from '../../../domain/members/codes';
import { MEMBER_FIELD_KEYS } from '../../../domain/members/normalize-row';
import { isoDate, isoTimestamp } from './sql-literals';

/** Data fields stored in their own columns (everything of MemberData except `unit`, which is org_id). */
export type StoredFieldKey = Exclude<MemberFieldKey, 'unit'>;
export const STORED_FIELD_KEYS = MEMBER_FIELD_KEYS.filter((k): k is StoredFieldKey => k !== 'unit');

/** Fields that are dates (DATEONLY). */
const DATE_FIELDS = new Set<StoredFieldKey>(['birthDate', 'joinedAt', 'consentUnionDate', 'consentOperatorDate', 'consentNotifyDate']);

export interface MemberRecord {
  id: string;
  /** The unit the member is registered in (the primary organisation itself, a профбюро or a профгруппа). */
  orgId: number;
  primaryOrgId: number;
  surname: string;
  name: string;
  patronymic: string | null;
  sex: SexCode | null;
  birthDate: string;
  snils: string | null;
  phone: string | null;
  email: string | null;
  position: string | null;
  category: CategoryCode;
  joinedAt: string | null;
  consentUnion: ConsentState | null;
  consentUnionDate: string | null;
  consentOperator: ConsentState | null;
  consentOperatorDate: string | null;
  consentNotify: ConsentState | null;
  consentNotifyDate: string | null;
  cardStatus: CardStatus | null;
  /** ISO timestamp of the last card status change. */
  cardStatusAt: string | null;
  address: string | null;
  idDocument: string | null;
  registeredAt: string;
  deregisteredAt: string | null;
  deregistrationReason: string | null;
  deregistrationComment: string | null;
  version: number;
  lastBatchId: string | null;
  createdBy: number | null;
  updatedBy: number | null;
  /** ISO timestamps. */
  createdAt: string;
  updatedAt: string;
}

export type RecordKey = keyof MemberRecord;

/** Every column of `members`, in insert order, with the record key it holds. */
export const MEMBER_COLUMNS_SQL: readonly { key: RecordKey | 'nameKey'; column: string }[] = (
  [
    'id', 'orgId', 'primaryOrgId', 'surname', 'name', 'patronymic', 'nameKey', 'sex', 'birthDate', 'snils', 'phone', 'email',
    'position', 'category', 'joinedAt', 'consentUnion', 'consentUnionDate', 'consentOperator', 'consentOperatorDate',
    'consentNotify', 'consentNotifyDate', 'cardStatus', 'cardStatusAt', 'address', 'idDocument', 'registeredAt',
    'deregisteredAt', 'deregistrationReason', 'deregistrationComment', 'version', 'lastBatchId', 'createdBy', 'updatedBy',
    'createdAt', 'updatedAt',
  ] as const
).map((key) => ({ key, column: snake(key) }));

/** Columns a change may touch (all but id, created_*). */
export const MUTABLE_COLUMNS_SQL = MEMBER_COLUMNS_SQL.filter((c) => !['id', 'createdBy', 'createdAt'].includes(c.key));

/** PostgreSQL type of each column, for casts where a VALUES list cannot infer it. */
export function pgColumnType(key: RecordKey | 'nameKey'): 'text' | 'integer' | 'date' | 'timestamptz' {
  if (INT_KEYS.has(key as RecordKey)) return 'integer';
  if (TIMESTAMP_KEYS.has(key as RecordKey)) return 'timestamptz';
  if (DATE_KEYS.has(key as RecordKey)) return 'date';
  return 'text';
}

/** SELECT list: `m.id, m.org_id, …` */
export function memberSelectList(alias = 'm'): string {
  return MEMBER_COLUMNS_SQL.filter((c) => c.key !== 'nameKey').map((c) => `${alias}.${c.column}`).join(', ');
}

export function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const TIMESTAMP_KEYS = new Set<RecordKey>(['cardStatusAt', 'createdAt', 'updatedAt']);
const INT_KEYS = new Set<RecordKey>(['orgId', 'primaryOrgId', 'version', 'createdBy', 'updatedBy']);
const DATE_KEYS = new Set<RecordKey>([...DATE_FIELDS, 'registeredAt', 'deregisteredAt']);

/** A database row (snake_case columns) → MemberRecord, normalising the drivers' types. */
export function recordFromRow(row: Record<string, unknown>): MemberRecord {
  const r: Record<string, unknown> = {};
  for (const { key, column } of MEMBER_COLUMNS_SQL) {
    if (key === 'nameKey') continue;
    const v = row[column];
    if (v === null || v === undefined) r[key] = null;
    else if (TIMESTAMP_KEYS.has(key)) r[key] = isoTimestamp(v);
    else if (DATE_KEYS.has(key)) r[key] = isoDate(v);
    else if (INT_KEYS.has(key)) r[key] = Number(v);
    else r[key] = String(v);
  }
  return r as unknown as MemberRecord;
}

/** The key members are matched by when there is no СНИЛС: `nameKey|birthDate` (members.name_key). */
export function memberNameKey(d: Pick<MemberData, 'surname' | 'name' | 'patronymic' | 'birthDate'>): string {
  return `${nameKey(d.surname, d.name, d.patronymic)}|${d.birthDate}`;
}

/** The record as MemberData (what the sheet shows), with its unit's name (null: the primary organisation itself). */
export function recordToData(rec: MemberRecord, unitName: string | null): MemberData {
  const d = {} as Record<MemberFieldKey, unknown>;
  for (const k of STORED_FIELD_KEYS) d[k] = rec[k] ?? null;
  d.unit = unitName;
  return d as unknown as MemberData;
}

/** Copies MemberData's stored fields into a record. */
export function applyData(rec: MemberRecord, data: MemberData): MemberRecord {
  const out = { ...rec } as Record<string, unknown>;
  for (const k of STORED_FIELD_KEYS) out[k] = data[k] ?? null;
  return out as unknown as MemberRecord;
}

/** Names of the stored fields (and 'unit' for org_id) that differ between two records. */
export function changedFields(before: MemberRecord, after: MemberRecord): string[] {
  const out: string[] = [];
  for (const k of STORED_FIELD_KEYS) if ((before[k] ?? null) !== (after[k] ?? null)) out.push(k);
  if (before.orgId !== after.orgId) out.push(before.primaryOrgId !== after.primaryOrgId ? 'organisation' : 'unit');
  if (before.deregisteredAt !== after.deregisteredAt) out.push('deregisteredAt');
  if (before.deregistrationReason !== after.deregistrationReason) out.push('deregistrationReason');
  if (before.deregistrationComment !== after.deregistrationComment) out.push('deregistrationComment');
  return out;
}

/** Names of the fields a new record fills. */
export function filledFields(rec: MemberRecord): string[] {
  const out: string[] = [];
  for (const k of STORED_FIELD_KEYS) if (rec[k] !== null && rec[k] !== undefined) out.push(k);
  return out;
}
