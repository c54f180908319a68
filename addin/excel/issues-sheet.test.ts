/** «Ошибки проверки»: the full list on a sheet of its own, replaced each time, within the payload cap. */
import { ISSUES_SHEET_NAME, writeIssuesSheet } from './issues-sheet';
import { PAYLOAD_CAP_BYTES } from './sheet-utils';
import { FakeExcel } from './test-fakes';

test('20,000 problems go onto the sheet in chunks; a second report replaces the first', async () => {
  const fake = new FakeExcel();
  const rows = Array.from({ length: 20_000 }, (_, i) => ({ row: i + 2, column: 'Телефон', message: 'номер должен состоять из 11 цифр и начинаться с +7 или 8 — исправьте его или оставьте ячейку пустой' }));
  const rep = await writeIssuesSheet(fake.context, rows);
  expect(rep.rows).toBe(20_000);
  for (const s of fake.syncs) expect(s.requestBytes).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
  const sheet = fake.sheet(ISSUES_SHEET_NAME);
  expect(sheet.values('A1:C2')).toEqual([
    ['Строка', 'Столбец', 'Что не так'],
    [2, 'Телефон', rows[0].message],
  ]);
  expect(sheet.values('A20001:A20001')).toEqual([[20_001]]);
  expect(fake.activeSheetName).toBe(ISSUES_SHEET_NAME);

  await writeIssuesSheet(fake.newContext(), [{ row: 7, column: 'СНИЛС', message: 'неверная контрольная сумма' }]);
  expect(fake.sheetNames().filter((n) => n === ISSUES_SHEET_NAME)).toHaveLength(1);
  expect(fake.sheet(ISSUES_SHEET_NAME).values('A2:C3')).toEqual([
    [7, 'СНИЛС', 'неверная контрольная сумма'],
    ['', '', ''],
  ]);
});
