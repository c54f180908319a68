/**
 * The same operations against Microsoft's office-addin-mock: a context built from a plain object,
 * no globals patched. It checks that the operations only load what they read and sync before reading.
 */
import { OfficeMockObject } from 'office-addin-mock';
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, RESULT_HEADER } from '../../domain/members/columns';
import { detectCapabilities } from './capabilities';
import { readSelectedRowNumbers, selectCell } from './member-sheet';

// office-addin-mock needs only the OfficeApp host names from office-addin-manifest, whose own
// dependencies include an ES module jest's CommonJS loader cannot load on Node 20. The names are
// given here (the same strings as office-addin-manifest's OfficeApp enum).
jest.mock('office-addin-manifest', () => ({
  OfficeApp: { Excel: 'excel', OneNote: 'onenote', Outlook: 'outlook', PowerPoint: 'powerpoint', Project: 'project', Word: 'word' },
}));

const HEADERS = [...MEMBER_COLUMNS.map((c) => c.header), RESULT_HEADER];

/** An office-addin-mock Excel context with the member table at A1 (10 body rows) and a selection. */
function mockContext(selectionAddress: string): { context: Excel.RequestContext; mock: OfficeMockObject & Record<string, unknown>; syncs: () => number } {
  const data = {
    context: {
      workbook: {
        tables: {
          table: {
            headerRange: { values: [HEADERS], rowIndex: 0, columnIndex: 0, columnCount: HEADERS.length },
            bodyRange: { rowIndex: 1, rowCount: 10 },
            worksheet: {
              name: MEMBER_SHEET_NAME,
              selected: '',
              activated: false,
              activate: function (this: { activated: boolean }) {
                this.activated = true;
              },
              getRange: function (this: { selectedAddress: string }, address: string) {
                return { select: () => (this.selectedAddress = address) };
              },
              // the visible rows of a block (no row is hidden here): Range.getVisibleView().cellAddresses
              getRangeByIndexes: (row: number, _col: number, rows: number) => ({
                getVisibleView: () => {
                  const view = { cellAddresses: Array.from({ length: rows }, (_, i) => [`'${MEMBER_SHEET_NAME}'!A${row + i + 1}`]), load: () => view };
                  return view;
                },
              }),
            },
            getHeaderRowRange: function (this: { headerRange: unknown }) {
              return this.headerRange;
            },
            getDataBodyRange: function (this: { bodyRange: unknown }) {
              return this.bodyRange;
            },
          },
          getItem: function (this: { table: unknown }) {
            return this.table;
          },
        },
        selection: { address: selectionAddress },
        getSelectedRange: function (this: { selection: unknown }) {
          return this.selection;
        },
      },
    },
  };
  const mock = new OfficeMockObject(data) as OfficeMockObject & Record<string, unknown>;
  const ctx = mock.context as unknown as { sync: () => Promise<void> };
  let count = 0;
  const sync = ctx.sync.bind(ctx);
  ctx.sync = async () => {
    count++;
    await sync();
  };
  return { context: ctx as unknown as Excel.RequestContext, mock, syncs: () => count };
}

describe('with office-addin-mock', () => {
  test('detectCapabilities asks Office for each requirement set', () => {
    const office = new OfficeMockObject({
      context: {
        requirements: {
          isSetSupported: (name: string, version: string) => name === 'ExcelApi' && Number(version.split('.')[1]) <= 12,
        },
      },
    }) as unknown as { context: { requirements: { isSetSupported: (n: string, v: string) => boolean } } };
    expect(detectCapabilities((n, v) => office.context.requirements.isSetSupported(n, v))).toEqual({
      rangeAreas: true,
      comments: true,
      tableResize: false,
      notes: false,
      mergedAreas: false,
    });
    expect(detectCapabilities(() => {
      throw new Error('old Office');
    })).toEqual({ rangeAreas: false, comments: false, tableResize: false, notes: false, mergedAreas: false });
  });

  test('readSelectedRowNumbers: two syncs (the selection, then its visible rows), rows of the selection inside the body', async () => {
    const { context, syncs } = mockContext(`'${MEMBER_SHEET_NAME}'!C1:E4`);
    expect(await readSelectedRowNumbers(context)).toEqual([2, 3, 4]);
    expect(syncs()).toBe(2);
  });

  test('readSelectedRowNumbers: a selection on another sheet gives no rows', async () => {
    const { context } = mockContext('Лист1!A2:A5');
    expect(await readSelectedRowNumbers(context)).toEqual([]);
  });

  test('selectCell activates the sheet and selects the field cell', async () => {
    const { context, mock, syncs } = mockContext('A1');
    const address = await selectCell(context, 7, 'phone');
    const col = String.fromCharCode(65 + MEMBER_COLUMNS.findIndex((c) => c.key === 'phone'));
    expect(address).toBe(`${col}7`);
    const ws = ((mock.context as Record<string, unknown>).workbook as { tables: { table: { worksheet: { selectedAddress: string; activated: boolean } } } }).tables.table.worksheet;
    expect(ws.selectedAddress).toBe(`${col}7`);
    expect(ws.activated).toBe(true);
    expect(syncs()).toBe(2);
  });
});
