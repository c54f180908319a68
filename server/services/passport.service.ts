/** The passport of a primary organisation: read with completeness, update with validation and audit. */
import { isPrimary } from '../../domain/organisations';
import { PASSPORT_FIELDS, passportCompleteness, validatePassport, type PassportData, type PassportKey } from '../../domain/passport';
import { badRequest, conflict } from '../errors';
import { scopedOrg, type ScopedOrg } from './access';
import { recordAudit } from './audit.service';
import type { Actor, Ctx } from './context';

export interface PassportView {
  orgId: number;
  orgName: string;
  version: number;
  data: PassportData;
  completeness: ReturnType<typeof passportCompleteness>;
  updatedAt: string | null;
}

function emptyPassport(): PassportData {
  return Object.fromEntries(PASSPORT_FIELDS.map((f) => [f.key, null])) as PassportData;
}

async function primaryInScope(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number) {
  const org = await scopedOrg(ctx, actor, orgId);
  if (!isPrimary(org.kind)) {
    throw badRequest('Паспорт ведётся только для первичной профсоюзной организации.');
  }
  return org;
}

export async function getPassport(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number): Promise<PassportView> {
  const org = await primaryInScope(ctx, actor, orgId);
  const row = await ctx.db.models.Passport.findByPk(org.id);
  const data = emptyPassport();
  if (row) for (const f of PASSPORT_FIELDS) (data as Record<PassportKey, unknown>)[f.key] = row.get(f.key) ?? null;
  return {
    orgId: org.id,
    orgName: org.name,
    version: row?.version ?? 0,
    data,
    completeness: passportCompleteness(data),
    updatedAt: row?.updatedAt ? row.updatedAt.toISOString() : null,
  };
}

/** Save the given fields (others unchanged). `version` guards against overwriting someone else's edit. */
export async function updatePassport(
  ctx: Ctx,
  actor: Actor,
  orgId: ScopedOrg | number,
  input: { version?: number; data: Partial<Record<PassportKey, unknown>> },
): Promise<PassportView> {
  const org = await primaryInScope(ctx, actor, orgId);
  const { value, errors } = validatePassport(input.data);
  if (errors.length) throw badRequest('Паспорт не сохранён: исправьте отмеченные поля.', errors.map((e) => ({ field: `data.${e.field}`, message: e.message })));
  await ctx.db.sequelize.transaction(async (transaction) => {
    const { Passport } = ctx.db.models;
    const row = await Passport.findByPk(org.id, { transaction, lock: ctx.db.dialect === 'postgres' });
    const currentVersion = row?.version ?? 0;
    if (input.version !== undefined && input.version !== currentVersion) {
      throw conflict('Паспорт уже изменил другой пользователь. Загрузите паспорт заново и повторите правку.', { currentVersion });
    }
    const changed = Object.keys(value).filter((k) => (row ? row.get(k) : null) !== value[k as PassportKey]);
    if (!changed.length) return;
    const now = ctx.now();
    if (row) {
      await row.update({ ...value, version: currentVersion + 1, updatedBy: actor.userId, updatedAt: now }, { transaction });
    } else {
      await Passport.create({ ...emptyPassport(), ...value, orgId: org.id, version: 1, updatedBy: actor.userId, createdAt: now, updatedAt: now }, { transaction });
    }
    await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'passport.updated', entity: 'passport', entityId: org.id, fields: changed }, transaction);
  });
  return getPassport(ctx, actor, org);
}
