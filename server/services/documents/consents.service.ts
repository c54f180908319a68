/**
 * Printing the consents to the processing of personal data (roadmap step 5; 152-ФЗ art. 9): for the
 * chosen members of an organisation's subtree, one .docx in which each consent is a separate document
 * starting on a new page (or a .zip with one .docx per member), through a single-use download link.
 * Members are read with this service's own query, scoped by the organisation's subtree: one id outside
 * it (or unknown) makes the whole request 404, so nothing about other organisations leaks.
 */
import { subtreeRange } from '../../../domain/organisations';
import type { ConsentKind } from '../../../domain/members/codes';
import {
  buildConsentBatch,
  buildConsentZip,
  CONSENT_ORDER,
  DocumentError,
  MembersNotPrintableError,
  printability,
  consentVariant,
  type ConsentMember,
  type ConsentVariant,
  type NotPrintableMember,
  type TemplateKind,
} from '../../documents';
import type { OrganisationRow } from '../../db/models';
import { selectRows } from '../../db/sql';
import { AppError, notFound } from '../../errors';
import { todayIso, type Actor, type Ctx } from '../context';
import { isoDate } from '../members/sql-literals';
import { storePrinted, type IssuedLink } from './downloads';
import { documentProblem } from './problems';
import { CARD_OPERATOR_LABELS, effectiveDocumentsConfig } from './settings.service';
import { activeTemplates, DOCX_CONTENT_TYPE } from './template-store';
import { consentOrganisation } from './union-bodies';

export interface PrintConsentsInput {
  memberIds?: string[];
  allWithoutSignedConsents?: boolean;
  kinds?: ConsentKind[];
  format: 'docx' | 'zip';
  /** Every consent starts on an odd page (double-sided printing). */
  doubleSided?: boolean;
}

export interface PrintConsentsResult extends IssuedLink {
  /** Members whose consents are in the file. */
  printed: number;
  /** Consent documents in the file (pages when each fits one page). */
  consents: number;
  notPrintable: NotPrintableMember[];
}

const KIND_TEMPLATE: Record<ConsentVariant, TemplateKind> = {
  union: 'consent-union',
  operator: 'consent-operator',
  notify: 'consent-notify',
  'union-minor': 'consent-union-minor',
  'operator-minor': 'consent-operator-minor',
  'notify-minor': 'consent-notify-minor',
};
const KIND_COLUMN: Record<ConsentKind, string> = { union: 'consent_union', operator: 'consent_operator', notify: 'consent_notify' };
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_CHUNK = 500;

interface MemberRow {
  id: string;
  surname: string;
  name: string;
  patronymic: string | null;
  address: string | null;
  id_document: string | null;
  phone: string | null;
  email: string | null;
  birth_date: string | Date | null;
  primary_org_id: number;
  deregistered_at: string | Date | null;
  consent_union: string | null;
  consent_operator: string | null;
  consent_notify: string | null;
}

const COLUMNS =
  'm.id, m.surname, m.name, m.patronymic, m.address, m.id_document, m.phone, m.email, m.birth_date, m.primary_org_id, m.deregistered_at, m.consent_union, m.consent_operator, m.consent_notify';

const collator = new Intl.Collator('ru', { sensitivity: 'base' });
const byName = (a: MemberRow, b: MemberRow) =>
  collator.compare(a.surname, b.surname) || collator.compare(a.name, b.name) || collator.compare(a.patronymic ?? '', b.patronymic ?? '') || (a.id < b.id ? -1 : 1);

async function membersByIds(ctx: Ctx, org: OrganisationRow, ids: readonly string[]): Promise<MemberRow[]> {
  const wanted = [...new Set(ids.map((id) => id.trim().toLowerCase()))];
  if (wanted.some((id) => !UUID_RE.test(id))) throw notFound('Не все выбранные члены Профсоюза найдены в этой организации. Загрузите список из реестра заново и повторите печать.');
  const { from, to } = subtreeRange(org.path);
  const found = new Map<string, MemberRow>();
  for (let i = 0; i < wanted.length; i += ID_CHUNK) {
    const rows = await selectRows<MemberRow>(
      ctx.db,
      `SELECT ${COLUMNS} FROM members m JOIN organisations o ON o.id = m.org_id WHERE m.id IN (:ids) AND o.path >= :from AND o.path < :to`,
      { ids: wanted.slice(i, i + ID_CHUNK), from, to },
    );
    for (const r of rows) found.set(r.id, r);
  }
  if (found.size !== wanted.length) {
    throw notFound('Не все выбранные члены Профсоюза найдены в этой организации. Загрузите список из реестра заново и повторите печать.');
  }
  // The order the chair chose (the order of the sheet).
  return wanted.map((id) => found.get(id)!);
}

async function membersWithoutConsents(ctx: Ctx, org: OrganisationRow, kinds: readonly ConsentKind[]): Promise<MemberRow[]> {
  const { from, to } = subtreeRange(org.path);
  const anyMissing = kinds.map((k) => `m.${KIND_COLUMN[k]} IS NULL`).join(' OR ');
  const rows = await selectRows<MemberRow>(
    ctx.db,
    `SELECT ${COLUMNS} FROM members m JOIN organisations o ON o.id = m.org_id WHERE o.path >= :from AND o.path < :to AND m.deregistered_at IS NULL AND (${anyMissing})`,
    { from, to },
  );
  return rows.sort(byName);
}

function toConsentMember(r: MemberRow, kinds?: readonly ConsentKind[]): ConsentMember {
  return {
    id: r.id,
    surname: r.surname,
    name: r.name,
    patronymic: r.patronymic,
    address: r.address,
    idDocument: r.id_document,
    phone: r.phone,
    email: r.email,
    birthDate: isoDate(r.birth_date),
    ...(kinds ? { kinds } : {}),
  };
}

const DEREGISTERED = 'Снят(а) с учёта: согласие не печатается. Если это ошибка, восстановите учёт в учётной карточке.';

export async function printConsents(ctx: Ctx, actor: Actor, org: OrganisationRow, input: PrintConsentsInput): Promise<PrintConsentsResult> {
  const kinds = CONSENT_ORDER.filter((k) => (input.kinds ?? CONSENT_ORDER).includes(k));
  const all = input.allWithoutSignedConsents === true;
  if (all === Boolean(input.memberIds?.length)) {
    throw new AppError(400, 'bad_request', 'Укажите, кому печатать согласия: выбранных членов Профсоюза (memberIds) или всех, у кого согласия ещё не собраны (allWithoutSignedConsents) — одно из двух.', [
      { field: 'memberIds', message: 'Выберите членов Профсоюза или отметьте «всем без собранных согласий».' },
    ]);
  }

  const rows = all ? await membersWithoutConsents(ctx, org, kinds) : await membersByIds(ctx, org, input.memberIds!);

  const notPrintable: NotPrintableMember[] = [];
  const printable: ConsentMember[] = [];
  const primaries = new Set<number>();
  for (const r of rows) {
    if (r.deregistered_at) {
      notPrintable.push({ memberId: r.id, reason: DEREGISTERED });
      continue;
    }
    const p = printability(r);
    if (!p.printable) {
      notPrintable.push({ memberId: r.id, reason: p.reason });
      continue;
    }
    // Everyone chosen gets every chosen consent; «all without consents» gets only the ones not collected yet.
    const own = all ? kinds.filter((k) => r[KIND_COLUMN[k] as keyof MemberRow] == null) : undefined;
    printable.push(toConsentMember(r, own));
    primaries.add(r.primary_org_id);
  }
  if (!printable.length) {
    const detail = rows.length
      ? 'Согласия не напечатаны: ни для одного из выбранных членов Профсоюза согласие оформить нельзя (причины — в списке notPrintable).'
      : 'Нет членов Профсоюза, у которых выбранные согласия ещё не собраны: печатать нечего.';
    throw new AppError(422, 'nothing_to_print', detail, [], { notPrintable });
  }
  if (primaries.size > 1) {
    throw new AppError(
      422,
      'several_primary_organisations',
      `Выбраны члены Профсоюза ${primaries.size} разных первичных организаций. В согласии указывается профсоюзная организация члена Профсоюза, поэтому согласия печатаются по одной ППО: выберите первичную организацию и повторите печать.`,
    );
  }
  const usedKinds = CONSENT_ORDER.filter((k) => printable.some((m) => (m.kinds ?? kinds).includes(k)));

  const primary = await ctx.db.models.Organisation.findByPk([...primaries][0]);
  if (!primary) throw notFound('Организация не найдена.');
  const consentOrg = await consentOrganisation(ctx, primary, usedKinds);

  const { config, missing } = await effectiveDocumentsConfig(ctx);
  if (usedKinds.includes('operator') && missing.length) {
    throw new AppError(
      422,
      'documents_settings_missing',
      `Согласие оператору электронных профсоюзных билетов не напечатано: в настройках документов не заполнено: ${missing.map((k) => CARD_OPERATOR_LABELS[k]).join(', ')}. ` +
        'Их вносит администратор реестра (раздел «Настройки документов»). Пока можно напечатать остальные согласия — без согласия оператору.',
      [],
      { missing: missing.map((k) => `cardOperator.${k}`) },
    );
  }

  // Members under 18 on the print date get the legal representative's variant of each consent.
  const printDate = todayIso(ctx);
  const variants = [...new Set(printable.flatMap((m) => (m.kinds ?? kinds).filter((k) => usedKinds.includes(k)).map((k) => consentVariant(k, m.birthDate, printDate))))];
  const templates = await activeTemplates(ctx, variants.map((v) => KIND_TEMPLATE[v]));
  const templateVersions = Object.fromEntries([...templates.values()].map((t) => [t.kind, t.version]));
  const consentTemplates = Object.fromEntries(variants.map((v) => [v, templates.get(KIND_TEMPLATE[v])!.content]));

  let file: Buffer;
  try {
    const build = input.format === 'zip' ? buildConsentZip : buildConsentBatch;
    file = await build(consentTemplates, consentOrg, printable, { kinds: usedKinds, config, doubleSided: input.doubleSided === true, printDate });
  } catch (err) {
    if (err instanceof MembersNotPrintableError || err instanceof DocumentError) throw documentProblem(err);
    throw err;
  }

  const consents = printable.reduce((n, m) => n + (m.kinds ?? kinds).length, 0);
  const memberIds = printable.map((m) => m.id);
  const date = ctx.now().toISOString().slice(0, 10);
  const link = await storePrinted(
    ctx,
    {
      kind: 'consents',
      templateVersions,
      orgId: org.id,
      memberIds,
      userId: actor.userId,
      format: input.format,
      fileName: `Согласия на обработку ПД ${date} (${memberIds.length} чел.).${input.format}`,
      contentType: input.format === 'zip' ? 'application/zip' : DOCX_CONTENT_TYPE,
      file,
    },
    { details: { kinds: usedKinds, consents, notPrintable: notPrintable.map((n) => n.memberId) } },
  );
  return { ...link, printed: memberIds.length, consents, notPrintable };
}
