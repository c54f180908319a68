/**
 * What the card operator (ООО «ФИНФОРТ») receives about a member — ONE definition, used by
 *  - the consent to the card operator: its «Перечень персональных данных» is made of `consent` below
 *    (server/documents/config.ts consentTexts; config/documents.json cannot override it), and
 *  - the register sent to the operator (server/services/cards/register.ts): its columns are made of
 *    `columns` below, so the register cannot carry a field the member did not agree to give.
 *
 * 152-ФЗ art. 9 part 4 p. 4: the consent lists the data; the union may pass the operator nothing else.
 * СНИЛС, sex and the register's internal member id are not here, so they never reach the operator. If
 * the operator ever needs another field, it is added here — and so to the consent first.
 */

/** Register column keys (server/services/cards/register.ts REGISTER_COLUMNS). */
export type OperatorRegisterColumn =
  | 'batch'
  | 'order'
  | 'kind'
  | 'surname'
  | 'name'
  | 'patronymic'
  | 'birthDate'
  | 'phone'
  | 'email'
  | 'category'
  | 'primaryOrg'
  | 'status'
  | 'statusDate';

export interface OperatorDataItem {
  /** The words in the consent's list of data (lower case, joined with «; »). */
  readonly consent: string;
  /** The register's columns that carry this item, in register order. */
  readonly columns: readonly OperatorRegisterColumn[];
}

export const CARD_OPERATOR_DATA: readonly OperatorDataItem[] = [
  { consent: 'фамилия, имя, отчество', columns: ['surname', 'name', 'patronymic'] },
  { consent: 'дата рождения', columns: ['birthDate'] },
  { consent: 'номер мобильного телефона', columns: ['phone'] },
  { consent: 'адрес электронной почты', columns: ['email'] },
  { consent: 'наименование организации Профсоюза, в которой я состою на учёте', columns: ['primaryOrg'] },
  { consent: 'категория члена Профсоюза', columns: ['category'] },
  {
    consent: 'сведения о заказе и выпуске моего электронного профсоюзного билета (номера партии и заявки, вид заявки, статус билета и дата статуса)',
    columns: ['batch', 'order', 'kind', 'status', 'statusDate'],
  },
];

/**
 * Register columns that are not data about the member: only the row counter «№». Anything else in the
 * register must come from CARD_OPERATOR_DATA (test: server/services/cards/operator-data.test.ts).
 */
export const REGISTER_TECHNICAL_COLUMNS = ['no'] as const;

/** The consent's «Перечень персональных данных» for the card operator. */
export function cardOperatorDataList(): string {
  return `${CARD_OPERATOR_DATA.map((d) => d.consent).join('; ')}.`;
}

/** Every register column the consent covers. */
export function consentedRegisterColumns(): ReadonlySet<OperatorRegisterColumn> {
  return new Set(CARD_OPERATOR_DATA.flatMap((d) => d.columns));
}
