/**
 * The electronic union card (ЭПБ) lifecycle (roadmap steps 6–7): statuses, allowed transitions and
 * who may make them, and who can be ordered a card. The transition table is configuration: the
 * server may replace DEFAULT_CARD_TRANSITIONS with its own (same shape).
 */
import { CARD_STATUSES, labelForCode, type CardStatus } from './members/codes';

/** How a status change arrives. */
export type CardChangeVia =
  | 'order' // a primary chair's order for selected members
  | 'import' // the operator's or regional committee's delivery list
  | 'sheet' // the card-status column of the member sheet, or an action on selected rows
  | 'system'; // deregistration blocks the card; re-registration unblocks

export interface CardTransition {
  from: CardStatus;
  to: CardStatus;
  via: readonly CardChangeVia[];
}

export const DEFAULT_CARD_TRANSITIONS: readonly CardTransition[] = [
  { from: 'not_ordered', to: 'ordered', via: ['order'] },
  { from: 'ordered', to: 'not_ordered', via: ['order'] }, // order withdrawn before the batch went to the operator
  { from: 'ordered', to: 'produced', via: ['import'] },
  { from: 'produced', to: 'sent', via: ['import'] },
  { from: 'sent', to: 'received', via: ['import', 'sheet'] },
  { from: 'received', to: 'issued', via: ['sheet', 'import'] },
  { from: 'sent', to: 'lost', via: ['import', 'sheet'] },
  { from: 'received', to: 'lost', via: ['sheet', 'import'] },
  { from: 'issued', to: 'lost', via: ['sheet', 'import'] },
  { from: 'lost', to: 'reissue', via: ['order'] },
  { from: 'reissue', to: 'lost', via: ['order'] }, // reissue order withdrawn before the batch
  { from: 'reissue', to: 'produced', via: ['import'] },
  ...(['not_ordered', 'ordered', 'produced', 'sent', 'received', 'issued', 'lost', 'reissue'] as const).map(
    (from) => ({ from, to: 'blocked' as const, via: ['system'] as const }),
  ),
  { from: 'blocked', to: 'not_ordered', via: ['system'] },
];

/** Statuses in which the member has (or is getting) a card: no second order. */
export const ACTIVE_CARD_STATUSES: readonly CardStatus[] = ['ordered', 'produced', 'sent', 'received', 'issued', 'reissue'];

export function cardStatusLabel(s: CardStatus | null | undefined): string {
  return labelForCode(CARD_STATUSES, s ?? 'not_ordered');
}

/** null when allowed; otherwise a Russian message saying why not and what is possible. */
export function cardTransitionProblem(
  from: CardStatus | null,
  to: CardStatus,
  via: CardChangeVia,
  table: readonly CardTransition[] = DEFAULT_CARD_TRANSITIONS,
): string | null {
  const current = from ?? 'not_ordered';
  if (current === to) return null;
  const t = table.find((x) => x.from === current && x.to === to);
  if (t && t.via.includes(via)) return null;
  const possible = table.filter((x) => x.from === current && x.via.includes(via)).map((x) => `«${cardStatusLabel(x.to)}»`);
  const how =
    t && !t.via.includes(via)
      ? viaHint(t.via)
      : possible.length
        ? `Из статуса «${cardStatusLabel(current)}» можно перейти только в ${possible.join(', ')}.`
        : `Из статуса «${cardStatusLabel(current)}» статус здесь не меняется.`;
  return `Статус ЭПБ нельзя сменить с «${cardStatusLabel(current)}» на «${cardStatusLabel(to)}». ${how}`;
}

function viaHint(via: readonly CardChangeVia[]): string {
  if (via.includes('order')) return 'Это делается оформлением заявки на ЭПБ.';
  if (via.includes('import')) return 'Этот статус ставится по списку доставки от оператора или рескома.';
  return 'Этот статус ставится автоматически.';
}

export interface CardEligibilityInput {
  surname: string | null;
  name: string | null;
  birthDate: string | null;
  phone: string | null;
  deregisteredAt: string | null;
  consentUnion: string | null;
  consentOperator: string | null;
  cardStatus: CardStatus | null;
}

/** Who can be ordered a card, and for the others every reason in Russian. */
export function cardEligibility(m: CardEligibilityInput): { eligible: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (m.deregisteredAt) reasons.push('снят(а) с учёта');
  if (m.consentUnion !== 'given') reasons.push('нет согласия Профсоюзу на обработку персональных данных');
  if (m.consentOperator !== 'given') reasons.push('нет согласия ООО «ФИНФОРТ» (оператору карт)');
  if (!m.surname || !m.name) reasons.push('не заполнены фамилия и имя');
  if (!m.birthDate) reasons.push('не заполнена дата рождения');
  if (!m.phone) reasons.push('не заполнен телефон');
  const status = m.cardStatus ?? 'not_ordered';
  if (ACTIVE_CARD_STATUSES.includes(status)) reasons.push(`карта уже есть или заказана (статус «${cardStatusLabel(status)}»)`);
  if (status === 'blocked') reasons.push('карта заблокирована');
  if (status === 'lost') {
    // a lost card is replaced through a reissue order, which is allowed
  }
  return { eligible: reasons.length === 0, reasons };
}
