/**
 * Builders of single documents: data in, .docx out. They turn the data into placeholder values
 * (dates, money and names formatted the Russian way) and fill the template; a missing value is a
 * MissingPlaceholderError, never an empty blank.
 */
import type { ListItem, TemplateValues } from './compile';
import { cardPriceKopecks, loadDocumentsConfig, type DocumentsConfig } from './config';
import { DocumentDataError } from './errors';
import { fillDocument } from './fill';
import { formatDateLong, formatDateShort, formatPhone, formatRoubles, fullName, roublesInWords, shortName, splitFullName, yearOf } from './format';
import type { LoadedTemplate } from './package';

type Template = Buffer | LoadedTemplate;

/** A date for a document; a wrong one is a DocumentDataError (the value is never put in a message). */
function asDate(iso: string, format: (iso: string) => string, what: string): string {
  try {
    return format(iso);
  } catch {
    throw new DocumentDataError(`${what}: дата не распознана (нужен формат ГГГГ-ММ-ДД).`);
  }
}

const documentDate = (iso: string) => asDate(iso, formatDateLong, 'Дата документа');

// ---- Obligation not to disclose personal data (roadmap step 1) ------------------------------

export interface ObligationData {
  /** The chair's full name as stored ("Фамилия Имя Отчество"). */
  chairFullName: string;
  /** E.g. «Председатель первичной профсоюзной организации». */
  chairPosition: string;
  organisationName: string;
  /** ISO date printed on the obligation. */
  date: string;
}

export function obligationValues(d: ObligationData): Record<string, string> {
  return {
    chair_full_name: d.chairFullName.trim(),
    chair_short_name: shortName(splitFullName(d.chairFullName)),
    chair_position: d.chairPosition.trim(),
    organisation_name: d.organisationName.trim(),
    document_date: documentDate(d.date),
  };
}

export async function buildObligation(template: Template, d: ObligationData): Promise<Buffer> {
  return fillDocument(template, obligationValues(d));
}

// ---- Login letter for a chair (roadmap step 1) ----------------------------------------------

export interface LoginLetterData {
  organisationName: string;
  chairFullName: string;
  login: string;
  /** The one-time password; it goes into the document only, never into a log. */
  password: string;
  /** Where the registry is (https origin). */
  serverUrl: string;
  /** Where to download the add-in manifest. */
  manifestUrl: string;
  territorialName: string;
  /** Phone / e-mail of the territorial organisation for help. */
  territorialContact: string;
  /** ISO date of issue. */
  date: string;
}

export function loginLetterValues(d: LoginLetterData): Record<string, string> {
  return {
    organisation_name: d.organisationName.trim(),
    chair_full_name: d.chairFullName.trim(),
    login: d.login,
    password: d.password,
    server_url: d.serverUrl.trim(),
    manifest_url: d.manifestUrl.trim(),
    territorial_name: d.territorialName.trim(),
    territorial_contact: d.territorialContact.trim(),
    document_date: documentDate(d.date),
  };
}

export async function buildLoginLetter(template: Template, d: LoginLetterData): Promise<Buffer> {
  return fillDocument(template, loginLetterValues(d));
}

// ---- Order for electronic union cards (roadmap step 6) --------------------------------------

export interface CardOrderMember {
  surname: string;
  name: string;
  patronymic?: string | null;
  /** ISO date. */
  birthDate: string;
  /** E.164, as stored. */
  phone?: string | null;
}

export interface CardOrderData {
  organisationName: string;
  /** The order (batch) number. */
  orderNumber: string;
  /** ISO date of the order; the card price is the one in force in that year. */
  date: string;
  chairFullName: string;
  chairPosition: string;
  members: readonly CardOrderMember[];
}

export const NO_PHONE = 'не указан';

export function cardOrderValues(d: CardOrderData, config: DocumentsConfig): TemplateValues {
  if (!d.members.length) throw new DocumentDataError('В заявке нет ни одного члена Профсоюза: выберите, кому заказать билеты.');
  const orderDate = asDate(d.date, formatDateLong, 'Дата заявки');
  const price = cardPriceKopecks(config, yearOf(d.date));
  const total = price * d.members.length;
  const members: ListItem[] = d.members.map((m, i) => ({
    member_no: String(i + 1),
    member_full_name: fullName(m),
    member_birth_date: asDate(m.birthDate, formatDateShort, `Строка ${i + 1} заявки, дата рождения`),
    member_phone: m.phone && m.phone.trim() ? formatPhone(m.phone.trim()) : NO_PHONE,
  }));
  return {
    organisation_name: d.organisationName.trim(),
    order_number: d.orderNumber.trim(),
    order_date: orderDate,
    card_count: String(d.members.length),
    card_price: formatRoubles(price),
    total_cost: formatRoubles(total),
    total_cost_words: roublesInWords(total),
    chair_full_name: d.chairFullName.trim(),
    chair_short_name: shortName(splitFullName(d.chairFullName)),
    chair_position: d.chairPosition.trim(),
    members,
  };
}

export async function buildCardOrder(template: Template, d: CardOrderData, config: DocumentsConfig = loadDocumentsConfig()): Promise<Buffer> {
  return fillDocument(template, cardOrderValues(d, config));
}
