/**
 * THE write path of the member register. Every insert, update, deregistration, transfer and undo of a
 * member goes through `writeMembers`, which knows the record before and after each change and:
 *  - writes the members in multi-row statements (never one query per member),
 *  - guards every update and delete by the version it was read at (a row changed meanwhile is
 *    returned in `stale`, and nothing else is recorded for it),
 *  - records the batch's undo information (member_changes), the consent history (consent_events),
 *    the card status history (card_events) and the audit log (field names only, never values),
 *  - then hands every change, {memberId, op, before, after}, to the roll-up counters the context carries
 *    (`ctx.memberCounters`: the progress counters, passed in by createApp), in the same transaction.
 */
import type { Transaction } from 'sequelize';
import { CONSENT_PAIRS } from '../../../domain/members/normalize-row';
import type { CardChangeVia } from '../../../domain/cards';
import type { Ctx } from '../context';
import {
  MEMBER_COLUMNS_SQL,
  MUTABLE_COLUMNS_SQL,
  changedFields,
  filledFields,
  memberNameKey,
  pgColumnType,
  type MemberRecord,
} from './member-record';
import { bulkWriter, type BulkColumn, type BulkValue, type VersionedTable } from '../../db/bulk';
import { profileTimer } from './profile';

/** `nameKey`: memberNameKey(after) when the caller already has it (computed here otherwise). */
export type MemberWrite =
  | { op: 'create'; after: MemberRecord; row?: number | null; nameKey?: string }
  | { op: 'update'; before: MemberRecord; after: MemberRecord; row?: number | null; nameKey?: string }
  | { op: 'delete'; before: MemberRecord; row?: number | null };

export interface MemberChange {
  memberId: string;
  op: 'create' | 'update' | 'delete';
  /** null for a create. */
  before: MemberRecord | null;
  /** null for a delete. */
  after: MemberRecord | null;
  /** The sheet row the change came from, when it came from a sheet. */
  row: number | null;
}

export interface WriteOptions {
  /** Who makes the change (null: the system, e.g. the demo seed). */
  userId: number | null;
  /** The batch the writes belong to (pushes, uploads, reverts): undo information is recorded for it. */
  batch: { id: string } | null;
  /** How card status changes in these writes arrive (domain/cards CardChangeVia). */
  cardVia: CardChangeVia;
  /** Audit action for updates; default 'member.updated'. */
  updateAction?: string;
  /** Non-personal details added to every audit row (e.g. a transfer id). */
  auditDetails?: Record<string, unknown>;
  now: Date;
}

export interface WriteResult {
  changes: MemberChange[];
  /** Updates and deletes whose member changed since it was read (version differs): nothing was written for them. */
  stale: MemberWrite[];
}


/** Every member column with its type, in MEMBER_COLUMNS_SQL order. */
const MEMBER_COLUMNS: readonly BulkColumn[] = MEMBER_COLUMNS_SQL.map((c) => ({ name: c.column, type: pgColumnType(c.key) }));

const MEMBERS_TABLE: VersionedTable = {
  table: 'members',
  columns: MEMBER_COLUMNS,
  key: 'id',
  version: 'version',
  immutable: MEMBER_COLUMNS_SQL.filter((c) => !MUTABLE_COLUMNS_SQL.includes(c)).map((c) => c.column),
};

/** A record's values in MEMBER_COLUMNS_SQL order (timestamps as ISO text: the bulk writer stores them per database). */
function recordValues(r: MemberRecord, nameKey: string | undefined): BulkValue[] {
  const n = MEMBER_COLUMNS_SQL.length;
  const out: BulkValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = MEMBER_COLUMNS_SQL[i].key;
    out[i] = key === 'nameKey' ? (nameKey ?? memberNameKey(r)) : (r[key] as BulkValue);
  }
  return out;
}

/** A write with its bookkeeping fields filled (version, timestamps, who, batch, card status time). */
interface Planned {
  write: MemberWrite;
  op: MemberWrite['op'];
  before: MemberRecord | null;
  after: MemberRecord | null;
  nameKey?: string;
}

/** Fills the bookkeeping fields of `after` in place (the caller hands the object over). */
function plan(w: MemberWrite, o: WriteOptions, nowIso: string): Planned {
  if (w.op === 'delete') return { write: w, op: 'delete', before: w.before, after: null };
  const a = w.after;
  if (w.op === 'create') {
    a.version = 1;
    a.lastBatchId = o.batch?.id ?? null;
    a.createdBy = o.userId;
    a.updatedBy = o.userId;
    a.createdAt = nowIso;
    a.updatedAt = nowIso;
    a.cardStatusAt = a.cardStatusAt ?? (a.cardStatus && a.cardStatus !== 'not_ordered' ? nowIso : null);
    return { write: w, op: 'create', before: null, after: a, nameKey: w.nameKey };
  }
  const b = w.before;
  const cardChanged = (b.cardStatus ?? 'not_ordered') !== (a.cardStatus ?? 'not_ordered');
  a.id = b.id;
  a.version = b.version + 1;
  a.lastBatchId = o.batch?.id ?? null;
  a.updatedBy = o.userId;
  a.updatedAt = nowIso;
  a.createdBy = b.createdBy;
  a.createdAt = b.createdAt;
  if (cardChanged && a.cardStatusAt === b.cardStatusAt) a.cardStatusAt = nowIso;
  return { write: w, op: 'update', before: b, after: a, nameKey: w.nameKey };
}

/**
 * Writes members in one transaction (the caller's). Creates must carry a fresh id; updates carry the
 * record as read (`before`, its version is the guard) and as it should become (`after`); deletes
 * (undo of a create) carry the record as read.
 */
export async function writeMembers(ctx: Ctx, tx: Transaction, writes: readonly MemberWrite[], o: WriteOptions): Promise<WriteResult> {
  const db = ctx.db;
  const nowIso = o.now.toISOString();
  const planned = writes.map((w) => plan(w, o, nowIso));
  const stale: MemberWrite[] = [];
  const done: Planned[] = [];
  const bulk = bulkWriter(db, tx);
  try {
    let t = profileTimer('write.members');
    const creates = planned.filter((p) => p.op === 'create');
    if (creates.length) {
      bulk.insert('members', MEMBER_COLUMNS, creates.map((p) => recordValues(p.after!, p.nameKey)));
      done.push(...creates);
      // The database inserts the members while the history and audit rows are built below.
      await bulk.send();
    }

    // Updates and deletes need the database's answer (which rows still had the version read).
    const updates = planned.filter((p) => p.op === 'update');
    if (updates.length) {
      const ok = await bulk.updateVersioned(
        MEMBERS_TABLE,
        updates.map((p) => recordValues(p.after!, p.nameKey)),
        updates.map((p) => p.before!.version),
      );
      for (const p of updates) {
        if (ok.has(p.before!.id)) done.push(p);
        else stale.push(p.write);
      }
    }

    const deletes = planned.filter((p) => p.op === 'delete');
    if (deletes.length) {
      const ok = await bulk.existingVersions(
        'members',
        'id',
        'version',
        deletes.map((p) => p.before!.id),
        deletes.map((p) => p.before!.version),
      );
      const gone = deletes.filter((p) => ok.has(p.before!.id));
      for (const p of deletes) if (!ok.has(p.before!.id)) stale.push(p.write);
      if (gone.length) {
        const ids = gone.map((p) => p.before!.id);
        for (const table of ['consent_events', 'card_events', 'member_transfers']) bulk.deleteIn(table, 'member_id', ids);
        bulk.deleteIn('members', 'id', ids);
        done.push(...gone);
      }
    }
    t();

    const changes: MemberChange[] = done.map((p) => ({
      memberId: (p.after ?? p.before)!.id,
      op: p.op,
      before: p.before,
      after: p.after,
      row: p.write.row ?? null,
    }));
    if (changes.length === 0) {
      await bulk.flush();
      return { changes, stale };
    }

    const batchId = o.batch?.id ?? null;
    if (o.batch) {
      t = profileTimer('write.changes');
      bulk.insert(
        'member_changes',
        CHANGE_COLUMNS,
        changes.map((c) => [batchId, c.memberId, c.op, c.row, c.before ? JSON.stringify(c.before) : null, c.after?.version ?? null]),
      );
      t();
      await bulk.send();
    }

    t = profileTimer('write.events');
    const consentRows: BulkValue[][] = [];
    const cardRows: BulkValue[][] = [];
    for (const c of changes) {
      if (!c.after) continue;
      const b = c.before;
      const a = c.after;
      for (const pair of CONSENT_PAIRS) {
        const state = a[pair.state];
        const date = a[pair.date];
        if ((b ? b[pair.state] : null) === state && (b ? b[pair.date] : null) === date) continue;
        if (!b && state === null) continue;
        const kind = pair.state === 'consentUnion' ? 'union' : pair.state === 'consentOperator' ? 'operator' : 'notify';
        consentRows.push([c.memberId, kind, state, date, o.userId, nowIso, batchId]);
      }
      const from = b?.cardStatus ?? null;
      const to = a.cardStatus ?? 'not_ordered';
      if ((from ?? 'not_ordered') !== to) {
        cardRows.push([c.memberId, from, to, o.cardVia, new Date(a.cardStatusAt ?? nowIso).toISOString(), o.userId, batchId]);
      }
    }
    if (consentRows.length) bulk.insert('consent_events', CONSENT_COLUMNS, consentRows);
    if (cardRows.length) bulk.insert('card_events', CARD_COLUMNS, cardRows);
    t();
    await bulk.send();

    // The audit log, one row per member (field names only), in multi-row statements. recordAuditMany
    // (Sequelize bulkCreate, a model instance per row) took ~6× longer on SQLite and ~3× on PostgreSQL
    // for a 2,000-row chunk.
    t = profileTimer('write.audit');
    const details = JSON.stringify({ ...(o.batch ? { batchId: o.batch.id } : {}), ...(o.auditDetails ?? {}) });
    const detailsValue = details === '{}' ? null : details;
    const action = { create: 'member.created', delete: 'member.deleted', update: o.updateAction ?? 'member.updated' };
    // Rows of one chunk mostly name the same fields: each distinct list is serialised once.
    const fieldsJson = new Map<string, string>();
    const auditRows = changes.map((c): BulkValue[] => {
      const fields = c.op === 'create' ? filledFields(c.after!) : c.op === 'delete' ? [] : changedFields(c.before!, c.after!);
      const k = fields.join(',');
      let f = fieldsJson.get(k);
      if (f === undefined) fieldsJson.set(k, (f = JSON.stringify(fields)));
      return [nowIso, o.userId, (c.after ?? c.before)!.primaryOrgId, action[c.op], 'member', c.memberId, f, detailsValue];
    });
    bulk.insert('audit_log', AUDIT_COLUMNS, auditRows);
    t();

    t = profileTimer('write.wait');
    await bulk.flush();
    t();
    if (ctx.memberCounters) {
      t = profileTimer('write.counters');
      await ctx.memberCounters.apply(ctx, tx, changes);
      t();
    }
    return { changes, stale };
  } finally {
    await bulk.flush().catch(() => undefined);
  }
}

const CHANGE_COLUMNS: readonly BulkColumn[] = [
  { name: 'batch_id' },
  { name: 'member_id' },
  { name: 'op' },
  { name: 'row_no', type: 'integer' },
  { name: 'before' },
  { name: 'after_version', type: 'integer' },
];
const CONSENT_COLUMNS: readonly BulkColumn[] = [
  { name: 'member_id' },
  { name: 'kind' },
  { name: 'state' },
  { name: 'date', type: 'date' },
  { name: 'recorded_by', type: 'integer' },
  { name: 'recorded_at', type: 'timestamptz' },
  { name: 'batch_id' },
];
const CARD_COLUMNS: readonly BulkColumn[] = [
  { name: 'member_id' },
  { name: 'from_status' },
  { name: 'to_status' },
  { name: 'via' },
  { name: 'at', type: 'timestamptz' },
  { name: 'user_id', type: 'integer' },
  { name: 'batch_id' },
];
const AUDIT_COLUMNS: readonly BulkColumn[] = [
  { name: 'at', type: 'timestamptz' },
  { name: 'user_id', type: 'integer' },
  { name: 'org_id', type: 'integer' },
  { name: 'action' },
  { name: 'entity' },
  { name: 'entity_id' },
  { name: 'fields' },
  { name: 'details' },
];
