/**
 * The blank template and the export of an organisation's members, in the one column schema of
 * domain/members/columns.ts: an exported workbook can be edited and uploaded back (its hidden
 * columns carry each member's id and version, so the upload updates instead of duplicating).
 * Every export is recorded in the audit log: who, when, which organisation, how many members — no names.
 */
import { formatDateRu } from '../../../domain/dates';
import { MEMBER_COLUMNS, type ColumnKey, type MemberFieldKey } from '../../../domain/members/columns';
import { isPrimary } from '../../../domain/organisations';
import { AppError } from '../../errors';
import type { FileResult } from '../../http/route';
import type { ScopedOrg } from '../access';
import { recordAudit } from '../audit.service';
import { todayIso, type Actor, type Ctx } from '../context';
import { iterateMembers, type PulledMember } from '../members/pull.service';
import { deregistrationReasonLabel } from '../members/reasons';
import { inList, rows as queryRows } from '../members/sql-literals';
import { toCsv } from './csv';
import { buildMemberWorkbook, CSV_CONTENT_TYPE, safeFileName, XLSX_CONTENT_TYPE, type MemberSheetRow } from './member-layout';

export type ExportFormat = 'xlsx' | 'csv';

/** One file holds at most this many members (an .xlsx is built in memory: ~10 KB a member). */
export const EXPORT_MAX_MEMBERS: Record<ExportFormat, number> = { xlsx: 50_000, csv: 300_000 };

export interface ExportOptions {
  /** Members of the units (профбюро, профгруппы) and, above a primary organisation, of its primaries. Default true. */
  subtree?: boolean;
  includeDeregistered?: boolean;
}

/** The blank list: headers, dropdowns, formats, hidden id/version, the instruction sheet. No personal data. */
export async function memberTemplate(ctx: Ctx): Promise<FileResult> {
  const wb = buildMemberWorkbook([], { now: ctx.now() });
  return { file: Buffer.from(await wb.xlsx.writeBuffer()), contentType: XLSX_CONTENT_TYPE, fileName: 'Шаблон списка членов Профсоюза.xlsx' };
}

const isoToDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A member as a sheet row: dates as real dates (xlsx) or ДД.ММ.ГГГГ (csv), labels, formatted СНИЛС and phone. */
function memberValues(m: PulledMember, format: ExportFormat): MemberSheetRow['values'] {
  const values: MemberSheetRow['values'] = { id: m.id, version: m.version };
  for (const col of MEMBER_COLUMNS) {
    if (col.type === 'id' || col.type === 'version') continue;
    const key = col.key as MemberFieldKey;
    const raw = m.data[key];
    if (raw === null || raw === undefined || raw === '') continue;
    values[key] = col.type === 'date' && format === 'xlsx' ? isoToDate(String(raw)) : m.cells[key];
  }
  return values;
}

async function primaryNames(ctx: Ctx, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!ids.length) return out;
  for (const o of await queryRows<{ id: number; name: string }>(ctx.db, `SELECT id, name FROM organisations WHERE ${inList('id', ids)}`)) out.set(Number(o.id), o.name);
  return out;
}

/**
 * Every member of the organisation as .xlsx or .csv. Scope (404 outside the actor's subtree) and the
 * obligation: checked once, by the route (http/route.ts, a `personalData` route), see services/access.ts.
 * Above a primary organisation a column «Первичная организация» is added; with deregistered members,
 * «Снят с учёта» and «Причина снятия».
 */
export async function exportMembers(ctx: Ctx, actor: Actor, org: ScopedOrg, format: ExportFormat, opts: ExportOptions = {}): Promise<FileResult> {
  const subtree = opts.subtree ?? true;
  const includeDeregistered = opts.includeDeregistered ?? false;
  const members: PulledMember[] = [];
  for await (const page of iterateMembers(ctx, actor, org, { subtree, includeDeregistered })) {
    members.push(...page);
    if (members.length > EXPORT_MAX_MEMBERS[format]) {
      throw new AppError(
        413,
        'export_too_large',
        format === 'xlsx'
          ? `В выгрузке больше ${EXPORT_MAX_MEMBERS.xlsx.toLocaleString('ru-RU')} членов Профсоюза — для одной книги Excel это слишком много. Выгрузите списки нижестоящих организаций по отдельности или весь список в формате CSV.`
          : `В выгрузке больше ${EXPORT_MAX_MEMBERS.csv.toLocaleString('ru-RU')} членов Профсоюза. Выгрузите списки нижестоящих организаций по отдельности.`,
      );
    }
  }

  const extraHeaders: string[] = [];
  const primaryCol = !isPrimary(org.kind);
  if (primaryCol) extraHeaders.push('Первичная организация');
  if (includeDeregistered) extraHeaders.push('Снят с учёта', 'Причина снятия');
  const names = primaryCol ? await primaryNames(ctx, [...new Set(members.map((m) => m.primaryOrgId))]) : new Map<number, string>();
  const sheetRows: MemberSheetRow[] = members.map((m) => ({
    values: memberValues(m, format),
    extra: [
      ...(primaryCol ? [names.get(m.primaryOrgId) ?? null] : []),
      ...(includeDeregistered ? [m.deregisteredAt ? formatDateRu(m.deregisteredAt) : null, deregistrationReasonLabel(ctx, m.deregistrationReason)] : []),
    ],
  }));

  const today = todayIso(ctx);
  const base = safeFileName(`Члены Профсоюза — ${org.name} — ${formatDateRu(today)}`);
  let file: FileResult;
  if (format === 'xlsx') {
    const wb = buildMemberWorkbook(sheetRows, { extraHeaders, now: ctx.now() });
    file = { file: Buffer.from(await wb.xlsx.writeBuffer()), contentType: XLSX_CONTENT_TYPE, fileName: `${base}.xlsx` };
  } else {
    const header = [...MEMBER_COLUMNS.map((c) => c.header), ...extraHeaders];
    const lines = sheetRows.map((r) => [
      ...MEMBER_COLUMNS.map((c) => {
        const v = r.values[c.key as ColumnKey];
        return v === undefined || v === null ? null : v instanceof Date ? formatDateRu(v.toISOString().slice(0, 10)) : v;
      }),
      ...(r.extra ?? []),
    ]);
    file = { file: toCsv([header, ...lines]), contentType: CSV_CONTENT_TYPE, fileName: `${base}.csv` };
  }
  await recordAudit(ctx, {
    userId: actor.userId,
    orgId: org.id,
    action: 'members.exported',
    entity: 'organisation',
    entityId: org.id,
    details: { format, count: members.length, subtree, includeDeregistered },
  });
  return file;
}
