/**
 * THE write path of the member register. Every insert, update, deregistration, transfer and undo of a
 * member goes through `writeMembers`, which knows the record before and after each change and:
 *  - writes the members in multi-row statements (never one query per member),
 *  - guards every update and delete by the version it was read at (a row changed meanwhile is
 *    returned in `stale`, and nothing else is recorded for it),
 *  - records the batch's undo information (member_changes), the consent history (consent_events),
 *    the card status history (card_events) and the audit log (field names only, never values),
 *  - then calls the registered change listeners in the same transaction.
 *
 * The seam for roll-up counters (members per organisation, consents, cards): register a listener with
 * `onMemberChanges`; it receives every change as {memberId, op, before, after} inside the transaction.
 */
import type { Transaction } from 'sequelize';
import { CONSENT_PAIRS } from '../../../domain/members/normalize-row';
import type { CardChangeVia } from '../../../domain/cards';
import type { Db } from '../../db';
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
import { exec, groups, insertStatements, lit, rows, sqliteTimestamp, timestampLit, tuple, type SqlValue } from './sql-literals';
import { profileTimer } from './profile';

export type MemberWrite =
  | { op: 'create'; after: MemberRecord; row?: number | null }
  | { op: 'update'; before: MemberRecord; after: MemberRecord; row?: number | null }
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
  userId: number;
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

export type MemberChangeListener = (ctx: Ctx, tx: Transaction, changes: readonly MemberChange[]) => Promise<void>;

const listeners: MemberChangeListener[] = [];

/** Registers a listener called after every write, in the writing transaction. Returns the function that removes it. */
export function onMemberChanges(listener: MemberChangeListener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

/** Values of a record in MEMBER_COLUMNS_SQL order. */
function recordValues(db: Db, r: MemberRecord): SqlValue[] {
  const out: SqlValue[] = new Array(MEMBER_COLUMNS_SQL.length);
  for (let i = 0; i < MEMBER_COLUMNS_SQL.length; i++) {
    const key = MEMBER_COLUMNS_SQL[i].key;
    if (key === 'nameKey') out[i] = memberNameKey(r);
    else if (key === 'createdAt' || key === 'updatedAt' || key === 'cardStatusAt') {
      const v = r[key];
      out[i] = v == null ? null : db.dialect === 'postgres' ? v : sqliteTimestamp(new Date(v));
    } else out[i] = r[key] as SqlValue;
  }
  return out;
}

const INSERT_COLUMNS = MEMBER_COLUMNS_SQL.map((c) => c.column);

function updateStatement(db: Db, group: readonly MemberWrite[]): string {
  const cols = ['id', 'expected_version', ...MUTABLE_COLUMNS_SQL.map((c) => c.column)];
  const idx = MUTABLE_COLUMNS_SQL.map((c) => MEMBER_COLUMNS_SQL.findIndex((x) => x.key === c.key));
  let values = '';
  for (let i = 0; i < group.length; i++) {
    const w = group[i] as Extract<MemberWrite, { op: 'update' }>;
    const all = recordValues(db, w.after);
    const v: SqlValue[] = [w.after.id, w.before.version];
    for (const j of idx) v.push(all[j]);
    values += (i ? ',' : '') + tuple(v);
  }
  const pg = db.dialect === 'postgres';
  const set = MUTABLE_COLUMNS_SQL.map((c) => `${c.column} = v.${c.column}${pg ? `::${pgColumnType(c.key)}` : ''}`).join(', ');
  return (
    `WITH v(${cols.join(', ')}) AS (VALUES ${values}) ` +
    `UPDATE members SET ${set} FROM v WHERE members.id = v.id AND members.version = v.expected_version${pg ? '::integer' : ''} RETURNING members.id`
  );
}

interface Stamped {
  write: MemberWrite;
  after: MemberRecord | null;
}

/** Fills the bookkeeping fields (version, timestamps, who, batch, card status time). */
function stamp(w: MemberWrite, o: WriteOptions): Stamped {
  const nowIso = o.now.toISOString();
  if (w.op === 'delete') return { write: w, after: null };
  if (w.op === 'create') {
    const after: MemberRecord = {
      ...w.after,
      version: 1,
      lastBatchId: o.batch?.id ?? null,
      createdBy: o.userId,
      updatedBy: o.userId,
      createdAt: nowIso,
      updatedAt: nowIso,
      cardStatusAt: w.after.cardStatusAt ?? (w.after.cardStatus && w.after.cardStatus !== 'not_ordered' ? nowIso : null),
    };
    return { write: { ...w, after }, after };
  }
  const cardChanged = (w.before.cardStatus ?? 'not_ordered') !== (w.after.cardStatus ?? 'not_ordered');
  const after: MemberRecord = {
    ...w.after,
    id: w.before.id,
    version: w.before.version + 1,
    lastBatchId: o.batch?.id ?? null,
    updatedBy: o.userId,
    updatedAt: nowIso,
    createdBy: w.before.createdBy,
    createdAt: w.before.createdAt,
    cardStatusAt: cardChanged && w.after.cardStatusAt === w.before.cardStatusAt ? nowIso : w.after.cardStatusAt,
  };
  return { write: { ...w, after }, after };
}

/**
 * Writes members in one transaction (the caller's). Creates must carry a fresh id; updates carry the
 * record as read (`before`, its version is the guard) and as it should become (`after`).
 */
export async function writeMembers(ctx: Ctx, tx: Transaction, writes: readonly MemberWrite[], o: WriteOptions): Promise<WriteResult> {
  const db = ctx.db;
  const stamped = writes.map((w) => stamp(w, o));
  const creates = stamped.filter((s) => s.write.op === 'create');
  const updates = stamped.filter((s) => s.write.op === 'update');
  const deletes = stamped.filter((s) => s.write.op === 'delete');
  const stale: MemberWrite[] = [];
  const done: Stamped[] = [];
  const written = new Set<Stamped>();

  let t = profileTimer('write.members');
  for (const sql of insertStatements('members', INSERT_COLUMNS, creates.map((s) => recordValues(db, s.after!)))) await exec(db, sql, tx);
  done.push(...creates);

  for (const group of groups(updates)) {
    const updated = await rows<{ id: string }>(db, updateStatement(db, group.map((s) => s.write)), tx);
    const ok = new Set(updated.map((r) => r.id));
    for (const s of group) {
      if (!ok.has(s.after!.id)) continue;
      done.push(s);
      written.add(s);
    }
  }

  for (const group of groups(deletes)) {
    const pairs = group.map((s) => {
      const b = (s.write as Extract<MemberWrite, { op: 'delete' }>).before;
      return tuple([b.id, b.version]);
    });
    const current = await rows<{ id: string }>(db, `SELECT id FROM members WHERE (id, version) IN (VALUES ${pairs.join(',')})`, tx);
    const ok = new Set(current.map((r) => r.id));
    const gone = group.filter((s) => ok.has((s.write as Extract<MemberWrite, { op: 'delete' }>).before.id));
    for (const s of group) if (!ok.has((s.write as Extract<MemberWrite, { op: 'delete' }>).before.id)) stale.push(s.write);
    if (gone.length) {
      const ids = gone.map((s) => lit((s.write as Extract<MemberWrite, { op: 'delete' }>).before.id)).join(',');
      for (const table of ['consent_events', 'card_events', 'member_transfers']) await exec(db, `DELETE FROM ${table} WHERE member_id IN (${ids})`, tx);
      await exec(db, `DELETE FROM members WHERE id IN (${ids})`, tx);
      done.push(...gone);
    }
  }
  for (const s of updates) if (!written.has(s)) stale.push(s.write);
  t();

  const changes: MemberChange[] = done.map((s) => {
    const w = s.write;
    return {
      memberId: w.op === 'create' ? w.after.id : w.before.id,
      op: w.op,
      before: w.op === 'create' ? null : w.before,
      after: s.after,
      row: w.row ?? null,
    };
  });
  if (changes.length === 0) return { changes, stale };

  const nowLit = timestampLit(db, o.now);
  if (o.batch) {
    t = profileTimer('write.changes');
    const values = changes.map((c) => [o.batch!.id, c.memberId, c.op, c.row, c.before ? JSON.stringify(c.before) : null, c.after?.version ?? null]);
    for (const sql of insertStatements('member_changes', ['batch_id', 'member_id', 'op', 'row_no', 'before', 'after_version'], values)) await exec(db, sql, tx);
    t();
  }

  t = profileTimer('write.events');
  const consentRows: string[] = [];
  const cardRows: string[] = [];
  const batchId = lit(o.batch?.id ?? null);
  const user = lit(o.userId);
  for (const c of changes) {
    if (!c.after) continue;
    const b = c.before;
    const a = c.after;
    const id = lit(c.memberId);
    for (const pair of CONSENT_PAIRS) {
      const state = a[pair.state];
      const date = a[pair.date];
      if ((b ? b[pair.state] : null) === state && (b ? b[pair.date] : null) === date) continue;
      if (!b && state === null) continue;
      const kind = pair.state === 'consentUnion' ? 'union' : pair.state === 'consentOperator' ? 'operator' : 'notify';
      consentRows.push(`(${id},'${kind}',${lit(state)},${lit(date)},${user},${nowLit},${batchId})`);
    }
    const from = b?.cardStatus ?? null;
    const to = a.cardStatus ?? 'not_ordered';
    if ((from ?? 'not_ordered') !== to) {
      cardRows.push(`(${id},${lit(from)},${lit(to)},${lit(o.cardVia)},${timestampLit(db, new Date(a.cardStatusAt ?? o.now.toISOString()))},${user},${batchId})`);
    }
  }
  for (const g of groups(consentRows)) {
    await exec(db, `INSERT INTO consent_events (member_id, kind, state, date, recorded_by, recorded_at, batch_id) VALUES ${g.join(',')}`, tx);
  }
  for (const g of groups(cardRows)) {
    await exec(db, `INSERT INTO card_events (member_id, from_status, to_status, via, at, user_id, batch_id) VALUES ${g.join(',')}`, tx);
  }
  t();

  t = profileTimer('write.audit');
  const details = JSON.stringify({ ...(o.batch ? { batchId: o.batch.id } : {}), ...(o.auditDetails ?? {}) });
  const auditValues = changes.map((c) => {
    const action = c.op === 'create' ? 'member.created' : c.op === 'delete' ? 'member.deleted' : (o.updateAction ?? 'member.updated');
    const fields = c.op === 'create' ? filledFields(c.after!) : c.op === 'delete' ? [] : changedFields(c.before!, c.after!);
    const orgId = (c.after ?? c.before)!.primaryOrgId;
    return `(${nowLit},${user},${lit(orgId)},${lit(action)},'member',${lit(c.memberId)},${lit(JSON.stringify(fields))},${lit(details === '{}' ? null : details)})`;
  });
  for (const g of groups(auditValues)) {
    await exec(db, `INSERT INTO audit_log (at, user_id, org_id, action, entity, entity_id, fields, details) VALUES ${g.join(',')}`, tx);
  }
  t();

  if (listeners.length) {
    t = profileTimer('write.listeners');
    for (const l of listeners) await l(ctx, tx, changes);
    t();
  }
  return { changes, stale };
}
