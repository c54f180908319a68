/**
 * What the «Согласия» and «ЭПБ» views do with the rows selected on the member sheet, without the
 * DOM: read the selection (register ids and names of the selected rows), call an action for those
 * members, and bring the registry's new values and versions back into those rows.
 */
import { MEMBER_SHEET_NAME } from '../../domain/members/columns';
import type { ConsentKind, ConsentState } from '../../domain/members/codes';
import { SYNC_CHUNK_MAX_ROWS } from '../../domain/members/sync-contract';
import type { ApiClient } from '../api/client';
import { isApiError, type ApiError } from '../api/errors';
import { pullAllMembers } from '../api/pull';
import { requestTransfer } from '../api/transfers';
import type { ExcelCapabilities } from '../excel/capabilities';
import { readMemberRows, readSelectedRows } from '../excel/member-sheet';
import { cellText, SheetError } from '../excel/sheet-utils';
import type { Reporter } from './activity';
import { refreshMemberRows, type RefreshRowsReport, type RegistryMember } from './excel-member-rows';
import { formatCount } from './format';

export interface ActionDeps {
  api: ApiClient;
  excel<T>(operation: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  caps: ExcelCapabilities;
}

export interface SelectedMember {
  id: string;
  /** Sheet row (1-based). */
  row: number;
  /** «Петрова Анна Сергеевна», as typed on the sheet. */
  name: string;
}

export interface Selection {
  members: SelectedMember[];
  /** Selected rows not sent to the registry yet (no id): they are left out. */
  unsent: number[];
  /** Row number of each member id on the sheet (the whole sheet, for naming members in answers). */
  rowOf: Map<string, SelectedMember>;
  /** Selected rows with a member that a filter (or the chair) hides: left out of the action. */
  hidden: number;
}

export const NOTHING_SELECTED = `Выделите на листе «${MEMBER_SHEET_NAME}» строки нужных членов Профсоюза (можно несколько подряд, мышью по номерам строк) и нажмите кнопку снова.`;
export const NO_SHEET = `Листа «${MEMBER_SHEET_NAME}» в книге нет. Откройте раздел «Члены» и нажмите «Загрузить из реестра» — список появится на листе.`;

function noSheet(e: unknown): never {
  if (e instanceof SheetError && e.code === 'table_missing') throw new SheetError('table_missing', NO_SHEET);
  throw e;
}

/** «Петрова Анна Сергеевна» from a row's cells. */
export function fullName(values: Record<string, unknown>): string {
  return ['surname', 'name', 'patronymic'].map((k) => cellText(values[k]).trim()).filter(Boolean).join(' ') || 'без фамилии';
}

/**
 * The selected rows of the member sheet: two Excel batches (the selection, then the rows). Only rows
 * the chair can see count: rows a filter hides inside the selected block are left out (and counted).
 */
export async function readSelection(deps: ActionDeps): Promise<Selection> {
  const rows = await deps.excel((ctx) => readSelectedRows(ctx, { caps: deps.caps })).catch(noSheet);
  const read = await deps.excel((ctx) => readMemberRows(ctx)).catch(noSheet);
  const wanted = new Set(rows.visible);
  const hiddenRows = new Set(rows.hidden);
  const members: SelectedMember[] = [];
  const unsent: number[] = [];
  const rowOf = new Map<string, SelectedMember>();
  let hidden = 0;
  for (const r of read.rows) {
    const m = r.id ? { id: r.id, row: r.row, name: fullName(r.values) } : null;
    if (m && !rowOf.has(m.id)) rowOf.set(m.id, m);
    if (hiddenRows.has(r.row)) hidden++;
    if (!wanted.has(r.row)) continue;
    if (m) {
      if (!members.some((x) => x.id === m.id)) members.push(m);
    } else unsent.push(r.row);
  }
  return { members, unsent, rowOf, hidden };
}

/** What to say when no visible selected row has a member: nothing selected, or everything selected is hidden by a filter. */
export function nothingSelected(sel: Pick<Selection, 'hidden'>): string {
  return sel.hidden
    ? `Все выделенные строки с членами Профсоюза (${formatCount(sel.hidden)}) скрыты фильтром, а действия выполняются только для видимых строк. Снимите фильтр или выделите видимые строки и нажмите кнопку снова.`
    : NOTHING_SELECTED;
}

/**
 * «Видимых выделенных строк: 3. Скрытых фильтром строк не учтено: 2.» — what a confirmation or a
 * result says about the scope of an action on the selected rows. Empty when nothing was hidden.
 */
export function selectionScope(sel: Pick<Selection, 'members' | 'hidden'>): string {
  if (!sel.hidden) return '';
  return `Учтены только видимые выделенные строки: ${formatCount(sel.members.length)}. Скрытых фильтром строк не учтено: ${formatCount(sel.hidden)} — чтобы включить их, снимите фильтр и выделите снова.`;
}

/** «Строка 12, Петрова Анна Сергеевна» for a member id (or a plain mention when the row is not on the sheet). */
export function memberLabel(sel: Pick<Selection, 'rowOf'>, id: string): string {
  const m = sel.rowOf.get(id);
  return m ? `Строка ${m.row}, ${m.name}` : 'Член Профсоюза не на листе';
}

// ------------------------------------------------------------------ consent ticks

export type ConsentChange = Partial<Record<ConsentKind, { state: ConsentState | null; date?: string | null }>>;

export interface ActionAnswer {
  counts: { updated: number; unchanged: number; error: number };
  results: { memberId: string; outcome: 'updated' | 'unchanged' | 'error'; version?: number; message?: string }[];
}

/**
 * POST …/members/actions {action:'consents'} in parts of up to 2 000 members. Setting the same
 * consents again changes nothing («unchanged»), so a lost answer is safe to retry.
 */
export async function tickConsents(api: ApiClient, orgId: number, memberIds: readonly string[], consents: ConsentChange, r?: Reporter): Promise<ActionAnswer> {
  const out: ActionAnswer = { counts: { updated: 0, unchanged: 0, error: 0 }, results: [] };
  for (let i = 0; i < memberIds.length; i += SYNC_CHUNK_MAX_ROWS) {
    r?.progress(i, memberIds.length, `Отмечено ${formatCount(i)} из ${formatCount(memberIds.length)}`);
    const part = memberIds.slice(i, i + SYNC_CHUNK_MAX_ROWS);
    const res = await api.request<ActionAnswer>(`/organisations/${orgId}/members/actions`, {
      method: 'POST',
      body: { action: 'consents', memberIds: part, consents },
      idempotent: true,
      timeoutMs: 120_000,
    });
    out.counts.updated += res.counts.updated;
    out.counts.unchanged += res.counts.unchanged;
    out.counts.error += res.counts.error;
    out.results.push(...res.results);
  }
  return out;
}

// ------------------------------------------------------------------ writing the registry's values back

/** Up to this many members are read one by one (GET /members/:id); more — the organisation's list page by page. */
export const ONE_BY_ONE_MAX = 40;

/** The members as the registry has them now. */
export async function fetchMembers(api: ApiClient, orgId: number, ids: readonly string[], r?: Reporter): Promise<RegistryMember[]> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  if (wanted.length <= ONE_BY_ONE_MAX) {
    const out: RegistryMember[] = [];
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const id = wanted[next++];
        out.push(await api.request<RegistryMember>(`/members/${encodeURIComponent(id)}`, { timeoutMs: 30_000 }));
        r?.progress(out.length, wanted.length, `Загружено из реестра ${formatCount(out.length)} из ${formatCount(wanted.length)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return out;
  }
  const set = new Set(wanted);
  const all = await pullAllMembers(api, orgId, {
    subtree: true,
    onProgress: (p) => (p.total ? r?.progress(p.loaded, p.total, `Загружено из реестра ${formatCount(p.loaded)} из ${formatCount(p.total)}`) : r?.indeterminate(`Загружено из реестра ${formatCount(p.loaded)}…`)),
  });
  return all.filter((m) => set.has(m.id)).map((m) => ({ id: m.id, version: m.version, cells: m.cells }));
}

/**
 * Re-reads the members from the registry and writes their consent and card columns and versions
 * into their rows, so the sheet and the registry agree and the next push is not a conflict.
 */
export async function writeBack(deps: ActionDeps, orgId: number, ids: readonly string[], resultText: string, r: Reporter): Promise<RefreshRowsReport> {
  if (ids.length === 0) return { rows: 0, missing: [], clean: 0, syncs: 0 };
  r.indeterminate('Обновление строк на листе…');
  const members = await fetchMembers(deps.api, orgId, ids, r);
  r.indeterminate('Запись на лист…');
  return deps.excel((ctx) => refreshMemberRows(ctx, members, { resultText: () => resultText })).catch(noSheet);
}

// ------------------------------------------------------------------ deregistration

export interface DeregisterInput {
  /** ISO date of deregistration. */
  date: string;
  /** A code of GET /deregistration-reasons. */
  reason: string;
  comment?: string;
}

export interface MemberCallResult {
  memberId: string;
  /** 'done' now; 'already' — done before (a repeated click or a retried answer); 'error' — with the server's message. */
  outcome: 'done' | 'already' | 'error';
  message?: string;
}

/**
 * One request per member, one after another, for actions the register takes member by member
 * (deregistration, a transfer). A refusal that only concerns that member is its result; `already`
 * recognises the answer meaning «done before», so pressing the button again after a lost answer does
 * no harm. A failure that concerns the whole pane (no connection, session expired) stops the run and
 * is thrown, for «Повторить».
 */
export async function eachMember(
  ids: readonly string[],
  call: (memberId: string) => Promise<unknown>,
  already: (e: ApiError) => boolean,
  progressText: (done: number, total: number) => string,
  r?: Reporter,
): Promise<MemberCallResult[]> {
  const out: MemberCallResult[] = [];
  for (const id of ids) {
    r?.progress(out.length, ids.length, progressText(out.length, ids.length));
    try {
      await call(id);
      out.push({ memberId: id, outcome: 'done' });
    } catch (e) {
      if (!isApiError(e) || e.retryable || e.kind === 'session_expired' || e.kind === 'obligation_required' || e.kind === 'password_change_required') throw e;
      out.push({ memberId: id, outcome: already(e) ? 'already' : 'error', message: e.message });
    }
  }
  r?.progress(ids.length, ids.length, progressText(ids.length, ids.length));
  return out;
}

/** POST /members/:id/deregister for each member; one deregistered already (409 with deregisteredAt) is 'already'. */
export function deregisterMembers(api: ApiClient, ids: readonly string[], input: DeregisterInput, r?: Reporter): Promise<MemberCallResult[]> {
  const body = { date: input.date, reason: input.reason, ...(input.comment ? { comment: input.comment } : {}) };
  return eachMember(
    ids,
    (id) => api.request(`/members/${encodeURIComponent(id)}/deregister`, { method: 'POST', body, timeoutMs: 30_000 }),
    (e) => e.kind === 'conflict' && Boolean(e.extra.deregisteredAt),
    (done, total) => `Снято с учёта ${formatCount(done)} из ${formatCount(total)}`,
    r,
  );
}

/** A transfer to `toOrgId` for each member; one already waiting for the same organisation (409 naming it) is 'already'. */
export function requestTransfers(api: ApiClient, ids: readonly string[], toOrgId: number, r?: Reporter): Promise<MemberCallResult[]> {
  return eachMember(
    ids,
    (id) => requestTransfer(api, id, toOrgId),
    (e) => e.kind === 'conflict' && Boolean(e.extra.transferId) && e.extra.toOrgId === toOrgId,
    (done, total) => `Оформлено ${formatCount(done)} из ${formatCount(total)}`,
    r,
  );
}
