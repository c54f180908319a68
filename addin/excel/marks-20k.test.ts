/**
 * 20,000 marks on the sheet (issue 14, item 6): notes are loaded page by page and deleted in bounded
 * requests, at most MARK_NOTES_CAP new ones are added, and no request or response of a check, a
 * push's write-back, «Очистить отметки» or a load from the registry goes over Excel on the web's
 * ~5 MB — where loading them all in one request (as before) is refused. Never a lock-out.
 */
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, MEMBER_TABLE_NAME } from '../../domain/members/columns';
import type { ExcelCapabilities } from './capabilities';
import { MARK_PREFIX } from './marks';
import { clearMarks, createMemberSheet, MARK_NOTES_CAP, markValidationErrors, writeMembersFromRegistry, writeSyncResults } from './member-sheet';
import { columnLetter, PAYLOAD_CAP_BYTES } from './sheet-utils';
import { syntheticRegistryRows } from './test-data';
import { FakeExcel } from './test-fakes';
import { orderedSteps } from '../../test/support/ordered-steps';

const N = 20_000;
const ALL: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: true, comments: true };
const COMMENTS_ONLY: ExcelCapabilities = { rangeAreas: true, tableResize: true, notes: false, comments: true };
const PHONE = columnLetter(MEMBER_COLUMNS.findIndex((c) => c.key === 'phone'));
/** A long message of the kind the server words (about 250 Cyrillic letters, ~500 bytes of UTF-8). */
const LONG = 'Телефон: номер должен состоять из 11 цифр и начинаться с +7 или 8; сейчас в ячейке другое. Исправьте номер, например +7 912 345-67-89, или оставьте ячейку пустой, если телефона нет. Если номер правильный — проверьте, не попали ли в ячейку лишние буквы или пробелы.';

function expectEverySyncWithinCap(fake: FakeExcel): void {
  expect(fake.syncs.length).toBeGreaterThan(0);
  for (const s of fake.syncs) {
    expect(s.requestBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
    expect(s.responseBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
  }
}

describe.each([
  ['notes', ALL],
  ['threaded comments', COMMENTS_ONLY],
])('20,000 marks (%s)', (_kind, caps) => {
  const fake = new FakeExcel();
  const errors = Array.from({ length: N }, (_, i) => ({ row: i + 2, field: 'phone' as const, message: LONG }));

  beforeAll(async () => {
    await createMemberSheet(fake.context);
    await writeMembersFromRegistry(fake.context, syntheticRegistryRows(N, 5), { caps });
    // A workbook from before the cap (or marked by hand): 20,000 of our notes/comments, ~10 MB of text.
    const sheet = fake.sheet(MEMBER_SHEET_NAME);
    for (let i = 0; i < N; i++) {
      if (caps.notes) sheet.setNote(`${PHONE}${i + 2}`, `${MARK_PREFIX}${LONG}`);
      else (fake._model.findSheet(MEMBER_SHEET_NAME)!.comments as Map<number, { id: string; content: string }>).set((i + 1) * 16_384 + MEMBER_COLUMNS.findIndex((c) => c.key === 'phone'), { id: `c${i}`, content: `${MARK_PREFIX}${LONG}` });
    }
  });

  // One story on one workbook: the marks are there, then a check replaces them, then the rest works (test/support/ordered-steps.ts).
  const step = orderedSteps({ before: () => fake.resetCounters() });

  step('loading them all in one request is refused — the lock-out the paging avoids', async () => {
    const ctx = fake.newContext();
    const sheet = ctx.workbook.worksheets.getItem(MEMBER_SHEET_NAME);
    (caps.notes ? sheet.notes : sheet.comments).load('items/content');
    await expect(ctx.sync()).rejects.toMatchObject({ code: 'ResponsePayloadSizeLimitExceeded' });
  });

  step('«Проверить» with 20,000 errors: old marks found page by page, new notes capped, every sync within 5 MB', async () => {
    const report = await markValidationErrors(fake.newContext(), errors, { caps });
    expectEverySyncWithinCap(fake);
    expect(report.errorCells).toBe(N);
    expect(report.notesDeleted).toBe(N);
    expect(report.notesAdded).toBe(MARK_NOTES_CAP);
    expect(report.notesCapped).toBe(N - MARK_NOTES_CAP);
    const sheet = fake.sheet(MEMBER_SHEET_NAME);
    expect(caps.notes ? sheet.notesCount() : sheet.commentsCount()).toBe(MARK_NOTES_CAP);
    // the first N rows carry the note; every error cell is red and every row says why in «Результат»
    expect(caps.notes ? sheet.note(`${PHONE}2`) : sheet.comment(`${PHONE}2`)).toBe(`${MARK_PREFIX}${LONG}`);
    expect(sheet.fill(`${PHONE}${N + 1}`)).toBe('#FFC7CE');
    console.log(`[measure] 20,000 marks (${_kind}): ${fake.syncCount} syncs, largest request ${fake.maxRequestBytes} B, largest response ${fake.maxResponseBytes} B`);
  });

  step('a push write-back, «Очистить отметки» and a load from the registry all work with the marks there', async () => {
    const results = errors.map((e) => ({ row: e.row, outcome: 'error' as const, errors: [{ field: 'phone' as const, message: LONG }] }));
    await writeSyncResults(fake.newContext(), results, { caps });
    expectEverySyncWithinCap(fake);
    fake.resetCounters();
    const cleared = await clearMarks(fake.newContext(), { caps });
    expectEverySyncWithinCap(fake);
    expect(cleared.notesDeleted).toBe(MARK_NOTES_CAP);
    fake.resetCounters();
    await writeMembersFromRegistry(fake.newContext(), syntheticRegistryRows(10, 6), { caps });
    expectEverySyncWithinCap(fake);
    expect(fake.table(MEMBER_TABLE_NAME)!.bodyRowCount).toBe(10);
  });
});
