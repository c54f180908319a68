/**
 * The demo organisation of a fresh install: region → territorial organisation → two primary
 * organisations, with logins for each level. Runs only on an empty database.
 *
 * Out of the box every document prints: the school's passport has its legal details, the superior
 * organisations have their details for documents (full union name, legal address, contact), and the
 * card operator has demonstration details (marked as such) in the administrator's settings. A real
 * installation replaces them — README.md «Что заполнить перед печатью документов».
 */
import type { OrgKind } from '../../domain/organisations';
import type { Role } from '../../domain/roles';
import type { Ctx } from './context';
import { seedDemoMembers } from './members/demo-members';
import { insertOrganisation } from './organisations.service';
import { hashPassword } from './passwords';
import { documentModels } from './documents/models';
import { DOCUMENT_SETTINGS_KEY, orgDetailsKey } from './documents/settings.service';

export interface DemoLogin {
  login: string;
  password: string;
  role: Role;
  organisation: string;
  obligationRecorded: boolean;
}

export interface DemoSeedResult {
  seeded: boolean;
  logins: DemoLogin[];
  orgIds: Record<'central' | 'region' | 'territorial' | 'school' | 'kindergarten', number>;
}

/** Demo passwords are public by design: the demo database holds only invented people. */
export const DEMO_LOGINS: readonly (Omit<DemoLogin, 'organisation'> & { org: keyof DemoSeedResult['orgIds']; fullName: string })[] = [
  { login: 'admin', password: 'demo-admin-2026', role: 'central_admin', org: 'central', fullName: 'Администратор Реестра', obligationRecorded: true },
  { login: 'region', password: 'demo-region-2026', role: 'regional', org: 'region', fullName: 'Смирнова Ольга Петровна', obligationRecorded: true },
  { login: 'territory', password: 'demo-territory-2026', role: 'territorial', org: 'territorial', fullName: 'Кузнецов Андрей Викторович', obligationRecorded: true },
  { login: 'school', password: 'demo-school-2026', role: 'primary_chair', org: 'school', fullName: 'Иванова Мария Сергеевна', obligationRecorded: true },
  { login: 'kindergarten', password: 'demo-kindergarten-2026', role: 'primary_chair', org: 'kindergarten', fullName: 'Фёдорова Анна Ивановна', obligationRecorded: false },
];

const TREE: { key: keyof DemoSeedResult['orgIds']; parent: keyof DemoSeedResult['orgIds'] | null; kind: OrgKind; name: string }[] = [
  { key: 'central', parent: null, kind: 'central', name: 'Общероссийский Профсоюз образования' },
  { key: 'region', parent: 'central', kind: 'regional', name: 'Демонстрационная региональная организация Профсоюза' },
  { key: 'territorial', parent: 'region', kind: 'territorial', name: 'Демонстрационная районная организация Профсоюза' },
  { key: 'school', parent: 'territorial', kind: 'primary', name: 'ППО МБОУ «Средняя школа № 1»' },
  { key: 'kindergarten', parent: 'territorial', kind: 'primary', name: 'ППО МБДОУ «Детский сад № 5 «Солнышко»' },
];

/** Details for documents of the organisations without a passport (settings.service «organisation-details»). */
export const DEMO_DETAILS: Partial<Record<keyof DemoSeedResult['orgIds'], { unionName: string; legalAddress: string; contact: string }>> = {
  central: { unionName: 'Общероссийский Профсоюз образования', legalAddress: '119119, г. Москва, Ленинский проспект, д. 42', contact: '+7 495 000-00-00, reestr@example.org' },
  region: {
    unionName: 'Демонстрационная региональная организация Общероссийского Профсоюза образования',
    legalAddress: '420000, г. Демонстрационный, ул. Профсоюзная, д. 10',
    contact: '+7 843 200-00-01, region@example.org',
  },
  territorial: {
    unionName: 'Демонстрационная районная организация Общероссийского Профсоюза образования',
    legalAddress: '420000, г. Демонстрационный, ул. Профсоюзная, д. 12',
    contact: '+7 843 200-00-02, rayon@example.org',
  },
};

/** Demonstration card operator details: printed in the demo's consents; a real installation enters the contract's. */
export const DEMO_CARD_OPERATOR = {
  inn: '7705000002',
  address: '190000, г. Санкт-Петербург, ул. Демонстрационная, д. 1 (демонстрационные реквизиты — замените в «Настройках»)',
  contract: 'договор № ДЕМО-1 от 01.01.2026 (демонстрационный)',
};

export interface DemoSeedOptions {
  /**
   * Seed the details documents need (the superiors' details, the card operator's); default true.
   * Tests of the «details missing» answers start from the bare tree (test/support/app.ts).
   */
  documentDetails?: boolean;
}

export async function seedDemo(ctx: Ctx, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const { Organisation, User, Passport } = ctx.db.models;
  const orgIds = {} as DemoSeedResult['orgIds'];
  if ((await Organisation.count()) > 0) {
    return { seeded: false, logins: [], orgIds };
  }
  const now = ctx.now();
  await ctx.db.sequelize.transaction(async (transaction) => {
    const rows = new Map<string, Awaited<ReturnType<typeof insertOrganisation>>>();
    for (const node of TREE) {
      const parent = node.parent ? rows.get(node.parent)! : null;
      const org = await insertOrganisation(ctx, parent, node.kind, node.name, transaction);
      rows.set(node.key, org);
      orgIds[node.key] = org.id;
    }
    await Passport.create(
      {
        orgId: orgIds.school, inpoNumber: '1600100012', unionName: 'Первичная профсоюзная организация МБОУ «Средняя школа № 1»',
        inn: '7830002293', kpp: '783001001', ogrn: '1027700132195', registrationDate: '2003-02-14',
        institutionName: 'МБОУ «Средняя школа № 1»', institutionType: 'Общеобразовательная организация (школа)',
        chairFullName: 'Иванова Мария Сергеевна', chairPosition: 'Учитель русского языка', employeesCount: 64, studentsCount: 120,
        legalAddress: 'г. Демонстрационный, ул. Школьная, д. 1', postalAddress: null, postalIndex: '420000',
        phone: '+78432000001', email: 'ppo-school1@example.org', version: 1, updatedBy: null, createdAt: now, updatedAt: now,
      },
      { transaction },
    );
    if (options.documentDetails !== false) {
      const { Setting } = documentModels(ctx.db);
      for (const [key, details] of Object.entries(DEMO_DETAILS)) {
        await Setting.create({ key: orgDetailsKey(orgIds[key as keyof DemoSeedResult['orgIds']]), value: JSON.stringify(details), updatedBy: null, updatedAt: now }, { transaction });
      }
      await Setting.create({ key: DOCUMENT_SETTINGS_KEY, value: JSON.stringify({ cardOperator: DEMO_CARD_OPERATOR }), updatedBy: null, updatedAt: now }, { transaction });
    }
    for (const l of DEMO_LOGINS) {
      await User.create(
        {
          login: l.login, fullName: l.fullName, role: l.role, orgId: orgIds[l.org],
          passwordHash: await hashPassword(l.password, ctx.config.scryptCost), mustChangePassword: false,
          obligationSignedAt: l.obligationRecorded ? now.toISOString().slice(0, 10) : null,
          obligationRecordedAt: l.obligationRecorded ? now : null, createdBy: null, createdAt: now, updatedAt: now,
        },
        { transaction },
      );
    }
  });
  await seedDemoMembers(ctx, orgIds.school);
  const names = Object.fromEntries(TREE.map((t) => [t.key, t.name]));
  return {
    seeded: true,
    orgIds,
    logins: DEMO_LOGINS.map((l) => ({ login: l.login, password: l.password, role: l.role, organisation: names[l.org], obligationRecorded: l.obligationRecorded })),
  };
}
