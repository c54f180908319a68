/**
 * The one declaration of the document templates: file names, placeholders each kind must contain
 * (required), may contain (optional), the repeated-row lists, and the words a legal form must keep.
 * An uploaded replacement template is accepted only if checkTemplate() finds all of them.
 */
import type { ConsentKind } from '../../domain/members/codes';

export const TEMPLATE_KINDS_LIST = [
  'consent-union',
  'consent-operator',
  'consent-notify',
  'consent-union-minor',
  'consent-operator-minor',
  'consent-notify-minor',
  'obligation',
  'login-letter',
  'card-order',
] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS_LIST)[number];

export interface ListSpec {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

export interface TemplateKindSpec {
  /** File name under templates/. */
  readonly file: string;
  /** Russian title, as a chair sees it. */
  readonly title: string;
  readonly required: readonly string[];
  readonly optional: readonly string[];
  /** Repeated table rows: `{{#name}} … {{/name}}` and the placeholders inside the row. */
  readonly lists: Readonly<Record<string, ListSpec>>;
  /** Printed many times in one batch file (consents): footnotes and comments cannot be merged there. */
  readonly batch: boolean;
  /** Words the visible text must contain (case-insensitive), with the Russian message if it does not. */
  readonly requiredText: readonly { readonly word: string; readonly message: string }[];
}

/** The subject of a consent (152-ФЗ art. 9 part 4 p. 1): the member. */
const CONSENT_SUBJECT = ['member_full_name', 'member_address', 'member_id_document'] as const;
/** Art. 9 part 4 pp. 3–8: purpose, data, actions and methods, term and revocation. */
const CONSENT_TERMS = ['purpose', 'data_list', 'actions', 'methods', 'term', 'revocation'] as const;
const SIGNATURE = { word: 'подпис', message: 'В шаблоне нет строки для подписи (слово «подпись»).' };
const REPRESENTATIVE = { word: 'законн', message: 'В шаблоне согласия за несовершеннолетнего нет сведений о законном представителе (слова «законный представитель»).' };
const DATE = { word: 'дата', message: 'В шаблоне нет строки для даты (слово «дата»).' };

export const TEMPLATE_KINDS: Readonly<Record<TemplateKind, TemplateKindSpec>> = {
  'consent-union': {
    file: 'consent-union.docx',
    batch: true,
    title: 'Согласие на обработку персональных данных Профсоюзом',
    required: [...CONSENT_SUBJECT, 'operator_name', 'operator_address', 'superior_operators', ...CONSENT_TERMS],
    optional: ['member_short_name', 'operator_requisites', 'processors'],
    lists: {},
    requiredText: [SIGNATURE, DATE],
  },
  'consent-operator': {
    file: 'consent-operator.docx',
    batch: true,
    title: 'Согласие на обработку персональных данных ООО «ФИНФОРТ»',
    required: [...CONSENT_SUBJECT, 'operator_name', 'operator_address', ...CONSENT_TERMS],
    optional: ['operator_inn', 'union_name', 'member_short_name'],
    lists: {},
    requiredText: [SIGNATURE, DATE],
  },
  'consent-notify': {
    file: 'consent-notify.docx',
    batch: true,
    title: 'Согласие на получение SMS/PUSH/e-mail-уведомлений',
    required: [...CONSENT_SUBJECT, 'operator_name', 'operator_address', ...CONSENT_TERMS],
    optional: ['superior_operators', 'member_phone', 'member_email', 'member_short_name', 'operator_requisites', 'processors'],
    lists: {},
    requiredText: [SIGNATURE, DATE],
  },
  'consent-union-minor': {
    file: 'consent-union-minor.docx',
    batch: true,
    title: 'Согласие на обработку персональных данных Профсоюзом (за несовершеннолетнего — законный представитель)',
    required: [...CONSENT_SUBJECT, 'operator_name', 'operator_address', 'superior_operators', ...CONSENT_TERMS],
    optional: ['member_short_name', 'operator_requisites', 'processors'],
    lists: {},
    requiredText: [SIGNATURE, DATE, REPRESENTATIVE],
  },
  'consent-operator-minor': {
    file: 'consent-operator-minor.docx',
    batch: true,
    title: 'Согласие на обработку персональных данных ООО «ФИНФОРТ» (за несовершеннолетнего — законный представитель)',
    required: [...CONSENT_SUBJECT, 'operator_name', 'operator_address', ...CONSENT_TERMS],
    optional: ['operator_inn', 'union_name', 'member_short_name'],
    lists: {},
    requiredText: [SIGNATURE, DATE, REPRESENTATIVE],
  },
  'consent-notify-minor': {
    file: 'consent-notify-minor.docx',
    batch: true,
    title: 'Согласие на получение SMS/PUSH/e-mail-уведомлений (за несовершеннолетнего — законный представитель)',
    required: [...CONSENT_SUBJECT, 'operator_name', 'operator_address', ...CONSENT_TERMS],
    optional: ['superior_operators', 'member_phone', 'member_email', 'member_short_name', 'operator_requisites', 'processors'],
    lists: {},
    requiredText: [SIGNATURE, DATE, REPRESENTATIVE],
  },
  obligation: {
    file: 'obligation.docx',
    batch: false,
    title: 'Обязательство о неразглашении персональных данных',
    required: ['chair_full_name', 'chair_position', 'organisation_name'],
    // The date is a printed blank for the date of signing; an older template's {{document_date}} is filled with that blank.
    optional: ['chair_short_name', 'document_date'],
    lists: {},
    requiredText: [SIGNATURE],
  },
  'login-letter': {
    file: 'login-letter.docx',
    batch: false,
    title: 'Письмо с логином и паролем председателя',
    required: ['organisation_name', 'chair_full_name', 'login', 'password', 'server_url', 'manifest_url', 'territorial_contact', '#steps', '/steps'],
    optional: ['territorial_name', 'document_date', 'letter_intro'],
    lists: { steps: { required: ['step_no', 'step_text'], optional: [] } },
    requiredText: [],
  },
  'card-order': {
    file: 'card-order.docx',
    batch: false,
    title: 'Заявка на изготовление электронных профсоюзных билетов',
    required: ['addressee', 'delivery_address', 'contact_person', 'organisation_name', 'order_number', 'order_date', 'card_count', 'total_cost', '#members', '/members'],
    optional: ['card_price', 'total_cost_words', 'chair_full_name', 'chair_short_name', 'chair_position', 'signature_date'],
    lists: {
      members: { required: ['member_no', 'member_full_name', 'member_birth_date', 'member_org'], optional: ['member_phone'] },
    },
    requiredText: [SIGNATURE, DATE],
  },
};

export const CONSENT_TEMPLATE_KIND: Readonly<Record<ConsentKind, TemplateKind>> = {
  union: 'consent-union',
  operator: 'consent-operator',
  notify: 'consent-notify',
};

/** The legal representative's variant of each consent: printed for a member under 18 on the print date. */
export const MINOR_CONSENT_TEMPLATE_KIND: Readonly<Record<ConsentKind, TemplateKind>> = {
  union: 'consent-union-minor',
  operator: 'consent-operator-minor',
  notify: 'consent-notify-minor',
};

/** Every placeholder a kind knows (required and optional, lists and their row fields). */
export function knownPlaceholders(kind: TemplateKind): Set<string> {
  const spec = TEMPLATE_KINDS[kind];
  const known = new Set<string>([...spec.required, ...spec.optional]);
  for (const [name, list] of Object.entries(spec.lists)) {
    known.add(`#${name}`);
    known.add(`/${name}`);
    list.required.forEach((p) => known.add(p));
    list.optional.forEach((p) => known.add(p));
  }
  return known;
}

/** Every placeholder a kind must have. */
export function requiredPlaceholders(kind: TemplateKind): string[] {
  const spec = TEMPLATE_KINDS[kind];
  return [...spec.required, ...Object.values(spec.lists).flatMap((l) => l.required)];
}
