/**
 * The card budget of an organisation for a year (roadmap step 6: «в смете территориальной организации
 * предусмотреть расходы»): per child organisation and in total — cards ordered in the year, cards
 * issued in the year, members who can be ordered a card now (cardEligibility in SQL) — and the cost of
 * each at the year's price. Members count where they are registered now (their unit's place in the tree).
 */
import ExcelJS from 'exceljs';
import { orgKindLabel, pathIds, type OrgKind } from '../../../domain/organisations';
import type { OrganisationRow } from '../../db/models';
import type { Ctx } from '../context';
import { lit, rows, timestampLit } from '../members/sql-literals';
import { eligibleSql } from './eligibility';
import { cardPriceForYear } from './prices.service';
import { subtreeCondition } from './scope';

export interface BudgetLine {
  /** The child organisation; for the organisation's own members (outside any child) its own id with `own` true. */
  orgId: number;
  name: string;
  kind: OrgKind;
  kindLabel: string;
  own: boolean;
  ordered: number;
  issued: number;
  toOrder: number;
  orderedCostKopecks: number;
  toOrderCostKopecks: number;
  /** (ordered + toOrder) × price: what the year's budget must cover. */
  totalCostKopecks: number;
}

export interface CardBudget {
  organisation: { id: number; name: string; kind: OrgKind; kindLabel: string };
  year: number;
  priceKopecks: number;
  priceRub: number;
  rows: BudgetLine[];
  total: Omit<BudgetLine, 'orgId' | 'kind' | 'kindLabel' | 'own'> & { name: string };
  generatedAt: string;
}

type Counts = { ordered: number; issued: number; toOrder: number };

async function countsByOrg(ctx: Ctx, org: OrganisationRow, year: number): Promise<Map<number, Counts>> {
  const scope = subtreeCondition(org.path);
  const from = timestampLit(ctx.db, new Date(Date.UTC(year, 0, 1)));
  const to = timestampLit(ctx.db, new Date(Date.UTC(year + 1, 0, 1)));
  const [ordered, issued, toOrder] = await Promise.all([
    rows<{ org_id: unknown; n: unknown }>(
      ctx.db,
      `SELECT m.org_id, COUNT(*) AS n FROM card_order_items i JOIN card_orders co ON co.id = i.order_id JOIN members m ON m.id = i.member_id JOIN organisations o ON o.id = m.org_id
       WHERE co.status <> 'cancelled' AND co.year = ${lit(year)} AND ${scope} GROUP BY m.org_id`,
    ),
    rows<{ org_id: unknown; n: unknown }>(
      ctx.db,
      `SELECT m.org_id, COUNT(DISTINCT e.member_id) AS n FROM card_events e JOIN members m ON m.id = e.member_id JOIN organisations o ON o.id = m.org_id
       WHERE e.to_status = 'issued' AND e.at >= ${from} AND e.at < ${to} AND ${scope} GROUP BY m.org_id`,
    ),
    rows<{ org_id: unknown; n: unknown }>(
      ctx.db,
      `SELECT m.org_id, COUNT(*) AS n FROM members m JOIN organisations o ON o.id = m.org_id WHERE ${eligibleSql('m')} AND ${scope} GROUP BY m.org_id`,
    ),
  ]);
  const out = new Map<number, Counts>();
  const slot = (id: number) => {
    let c = out.get(id);
    if (!c) out.set(id, (c = { ordered: 0, issued: 0, toOrder: 0 }));
    return c;
  };
  for (const r of ordered) slot(Number(r.org_id)).ordered += Number(r.n);
  for (const r of issued) slot(Number(r.org_id)).issued += Number(r.n);
  for (const r of toOrder) slot(Number(r.org_id)).toOrder += Number(r.n);
  return out;
}

/** GET …/cards/budget?year=: counts and costs per child organisation and in total. */
export async function cardBudget(ctx: Ctx, org: OrganisationRow, year: number): Promise<CardBudget> {
  const price = await cardPriceForYear(ctx, year);
  const counts = await countsByOrg(ctx, org, year);
  const paths = new Map<number, string>();
  if (counts.size) {
    const ids = [...counts.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      for (const r of await rows<{ id: unknown; path: string }>(ctx.db, `SELECT id, path FROM organisations WHERE id IN (${ids.slice(i, i + 500).join(',')})`)) {
        paths.set(Number(r.id), String(r.path));
      }
    }
  }
  const children = await rows<{ id: unknown; name: string; kind: string; status: string }>(
    ctx.db,
    `SELECT id, name, kind, status FROM organisations WHERE parent_id = ${lit(org.id)} ORDER BY name, id`,
  );
  const depth = pathIds(org.path).length;
  const perChild = new Map<number, Counts>();
  const own: Counts = { ordered: 0, issued: 0, toOrder: 0 };
  for (const [orgId, c] of counts) {
    const ids = pathIds(paths.get(orgId) ?? '');
    const target = ids.length > depth ? ids[depth] : null;
    const into = target === null ? own : (perChild.get(target) ?? perChild.set(target, { ordered: 0, issued: 0, toOrder: 0 }).get(target)!);
    into.ordered += c.ordered;
    into.issued += c.issued;
    into.toOrder += c.toOrder;
  }
  const line = (orgId: number, name: string, kind: OrgKind, isOwn: boolean, c: Counts): BudgetLine => ({
    orgId,
    name,
    kind,
    kindLabel: orgKindLabel(kind),
    own: isOwn,
    ...c,
    orderedCostKopecks: c.ordered * price,
    toOrderCostKopecks: c.toOrder * price,
    totalCostKopecks: (c.ordered + c.toOrder) * price,
  });
  const lines: BudgetLine[] = [];
  for (const ch of children) {
    const c = perChild.get(Number(ch.id)) ?? { ordered: 0, issued: 0, toOrder: 0 };
    if (ch.status !== 'active' && c.ordered + c.issued + c.toOrder === 0) continue;
    lines.push(line(Number(ch.id), String(ch.name), String(ch.kind) as OrgKind, false, c));
  }
  if (own.ordered + own.issued + own.toOrder > 0) lines.push(line(org.id, `${org.name} (без нижестоящих)`, org.kind, true, own));
  const sum = lines.reduce<Counts>((a, l) => ({ ordered: a.ordered + l.ordered, issued: a.issued + l.issued, toOrder: a.toOrder + l.toOrder }), { ordered: 0, issued: 0, toOrder: 0 });
  const { orgId: _i, kind: _k, kindLabel: _l, own: _o, ...total } = line(org.id, `Итого: ${org.name}`, org.kind, false, sum);
  return {
    organisation: { id: org.id, name: org.name, kind: org.kind, kindLabel: orgKindLabel(org.kind) },
    year,
    priceKopecks: price,
    priceRub: price / 100,
    rows: lines,
    total,
    generatedAt: ctx.now().toISOString(),
  };
}

export const BUDGET_SHEET_NAME = 'Бюджет ЭПБ';
export const BUDGET_HEADERS = [
  'Организация',
  'Заказано билетов',
  'Выдано билетов',
  'Можно заказать',
  'Стоимость заказанных, руб.',
  'Стоимость к заказу, руб.',
  'Всего на год, руб.',
] as const;
const MONEY = '#,##0.00';

/**
 * The budget as .xlsx: title, year and price, the table with a total row. No chart: exceljs cannot
 * write charts — the add-in draws one on its «Бюджет ЭПБ» sheet (addin/excel/budget-sheet.ts); the file says so.
 */
export async function buildBudgetWorkbook(b: CardBudget): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Реестр Профсоюза';
  wb.created = new Date(b.generatedAt);
  const ws = wb.addWorksheet(BUDGET_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 5 }] });
  ws.getCell('A1').value = `Бюджет на электронные профсоюзные билеты на ${b.year} год: ${b.organisation.name}`;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = `Цена одного билета в ${b.year} году: ${b.priceRub.toFixed(2).replace('.', ',')} руб. Данные на ${b.generatedAt.slice(8, 10)}.${b.generatedAt.slice(5, 7)}.${b.generatedAt.slice(0, 4)}.`;
  ws.getCell('A3').value =
    '«Можно заказать» — члены Профсоюза, которым билет можно заказать сейчас (есть оба согласия, телефон и дата рождения, билета нет). ' +
    'Диаграмма в этот файл не входит (программа выгрузки не умеет записывать диаграммы): её строит надстройка «Реестр» на листе «Бюджет ЭПБ».';
  const header = ws.getRow(5);
  BUDGET_HEADERS.forEach((h, i) => (header.getCell(i + 1).value = h));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'top' };
  ws.getColumn(1).width = 50;
  for (let c = 2; c <= BUDGET_HEADERS.length; c++) ws.getColumn(c).width = 16;
  const write = (rowNo: number, name: string, l: Omit<BudgetLine, 'orgId' | 'kind' | 'kindLabel' | 'own'>, bold: boolean) => {
    const row = ws.getRow(rowNo);
    const values = [name, l.ordered, l.issued, l.toOrder, l.orderedCostKopecks / 100, l.toOrderCostKopecks / 100, l.totalCostKopecks / 100];
    values.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      cell.value = v;
      if (i >= 4) cell.numFmt = MONEY;
    });
    if (bold) row.font = { bold: true };
  };
  b.rows.forEach((l, i) => write(6 + i, l.name, l, false));
  write(6 + b.rows.length, b.total.name, b.total, true);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function budgetFileName(b: CardBudget): string {
  // eslint-disable-next-line no-control-regex
  const name = b.organisation.name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80);
  return `Бюджет ЭПБ ${b.year} — ${name}.xlsx`;
}
