/** Running numbers of orders («ЭПБ-2026-000123») and batches («ЭПБ-П-2026-000012»), per year, gap-free in practice. */
import type { Transaction } from 'sequelize';
import type { Ctx } from '../context';
import { lit, rows } from '../members/sql-literals';

export type NumberKind = 'order' | 'batch';

export function formatCardNumber(kind: NumberKind, year: number, n: number): string {
  return `${kind === 'order' ? 'ЭПБ' : 'ЭПБ-П'}-${year}-${String(n).padStart(6, '0')}`;
}

/** The next number of a kind in a year, in the caller's transaction (the counter row is locked until it ends). */
export async function nextCardNumber(ctx: Ctx, tx: Transaction, kind: NumberKind, year: number): Promise<string> {
  const [row] = await rows<{ last: unknown }>(
    ctx.db,
    `INSERT INTO card_numbers (kind, year, last) VALUES (${lit(kind)}, ${lit(year)}, 1) ` +
      `ON CONFLICT (kind, year) DO UPDATE SET last = card_numbers.last + 1 RETURNING last`,
    tx,
  );
  return formatCardNumber(kind, year, Number(row.last));
}
