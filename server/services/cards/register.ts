/**
 * The member register of a batch for the card operator (ООО «ФИНФОРТ»), as .xlsx and as .csv, in the
 * column layout documented in docs/card-operator-register.md. Its columns carry only what the member's
 * consent to the operator lists (domain/card-operator-data.ts): no СНИЛС, no sex, no internal id.
 * The same headers are what the delivery import reads back («Номер заявки», «Фамилия», «Имя»,
 * «Отчество», «Дата рождения», «Статус ЭПБ», «Дата статуса»), so the operator can return the register
 * with the statuses filled in. Pure functions: rows in, bytes out.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { CATEGORIES, labelForCode, type CardStatus, type CategoryCode } from '../../../domain/members/codes';
import type { OperatorRegisterColumn } from '../../../domain/card-operator-data';
import { formatDateRu } from '../../../domain/dates';
import { neutraliseCell } from '../spreadsheets/neutralise';
import { cardStatusLabel } from './transitions';

export interface RegisterMember {
  /** The register's own id: for the audit record of the export only, never written into the file. */
  memberId: string;
  orderNumber: string;
  kind: 'new' | 'reissue';
  surname: string;
  name: string;
  patronymic: string | null;
  /** ISO date. */
  birthDate: string;
  /** E.164. */
  phone: string | null;
  email: string | null;
  category: CategoryCode | string;
  primaryOrgName: string;
  cardStatus: CardStatus | null;
  /** ISO timestamp of the current status. */
  cardStatusAt: string | null;
}

export interface RegisterBatch {
  number: string;
  /** ISO timestamp. */
  createdAt: string;
  orgName: string;
  cardCount: number;
  priceKopecks: number;
  costKopecks: number;
  /** Members of the batch left out of the register (deregistered, consent to the operator withdrawn, card blocked). */
  excluded: number;
}

/**
 * The register's columns, in order. Each key is the row counter or a column of the consent's data list
 * (domain/card-operator-data.ts; the type refuses any other key, operator-data.test.ts checks both ways).
 * Changing them changes docs/card-operator-register.md and the delivery import.
 */
export const REGISTER_COLUMNS: readonly { key: 'no' | OperatorRegisterColumn; header: string; width: number }[] = [
  { key: 'no', header: '№', width: 6 },
  { key: 'batch', header: 'Номер партии', width: 20 },
  { key: 'order', header: 'Номер заявки', width: 18 },
  { key: 'kind', header: 'Вид заявки', width: 14 },
  { key: 'surname', header: 'Фамилия', width: 18 },
  { key: 'name', header: 'Имя', width: 16 },
  { key: 'patronymic', header: 'Отчество', width: 18 },
  { key: 'birthDate', header: 'Дата рождения', width: 14 },
  { key: 'phone', header: 'Телефон', width: 15 },
  { key: 'email', header: 'E-mail', width: 28 },
  { key: 'category', header: 'Категория', width: 22 },
  { key: 'primaryOrg', header: 'Первичная профсоюзная организация', width: 40 },
  { key: 'status', header: 'Статус ЭПБ', width: 20 },
  { key: 'statusDate', header: 'Дата статуса', width: 14 },
];

export type RegisterColumnKey = 'no' | OperatorRegisterColumn;

export const REGISTER_SHEET_NAME = 'Реестр ЭПБ';
export const REGISTER_INFO_SHEET_NAME = 'Сведения';
export const KIND_LABELS = { new: 'Новый билет', reissue: 'Перевыпуск' } as const;

/** One row of the register as text, by column key (dates ДД.ММ.ГГГГ, phone +7XXXXXXXXXX). */
export function registerCells(batchNumber: string, m: RegisterMember, index: number): Record<RegisterColumnKey, string> {
  return {
    no: String(index + 1),
    batch: batchNumber,
    order: m.orderNumber,
    kind: KIND_LABELS[m.kind],
    surname: m.surname,
    name: m.name,
    patronymic: m.patronymic ?? '',
    birthDate: formatDateRu(m.birthDate),
    phone: m.phone ?? '',
    email: m.email ?? '',
    category: labelForCode(CATEGORIES, m.category as CategoryCode) || String(m.category ?? ''),
    primaryOrg: m.primaryOrgName,
    status: cardStatusLabel(m.cardStatus),
    statusDate: m.cardStatusAt ? formatDateRu(m.cardStatusAt.slice(0, 10)) : '',
  };
}

/**
 * Columns whose text comes from people (names, e-mail, organisation names): neutralised against formula
 * injection in the CSV (server/services/spreadsheets/neutralise). The phone (+7 and digits) is left as
 * the operator expects it.
 */
const FREE_TEXT: ReadonlySet<RegisterColumnKey> = new Set(['surname', 'name', 'patronymic', 'email', 'primaryOrg']);

function csvField(s: string): string {
  return /[";\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_SEPARATOR = ';';
export const CSV_BOM = '\uFEFF';

/** The register as CSV: UTF-8 with BOM, `;` between fields, CRLF line ends, RFC 4180 quoting. */
export function buildRegisterCsv(batch: RegisterBatch, members: readonly RegisterMember[]): Buffer {
  const lines = [REGISTER_COLUMNS.map((c) => csvField(c.header)).join(CSV_SEPARATOR)];
  members.forEach((m, i) => {
    const cells = registerCells(batch.number, m, i);
    lines.push(REGISTER_COLUMNS.map((c) => csvField(FREE_TEXT.has(c.key) ? neutraliseCell(cells[c.key]) : cells[c.key])).join(CSV_SEPARATOR));
  });
  return Buffer.from(CSV_BOM + lines.join('\r\n') + '\r\n', 'utf8');
}

const isoDay = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00.000Z`);

/**
 * The register as .xlsx: sheet «Реестр ЭПБ» with the header in row 1 and one member per row (dates as
 * Excel dates shown ДД.ММ.ГГГГ, everything else as text), and sheet «Сведения» about the batch.
 */
export async function buildRegisterXlsx(batch: RegisterBatch, members: readonly RegisterMember[]): Promise<Buffer> {
  // The streaming writer: rows go out as they are made (a 30,000-member register stays small in memory).
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Реестр Профсоюза';
  wb.created = new Date(batch.createdAt);
  const ws = wb.addWorksheet(REGISTER_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  // Formats by column (cells take their column's style): dates as dates, the rest as text, № as a number.
  ws.columns = REGISTER_COLUMNS.map((c) => ({
    key: c.key,
    width: c.width,
    style: { numFmt: c.key === 'birthDate' || c.key === 'statusDate' ? 'dd.mm.yyyy' : c.key === 'no' ? 'General' : '@' },
  }));
  const header = ws.addRow(REGISTER_COLUMNS.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  members.forEach((m, i) => {
    const cells = registerCells(batch.number, m, i);
    ws.addRow(
      REGISTER_COLUMNS.map((c) =>
        c.key === 'no' ? i + 1 : c.key === 'birthDate' ? isoDay(m.birthDate) : c.key === 'statusDate' ? (m.cardStatusAt ? isoDay(m.cardStatusAt) : null) : cells[c.key],
      ),
    ).commit();
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: REGISTER_COLUMNS.length } };
  ws.commit();

  const info = wb.addWorksheet(REGISTER_INFO_SHEET_NAME);
  info.columns = [{ width: 36 }, { width: 60 }];
  const lines: [string, string | number][] = [
    ['Партия', batch.number],
    ['Дата партии', formatDateRu(batch.createdAt.slice(0, 10))],
    ['Организация', batch.orgName],
    ['Билетов в партии', batch.cardCount],
    ['Членов Профсоюза в реестре', members.length],
    ['Цена одного билета, руб.', batch.priceKopecks / 100],
    ['Стоимость партии, руб.', batch.costKopecks / 100],
  ];
  if (batch.excluded > 0) {
    lines.push([
      'Не включены в реестр',
      `${batch.excluded} — сняты с учёта, отозвали согласие ООО «ФИНФОРТ» или билет заблокирован после заказа. Их данные оператору не передаются.`,
    ]);
  }
  lines.push([
    'Как сообщить статусы',
    'Заполните «Статус ЭПБ» и «Дата статуса» (ДД.ММ.ГГГГ) и верните файл: он загружается в реестр как список доставки. Остальные столбцы не меняйте.',
  ]);
  for (const [k, v] of lines) {
    const row = info.addRow([k, v]);
    row.getCell(1).font = { bold: true };
    row.commit();
  }
  info.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
