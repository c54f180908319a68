/**
 * Member sync: a chunk of sheet rows → created / updated / unchanged / error / conflict per row.
 *
 * Per chunk: the rows are normalised with domain/ (outside the transaction), then in ONE transaction:
 * one read of this primary organisation's candidates (by id, СНИЛС, name key) and one read of active
 * members elsewhere with those keys, matching in memory, multi-row writes through member-writes.ts,
 * and the stored answer for the idempotency key.
 *
 * Matching rules:
 *  - a row with an id: that member of this primary organisation (an unknown id is an error, never an
 *    insert); its version must equal the stored one unless the data is already equal;
 *  - a row without an id: an ACTIVE member of this primary organisation with the same СНИЛС, else with
 *    the same name key + birth date (a member with another СНИЛС is another person); several → conflict
 *    ambiguous_match; none here but one elsewhere → conflict registered_elsewhere (naming the other
 *    organisation only when СНИЛС, surname and birth date all match; capped and audited: lookups.ts); none → create.
 *    Such a row has no version (the sheet was never pulled from the register), so it is accepted as an
 *    update without a version check; it FILLS IN the record: its empty cells keep the stored values.
 *  - a cell whose column is absent from the row (an upload without that column) keeps the stored value.
 * Deregistration and transfer are explicit actions: a member missing from the sheet is left as is.
 * Also:
 *  - a blank row is answered 'unchanged' (no id) and written nowhere; a blank row that still carries an
 *    id is an error (clearing a row does not deregister);
 *  - card status changes from the sheet follow domain/cards (via 'sheet'), for new members too;
 *  - a batch (member_batches) is recorded only when the chunk wrote something (batchId null otherwise);
 *  - a dry run answers in full but gives no id or version to would-be new members;
 *  - a row sent back exactly as it was pulled (its cells equal the rendered stored values) is not
 *    normalised again: its data is the stored data.
 */
import { newId } from './ids';
import { auditRead } from '../audit.service';
import type { Transaction } from 'sequelize';
import { formatDateRu } from '../../../domain/dates';
import { columnByKey, type ColumnKey, type FieldError, type MemberData, type MemberFieldKey, type RawMemberRow } from '../../../domain/members/columns';
import { duplicateKeys } from '../../../domain/members/duplicates';
import { CONSENT_PAIRS, MEMBER_FIELD_KEYS, isBlankRow, memberDataEqual, memberDataToCells, normalizeMemberRow } from '../../../domain/members/normalize-row';
import {
  SYNC_CHUNK_MAX_ROWS,
  type ConflictReason,
  type SyncOutcome,
  type SyncRequest,
  type SyncResponse,
  type SyncRowResult,
} from '../../../domain/members/sync-contract';
import { isPrimary } from '../../../domain/organisations';
import { AppError, badRequest, conflict } from '../../errors';
import type { ScopedOrg } from '../access';
import { latestTodayIso, type Actor, type Ctx } from '../context';
import { findAnswer, replay, requestHash, saveAnswer } from './idempotency';
import { isMemberId } from './member-access';
import { STORED_FIELD_KEYS, memberSelectList, recordFromRow, recordToData, type MemberRecord } from './member-record';
import { isUniqueViolation, memberTransaction } from './member-tx';
import { writeMembers, type MemberWrite } from './member-writes';
import { profileTimer } from './profile';
import { exec, inList, lit, rows as queryRows, timestampLit } from './sql-literals';
import { cardChangeProblem } from '../cards/transitions';
import { loadUnits, resolveUnit, unitNameOf, type UnitIndex } from './units';
import { accountLookups, mayNameOrganisation, NAMED_ELSEWHERE, UNNAMED_ELSEWHERE, type LookupSummary } from './lookups';

export interface SyncOptions {
  /** 'upload' for spreadsheet uploads; default 'push' (the add-in). */
  batchKind?: 'push' | 'upload';
}

interface PreparedRow {
  pos: number;
  row: number;
  id: string | null;
  version: number | null;
  raw: RawMemberRow;
  blank: boolean;
  errors: FieldError[] | null;
  data: MemberData | null;
  /** duplicateKeys(data) and the name key (members.name_key), computed once. */
  keys: string[];
  nameKey: string;
  unitOrgId: number;
}

interface ElsewhereRow {
  id: string;
  snils: string | null;
  surname: string;
  name_key: string;
  primary_org_id: number;
  org_name: string;
}

/** The card state of a member the register does not have yet. */
const NO_CARD = { cardStatus: null, cardStatusAt: null } as const;

const EMPTY_COUNTS = (): Record<SyncOutcome, number> => ({ created: 0, updated: 0, unchanged: 0, error: 0, conflict: 0 });

function rowError(row: number, field: ColumnKey, message: string): FieldError {
  return { field, message: `Строка ${row}. ${message}` };
}

interface StoredRow {
  rec: MemberRecord;
  data: MemberData;
  cells: Record<MemberFieldKey, string | null>;
  nameKey: string;
}

/** The active members of this organisation a chunk names by id, with their data as the sheet shows it. */
async function readPulled(ctx: Ctx, primaryOrgId: number, request: SyncRequest, units: UnitIndex): Promise<Map<string, StoredRow>> {
  const ids = [...new Set(request.rows.map((r) => r.id).filter((id): id is string => typeof id === 'string' && isMemberId(id)))];
  const out = new Map<string, StoredRow>();
  if (!ids.length) return out;
  const found = await queryRows<Record<string, unknown>>(
    ctx.db,
    `SELECT ${memberSelectList('m')}, m.name_key FROM members m WHERE ${inList('m.id', ids)} AND +m.primary_org_id = ${lit(primaryOrgId)} AND m.deregistered_at IS NULL`,
  );
  for (const row of found) {
    const rec = recordFromRow(row);
    const data = recordToData(rec, unitNameOf(units, rec.orgId));
    out.set(rec.id, { rec, data, cells: memberDataToCells(data), nameKey: String(row.name_key) });
  }
  return out;
}

/** True when every cell the row has equals the rendered stored value (an empty cell for an empty value). */
function sameAsRendered(raw: RawMemberRow, cells: Record<MemberFieldKey, string | null>): boolean {
  for (const k of MEMBER_FIELD_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(raw, k)) continue;
    const v = raw[k];
    const c = cells[k];
    if (c === null ? !(v === null || v === undefined || v === '') : v !== c) return false;
  }
  return true;
}

/** Normalises every row with domain/, resolves units and marks repeats inside the chunk. JavaScript only. */
function prepareRows(request: SyncRequest, today: string, units: UnitIndex, stored: Map<string, StoredRow>): PreparedRow[] {
  const out: PreparedRow[] = request.rows.map((r, pos) => {
    const raw = (r.values ?? {}) as RawMemberRow;
    const p: PreparedRow = { pos, row: r.row, id: r.id ?? null, version: r.version ?? null, raw, blank: false, errors: null, data: null, keys: [], nameKey: '', unitOrgId: units.primary.id };
    // A row pulled from the register and sent back as it was: its cells are exactly what the register
    // rendered, so they need no normalising (what they say is the stored data).
    const known = p.id ? stored.get(p.id) : undefined;
    if (known && sameAsRendered(raw, known.cells)) {
      p.data = known.data;
      p.nameKey = known.nameKey;
      p.keys = known.data.snils ? [`snils:${known.data.snils}`, `name:${known.nameKey}`] : [`name:${known.nameKey}`];
      p.unitOrgId = known.rec.orgId;
      return p;
    }
    if (isBlankRow(raw)) {
      p.blank = true;
      if (p.id) {
        p.errors = [
          rowError(r.row, 'surname', 'Строка пустая, а служебный столбец «ID в реестре» заполнен. Очистка строки не снимает человека с учёта: для этого выберите строку и нажмите «Снять с учёта». Чтобы вернуть данные, загрузите список из реестра заново'),
        ];
      }
      return p;
    }
    const checked = normalizeMemberRow(raw, { today });
    const errors: FieldError[] = checked.ok ? [] : checked.errors.map((e) => ({ field: e.field, message: `Строка ${r.row}. ${e.message}` }));
    if (checked.ok) {
      const unit = resolveUnit(units, checked.data.unit);
      if (unit.ok) {
        p.data = checked.data;
        p.data.unit = unit.name;
        p.keys = duplicateKeys(p.data);
        // 'name:<nameKey>|<birthDate>' is exactly members.name_key (memberNameKey).
        p.nameKey = p.keys[p.keys.length - 1].slice('name:'.length);
        p.unitOrgId = unit.orgId;
      } else errors.push(rowError(r.row, 'unit', unit.message));
    } else if (Object.prototype.hasOwnProperty.call(raw, 'unit')) {
      const u = typeof raw.unit === 'string' ? raw.unit : null;
      const unit = resolveUnit(units, u);
      if (!unit.ok) errors.push(rowError(r.row, 'unit', unit.message));
    }
    if (errors.length) {
      p.errors = errors;
      p.data = null;
    }
    return p;
  });

  // Repeats inside the chunk: the later row (by row number) is an error naming the earlier one.
  const first = new Map<string, PreparedRow>();
  const ordered = out.filter((p) => p.data).sort((a, b) => a.row - b.row || a.pos - b.pos);
  for (const p of ordered) {
    const keys = p.id ? [`id:${p.id}`, ...p.keys] : p.keys;
    let earlier: PreparedRow | undefined;
    let byKey = '';
    for (const k of keys) {
      const seen = first.get(k);
      if (seen && (!earlier || seen.row < earlier.row)) {
        earlier = seen;
        byKey = k;
      }
    }
    for (const k of keys) if (!first.has(k)) first.set(k, p);
    if (earlier) {
      const field: ColumnKey = byKey.startsWith('snils:') ? 'snils' : byKey.startsWith('id:') ? 'id' : 'surname';
      const what = field === 'snils' ? 'тот же СНИЛС' : field === 'id' ? 'тот же ID в реестре' : 'те же ФИО и дата рождения';
      p.errors = [rowError(p.row, field, `Повторяет строку ${earlier.row}: ${what}. Один человек вносится в список один раз — удалите лишнюю строку или исправьте данные`)];
      p.data = null;
    }
  }
  return out;
}

interface Candidates {
  byId: Map<string, MemberRecord>;
  activeBySnils: Map<string, MemberRecord[]>;
  activeByNameKey: Map<string, MemberRecord[]>;
  elsewhereBySnils: Map<string, ElsewhereRow[]>;
  elsewhereByNameKey: Map<string, ElsewhereRow[]>;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * Two reads per chunk. Each branch of the UNIONs uses its own index (primary key, the active-СНИЛС and
 * the active-name-key partial indexes); `+primary_org_id` keeps SQLite from scanning the organisation's
 * index instead (it has no statistics to know that one organisation can hold 100,000 members).
 */
async function readCandidates(ctx: Ctx, tx: Transaction | undefined, primaryOrgId: number, prepared: PreparedRow[], pulled: Map<string, StoredRow>): Promise<Candidates> {
  const ids = new Set<string>();
  const snils = new Set<string>();
  const nameKeys = new Set<string>();
  for (const p of prepared) {
    if (p.id) ids.add(p.id);
    if (!p.data) continue;
    if (p.data.snils) snils.add(p.data.snils);
    nameKeys.add(p.nameKey);
  }
  const c: Candidates = { byId: new Map(), activeBySnils: new Map(), activeByNameKey: new Map(), elsewhereBySnils: new Map(), elsewhereByNameKey: new Map() };
  if (ids.size + snils.size + nameKeys.size === 0) return c;
  const P = lit(primaryOrgId);
  const sel = `${memberSelectList('m')}, m.name_key`;
  // The UNION collects ids only (narrow), then the full rows are fetched once each by primary key.
  const branches: string[] = [];
  if (ids.size) branches.push(`SELECT id FROM members WHERE ${inList('id', [...ids])} AND +primary_org_id = ${P}`);
  if (snils.size) branches.push(`SELECT id FROM members WHERE ${inList('snils', [...snils])} AND deregistered_at IS NULL AND +primary_org_id = ${P}`);
  if (nameKeys.size) branches.push(`SELECT id FROM members WHERE ${inList('name_key', [...nameKeys])} AND deregistered_at IS NULL AND +primary_org_id = ${P}`);
  // Members read just before (rows sent back as pulled) are reused when their version has not moved.
  const current = await queryRows<{ id: string; version: number | string }>(ctx.db, `SELECT id, version FROM members WHERE id IN (${branches.join(' UNION ')})`, tx);
  const add = (rec: MemberRecord, nameKey: string) => {
    c.byId.set(rec.id, rec);
    if (rec.deregisteredAt) return;
    if (rec.snils) push(c.activeBySnils, rec.snils, rec);
    push(c.activeByNameKey, nameKey, rec);
  };
  const fetch: string[] = [];
  for (const { id, version } of current) {
    const known = pulled.get(id);
    if (known && known.rec.version === Number(version)) add(known.rec, known.nameKey);
    else fetch.push(id);
  }
  if (fetch.length) {
    for (const row of await queryRows<Record<string, unknown>>(ctx.db, `SELECT ${sel} FROM members m WHERE ${inList('m.id', fetch)}`, tx)) {
      add(recordFromRow(row), String(row.name_key));
    }
  }
  const other: string[] = [];
  const cols = 'm.id, m.snils, m.surname, m.name_key, m.primary_org_id, o.name AS org_name';
  if (snils.size) other.push(`SELECT ${cols} FROM members m JOIN organisations o ON o.id = m.primary_org_id WHERE ${inList('m.snils', [...snils])} AND m.deregistered_at IS NULL AND +m.primary_org_id <> ${P}`);
  if (nameKeys.size) other.push(`SELECT ${cols} FROM members m JOIN organisations o ON o.id = m.primary_org_id WHERE ${inList('m.name_key', [...nameKeys])} AND m.deregistered_at IS NULL AND +m.primary_org_id <> ${P}`);
  if (other.length) {
    for (const e of await queryRows<ElsewhereRow>(ctx.db, other.join(' UNION '), tx)) {
      if (e.snils) push(c.elsewhereBySnils, e.snils, e);
      push(c.elsewhereByNameKey, e.name_key, e);
    }
  }
  return c;
}

/** The row's data merged onto the stored record: absent columns keep stored values; with `fillIn`, so do empty cells. */
function mergeOnto(rec: MemberRecord, stored: MemberData, p: PreparedRow, fillIn: boolean): { data: MemberData; orgId: number } {
  const d = { ...p.data! } as Record<MemberFieldKey, unknown>;
  const has = (k: MemberFieldKey) => Object.prototype.hasOwnProperty.call(p.raw, k);
  const consentKeys = new Set<string>(CONSENT_PAIRS.flatMap((c) => [c.state, c.date]));
  for (const k of STORED_FIELD_KEYS) {
    if (k === 'surname' || k === 'name' || consentKeys.has(k)) continue;
    if (k === 'patronymic' && has('surname') && !has('name')) {
      // a full name in one cell: the patronymic came from the split
      if (fillIn && d.patronymic === null) d.patronymic = stored.patronymic;
      continue;
    }
    if (!has(k) || (fillIn && d[k] === null)) d[k] = stored[k];
  }
  for (const pair of CONSENT_PAIRS) {
    const absent = !has(pair.state) && !has(pair.date);
    const empty = d[pair.state] === null && d[pair.date] === null;
    if (absent || (fillIn && empty)) {
      d[pair.state] = stored[pair.state];
      d[pair.date] = stored[pair.date];
    }
  }
  let orgId = p.unitOrgId;
  if (!has('unit') || (fillIn && d.unit === null)) {
    d.unit = stored.unit;
    orgId = rec.orgId;
  }
  return { data: d as unknown as MemberData, orgId };
}

function conflictResult(p: PreparedRow, reason: ConflictReason, message: string, extra: Partial<SyncRowResult> = {}, organisationName?: string): SyncRowResult {
  return { row: p.row, outcome: 'conflict', ...extra, conflict: { reason, message: `Строка ${p.row}: ${message}`, ...(organisationName ? { organisationName } : {}) } };
}

/** «Registered elsewhere»: the organisation is named only on a full match (see lookups.ts), and the hit is counted. */
function elsewhereResult(p: PreparedRow, person: MemberData, away: ElsewhereRow, lookups: LookupSummary, extra: Partial<SyncRowResult> = {}): SyncRowResult {
  const hit = { memberId: String(away.id), snils: away.snils, surname: String(away.surname), nameKeyWithBirth: String(away.name_key), orgName: String(away.org_name) };
  const named = mayNameOrganisation({ snils: person.snils ?? null, surname: person.surname, birthDate: person.birthDate }, hit);
  lookups.hits += 1;
  if (named) lookups.named += 1;
  lookups.memberIds.push(hit.memberId);
  return named ? conflictResult(p, 'registered_elsewhere', NAMED_ELSEWHERE(hit.orgName), extra, hit.orgName) : conflictResult(p, 'registered_elsewhere', UNNAMED_ELSEWHERE, extra);
}

interface Plan {
  results: SyncRowResult[];
  writes: MemberWrite[];
  /** Position of the row each write came from. */
  writePos: number[];
  /** Rows answered «registered elsewhere»: counted against the daily cap and audited. */
  lookups: LookupSummary;
}

function planRows(ctx: Ctx, prepared: PreparedRow[], c: Candidates, units: UnitIndex, today: string): Plan {
  const results: SyncRowResult[] = new Array(prepared.length);
  const writes: MemberWrite[] = [];
  const writePos: number[] = [];
  const claimed = new Map<string, PreparedRow>();
  const primaryId = units.primary.id;
  const lookups: LookupSummary = { hits: 0, named: 0, memberIds: [] };

  for (const p of prepared) {
    if (p.errors) {
      results[p.pos] = { row: p.row, outcome: 'error', errors: p.errors };
      continue;
    }
    if (p.blank) {
      results[p.pos] = { row: p.row, outcome: 'unchanged' };
      continue;
    }
    const data = p.data!;
    let target: MemberRecord | null = null;
    let fillIn = false;

    if (p.id) {
      const rec = c.byId.get(p.id);
      if (!rec) {
        results[p.pos] = {
          row: p.row,
          outcome: 'error',
          errors: [rowError(p.row, 'id', `${columnByKey('id').header}: такой записи нет в вашей организации. Не изменяйте служебные столбцы «ID в реестре» и «Версия»; если это новый человек, очистите их в этой строке`)],
        };
        continue;
      }
      if (rec.deregisteredAt) {
        results[p.pos] = conflictResult(p, 'deregistered', `этот член Профсоюза снят с учёта ${formatDateRu(rec.deregisteredAt)} — изменения не сохранены. Чтобы поставить его на учёт снова, очистите в строке столбцы «ID в реестре» и «Версия» и отправьте её ещё раз`, { id: rec.id });
        continue;
      }
      target = rec;
    } else {
      const nk = p.nameKey;
      if (data.snils) target = c.activeBySnils.get(data.snils)?.[0] ?? null;
      if (!target) {
        const byName = (c.activeByNameKey.get(nk) ?? []).filter((m) => !data.snils || !m.snils || m.snils === data.snils);
        if (byName.length > 1) {
          results[p.pos] = conflictResult(p, 'ambiguous_match', 'в вашей организации несколько записей с такими же ФИО и датой рождения, и по строке нельзя понять, какую из них изменить. Укажите в строке СНИЛС или загрузите список из реестра (тогда у строк появятся ID)');
          continue;
        }
        target = byName[0] ?? null;
      }
      if (!target) {
        const away = (data.snils ? c.elsewhereBySnils.get(data.snils) : undefined)?.[0] ?? (c.elsewhereByNameKey.get(nk) ?? []).find((e) => !data.snils || !e.snils || e.snils === data.snils);
        if (away) {
          results[p.pos] = elsewhereResult(p, data, away, lookups);
          continue;
        }
      }
      fillIn = true;
    }

    // One member, one row per chunk.
    if (target) {
      const earlier = claimed.get(target.id);
      if (earlier) {
        results[p.pos] = { row: p.row, outcome: 'error', errors: [rowError(p.row, p.id ? 'id' : data.snils ? 'snils' : 'surname', `Повторяет строку ${earlier.row}: это тот же член Профсоюза. Один человек вносится в список один раз — удалите лишнюю строку`)] };
        continue;
      }
      claimed.set(target.id, p);
    }

    const storedData = target ? recordToData(target, unitNameOf(units, target.orgId)) : null;
    const merged = target ? mergeOnto(target, storedData!, p, fillIn) : { data, orgId: p.unitOrgId };
    if (target && storedData && merged.orgId === target.orgId && memberDataEqual(storedData, merged.data)) {
      results[p.pos] = { row: p.row, outcome: 'unchanged', id: target.id, version: target.version };
      continue;
    }
    if (target && p.id && p.version !== target.version) {
      results[p.pos] =
        p.version === null
          ? { row: p.row, outcome: 'error', errors: [rowError(p.row, 'version', `${columnByKey('version').header}: не заполнена, а «ID в реестре» заполнен — не изменяйте служебные столбцы; загрузите список из реестра заново`)] }
          : conflictResult(p, 'stale_version', 'эту запись уже изменил другой пользователь (или вы в другом окне) после того, как список был загружен. Изменения в этой строке не сохранены — загрузите список из реестра заново и внесите их ещё раз', { id: target.id });
      continue;
    }

    // A changed СНИЛС must not belong to someone else.
    const newSnils = merged.data.snils;
    if (newSnils && newSnils !== target?.snils) {
      const here = (c.activeBySnils.get(newSnils) ?? []).find((m) => m.id !== target?.id);
      if (here) {
        results[p.pos] = { row: p.row, outcome: 'error', errors: [rowError(p.row, 'snils', `${columnByKey('snils').header}: такой СНИЛС уже записан у другого члена Профсоюза вашей организации — проверьте номер`)] };
        continue;
      }
      const away = c.elsewhereBySnils.get(newSnils)?.[0];
      if (away) {
        results[p.pos] = elsewhereResult(p, merged.data, away, lookups, target ? { id: target.id } : {});
        continue;
      }
    }

    // Card status from the sheet follows the card lifecycle.
    const cardProblem = cardChangeProblem(ctx.config.cardTransitions, target ?? NO_CARD, merged.data.cardStatus ?? 'not_ordered', 'sheet', null);
    if (cardProblem) {
      results[p.pos] = { row: p.row, outcome: 'error', errors: [rowError(p.row, 'cardStatus', cardProblem)] };
      continue;
    }

    if (target) {
      const after: MemberRecord = { ...target, orgId: merged.orgId };
      for (const k of STORED_FIELD_KEYS) (after as unknown as Record<string, unknown>)[k] = merged.data[k] ?? null;
      writes.push({ op: 'update', before: target, after, row: p.row });
      writePos.push(p.pos);
      results[p.pos] = { row: p.row, outcome: 'updated', id: target.id, version: target.version + 1 };
    } else {
      const id = newId();
      const after = newRecord(id, merged.orgId, primaryId, merged.data, today, ctx.now().toISOString());
      writes.push({ op: 'create', after, row: p.row, nameKey: p.nameKey });
      writePos.push(p.pos);
      results[p.pos] = { row: p.row, outcome: 'created', id, version: 1 };
    }
  }
  return { results, writes, writePos, lookups };
}

function newRecord(id: string, orgId: number, primaryOrgId: number, data: MemberData, today: string, nowIso: string): MemberRecord {
  const rec = {
    id,
    orgId,
    primaryOrgId,
    cardStatusAt: null,
    registeredAt: today,
    deregisteredAt: null,
    deregistrationReason: null,
    deregistrationComment: null,
    version: 1,
    lastBatchId: null,
    createdBy: null,
    updatedBy: null,
    createdAt: nowIso,
    updatedAt: nowIso,
  } as Record<string, unknown>;
  for (const k of STORED_FIELD_KEYS) rec[k] = data[k] ?? null;
  return rec as unknown as MemberRecord;
}

function response(results: SyncRowResult[], batchId: string | null, dryRun: boolean): SyncResponse {
  const counts = EMPTY_COUNTS();
  for (const r of results) counts[r.outcome] += 1;
  return { batchId, dryRun, counts, rows: results };
}

/** The primary organisation a chair keeps members in (a territorial chair may push into a primary organisation below). */
export function requirePrimary(org: ScopedOrg): ScopedOrg {
  if (!isPrimary(org.kind)) {
    throw badRequest('Список членов Профсоюза ведёт первичная профсоюзная организация — выберите её (а не район, регион или подразделение).');
  }
  return org;
}

/**
 * Pushes one chunk of sheet rows (at most SYNC_CHUNK_MAX_ROWS) into a primary organisation.
 * Used by the add-in's route and by spreadsheet uploads (batchKind 'upload').
 *
 * Access is checked once per request by the caller, not here per chunk: `org` is a ScopedOrg (the route's
 * orgInScope), and every route that reaches this (members/sync, members/upload) is a `personalData`
 * route, so http/route.ts has checked the obligation too (test/authorization-matrix.test.ts).
 */
export async function syncMembers(ctx: Ctx, actor: Actor, org: ScopedOrg, request: SyncRequest, opts: SyncOptions = {}): Promise<SyncResponse> {
  const done = profileTimer('total');
  try {
    return await syncChunk(ctx, actor, requirePrimary(org), request, opts);
  } finally {
    done();
  }
}

async function syncChunk(ctx: Ctx, actor: Actor, org: ScopedOrg, request: SyncRequest, opts: SyncOptions): Promise<SyncResponse> {
  if (request.rows.length > SYNC_CHUNK_MAX_ROWS) {
    throw new AppError(413, 'too_many_rows', `За один раз можно отправить не больше ${SYNC_CHUNK_MAX_ROWS} строк. Отправляйте список частями.`);
  }
  const dryRun = request.dryRun === true;
  const scope = `members.sync:${org.id}:${opts.batchKind ?? 'push'}`;
  let hash = '';
  if (!dryRun) {
    const t = profileTimer('idempotency');
    hash = requestHash(scope, request.rows);
    const stored = await findAnswer(ctx, actor.userId, request.idempotencyKey);
    t();
    if (stored) return replay<SyncResponse>(stored, scope, hash);
  }

  const today = latestTodayIso(ctx);
  let t = profileTimer('validate');
  const units = await loadUnits(ctx, org);
  const pulled = await readPulled(ctx, org.id, request, units);
  const prepared = prepareRows(request, today, units, pulled);
  t();

  if (dryRun) {
    t = profileTimer('read');
    const candidates = await readCandidates(ctx, undefined, org.id, prepared, pulled);
    t();
    t = profileTimer('match');
    const plan = planRows(ctx, prepared, candidates, units, today);
    t();
    await accountLookups(ctx, actor, org.id, plan.lookups, true);
    // A dry run answers about members of the register (who matched, who would be updated): audited like a read.
    await auditRead(ctx, actor, { action: 'members.dry_run', orgId: org.id, entity: 'organisation', entityId: org.id, details: { rows: request.rows.length, kind: opts.batchKind ?? 'push' } });
    // Nothing was written: a would-be new member has no id yet.
    for (const r of plan.results) {
      if (r.outcome === 'created') {
        delete r.id;
        delete r.version;
      }
    }
    return response(plan.results, null, true);
  }

  for (let attempt = 0; ; attempt++) {
    try {
      return await memberTransaction(ctx, [org.id], async (tx) => {
        const again = await findAnswer(ctx, actor.userId, request.idempotencyKey, tx);
        if (again) return replay<SyncResponse>(again, scope, hash);
        t = profileTimer('read');
        const candidates = await readCandidates(ctx, tx, org.id, prepared, pulled);
        t();
        t = profileTimer('match');
        const plan = planRows(ctx, prepared, candidates, units, today);
        t();
        await accountLookups(ctx, actor, org.id, plan.lookups, false, tx);
        let batchId: string | null = null;
        let answer = response(plan.results, null, false);
        if (plan.writes.length) {
          batchId = newId();
          answer = response(plan.results, batchId, false);
          await exec(
            ctx.db,
            `INSERT INTO member_batches (id, org_id, user_id, kind, created_at, counts) VALUES (${lit(batchId)}, ${lit(org.id)}, ${lit(actor.userId)}, ${lit(opts.batchKind ?? 'push')}, ${timestampLit(ctx.db, ctx.now())}, ${lit(JSON.stringify(answer.counts))})`,
            tx,
          );
          const res = await writeMembers(ctx, tx, plan.writes, { userId: actor.userId, batch: { id: batchId }, cardVia: 'sheet', now: ctx.now() });
          if (res.stale.length) {
            // Only possible if something bypassed the per-organisation lock: report those rows, never overwrite.
            const posById = new Map(plan.writes.map((w, i) => [w.op === 'create' ? w.after.id : w.before.id, plan.writePos[i]]));
            for (const w of res.stale) {
              const pos = posById.get(w.op === 'create' ? w.after.id : w.before.id)!;
              const p = prepared[pos];
              plan.results[pos] = conflictResult(p, 'stale_version', 'эту запись только что изменил другой пользователь. Изменения в этой строке не сохранены — загрузите список из реестра заново', { id: w.op === 'create' ? w.after.id : w.before.id });
            }
            answer = response(plan.results, res.changes.length ? batchId : null, false);
            await exec(ctx.db, `UPDATE member_batches SET counts = ${lit(JSON.stringify(answer.counts))} WHERE id = ${lit(batchId)}`, tx);
          }
        }
        t = profileTimer('idempotency');
        await saveAnswer(ctx, tx, { userId: actor.userId, key: request.idempotencyKey, scope, requestHash: hash, statusCode: 200, response: JSON.stringify(answer) });
        t();
        return answer;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (attempt >= 1) {
        throw conflict('Эти же люди прямо сейчас записываются в реестр другим пользователем. Отправьте строки ещё раз — уже записанные строки не задвоятся.');
      }
    }
  }
}
