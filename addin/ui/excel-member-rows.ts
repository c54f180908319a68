/**
 * After an action on selected members (consent ticks, card orders, issuing) the registry has new
 * values and a new version for them: this writes those back into the member sheet so the next
 * «Отправить в реестр» is not a conflict. Rows are found by the hidden id (not by row number: the
 * chair may have sorted the sheet meanwhile). Only the consent and card columns, the hidden version
 * and «Результат» are written; other cells the chair may have changed since are left as they are.
 *
 * Same rules as addin/excel: takes the context it is given, one sync to look at the table, one per
 * chunk of rows read, one per chunk written, and the fingerprint store (read + rewrite) when a row
 * is now exactly as the registry has it.
 */
import { MEMBER_COLUMNS, MEMBER_SHEET_NAME, MEMBER_TABLE_NAME, type ColumnKey, type MemberColumn, type MemberFieldKey, type RawMemberRow } from '../../domain/members/columns';
import { probeStore, readStore, writeStore } from '../excel/fingerprint-store';
import { mapMemberHeaders, memberRowFingerprint, toSheetCell } from '../excel/member-sheet';
import { cellText, chunkLimits, narrowRows, officeErrorCode, readRowsInChunks, SheetError, type ChunkLimits } from '../excel/sheet-utils';

/** The columns an action on selected members changes. */
export const ACTION_FIELDS: readonly MemberFieldKey[] = [
  'consentUnion',
  'consentUnionDate',
  'consentOperator',
  'consentOperatorDate',
  'consentNotify',
  'consentNotifyDate',
  'cardStatus',
];

/** A member as the registry has it now (GET /members/:id or a page of GET …/members). */
export interface RegistryMember {
  id: string;
  version: number;
  /** Cell values by field key, as the registry sends them (labels, dd.mm.yyyy dates). */
  cells: Partial<Record<MemberFieldKey, string | number | null>>;
}

export interface RefreshRowsReport {
  /** Rows updated (a member may stand on two rows: both are updated). */
  rows: number;
  /** Members of `members` not found on the sheet. */
  missing: string[];
  /** Rows that are now exactly as the registry has them (their fingerprint was stored). */
  clean: number;
  syncs: number;
}

const FIELD_COLUMNS: readonly MemberColumn[] = MEMBER_COLUMNS.filter((c) => c.type !== 'id' && c.type !== 'version');

/** The row as writeMembersFromRegistry would write it (for its fingerprint). */
export function registryRowValues(m: RegistryMember): RawMemberRow {
  const out: RawMemberRow = {};
  for (const c of FIELD_COLUMNS) out[c.key] = toSheetCell(c, m.cells[c.key as MemberFieldKey] ?? null);
  return out;
}

/** The sheet row after the update: its own cells, with the action's columns from the registry. */
export function mergedRowValues(current: RawMemberRow, m: RegistryMember, fields: readonly MemberFieldKey[]): RawMemberRow {
  const out: RawMemberRow = { ...current };
  for (const key of fields) out[key] = toSheetCell(MEMBER_COLUMNS.find((c) => c.key === key)!, m.cells[key] ?? null);
  return out;
}

export interface RefreshRowsOptions {
  /** Columns to take from the registry (default ACTION_FIELDS). */
  fields?: readonly MemberFieldKey[];
  /** Text for «Результат» of an updated row (none: the cell is left as it is). */
  resultText?: (memberId: string) => string | null;
  limits?: Partial<ChunkLimits>;
}

export async function refreshMemberRows(context: Excel.RequestContext, members: readonly RegistryMember[], opts: RefreshRowsOptions = {}): Promise<RefreshRowsReport> {
  const limits = chunkLimits(opts.limits);
  const fields = opts.fields ?? ACTION_FIELDS;
  const table = context.workbook.tables.getItem(MEMBER_TABLE_NAME);
  const header = table.getHeaderRowRange();
  header.load('values, columnIndex, columnCount');
  const body = table.getDataBodyRange();
  body.load('rowIndex, rowCount');
  const sheet = table.worksheet;
  const probe = probeStore(context);
  try {
    await context.sync();
  } catch (err) {
    if (officeErrorCode(err) === 'ItemNotFound') {
      throw new SheetError('table_missing', `Листа «${MEMBER_SHEET_NAME}» в книге нет: реестр обновлён, а на лист писать некуда. Нажмите в разделе «Члены» «Загрузить из реестра».`);
    }
    throw err;
  }
  let syncs = 1;
  const columns = mapMemberHeaders(header.values[0]);
  const pos = columns.position;
  if (pos.id === undefined || pos.version === undefined) {
    throw new SheetError('columns_missing', `В таблице на листе «${MEMBER_SHEET_NAME}» нет служебных столбцов «ID в реестре» и «Версия». Нажмите в разделе «Члены» «Создать лист членов» — столбцы вернутся.`);
  }
  const idPos = pos.id;
  const width = header.columnCount;
  const byId = new Map(members.map((m) => [m.id, m]));
  const fieldPos = FIELD_COLUMNS.filter((c) => pos[c.key] !== undefined).map((c) => [c.key, pos[c.key] as number] as const);

  interface Hit {
    index: number;
    member: RegistryMember;
    clean: boolean;
  }
  const hits: Hit[] = [];
  const found = new Set<string>();
  const read = await readRowsInChunks(
    context,
    body.rowCount,
    width,
    (start, count) => sheet.getRangeByIndexes(body.rowIndex + start, header.columnIndex, count, width),
    (start, values) =>
      values.forEach((cells, i) => {
        const id = cellText(cells[idPos]).trim();
        const member = id ? byId.get(id) : undefined;
        if (!member) return;
        found.add(id);
        const current: RawMemberRow = {};
        for (const [key, p] of fieldPos) current[key] = cells[p];
        const after = mergedRowValues(current, member, fields.filter((f) => pos[f] !== undefined));
        hits.push({ index: start + i, member, clean: memberRowFingerprint(after) === memberRowFingerprint(registryRowValues(member)) });
      }),
    limits,
  );
  syncs += read.syncs;
  const missing = members.map((m) => m.id).filter((id) => !found.has(id));
  if (hits.length === 0) return { rows: 0, missing, clean: 0, syncs };

  // One column slice per written column from the first hit to the last; null leaves a cell as it is.
  const written: [ColumnKey | 'result', number, (h: Hit) => string | number | null][] = [];
  for (const key of fields) {
    const p = pos[key];
    if (p === undefined) continue;
    const col = MEMBER_COLUMNS.find((c) => c.key === key)!;
    written.push([key, p, (h) => toSheetCell(col, h.member.cells[key] ?? null)]);
  }
  written.push(['version', pos.version, (h) => h.member.version]);
  if (opts.resultText && pos.result !== undefined) {
    const text = opts.resultText;
    written.push(['result', pos.result, (h) => text(h.member.id)]);
  }
  hits.sort((a, b) => a.index - b.index);
  const byIndex = new Map(hits.map((h) => [h.index, h]));
  const first = hits[0].index;
  const last = hits[hits.length - 1].index;
  const step = Math.max(1, Math.floor(narrowRows(limits, written.length) / 2));
  for (let start = first; start <= last; start += step) {
    const count = Math.min(step, last - start + 1);
    for (const [, p, value] of written) {
      const slice = Array.from({ length: count }, (_, i) => {
        const h = byIndex.get(start + i);
        return [h ? value(h) : null];
      });
      sheet.getRangeByIndexes(body.rowIndex + start, header.columnIndex + p, count, 1).values = slice as (string | number)[][];
    }
    await context.sync();
    syncs++;
  }

  // Rows now exactly as the registry has them are «unchanged» for the next push.
  const clean = hits.filter((h) => h.clean);
  if (clean.length) {
    const store = await readStore(context, probe, limits);
    syncs += store.syncs;
    for (const h of clean) store.map.set(h.member.id, memberRowFingerprint(registryRowValues(h.member)));
    syncs += await writeStore(context, probe, store.map, limits);
  }
  return { rows: hits.length, missing, clean: clean.length, syncs };
}
