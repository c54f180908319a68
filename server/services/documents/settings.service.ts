/**
 * What the documents need that is configuration, not code, editable through the API:
 *  - the card operator's details (ООО «ФИНФОРТ»: name, ИНН, address) — defaults in
 *    config/documents.json, overrides by the central administrator in the `settings` table;
 *  - the details of organisations that have no passport (territorial, regional, central): the union
 *    body's name, legal address and a contact for the login letters — the consents name every
 *    superior organisation with its address (152-ФЗ art. 9 part 4: the operator's name and address).
 */
import { checkInnOrganisation } from '../../../domain/inn';
import { isPrimary, isUnit } from '../../../domain/organisations';
import { loadDocumentsConfig, type DocumentsConfig } from '../../documents';
import { PROCESSOR_ROLES, type ProcessorRole } from '../../documents/config';
import type { OrganisationRow } from '../../db/models';
import { badRequest } from '../../errors';
import { recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { documentModels } from './models';

export const DOCUMENT_SETTINGS_KEY = 'documents';
export const orgDetailsKey = (orgId: number) => `organisation-details:${orgId}`;

export interface CardOperatorDetails {
  name: string | null;
  inn: string | null;
  address: string | null;
  /** The contract with the operator (card orders' addressee); not needed for the consent. */
  contract: string | null;
}

/** The details the consent to the card operator needs (the contract is for card orders only). */
type ConsentDetail = 'name' | 'inn' | 'address';

/** A processor on the union's behalf (hosting contractor, SMS gateway, PUSH app): named in the consents when set. */
export interface ProcessorDetails {
  name: string;
  inn: string | null;
  address: string;
}

interface StoredDocumentSettings {
  cardOperator?: Partial<CardOperatorDetails>;
  processors?: Partial<Record<ProcessorRole, ProcessorDetails>>;
}

export interface DocumentSettingsView {
  /** What the documents use now (the override where set, else config/documents.json). */
  cardOperator: CardOperatorDetails;
  /** config/documents.json values. */
  defaults: CardOperatorDetails;
  /** The administrator's overrides (null: not overridden). */
  overrides: CardOperatorDetails;
  /** Russian names of the details still missing (the consent to the card operator cannot be printed). */
  missing: string[];
  /** The processors the consents name now (the override where set, else config/documents.json); null: not named. */
  processors: Record<ProcessorRole, ProcessorDetails | null>;
  updatedAt: string | null;
}

export const CARD_OPERATOR_LABELS: Record<ConsentDetail, string> = {
  name: 'наименование оператора электронных профсоюзных билетов',
  inn: 'ИНН оператора электронных профсоюзных билетов',
  address: 'адрес оператора электронных профсоюзных билетов',
};

async function readSetting<T>(ctx: Ctx, key: string): Promise<{ value: T; updatedAt: Date } | null> {
  const row = await documentModels(ctx.db).Setting.findByPk(key);
  return row ? { value: JSON.parse(row.value) as T, updatedAt: row.updatedAt } : null;
}

async function writeSetting(ctx: Ctx, actor: Actor, key: string, value: unknown): Promise<void> {
  await documentModels(ctx.db).Setting.upsert({ key, value: JSON.stringify(value), updatedBy: actor.userId, updatedAt: ctx.now() });
}

export async function getDocumentSettings(ctx: Ctx): Promise<DocumentSettingsView> {
  const file = loadDocumentsConfig().operators.card_operator;
  const stored = await readSetting<StoredDocumentSettings>(ctx, DOCUMENT_SETTINGS_KEY);
  const o = stored?.value.cardOperator ?? {};
  const overrides: CardOperatorDetails = { name: o.name ?? null, inn: o.inn ?? null, address: o.address ?? null, contract: o.contract ?? null };
  const defaults: CardOperatorDetails = { name: file.name, inn: file.inn, address: file.address, contract: file.contract ?? null };
  const cardOperator: CardOperatorDetails = {
    name: overrides.name ?? defaults.name,
    inn: overrides.inn ?? defaults.inn,
    address: overrides.address ?? defaults.address,
    contract: overrides.contract ?? defaults.contract,
  };
  const missing = (Object.keys(CARD_OPERATOR_LABELS) as ConsentDetail[]).filter((k) => !cardOperator[k]?.trim()).map((k) => CARD_OPERATOR_LABELS[k]);
  const storedProcessors = stored?.value.processors ?? {};
  const configured = loadDocumentsConfig().processors;
  const processors = Object.fromEntries(PROCESSOR_ROLES.map((r) => [r, storedProcessors[r] ?? configured[r] ?? null])) as Record<ProcessorRole, ProcessorDetails | null>;
  return { cardOperator, defaults, overrides, missing, processors, updatedAt: stored ? stored.updatedAt.toISOString() : null };
}

/** `null` for a field removes the override (the config file's value applies again); absent: unchanged. */
export async function updateDocumentSettings(
  ctx: Ctx,
  actor: Actor,
  input: { cardOperator?: Partial<CardOperatorDetails>; processors?: Partial<Record<ProcessorRole, (Omit<ProcessorDetails, 'inn'> & { inn?: string | null }) | null>> },
): Promise<DocumentSettingsView> {
  const fields: { field: string; message: string }[] = [];
  const stored = (await readSetting<StoredDocumentSettings>(ctx, DOCUMENT_SETTINGS_KEY))?.value ?? {};
  const next: Partial<CardOperatorDetails> = { ...(stored.cardOperator ?? {}) };
  const nextProcessors: Partial<Record<ProcessorRole, ProcessorDetails>> = { ...(stored.processors ?? {}) };
  const changed: string[] = [];
  for (const role of Object.keys(input.processors ?? {}) as ProcessorRole[]) {
    const p = input.processors![role];
    if (p === undefined) continue;
    if (p === null) delete nextProcessors[role];
    else {
      let inn: string | null = null;
      if (p.inn) {
        const c = checkInnOrganisation(p.inn, 'ИНН');
        if (!c.ok) {
          fields.push({ field: `processors.${role}.inn`, message: c.message });
          continue;
        }
        inn = c.value;
      }
      nextProcessors[role] = { name: p.name.trim(), inn, address: p.address.trim() };
    }
    changed.push(`processors.${role}`);
  }
  for (const key of Object.keys(input.cardOperator ?? {}) as (keyof CardOperatorDetails)[]) {
    let v = input.cardOperator![key];
    if (v !== null && v !== undefined && key === 'inn') {
      const c = checkInnOrganisation(v, 'ИНН оператора');
      if (!c.ok) {
        fields.push({ field: 'cardOperator.inn', message: c.message });
        continue;
      }
      v = c.value;
    }
    if (v === undefined) continue;
    if (v === null) delete next[key];
    else next[key] = v;
    changed.push(`cardOperator.${key}`);
  }
  if (fields.length) throw badRequest('Настройки не сохранены: исправьте отмеченные поля.', fields);
  if (changed.length) {
    await writeSetting(ctx, actor, DOCUMENT_SETTINGS_KEY, { cardOperator: next, processors: nextProcessors } satisfies StoredDocumentSettings);
    await recordAudit(ctx, { userId: actor.userId, orgId: actor.orgId, action: 'settings.documents_updated', entity: 'settings', entityId: DOCUMENT_SETTINGS_KEY, fields: changed });
  }
  return getDocumentSettings(ctx);
}

/** config/documents.json with the administrator's overrides applied: what the consent builder gets. */
export async function effectiveDocumentsConfig(ctx: Ctx): Promise<{ config: DocumentsConfig; missing: ConsentDetail[] }> {
  const base = loadDocumentsConfig();
  const s = await getDocumentSettings(ctx);
  const missing = (Object.keys(CARD_OPERATOR_LABELS) as ConsentDetail[]).filter((k) => !s.cardOperator[k]?.trim());
  const config: DocumentsConfig = {
    ...base,
    operators: {
      ...base.operators,
      card_operator: { name: s.cardOperator.name ?? base.operators.card_operator.name, inn: s.cardOperator.inn, address: s.cardOperator.address, contract: s.cardOperator.contract },
    },
    processors: s.processors,
  };
  return { config, missing };
}

// ---- Details of organisations without a passport -------------------------------------------

export interface OrganisationDetails {
  /** Full name of the union body as documents name it; default: the organisation's name in the tree. */
  unionName: string | null;
  legalAddress: string | null;
  /** Phone or e-mail for help, printed in the login letters this organisation issues. */
  contact: string | null;
}

export interface OrganisationDetailsView extends OrganisationDetails {
  orgId: number;
  orgName: string;
  updatedAt: string | null;
}

const EMPTY_DETAILS: OrganisationDetails = { unionName: null, legalAddress: null, contact: null };

/** Stored details of many organisations at once (missing ones are absent from the map). */
export async function organisationDetailsMany(ctx: Ctx, orgIds: readonly number[]): Promise<Map<number, OrganisationDetails>> {
  if (!orgIds.length) return new Map();
  const rows = await documentModels(ctx.db).Setting.findAll({ where: { key: orgIds.map(orgDetailsKey) } });
  const out = new Map<number, OrganisationDetails>();
  for (const r of rows) out.set(Number(r.key.slice(r.key.indexOf(':') + 1)), { ...EMPTY_DETAILS, ...(JSON.parse(r.value) as Partial<OrganisationDetails>) });
  return out;
}

function assertDetailsKept(org: OrganisationRow): void {
  if (isUnit(org.kind)) throw badRequest('Реквизиты для документов ведутся у организаций, а не у профбюро и профгрупп.');
  if (isPrimary(org.kind)) {
    throw badRequest('Реквизиты первичной профсоюзной организации для документов берутся из её паспорта (вкладки «ИНПО» и «Адреса и телефоны»): заполните паспорт.');
  }
}

export async function getOrganisationDetails(ctx: Ctx, org: OrganisationRow): Promise<OrganisationDetailsView> {
  assertDetailsKept(org);
  const stored = await readSetting<Partial<OrganisationDetails>>(ctx, orgDetailsKey(org.id));
  return { orgId: org.id, orgName: org.name, ...EMPTY_DETAILS, ...(stored?.value ?? {}), updatedAt: stored ? stored.updatedAt.toISOString() : null };
}

export async function updateOrganisationDetails(ctx: Ctx, actor: Actor, org: OrganisationRow, input: Partial<OrganisationDetails>): Promise<OrganisationDetailsView> {
  assertDetailsKept(org);
  const current = (await readSetting<Partial<OrganisationDetails>>(ctx, orgDetailsKey(org.id)))?.value ?? {};
  const next: Partial<OrganisationDetails> = { ...current };
  const changed: string[] = [];
  for (const key of Object.keys(input) as (keyof OrganisationDetails)[]) {
    const v = input[key];
    if (v === undefined || (current[key] ?? null) === v) continue;
    if (v === null) delete next[key];
    else next[key] = v;
    changed.push(key);
  }
  if (changed.length) {
    await writeSetting(ctx, actor, orgDetailsKey(org.id), next);
    await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'organisation.document_details_updated', entity: 'organisation', entityId: org.id, fields: changed });
  }
  return getOrganisationDetails(ctx, org);
}
