/**
 * The member actions of the chair's home, without the DOM: each one reads or writes the sheet in
 * its own Excel.run batches (through `excel`) and talks to the registry through the API client.
 * The view renders what they return; tests run them against the fake Excel and a fake server.
 */
import type { MemberSheetRow } from '../excel/member-sheet';
import {
  createMemberSheet,
  locateSentRows,
  markValidationErrors,
  readMemberRows,
  writeMembersFromRegistry,
  writeSyncResults,
  type CreateSheetReport,
} from '../excel/member-sheet';
import type { LostReason } from '../excel/row-keys';
import { SheetError } from '../excel/sheet-utils';
import type { ExcelCapabilities } from '../excel/capabilities';
import { MEMBER_SHEET_NAME } from '../../domain/members/columns';
import type { SyncRowResult } from '../../domain/members/sync-contract';
import type { ApiClient } from '../api/client';
import { isApiError } from '../api/errors';
import { pullAllMembers } from '../api/pull';
import { PushJob, type PushSummary } from '../api/push';
import type { Reporter } from './activity';
import { formatCount } from './format';
import { forgetRegistryIds } from './excel-extra';
import type { LastPush } from './last-push';
import { checkRows, issuesFromResults, marksFromIssues, toSyncRows, type CheckResult, type Issue } from './members-logic';

export interface MemberOpsDeps {
  api: ApiClient;
  excel<T>(operation: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
  caps: ExcelCapabilities;
  today(): string;
}

/** The Excel layer names its own button; the pane's is «Создать лист членов». */
export const NO_MEMBER_SHEET = `Листа «${MEMBER_SHEET_NAME}» в этой книге ещё нет. Нажмите «Создать лист членов» — появится таблица со столбцами реестра; другие листы не изменятся.`;

/** «Проверить» or «Отправить» found a list pasted with its own headers over the table's header: it was moved to be mapped. */
export const LIST_MOVED = (rows: number, scratch: string) =>
  `На лист «${MEMBER_SHEET_NAME}» вставлен список со своими заголовками (строк с данными: ${rows}). Он перенесён на лист «${scratch}», а у таблицы снова её заголовки. В разделе «Список из другого файла» нажмите «Разобрать список»: там видно, как понят каждый столбец, и строки переносятся в таблицу членов.`;

/**
 * Runs a member-sheet operation; a missing table becomes the pane's own message. A table whose header
 * was pasted over by a list with its own headers is not refused: the list moves to «Список для
 * загрузки» (rescuePastedList) and the chair is told where to map it.
 */
function onSheet<T>(deps: MemberOpsDeps, op: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> {
  return deps.excel(op).catch(async (e: unknown) => {
    if (e instanceof SheetError && e.code === 'table_missing') throw new SheetError('table_missing', NO_MEMBER_SHEET);
    if (e instanceof SheetError && e.code === 'columns_missing') {
      // The list machinery comes in its own file (the pane's first load stays small).
      const imp = await import(/* webpackChunkName: "view-import-list" */ '../excel/import-sheet').catch(() => null);
      const rescue = imp ? await deps.excel((ctx) => imp.rescuePastedList(ctx)).catch(() => null) : null;
      if (imp && rescue?.moved) throw new SheetError('columns_missing', LIST_MOVED(rescue.rows, imp.IMPORT_SHEET_NAME));
    }
    throw e;
  });
}

export function createSheet(deps: MemberOpsDeps): Promise<CreateSheetReport> {
  return deps.excel((ctx) => createMemberSheet(ctx));
}

export interface CheckOutcome extends CheckResult {
  blankRows: number;
  /** Error cells left without a note because of MARK_NOTES_CAP. */
  notesCapped: number;
}

/** «Проверить»: read every row, check with domain/, mark bad cells, list the problems. */
export async function checkSheet(deps: MemberOpsDeps, r: Reporter): Promise<CheckOutcome> {
  r.indeterminate('Чтение листа…');
  // rows get their keys here too, so the marks find their rows even if the table is sorted meanwhile
  const read = await onSheet(deps, (ctx) => readMemberRows(ctx, { assignKeys: true }));
  r.progress(1, 3, `Проверка ${formatCount(read.rows.length)} строк…`);
  const result = checkRows(read.rows, deps.today());
  r.progress(2, 3, 'Отметка ошибок на листе…');
  const bad = new Set(result.issues.map((i) => i.row));
  const refs = read.rows.filter((x) => x.key && bad.has(x.row)).map((x) => ({ row: x.row, key: x.key as string, id: x.id }));
  const { marked, placed, lost } = await deps.excel(async (ctx) => {
    const where = refs.length ? await locateSentRows(ctx, refs) : { placed: new Map<number, number>(), lost: new Map<number, LostReason>() };
    const issues = result.issues.filter((i) => !where.lost.has(i.row)).map((i) => ({ ...i, row: where.placed.get(i.row) ?? i.row }));
    return { marked: await markValidationErrors(ctx, marksFromIssues(issues), { caps: deps.caps }), placed: where.placed, lost: where.lost };
  });
  r.progress(3, 3, 'Готово');
  // the list names the rows where the people stand now (a row deleted meanwhile has nothing to show)
  const issues = result.issues.filter((i) => !lost.has(i.row)).map((i) => ({ ...i, row: placed.get(i.row) ?? i.row }));
  return { ...result, issues, blankRows: read.blankRows, notesCapped: marked.notesCapped };
}

/** A sent row whose result could not go back onto the sheet (the pane lists it with the name). */
export interface LostRow {
  /** The sheet row when the push read it. */
  row: number;
  name: string;
  reason: LostReason;
  result: SyncRowResult;
}

/** A push or a server check in progress; kept by the view so that «Повторить» resumes it. */
export class PushRun {
  private job: PushJob | null = null;
  private sent = new Map<number, MemberSheetRow>();
  /** Chunks whose results are already on the sheet. */
  private written = new Set<number>();
  /** Sent row → the row its result went to (rows found by their key, see excel/row-keys.ts). */
  private placed = new Map<number, number>();
  /** Sent rows whose results were written nowhere (deleted, copied or overwritten during the push). */
  readonly lost = new Map<number, LostRow>();
  /** Rows left out because they are as the registry last accepted them. */
  unchangedRows = 0;
  private stopRequested = false;

  constructor(
    private readonly deps: MemberOpsDeps,
    readonly orgId: number,
    readonly dryRun: boolean,
  ) {}

  get started(): boolean {
    return this.job !== null;
  }

  /** «Остановить»: the push stops after the chunk in flight; `run` then reports what was sent. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Rows per planned chunk (empty before the first run). */
  chunkSizes(): number[] {
    return this.job ? this.job.chunks.map((c) => c.rows.length) : [];
  }

  /**
   * Runs (or resumes) the push: reads the rows once, then sends the chunks that have no answer yet,
   * one request each. The answers go into the sheet together at the end — one writeSyncResults
   * instead of one per chunk (about 6 context.sync() calls per chunk saved) — and, if a chunk fails,
   * the answers received so far are written before the failure is shown, so ids of created members
   * are on the sheet whatever happens next. (Even if they were not, the registry matches a row
   * without an id by СНИЛС or name + birth date: nothing would be duplicated.) A server check only
   * marks the problems.
   */
  async run(r: Reporter): Promise<PushSummary> {
    if (!this.job) {
      r.indeterminate('Чтение листа…');
      // Every row sent gets its key in «Ключ строки» first, so its answer finds it wherever it moves.
      const read = await onSheet(this.deps, (ctx) => readMemberRows(ctx, { onlyChanged: !this.dryRun, assignKeys: true }));
      this.unchangedRows = read.unchangedRows;
      for (const row of read.rows) this.sent.set(row.row, row);
      this.job = new PushJob(this.deps.api, this.orgId, toSyncRows(read.rows), this.dryRun);
    }
    const job = this.job;
    const verb = this.dryRun ? 'Проверено на сервере' : 'Отправлено';
    const report = (done: number) => r.progress(done, Math.max(job.totalRows, 1), `${verb} ${formatCount(done)} из ${formatCount(job.totalRows)} строк`);
    report(job.progress().doneRows);
    this.stopRequested = false;
    let summary: PushSummary;
    try {
      summary = await job.run({ onProgress: (p) => report(p.doneRows), shouldStop: () => this.stopRequested });
    } catch (e) {
      if (!this.dryRun) await this.writeAnswered(r).catch(() => undefined);
      throw e;
    }
    if (this.dryRun) {
      r.indeterminate('Отметка ошибок на листе…');
      await this.deps.excel(async (ctx) => {
        const where = await locateSentRows(ctx, this.sentRefs(summary.rows));
        this.note(summary.rows, where.placed, where.lost);
        return markValidationErrors(ctx, marksFromIssues(issuesFromResults(this.onSheet(summary.rows))), { caps: this.deps.caps });
      });
    } else {
      await this.writeAnswered(r);
    }
    return { ...summary, rows: this.onSheet(summary.rows) };
  }

  /** The results with the rows where their people stand now; results written nowhere are left out (see `lost`). */
  onSheet(results: readonly SyncRowResult[]): SyncRowResult[] {
    const out: SyncRowResult[] = [];
    for (const x of results) {
      if (this.lost.has(x.row)) continue;
      const at = this.placed.get(x.row);
      out.push(at === undefined || at === x.row ? x : { ...x, row: at });
    }
    return out;
  }

  private sentRefs(results: readonly SyncRowResult[]): { row: number; key: string; id: string | null }[] {
    const out: { row: number; key: string; id: string | null }[] = [];
    for (const x of results) {
      const s = this.sent.get(x.row);
      if (s?.key) out.push({ row: s.row, key: s.key, id: s.id });
    }
    return out;
  }

  private note(results: readonly SyncRowResult[], placed: ReadonlyMap<number, number>, lost: ReadonlyMap<number, LostReason>): void {
    for (const [from, to] of placed) this.placed.set(from, to);
    for (const x of results) {
      const reason = lost.get(x.row);
      if (!reason) continue;
      const s = this.sent.get(x.row);
      this.lost.set(x.row, { row: x.row, name: s ? personName(s.values) : '', reason, result: x });
    }
  }

  /** Results of the answered chunks not yet on the sheet: one Excel batch. */
  private async writeAnswered(r: Reporter): Promise<void> {
    const chunks = (this.job?.chunks ?? []).filter((c) => c.response && !this.written.has(c.index));
    if (chunks.length === 0) return;
    const results: SyncRowResult[] = [];
    const sent: MemberSheetRow[] = [];
    for (const c of chunks) {
      results.push(...c.response!.rows);
      for (const x of c.rows) {
        const row = this.sent.get(x.row);
        if (row) sent.push(row);
      }
    }
    r.progress(0, results.length, 'Запись результатов на лист…');
    const rep = await this.deps.excel((ctx) =>
      writeSyncResults(ctx, results, {
        caps: this.deps.caps,
        sent,
        onProgress: (done, total) => r.progress(done, total, `Запись результатов на лист: ${formatCount(done)} из ${formatCount(total)}`),
      }),
    );
    this.note(results, rep.placed, rep.lost);
    for (const c of chunks) this.written.add(c.index);
  }
}

/** «Петрова Анна Сергеевна» as typed in the row. */
function personName(values: MemberSheetRow['values']): string {
  return (['surname', 'name', 'patronymic'] as const)
    .map((k) => (values[k] === null || values[k] === undefined ? '' : String(values[k]).trim()))
    .filter(Boolean)
    .join(' ');
}

/** What the pane says about a sent row whose result was not written (plain Russian, names the person). */
export function lostRowText(l: LostRow, dryRun: boolean): string {
  const who = `${l.name || 'без фамилии'} (была строка ${l.row})`;
  const accepted = l.result.outcome === 'created' || l.result.outcome === 'updated' || l.result.outcome === 'unchanged';
  const fate = dryRun ? '' : accepted ? (l.result.outcome === 'created' ? ' Реестр её принял — член Профсоюза добавлен.' : ' Реестр её принял.') : ' Реестр её не принял.';
  switch (l.reason) {
    case 'deleted':
      return `${who}: строка удалена с листа, пока шла отправка; на лист ничего не записано.${fate}${accepted && !dryRun ? ' Если строка удалена по ошибке, нажмите «Загрузить из реестра»; если человек больше не состоит в организации — «Снять с учёта».' : ''}`;
    case 'copied':
      return `${who}: строка скопирована на листе, пока шла отправка (у двух строк один служебный ключ), — результат не записан ни в одну из них, чтобы не ошибиться человеком.${fate} Удалите лишнюю копию и нажмите «Отправить в реестр» снова: строки не задвоятся.`;
    default:
      return `${who}: на месте строки теперь другой член Профсоюза (вставлена другая строка) — результат не записан.${fate} Нажмите «Отправить в реестр» снова.`;
  }
}

export interface PullPlan {
  /** Rows on the sheet that the registry does not have yet (new or changed since the last exchange). */
  unsentRows: number;
  sheetExists: boolean;
}

/** Before «Загрузить из реестра»: would the load replace rows that were never sent? */
export async function planPull(deps: MemberOpsDeps): Promise<PullPlan> {
  try {
    const read = await deps.excel((ctx) => readMemberRows(ctx, { onlyChanged: true }));
    return { unsentRows: read.rows.length, sheetExists: true };
  } catch (e) {
    if (e instanceof SheetError && e.code === 'table_missing') return { unsentRows: 0, sheetExists: false };
    throw e;
  }
}

/** «Загрузить из реестра»: every page from the server (first 80 % of the bar), then the sheet. */
export async function pullToSheet(deps: MemberOpsDeps, orgId: number, r: Reporter): Promise<number> {
  const plan = await planPull(deps);
  if (!plan.sheetExists) {
    r.indeterminate('Создание листа…');
    await createSheet(deps);
  }
  r.indeterminate('Загрузка из реестра…');
  // subtree: the members registered in the organisation's профбюро and профгруппы belong to the sheet too.
  const members = await pullAllMembers(deps.api, orgId, {
    subtree: true,
    onProgress: (p) => {
      if (p.total) r.progress(p.loaded * 0.8, p.total, `Загружено ${formatCount(p.loaded)} из ${formatCount(p.total)}`);
      else r.indeterminate(`Загружено ${formatCount(p.loaded)}…`);
    },
  });
  const total = members.length;
  r.progress(total * 0.8, Math.max(total, 1), 'Запись на лист…');
  await deps.excel((ctx) =>
    writeMembersFromRegistry(ctx, members, {
      caps: deps.caps,
      onProgress: (done) => r.progress(total * 0.8 + done * 0.2, Math.max(total, 1), `Записано на лист ${formatCount(done)} из ${formatCount(total)}`),
    }),
  );
  return total;
}

export function pushIssues(rows: readonly SyncRowResult[]): Issue[] {
  return issuesFromResults(rows);
}

export interface RevertOutcome {
  restored: number;
  deleted: number;
  /** Sheet rows turned back into rows without an id. */
  sheetRows: number;
}

/** «Результат» of a row whose push was undone. */
export const REVERTED_RESULT = 'Отправка отменена: строки нет в реестре в этом виде — отправьте снова';

/**
 * «Отменить последнюю отправку»: undoes the push's batches newest first; each undone batch is
 * dropped from `last` at once (so «Повторить» after a failure goes on where it stopped), and the
 * rows of its members lose their id and version on the sheet.
 */
export async function revertPush(deps: MemberOpsDeps, last: LastPush, onPartDone: (remaining: LastPush) => void, r: Reporter): Promise<RevertOutcome> {
  const out: RevertOutcome = { restored: 0, deleted: 0, sheetRows: 0 };
  const total = last.batches.length;
  while (last.batches.length) {
    const part = last.batches[last.batches.length - 1];
    r.progress(total - last.batches.length, total, `Отменено частей: ${total - last.batches.length} из ${total}`);
    try {
      const res = await deps.api.revertBatch(part.batchId);
      out.restored += res.restored;
      out.deleted += res.deleted;
    } catch (e) {
      // «Эта отправка уже отменена»: the answer to an earlier attempt was lost — it is done.
      if (!(isApiError(e) && e.kind === 'conflict' && e.extra.revertedAt)) throw e;
    }
    const rep = await deps.excel((ctx) => forgetRegistryIds(ctx, new Set(part.memberIds), REVERTED_RESULT)).catch((e: unknown) => {
      if (e instanceof SheetError && e.code === 'table_missing') return { rows: 0, syncs: 0 };
      throw e;
    });
    out.sheetRows += rep.rows;
    last.batches = last.batches.slice(0, -1);
    onPartDone(last);
  }
  r.progress(total, total, 'Готово');
  return out;
}
