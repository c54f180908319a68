/**
 * The pane's member actions against the fake Excel (addin/excel/test-fakes.ts) and a fake registry:
 * what each costs in context.sync() calls and HTTP requests for 10,000 rows, and the behaviour
 * around failures (a lost connection mid-push, an undo).
 */
import { MEMBER_COLUMNS, MEMBER_TABLE_NAME, type MemberFieldKey } from '../../domain/members/columns';
import { SYNC_CHUNK_MAX_ROWS, type SyncRequest, type SyncResponse } from '../../domain/members/sync-contract';
import { ApiClient, type FetchLike } from '../api/client';
import type { ExcelCapabilities } from '../excel/capabilities';
import { createMemberSheet } from '../excel/member-sheet';
import { syntheticRegistryRows } from '../excel/test-data';
import { FakeExcel } from '../excel/test-fakes';
import type { Reporter } from './activity';
import { checkSheet, NO_MEMBER_SHEET, pullToSheet, PushRun, revertPush, REVERTED_RESULT, type MemberOpsDeps } from './member-ops';

const ALL: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: true, comments: true };
const ID_COL = MEMBER_COLUMNS.findIndex((c) => c.key === 'id');
const VERSION_COL = MEMBER_COLUMNS.findIndex((c) => c.key === 'version');
const RESULT_COL = MEMBER_COLUMNS.length;
const letter = (i: number) => String.fromCharCode(65 + i);

/** As Office.js's Excel.run: a fresh context per batch, pending work synced at the end. */
function excelRunner(fake: FakeExcel): MemberOpsDeps['excel'] & { runs: number; perRun: { syncs: number; reported?: number; chunks?: number }[] } {
  const run = (async <T>(op: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> => {
    run.runs++;
    const ctx = fake.newContext();
    const before = fake.syncCount;
    const out = await op(ctx);
    if ((ctx as unknown as { _pending: unknown[] })._pending.length) await ctx.sync();
    // what the batch cost, and what the Excel layer said it cost (readMemberRows and writeSyncResults report syncs)
    const r = out as { syncs?: unknown; chunks?: unknown } | undefined;
    run.perRun.push({
      syncs: fake.syncCount - before,
      ...(typeof r?.syncs === 'number' ? { reported: r.syncs } : {}),
      ...(typeof r?.chunks === 'number' ? { chunks: r.chunks } : {}),
    });
    return out;
  }) as MemberOpsDeps['excel'] & { runs: number; perRun: { syncs: number; reported?: number; chunks?: number }[] };
  run.runs = 0;
  run.perRun = [];
  return run;
}

const quiet: Reporter & { last: string } = {
  last: '',
  progress(_d, _t, c) {
    this.last = c;
  },
  indeterminate(c) {
    this.last = c;
  },
};

/** A registry that creates every row, remembers answers by idempotency key, and can drop answers. */
function fakeRegistry() {
  const store = new Map<string, SyncResponse>();
  const state = { requests: 0, created: 0, dropAnswers: 0, reverted: [] as string[], pages: [] as unknown[] };
  let nextId = 0;
  const fetch: FetchLike = async (url, init) => {
    state.requests++;
    if (url.includes('/members/sync')) {
      const req = JSON.parse(String(init.body)) as SyncRequest;
      let answer = store.get(req.idempotencyKey);
      if (!answer) {
        const rows = req.rows.map((r) => ({ row: r.row, outcome: 'created' as const, id: `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`, version: 1 }));
        state.created += rows.length;
        answer = { batchId: `10000000-0000-4000-8000-${String(store.size + 1).padStart(12, '0')}`, dryRun: false, counts: { created: rows.length, updated: 0, unchanged: 0, error: 0, conflict: 0 }, rows };
        store.set(req.idempotencyKey, answer);
      }
      if (state.dropAnswers > 0) {
        state.dropAnswers--;
        throw new TypeError('network connection was lost');
      }
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }
    const revert = /\/batches\/([^/]+)\/revert$/.exec(url);
    if (revert) {
      state.reverted.push(revert[1]);
      return new Response(JSON.stringify({ batchId: 'r', revertedBatchId: revert[1], restored: 0, deleted: 1 }), { status: 200 });
    }
    if (/\/members\?/.test(url)) {
      const page = state.pages.shift() ?? { items: [], nextCursor: null };
      return new Response(JSON.stringify(page), { status: 200 });
    }
    return new Response('{}', { status: 404 });
  };
  return { fetch, state };
}

/** A new sheet holding `n` pasted members without registry ids (as an HR list). */
async function sheetWithNewRows(n: number): Promise<FakeExcel> {
  const fake = new FakeExcel();
  await createMemberSheet(fake.context);
  const rows = syntheticRegistryRows(n, 7);
  const grid = rows.map((r) => [...MEMBER_COLUMNS.map((c) => (c.type === 'id' || c.type === 'version' ? '' : (r.cells[c.key as MemberFieldKey] ?? ''))), '', '']); // «Результат», «Ключ строки»
  const ctx = fake.newContext();
  const table = ctx.workbook.tables.getItem(MEMBER_TABLE_NAME);
  table.getDataBodyRange().values = [grid[0]];
  table.rows.add(undefined, grid.slice(1));
  await ctx.sync();
  fake.resetCounters();
  return fake;
}

function deps(fake: FakeExcel, fetch: FetchLike) {
  const excel = excelRunner(fake);
  const api = new ApiClient({ fetch, sleep: async () => undefined, retry: { retries: 2, delayMs: () => 0 } });
  const d: MemberOpsDeps = { api, excel, caps: ALL, today: () => '2026-11-26' };
  return { d, excel };
}

describe('pushing 10,000 rows', () => {
  it('«Остановить» stops after the chunk in flight; the summary says what was sent; «Продолжить» sends the rest once', async () => {
    const fake = await sheetWithNewRows(10_000);
    const { fetch, state } = fakeRegistry();
    const holder: { run?: PushRun } = {};
    const stopOnFirst: FetchLike = async (url, init) => {
      if (url.includes('/members/sync') && state.requests === 0) holder.run?.stop();
      return fetch(url, init);
    };
    const { d } = deps(fake, stopOnFirst);
    const run = new PushRun(d, 1, false);
    holder.run = run;
    const first = await run.run(quiet);
    expect(first.stopped).toBe(true);
    expect(state.requests).toBe(1);
    const sent = run.chunkSizes()[0];
    expect(first.counts.created).toBe(sent);
    expect(first.unsentRows).toBe(10_000 - sent);
    // the rows of the sent chunk carry their ids already
    const ids = fake.table(MEMBER_TABLE_NAME)!.bodyValues().map((r) => String(r[ID_COL]));
    expect(ids.filter(Boolean)).toHaveLength(sent);
    const rest = await run.run(quiet);
    expect(rest.stopped).toBeUndefined();
    expect(rest.counts.created).toBe(10_000);
    expect(state.created).toBe(10_000);
  });

  it('costs one HTTP request per chunk and two Excel batches (read, then all results); every row gets its id', async () => {
    const fake = await sheetWithNewRows(10_000);
    const { fetch, state } = fakeRegistry();
    const { d, excel } = deps(fake, fetch);
    const run = new PushRun(d, 1, false);
    const summary = await run.run(quiet);

    expect(summary.counts.created).toBe(10_000);
    // One request per chunk: at most SYNC_CHUNK_MAX_ROWS rows and about 1 MB each (these rows are ~0.5 KB of JSON).
    expect(state.requests).toBe(summary.batchIds.length);
    expect(state.requests).toBeGreaterThanOrEqual(Math.ceil(10_000 / SYNC_CHUNK_MAX_ROWS));
    // Exactly 6 for these rows: 10,000 rows in chunks of at most 2,000 rows and 1 MB of JSON each.
    expect(state.requests).toBe(6);
    expect(run.chunkSizes()).toHaveLength(6);
    expect(run.chunkSizes().reduce((a, b) => a + b, 0)).toBe(10_000);
    const syncs = fake.syncCount;
    console.log(`[measure] push 10,000 rows: ${state.requests} HTTP requests, ${syncs} context.sync() calls in ${excel.runs} Excel.run batches (${excel.perRun.map((r) => r.syncs).join(' + ')}); largest Excel request ${fake.maxRequestBytes} B, response ${fake.maxResponseBytes} B`);
    // Exactly two Excel batches. Reading the sheet: the table (+ probe of the fingerprint store), the
    // store (it holds only its header: one sync, no chunk), one sync per read chunk, one to write the
    // rows' keys («Ключ строки»). Then one writeSyncResults for all answers: the table, a page of old notes (none), the
    // «Результат» column, the key and id columns (to find each row by its key), one per write chunk,
    // the fingerprint store (read: one, write: one). An extra sync anywhere fails here.
    expect(excel.runs).toBe(2);
    expect(excel.perRun).toEqual([
      { syncs: 7, reported: 7 },
      { syncs: 10, reported: 10, chunks: 2 },
    ]);
    expect(syncs).toBe(17);
    for (const s of fake.syncs) {
      expect(s.requestBytes).toBeLessThan(5_000_000);
      expect(s.responseBytes).toBeLessThan(5_000_000);
    }
    const body = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    expect(body.every((r) => /^0{8}-/.test(String(r[ID_COL])) && r[VERSION_COL] === 1 && r[RESULT_COL] === 'Добавлен')).toBe(true);
    expect(new Set(body.map((r) => r[ID_COL])).size).toBe(10_000);

    // A second push sends nothing: every row is as the registry last accepted it.
    fake.resetCounters();
    const again = await new PushRun(d, 1, false).run(quiet);
    expect(again.rows).toHaveLength(0);
    expect(state.requests).toBe(summary.batchIds.length);
  }, 120_000);

  it('after a lost connection «Повторить» resumes with the same keys: nothing is created twice', async () => {
    const fake = await sheetWithNewRows(4_500);
    const { fetch, state } = fakeRegistry();
    const { d } = deps(fake, fetch);
    const run = new PushRun(d, 1, false);
    // The answers of chunk 2 are lost three times in a row (more than the automatic retries).
    let calls = 0;
    const flaky: FetchLike = async (url, init) => {
      calls++;
      if (calls === 2) state.dropAnswers = 3;
      return fetch(url, init);
    };
    const { d: flakyDeps } = deps(fake, flaky);
    const flakyRun = new PushRun(flakyDeps, 1, false);
    await expect(flakyRun.run(quiet)).rejects.toMatchObject({ kind: 'network' });
    const [first, second] = flakyRun.chunkSizes();
    expect(state.created).toBe(first + second); // the server did chunk 2; the pane never heard
    const bodyNow = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    expect(bodyNow.slice(0, first).every((r) => r[ID_COL] !== '')).toBe(true);
    expect(bodyNow.slice(first).every((r) => r[ID_COL] === '')).toBe(true);

    const summary = await flakyRun.run(quiet);
    expect(summary.counts.created).toBe(4_500);
    expect(state.created).toBe(4_500);
    const ids = fake.table(MEMBER_TABLE_NAME)!.bodyValues().map((r) => r[ID_COL]);
    expect(new Set(ids).size).toBe(4_500);
    expect(run.started).toBe(false);
  });

  it('an undo reverts the batches newest first and turns their rows back into rows without an id', async () => {
    const fake = await sheetWithNewRows(2_500);
    const { fetch, state } = fakeRegistry();
    const { d } = deps(fake, fetch);
    const summary = await new PushRun(d, 1, false).run(quiet);
    const last = { orgId: 1, batches: summary.batches, at: new Date().toISOString(), counts: summary.counts };
    const remaining: number[] = [];
    const out = await revertPush(d, last, (l) => remaining.push(l.batches.length), quiet);
    expect(state.reverted).toEqual([...summary.batchIds].reverse());
    expect(remaining).toEqual([1, 0]);
    expect(out.sheetRows).toBe(2_500);
    const body = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    expect(body.every((r) => r[ID_COL] === '' && r[VERSION_COL] === '' && r[RESULT_COL] === REVERTED_RESULT)).toBe(true);
    expect(fake.sheet('Члены профсоюза').values(`${letter(0)}2`)[0][0]).not.toBe('');
  });
});

describe('without the member sheet', () => {
  it('«Проверить» and «Отправить» say which button creates it', async () => {
    const fake = new FakeExcel();
    const { fetch, state } = fakeRegistry();
    const { d } = deps(fake, fetch);
    await expect(checkSheet(d, quiet)).rejects.toThrow(NO_MEMBER_SHEET);
    await expect(new PushRun(d, 1, false).run(quiet)).rejects.toThrow(NO_MEMBER_SHEET);
    expect(state.requests).toBe(0);
  });
});

describe('checking and loading 10,000 rows', () => {
  it('«Проверить» reads, checks and marks in a constant few syncs per chunk', async () => {
    const fake = await sheetWithNewRows(10_000);
    // Break a few rows.
    const sheet = fake.sheet('Члены профсоюза');
    sheet.setValues('F3', [['112-233-445 96']]);
    sheet.setValues('J4', [['']]);
    const { fetch } = fakeRegistry();
    const { d, excel } = deps(fake, fetch);
    const out = await checkSheet(d, quiet);
    console.log(`[measure] check 10,000 rows: ${fake.syncCount} context.sync() calls in ${excel.runs} Excel.run batches`);
    expect(out.checked).toBe(10_000);
    expect(out.issues.map((i) => `${i.row}:${i.field}`)).toEqual(expect.arrayContaining(['3:snils', '4:category']));
    expect(sheet.fill('F3')).toBe('#FFC7CE');
    expect(fake.syncCount).toBeLessThanOrEqual(20);
  }, 60_000);

  it('«Проверить» while the chair sorts the table: the marks and the list follow the person', async () => {
    const fake = new FakeExcel();
    await createMemberSheet(fake.context);
    const width = fake.table(MEMBER_TABLE_NAME)!.headers.length;
    const person = (surname: string, category: string) => {
      const r: string[] = new Array(width).fill('');
      r[0] = surname;
      r[1] = 'Анна';
      r[MEMBER_COLUMNS.findIndex((c) => c.key === 'birthDate')] = '01.01.1980';
      r[MEMBER_COLUMNS.findIndex((c) => c.key === 'category')] = category;
      return r;
    };
    fake.sheet('Члены профсоюза').setValues('A2', [person('Яблокова', '')]);
    fake.insertTableRows(MEMBER_TABLE_NAME, 3, [person('Абрикосова', 'Работник'), person('Вишнева', 'Работник')]);
    const { fetch } = fakeRegistry();
    const { d } = deps(fake, fetch);
    let runs = 0;
    const sortingExcel: MemberOpsDeps['excel'] = async (op) => {
      // between reading the sheet and marking it, the chair sorts А→Я: «Яблокова» moves from row 2 to row 4
      if (runs++ === 1) fake.sortTable(MEMBER_TABLE_NAME, (a, b) => String(a[0]).localeCompare(String(b[0]), 'ru'));
      return d.excel(op);
    };
    const out = await checkSheet({ ...d, excel: sortingExcel }, quiet);
    expect(out.issues.map((i) => `${i.row}:${i.field}`)).toEqual(['4:category']);
    const catCol = String.fromCharCode(65 + MEMBER_COLUMNS.findIndex((c) => c.key === 'category'));
    const sheet = fake.sheet('Члены профсоюза');
    expect(sheet.values('A4')).toEqual([['Яблокова']]);
    expect(sheet.fill(`${catCol}4`)).toBe('#FFC7CE');
    expect(sheet.fill(`${catCol}2`)).toBeNull();
  });

  it('«Загрузить из реестра» pulls every page (with subtree) and writes the sheet', async () => {
    const fake = new FakeExcel();
    const { fetch, state } = fakeRegistry();
    const rows = syntheticRegistryRows(2_500, 3);
    state.pages = [
      { items: rows.slice(0, 1000).map((r) => ({ ...r, data: {} })), nextCursor: 'a' },
      { items: rows.slice(1000, 2000).map((r) => ({ ...r, data: {} })), nextCursor: 'b' },
      { items: rows.slice(2000).map((r) => ({ ...r, data: {} })), nextCursor: null },
    ];
    const urls: string[] = [];
    const { d } = deps(fake, (url, init) => {
      urls.push(url);
      return fetch(url, init);
    });
    const n = await pullToSheet(d, 9, quiet);
    expect(n).toBe(2_500);
    expect(urls.every((u) => u.includes('subtree=1'))).toBe(true);
    expect(urls).toHaveLength(3);
    expect(fake.table(MEMBER_TABLE_NAME)!.bodyRowCount).toBe(2_500);
    expect(fake.table(MEMBER_TABLE_NAME)!.bodyValues()[0][ID_COL]).toBe(rows[0].id);
  });
});
