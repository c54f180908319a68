/**
 * The first administrator of a server set up for real use (`npm run create-admin` on the server):
 * without the demo, nobody could sign in. Creates the central organisation if the database has none,
 * and a central administrator with a one-time password that must be changed at the first sign-in.
 * The obligation is recorded only when the operator gives the date it was signed.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit } from './audit.service';
import type { Ctx } from './context';
import { DEMO_LOGINS } from './demo-seed';
import { insertOrganisation } from './organisations.service';
import { generateOneTimePassword, hashPassword } from './passwords';

export const CENTRAL_NAME = 'Общероссийский Профсоюз образования';

export interface FirstAdmin {
  login: string;
  oneTimePassword: string;
  orgId: number;
  createdOrganisation: boolean;
}

export async function createFirstAdmin(ctx: Ctx, input: { fullName: string; login?: string; obligationSignedAt?: string }): Promise<FirstAdmin> {
  const { Organisation, User } = ctx.db.models;
  const login = (input.login ?? `admin-${randomBytes(3).toString('hex')}`).trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{2,40}$/.test(login)) throw new Error('логин: латинские буквы, цифры, точка, дефис, от 3 до 41 знака');
  if (DEMO_LOGINS.some((l) => l.login === login)) throw new Error(`логин «${login}» — демонстрационный, на настоящем сервере он не работает; выберите другой`);
  if (input.obligationSignedAt !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(input.obligationSignedAt)) throw new Error('дата обязательства: ГГГГ-ММ-ДД');
  if (await User.findOne({ where: { login } })) throw new Error(`логин «${login}» уже занят`);
  const oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword, ctx.config.scryptCost);
  const now = ctx.now();
  return ctx.db.sequelize.transaction(async (transaction) => {
    let central = await Organisation.findOne({ where: { kind: 'central' }, transaction });
    const createdOrganisation = !central;
    central ??= await insertOrganisation(ctx, null, 'central', CENTRAL_NAME, transaction);
    const user = await User.create(
      {
        login, fullName: input.fullName, role: 'central_admin', orgId: central.id, passwordHash, mustChangePassword: true,
        obligationSignedAt: input.obligationSignedAt ?? null, obligationRecordedAt: input.obligationSignedAt ? now : null,
        createdBy: null, createdAt: now, updatedAt: now,
      },
      { transaction },
    );
    await recordAudit(ctx, { userId: null, orgId: central.id, action: 'account.created_on_server', entity: 'user', entityId: user.id, fields: ['login', 'fullName', 'role'] }, transaction);
    return { login, oneTimePassword, orgId: central.id, createdOrganisation };
  });
}
