/**
 * The member sheet as the server writes it (template, export, a workbook built from an uploaded CSV):
 * the columns of domain/members/columns.ts in order, hidden «ID в реестре» and «Версия», dropdown
 * lists from a very hidden sheet «Списки» (the add-in keeps its lists there too), dates as
 * ДД.ММ.ГГГГ with a date rule, every other column in the text format «@» (СНИЛС and phones keep
 * their leading zeros and separators, nothing typed there turns into a formula), a frozen header,
 * column widths, and the sheet «Инструкция» in plain Russian.
 */
import ExcelJS from 'exceljs';
import type { Option } from '../../../domain/members/codes';
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, type ColumnKey, type MemberColumn } from '../../../domain/members/columns';

export const LISTS_SHEET_NAME = 'Списки';
export const INSTRUCTION_SHEET_NAME = 'Инструкция';
export const SUMMARY_SHEET_NAME = 'Итог загрузки';

/** Same marks as the add-in (addin/excel/marks.ts): light red for errors, yellow for conflicts. */
export const ERROR_ARGB = 'FFFFC7CE';
export const CONFLICT_ARGB = 'FFFFEB9C';
/** Every note we write starts with this; a note without it is the chair's own and is never touched. */
export const MARK_PREFIX = '⚠ ';

export const HEADER_ARGB = 'FFDDEBF7';
/** Rows below the data that still get dropdowns and date rules, for members typed in later. */
export const SPARE_ROWS = 1000;
export const RESULT_WIDTH = 60;

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

/** exceljs keeps range validations in `worksheet.dataValidations`, which its typings do not declare. */
interface RangeValidations {
  dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
}

export function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Number format of a member column: dates as dates, the version as a number, everything else as text. */
export function numFmtOf(col: MemberColumn): string {
  if (col.type === 'date') return 'dd.mm.yyyy';
  if (col.type === 'version') return '0';
  return '@';
}

const ENUM_COLUMNS = MEMBER_COLUMNS.filter((c) => c.type === 'enum' && c.options);

/** The very hidden sheet with the dropdown lists; returns the list formula of each enum column. */
export function addListsSheet(wb: ExcelJS.Workbook): Map<ColumnKey, string> {
  const existing = wb.getWorksheet(LISTS_SHEET_NAME);
  if (existing) wb.removeWorksheet(existing.id);
  const ws = wb.addWorksheet(LISTS_SHEET_NAME, { state: 'veryHidden' });
  const formulas = new Map<ColumnKey, string>();
  ENUM_COLUMNS.forEach((c, i) => {
    const labels = ((c.options ?? []) as readonly Option<string>[]).map((o) => o.label);
    const col = i + 1;
    ws.getCell(1, col).value = c.header;
    labels.forEach((label, j) => {
      ws.getCell(j + 2, col).value = label;
    });
    const letter = colLetter(col);
    formulas.set(c.key, `'${LISTS_SHEET_NAME}'!$${letter}$2:$${letter}$${labels.length + 1}`);
  });
  return formulas;
}

const trim = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Width, format, hidden flag and typing help (dropdown or date rule, with the column's hint) of one
 * member column at `colIndex` (1-based), for the rows firstRow..lastRow.
 */
export function layoutMemberColumn(ws: ExcelJS.Worksheet, colIndex: number, col: MemberColumn, rows: { first: number; last: number }, lists: Map<ColumnKey, string>): void {
  const column = ws.getColumn(colIndex);
  column.width = col.width;
  column.numFmt = numFmtOf(col);
  if (col.hidden) column.hidden = true;
  const letter = colLetter(colIndex);
  const address = `${letter}${rows.first}:${letter}${rows.last}`;
  const validations = (ws as unknown as RangeValidations).dataValidations;
  const title = trim(col.header, 32);
  if (col.type === 'enum' && lists.has(col.key)) {
    validations.add(address, {
      type: 'list',
      allowBlank: true,
      formulae: [lists.get(col.key)],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: title,
      error: trim(`Выберите значение из списка. ${col.help}`, 255),
      showInputMessage: true,
      promptTitle: title,
      prompt: trim(col.help, 255),
    });
  } else if (col.type === 'date') {
    validations.add(address, {
      type: 'date',
      operator: 'between',
      allowBlank: true,
      formulae: [new Date(Date.UTC(1900, 2, 1)), new Date(Date.UTC(2099, 11, 31))],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: title,
      error: 'Введите дату в виде ДД.ММ.ГГГГ, например 01.09.2020.',
      showInputMessage: true,
      promptTitle: title,
      prompt: trim(col.help, 255),
    });
  }
}

/** Bold header on a light fill, wrapped, frozen; an autofilter over the header. */
export function styleHeaderRow(ws: ExcelJS.Worksheet, headerRow: number, lastCol: number): void {
  const row = ws.getRow(headerRow);
  for (let c = 1; c <= lastCol; c++) {
    const cell = row.getCell(c);
    cell.style = {
      ...cell.style,
      font: { bold: true },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_ARGB } },
      alignment: { vertical: 'middle', wrapText: true },
      numFmt: '@',
    };
  }
  row.height = 32;
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow, topLeftCell: `A${headerRow + 1}`, activeCell: `A${headerRow + 1}` }];
}

export interface MemberSheetRow {
  /** By column key; dates as Date (UTC midnight), the version as a number, everything else text. */
  values: Partial<Record<ColumnKey, string | number | Date | null>>;
  /** Extra columns after the member columns (export of a territory: the primary organisation…). */
  extra?: (string | null)[];
}

/**
 * A new workbook with the member sheet (headers, lists, formats, rules for data + SPARE_ROWS rows),
 * the rows given, any extra columns, and the instruction sheet.
 */
export function buildMemberWorkbook(rows: readonly MemberSheetRow[], opts: { extraHeaders?: string[]; creator?: string; now?: Date } = {}): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = opts.creator ?? 'Реестр Профсоюза';
  if (opts.now) wb.created = opts.now;
  const ws = wb.addWorksheet(MEMBER_SHEET_NAME);
  const lists = addListsSheet(wb);
  const extra = opts.extraHeaders ?? [];
  const width = MEMBER_COLUMNS.length + extra.length;
  const span = { first: 2, last: rows.length + 1 + SPARE_ROWS };
  MEMBER_COLUMNS.forEach((col, i) => layoutMemberColumn(ws, i + 1, col, span, lists));
  extra.forEach((_h, i) => {
    const column = ws.getColumn(MEMBER_COLUMNS.length + i + 1);
    column.width = 30;
    column.numFmt = '@';
  });
  ws.getRow(1).values = [...MEMBER_COLUMNS.map((c) => c.header), ...extra];
  styleHeaderRow(ws, 1, width);
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: width } };
  rows.forEach((r, i) => {
    const row = ws.getRow(i + 2);
    MEMBER_COLUMNS.forEach((col, j) => {
      const v = r.values[col.key];
      if (v !== null && v !== undefined && v !== '') row.getCell(j + 1).value = v;
    });
    (r.extra ?? []).forEach((v, j) => {
      if (v) row.getCell(MEMBER_COLUMNS.length + j + 1).value = v;
    });
  });
  addInstructionSheet(wb);
  return wb;
}

const INSTRUCTION_TEXT: string[] = [
  'Как заполнить список членов Профсоюза',
  '',
  '1. Заполняйте лист «Члены профсоюза»: одна строка — один человек. Пустые строки между людьми не мешают — они пропускаются.',
  '2. Первую строку (названия столбцов) лучше не менять: по названиям сервер узнаёт столбцы. Порядок столбцов можно менять; ваши собственные столбцы не мешают — они не загружаются. Список со своими заголовками тоже подойдёт: на странице загрузки видно, как понят каждый столбец, и это можно поправить.',
  '3. Обязательно заполните: Фамилию, Имя, Дату рождения и Категорию. ФИО можно вписать целиком в столбец «Фамилия» — оно будет разделено на фамилию, имя и отчество.',
  '4. Даты — в виде ДД.ММ.ГГГГ, например 05.03.1985. СНИЛС — 11 цифр, можно с дефисами и пробелами. Телефон — мобильный, в любом привычном виде: +7 912 345-67-89 или 8 912 345 67 89.',
  '5. Категорию, пол, согласия и статус ЭПБ выбирайте из выпадающего списка в ячейке.',
  '6. Скрытые столбцы «ID в реестре» и «Версия» — служебные: их заполняет реестр. Не изменяйте и не удаляйте их — по ним при следующей загрузке строка обновит уже записанного человека, а не добавит его второй раз.',
  '',
  'Как загрузить',
  '7. Откройте страницу загрузки реестра в браузере, войдите под своим логином и выберите этот файл. Можно сохранить его и в формате CSV (разделитель «;» или «,», кодировка UTF-8 или Windows-1251) — например, из LibreOffice, МойОфис или Р7-Офис.',
  '8. Сначала нажмите «Проверить»: в реестр ничего не записывается, а вы получите этот же файл с отметками. Затем нажмите «Загрузить».',
  '',
  'Что будет с ошибками',
  '9. Строки с ошибками в реестр не записываются. В ответном файле ячейка с ошибкой закрашена красным, а в примечании к ней (и в столбце «Результат») написано, что исправить.',
  '10. Жёлтым отмечен конфликт: человек уже состоит на учёте в другой организации или его запись за это время изменил другой пользователь. Что делать — написано в столбце «Результат».',
  '11. Исправьте отмеченные ячейки и загрузите тот же файл снова: уже записанные строки не задвоятся, а повторная загрузка без изменений ничего не меняет в реестре.',
  '',
  'Столбцы листа «Члены профсоюза»',
];

/** The sheet «Инструкция»: how to fill the list, how to upload it, what happens to errors, every column. */
export function addInstructionSheet(wb: ExcelJS.Workbook): void {
  const existing = wb.getWorksheet(INSTRUCTION_SHEET_NAME);
  if (existing) wb.removeWorksheet(existing.id);
  const ws = wb.addWorksheet(INSTRUCTION_SHEET_NAME);
  ws.getColumn(1).width = 30;
  ws.getColumn(2).width = 16;
  ws.getColumn(3).width = 70;
  ws.getColumn(4).width = 60;
  let r = 1;
  for (const line of INSTRUCTION_TEXT) {
    const cell = ws.getCell(r, 1);
    cell.value = line;
    if (line && !/^\d+\./.test(line)) cell.font = { bold: true, size: r === 1 ? 14 : 12 };
    r++;
  }
  const head = ws.getRow(r);
  head.values = ['Столбец', 'Обязательный', 'Что вписывать', 'Значения из списка'];
  head.font = { bold: true };
  r++;
  for (const col of MEMBER_COLUMNS) {
    const row = ws.getRow(r++);
    row.values = [
      col.header,
      col.required ? 'да' : col.hidden ? 'служебный, скрыт' : 'нет',
      col.help,
      ((col.options ?? []) as readonly Option<string>[]).map((o) => o.label).join(', '),
    ];
    row.alignment = { wrapText: true, vertical: 'top' };
  }
}

/** A file name without characters Windows forbids. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/\s+/g, ' ').trim().slice(0, 150);
}
