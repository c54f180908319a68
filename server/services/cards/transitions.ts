/**
 * The card (ЭПБ) transition table the server enforces: domain/cards' DEFAULT_CARD_TRANSITIONS. Every card status write checks against it
 * (card-status-writes.ts); the Russian refusals come from domain/cards' cardTransitionProblem.
 */
import { DEFAULT_CARD_TRANSITIONS, cardStatusLabel, cardTransitionProblem, type CardChangeVia, type CardTransition } from '../../../domain/cards';
import { CARD_STATUSES, type CardStatus } from '../../../domain/members/codes';

/**
 * The table every card status write checks. It is the domain's configured table (one place for the
 * rule): cancelling an order returns «Заказан» → «Не заказан» and «Перевыпуск» → «Утерян», both via 'order'.
 */
export const SERVER_CARD_TRANSITIONS: readonly CardTransition[] = DEFAULT_CARD_TRANSITIONS;

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
