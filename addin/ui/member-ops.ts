/**
 * The member actions of the chair's home, without the DOM: each one reads or writes the sheet in
 * its own Excel.run batches (through `excel`) and talks to the registry through the API client.
 * The view renders what they return; tests run them against the fake Excel and a fake server.
 */
import type { MemberSheetRow } from '../excel/member-sheet';
import {
  createMemberSheet,
  markValidationErrors,
  readMemberRows,
  writeMembersFromRegistry,
  writeSyncResults,
  type CreateSheetReport,
} from '../excel/member-sheet';
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
}

/** «Проверить»: read every row, check with domain/, mark bad cells, list the problems. */
export async function checkSheet(deps: MemberOpsDeps, r: Reporter): Promise<CheckOutcome> {
  r.indeterminate('Чтение листа…');
  const read = await onSheet(deps, (ctx) => readMemberRows(ctx));
  r.progress(1, 3, `Проверка ${formatCount(read.rows.length)} строк…`);
  const result = checkRows(read.rows, deps.today());
  r.progress(2, 3, 'Отметка ошибок на листе…');
  await deps.excel((ctx) => markValidationErrors(ctx, marksFromIssues(result.issues), { caps: deps.caps }));
  r.progress(3, 3, 'Готово');
  return { ...result, blankRows: read.blankRows };
}

/** A push or a server check in progress; kept by the view so that «Повторить» resumes it. */
export class PushRun {
  private job: PushJob | null = null;
  private sent = new Map<number, MemberSheetRow>();
  /** Chunks whose results are already on the sheet. */
  private written = new Set<number>();
  /** Rows left out because they are as the registry last accepted them. */
  unchangedRows = 0;

  constructor(
    private readonly deps: MemberOpsDeps,
    readonly orgId: number,
    readonly dryRun: boolean,
  ) {}

  get started(): boolean {
    return this.job !== null;
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
      const read = await onSheet(this.deps, (ctx) => readMemberRows(ctx, { onlyChanged: !this.dryRun }));
      this.unchangedRows = read.unchangedRows;
      for (const row of read.rows) this.sent.set(row.row, row);
      this.job = new PushJob(this.deps.api, this.orgId, toSyncRows(read.rows), this.dryRun);
    }
    const job = this.job;
    const verb = this.dryRun ? 'Проверено на сервере' : 'Отправлено';
    const report = (done: number) => r.progress(done, Math.max(job.totalRows, 1), `${verb} ${formatCount(done)} из ${formatCount(job.totalRows)} строк`);
    report(job.progress().doneRows);
    let summary: PushSummary;
    try {
      summary = await job.run({ onProgress: (p) => report(p.doneRows) });
    } catch (e) {
      if (!this.dryRun) await this.writeAnswered(r).catch(() => undefined);
      throw e;
    }
    if (this.dryRun) {
      r.indeterminate('Отметка ошибок на листе…');
      await this.deps.excel((ctx) => markValidationErrors(ctx, marksFromIssues(issuesFromResults(summary.rows)), { caps: this.deps.caps }));
    } else {
      await this.writeAnswered(r);
    }
    return summary;
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
    await this.deps.excel((ctx) =>
      writeSyncResults(ctx, results, {
        caps: this.deps.caps,
        sent,
        onProgress: (done, total) => r.progress(done, total, `Запись результатов на лист: ${formatCount(done)} из ${formatCount(total)}`),
      }),
    );
    for (const c of chunks) this.written.add(c.index);
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
