/**
 * The card (ЭПБ) transition table the server enforces. It is configuration: config/card-transitions.json
 * (or the file named by CARD_TRANSITIONS_FILE), read once into Config.cardTransitions at start. The file
 * shipped holds domain/cards' DEFAULT_CARD_TRANSITIONS. Every card status change — an order and its
 * cancel, a delivery list, the sheet's «Статус ЭПБ» column, the action on selected rows — is checked
 * here; the Russian refusals come from domain/cards' cardTransitionProblem.
 *
 * The status codes themselves are fixed (domain/members/codes): eligibility, the budget and the
 * operator's register give them meaning. Which moves between them are allowed, and through which
 * channel, is what a region may change.
 */
import path from 'node:path';
import { z } from 'zod';
import { parseConfig, readConfigJson } from '../../config-file';
import { cardStatusLabel, cardTransitionProblem, type CardChangeVia, type CardTransition } from '../../../domain/cards';
import { formatDateRu } from '../../../domain/dates';
import { CARD_STATUSES, type CardStatus } from '../../../domain/members/codes';

export const CARD_STATUS_CODES: readonly CardStatus[] = CARD_STATUSES.map((s) => s.code);
export const CARD_VIAS: readonly CardChangeVia[] = ['order', 'import', 'sheet', 'system'];

export const DEFAULT_CARD_TRANSITIONS_PATH = path.resolve(__dirname, '..', '..', '..', 'config', 'card-transitions.json');

export function isCardStatus(v: unknown): v is CardStatus {
  return typeof v === 'string' && (CARD_STATUS_CODES as readonly string[]).includes(v);
}

const statusCode = z.enum(CARD_STATUS_CODES as [CardStatus, ...CardStatus[]]);
const FileSchema = z
  .object({
    $comment: z.string().optional(),
    transitions: z
      .array(
        z
          .object({
            from: statusCode,
            to: statusCode,
            via: z.array(z.enum(CARD_VIAS as [CardChangeVia, ...CardChangeVia[]])).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/**
 * Reads and checks a transition table. Besides the shape: no move to the same status, no pair twice,
 * no channel twice, and the moves the server makes by itself must be there — deregistration blocks the
 * card from any status and re-registration returns it to «Не заказан» (via 'system'), so a table that
 * forbids them would make deregistration fail.
 */
export function parseCardTransitions(json: unknown, source = 'card transitions'): readonly CardTransition[] {
  const data = parseConfig(FileSchema, json, source);
  const problems: string[] = [];
  const seen = new Set<string>();
  data.transitions.forEach((t, i) => {
    if (t.from === t.to) problems.push(`transitions.${i}: from and to are both "${t.from}"`);
    const pair = `${t.from}→${t.to}`;
    if (seen.has(pair)) problems.push(`transitions.${i}: ${pair} is listed twice`);
    seen.add(pair);
    if (new Set(t.via).size !== t.via.length) problems.push(`transitions.${i}: a channel is listed twice in via`);
  });
  const allows = (from: CardStatus, to: CardStatus, via: CardChangeVia) =>
    data.transitions.some((t) => t.from === from && t.to === to && t.via.includes(via));
  for (const from of CARD_STATUS_CODES) {
    if (from !== 'blocked' && !allows(from, 'blocked', 'system')) problems.push(`${from}→blocked via system is required (deregistration blocks the card)`);
  }
  if (!allows('blocked', 'not_ordered', 'system')) problems.push('blocked→not_ordered via system is required (re-registration)');
  if (problems.length) throw new Error(`${source} is invalid: ${problems.join('; ')}`);
  return Object.freeze(data.transitions.map((t) => Object.freeze({ from: t.from, to: t.to, via: Object.freeze([...t.via]) })));
}

export function loadCardTransitions(file = DEFAULT_CARD_TRANSITIONS_PATH): readonly CardTransition[] {
  return parseCardTransitions(readConfigJson(file, 'card transitions'), file);
}

/** What a card status check needs to know about the member. */
export interface CardStateForCheck {
  cardStatus: CardStatus | null;
  /** ISO timestamp of the current status, or null. */
  cardStatusAt: string | null;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The refusal for a status dated before the member's current status (null when in order). */
export function dateOrderProblem(current: CardStateForCheck, to: CardStatus, at: Date): string | null {
  if (!current.cardStatusAt) return null;
  const prev = current.cardStatusAt.slice(0, 10);
  if (day(at) >= prev) return null;
  return (
    `Дата статуса «${cardStatusLabel(to)}» (${formatDateRu(day(at))}) раньше даты текущего статуса ` +
    `«${cardStatusLabel(current.cardStatus)}» (${formatDateRu(prev)}). Проверьте дату.`
  );
}

/**
 * null when the member's card may go to `to` through `via` under the configured table and, when the
 * change carries a date the person typed (`at`), that date is not before the current status's;
 * otherwise the Russian reason. A change dated «now» (`at` null) is never out of order. An unchanged
 * status is always allowed.
 */
export function cardChangeProblem(table: readonly CardTransition[], current: CardStateForCheck, to: CardStatus, via: CardChangeVia, at: Date | null): string | null {
  if ((current.cardStatus ?? 'not_ordered') === to) return null;
  return cardTransitionProblem(current.cardStatus, to, via, table) ?? (at ? dateOrderProblem(current, to, at) : null);
}

export { cardStatusLabel };
