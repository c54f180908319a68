/**
 * The union bodies documents name: a primary organisation from its passport; a superior organisation
 * from its passport where it has one (ППО с правами территориальной), else from the details its
 * chair or the administrator keeps for documents (settings.service), its name defaulting to the name
 * in the tree.
 */
import { Op } from 'sequelize';
import { isPrimary, pathIds } from '../../../domain/organisations';
import type { ConsentKind } from '../../../domain/members/codes';
import { organisationProblems, type ConsentOrganisation } from '../../documents';
import type { OrganisationRow } from '../../db/models';
import { AppError } from '../../errors';
import type { Ctx } from '../context';
import { organisationDetailsMany } from './settings.service';

export interface UnionBody {
  org: OrganisationRow;
  hasPassport: boolean;
  /** From the passport (primary) or the stored details, else the organisation's name in the tree (superiors only). */
  name: string | null;
  /**
   * The full name for documents that must name the body even when its passport lacks the union name
   * (the obligation): the passport's name, else «Первичная профсоюзная организация <учреждение>
   * Общероссийского Профсоюза образования» from the passport's institution, else the tree name with
   * «ППО» written out.
   */
  fullName: string;
  legalAddress: string | null;
  /** ИНН and ОГРН from the passport (primary organisations), for the consents' list of operators. */
  inn: string | null;
  ogrn: string | null;
  /** Phone / e-mail for the login letters this organisation issues. */
  contact: string | null;
}

const filled = (s: string | null | undefined): string | null => (s && s.trim() ? s.trim() : null);

export async function unionBodies(ctx: Ctx, orgIds: readonly number[]): Promise<Map<number, UnionBody>> {
  const { Organisation, Passport } = ctx.db.models;
  const ids = [...new Set(orgIds)];
  const [orgs, passports, details] = await Promise.all([
    Organisation.findAll({ where: { id: { [Op.in]: ids } } }),
    Passport.findAll({ where: { orgId: { [Op.in]: ids } } }),
    organisationDetailsMany(ctx, ids),
  ]);
  const pass = new Map(passports.map((p) => [p.orgId, p]));
  const out = new Map<number, UnionBody>();
  for (const org of orgs) {
    const p = pass.get(org.id);
    const d = details.get(org.id);
    const primary = isPrimary(org.kind);
    const name = filled(p?.unionName) ?? (primary ? null : filled(d?.unionName) ?? org.name);
    out.set(org.id, {
      org,
      hasPassport: primary,
      name,
      fullName: name ?? expandedPrimaryName(org.name, filled(p?.institutionName)),
      inn: filled(p?.inn),
      ogrn: filled(p?.ogrn),
      legalAddress: filled(p?.legalAddress) ?? (primary ? null : filled(d?.legalAddress)),
      contact: filled(d?.contact) ?? filled([p?.phone, p?.email].filter(Boolean).join(', ')),
    });
  }
  return out;
}

const UNION = 'Общероссийского Профсоюза образования';

/** A primary organisation's full name when its passport has no union name (see UnionBody.fullName). */
export function expandedPrimaryName(treeName: string, institutionName: string | null): string {
  if (institutionName) return `Первичная профсоюзная организация ${institutionName} ${UNION}`;
  const expanded = treeName.trim().replace(/^ППО\s+/u, 'Первичная профсоюзная организация ');
  return expanded.includes(UNION) ? expanded : `${expanded} ${UNION}`;
}

/** One missing detail, for the answer's `missing` list (no personal data: organisations only). */
export interface MissingDetail {
  orgId: number;
  field: 'unionName' | 'legalAddress';
  where: 'passport' | 'details';
}

/**
 * The primary organisation and its superiors as the consents name them, or a 422 problem naming what
 * to fill in and where («Заполните в паспорте ППО: …»).
 */
export async function consentOrganisation(ctx: Ctx, primary: OrganisationRow, kinds: readonly ConsentKind[]): Promise<ConsentOrganisation> {
  const ancestorIds = pathIds(primary.path).filter((id) => id !== primary.id);
  const bodies = await unionBodies(ctx, [primary.id, ...ancestorIds]);
  const self = bodies.get(primary.id)!;
  const superiors = ancestorIds
    .reverse()
    .map((id) => bodies.get(id))
    .filter((b): b is UnionBody => Boolean(b));
  const org: ConsentOrganisation = {
    unionName: self.name,
    legalAddress: self.legalAddress,
    inn: self.inn,
    ogrn: self.ogrn,
    superiors: superiors.map((s) => ({ name: s.name, address: s.legalAddress, inn: s.inn, ogrn: s.ogrn })),
  };

  const needsAddresses = kinds.includes('union') || kinds.includes('notify');
  const missing: MissingDetail[] = [];
  const ownFields: string[] = [];
  if (!self.name) {
    ownFields.push('наименование профсоюзной организации (вкладка «ИНПО»)');
    missing.push({ orgId: primary.id, field: 'unionName', where: 'passport' });
  }
  if (needsAddresses && !self.legalAddress) {
    ownFields.push('юридический адрес (вкладка «Адреса и телефоны»)');
    missing.push({ orgId: primary.id, field: 'legalAddress', where: 'passport' });
  }
  const sentences: string[] = [];
  if (ownFields.length) sentences.push(`Заполните в паспорте ППО: ${ownFields.join(', ')}.`);
  if (needsAddresses) {
    for (const s of superiors) {
      if (s.legalAddress) continue;
      if (s.hasPassport) {
        sentences.push(`Заполните в паспорте ППО «${s.name ?? s.org.name}»: юридический адрес (вкладка «Адреса и телефоны»).`);
        missing.push({ orgId: s.org.id, field: 'legalAddress', where: 'passport' });
      } else {
        sentences.push(
          `Не указан юридический адрес вышестоящей организации «${s.name ?? s.org.name}»: его вносит председатель этой организации или администратор реестра в реквизитах организации для документов.`,
        );
        missing.push({ orgId: s.org.id, field: 'legalAddress', where: 'details' });
      }
    }
  }
  if (sentences.length) {
    throw new AppError(422, 'organisation_details_missing', `Согласия не напечатаны: в согласии указываются наименование и адрес каждого оператора персональных данных. ${sentences.join(' ')}`, [], { missing });
  }
  // The document module's own rule must agree; if it ever asks for more, say what it asks.
  const more = organisationProblems(org, kinds);
  if (more.length) throw new AppError(422, 'organisation_details_missing', `Согласия не напечатаны: не хватает сведений об организации: ${more.join('; ')}.`, [], { missing });
  return org;
}
