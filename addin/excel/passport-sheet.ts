/**
 * The sheet «Паспорт ППО»: a form of «label | value» rows in four sections (passport-layout.ts).
 * Fields are found by the key in the hidden column A, not by their row, so a row the chair inserts
 * does not shift values into the wrong field. The form is small: every operation is one or two
 * syncs plus one write.
 */
import { ERROR_FILL } from './marks';
import {
  PASSPORT_COLUMNS,
  PASSPORT_FIELDS,
  PASSPORT_HEADERS,
  PASSPORT_SHEET_NAME,
  PASSPORT_WIDTHS,
  passportLayout,
  SECTION_MARK,
  type PassportFieldDef,
  type PassportFieldKey,
} from './passport-layout';
import { cellText, isBlankCell, isoDateFromSerial, officeErrorCode, rangeAddress, serialFromDateText, SheetError, widthInPoints } from './sheet-utils';

/** Rows scanned for keys: the form has about 25; inserted rows and notes below still fit. */
const SCAN_ROWS = 200;
const SECTION_FILL = '#D9E1F2';

export type PassportValues = Record<string, string | number | null>;

const FIELD_BY_KEY = new Map<string, PassportFieldDef>(PASSPORT_FIELDS.map((f) => [f.key, f]));

function numberFormatOf(def: PassportFieldDef): string {
  return def.type === 'date' ? 'dd.mm.yyyy' : def.type === 'count' ? '0' : '@';
}

/** A server value as it goes into the value cell. */
export function toPassportCell(def: PassportFieldDef, v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (def.type === 'date') return typeof v === 'number' ? v : (serialFromDateText(String(v)) ?? String(v));
  if (def.type === 'count') {
    if (typeof v === 'number') return v;
    const s = String(v).trim();
    return /^\d+$/.test(s) ? Number(s) : s;
  }
  return typeof v === 'string' ? v : cellText(v);
}

/** A value cell as the pane gets it: text trimmed, empty → null, dates ISO ("2001-09-01") when Excel holds a date. */
export function fromPassportCell(def: PassportFieldDef, v: unknown): string | number | null {
  if (isBlankCell(v)) return null;
  if (def.type === 'date' && typeof v === 'number') return isoDateFromSerial(v) ?? v;
  if (def.type === 'count') {
    if (typeof v === 'number') return v;
    const s = cellText(v).trim();
    return /^\d+$/.test(s) ? Number(s) : s;
  }
  return cellText(v).trim();
}

interface ScannedForm {
  /** 1-based sheet row of each field key found in column A. */
  rowOf: Map<PassportFieldKey, number>;
  values: Map<PassportFieldKey, unknown>;
  messages: Map<PassportFieldKey, unknown>;
  anyContent: boolean;
}

function scan(grid: unknown[][]): ScannedForm {
  const form: ScannedForm = { rowOf: new Map(), values: new Map(), messages: new Map(), anyContent: false };
  grid.forEach((cells, i) => {
    if (cells.some((c) => !isBlankCell(c))) form.anyContent = true;
    const key = cellText(cells[PASSPORT_COLUMNS.key]).trim();
    if (!FIELD_BY_KEY.has(key) || form.rowOf.has(key as PassportFieldKey)) return;
    form.rowOf.set(key as PassportFieldKey, i + 1);
    form.values.set(key as PassportFieldKey, cells[PASSPORT_COLUMNS.value]);
    form.messages.set(key as PassportFieldKey, cells[PASSPORT_COLUMNS.message]);
  });
  return form;
}

function scanRange(ws: Excel.Worksheet): Excel.Range {
  return ws.getRange(rangeAddress(1, 0, SCAN_ROWS, PASSPORT_HEADERS.length)).load('values');
}

/** One sync: the form's cells; a missing sheet is a SheetError the pane can show. */
async function readForm(context: Excel.RequestContext): Promise<{ ws: Excel.Worksheet; form: ScannedForm }> {
  const ws = context.workbook.worksheets.getItem(PASSPORT_SHEET_NAME);
  const range = scanRange(ws);
  try {
    await context.sync();
  } catch (err) {
    if (officeErrorCode(err) === 'ItemNotFound') {
      throw new SheetError('sheet_missing', `Лист «${PASSPORT_SHEET_NAME}» не найден. Откройте в панели раздел «Паспорт» — лист будет создан.`);
    }
    throw err;
  }
  return { ws, form: scan(range.values) };
}

export interface PassportWriteReport {
  created: boolean;
  /** Keys of the input that are not passport fields (ignored). */
  unknownKeys: string[];
  syncs: number;
}

/**
 * Lays the form out (or re-lays it) and fills values: a field in `passport` gets that value, a
 * field not in it keeps what the sheet has. With `passport`, old error marks are cleared.
 */
async function layOut(context: Excel.RequestContext, passport: PassportValues | null): Promise<PassportWriteReport> {
  const probe = context.workbook.worksheets.getItemOrNullObject(PASSPORT_SHEET_NAME);
  probe.load('name');
  await context.sync();
  let syncs = 1;
  let form: ScannedForm | null = null;
  if (!probe.isNullObject) {
    const range = scanRange(probe);
    await context.sync();
    syncs++;
    form = scan(range.values);
    if (form.anyContent && form.rowOf.size === 0) {
      throw new SheetError(
        'sheet_occupied',
        `На листе «${PASSPORT_SHEET_NAME}» уже есть другие данные. Переименуйте этот лист и откройте раздел «Паспорт» снова — будет создан новый лист паспорта.`,
      );
    }
  }
  const unknownKeys = passport ? Object.keys(passport).filter((k) => !FIELD_BY_KEY.has(k)) : [];
  const ws = probe.isNullObject ? context.workbook.worksheets.add(PASSPORT_SHEET_NAME) : probe;
  const layout = passportLayout();
  const last = layout[layout.length - 1].row;
  const inPlace = form !== null && layout.every((r) => r.kind !== 'field' || form?.rowOf.get(r.def.key) === r.row);
  if (form && !inPlace) {
    // rows were inserted or moved: rebuild the form at its places, values kept by key
    const all = ws.getRange(rangeAddress(1, 0, SCAN_ROWS, PASSPORT_HEADERS.length));
    all.clear('Contents');
    all.format.fill.clear();
  }
  const grid: (string | number | null)[][] = [];
  const formats: string[][] = [];
  for (const r of layout) {
    if (r.kind === 'title') grid.push(['', r.text, '', '']);
    else if (r.kind === 'header') grid.push([...PASSPORT_HEADERS]);
    else if (r.kind === 'section') grid.push([`${SECTION_MARK}${r.title}`, r.title, '', '']);
    else {
      const key = r.def.key;
      const value = passport && key in passport ? toPassportCell(r.def, passport[key]) : form?.values.has(key) ? (form.values.get(key) as string | number) : '';
      const keepMessage = passport === null && inPlace;
      grid.push([key, r.def.label, value, keepMessage ? null : '']);
    }
    formats.push(['@', '@', r.kind === 'field' ? numberFormatOf(r.def) : '@', '@']);
  }
  const target = ws.getRange(rangeAddress(1, 0, last, PASSPORT_HEADERS.length));
  target.numberFormat = formats;
  target.values = grid as (string | number)[][];

  // styles, widths, validation: a constant number of ranges (about 30)
  PASSPORT_WIDTHS.forEach((w, c) => {
    ws.getRange(rangeAddress(1, c, 1, 1)).format.columnWidth = widthInPoints(w);
  });
  ws.getRange(rangeAddress(1, PASSPORT_COLUMNS.key, 1, 1)).columnHidden = true;
  const title = ws.getRange(rangeAddress(1, PASSPORT_COLUMNS.label, 1, 1));
  title.format.font.bold = true;
  title.format.font.size = 14;
  ws.getRange(rangeAddress(2, PASSPORT_COLUMNS.label, 1, 3)).format.font.bold = true;
  for (const r of layout) {
    if (r.kind === 'section') {
      const band = ws.getRange(rangeAddress(r.row, PASSPORT_COLUMNS.label, 1, 3));
      band.format.font.bold = true;
      band.format.fill.color = SECTION_FILL;
    } else if (r.kind === 'field') {
      const cell = ws.getRange(rangeAddress(r.row, PASSPORT_COLUMNS.value, 1, 1));
      cell.dataValidation.clear();
      if (r.def.type === 'date') {
        cell.dataValidation.rule = { date: { operator: 'Between', formula1: '1900-03-01', formula2: '2099-12-31' } };
        cell.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: 'Дата', message: 'Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2001.' };
      } else if (r.def.type === 'count') {
        cell.dataValidation.rule = { wholeNumber: { operator: 'GreaterThanOrEqualTo', formula1: 0 } };
        cell.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: 'Число', message: 'Введите целое число, 0 или больше.' };
      }
      cell.dataValidation.prompt = { showPrompt: true, title: r.def.label.slice(0, 32), message: r.def.help.slice(0, 255) };
      if (passport) cell.format.fill.clear();
    }
  }
  ws.getRange(rangeAddress(3, PASSPORT_COLUMNS.value, last - 2, 2)).format.wrapText = true;
  ws.freezePanes.freezeRows(2);
  if (probe.isNullObject) ws.activate();
  await context.sync();
  syncs++;
  return { created: probe.isNullObject, unknownKeys, syncs };
}

/** Creates the passport form, or re-lays an existing one keeping its values and marks. */
export async function createPassportSheet(context: Excel.RequestContext): Promise<PassportWriteReport> {
  return layOut(context, null);
}

/**
 * Writes the registry's passport (camelCase keys as the server sends them) into the form, creating
 * it if needed. Fields missing from `passport` keep their cells; error marks are cleared.
 */
export async function writePassport(context: Excel.RequestContext, passport: PassportValues): Promise<PassportWriteReport> {
  return layOut(context, passport);
}

/** Reads the form: every passport key, null where the cell is empty. One sync. */
export async function readPassport(context: Excel.RequestContext): Promise<Record<PassportFieldKey, string | number | null>> {
  const { form } = await readForm(context);
  const out = {} as Record<PassportFieldKey, string | number | null>;
  for (const def of PASSPORT_FIELDS) out[def.key] = fromPassportCell(def, form.values.get(def.key));
  return out;
}

export interface PassportMarkReport {
  marked: number;
  /** Fields of the input that are not on the form (their messages must be shown in the pane). */
  unknownFields: string[];
  syncs: number;
}

/**
 * Marks bad values: the value cell red, the message in «Что исправить»; earlier marks on the other
 * fields are cleared. An empty list clears every mark. Two syncs.
 */
export async function markPassportErrors(context: Excel.RequestContext, errors: readonly { field: string; message: string }[]): Promise<PassportMarkReport> {
  const { ws, form } = await readForm(context);
  const byKey = new Map<PassportFieldKey, string[]>();
  const unknownFields: string[] = [];
  for (const e of errors) {
    if (!form.rowOf.has(e.field as PassportFieldKey)) {
      unknownFields.push(e.field);
      continue;
    }
    const k = e.field as PassportFieldKey;
    byKey.set(k, [...(byKey.get(k) ?? []), e.message]);
  }
  for (const [key, row] of form.rowOf) {
    const value = ws.getRange(rangeAddress(row, PASSPORT_COLUMNS.value, 1, 1));
    const messages = byKey.get(key);
    if (messages) value.format.fill.color = ERROR_FILL;
    else value.format.fill.clear();
    const message = ws.getRange(rangeAddress(row, PASSPORT_COLUMNS.message, 1, 1));
    message.numberFormat = [['@']];
    message.values = [[messages ? messages.join('; ').slice(0, 1000) : '']];
  }
  await context.sync();
  return { marked: byKey.size, unknownFields, syncs: 2 };
}
