/**
 * Consents to the processing of personal data (152-ФЗ art. 9; roadmap step 5): three separate
 * documents per member — to the union, to the card operator ООО «ФИНФОРТ», to notifications.
 *
 * Design (it is what makes 3,000 documents take well under a second): each template is parsed and
 * normalised once, merged into one package once, the values common to the batch (organisation,
 * operator, texts from config/documents.json) are substituted once, and per document only the
 * member's own placeholders are put in by string concatenation. The bodies are streamed through one
 * native deflate stream; the package is zipped once.
 */
import { CONSENT_KINDS, type ConsentKind } from '../../domain/members/codes';
import { propertyParts, type DocumentProperties } from './properties';
import { bind, render, type Compiled, type TemplateValues } from './compile';
import { cardOperator, consentTexts, loadDocumentsConfig, type DocumentsConfig, type ProcessorRole } from './config';
import { DocumentDataError, MembersNotPrintableError, OrganisationDetailsError, TemplateError, type NotPrintableMember } from './errors';
import { packageEntries } from './fill';
import { formatPhone, fullName, sanitiseFileName, shortName } from './format';
import { BatchNumbering, mergeTemplates, type MergedTemplates } from './merge';
import { loadTemplate, type LoadedTemplate } from './package';
import { CONSENT_TEMPLATE_KIND, MINOR_CONSENT_TEMPLATE_KIND, TEMPLATE_KINDS } from './template-kinds';
import { ageOn } from '../../domain/dates';
import { deflateChunks, deflateEntry, storeEntry, writeZip, DEFAULT_LEVEL, type ZipEntry } from './zip';

/** What a consent needs of a member (a subset of MemberData plus the register id). */
export interface ConsentMember {
  /** The member's id in the register (used in file names and in errors instead of the name). */
  id: string;
  surname: string;
  name: string;
  patronymic?: string | null;
  address?: string | null;
  idDocument?: string | null;
  phone?: string | null;
  email?: string | null;
  /** Which consents to print for this member; default: all of options.kinds. */
  kinds?: readonly ConsentKind[];
  /** ISO date of birth: under 18 on the print date, the legal representative's variant is printed. */
  birthDate?: string | null;
}

/** A consent as printed: the member's own, or signed by the legal representative of a member under 18. */
export type ConsentVariant = ConsentKind | `${ConsentKind}-minor`;

/** Age of majority (Civil Code art. 21): until then the legal representative signs the consent (152-ФЗ art. 9 part 6). */
export const ADULT_AGE = 18;

/** Which variant a member gets on the print date: the representative's one while under 18. */
export function consentVariant(kind: ConsentKind, birthDate: string | null | undefined, printDate: string): ConsentVariant {
  return birthDate && ageOn(birthDate, printDate) < ADULT_AGE ? `${kind}-minor` : kind;
}

const variantKind = (v: ConsentVariant): ConsentKind => v.replace(/-minor$/, '') as ConsentKind;
const variantTemplate = (v: ConsentVariant) => (v.endsWith('-minor') ? MINOR_CONSENT_TEMPLATE_KIND : CONSENT_TEMPLATE_KIND)[variantKind(v)];

export interface SuperiorOrganisation {
  name: string | null;
  /** Legal address from that organisation's passport. */
  address: string | null;
  /** ИНН and ОГРН where a passport holds them (printed when known). */
  inn?: string | null;
  ogrn?: string | null;
}

/** The primary organisation as the consents name it (from its passport and its ancestors' passports). */
export interface ConsentOrganisation {
  /** Full name of the union body, e.g. «Первичная профсоюзная организация МБОУ «СОШ № 1» … Общероссийского Профсоюза образования». */
  unionName: string | null;
  legalAddress: string | null;
  /** ИНН and ОГРН from the passport, printed with the operator's name when known. */
  inn?: string | null;
  ogrn?: string | null;
  /** Superior organisations of the union that keep the register: nearest first (territorial, regional, central). */
  superiors: readonly SuperiorOrganisation[];
}

/** Templates by variant: `union`, `operator`, `notify` and, for members under 18, `union-minor`, … */
export type ConsentTemplates = Partial<Record<ConsentVariant, Buffer | LoadedTemplate>>;

export interface ConsentBatchOptions {
  /** Which consents to print (each member gets them in the order union, operator, notify). */
  kinds: readonly ConsentKind[];
  /** Defaults to config/documents.json. */
  config?: DocumentsConfig;
  /** zlib level for the document text (1 fastest … 9 smallest); default 6. */
  compressionLevel?: number;
  /**
   * Double-sided printing: every consent starts on an odd (right-hand) page — its section break is
   * «odd page» instead of «next page» — so no consent shares a sheet with another member's.
   */
  doubleSided?: boolean;
  /** ISO date of printing (which members are under 18); default today (UTC). */
  printDate?: string;
}

/**
 * Blank lines for handwriting, used ONLY for the member's optional fields below when they are empty
 * (every other placeholder without a value is an error: MissingPlaceholderError).
 */
export const BLANKS = {
  // Two full lines: a real address (region, town, street, house, flat) is written in by hand.
  member_address: `${'_'.repeat(64)}\n${'_'.repeat(86)}`,
  // The blanks of a real form: серия, номер, дата выдачи, кем выдан, код подразделения.
  member_id_document: `серия ______ номер __________ выдан ___.___.______\nкем выдан ${'_'.repeat(46)} код подразделения ______-______`,
  member_phone: '_'.repeat(40),
  member_email: '_'.repeat(40),
} as const;

const MEMBER_PLACEHOLDERS: ReadonlySet<string> = new Set(['member_full_name', 'member_short_name', 'member_address', 'member_id_document', 'member_phone', 'member_email']);

export const CONSENT_ORDER: readonly ConsentKind[] = CONSENT_KINDS.map((k) => k.code);

export type Printability = { printable: true } | { printable: false; reason: string };

/** Whether a consent can be printed for the member; the reason is Russian text for the chair. */
export function printability(member: Pick<ConsentMember, 'surname' | 'name'>): Printability {
  const noSurname = !member.surname?.trim();
  const noName = !member.name?.trim();
  if (noSurname && noName) return { printable: false, reason: 'Не заполнены фамилия и имя: без них согласие не оформить. Заполните их в учётной карточке.' };
  if (noSurname) return { printable: false, reason: 'Не заполнена фамилия: без неё согласие не оформить. Заполните её в учётной карточке.' };
  if (noName) return { printable: false, reason: 'Не заполнено имя: без него согласие не оформить. Заполните его в учётной карточке.' };
  return { printable: true };
}

/** What the organisation lacks for these consents (Russian, for OrganisationDetailsError); [] when complete. */
export function organisationProblems(org: ConsentOrganisation, kinds: readonly ConsentKind[]): string[] {
  const missing: string[] = [];
  const needsUnion = kinds.length > 0;
  const needsAddress = kinds.includes('union') || kinds.includes('notify');
  if (needsUnion && !org.unionName?.trim()) missing.push('наименование профсоюзной организации (паспорт, вкладка «ИНПО»)');
  if (needsAddress && !org.legalAddress?.trim()) missing.push('юридический адрес профсоюзной организации (паспорт, вкладка «Адреса и телефоны»)');
  if (kinds.includes('union') || kinds.includes('notify')) {
    if (!org.superiors.length) missing.push('вышестоящие организации Профсоюза (наименования и адреса)');
    org.superiors.forEach((s, i) => {
      const label = s.name?.trim() ? `«${s.name.trim()}»` : `№ ${i + 1}`;
      if (!s.name?.trim()) missing.push(`наименование вышестоящей организации № ${i + 1}`);
      if (!s.address?.trim()) missing.push(`адрес вышестоящей организации ${label} (её паспорт, вкладка «Адреса и телефоны»)`);
    });
  }
  return missing;
}

/** «ИНН …, ОГРН …, » of a union body — empty when its passport does not hold them. */
function requisites(o: { inn?: string | null; ogrn?: string | null }): string {
  return [o.inn?.trim() ? `ИНН ${o.inn.trim()}` : null, o.ogrn?.trim() ? `ОГРН ${o.ogrn.trim()}` : null]
    .filter(Boolean)
    .map((r) => `${r}, `)
    .join('');
}

function superiorsText(org: ConsentOrganisation): string {
  return org.superiors.map((s) => `${s.name!.trim()} (${requisites(s)}адрес: ${s.address!.trim()})`).join('; ');
}

const PROCESSOR_WORK: Record<ProcessorRole, string> = {
  hosting: 'размещение и техническое обслуживание информационной системы реестра (хостинг)',
  sms: 'отправка SMS-сообщений',
  push: 'отправка PUSH-уведомлений в мобильном приложении',
};

/** Which processors each consent names: the register's hosting for both union consents, the gateways for notifications. */
const CONSENT_PROCESSORS: Record<ConsentKind, readonly ProcessorRole[]> = { union: ['hosting'], operator: [], notify: ['hosting', 'sms', 'push'] };

/** « Обработку … по поручению Операторов осуществляют: …» for the processors set in the configuration; '' when none is set. */
export function processorsText(config: DocumentsConfig, kind: ConsentKind): string {
  const set = CONSENT_PROCESSORS[kind].flatMap((role) => {
    const p = config.processors[role];
    return p ? [`${p.name.trim()} (${p.inn ? `ИНН ${p.inn}, ` : ''}адрес: ${p.address.trim()}) — ${PROCESSOR_WORK[role]}`] : [];
  });
  return set.length ? ` Обработку персональных данных по поручению Операторов осуществляют: ${set.join('; ')}.` : '';
}

/** Placeholders that print nothing when not set (parts of a sentence): everything else must have a value. */
const MAY_BE_EMPTY: ReadonlySet<string> = new Set(['operator_requisites', 'processors']);

/** The values of a consent that are the same for every member of the organisation. */
export function consentStaticValues(kind: ConsentKind, org: ConsentOrganisation, config: DocumentsConfig): Record<string, string> {
  const texts = consentTexts(config, kind);
  const common = { ...texts };
  switch (kind) {
    case 'operator': {
      const op = cardOperator(config);
      return { ...common, operator_name: op.name, operator_inn: op.inn, operator_address: op.address, union_name: org.unionName!.trim() };
    }
    case 'union':
    case 'notify':
      return {
        ...common,
        operator_name: org.unionName!.trim(),
        operator_requisites: requisites(org),
        operator_address: org.legalAddress!.trim(),
        superior_operators: superiorsText(org),
        processors: processorsText(config, kind),
      };
  }
}

/** The member's own values; optional fields left empty become blank lines for handwriting. */
export function consentMemberValues(m: ConsentMember): Record<string, string> {
  const orBlank = (v: string | null | undefined, blank: string) => (v && v.trim() ? v.trim() : blank);
  return {
    member_full_name: fullName(m),
    member_short_name: shortName(m),
    member_address: orBlank(m.address, BLANKS.member_address),
    member_id_document: orBlank(m.idDocument, BLANKS.member_id_document),
    member_phone: m.phone && m.phone.trim() ? formatPhone(m.phone.trim()) : BLANKS.member_phone,
    member_email: orBlank(m.email, BLANKS.member_email),
  };
}

interface PreparedBatch {
  merged: MergedTemplates;
  /** Per kind: body with the batch-wide values already in (mid: followed by another document). */
  bound: Map<ConsentVariant, { mid: Compiled; last: Compiled }>;
  /** Per member: the consents to print, in order, and the variant of each (the representative's for a minor). */
  plan: { member: ConsentMember; kinds: ConsentKind[]; variants: ConsentVariant[] }[];
  doubleSided: boolean;
}

async function prepare(templates: ConsentTemplates, org: ConsentOrganisation, members: readonly ConsentMember[], options: ConsentBatchOptions): Promise<PreparedBatch> {
  const config = options.config ?? loadDocumentsConfig();
  const kinds = CONSENT_ORDER.filter((k) => options.kinds.includes(k));
  if (!kinds.length) throw new TemplateError('Не выбрано ни одного согласия для печати.');

  const notPrintable: NotPrintableMember[] = [];
  for (const m of members) {
    const p = printability(m);
    if (!p.printable) notPrintable.push({ memberId: m.id, reason: p.reason });
  }
  if (notPrintable.length) throw new MembersNotPrintableError(notPrintable);

  const printDate = options.printDate ?? new Date().toISOString().slice(0, 10);
  const plan = members.map((member) => {
    const own = member.kinds ? kinds.filter((k) => member.kinds!.includes(k)) : kinds;
    return { member, kinds: own, variants: own.map((k) => consentVariant(k, member.birthDate, printDate)) };
  });
  const used = CONSENT_ORDER.filter((k) => plan.some((p) => p.kinds.includes(k)));
  const usedVariants = [...new Set(plan.flatMap((p) => p.variants))];
  if (!used.length) throw new DocumentDataError('Нет ни одного согласия для печати: выберите членов Профсоюза и согласия.');

  const orgMissing = organisationProblems(org, used);
  if (orgMissing.length) throw new OrganisationDetailsError(orgMissing);
  const staticValues = new Map(used.map((k) => [k, consentStaticValues(k, org, config)] as const));

  const loaded: { key: string; template: LoadedTemplate }[] = [];
  for (const v of usedVariants) {
    const t = templates[v];
    if (!t) throw new TemplateError(`Нет шаблона «${TEMPLATE_KINDS[variantTemplate(v)].title}».`);
    loaded.push({ key: v, template: await loadTemplate(t) });
  }
  const merged = mergeTemplates(loaded);
  const bound = new Map<ConsentVariant, { mid: Compiled; last: Compiled }>();
  for (const k of usedVariants) {
    const body = merged.bodies.get(k)!;
    const values = staticValues.get(variantKind(k))!;
    const mid = bind(body.mid, values, MEMBER_PLACEHOLDERS, MAY_BE_EMPTY);
    bound.set(k, { mid: options.doubleSided ? oddPageStarts(mid) : mid, last: bind(body.last, values, MEMBER_PLACEHOLDERS, MAY_BE_EMPTY) });
  }
  return { merged, bound, plan, doubleSided: options.doubleSided === true };
}

/** A document body whose closing section break starts the next document on an odd page (ECMA-376 §17.18.77 ST_SectionMark «oddPage»). */
function oddPageStarts(c: Compiled): Compiled {
  return { ...c, lits: c.lits.map((l) => l.replace(/<w:type w:val="nextPage"\/>/g, '<w:type w:val="oddPage"/>')) };
}

/** Renders the given members' consents as the text of one main document part, in chunks. */
function* documentChunks(prep: PreparedBatch, plan: PreparedBatch['plan'], numbering: BatchNumbering): Generator<Buffer> {
  const CHUNK = 1 << 20;
  let buf = prep.merged.head;
  const total = plan.reduce((n, p) => n + p.kinds.length, 0);
  let done = 0;
  let lastKind: ConsentVariant | null = null;
  for (const { member, variants } of plan) {
    if (!variants.length) continue;
    const values: TemplateValues = consentMemberValues(member);
    for (const k of variants) {
      done++;
      const body = prep.bound.get(k)!;
      // Double-sided, the last consent also ends its section: an even-page section with one empty
      // paragraph follows, so the file ends on a full sheet (each consent = one sheet, front and back).
      buf += render(done === total && !prep.doubleSided ? body.last : body.mid, values, numbering.context());
      lastKind = k;
      if (buf.length >= CHUNK) {
        yield Buffer.from(buf, 'utf8');
        buf = '';
      }
    }
  }
  if (lastKind === null) throw new TemplateError('Нет ни одного согласия для печати.');
  const sectPr = prep.merged.bodies.get(lastKind)!.sectPr;
  buf += (prep.doubleSided ? '<w:p/>' + sectPr.replace('<w:type w:val="nextPage"/>', '<w:type w:val="evenPage"/>') : sectPr) + prep.merged.tail;
  yield Buffer.from(buf, 'utf8');
}

function sharedEntries(merged: MergedTemplates, level: number, properties: DocumentProperties): ZipEntry[] {
  const files = new Map(merged.files);
  if (merged.numberingPath) files.delete(merged.numberingPath);
  return packageEntries(files, propertyParts(files, properties), level);
}

const KIND_TITLES: Record<ConsentKind, string> = { union: 'Профсоюзу', operator: 'оператору электронного профсоюзного билета', notify: 'на получение уведомлений' };

/** File → Properties of a consents file: the title names the kinds of consent in it, the subject the organisation. */
export function consentProperties(plan: PreparedBatch['plan'], org: ConsentOrganisation, members: number): DocumentProperties {
  const kinds = CONSENT_ORDER.filter((k) => plan.some((p) => p.kinds.includes(k)));
  const noun = kinds.length === 1 && members === 1 ? 'Согласие' : 'Согласия';
  return {
    title: `${noun} на обработку персональных данных: ${kinds.map((k) => KIND_TITLES[k]).join(', ')}`,
    subject: `${org.unionName?.trim() ?? ''} — членов Профсоюза: ${members}`,
  };
}

function numberingEntry(merged: MergedTemplates, numbering: BatchNumbering, level: number): ZipEntry[] {
  if (!merged.numberingPath) return [];
  const xml = numbering.numberingXml() ?? merged.numberingXml ?? merged.files.get(merged.numberingPath)?.toString('utf8');
  return xml ? [deflateEntry(merged.numberingPath, xml, level)] : [];
}

function ordered(entries: ZipEntry[]): ZipEntry[] {
  const rank = (n: string) => (n === '[Content_Types].xml' ? 0 : n === '_rels/.rels' ? 1 : n.startsWith('word/document') ? 2 : 3);
  return [...entries].sort((a, b) => rank(a.name) - rank(b.name));
}

/**
 * ONE .docx with every member's consents, each consent a separate document starting on a new page
 * (its own section). Members in the given order; per member: union, operator, notify (as chosen).
 * Throws MembersNotPrintableError, OrganisationDetailsError, DocumentsConfigError, TemplateError.
 */
export async function buildConsentBatch(
  templates: ConsentTemplates,
  org: ConsentOrganisation,
  members: readonly ConsentMember[],
  options: ConsentBatchOptions,
): Promise<Buffer> {
  const prep = await prepare(templates, org, members, options);
  const level = options.compressionLevel ?? DEFAULT_LEVEL;
  const numbering = new BatchNumbering(prep.merged);
  const documentEntry = await deflateChunks(prep.merged.documentPath, documentChunks(prep, prep.plan, numbering), level);
  const properties = consentProperties(prep.plan, org, prep.plan.filter((p) => p.kinds.length).length);
  return writeZip(ordered([...sharedEntries(prep.merged, level, properties), documentEntry, ...numberingEntry(prep.merged, numbering, level)]));
}

/**
 * File name for a member's consents: the full name as written and the birth date (ДД.ММ.ГГГГ) — what
 * tells namesakes apart (the register keeps no two members with the same name and birth date), and
 * stays the same from print to print; safe for Windows.
 */
export function consentFileName(member: ConsentMember): string {
  const born = member.birthDate && /^\d{4}-\d{2}-\d{2}/.test(member.birthDate) ? `, ${member.birthDate.slice(8, 10)}.${member.birthDate.slice(5, 7)}.${member.birthDate.slice(0, 4)}` : '';
  return `${sanitiseFileName(fullName(member), 100)}${born}.docx`;
}

/** A .zip with one .docx per member (that member's consents, each on its own page). */
export async function buildConsentZip(
  templates: ConsentTemplates,
  org: ConsentOrganisation,
  members: readonly ConsentMember[],
  options: ConsentBatchOptions,
): Promise<Buffer> {
  const prep = await prepare(templates, org, members, options);
  const level = options.compressionLevel ?? DEFAULT_LEVEL;
  const outer: ZipEntry[] = [];
  const names = new Set<string>();
  for (const item of prep.plan) {
    if (!item.kinds.length) continue;
    const numbering = new BatchNumbering(prep.merged);
    const xml = Buffer.concat([...documentChunks(prep, [item], numbering)]);
    const shared = sharedEntries(prep.merged, level, consentProperties([item], org, 1));
    const docx = writeZip(ordered([...shared, deflateEntry(prep.merged.documentPath, xml, level), ...numberingEntry(prep.merged, numbering, level)]));
    let name = consentFileName(item.member);
    for (let i = 2; names.has(name.toLowerCase()); i++) name = consentFileName(item.member).replace(/\.docx$/, ` (${i}).docx`);
    names.add(name.toLowerCase());
    outer.push(storeEntry(name, docx));
  }
  return writeZip(outer);
}
