/**
 * Accounts of chairs (roadmap step 1): a superior organisation creates a login with a one-time password
 * for the chair of an organisation below it and records the signed non-disclosure obligation.
 */
import { Op, UniqueConstraintError } from 'sequelize';
import { isUnit } from '../../domain/organisations';
import { roleForOrgKind, roleRank, type Role } from '../../domain/roles';
import { formulaStartProblem } from '../../domain/text';
import { badRequest, conflict, forbidden, unprocessable } from '../errors';
import { managedUser, orgInScope, requireObligation, scopedOrg, subtreeWhere, type ScopedOrg } from './access';
import { recordAudit } from './audit.service';
import { revokeAllTokens } from './auth.service';
import { latestTodayIso, type Actor, type Ctx } from './context';
import { generateLogin, generateOneTimePassword, hashPassword } from './passwords';
import type { UserRow } from '../db/models';

export interface AccountView {
  id: number;
  login: string;
  fullName: string;
  role: Role;
  orgId: number;
  orgName: string;
  active: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  obligationSignedAt: string | null;
  obligationRecordedAt: string | null;
  trainingCompletedAt: string | null;
}

export interface IssuedCredentials {
  account: AccountView;
  /** Shown once (and printed in the login letter); only its hash is stored. */
  oneTimePassword: string;
}

function view(ctx: Ctx, u: UserRow, orgName: string): AccountView {
  return {
    id: u.id,
    login: u.login,
    fullName: u.fullName,
    role: u.role,
    orgId: u.orgId,
    orgName,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    locked: Boolean(u.lockedUntil && u.lockedUntil > ctx.now()),
    obligationSignedAt: u.obligationSignedAt ?? null,
    obligationRecordedAt: u.obligationRecordedAt ? u.obligationRecordedAt.toISOString() : null,
    trainingCompletedAt: u.trainingCompletedAt ? u.trainingCompletedAt.toISOString() : null,
  };
}

export async function listAccounts(ctx: Ctx, actor: Actor, orgId: ScopedOrg | number): Promise<AccountView[]> {
  const org = await scopedOrg(ctx, actor, orgId);
  const { Organisation, User } = ctx.db.models;
  const orgs = await Organisation.findAll({ where: { path: subtreeWhere(org.path) }, attributes: ['id', 'name'] });
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  const users = await User.findAll({ where: { orgId: { [Op.in]: [...names.keys()] } }, order: [['login', 'ASC']] });
  return users.map((u) => view(ctx, u, names.get(u.orgId) ?? ''));
}

const NO_FREE_LOGIN = 'Не удалось подобрать свободный логин. Повторите попытку.';

/** Where new logins come from (random, see generateLogin); an object so that tests can make two creations draw the same one. */
export const loginSource = { next: generateLogin };

async function uniqueLogin(ctx: Ctx): Promise<string> {
  for (let i = 0; i < 20; i++) {
    const login = loginSource.next();
    if (!(await ctx.db.models.User.findOne({ where: { login } }))) return login;
  }
  throw conflict(NO_FREE_LOGIN);
}

/** The insert lost a race for its login: another creation took it between the check and the insert. */
function isLoginTaken(err: unknown): boolean {
  if (!(err instanceof UniqueConstraintError)) return false;
  return Object.keys(err.fields ?? {}).some((f) => f === 'login' || f.endsWith('.login')) || err.errors.some((e) => e.path === 'login');
}

/** How many times a creation that lost the race for its login draws another one. */
const LOGIN_RACE_RETRIES = 5;

/**
 * Creating an account, a one-time password and recording someone's obligation all hand out access to
 * personal data: the caller's own obligation must be recorded first (the routes check it too), or a
 * chair without one could make an account, record its obligation and read members through it.
 */
export async function createAccount(ctx: Ctx, actor: Actor, orgId: number, input: { fullName: string }): Promise<IssuedCredentials> {
  requireObligation(actor);
  const formula = formulaStartProblem(input.fullName, 'ФИО председателя');
  if (formula) throw unprocessable(formula, 'fullName');
  const org = await orgInScope(ctx, actor, orgId);
  if (org.id === actor.orgId && actor.role !== 'central_admin') {
    throw forbidden('Учётные записи своего уровня создаёт вышестоящая организация.');
  }
  if (isUnit(org.kind)) throw badRequest('Учётные записи создаются для председателей организаций, а не профгрупп и профбюро.');
  const role = roleForOrgKind(org.kind);
  if (!role) throw badRequest('Для организации этого вида учётные записи не создаются.');
  if (roleRank(role) >= roleRank(actor.role) && actor.role !== 'central_admin') {
    throw forbidden('Можно создавать учётные записи только для нижестоящих организаций.');
  }
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword, ctx.config.scryptCost);
  const now = ctx.now();
  for (let attempt = 0; ; attempt++) {
    const login = await uniqueLogin(ctx);
    try {
      const user = await ctx.db.sequelize.transaction(async (transaction) => {
        const u = await ctx.db.models.User.create(
          { login, fullName: input.fullName, role, orgId: org.id, passwordHash, mustChangePassword: true, createdBy: actor.userId, createdAt: now, updatedAt: now },
          { transaction },
        );
        await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'account.created', entity: 'user', entityId: u.id, fields: ['login', 'fullName', 'role'] }, transaction);
        return u;
      });
      return { account: view(ctx, user, org.name), oneTimePassword };
    } catch (err) {
      // A concurrent creation took the login after uniqueLogin saw it free (the unique index caught it): draw another.
      if (!isLoginTaken(err)) throw err;
      if (attempt >= LOGIN_RACE_RETRIES) throw conflict(NO_FREE_LOGIN);
    }
  }
}

export async function resetPassword(ctx: Ctx, actor: Actor, userId: number): Promise<IssuedCredentials> {
  requireObligation(actor);
  const { user, org } = await managedUser(ctx, actor, userId);
  const oneTimePassword = generateOneTimePassword();
  await user.update({ passwordHash: await hashPassword(oneTimePassword, ctx.config.scryptCost), mustChangePassword: true, failedAttempts: 0, lockedUntil: null });
  await revokeAllTokens(ctx, user.id);
  await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'account.password_reset', entity: 'user', entityId: user.id, fields: ['password'] });
  return { account: view(ctx, user, org.name), oneTimePassword };
}

export async function setAccountActive(ctx: Ctx, actor: Actor, userId: number, active: boolean): Promise<AccountView> {
  const { user, org } = await managedUser(ctx, actor, userId);
  await user.update({ active });
  if (!active) await revokeAllTokens(ctx, user.id);
  await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: active ? 'account.enabled' : 'account.disabled', entity: 'user', entityId: user.id, fields: ['active'] });
  return view(ctx, user, org.name);
}

/** Record that the chair's signed obligation not to disclose personal data was received. */
export async function recordObligation(ctx: Ctx, actor: Actor, userId: number, signedAt: string): Promise<AccountView> {
  requireObligation(actor);
  const { user, org } = await managedUser(ctx, actor, userId);
  if (signedAt > latestTodayIso(ctx)) {
    throw badRequest('Дата подписи не может быть в будущем.', [{ field: 'signedAt', message: 'Дата подписи не может быть в будущем.' }]);
  }
  // The same obligation recorded again (a retried request, a second click) changes nothing.
  if (user.obligationRecordedAt && String(user.obligationSignedAt ?? '').slice(0, 10) === signedAt) return view(ctx, user, org.name);
  await user.update({ obligationSignedAt: signedAt, obligationRecordedAt: ctx.now(), obligationRecordedBy: actor.userId });
  await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'account.obligation_recorded', entity: 'user', entityId: user.id, fields: ['obligationSignedAt'] });
  return view(ctx, user, org.name);
}

/** Step 2 of the roadmap: the chair marks the training as attended / the guided first run as completed. */
export async function markOwnProgress(ctx: Ctx, actor: Actor, what: 'training' | 'firstRun'): Promise<AccountView> {
  const user = await ctx.db.models.User.findByPk(actor.userId);
  const org = await ctx.db.models.Organisation.findByPk(actor.orgId);
  if (!user || !org) throw forbidden('Учётная запись не найдена.');
  const field = what === 'training' ? 'trainingCompletedAt' : 'firstRunCompletedAt';
  if (!user.get(field)) {
    await user.update({ [field]: ctx.now() });
    await recordAudit(ctx, { userId: actor.userId, orgId: actor.orgId, action: `account.${what}_completed`, entity: 'user', entityId: user.id, fields: [field] });
  }
  return view(ctx, user, org.name);
}

export async function me(ctx: Ctx, actor: Actor): Promise<AccountView & { orgPath: string; orgKind: string }> {
  const user = await ctx.db.models.User.findByPk(actor.userId);
  const org = await ctx.db.models.Organisation.findByPk(actor.orgId);
  if (!user || !org) throw forbidden('Учётная запись не найдена.');
  return { ...view(ctx, user, org.name), orgPath: org.path, orgKind: org.kind };
}
