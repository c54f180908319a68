import { MEMBER_COLUMNS, MEMBER_TABLE_NAME } from '../../domain/members/columns';
import { BASELINE_CAPABILITIES } from '../excel/capabilities';
import { createMemberSheet, readMemberRows, writeMembersFromRegistry, type RegistryRow } from '../excel/member-sheet';
import { SheetError } from '../excel/sheet-utils';
import { syntheticRegistryRows } from '../excel/test-data';
import { FakeExcel } from '../excel/test-fakes';
import { refreshMemberRows, type RegistryMember } from './excel-member-rows';

const idx = (key: string): number => MEMBER_COLUMNS.findIndex((c) => c.key === key);

async function sheetWith(rows: RegistryRow[]): Promise<FakeExcel> {
  const fake = new FakeExcel();
  await createMemberSheet(fake.context);
  await writeMembersFromRegistry(fake.context, rows, { caps: BASELINE_CAPABILITIES });
  fake.resetCounters();
  return fake;
}

/** The registry's answer after consents were given to `row`: new version, the three consents dated. */
function given(row: RegistryRow): RegistryMember {
  return {
    id: row.id,
    version: row.version + 1,
    cells: { ...(row.cells as RegistryMember['cells']), consentUnion: 'Дано', consentUnionDate: '05.03.2021', consentOperator: 'Дано', consentOperatorDate: '05.03.2021', consentNotify: 'Отказ', consentNotifyDate: '05.03.2021', cardStatus: 'Заказан' },
  };
}

describe('refreshMemberRows', () => {
  test('writes the action columns, the version and «Результат» of the rows found by id; other rows stay; the next push sees them unchanged', async () => {
    const rows = syntheticRegistryRows(12);
    const fake = await sheetWith(rows);
    // The chair sorted the sheet: row order no longer follows the registry's.
    const t0 = fake.table(MEMBER_TABLE_NAME)!;
    const before = t0.bodyValues();
    const reversed = [...before].reverse();
    fake.sheet(t0.sheetName).setValues(`A${t0.firstBodyRow}`, reversed);
    // … and edited row of member 9 (not yet sent).
    const m9 = reversed.findIndex((r) => r[idx('id')] === rows[8].id);
    fake.sheet(t0.sheetName).setValues(`C${t0.firstBodyRow + m9}`, [['Изменённое']]);

    const targets = [rows[2], rows[8], rows[10]].map(given);
    const rep = await refreshMemberRows(fake.context, targets, { resultText: () => 'Согласия отмечены' });
    expect(rep).toMatchObject({ rows: 3, missing: [], clean: 2 });
    // one look at the table, one read, one write, the store (read + rewrite)
    expect(rep.syncs).toBeLessThanOrEqual(6);

    const body = fake.table(MEMBER_TABLE_NAME)!.bodyValues();
    for (const m of targets) {
      const r = body.find((x) => x[idx('id')] === m.id)!;
      expect(r[idx('consentUnion')]).toBe('Дано');
      expect(r[idx('consentNotify')]).toBe('Отказ');
      expect(typeof r[idx('consentUnionDate')]).toBe('number'); // a date serial, as the sheet keeps dates
      expect(r[idx('cardStatus')]).toBe('Заказан');
      expect(r[idx('version')]).toBe(m.version);
      expect(r[MEMBER_COLUMNS.length]).toBe('Согласия отмечены');
    }
    // the unsent edit survives
    expect(body.find((x) => x[idx('id')] === rows[8].id)![idx('patronymic')]).toBe('Изменённое');
    // untouched rows are as they were
    const other = body.find((x) => x[idx('id')] === rows[0].id)!;
    expect(other).toEqual(before.find((x) => x[idx('id')] === rows[0].id));

    // «Отправить» (only changed rows): the two refreshed clean rows are not sent again; the edited one is, with the new version.
    const changed = await readMemberRows(fake.context, { onlyChanged: true });
    expect(changed.rows.map((r) => r.id)).toEqual([rows[8].id]);
    expect(changed.rows[0].version).toBe(rows[8].version + 1);
  });

  test('members not on the sheet are reported; no table is a message with what to do', async () => {
    const rows = syntheticRegistryRows(3);
    const fake = await sheetWith(rows);
    const rep = await refreshMemberRows(fake.context, [given(rows[0]), { id: '00000000-0000-4000-8000-0000000000ff', version: 2, cells: {} }]);
    expect(rep.rows).toBe(1);
    expect(rep.missing).toEqual(['00000000-0000-4000-8000-0000000000ff']);

    const empty = new FakeExcel();
    const err = await refreshMemberRows(empty.context, [given(rows[0])]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SheetError);
    expect((err as SheetError).message).toMatch(/Загрузить из реестра/);
  });
});
