/**
 * The price of one card by year: config/documents.json card_prices (roubles) with the central
 * administrator's overrides (table card_prices, kopecks) on top. A price stays in force until a later
 * year sets a new one — the same rule as server/documents' cardPriceKopecks.
 */
import type { Transaction } from 'sequelize';
import { loadDocumentsConfig, type DocumentsConfig } from '../../documents';
import { AppError } from '../../errors';
import { recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { exec, isoTimestamp, lit, rows, timestampLit } from '../members/sql-literals';
import { cardTransaction } from './scope';

export interface CardPriceView {
  year: number;
  priceKopecks: number;
  priceRub: number;
  /** 'config': from config/documents.json; 'override': set by the central administrator. */
  source: 'config' | 'override';
  updatedAt: string | null;
}

export const MIN_PRICE_YEAR = 2000;
export const MAX_PRICE_YEAR = 2100;

function configPrices(config: DocumentsConfig): Map<number, number> {
  const out = new Map<number, number>();
  for (const [y, rub] of Object.entries(config.card_prices)) out.set(Number(y), Math.round(rub * 100));
  return out;
}

async function overrides(ctx: Ctx, tx?: Transaction): Promise<Map<number, { kopecks: number; updatedAt: string | null }>> {
  const found = await rows<{ year: unknown; price_kopecks: unknown; updated_at: unknown }>(ctx.db, 'SELECT year, price_kopecks, updated_at FROM card_prices', tx);
  return new Map(found.map((r) => [Number(r.year), { kopecks: Number(r.price_kopecks), updatedAt: isoTimestamp(r.updated_at) }]));
}

/** Every year with a price of its own: the config's and the overrides (an override replaces the config's price of its year). */
export async function listCardPrices(ctx: Ctx, tx?: Transaction): Promise<CardPriceView[]> {
  const merged = new Map<number, CardPriceView>();
  for (const [year, kopecks] of configPrices(loadDocumentsConfig())) {
    merged.set(year, { year, priceKopecks: kopecks, priceRub: kopecks / 100, source: 'config', updatedAt: null });
  }
  for (const [year, o] of await overrides(ctx, tx)) {
    merged.set(year, { year, priceKopecks: o.kopecks, priceRub: o.kopecks / 100, source: 'override', updatedAt: o.updatedAt });
  }
  return [...merged.values()].sort((a, b) => a.year - b.year);
}

/** The price in force in `year` (the latest year ≤ `year` that sets one), kopecks; 422 when none. */
export async function cardPriceForYear(ctx: Ctx, year: number, tx?: Transaction): Promise<number> {
  const prices = (await listCardPrices(ctx, tx)).filter((p) => p.year <= year);
  if (!prices.length) {
    throw new AppError(
      422,
      'card_price_missing',
      `Не задана цена электронного профсоюзного билета на ${year} год. Администратор реестра задаёт цену по годам в настройках (цены ЭПБ).`,
    );
  }
  return prices[prices.length - 1].priceKopecks;
}

/** Sets (or with priceRub null removes) the central administrator's price for a year. */
export async function setCardPrice(ctx: Ctx, actor: Actor, input: { year: number; priceRub: number | null }): Promise<CardPriceView[]> {
  const { year, priceRub } = input;
  if (!Number.isInteger(year) || year < MIN_PRICE_YEAR || year > MAX_PRICE_YEAR) {
    throw new AppError(422, 'bad_year', `Год цены: от ${MIN_PRICE_YEAR} до ${MAX_PRICE_YEAR}.`, [{ field: 'year', message: 'Неверный год' }]);
  }
  let kopecks: number | null = null;
  if (priceRub !== null) {
    kopecks = Math.round(priceRub * 100);
    if (!(priceRub > 0) || Math.abs(kopecks - priceRub * 100) > 1e-6 || kopecks > 100_000_00) {
      throw new AppError(422, 'bad_price', 'Цена билета: положительное число рублей, не больше двух знаков после запятой (например, 17 или 25,50).', [
        { field: 'priceRub', message: 'Неверная цена' },
      ]);
    }
  }
  const db = ctx.db;
  await cardTransaction(ctx, [], async (tx) => {
    await exec(db, `DELETE FROM card_prices WHERE year = ${lit(year)}`, tx);
    if (kopecks !== null) {
      await exec(
        db,
        `INSERT INTO card_prices (year, price_kopecks, updated_by, updated_at) VALUES (${lit(year)}, ${lit(kopecks)}, ${lit(actor.userId)}, ${timestampLit(db, ctx.now())})`,
        tx,
      );
    }
    await recordAudit(ctx, { userId: actor.userId, orgId: actor.orgId, action: 'card_price.set', entity: 'card_price', entityId: year, details: { year, priceKopecks: kopecks } }, tx);
  });
  return listCardPrices(ctx);
}
