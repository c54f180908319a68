/**
 * The progress counters (table org_stats): one row per organisation with the counts of its whole
 * subtree, so a report reads the organisation's row and its children's rows — O(children), whatever
 * the number of members underneath.
 *
 * Three writers keep the rows right:
 *  - applyMemberChanges: the member write path hands over every member it wrote (before/after), in
 *    the same transaction; the deltas are summed per organisation in memory and written with a few
 *    statements per chunk (one UPDATE … FROM (VALUES …) for all touched organisations and their ancestors).
 *  - syncCounters: accounts, passports and the tree are changed by other services; triggers queue the
 *    organisation ids in progress_dirty, and the queue is folded in before a report is read (and before
 *    member changes are applied to an organisation the counters do not know yet).
 *  - recomputeCounters: the same figures from scratch (the repair tool, and the tests' reference).
 *
 * Locking: on PostgreSQL the single progress_sync row orders the writers: member pushes take it FOR
 * SHARE (they only add to counters and may run side by side), rebuilds and tree moves take it FOR
 * UPDATE. SQLite has one writer at a time anyway.
 */
import type { Transaction } from 'sequelize';
import { childPath, isPrimary, pathIds, rootPath, subtreeRange, type OrgKind } from '../../../domain/organisations';
import { PASSPORT_FIELDS, type PassportData } from '../../../domain/passport';
import { selectRows } from '../../db/sql';
import type { Db } from '../../db';
import type { Ctx, MemberCounters } from '../context';
import { memberTransaction } from '../members/member-tx';
import { campaignsForPath, loadCampaignRoots, type CampaignRoots } from './campaign-store';
import {
  COUNTER_COLUMNS,
  COUNTER_KEYS,
  FACT_COLUMNS,
  FACT_KEYS,
  STEPS,
  addInto,
  factsAsCounters,
  isZero,
  memberAggregateSql,
  memberVector,
  orgFacts,
  stepApplies,
  stepDone,
  stepDoneSql,
  zeroCounters,
  zeroFacts,
  type CounterKey,
  type Counters,
  type Facts,
  type MemberChange,
  type Step,
} from './vector';

export type { MemberChange, MemberCounterState } from './vector';

/** One row of org_stats: where the counters place the organisation, its own facts and its subtree's counts. */
export interface StatsRow {
  orgId: number;
  parentId: number | null;
  path: string;
  kind: OrgKind;
  facts: Facts;
  counters: Counters;
}

type Delta = Partial<Counters>;
type Raw = Record<string, unknown>;

const CHUNK = 400;
const STATS_COLUMNS = ['org_id', 'parent_id', 'path', 'kind', ...FACT_KEYS.map((k) => FACT_COLUMNS[k]), ...COUNTER_KEYS.map((k) => COUNTER_COLUMNS[k])];
const STATS_SELECT = STATS_COLUMNS.join(', ');

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** The org_stats columns for a SELECT list, optionally prefixed by a table alias. */
export function statsColumns(alias = ''): string {
  return STATS_COLUMNS.map((c) => `${alias}${c}`).join(', ');
}

/** A row with the org_stats columns → StatsRow. */
export function parseStats(r: Raw): StatsRow {
  const facts = zeroFacts();
  for (const k of FACT_KEYS) facts[k] = num(r[FACT_COLUMNS[k]]);
  const counters = zeroCounters();
  for (const k of COUNTER_KEYS) counters[k] = num(r[COUNTER_COLUMNS[k]]);
  return {
    orgId: num(r.org_id),
    parentId: r.parent_id === null || r.parent_id === undefined ? null : num(r.parent_id),
    path: String(r.path),
    kind: String(r.kind) as OrgKind,
    facts,
    counters,
  };
}

function chunks<T>(xs: readonly T[], n = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function today(ctx: Ctx): string {
  return ctx.now().toISOString().slice(0, 10);
}

function isoDay(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10);
}

const intList = (ids: readonly number[]) => ids.map((id) => String(Math.trunc(id))).join(', ');

// ------------------------------------------------------------------ locks and state

async function lock(ctx: Ctx, transaction: Transaction, mode: 'share' | 'update'): Promise<void> {
  if (ctx.db.dialect !== 'postgres') return; // SQLite: the IMMEDIATE transaction already holds the only write lock
  await ctx.db.sequelize.query(`SELECT id FROM progress_sync WHERE id = 1 FOR ${mode === 'share' ? 'SHARE' : 'UPDATE'}`, { transaction });
}

const initialised = new WeakMap<Db, boolean>();

async function countersInitialised(ctx: Ctx, transaction?: Transaction): Promise<boolean> {
  if (initialised.get(ctx.db)) return true;
  const rows = await selectRows<{ recomputed_at: unknown }>(ctx.db, 'SELECT recomputed_at FROM progress_sync WHERE id = 1', {}, transaction);
  const ok = rows.length > 0 && rows[0].recomputed_at !== null && rows[0].recomputed_at !== undefined;
  if (ok) initialised.set(ctx.db, true);
  return ok;
}

/**
 * A write transaction queued with the member writers: on SQLite every Sequelize transaction has its own
 * connection, so writers must not overlap (the member write path queues them in-process).
 */
export function writeTransaction<T>(ctx: Ctx, fn: (t: Transaction) => Promise<T>): Promise<T> {
  return memberTransaction(ctx, [], fn);
}

async function inTransaction<T>(ctx: Ctx, transaction: Transaction | undefined, fn: (t: Transaction) => Promise<T>): Promise<T> {
  return transaction ? fn(transaction) : writeTransaction(ctx, fn);
}

/**
 * Make the counters current before a report is read: the first time, build them from scratch;
 * afterwards fold in the organisations queued by the triggers (accounts, passports, tree changes).
 */
export async function ensureCountersCurrent(ctx: Ctx): Promise<void> {
  if (!(await countersInitialised(ctx))) {
    await recomputeCounters(ctx);
    return;
  }
  await syncCounters(ctx);
}

// ------------------------------------------------------------------ reading

export async function readStats(ctx: Ctx, orgIds: readonly number[], transaction?: Transaction): Promise<Map<number, StatsRow>> {
  const out = new Map<number, StatsRow>();
  for (const part of chunks([...new Set(orgIds)])) {
    const rows = await selectRows<Raw>(ctx.db, `SELECT ${STATS_SELECT} FROM org_stats WHERE org_id IN (${intList(part)})`, {}, transaction);
    for (const r of rows) out.set(num(r.org_id), parseStats(r));
  }
  return out;
}

/** Every org_stats row (optionally of one subtree, by the counters' own paths), ordered by path. */
export async function readAllStats(ctx: Ctx, orgId?: number, transaction?: Transaction): Promise<StatsRow[]> {
  if (orgId === undefined) {
    return (await selectRows<Raw>(ctx.db, `SELECT ${STATS_SELECT} FROM org_stats ORDER BY path`, {}, transaction)).map(parseStats);
  }
  const root = (await readStats(ctx, [orgId], transaction)).get(orgId);
  if (!root) return [];
  const { from, to } = subtreeRange(root.path);
  return (
    await selectRows<Raw>(ctx.db, `SELECT ${STATS_SELECT} FROM org_stats WHERE path >= :from AND path < :to ORDER BY path`, { from, to }, transaction)
  ).map(parseStats);
}

// ------------------------------------------------------------------ writing deltas

/**
 * counters += delta for every organisation in the map, in one statement per chunk. Returns the rows
 * after the update.
 *
 * Lock order: every push adds to the rows of the same ancestors (district, region, centre), so on
 * PostgreSQL, where pushes into different organisations run in parallel, the rows are first locked
 * with `SELECT … ORDER BY org_id FOR UPDATE` (the lock is taken above the sort: in id order). The
 * UPDATE … FROM (VALUES …) alone locks rows in whatever order its plan visits them — by a hash join,
 * the table's physical order, which every update reshuffles — and two pushes could each hold a row the
 * other waits for: bench/load.ts counted 7–36 deadlocks a minute (answered 503) with 50 chairs.
 * SQLite has one writer at a time and needs no row locks.
 */
async function addToCounters(ctx: Ctx, transaction: Transaction, deltas: Map<number, Delta>): Promise<StatsRow[]> {
  const entries = [...deltas.entries()].filter(([, d]) => !isZero(d)).sort((a, b) => a[0] - b[0]);
  if (!entries.length) return [];
  const keys = COUNTER_KEYS.filter((k) => entries.some(([, d]) => d[k]));
  const out: StatsRow[] = [];
  if (ctx.db.dialect === 'postgres') {
    for (const part of chunks(entries)) {
      const ids = part.map(([id]) => Math.trunc(id)).join(', ');
      await selectRows(ctx.db, `SELECT org_id FROM org_stats WHERE org_id IN (${ids}) ORDER BY org_id FOR UPDATE`, {}, transaction);
    }
  }
  for (const part of chunks(entries)) {
    const values = part.map(([id, d]) => `(${Math.trunc(id)}, ${keys.map((k) => Math.trunc(d[k] ?? 0)).join(', ')})`).join(', ');
    const cols = ['column1 AS d_org', ...keys.map((k, i) => `column${i + 2} AS d_${COUNTER_COLUMNS[k]}`)].join(', ');
    const set = keys.map((k) => `${COUNTER_COLUMNS[k]} = ${COUNTER_COLUMNS[k]} + v.d_${COUNTER_COLUMNS[k]}`).join(', ');
    const sql = `/* returning */ UPDATE org_stats SET ${set} FROM (SELECT ${cols} FROM (VALUES ${values}) AS t) AS v WHERE org_stats.org_id = v.d_org RETURNING ${STATS_SELECT}`;
    const rows = await selectRows<Raw>(ctx.db, sql, {}, transaction);
    out.push(...rows.map(parseStats));
  }
  return out;
}

/**
 * Apply rolled-up deltas, then keep `withMembers` right: a primary organisation whose registered count
 * went from zero to some (or back) adds (or removes) one for itself and each of its ancestors. The
 * crossing is read from the row after the update (RETURNING), so concurrent pushes cannot both count it.
 */
async function addWithCrossings(ctx: Ctx, transaction: Transaction, deltas: Map<number, Delta>): Promise<Map<number, StatsRow>> {
  const after = new Map<number, StatsRow>();
  for (const row of await addToCounters(ctx, transaction, deltas)) after.set(row.orgId, row);
  const crossings = new Map<number, Delta>();
  for (const row of after.values()) {
    if (!isPrimary(row.kind)) continue;
    const d = deltas.get(row.orgId)?.registered ?? 0;
    if (!d) continue;
    const now = row.counters.registered;
    const before = now - d;
    const sign = before <= 0 && now > 0 ? 1 : before > 0 && now <= 0 ? -1 : 0;
    if (!sign) continue;
    for (const id of pathIds(row.path)) addInto(slot(crossings, id), { withMembers: sign });
  }
  for (const row of await addToCounters(ctx, transaction, crossings)) after.set(row.orgId, row);
  return after;
}

function slot(m: Map<number, Delta>, id: number): Delta {
  let d = m.get(id);
  if (!d) m.set(id, (d = {}));
  return d;
}

/** Add `delta` to the organisation and each of its ancestors, as the counters' stored path lists them. */
function rollUp(into: Map<number, Delta>, path: string, delta: Delta, sign = 1): void {
  for (const id of pathIds(path)) addInto(slot(into, id), delta, sign);
}

// ------------------------------------------------------------------ member changes

/**
 * Fold the member write path's changes into the counters. Call it inside the transaction that wrote
 * the members, after the writes, as late as possible before commit (it takes the hot rows of the
 * organisations above). `before`/`after` are the member's state before and after the write (null when
 * created / removed); a transfer is a change whose before.orgId differs from after.orgId.
 */
export async function applyMemberChanges(ctx: Ctx, transaction: Transaction, changes: readonly MemberChange[]): Promise<{ organisations: number }> {
  const own = new Map<number, Delta>();
  for (const ch of changes) {
    if (ch.before) {
      const v = memberVector(ch.before);
      if (!isZero(v)) addInto(slot(own, Number(ch.before.orgId)), v, -1);
    }
    if (ch.after) {
      const v = memberVector(ch.after);
      if (!isZero(v)) addInto(slot(own, Number(ch.after.orgId)), v, 1);
    }
  }
  for (const [id, d] of own) if (isZero(d)) own.delete(id);
  if (own.size === 0) return { organisations: 0 };

  if (!(await countersInitialised(ctx, transaction))) {
    // First use on a database that already has members: build from scratch (this transaction's writes included).
    await recomputeInTransaction(ctx, transaction);
    return { organisations: own.size };
  }
  const ids = [...own.keys()];
  let stored = await readStats(ctx, ids, transaction);
  if (ids.some((id) => !stored.has(id))) {
    await syncCounters(ctx, transaction); // new organisations: place them first (exclusive lock)
  } else {
    await lock(ctx, transaction, 'share');
  }
  stored = await readStats(ctx, ids, transaction);
  const missing = ids.filter((id) => !stored.has(id));
  if (missing.length) throw new Error(`progress counters: unknown organisation(s) ${missing.join(', ')}`);

  const rolled = new Map<number, Delta>();
  for (const [id, d] of own) rollUp(rolled, stored.get(id)!.path, d);
  const after = await addWithCrossings(ctx, transaction, rolled);
  const day = today(ctx);
  await stampMilestones(ctx, transaction, [...after.values()], () => day);
  return { organisations: own.size };
}

// ------------------------------------------------------------------ facts of organisations

interface FactSource {
  id: number;
  parentId: number | null;
  path: string;
  kind: OrgKind;
  status: string;
  facts: Facts;
  /** When each of steps 1–3 became true for this organisation, where the data tells. */
  dates: Partial<Record<Step, string>>;
}

type Filter = { ids: readonly number[] } | { range: { from: string; to: string } } | null;

const snake = (k: string) => k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
const PASSPORT_SELECT = PASSPORT_FIELDS.map((f) => `p.${snake(f.key)} AS ${snake(f.key)}`).join(', ');

/** Organisations (by ids, by a path range, or all) with the facts their accounts, passport and units give. */
async function loadFactSources(ctx: Ctx, transaction: Transaction | undefined, filter: Filter): Promise<Map<number, FactSource>> {
  const out = new Map<number, FactSource>();
  const parts: { where: string; repl: Record<string, unknown> }[] =
    filter === null
      ? [{ where: '1 = 1', repl: {} }]
      : 'range' in filter
        ? [{ where: 'o.path >= :from AND o.path < :to', repl: filter.range }]
        : chunks([...new Set(filter.ids)]).map((p) => ({ where: `o.id IN (${intList(p)})`, repl: {} }));
  for (const { where, repl } of parts) {
    const orgs = await selectRows<Raw>(ctx.db, `SELECT o.id, o.parent_id, o.path, o.kind, o.status FROM organisations o WHERE ${where}`, repl, transaction);
    const users = await selectRows<Raw>(
      ctx.db,
      `SELECT u.org_id,
         SUM(CASE WHEN u.active THEN 1 ELSE 0 END) AS accounts,
         SUM(CASE WHEN u.active AND u.obligation_recorded_at IS NOT NULL THEN 1 ELSE 0 END) AS obligations,
         SUM(CASE WHEN u.active AND (u.training_completed_at IS NOT NULL OR u.first_run_completed_at IS NOT NULL) THEN 1 ELSE 0 END) AS trained,
         MIN(CASE WHEN u.active THEN u.obligation_recorded_at END) AS obligation_at,
         MIN(CASE WHEN u.active THEN u.training_completed_at END) AS training_at,
         MIN(CASE WHEN u.active THEN u.first_run_completed_at END) AS first_run_at
       FROM users u JOIN organisations o ON o.id = u.org_id WHERE ${where} GROUP BY u.org_id`,
      repl,
      transaction,
    );
    const passports = await selectRows<Raw>(
      ctx.db,
      `SELECT p.org_id, p.updated_at, ${PASSPORT_SELECT} FROM passports p JOIN organisations o ON o.id = p.org_id WHERE ${where}`,
      repl,
      transaction,
    );
    const units = await selectRows<Raw>(
      ctx.db,
      `SELECT u.parent_id, COUNT(*) AS n FROM organisations u JOIN organisations o ON o.id = u.parent_id
       WHERE ${where} AND u.kind IN ('subdivision', 'group') AND u.status = 'active' GROUP BY u.parent_id`,
      repl,
      transaction,
    );
    const userMap = new Map(users.map((u) => [num(u.org_id), u]));
    const passportMap = new Map(passports.map((p) => [num(p.org_id), p]));
    const unitMap = new Map(units.map((u) => [num(u.parent_id), num(u.n)]));
    for (const o of orgs) {
      const id = num(o.id);
      const u = userMap.get(id);
      const p = passportMap.get(id);
      const passport = p
        ? (Object.fromEntries(PASSPORT_FIELDS.map((f) => [f.key, p[snake(f.key)] ?? null])) as Partial<PassportData>)
        : null;
      const kind = String(o.kind) as OrgKind;
      const facts = orgFacts({
        kind,
        status: String(o.status),
        accounts: num(u?.accounts),
        obligations: num(u?.obligations),
        trained: num(u?.trained),
        passport,
        units: unitMap.get(id) ?? 0,
      });
      const dates: Partial<Record<Step, string>> = {};
      const ob = isoDay(u?.obligation_at);
      if (ob) dates[1] = ob;
      const trained = [isoDay(u?.training_at), isoDay(u?.first_run_at)].filter((x): x is string => x !== null).sort()[0];
      if (trained) dates[2] = trained;
      const pd = isoDay(p?.updated_at);
      if (pd) dates[3] = pd;
      out.set(id, {
        id,
        parentId: o.parent_id === null || o.parent_id === undefined ? null : num(o.parent_id),
        path: String(o.path),
        kind,
        status: String(o.status),
        facts,
        dates,
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------ the queue of changed organisations

async function maxDirtyId(ctx: Ctx, transaction?: Transaction): Promise<number | null> {
  const rows = await selectRows<{ m: unknown }>(ctx.db, 'SELECT MAX(id) AS m FROM progress_dirty', {}, transaction);
  const m = rows[0]?.m;
  return m === null || m === undefined ? null : num(m);
}

async function insertStatsRows(ctx: Ctx, transaction: Transaction, rows: readonly StatsRow[]): Promise<void> {
  const esc = (v: string) => ctx.db.sequelize.escape(v);
  for (const part of chunks(rows, 200)) {
    const values = part
      .map(
        (r) =>
          `(${r.orgId}, ${r.parentId ?? 'NULL'}, ${esc(r.path)}, ${esc(r.kind)}, ${FACT_KEYS.map((k) => Math.trunc(r.facts[k])).join(', ')}, ${COUNTER_KEYS.map((k) => Math.trunc(r.counters[k])).join(', ')})`,
      )
      .join(', ');
    await ctx.db.sequelize.query(`INSERT INTO org_stats (${STATS_SELECT}) VALUES ${values}`, { transaction });
  }
}

/**
 * Fold the queued organisations (accounts, passports, tree changes) into the counters. Cheap when the
 * queue is empty (one indexed MAX). Runs in its own transaction unless one is given.
 */
export async function syncCounters(ctx: Ctx, transaction?: Transaction): Promise<{ organisations: number }> {
  if ((await maxDirtyId(ctx, transaction)) === null) return { organisations: 0 };
  return inTransaction(ctx, transaction, async (t) => {
    await lock(ctx, t, 'update');
    const max = await maxDirtyId(ctx, t);
    if (max === null) return { organisations: 0 };
    const ids = (await selectRows<{ org_id: unknown }>(ctx.db, 'SELECT DISTINCT org_id FROM progress_dirty WHERE id <= :max', { max }, t)).map((r) => num(r.org_id));
    await foldOrganisations(ctx, t, ids);
    await ctx.db.sequelize.query('DELETE FROM progress_dirty WHERE id <= :max', { replacements: { max }, transaction: t });
    return { organisations: ids.length };
  });
}

/** Bring the counters' rows for these organisations in line with the tree, accounts and passports. */
async function foldOrganisations(ctx: Ctx, t: Transaction, dirty: readonly number[]): Promise<void> {
  const day = today(ctx);
  const current = await loadFactSources(ctx, t, { ids: dirty });
  let stored = await readStats(ctx, [...current.keys()], t);

  // 1. Organisations the counters do not know yet (and any unknown ancestors): rows of zeros, parents first.
  const unknown = new Map<number, FactSource>();
  for (const o of current.values()) if (!stored.has(o.id)) unknown.set(o.id, o);
  if (unknown.size) {
    const ancestorIds = [...new Set([...unknown.values()].flatMap((o) => pathIds(o.path)))].filter((id) => !stored.has(id) && !unknown.has(id));
    const knownAncestors = await readStats(ctx, ancestorIds, t);
    for (const [id, row] of knownAncestors) stored.set(id, row);
    const missingAncestors = ancestorIds.filter((id) => !knownAncestors.has(id));
    if (missingAncestors.length) for (const o of (await loadFactSources(ctx, t, { ids: missingAncestors })).values()) unknown.set(o.id, o);
    const ordered = [...unknown.values()].sort((a, b) => pathIds(a.path).length - pathIds(b.path).length);
    const fresh: StatsRow[] = [];
    for (const o of ordered) {
      const parentPath = o.parentId === null ? null : (stored.get(o.parentId)?.path ?? null);
      const row: StatsRow = {
        orgId: o.id,
        parentId: o.parentId,
        path: parentPath === null ? rootPath(o.id) : childPath(parentPath, o.id),
        kind: o.kind,
        facts: zeroFacts(),
        counters: zeroCounters(),
      };
      stored.set(o.id, row);
      fresh.push(row);
    }
    await insertStatsRows(ctx, t, fresh);
  }

  // 2. Moves: an organisation whose parent changed carries its subtree's counts from the old chain of
  //    ancestors to the new one, and its subtree's stored paths follow. Each move is read fresh, so
  //    several moves in one batch compose in any order (a move into a subtree not yet moved out waits).
  const touched = new Set<number>();
  let moves = [...current.values()].filter((o) => stored.has(o.id) && stored.get(o.id)!.parentId !== o.parentId);
  while (moves.length) {
    const postponed: FactSource[] = [];
    for (const o of moves) {
      const rows = await readStats(ctx, o.parentId === null ? [o.id] : [o.id, o.parentId], t);
      const me = rows.get(o.id)!;
      const parent = o.parentId === null ? null : rows.get(o.parentId);
      if (o.parentId !== null && !parent) throw new Error(`progress counters: parent ${o.parentId} of ${o.id} is unknown`);
      if (parent && parent.path.startsWith(me.path)) {
        postponed.push(o);
        continue;
      }
      const newPath = parent ? childPath(parent.path, o.id) : rootPath(o.id);
      const deltas = new Map<number, Delta>();
      const carried: Delta = { ...me.counters };
      rollUp(deltas, me.path, carried, -1);
      if (parent) rollUp(deltas, parent.path, carried, 1);
      deltas.delete(o.id);
      for (const row of (await addWithCrossings(ctx, t, deltas)).values()) touched.add(row.orgId);
      const { from, to } = subtreeRange(me.path);
      await ctx.db.sequelize.query(
        'UPDATE org_stats SET path = :newPath || substr(path, :cut) WHERE path >= :from AND path < :to',
        { replacements: { newPath, cut: me.path.length + 1, from, to }, transaction: t },
      );
      await ctx.db.sequelize.query('UPDATE org_stats SET parent_id = :parentId WHERE org_id = :id', {
        replacements: { parentId: o.parentId, id: o.id },
        transaction: t,
      });
      touched.add(o.id);
    }
    if (postponed.length === moves.length) throw new Error('progress counters: the moves in the queue form a cycle');
    moves = postponed;
  }

  // 3. Facts: the queued organisations and their old and new parents (a unit added or closed changes
  //    its primary organisation's «structure created»).
  const factIds = new Set<number>(current.keys());
  for (const o of current.values()) if (o.parentId !== null) factIds.add(o.parentId);
  for (const id of current.keys()) {
    const p = stored.get(id)?.parentId;
    if (p !== null && p !== undefined) factIds.add(p);
  }
  const sources = await loadFactSources(ctx, t, { ids: [...factIds] });
  stored = await readStats(ctx, [...factIds], t);
  const deltas = new Map<number, Delta>();
  const changedFacts: { id: number; facts: Facts }[] = [];
  const dates = new Map<number, Partial<Record<Step, string>>>();
  for (const src of sources.values()) {
    const row = stored.get(src.id);
    if (!row) continue;
    const diff: Delta = {};
    for (const k of FACT_KEYS) if (src.facts[k] !== row.facts[k]) diff[k] = src.facts[k] - row.facts[k];
    if (isZero(diff)) continue;
    changedFacts.push({ id: src.id, facts: src.facts });
    rollUp(deltas, row.path, diff);
    for (const id of pathIds(row.path)) {
      const d = dates.get(id) ?? {};
      for (const step of [1, 2, 3] as Step[]) {
        const at = src.dates[step] && src.dates[step]! <= day ? src.dates[step]! : day;
        if (!d[step] || d[step]! < at) d[step] = at;
      }
      dates.set(id, d);
    }
  }
  for (const part of chunks(changedFacts)) {
    const values = part.map((c) => `(${c.id}, ${FACT_KEYS.map((k) => Math.trunc(c.facts[k])).join(', ')})`).join(', ');
    const cols = ['column1 AS d_org', ...FACT_KEYS.map((k, i) => `column${i + 2} AS d_${FACT_COLUMNS[k]}`)].join(', ');
    const set = FACT_KEYS.map((k) => `${FACT_COLUMNS[k]} = v.d_${FACT_COLUMNS[k]}`).join(', ');
    await ctx.db.sequelize.query(`UPDATE org_stats SET ${set} FROM (SELECT ${cols} FROM (VALUES ${values}) AS t) AS v WHERE org_stats.org_id = v.d_org`, {
      transaction: t,
    });
  }
  for (const row of (await addWithCrossings(ctx, t, deltas)).values()) touched.add(row.orgId);

  if (touched.size) {
    const rows = await readStats(ctx, [...touched], t);
    await stampMilestones(ctx, t, [...rows.values()], (orgId, step) => dates.get(orgId)?.[step] ?? day);
  }
}

// ------------------------------------------------------------------ rebuilding from scratch

/**
 * The counters computed from the source tables alone (organisations, users, passports, members),
 * for the whole union or one subtree, in the current tree. Nothing is written.
 */
export async function computeCountersFromScratch(ctx: Ctx, orgId?: number, transaction?: Transaction): Promise<Map<number, StatsRow>> {
  let range: { from: string; to: string } | null = null;
  if (orgId !== undefined) {
    const rows = await selectRows<{ path: string }>(ctx.db, 'SELECT path FROM organisations WHERE id = :orgId', { orgId }, transaction);
    if (!rows.length) throw new Error(`organisation ${orgId} not found`);
    range = subtreeRange(rows[0].path);
  }
  const sources = await loadFactSources(ctx, transaction, range ? { range } : null);
  const agg = memberAggregateSql('m.');
  const memberRows = await selectRows<Raw>(
    ctx.db,
    `SELECT m.org_id AS org_id, ${Object.entries(agg).map(([k, sql]) => `${sql} AS ${snake(k)}`).join(', ')}
     FROM members m ${range ? 'JOIN organisations o ON o.id = m.org_id' : ''}
     WHERE m.deregistered_at IS NULL ${range ? 'AND o.path >= :from AND o.path < :to' : ''}
     GROUP BY m.org_id`,
    range ?? {},
    transaction,
  );
  const out = new Map<number, StatsRow>();
  for (const s of sources.values()) {
    out.set(s.id, { orgId: s.id, parentId: s.parentId, path: s.path, kind: s.kind, facts: s.facts, counters: zeroCounters() });
  }
  const inSet = (id: number) => out.has(id);
  const addChain = (path: string, delta: Delta) => {
    for (const id of pathIds(path)) if (inSet(id)) addInto(out.get(id)!.counters, delta);
  };
  for (const s of sources.values()) addChain(s.path, factsAsCounters(s.facts));
  for (const r of memberRows) {
    const org = out.get(num(r.org_id));
    if (!org) continue;
    const delta: Delta = {};
    for (const k of Object.keys(agg)) delta[k as CounterKey] = num(r[snake(k)]);
    addChain(org.path, delta);
  }
  for (const row of [...out.values()]) {
    if (isPrimary(row.kind) && row.counters.registered > 0) addChain(row.path, { withMembers: 1 });
  }
  return out;
}

/**
 * Rebuild the counters from the source tables: all of them, or one organisation's subtree (the
 * ancestors above it are corrected by the difference). The repair tool; tests compare against it.
 */
export async function recomputeCounters(ctx: Ctx, orgId?: number): Promise<{ organisations: number; members: number; ms: number }> {
  return writeTransaction(ctx, (t) => recomputeInTransaction(ctx, t, orgId));
}

async function recomputeInTransaction(ctx: Ctx, t: Transaction, orgId?: number): Promise<{ organisations: number; members: number; ms: number }> {
  const started = Date.now();
  await lock(ctx, t, 'update');
  const max = await maxDirtyId(ctx, t);
  let result: Map<number, StatsRow>;
  if (orgId === undefined) {
    result = await computeCountersFromScratch(ctx, undefined, t);
    await ctx.db.sequelize.query('DELETE FROM org_stats', { transaction: t });
    await insertStatsRows(ctx, t, [...result.values()]);
    if (max !== null) await ctx.db.sequelize.query('DELETE FROM progress_dirty WHERE id <= :max', { replacements: { max }, transaction: t });
    await ctx.db.sequelize.query('UPDATE progress_sync SET recomputed_at = :now WHERE id = 1', { replacements: { now: ctx.now() }, transaction: t });
    await stampAllMilestones(ctx, t);
    initialised.set(ctx.db, true);
  } else {
    if (max !== null) await syncCounters(ctx, t);
    result = await computeCountersFromScratch(ctx, orgId, t);
    const root = result.get(orgId)!;
    const old = (await readStats(ctx, [orgId], t)).get(orgId);
    const deltas = new Map<number, Delta>();
    if (old) {
      const diff: Delta = {};
      for (const k of COUNTER_KEYS) if (root.counters[k] !== old.counters[k]) diff[k] = root.counters[k] - old.counters[k];
      if (!isZero(diff)) for (const id of pathIds(root.path)) if (id !== orgId) addInto(slot(deltas, id), diff);
    }
    const { from, to } = subtreeRange(old?.path ?? root.path);
    await ctx.db.sequelize.query('DELETE FROM org_stats WHERE path >= :from AND path < :to', { replacements: { from, to }, transaction: t });
    await insertStatsRows(ctx, t, [...result.values()]);
    const after = await addWithCrossings(ctx, t, deltas);
    const day = today(ctx);
    await stampMilestones(ctx, t, [...result.values(), ...after.values()], () => day);
  }
  const members = [...result.values()].filter((r) => pathIds(r.path).length === 1 || r.orgId === orgId).reduce((s, r) => s + r.counters.registered, 0);
  return { organisations: result.size, members, ms: Date.now() - started };
}

// ------------------------------------------------------------------ milestones

/**
 * Record the day each of these organisations is first seen at 100% of a step, for every campaign that
 * applies to it (the campaigns rooted at its nearest ancestor that has any). Existing dates stay.
 */
export async function stampMilestones(
  ctx: Ctx,
  transaction: Transaction,
  rows: readonly StatsRow[],
  dateFor: (orgId: number, step: Step) => string,
  roots?: CampaignRoots,
): Promise<void> {
  if (!rows.length) return;
  const campaignRoots = roots ?? (await loadCampaignRoots(ctx, transaction));
  if (campaignRoots.size === 0) return;
  const values: string[] = [];
  const seen = new Set<string>();
  for (const row of [...rows].sort((a, b) => a.orgId - b.orgId)) {
    const campaigns = campaignsForPath(campaignRoots, row.path);
    if (!campaigns.length) continue;
    for (const step of STEPS) {
      if (!stepApplies(step, row.kind) || !stepDone(step, row.counters)) continue;
      for (const c of campaigns) {
        const key = `${c.id}:${row.orgId}:${step}`;
        if (seen.has(key)) continue;
        seen.add(key);
        values.push(`(${c.id}, ${row.orgId}, ${step}, '${dateFor(row.orgId, step)}')`);
      }
    }
  }
  for (const part of chunks(values)) {
    await ctx.db.sequelize.query(
      `INSERT INTO progress_milestones (campaign_id, org_id, step, reached_on) VALUES ${part.join(', ')} ON CONFLICT (campaign_id, org_id, step) DO NOTHING`,
      { transaction },
    );
  }
}

/**
 * Stamp every organisation of a campaign root's area (all roots when none is given) that is at 100% of
 * a step now: one INSERT … SELECT per campaign and step, over the root's range of paths minus the
 * areas of deeper roots.
 */
export async function stampAllMilestones(ctx: Ctx, transaction: Transaction, onlyRootId?: number): Promise<void> {
  const roots = await loadCampaignRoots(ctx, transaction);
  const rootPaths = new Map<number, string>();
  const stats = await readStats(ctx, [...roots.keys()], transaction);
  for (const [id, row] of stats) rootPaths.set(id, row.path);
  const day = today(ctx);
  for (const [rootId, campaigns] of roots) {
    if (onlyRootId !== undefined && rootId !== onlyRootId) continue;
    const path = rootPaths.get(rootId);
    if (!path) continue;
    const { from, to } = subtreeRange(path);
    const holes = [...rootPaths.entries()].filter(([id, p]) => id !== rootId && p.startsWith(path)).map(([, p]) => subtreeRange(p));
    const exclude = holes.map((_h, i) => ` AND NOT (path >= :hf${i} AND path < :ht${i})`).join('');
    const repl: Record<string, unknown> = { from, to, day };
    holes.forEach((h, i) => {
      repl[`hf${i}`] = h.from;
      repl[`ht${i}`] = h.to;
    });
    for (const c of campaigns) {
      for (const step of STEPS) {
        await ctx.db.sequelize.query(
          `INSERT INTO progress_milestones (campaign_id, org_id, step, reached_on)
           SELECT ${c.id}, org_id, ${step}, :day FROM org_stats
           WHERE path >= :from AND path < :to${exclude} AND ${stepDoneSql(step)}
           ON CONFLICT (campaign_id, org_id, step) DO NOTHING`,
          { replacements: repl, transaction },
        );
      }
    }
  }
}

/** The progress counters as the member writes call them (Ctx.memberCounters): passed in by createApp. */
export const progressCounters: MemberCounters = { apply: applyMemberChanges };
