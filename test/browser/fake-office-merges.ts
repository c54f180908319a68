/**
 * Runs in the page after test/browser/fake-office.ts and adds merged cells to its fake Excel:
 * `Range.merge(across)` and `Range.getMergedAreasOrNullObject()` (ExcelApi 1.13). Imitated from
 * Microsoft Learn, «Excel.Range class»: merge() makes one merged area of the range (Excel keeps the
 * upper-left cell's value); getMergedAreasOrNullObject() returns the merged areas that intersect the
 * range as a RangeAreas (`areas.items` with rowIndex/columnIndex/rowCount/columnCount), or a null
 * object when there are none. A copy-paste from another workbook keeps merged cells, so a pasted list
 * has them. Like the rest of the fake, nothing happens before `context.sync()`; below ExcelApi 1.13
 * (window.__excelApiVersion) that sync fails with ApiNotFound, as a real older Excel does.
 */
export {};

interface Rect {
  row: number;
  col: number;
  rows: number;
  cols: number;
}
interface RangeRef {
  sheet: { __merges?: Rect[] };
  rect: Rect;
}
interface Actable {
  _act(args: unknown, run: (ref: RangeRef) => void): void;
}
interface Win {
  __fakeHost?: { excel: { newContext(): unknown } };
}

const intersects = (a: Rect, b: Rect) => a.row < b.row + b.rows && b.row < a.row + a.rows && a.col < b.col + b.cols && b.col < a.col + a.cols;

function install(): void {
  const host = (globalThis as unknown as Win).__fakeHost;
  if (!host) throw new Error('fake-office-merges: load fake-office.ts first');
  const ctx = host.excel.newContext() as { workbook: { worksheets: { getItem(n: string): { getRange(a: string): unknown } } } };
  const RANGE = Object.getPrototypeOf(ctx.workbook.worksheets.getItem('__prototype_probe__').getRange('A1')) as object;

  Object.defineProperty(RANGE, 'merge', {
    configurable: true,
    value(this: Actable, across = false) {
      this._act({ merge: across }, (ref) => {
        const merges = (ref.sheet.__merges ??= []);
        if (across) for (let r = 0; r < ref.rect.rows; r++) merges.push({ row: ref.rect.row + r, col: ref.rect.col, rows: 1, cols: ref.rect.cols });
        else merges.push({ ...ref.rect });
      });
    },
  });

  Object.defineProperty(RANGE, 'unmerge', {
    configurable: true,
    value(this: Actable) {
      this._act({ unmerge: true }, (ref) => {
        ref.sheet.__merges = (ref.sheet.__merges ?? []).filter((m) => !intersects(m, ref.rect));
      });
    },
  });

  Object.defineProperty(RANGE, 'getMergedAreasOrNullObject', {
    configurable: true,
    value(this: Actable) {
      let found: Rect[] | null = null;
      const act = this._act.bind(this);
      const areas = {
        load() {
          act({ loadMergedAreas: true }, (ref) => {
            // Office.js defines the method on every host; an Excel below ExcelApi 1.13 rejects the whole
            // request at sync with ApiNotFound (Microsoft Learn, «Error handling with the application-
            // specific JavaScript APIs»: «The API you are trying to use could not be found…»).
            const office = (globalThis as unknown as { Office: { context: { requirements: { isSetSupported(n: string, v: string): boolean } } } }).Office;
            if (!office.context.requirements.isSetSupported('ExcelApi', '1.13')) {
              throw Object.assign(new Error('The API you are trying to use could not be found. It may be available in a newer version of Excel.'), { code: 'ApiNotFound' });
            }
            found = (ref.sheet.__merges ?? []).filter((m) => intersects(m, ref.rect));
          });
          return areas;
        },
        get isNullObject() {
          return !found || found.length === 0;
        },
        get areas() {
          return { items: (found ?? []).map((m) => ({ rowIndex: m.row, columnIndex: m.col, rowCount: m.rows, columnCount: m.cols })) };
        },
      };
      return areas;
    },
  });
}

install();
