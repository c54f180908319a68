import { MEMBER_TABLE_NAME } from '../../domain/members/columns';
import { ApiClient, type FetchLike } from '../api/client';
import { BASELINE_CAPABILITIES } from '../excel/capabilities';
import { createMemberSheet, writeMembersFromRegistry } from '../excel/member-sheet';
import { SheetError } from '../excel/sheet-utils';
import { syntheticRegistryRows } from '../excel/test-data';
import { FakeExcel } from '../excel/test-fakes';
import { fetchMembers, memberLabel, NO_SHEET, NOTHING_SELECTED, nothingSelected, ONE_BY_ONE_MAX, readSelection, selectionScope, tickConsents, writeBack, type ActionDeps } from './member-actions';
import type { Reporter } from './activity';

const quiet: Reporter = { progress: () => undefined, indeterminate: () => undefined };

function api(handler: (url: string, body: unknown) => unknown) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetch: FetchLike = async (url, init) => {
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: String(init.method), body });
    return new Response(JSON.stringify(handler(url, body)), { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { c: new ApiClient({ fetch, retry: { retries: 0, delayMs: () => 0 }, sleep: async () => undefined }), calls };
}

async function workbook(n: number): Promise<{ fake: FakeExcel; deps: (c: ApiClient) => ActionDeps }> {
  const fake = new FakeExcel();
  await createMemberSheet(fake.context);
  await writeMembersFromRegistry(fake.context, syntheticRegistryRows(n), { caps: BASELINE_CAPABILITIES });
  return { fake, deps: (c) => ({ api: c, excel: (op) => op(fake.newContext()), caps: { rangeAreas: true, tableResize: true, notes: true, comments: true } }) };
}

describe('readSelection', () => {
  test('the selected rows with ids and names; rows without an id are reported as unsent; two rows of one member count once', async () => {
    const { fake, deps } = await workbook(6);
    const t = fake.table(MEMBER_TABLE_NAME)!;
    const sheet = fake.sheet(t.sheetName);
    // row 4 was never sent (no id); row 6 carries the id of row 5
    sheet.setValues(`${String.fromCharCode(65 + t.headers.indexOf('ID в реестре'))}4`, [['']]);
    const id5 = String(t.bodyValues()[3][t.headers.indexOf('ID в реестре')]);
    sheet.setValues(`${String.fromCharCode(65 + t.headers.indexOf('ID в реестре'))}6`, [[id5]]);
    fake.setSelection(t.sheetName, 'A3:B6');
    const sel = await readSelection(deps(api(() => ({})).c));
    expect(sel.members.map((m) => m.row)).toEqual([3, 5]);
    expect(sel.unsent).toEqual([4]);
    const first = t.bodyValues()[1];
    expect(sel.members[0].name).toBe([first[0], first[1], first[2]].filter(Boolean).join(' '));
    expect(memberLabel(sel, sel.members[0].id)).toBe(`Строка 3, ${sel.members[0].name}`);
    expect(memberLabel(sel, 'unknown')).toBe('Член Профсоюза не на листе');
  });

  test('a filtered table: only visible selected rows count; the hidden ones are counted and named in the scope sentence', async () => {
    const { fake, deps } = await workbook(8);
    let i = 0;
    fake.filterTable(MEMBER_TABLE_NAME, () => i++ % 2 === 0); // rows 2, 4, 6, 8 visible
    const t = fake.table(MEMBER_TABLE_NAME)!;
    fake.setSelection(t.sheetName, 'A2:C7');
    const sel = await readSelection(deps(api(() => ({})).c));
    expect(sel.members.map((m) => m.row)).toEqual([2, 4, 6]);
    expect(sel.hidden).toBe(3);
    expect(selectionScope(sel)).toBe('Учтены только видимые выделенные строки: 3. Скрытых фильтром строк не учтено: 3 — чтобы включить их, снимите фильтр и выделите снова.');
    fake.setSelection(t.sheetName, 'A3');
    const hiddenOnly = await readSelection(deps(api(() => ({})).c));
    expect(hiddenOnly.members).toEqual([]);
    expect(nothingSelected(hiddenOnly)).toMatch(/^Все выделенные строки с членами Профсоюза \(1\) скрыты фильтром/);
    fake.filterTable(MEMBER_TABLE_NAME, null);
    const all = await readSelection(deps(api(() => ({})).c));
    expect(all.hidden).toBe(0);
    expect(selectionScope(all)).toBe('');
    expect(nothingSelected({ hidden: 0 })).toBe(NOTHING_SELECTED);
  });

  test('a selection outside the table selects nothing; no sheet says where to get it', async () => {
    const { fake, deps } = await workbook(3);
    fake.setSelection('Лист1', 'A1');
    expect((await readSelection(deps(api(() => ({})).c))).members).toEqual([]);
    const empty = new FakeExcel();
    const err = await readSelection({ api: api(() => ({})).c, excel: (op) => op(empty.newContext()), caps: BASELINE_CAPABILITIES }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SheetError);
    expect((err as Error).message).toBe(NO_SHEET);
  });
});

describe('tickConsents', () => {
  test('sends the action in parts of at most 2 000 and adds the answers up', async () => {
    const ids = Array.from({ length: 4500 }, (_, i) => `id-${i}`);
    const { c, calls } = api((_url, body) => {
      const b = body as { memberIds: string[] };
      return { counts: { updated: b.memberIds.length, unchanged: 0, error: 0 }, results: b.memberIds.map((memberId) => ({ memberId, outcome: 'updated', version: 2 })) };
    });
    const res = await tickConsents(c, 9, ids, { union: { state: 'given', date: '2026-03-01' } }, quiet);
    expect(calls.map((x) => (x.body as { memberIds: string[] }).memberIds.length)).toEqual([2000, 2000, 500]);
    expect(calls[0]).toMatchObject({ url: '/api/v1/organisations/9/members/actions', method: 'POST', body: { action: 'consents', consents: { union: { state: 'given', date: '2026-03-01' } } } });
    expect(res.counts.updated).toBe(4500);
    expect(res.results).toHaveLength(4500);
  });
});

describe('fetchMembers and writeBack', () => {
  test('a few members one by one, many through the organisation list; then their rows are updated on the sheet', async () => {
    const rows = syntheticRegistryRows(ONE_BY_ONE_MAX + 5);
    const record = (i: number) => ({ id: rows[i].id, version: rows[i].version + 1, cells: { ...rows[i].cells, cardStatus: 'Заказан' } });
    const { c, calls } = api((url) => {
      const one = /\/members\/([^/?]+)$/.exec(url);
      if (one) return record(rows.findIndex((r) => r.id === decodeURIComponent(one[1])));
      return { items: rows.map((_, i) => record(i)), nextCursor: null };
    });
    const few = await fetchMembers(c, 3, [rows[0].id, rows[1].id, rows[0].id]);
    expect(few.map((m) => m.id).sort()).toEqual([rows[0].id, rows[1].id].sort());
    expect(calls.every((x) => /\/api\/v1\/members\//.test(x.url))).toBe(true);
    calls.length = 0;
    const many = await fetchMembers(c, 3, rows.slice(0, ONE_BY_ONE_MAX + 1).map((r) => r.id));
    expect(many).toHaveLength(ONE_BY_ONE_MAX + 1);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/v1/organisations/3/members?limit=1000&subtree=1');

    const { fake, deps } = await workbook(ONE_BY_ONE_MAX + 5);
    const rep = await writeBack(deps(c), 3, [rows[2].id], 'ЭПБ заказан', quiet);
    expect(rep).toMatchObject({ rows: 1, missing: [] });
    const t = fake.table(MEMBER_TABLE_NAME)!;
    const r = t.bodyValues().find((x) => x[t.headers.indexOf('ID в реестре')] === rows[2].id)!;
    expect(r[t.headers.indexOf('Статус ЭПБ')]).toBe('Заказан');
    expect(r[t.headers.indexOf('Версия')]).toBe(rows[2].version + 1);
    expect(r[t.headers.indexOf('Результат')]).toBe('ЭПБ заказан');
  });
});
