/**
 * For tests: the part of an Excel workbook that addin/excel uses, described as office-addin-mock
 * data (Microsoft's `OfficeMockObject`), so the add-in's real code paths run against the mock's own
 * load/sync rules rather than against our hand-written fake (test-fakes.ts).
 *
 * How office-addin-mock works (node_modules/office-addin-mock/lib/officeMockObject.js): a plain data
 * object becomes a tree of mock objects; functions in the data become methods; every other value is
 * a property that reads as "Error, property was not loaded" until `load()` names it, then as
 * "Error, context.sync() was not called" until `context.sync()` walks the tree and resolves it.
 * Property assignments are plain JavaScript assignments; nothing is "queued".
 *
 * What this file adds, and why each piece is needed:
 * - A workbook model (sheets of cells with values, number formats and fills; tables; notes;
 *   validation rules; column widths) that outlives one request context, as Excel's does.
 * - Excel objects made on demand (`getRangeByIndexes`, `getItem`, `notes.add`, …): the mock builds an
 *   object only from data given up front, so each method builds a new mock object from data and
 *   attaches it under `context.objects` — that is what lets the mock's own `context.sync()` reach it
 *   and resolve what was loaded on it.
 * - `load()` first copies the current model values of the named properties into the mock (its
 *   private `setValue`), then calls the mock's own `load`: the value therefore becomes readable only
 *   after the next `context.sync()`, as in Office.js, and reflects everything queued before the load.
 * - Writes (`range.values = …`, `range.format.fill.color = …`) go through a Proxy and are applied
 *   to the model at once, in call order; a property the model does not know fails loudly. Applying
 *   at once instead of at sync is equivalent for reads, because every read goes through `load()`,
 *   which looks at the model after all earlier writes.
 * - Every `context.sync()` is counted, with the bytes written (JSON of values, formats and method
 *   arguments) and read (JSON of loaded values) in its batch.
 *
 * Modelled as Excel does it: `values` must match the range's shape, `null` leaves a cell unchanged,
 * a number typed as text into a cell that is not text-formatted ('@') becomes a number (so "0123"
 * loses its zero, as it would in Excel); `numberFormat` is either one value for the whole range or
 * one per cell; tables keep one body row at least; `rows.add` appends and copies the number formats
 * of the row above; `delete('Up')` shifts cells and notes up and shrinks the table; a cell has one
 * note at most; `getRanges` takes at most 255 characters of addresses; `getItem` of a missing item
 * fails at once (Office.js fails at the next sync — the add-in's ItemNotFound handling is covered by
 * the FakeExcel tests). Not modelled: formulas, styles beyond fills/bold, comments (the tests pass
 * `notes: true`), `table.columns.add`.
 */
import { OfficeMockObject } from 'office-addin-mock';
import { jsonBytes, MAX_SHEET_ROWS, parseAddress, rangeAddress, type Area } from './sheet-utils';

type Scalar = string | number | boolean;

/** The mock's members we call that its .d.ts marks private (they are plain methods in its JavaScript). */
interface MockInternals {
  addMock(name: string): void;
  populate(data: object): void;
  setValue(name: string, value: unknown): void;
  load(arg?: unknown): unknown;
  sync(): Promise<void>;
  _properties: Map<string, unknown>;
  [key: string]: unknown;
}

const NOT_LOADED = 'Error, property was not loaded';
const NOT_SYNCED = 'Error, context.sync() was not called';
const isMockError = (v: unknown): boolean => v === NOT_LOADED || v === NOT_SYNCED;
const protoLoad = OfficeMockObject.prototype.load as (this: unknown, arg?: unknown) => unknown;

/** An Office.js-like error (`code` as in RichApi errors). */
export class MockHostError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RichApi.Error';
  }
}

const fail = (code: string, message: string): never => {
  throw new MockHostError(code, `office-addin-mock host: ${message}`);
};

// ------------------------------------------------------------------ the workbook model

interface Cell {
  v: Scalar;
  nf?: string;
  fill?: string;
  bold?: boolean;
}

export interface NoteModel {
  row: number;
  col: number;
  content: string;
}

interface ValidationLayer {
  rect: Area;
  cleared?: boolean;
  rule?: unknown;
  errorAlert?: unknown;
  prompt?: unknown;
}

export class MockSheet {
  visibility: 'Visible' | 'Hidden' | 'VeryHidden' = 'Visible';
  /** grid[row][col], 0-based; absent = empty, General. */
  readonly grid: (Cell | undefined)[][] = [];
  notes: NoteModel[] = [];
  readonly validation: ValidationLayer[] = [];
  readonly widths = new Map<number, number>();
  readonly hiddenColumns = new Set<number>();
  frozenRows = 0;

  constructor(readonly name: string) {}

  cell(row: number, col: number): Cell | undefined {
    return this.grid[row]?.[col];
  }

  ensure(row: number, col: number): Cell {
    const line = (this.grid[row] ??= []);
    return (line[col] ??= { v: '' });
  }

  read(rect: Area): Scalar[][] {
    if (rect.rows >= MAX_SHEET_ROWS) fail('InvalidArgument', 'values of whole columns are not loaded');
    const out: Scalar[][] = [];
    for (let r = 0; r < rect.rows; r++) {
      const line = this.grid[rect.row + r];
      const row: Scalar[] = new Array(rect.cols);
      for (let c = 0; c < rect.cols; c++) row[c] = line?.[rect.col + c]?.v ?? '';
      out.push(row);
    }
    return out;
  }

  numberFormatAt(row: number, col: number): string {
    return this.cell(row, col)?.nf ?? 'General';
  }

  /** Every cell of `rect` that exists (whole columns stay cheap). */
  *cellsIn(rect: Area): Generator<[number, number, Cell]> {
    const end = Math.min(rect.row + rect.rows, this.grid.length);
    for (let r = rect.row; r < end; r++) {
      const line = this.grid[r];
      if (!line) continue;
      for (let c = rect.col; c < rect.col + rect.cols && c < line.length; c++) {
        const cell = line[c];
        if (cell) yield [r, c, cell];
      }
    }
  }

  /** The validation that applies to a cell, by A1 address ("C2"). */
  validationAt(address: string): { rule?: unknown; errorAlert?: unknown; prompt?: unknown } | undefined {
    const a = parseAddress(address).areas[0];
    for (let i = this.validation.length - 1; i >= 0; i--) {
      const l = this.validation[i];
      if (a.row >= l.rect.row && a.row < l.rect.row + l.rect.rows && a.col >= l.rect.col && a.col < l.rect.col + l.rect.cols) {
        return l.cleared ? undefined : { rule: l.rule, errorAlert: l.errorAlert, prompt: l.prompt };
      }
    }
    return undefined;
  }

  values(address: string): Scalar[][] {
    return this.read(parseAddress(address).areas[0]);
  }

  numberFormat(address: string): string {
    const a = parseAddress(address).areas[0];
    return this.numberFormatAt(a.row, a.col);
  }

  fill(address: string): string | null {
    const a = parseAddress(address).areas[0];
    return this.cell(a.row, a.col)?.fill ?? null;
  }

  /** The first row and column after the used cells (values only, or anything set), or null. */
  usedArea(valuesOnly: boolean): Area | null {
    let r1 = -1;
    let r2 = -1;
    let c1 = Infinity;
    let c2 = -1;
    this.grid.forEach((line, r) => {
      line?.forEach((cell, c) => {
        if (!cell) return;
        const used = cell.v !== '' || (!valuesOnly && (cell.fill !== undefined || (cell.nf !== undefined && cell.nf !== 'General')));
        if (!used) return;
        if (r1 < 0) r1 = r;
        r2 = r;
        c1 = Math.min(c1, c);
        c2 = Math.max(c2, c);
      });
    });
    return r1 < 0 ? null : { row: r1, col: c1, rows: r2 - r1 + 1, cols: c2 - c1 + 1 };
  }
}

export interface MockTable {
  name: string;
  sheet: MockSheet;
  headerRow0: number;
  col0: number;
  width: number;
  bodyRows: number;
  style: string;
}

/** Numbers typed as text into a cell that is not text-formatted become numbers (Excel parses input). */
function typed(v: Scalar, nf: string): Scalar {
  if (typeof v !== 'string' || nf === '@') return v;
  const t = v.trim();
  return /^[+-]?\d+(?:[.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : v;
}

function shapeOf(v: unknown): [number, number] | null {
  if (!Array.isArray(v) || v.length === 0 || !v.every(Array.isArray)) return null;
  const cols = (v[0] as unknown[]).length;
  return (v as unknown[][]).every((r) => r.length === cols) ? [v.length, cols] : null;
}

// ------------------------------------------------------------------ Excel objects on office-addin-mock

interface ObjectSpec {
  kind: string;
  /** Methods (and nested objects holding methods), as office-addin-mock data. */
  data?: Record<string, unknown>;
  /** Properties the add-in may load, read from the model when `load()` names them. */
  reads?: Record<string, () => unknown>;
  /** Property paths the add-in may set ('values', 'format.fill.color'), applied to the model. */
  writes?: Record<string, (value: unknown) => void>;
  /** Navigation properties that are other Excel objects (table.worksheet, worksheet.notes). */
  links?: Record<string, () => unknown>;
  /** For getItemOrNullObject: `isNullObject`, readable after the next sync. */
  isNullObject?: boolean;
}

export interface BatchRecord {
  /** Method calls and property writes in the batch. */
  actions: number;
  /** JSON bytes of what the batch sent: written values and formats, method arguments. */
  requestBytes: number;
  /** JSON bytes of the values loaded in the batch. */
  responseBytes: number;
}

interface ContextState {
  holder: MockInternals;
  seq: number;
}

const newBatch = (): BatchRecord => ({ actions: 0, requestBytes: 0, responseBytes: 0 });

export class OfficeAddinMockWorkbook {
  readonly sheets: MockSheet[] = [];
  readonly tables: MockTable[] = [];
  readonly syncs: BatchRecord[] = [];
  activeSheetName = '';
  private batch = newBatch();

  constructor(sheetNames: readonly string[] = ['Лист1']) {
    for (const n of sheetNames) this.sheets.push(new MockSheet(n));
    this.activeSheetName = sheetNames[0] ?? '';
  }

  get syncCount(): number {
    return this.syncs.length;
  }

  get maxRequestBytes(): number {
    return Math.max(0, ...this.syncs.map((s) => s.requestBytes));
  }

  get maxResponseBytes(): number {
    return Math.max(0, ...this.syncs.map((s) => s.responseBytes));
  }

  resetCounters(): void {
    this.syncs.length = 0;
    this.batch = newBatch();
  }

  findSheet(name: string): MockSheet | undefined {
    return this.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  sheet(name: string): MockSheet {
    return this.findSheet(name) ?? fail('ItemNotFound', `no sheet ${name}`);
  }

  table(name: string): MockTable | undefined {
    return this.tables.find((t) => t.name.toLowerCase() === name.toLowerCase());
  }

  /** The table body as the sheet holds it. */
  bodyValues(t: MockTable): Scalar[][] {
    return t.sheet.read({ row: t.headerRow0 + 1, col: t.col0, rows: t.bodyRows, cols: t.width });
  }

  /**
   * A new request context, as each `Excel.run` gets: an office-addin-mock `OfficeMockObject` whose
   * `context.workbook` is described by data, with `context.sync()` counted.
   */
  context(): Excel.RequestContext {
    const st: ContextState = { holder: undefined as unknown as MockInternals, seq: 0 };
    const wb = { table: (n: string) => this.table(n), findSheet: (n: string) => this.findSheet(n), sheet: (n: string) => this.sheet(n) };
    const root = new OfficeMockObject({
      context: {
        workbook: {
          tables: this.instrument({
            getItem: (name: string) => this.tableObject(st, wb.table(name) ?? fail('ItemNotFound', `no table ${name}`)),
            getItemOrNullObject: (name: string) => this.tableObject(st, wb.table(name) ?? null),
          }),
          worksheets: this.instrument({
            getItem: (name: string) => this.worksheetObject(st, wb.sheet(name)),
            getItemOrNullObject: (name: string) => this.worksheetObject(st, wb.findSheet(name) ?? null),
            add: (name: string) => {
              if (wb.findSheet(name)) fail('ItemAlreadyExists', `sheet ${name} exists`);
              const s = new MockSheet(name);
              this.sheets.push(s);
              return this.worksheetObject(st, s);
            },
          }),
        },
        // every Excel object the add-in asked for, attached here so that context.sync() reaches it
        objects: {},
      },
    }) as unknown as { context: MockInternals };
    const ctx = root.context;
    st.holder = ctx.objects as MockInternals;
    const sync = ctx.sync.bind(ctx);
    ctx.sync = async () => {
      this.syncs.push(this.batch);
      this.batch = newBatch();
      await sync();
    };
    return ctx as unknown as Excel.RequestContext;
  }

  // -------------------------------------------------------------- plumbing

  /** Counts each method call and the JSON bytes of its arguments into the current batch. */
  private instrument(data: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) {
      if (typeof v === 'function' && k !== 'load') {
        out[k] = (...args: unknown[]) => {
          this.batch.actions++;
          this.batch.requestBytes += 40 + jsonBytes(args.map((a) => (typeof a === 'object' && a !== null && !Array.isArray(a) ? '(object)' : (a ?? null))));
          return (v as (...a: unknown[]) => unknown)(...args);
        };
      } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) out[k] = this.instrument(v as Record<string, unknown>);
      else out[k] = v;
    }
    return out;
  }

  /** Builds one Excel object as an office-addin-mock object attached to the context's tree. */
  private make(st: ContextState, spec: ObjectSpec): unknown {
    const id = `o${++st.seq}`;
    st.holder.addMock(id);
    const raw = st.holder[id] as MockInternals;
    const reads = spec.reads ?? {};
    const data: Record<string, unknown> = {};
    for (const k of Object.keys(reads)) data[k] = ''; // declared now, filled by load()
    if (spec.isNullObject !== undefined) data.isNullObject = spec.isNullObject;
    Object.assign(data, this.instrument(spec.data ?? {}));
    if (!('load' in data)) {
      const loadFresh = (target: MockInternals, arg: unknown): unknown => this.loadFresh(target, reads, arg);
      data.load = function (this: MockInternals, arg?: unknown) {
        return loadFresh(this, arg);
      };
    }
    raw.populate(data);
    const proxy = this.watch(raw, spec, '', new Map()) as MockInternals;
    if (spec.isNullObject !== undefined) protoLoad.call(proxy, 'isNullObject');
    return proxy;
  }

  /** The mock's `load`, after copying the named properties' current model values into the mock. */
  private loadFresh(target: MockInternals, reads: Record<string, () => unknown>, arg: unknown): unknown {
    const names = typeof arg === 'string' ? arg.split(',') : Array.isArray(arg) ? (arg as string[]) : [];
    for (const n of names) {
      const top = n.trim().split('/')[0];
      const read = reads[top];
      if (!read) continue; // the mock itself refuses a property it was not given
      const v = read();
      if (top === 'values') this.batch.responseBytes += jsonBytes(v);
      target.setValue(top, v);
    }
    return protoLoad.call(target, arg);
  }

  /** A Proxy that applies writes to the model and hands out links and nested objects. */
  private watch(raw: MockInternals, spec: ObjectSpec, prefix: string, cache: Map<string, unknown>): object {
    return new Proxy(raw, {
      get: (t, p, recv) => {
        if (typeof p === 'string' && prefix === '' && spec.links && Object.hasOwn(spec.links, p)) {
          if (!cache.has(`link:${p}`)) cache.set(`link:${p}`, spec.links[p]());
          return cache.get(`link:${p}`);
        }
        const v: unknown = Reflect.get(t, p, recv);
        if (typeof p === 'string' && v instanceof OfficeMockObject && t._properties.get(p) === v) {
          const key = prefix + p;
          if (!cache.has(key)) cache.set(key, this.watch(v as unknown as MockInternals, spec, `${key}.`, cache));
          return cache.get(key);
        }
        return v;
      },
      set: (t, p, v) => {
        // the mock's own bookkeeping (load marks, resolved values) passes through
        if (typeof p !== 'string' || p.startsWith('_') || isMockError(v) || v instanceof OfficeMockObject) {
          return Reflect.set(t, p, v);
        }
        const path = prefix + p;
        const write = spec.writes?.[path];
        if (!write) fail('InvalidArgument', `${spec.kind}.${path} cannot be set here (not modelled)`);
        this.batch.actions++;
        this.batch.requestBytes += 40 + jsonBytes(v);
        (write as (value: unknown) => void)(v);
        return true;
      },
    });
  }

  // -------------------------------------------------------------- model operations

  private writeValues(s: MockSheet, rect: Area, v: unknown): void {
    const shape = shapeOf(v);
    if (!shape || shape[0] !== rect.rows || shape[1] !== rect.cols) fail('InvalidArgument', `values of shape ${JSON.stringify(shape)} for a ${rect.rows}×${rect.cols} range`);
    const grid = v as (Scalar | null)[][];
    for (let r = 0; r < rect.rows; r++) {
      for (let c = 0; c < rect.cols; c++) {
        const x = grid[r][c];
        if (x === null || x === undefined) continue;
        const cell = s.ensure(rect.row + r, rect.col + c);
        cell.v = typed(x, cell.nf ?? 'General');
      }
    }
  }

  private writeNumberFormat(s: MockSheet, rect: Area, v: unknown): void {
    const shape = shapeOf(v);
    const one = shape !== null && shape[0] === 1 && shape[1] === 1;
    if (!shape || (!one && (shape[0] !== rect.rows || shape[1] !== rect.cols))) fail('InvalidArgument', `numberFormat of shape ${JSON.stringify(shape)} for a ${rect.rows}×${rect.cols} range`);
    if (rect.rows >= MAX_SHEET_ROWS) fail('InvalidArgument', 'cell formats of whole columns are not modelled');
    const nf = v as (string | null)[][];
    for (let r = 0; r < rect.rows; r++) {
      for (let c = 0; c < rect.cols; c++) {
        const f = one ? nf[0][0] : nf[r][c];
        if (f !== null && f !== undefined) s.ensure(rect.row + r, rect.col + c).nf = String(f);
      }
    }
  }

  private clear(s: MockSheet, rect: Area, applyTo?: string): void {
    const contents = applyTo === undefined || applyTo === 'All' || applyTo === 'Contents';
    const formats = applyTo === undefined || applyTo === 'All' || applyTo === 'Formats';
    for (const [, , cell] of s.cellsIn(rect)) {
      if (contents) cell.v = '';
      if (formats) {
        delete cell.nf;
        delete cell.fill;
        delete cell.bold;
      }
    }
  }

  private setFill(s: MockSheet, rect: Area, color: string | null): void {
    if (rect.rows >= MAX_SHEET_ROWS) fail('InvalidArgument', 'fills of whole columns are not modelled');
    if (color === null) {
      for (const [, , cell] of s.cellsIn(rect)) delete cell.fill;
      return;
    }
    for (let r = 0; r < rect.rows; r++) for (let c = 0; c < rect.cols; c++) s.ensure(rect.row + r, rect.col + c).fill = color;
  }

  private setValidation(s: MockSheet, rect: Area, what: 'rule' | 'errorAlert' | 'prompt' | 'cleared', v: unknown): void {
    const last = s.validation[s.validation.length - 1];
    const same = last && !last.cleared && last.rect.row === rect.row && last.rect.col === rect.col && last.rect.rows === rect.rows && last.rect.cols === rect.cols;
    if (what === 'cleared') s.validation.push({ rect: { ...rect }, cleared: true });
    else if (same) last[what] = v;
    else s.validation.push({ rect: { ...rect }, [what]: v });
  }

  /** Deletes the cells of `rect`, shifting the cells and notes below up; a table in those columns shrinks. */
  private deleteUp(s: MockSheet, rect: Area): void {
    const end = s.grid.length;
    for (let r = rect.row; r < end; r++) {
      for (let c = rect.col; c < rect.col + rect.cols; c++) {
        const src = s.grid[r + rect.rows]?.[c];
        if (src) s.ensure(r, c);
        const line = s.grid[r];
        if (line) line[c] = src;
      }
    }
    s.notes = s.notes.filter((n) => !(n.row >= rect.row && n.row < rect.row + rect.rows && n.col >= rect.col && n.col < rect.col + rect.cols));
    for (const n of s.notes) if (n.row >= rect.row + rect.rows && n.col >= rect.col && n.col < rect.col + rect.cols) n.row -= rect.rows;
    for (const t of this.tables) {
      if (t.sheet !== s || rect.col > t.col0 || rect.col + rect.cols < t.col0 + t.width) continue;
      const b0 = t.headerRow0 + 1;
      const overlap = Math.max(0, Math.min(b0 + t.bodyRows, rect.row + rect.rows) - Math.max(b0, rect.row));
      if (overlap >= t.bodyRows) fail('InvalidOperation', 'a table keeps at least one body row');
      t.bodyRows -= overlap;
    }
  }

  /** table.rows.add at the end: cells below shift down, the new rows copy the number formats of the row above. */
  private appendRows(t: MockTable, values: unknown): void {
    const shape = shapeOf(values);
    if (!shape || shape[1] !== t.width) fail('InvalidArgument', 'rows.add: values must be rows as wide as the table');
    const n = (shape as [number, number])[0];
    const s = t.sheet;
    const at = t.headerRow0 + 1 + t.bodyRows;
    for (let r = s.grid.length - 1; r >= at; r--) {
      for (let c = t.col0; c < t.col0 + t.width; c++) {
        const cell = s.grid[r]?.[c];
        if (!cell) continue;
        (s.grid[r + n] ??= [])[c] = cell;
        (s.grid[r] as (Cell | undefined)[])[c] = undefined;
      }
    }
    for (const note of s.notes) if (note.row >= at && note.col >= t.col0 && note.col < t.col0 + t.width) note.row += n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < t.width; c++) {
        const nf = s.cell(at - 1, t.col0 + c)?.nf;
        if (nf !== undefined) s.ensure(at + r, t.col0 + c).nf = nf;
      }
    }
    t.bodyRows += n;
    this.writeValues(s, { row: at, col: t.col0, rows: n, cols: t.width }, values);
  }

  private area(s: MockSheet, address: string): Area {
    const parsed = parseAddress(address);
    if (parsed.sheet !== null && parsed.sheet.toLowerCase() !== s.name.toLowerCase()) fail('InvalidArgument', `address of another sheet: ${address}`);
    if (parsed.areas.length !== 1) fail('InvalidArgument', `one area expected: ${address}`);
    return parsed.areas[0];
  }

  // -------------------------------------------------------------- the objects

  private rangeObject(st: ContextState, s: MockSheet, rect: Area): unknown {
    return this.make(st, {
      kind: 'Range',
      data: {
        clear: (applyTo?: string) => this.clear(s, rect, applyTo),
        delete: (shift: string) => {
          if (shift !== 'Up') fail('InvalidArgument', `delete(${shift}) is not modelled`);
          this.deleteUp(s, rect);
        },
        select: () => {
          this.activeSheetName = s.name;
        },
        format: {
          fill: { clear: () => this.setFill(s, rect, null) },
          font: {},
        },
        dataValidation: { clear: () => this.setValidation(s, rect, 'cleared', null) },
      },
      reads: {
        values: () => s.read(rect),
        numberFormat: () => Array.from({ length: rect.rows }, (_, r) => Array.from({ length: rect.cols }, (_, c) => s.numberFormatAt(rect.row + r, rect.col + c))),
        rowIndex: () => rect.row,
        columnIndex: () => rect.col,
        rowCount: () => rect.rows,
        columnCount: () => rect.cols,
        address: () => rangeAddress(rect.row + 1, rect.col, rect.rows, rect.cols, s.name),
      },
      writes: {
        values: (v) => this.writeValues(s, rect, v),
        numberFormat: (v) => this.writeNumberFormat(s, rect, v),
        columnHidden: (v) => {
          for (let c = rect.col; c < rect.col + rect.cols; c++) {
            if (v) s.hiddenColumns.add(c);
            else s.hiddenColumns.delete(c);
          }
        },
        'format.fill.color': (v) => this.setFill(s, rect, String(v)),
        'format.font.bold': (v) => {
          for (let r = 0; r < rect.rows; r++) for (let c = 0; c < rect.cols; c++) s.ensure(rect.row + r, rect.col + c).bold = Boolean(v);
        },
        'format.columnWidth': (v) => {
          for (let c = rect.col; c < rect.col + rect.cols; c++) s.widths.set(c, Number(v));
        },
        'format.rowHeight': () => undefined,
        'format.wrapText': () => undefined,
        'format.verticalAlignment': () => undefined,
        'dataValidation.rule': (v) => this.setValidation(s, rect, 'rule', v),
        'dataValidation.errorAlert': (v) => this.setValidation(s, rect, 'errorAlert', v),
        'dataValidation.prompt': (v) => this.setValidation(s, rect, 'prompt', v),
      },
    });
  }

  private rangeAreasObject(st: ContextState, s: MockSheet, address: string): unknown {
    if (address.length > 255) fail('InvalidArgument', 'getRanges: more than 255 characters of addresses');
    const parsed = parseAddress(address);
    if (parsed.sheet !== null && parsed.sheet.toLowerCase() !== s.name.toLowerCase()) fail('InvalidArgument', `address of another sheet: ${address}`);
    const areas = parsed.areas;
    return this.make(st, {
      kind: 'RangeAreas',
      data: { format: { fill: { clear: () => areas.forEach((a) => this.setFill(s, a, null)) } } },
      reads: { address: () => areas.map((a) => rangeAddress(a.row + 1, a.col, a.rows, a.cols, s.name)).join(',') },
      writes: { 'format.fill.color': (v) => areas.forEach((a) => this.setFill(s, a, String(v))) },
    });
  }

  private usedRangeObject(st: ContextState, s: MockSheet, valuesOnly: boolean): unknown {
    const used = s.usedArea(valuesOnly);
    if (!used) return this.make(st, { kind: 'Range', isNullObject: true, reads: { rowIndex: () => 0, rowCount: () => 0, columnIndex: () => 0, columnCount: () => 0, address: () => '' } });
    return this.rangeObjectOrNull(st, s, used);
  }

  private rangeObjectOrNull(st: ContextState, s: MockSheet, rect: Area): unknown {
    const r = this.rangeObject(st, s, rect) as MockInternals;
    // a range found by getUsedRangeOrNullObject answers isNullObject (false) after the next sync
    r.setValue('isNullObject', false);
    protoLoad.call(r, 'isNullObject');
    return r;
  }

  private noteObject(st: ContextState, s: MockSheet, note: NoteModel): unknown {
    return this.make(st, {
      kind: 'Note',
      data: {
        delete: () => {
          s.notes = s.notes.filter((n) => n !== note);
        },
        getLocation: () => this.rangeObject(st, s, { row: note.row, col: note.col, rows: 1, cols: 1 }),
      },
      reads: { content: () => note.content },
    });
  }

  private notesObject(st: ContextState, s: MockSheet): unknown {
    const noteObject = (n: NoteModel): MockInternals => this.noteObject(st, s, n) as MockInternals;
    return this.make(st, {
      kind: 'NoteCollection',
      data: {
        items: [],
        add: (address: string, content: string) => {
          const a = this.area(s, address);
          if (s.notes.some((n) => n.row === a.row && n.col === a.col)) fail('InvalidOperation', `the cell ${address} already has a note`);
          const note = { row: a.row, col: a.col, content };
          s.notes.push(note);
          return this.noteObject(st, s, note);
        },
        // load('items/content'): `items` becomes an array of Note mock objects whose `content` is
        // loaded too; all of it readable after the next sync (office-addin-mock cannot navigate
        // into an array, so the collection's own load does it)
        // load({ select: 'content', top, skip }) (OfficeExtension.LoadOption) pages the collection.
        load: function (this: MockInternals, arg?: unknown) {
          const opt = arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as { select?: string; top?: number; skip?: number }) : null;
          const names = opt ? String(opt.select ?? '').split(',').map((n) => `items/${n.trim()}`) : typeof arg === 'string' ? arg.split(',').map((n) => n.trim()) : [];
          const inner = names.filter((n) => n.startsWith('items/')).map((n) => n.slice('items/'.length));
          if (names.some((n) => n !== 'items' && !n.startsWith('items/'))) fail('InvalidArgument', `NoteCollection.load(${String(arg)}) is not modelled`);
          const skip = opt?.skip ?? 0;
          const items = s.notes.slice(skip, opt?.top === undefined ? undefined : skip + opt.top).map(noteObject);
          if (inner.length) for (const it of items) it.load(inner.join(','));
          this.setValue('items', items);
          return protoLoad.call(this, 'items');
        },
      },
    });
  }

  private worksheetObject(st: ContextState, s: MockSheet | null): unknown {
    if (s === null) return this.make(st, { kind: 'Worksheet', isNullObject: true, reads: { name: () => '', visibility: () => '' } });
    return this.make(st, {
      kind: 'Worksheet',
      isNullObject: false,
      data: {
        getRangeByIndexes: (row: number, col: number, rows: number, cols: number) => {
          if (rows < 1 || cols < 1 || row < 0 || col < 0) fail('InvalidArgument', `getRangeByIndexes(${row}, ${col}, ${rows}, ${cols})`);
          return this.rangeObject(st, s, { row, col, rows, cols });
        },
        getRange: (address: string) => this.rangeObject(st, s, this.area(s, address)),
        getRanges: (address: string) => this.rangeAreasObject(st, s, address),
        getUsedRangeOrNullObject: (valuesOnly?: boolean) => this.usedRangeObject(st, s, valuesOnly === true),
        activate: () => {
          this.activeSheetName = s.name;
        },
        freezePanes: {
          freezeRows: (n: number) => {
            s.frozenRows = n;
          },
        },
        tables: {
          add: (address: string, hasHeaders: boolean) => {
            if (!hasHeaders) fail('InvalidArgument', 'tables without headers are not modelled');
            const a = this.area(s, address);
            if (this.tables.some((t) => t.sheet === s && a.row <= t.headerRow0 + t.bodyRows && a.row + a.rows > t.headerRow0)) fail('InvalidOperation', 'tables overlap');
            const t: MockTable = { name: `Table${this.tables.length + 1}`, sheet: s, headerRow0: a.row, col0: a.col, width: a.cols, bodyRows: Math.max(1, a.rows - 1), style: '' };
            this.tables.push(t);
            return this.tableObject(st, t);
          },
        },
      },
      reads: { name: () => s.name, visibility: () => s.visibility },
      writes: {
        visibility: (v) => {
          s.visibility = v as MockSheet['visibility'];
        },
      },
      links: { notes: () => this.notesObject(st, s) },
    });
  }

  private tableObject(st: ContextState, t: MockTable | null): unknown {
    if (t === null) return this.make(st, { kind: 'Table', isNullObject: true, reads: { name: () => '' } });
    return this.make(st, {
      kind: 'Table',
      isNullObject: false,
      data: {
        getHeaderRowRange: () => this.rangeObject(st, t.sheet, { row: t.headerRow0, col: t.col0, rows: 1, cols: t.width }),
        getDataBodyRange: () => this.rangeObject(st, t.sheet, { row: t.headerRow0 + 1, col: t.col0, rows: t.bodyRows, cols: t.width }),
        resize: (address: string) => {
          const a = this.area(t.sheet, address);
          if (a.row !== t.headerRow0 || a.col !== t.col0 || a.rows < 2) fail('InvalidArgument', `resize(${address}): the header row must stay where it is`);
          t.width = a.cols;
          t.bodyRows = a.rows - 1;
        },
        rows: { add: (index: number | undefined, values: unknown) => {
          if (index !== undefined && index !== null) fail('InvalidArgument', 'rows.add: only appending is modelled');
          this.appendRows(t, values);
        } },
      },
      reads: { name: () => t.name },
      writes: {
        name: (v) => {
          if (this.tables.some((o) => o !== t && o.name.toLowerCase() === String(v).toLowerCase())) fail('InvalidArgument', `table name ${String(v)} is taken`);
          t.name = String(v);
        },
        style: (v) => {
          t.style = String(v);
        },
      },
      links: { worksheet: () => this.worksheetObject(st, t.sheet) },
    });
  }
}
