/**
 * Sign-in, tokens, lockout, first-sign-in password change. Tokens are stored hashed and can be revoked.
 *
 * «Запомнить меня на этом компьютере»: a sign-in with `remember` also issues a refresh token (a new
 * family). The pane keeps it in its origin's localStorage and exchanges it for a session token when
 * it opens (`refresh`); each exchange rotates it within the family. A rotated token presented again
 * ends the whole family and the sessions it issued (someone else has a copy). A password change or
 * reset, a deactivation and «Выйти на всех устройствах» end every family of the user.
 */
import { randomBytes } from 'node:crypto';
import { Op, type Transaction } from 'sequelize';
import { AppError, badRequest, forbidden, unauthorized } from '../errors';
import { returning } from '../db/sql';
import { recordAudit } from './audit.service';
import type { Actor, Ctx } from './context';
import { DEMO_LOGINS } from './demo-seed';
import { decoyHash, generateToken, hashPassword, passwordProblem, sha256, verifyPassword } from './passwords';

export interface LoginResult {
  token: string;
  expiresAt: string;
  mustChangePassword: boolean;
  user: { id: number; login: string; fullName: string; role: string; orgId: number };
  /** Only with «Запомнить меня»: the next refresh token (shown once) and when it lapses unused. */
  refreshToken?: string;
  refreshExpiresAt?: string;
}

const REFRESH_ENDED = 'Вход на этом компьютере больше не запомнен. Войдите снова.';

const BAD_CREDENTIALS = 'Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.';

/**
 * The demo logins' passwords are printed in the README and the start-up banner. A server set up for
 * real use (PUBLIC_ORIGIN, TLS or DATABASE_URL) refuses them, whatever the password, before anything
 * is looked up: the names are public, so answering this says nothing about the accounts.
 */
export const DEMO_LOGINS_REFUSED =
  'Демонстрационные учётные записи на этом сервере отключены: он настроен для настоящей работы (задан PUBLIC_ORIGIN, HTTPS или DATABASE_URL). ' +
  'Войдите под своей учётной записью; первого администратора создаёт команда «npm run create-admin» на сервере.';

/** A demo login on a server set up for real use: refused at sign-in, at «remember me» and for any session it still has. */
function isRefusedDemoLogin(ctx: Ctx, login: string): boolean {
  return ctx.config.demoLoginsRefused && DEMO_LOGINS.some((l) => l.login === login);
}

export async function login(ctx: Ctx, loginName: string, password: string, remember = false): Promise<LoginResult> {
  const { User } = ctx.db.models;
  const normalised = loginName.trim().toLowerCase();
  if (isRefusedDemoLogin(ctx, normalised)) throw new AppError(403, 'demo_login_refused', DEMO_LOGINS_REFUSED);
  const user = await User.findOne({ where: { login: normalised } });
  const now = ctx.now();
  if (!user || !user.active) {
    // Exactly one scrypt run, as for a real check, so that timing does not tell which logins exist.
    await verifyPassword(password, decoyHash(ctx.config.scryptCost));
    throw unauthorizedLogin();
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    await verifyPassword(password, decoyHash(ctx.config.scryptCost));
    throw new AppError(423, 'account_locked', lockedMessage(user.lockedUntil, now));
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    const failure = await countFailedPassword(ctx, user.id, user.orgId, now);
    if (failure.locked) throw new AppError(423, 'account_locked', lockedMessage(failure.until, now));
    throw unauthorizedLogin();
  }
  // The right password counts only if no concurrent failure locked the account meanwhile.
  const opened = await returning<{ id: number }>(
    ctx.db,
    'UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now) RETURNING id',
    { id: user.id, now },
  );
  if (opened.length === 0) {
    await user.reload();
    throw new AppError(423, 'account_locked', lockedMessage(user.lockedUntil ?? now, now));
  }
  return ctx.db.sequelize.transaction(async (transaction) => {
    const family = remember ? randomBytes(16).toString('hex') : null;
    const session = await issueSession(ctx, user, family, transaction);
    await recordAudit(ctx, { userId: user.id, orgId: user.orgId, action: 'auth.login', entity: 'user', entityId: user.id, details: remember ? { remember: true } : undefined }, transaction);
    return family ? { ...session, ...(await issueRefreshToken(ctx, user.id, family, transaction)) } : session;
  });
}

interface SessionUser {
  id: number;
  login: string;
  fullName: string;
  role: string;
  orgId: number;
  mustChangePassword: boolean;
}

async function issueSession(ctx: Ctx, user: SessionUser, refreshFamily: string | null, transaction: Transaction): Promise<LoginResult> {
  const now = ctx.now();
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + ctx.config.tokenTtlMinutes * 60_000);
  await ctx.db.models.AuthToken.create({ tokenHash: sha256(token), userId: user.id, expiresAt, refreshFamily, createdAt: now }, { transaction });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    mustChangePassword: user.mustChangePassword,
    user: { id: user.id, login: user.login, fullName: user.fullName, role: user.role, orgId: user.orgId },
  };
}

/**
 * A wrong password (at sign-in, or the current one at a password change) counts towards the lock. One
 * atomic statement counts the failure and locks at the threshold, so a burst of attempts (on one
 * instance or several) cannot slip past the lock; only the request that locks audits it. `locked` is
 * true when the account is locked now (by this failure or by a concurrent one).
 */
async function countFailedPassword(ctx: Ctx, userId: number, orgId: number, now: Date): Promise<{ locked: boolean; until: Date }> {
  const until = new Date(now.getTime() + ctx.config.lockoutMinutes * 60_000);
  const rows = await returning<{ locked_until: unknown }>(
    ctx.db,
    `UPDATE users SET
       locked_until = CASE WHEN failed_attempts + 1 >= :threshold THEN :until ELSE locked_until END,
       failed_attempts = CASE WHEN failed_attempts + 1 >= :threshold THEN 0 ELSE failed_attempts + 1 END
     WHERE id = :id AND (locked_until IS NULL OR locked_until <= :now)
     RETURNING locked_until`,
    { threshold: ctx.config.lockoutThreshold, until, id: userId, now },
  );
  if (rows.length === 0) return { locked: true, until };
  if (rows[0].locked_until != null && new Date(rows[0].locked_until as string).getTime() > now.getTime()) {
    await recordAudit(ctx, { userId, orgId, action: 'account.locked', entity: 'user', entityId: userId });
    return { locked: true, until };
  }
  return { locked: false, until };
}

async function issueRefreshToken(ctx: Ctx, userId: number, familyId: string, transaction: Transaction): Promise<{ refreshToken: string; refreshExpiresAt: string }> {
  const now = ctx.now();
  const refreshToken = generateToken();
  const expiresAt = new Date(now.getTime() + ctx.config.refreshTtlDays * 24 * 60 * 60_000);
  await ctx.db.models.RefreshToken.create({ tokenHash: sha256(refreshToken), familyId, userId, expiresAt, createdAt: now }, { transaction });
  return { refreshToken, refreshExpiresAt: expiresAt.toISOString() };
}

/**
 * A remembered sign-in: the refresh token is exchanged for a session token and a new refresh token
 * of the same family; the old one can never be used again. A token that was already exchanged ends
 * the whole family (and the sessions it issued): whoever holds it now, it is a copy.
 */
export async function refresh(ctx: Ctx, refreshToken: string): Promise<LoginResult> {
  const { RefreshToken, User } = ctx.db.models;
  const now = ctx.now();
  const row = await RefreshToken.findOne({ where: { tokenHash: sha256(refreshToken) } });
  if (!row || row.revokedAt) throw new AppError(401, 'refresh_ended', REFRESH_ENDED);
  if (row.usedAt) {
    await endFamily(ctx, row.familyId, { userId: row.userId, reason: 'reused' });
    throw new AppError(401, 'refresh_ended', REFRESH_ENDED);
  }
  if (row.expiresAt <= now) throw new AppError(401, 'refresh_ended', REFRESH_ENDED);
  const user = await User.findByPk(row.userId);
  if (!user || !user.active) {
    await endFamily(ctx, row.familyId, { userId: row.userId, reason: 'inactive' });
    throw unauthorized('Учётная запись отключена.');
  }
  if (isRefusedDemoLogin(ctx, user.login)) {
    // «Запомнить меня» from a demo tried on the same data folder before it was set up for real use.
    await endFamily(ctx, row.familyId, { userId: row.userId, reason: 'inactive' });
    throw new AppError(403, 'demo_login_refused', DEMO_LOGINS_REFUSED);
  }
  const rotated = await ctx.db.sequelize.transaction(async (transaction) => {
    // One statement claims the token, so two exchanges of the same token cannot both succeed.
    const claimed = await returning<{ id: number }>(
      ctx.db,
      'UPDATE refresh_tokens SET used_at = :now WHERE id = :id AND used_at IS NULL AND revoked_at IS NULL RETURNING id',
      { now, id: row.id },
      transaction,
    );
    if (claimed.length === 0) return null;
    const session = await issueSession(ctx, user, row.familyId, transaction);
    const next = await issueRefreshToken(ctx, user.id, row.familyId, transaction);
    await recordAudit(ctx, { userId: user.id, orgId: user.orgId, action: 'auth.refresh', entity: 'user', entityId: user.id }, transaction);
    return { ...session, ...next };
  });
  if (!rotated) {
    await endFamily(ctx, row.familyId, { userId: row.userId, reason: 'reused' });
    throw new AppError(401, 'refresh_ended', REFRESH_ENDED);
  }
  return rotated;
}

/** Revokes every refresh token of a family and the sessions it issued. */
async function endFamily(ctx: Ctx, familyId: string, why: { userId: number; reason: 'reused' | 'inactive' | 'logout' }, transaction?: Transaction): Promise<void> {
  const { RefreshToken, AuthToken } = ctx.db.models;
  const now = ctx.now();
  await RefreshToken.update({ revokedAt: now }, { where: { familyId, revokedAt: null }, transaction });
  await AuthToken.update({ revokedAt: now }, { where: { refreshFamily: familyId, revokedAt: null }, transaction });
  if (why.reason === 'reused') {
    await recordAudit(ctx, { userId: why.userId, orgId: null, action: 'auth.refresh_reused', entity: 'user', entityId: why.userId }, transaction);
  }
}

function unauthorizedLogin(): AppError {
  return new AppError(401, 'bad_credentials', BAD_CREDENTIALS);
}

function lockedMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `Слишком много неудачных попыток входа. Вход заблокирован на ${minutes} мин. Если вы забыли пароль, обратитесь к председателю вышестоящей организации.`;
}

function changeLockedMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return `Слишком много неверных попыток ввести текущий пароль. Учётная запись заблокирована на ${minutes} мин., сеанс завершён. Если вы забыли пароль, обратитесь к председателю вышестоящей организации.`;
}

/** The actor behind a bearer token, or 401. */
export async function authenticate(ctx: Ctx, token: string | undefined): Promise<Actor> {
  if (!token) throw unauthorized();
  const { AuthToken, User, Organisation } = ctx.db.models;
  const row = await AuthToken.findOne({ where: { tokenHash: sha256(token) } });
  const now = ctx.now();
  if (!row || row.revokedAt) throw unauthorized('Сеанс завершён. Войдите снова.');
  if (row.expiresAt <= now) throw new AppError(401, 'session_expired', 'Сеанс истёк. Войдите снова — несохранённые строки листа останутся на месте.');
  const user = await User.findByPk(row.userId);
  if (!user || !user.active) throw unauthorized('Учётная запись отключена.');
  if (isRefusedDemoLogin(ctx, user.login)) throw new AppError(403, 'demo_login_refused', DEMO_LOGINS_REFUSED);
  const org = await Organisation.findByPk(user.orgId);
  if (!org) throw unauthorized('Организация учётной записи не найдена.');
  return {
    userId: user.id,
    login: user.login,
    role: user.role,
    orgId: user.orgId,
    orgPath: org.path,
    obligationRecorded: user.obligationRecordedAt != null,
    mustChangePassword: user.mustChangePassword,
    tokenId: row.id,
  };
}

export async function changePassword(ctx: Ctx, actor: Actor, oldPassword: string, newPassword: string): Promise<void> {
  const { User, AuthToken } = ctx.db.models;
  const user = await User.findByPk(actor.userId);
  if (!user) throw unauthorized();
  const now = ctx.now();
  if (user.lockedUntil && user.lockedUntil > now) {
    await revokeAllTokens(ctx, user.id);
    throw new AppError(423, 'account_locked', changeLockedMessage(user.lockedUntil, now));
  }
  if (!(await verifyPassword(oldPassword, user.passwordHash))) {
    // Guessing the current password with a stolen session counts like guessing at sign-in: at the
    // threshold the account locks and every session of it ends.
    const failure = await countFailedPassword(ctx, user.id, user.orgId, now);
    if (failure.locked) {
      await revokeAllTokens(ctx, user.id);
      throw new AppError(423, 'account_locked', changeLockedMessage(failure.until, now));
    }
    throw badRequest('Текущий пароль введён неверно.', [{ field: 'oldPassword', message: 'Текущий пароль введён неверно.' }]);
  }
  const problem = passwordProblem(newPassword, user.login);
  if (problem) throw badRequest(problem, [{ field: 'newPassword', message: problem }]);
  if (oldPassword === newPassword) {
    const m = 'Новый пароль должен отличаться от текущего.';
    throw badRequest(m, [{ field: 'newPassword', message: m }]);
  }
  await ctx.db.sequelize.transaction(async (transaction) => {
    await user.update({ passwordHash: await hashPassword(newPassword, ctx.config.scryptCost), mustChangePassword: false, failedAttempts: 0 }, { transaction });
    // Other sessions of this user end; the current one stays.
    await AuthToken.update(
      { revokedAt: ctx.now() },
      { where: { userId: user.id, revokedAt: null, id: { [Op.ne]: actor.tokenId } }, transaction },
    );
    // «Запомнить меня» ends everywhere, on this computer too: the next opening asks for the new password.
    await ctx.db.models.RefreshToken.update({ revokedAt: ctx.now() }, { where: { userId: user.id, revokedAt: null }, transaction });
    await recordAudit(ctx, { userId: user.id, orgId: user.orgId, action: 'auth.password_changed', entity: 'user', entityId: user.id, fields: ['password'] }, transaction);
  });
}

/**
 * Ends the session the request came with, and the «remember me» of the computer it came from (the
 * family that issued it); the audit log records it like the sign-in.
 */
export async function logout(ctx: Ctx, actor: Actor): Promise<void> {
  await ctx.db.sequelize.transaction(async (transaction) => {
    const session = await ctx.db.models.AuthToken.findByPk(actor.tokenId, { transaction });
    await ctx.db.models.AuthToken.update({ revokedAt: ctx.now() }, { where: { id: actor.tokenId }, transaction });
    if (session?.refreshFamily) await endFamily(ctx, session.refreshFamily, { userId: actor.userId, reason: 'logout' }, transaction);
    await recordAudit(ctx, { userId: actor.userId, orgId: actor.orgId, action: 'auth.logout', entity: 'user', entityId: actor.userId }, transaction);
  });
}

/** «Выйти на всех устройствах»: every session and every remembered computer of the user ends, this one too. */
export async function logoutEverywhere(ctx: Ctx, actor: Actor): Promise<void> {
  await ctx.db.sequelize.transaction(async (transaction) => {
    await revokeAllTokens(ctx, actor.userId, transaction);
    await recordAudit(ctx, { userId: actor.userId, orgId: actor.orgId, action: 'auth.logout_all', entity: 'user', entityId: actor.userId }, transaction);
  });
}

/** Every session and every «remember me» of the user (password reset, deactivation, logout everywhere). */
export async function revokeAllTokens(ctx: Ctx, userId: number, transaction?: Transaction): Promise<void> {
  const now = ctx.now();
  await ctx.db.models.AuthToken.update({ revokedAt: now }, { where: { userId, revokedAt: null }, transaction });
  await ctx.db.models.RefreshToken.update({ revokedAt: now }, { where: { userId, revokedAt: null }, transaction });
}

/** Until the one-time password is changed, only the password change and «who am I» are open. */
export function requirePasswordChanged(actor: Actor): void {
  if (actor.mustChangePassword) {
    throw forbidden('Сначала смените временный пароль из письма на свой.', 'password_change_required');
  }
}
