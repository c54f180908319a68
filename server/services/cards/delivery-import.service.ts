/**
 * Card statuses in bulk from a delivery list (roadmap steps 6–7: «Изготовлен», «Отправлен в регион»,
 * «Получен организацией»…). Each row names a member by the register's own columns (order number,
 * surname, name, patronymic, birth date — what the operator's register carries), or by the member id
 * and/or СНИЛС (lists a union body makes from its own records); then the new status and its date; each row is answered: updated, unchanged, or error with the reason
 * (unknown member — a member outside the organisation's subtree is reported exactly the same way —,
 * duplicate row, status out of order, bad date). Valid rows are applied in one transaction; invalid
 * rows change nothing. `dryRun` answers the same without writing.
 */
import { CARD_STATUSES, type CardStatus } from '../../../domain/members/codes';
import { CARD_STATUS_VOCABULARY, choiceLabel, matchVocabulary } from '../../../domain/members/vocabulary';
import { parseDate } from '../../../domain/dates';
import { isBlankCell, normalizeSpaces } from '../../../domain/cell';
import { checkSnils } from '../../../domain/snils';
import { nameKey } from '../../../domain/names';
import type { OrganisationRow } from '../../db/models';
import { recordAudit } from '../audit.service';
import { latestTodayIso, type Actor, type Ctx } from '../context';
import { groups, inList, isoDate, rows } from '../members/sql-literals';
import { writeCardStatuses, type CardStatusRequest } from './card-status-writes';
import { readDeliveryFile, type DeliveryFile } from './delivery-file';
import { cardTransaction, subtreeCondition } from './scope';
import { cardStatusLabel } from './transitions';

export interface DeliveryRowResult {
  row: number;
  outcome: 'updated' | 'unchanged' | 'error';
  memberId: string | null;
  status: CardStatus | null;
  /** ISO date of the status. */
  date: string | null;
  message: string | null;
}

export interface DeliveryImportResult {
  dryRun: boolean;
  format: Pick<DeliveryFile, 'format' | 'encoding' | 'separator' | 'headerRow' | 'columns'>;
  rows: DeliveryRowResult[];
  counts: { updated: number; unchanged: number; error: number };
}

export const UNKNOWN_MEMBER =
  'Член Профсоюза не найден в реестре вашей организации — проверьте номер заявки, фамилию, имя, отчество и дату рождения (или ID члена Профсоюза и СНИЛС).';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS_HINT = CARD_STATUSES.map((s) => `«${s.label}»`).join(', ');

/** A status as typed in a list: any spelling of the card-status vocabulary («выдана», «вручен»), or the unique label it starts (e.g. «Получен»). */
export function parseCardStatus(v: unknown): CardStatus | null {
  if (typeof v !== 'string' || !v.trim()) return null;
  const m = matchVocabulary(CARD_STATUS_VOCABULARY, v);
  if (m.kind === 'value') return m.code;
  const key = v.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();
  const hits = CARD_STATUSES.filter((s) => s.label.toLowerCase().replace(/ё/g, 'е').startsWith(key));
  return hits.length === 1 ? hits[0].code : null;
}

interface Parsed {
  row: number;
  memberId: string | null;
  snils: string | null;
  /** Order number and `nameKey|birth date`, when the row names the member as the operator's register does. */
  byOrder: { order: string; key: string } | null;
  status: CardStatus;
  date: string;
}

function parseRow(r: DeliveryFile['rows'][number], today: string): Parsed | DeliveryRowResult | null {
  const { memberId: rawId, snils: rawSnils, status: rawStatus, date: rawDate, order: rawOrder, surname, name, patronymic, birthDate: rawBirth } = r.cells;
  if ([rawId, rawSnils, rawStatus, rawDate, rawOrder, surname, name, patronymic, rawBirth].every((v) => isBlankCell(v))) return null;
  const error = (message: string): DeliveryRowResult => ({ row: r.row, outcome: 'error', memberId: null, status: null, date: null, message });
  let memberId: string | null = null;
  if (!isBlankCell(rawId)) {
    const s = normalizeSpaces(String(rawId));
    if (!UUID.test(s)) return error(`ID члена Профсоюза «${s.slice(0, 40)}» не похож на ID из реестра. Берите ID из выгруженного реестра.`);
    memberId = s.toLowerCase();
  }
  let snils: string | null = null;
  if (!isBlankCell(rawSnils)) {
    const c = checkSnils(rawSnils);
    if (!c.ok) return error(c.message);
    snils = c.value;
  }
  let byOrder: Parsed['byOrder'] = null;
  if (!isBlankCell(rawOrder) && !isBlankCell(surname) && !isBlankCell(name) && !isBlankCell(rawBirth)) {
    const birth = parseDate(rawBirth, { label: 'Дата рождения' });
    if (!birth.ok) return error(birth.message);
    const text = (v: unknown) => (isBlankCell(v) ? '' : normalizeSpaces(String(v)));
    byOrder = { order: text(rawOrder).toUpperCase(), key: `${nameKey(text(surname), text(name), text(patronymic))}|${birth.value}` };
  }
  if (!memberId && !snils && !byOrder) {
    return error('По строке нельзя найти члена Профсоюза: заполните номер заявки, фамилию, имя и дату рождения (или ID члена Профсоюза, или СНИЛС).');
  }
  if (isBlankCell(rawStatus)) return error(`Не указан статус ЭПБ. Возможные: ${STATUS_HINT}.`);
  const status = parseCardStatus(rawStatus);
  if (!status) {
    const m = typeof rawStatus === 'string' ? matchVocabulary(CARD_STATUS_VOCABULARY, rawStatus) : null;
    const guess = m?.kind === 'unknown' && m.nearest ? ` Возможно, «${choiceLabel(CARD_STATUS_VOCABULARY, m.nearest)}»?` : '';
    return error(`Статус ЭПБ «${normalizeSpaces(String(rawStatus)).slice(0, 40)}» не распознан.${guess} Возможные: ${STATUS_HINT}.`);
  }
  let date = today;
  if (!isBlankCell(rawDate)) {
    const d = parseDate(rawDate, { label: 'Дата статуса', notAfter: today });
    if (!d.ok) return error(d.message);
    date = d.value;
  }
  return { row: r.row, memberId, snils, byOrder, status, date };
}

/** Members of the given orders in the subtree: order number → (`nameKey|birth date` → member ids). */
async function findByOrder(ctx: Ctx, org: OrganisationRow, orders: readonly string[]): Promise<Map<string, Map<string, string[]>>> {
  const out = new Map<string, Map<string, string[]>>();
  const scope = subtreeCondition(org.path);
  for (const part of groups([...new Set(orders)])) {
    for (const r of await rows<{ id: string; number: string; surname: string; name: string; patronymic: string | null; birth_date: unknown }>(
      ctx.db,
      `SELECT m.id, co.number, m.surname, m.name, m.patronymic, m.birth_date
       FROM card_orders co JOIN card_order_items i ON i.order_id = co.id JOIN members m ON m.id = i.member_id JOIN organisations o ON o.id = m.org_id
       WHERE ${inList('co.number', part)} AND ${scope}`,
    )) {
      const byKey = out.get(String(r.number)) ?? new Map<string, string[]>();
      out.set(String(r.number), byKey);
      const key = `${nameKey(String(r.surname), String(r.name), r.patronymic === null ? null : String(r.patronymic))}|${isoDate(r.birth_date)}`;
      byKey.set(key, [...(byKey.get(key) ?? []), String(r.id)]);
    }
  }
  return out;
}

/** Member ids of the subtree by id and by СНИЛС (registered members only for СНИЛС). */
async function findMembers(ctx: Ctx, org: OrganisationRow, ids: readonly string[], snils: readonly string[]) {
  const byId = new Map<string, string | null>();
  const bySnils = new Map<string, string>();
  const scope = subtreeCondition(org.path);
  for (const part of groups([...new Set(ids)])) {
    for (const r of await rows<{ id: string; snils: string | null }>(ctx.db, `SELECT m.id, m.snils FROM members m JOIN organisations o ON o.id = m.org_id WHERE ${inList('m.id', part)} AND ${scope}`)) {
      byId.set(String(r.id), r.snils === null ? null : String(r.snils));
    }
  }
  for (const part of groups([...new Set(snils)])) {
    for (const r of await rows<{ id: string; snils: string }>(
      ctx.db,
      `SELECT m.id, m.snils FROM members m JOIN organisations o ON o.id = m.org_id WHERE ${inList('m.snils', part)} AND m.deregistered_at IS NULL AND ${scope}`,
    )) {
      bySnils.set(String(r.snils), String(r.id));
    }
  }
  return { byId, bySnils };
}

export async function importDeliveryList(ctx: Ctx, actor: Actor, org: OrganisationRow, file: Buffer, opts: { dryRun: boolean }): Promise<DeliveryImportResult> {
  const parsedFile = await readDeliveryFile(file);
  const today = latestTodayIso(ctx);
  const results: DeliveryRowResult[] = [];
  const valid: Parsed[] = [];
  for (const r of parsedFile.rows) {
    const p = parseRow(r, today);
    if (p === null) continue;
    if ('outcome' in p) results.push(p);
    else {
      valid.push(p);
      results.push({ row: p.row, outcome: 'error', memberId: null, status: p.status, date: p.date, message: null });
    }
  }
  const slot = new Map<number, number>(results.map((r, i) => [r.row, i]));

  const { byId, bySnils } = await findMembers(
    ctx,
    org,
    valid.flatMap((v) => (v.memberId ? [v.memberId] : [])),
    valid.flatMap((v) => (v.snils ? [v.snils] : [])),
  );
  const byOrder = await findByOrder(
    ctx,
    org,
    valid.flatMap((v) => (v.byOrder ? [v.byOrder.order] : [])),
  );
  const firstRow = new Map<string, number>();
  const requests: (CardStatusRequest & { row: number })[] = [];
  for (const v of valid) {
    const out = results[slot.get(v.row)!];
    let id: string | null = null;
    const ordered = v.byOrder ? byOrder.get(v.byOrder.order)?.get(v.byOrder.key) : undefined;
    if (ordered && ordered.length > 1) {
      out.message = 'В этой заявке два члена Профсоюза с одинаковыми фамилией, именем, отчеством и датой рождения. Укажите в строке ID члена Профсоюза или СНИЛС.';
      continue;
    }
    if (ordered && !v.memberId && !v.snils) {
      id = ordered[0];
    } else if (v.memberId && byId.has(v.memberId)) {
      id = v.memberId;
      if (v.snils && byId.get(v.memberId) !== v.snils) {
        out.message = 'ID члена Профсоюза и СНИЛС в строке относятся к разным людям (или СНИЛС в реестре другой). Проверьте строку.';
        continue;
      }
    } else if (v.snils) {
      // No id, or an id that is not in the register: the СНИЛС of a registered member identifies too.
      id = bySnils.get(v.snils) ?? null;
    } else if (ordered) {
      id = ordered[0];
    }
    if (id && ordered && ordered[0] !== id) {
      out.message = 'Номер заявки, ФИО и дата рождения в строке относятся к другому члену Профсоюза, чем ID или СНИЛС. Проверьте строку.';
      continue;
    }
    if (!id) {
      out.message = UNKNOWN_MEMBER;
      continue;
    }
    out.memberId = id;
    const first = firstRow.get(id);
    if (first !== undefined) {
      out.message = `Повтор: этот член Профсоюза уже есть в строке ${first}. Оставьте в списке одну строку на человека.`;
      continue;
    }
    firstRow.set(id, v.row);
    const at = v.date === today ? ctx.now() : new Date(`${v.date}T00:00:00.000Z`);
    requests.push({ memberId: id, to: v.status, via: 'import', at, row: v.row });
  }

  const primaries = await memberPrimaries(ctx, requests.map((r) => r.memberId));
  const written = requests.length
    ? await cardTransaction(ctx, primaries, async (tx) => {
        const out = await writeCardStatuses(
          ctx,
          tx,
          requests.map(({ row: _row, ...r }) => r),
          { userId: actor.userId, now: ctx.now(), dryRun: opts.dryRun, auditDetails: { import: 'delivery' } },
        );
        const counts = countOutcomes(out.map((w) => w.outcome));
        await recordAudit(
          ctx,
          {
            userId: actor.userId,
            orgId: org.id,
            action: opts.dryRun ? 'card_delivery.checked' : 'card_delivery.imported',
            entity: 'organisation',
            entityId: org.id,
            details: { format: parsedFile.format, rows: results.length, ...counts },
          },
          tx,
        );
        return out;
      })
    : [];
  written.forEach((w, i) => {
    const out = results[slot.get(requests[i].row)!];
    switch (w.outcome) {
      case 'updated':
        out.outcome = 'updated';
        break;
      case 'unchanged':
        out.outcome = 'unchanged';
        out.message = `Статус уже «${cardStatusLabel(w.status)}».`;
        break;
      case 'refused':
        out.message = w.message;
        break;
      case 'missing':
        out.message = UNKNOWN_MEMBER;
        break;
      case 'stale':
        out.message = 'Запись этого члена Профсоюза изменилась во время загрузки. Загрузите файл ещё раз.';
        break;
    }
  });
  for (const r of results) if (r.outcome === 'error' && r.message === null) r.message = UNKNOWN_MEMBER;
  results.sort((a, b) => a.row - b.row);
  return {
    dryRun: opts.dryRun,
    format: { format: parsedFile.format, encoding: parsedFile.encoding, separator: parsedFile.separator, headerRow: parsedFile.headerRow, columns: parsedFile.columns },
    rows: results,
    counts: {
      updated: results.filter((r) => r.outcome === 'updated').length,
      unchanged: results.filter((r) => r.outcome === 'unchanged').length,
      error: results.filter((r) => r.outcome === 'error').length,
    },
  };
}

function countOutcomes(outcomes: readonly string[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const o of outcomes) c[o] = (c[o] ?? 0) + 1;
  return c;
}

async function memberPrimaries(ctx: Ctx, ids: readonly string[]): Promise<number[]> {
  const out = new Set<number>();
  for (const part of groups([...new Set(ids)])) {
    for (const r of await rows<{ primary_org_id: unknown }>(ctx.db, `SELECT DISTINCT primary_org_id FROM members WHERE ${inList('id', part)}`)) out.add(Number(r.primary_org_id));
  }
  return [...out];
}
