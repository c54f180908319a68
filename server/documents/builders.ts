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
import { installStepText } from './install-ways';
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
  /** The office only, e.g. «Председатель» (the organisation's full name follows on its own line). */
  chairPosition: string;
  /** The union body's full name, e.g. «Первичная профсоюзная организация МБОУ … Общероссийского Профсоюза образования». */
  organisationName: string;
}

/** The date line left blank: the chair writes the date of signing by hand. */
export const BLANK_DATE = '«____» _____________ 20____ г.';

export function obligationValues(d: ObligationData): Record<string, string> {
  return {
    chair_full_name: d.chairFullName.trim(),
    chair_short_name: shortName(splitFullName(d.chairFullName)),
    chair_position: d.chairPosition.trim(),
    organisation_name: d.organisationName.trim(),
    // Templates uploaded before the date became a printed blank still have {{document_date}}: blank too.
    document_date: BLANK_DATE,
  };
}

export async function buildObligation(template: Template, d: ObligationData): Promise<Buffer> {
  return fillDocument(template, obligationValues(d), { title: 'Обязательство о неразглашении персональных данных', subject: d.organisationName.trim() });
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
  /** A first access (new account) or a new one-time password for an existing one. */
  occasion: 'new' | 'reset';
  /** Whether the chair's signed obligation is already recorded (then the letter does not ask for it). */
  obligationRecorded: boolean;
}

/** The letter's numbered steps: what this chair has still to do (a reset never repeats first-time wording). */
export function loginLetterSteps(d: Pick<LoginLetterData, 'occasion' | 'obligationRecorded'>): string[] {
  const steps = [installStepText(), 'Откройте панель «Реестр» (кнопка «Реестр» на вкладке «Главная») и войдите с логином и одноразовым паролем из этого письма.'];
  steps.push(
    d.occasion === 'new'
      ? 'При первом входе реестр попросит сменить пароль. Придумайте свой надёжный пароль и никому его не сообщайте; одноразовый пароль после этого перестанет действовать.'
      : 'Сразу после входа реестр попросит задать новый пароль. Придумайте надёжный пароль и никому его не сообщайте; одноразовый пароль после этого перестанет действовать, прежний пароль уже не действует.',
  );
  if (!d.obligationRecorded) {
    steps.push(
      'Подпишите обязательство о неразглашении персональных данных и передайте его в территориальную организацию Профсоюза. Пока обязательство не отмечено в реестре, персональные данные членов Профсоюза вам не видны.',
    );
  }
  if (d.occasion === 'new') {
    steps.push('Пройдите первый запуск: реестр шаг за шагом проведёт вас по паспорту организации, списку членов Профсоюза, согласиям на обработку персональных данных и заявкам на электронные профсоюзные билеты.');
  }
  return steps;
}

export function loginLetterValues(d: LoginLetterData): TemplateValues {
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
    letter_intro:
      d.occasion === 'new'
        ? 'Для работы в автоматизированной информационной системе «Единый реестр Общероссийского Профсоюза образования» вам выдан личный доступ.'
        : 'Для входа в автоматизированную информационную систему «Единый реестр Общероссийского Профсоюза образования» вам выдан новый одноразовый пароль; прежний пароль больше не действует.',
    steps: loginLetterSteps(d).map((text, i) => ({ step_no: `${i + 1}.`, step_text: text })),
  };
}

export async function buildLoginLetter(template: Template, d: LoginLetterData): Promise<Buffer> {
  const title = d.occasion === 'new' ? 'Письмо с логином и паролем председателя' : 'Письмо с новым паролем председателя';
  return fillDocument(template, loginLetterValues(d), { title, subject: d.organisationName.trim(), created: new Date(`${d.date}T00:00:00Z`) });
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
  /** The member's primary organisation (an order of a territorial body spans several). */
  primaryOrgName: string;
}

/** Whom the order is addressed to: the card operator from the settings (name, ИНН, contract). */
export interface CardOrderAddressee {
  name: string;
  inn: string | null;
  /** E.g. «договор № 12/2024 от 15.01.2024»; from the settings, null while not filled in. */
  contract: string | null;
}

export interface CardOrderData {
  organisationName: string;
  addressee: CardOrderAddressee;
  /** Where the cards are mailed (the regional committee's name and address). */
  deliveryAddress: string;
  /** Who receives them and answers questions: name and phone / e-mail. */
  contactPerson: string;
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
    member_org: m.primaryOrgName.trim(),
  }));
  const a = d.addressee;
  return {
    addressee: [a.name.trim(), a.inn ? `ИНН ${a.inn}` : null, a.contract?.trim() || null].filter(Boolean).join(', '),
    delivery_address: d.deliveryAddress.trim(),
    contact_person: d.contactPerson.trim(),
    signature_date: BLANK_DATE,
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
  return fillDocument(template, cardOrderValues(d, config), {
    title: `Заявка на изготовление электронных профсоюзных билетов № ${d.orderNumber.trim()}`,
    subject: d.organisationName.trim(),
    created: new Date(`${d.date}T00:00:00Z`),
  });
}
