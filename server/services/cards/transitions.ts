/**
 * The card (ЭПБ) transition table the server enforces: domain/cards' DEFAULT_CARD_TRANSITIONS plus
 * what the server needs that the default table lacks. Every card status write checks against it
 * (card-status-writes.ts); the Russian refusals come from domain/cards' cardTransitionProblem.
 */
import { DEFAULT_CARD_TRANSITIONS, cardStatusLabel, cardTransitionProblem, type CardChangeVia, type CardTransition } from '../../../domain/cards';
import { CARD_STATUSES, type CardStatus } from '../../../domain/members/codes';

/**
 * Cancelling an order before its batch went to the operator returns an ordered member to «Не заказан»
 * (in the default table) and a member whose lost card was to be reissued back to «Утерян» (not in the
 * default table: added here, only via 'order').
 */
export const SERVER_CARD_TRANSITIONS: readonly CardTransition[] = [
  ...DEFAULT_CARD_TRANSITIONS,
  ...(DEFAULT_CARD_TRANSITIONS.some((t) => t.from === 'reissue' && t.to === 'lost' && t.via.includes('order'))
    ? []
    : [{ from: 'reissue' as const, to: 'lost' as const, via: ['order'] as const }]),
];

export const CARD_STATUS_CODES: readonly CardStatus[] = CARD_STATUSES.map((s) => s.code);
export const CARD_VIAS: readonly CardChangeVia[] = ['order', 'import', 'sheet', 'system'];

export function isCardStatus(v: unknown): v is CardStatus {
  return typeof v === 'string' && (CARD_STATUS_CODES as readonly string[]).includes(v);
}

/** null when the change is allowed by the server's table; otherwise the Russian reason. */
export function transitionProblem(from: CardStatus | null, to: CardStatus, via: CardChangeVia): string | null {
  return cardTransitionProblem(from, to, via, SERVER_CARD_TRANSITIONS);
}

export { cardStatusLabel };
