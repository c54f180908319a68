import { z } from 'zod';

export const loginBody = z.strictObject({
  login: z.string().trim().min(1, 'Введите логин').max(64),
  password: z.string().min(1, 'Введите пароль').max(200),
  /** «Запомнить меня на этом компьютере»: also issue a refresh token. */
  remember: z.boolean().optional(),
});

export const refreshBody = z.strictObject({
  refreshToken: z.string().min(1, 'Нет токена запомненного входа').max(200),
});

export const changePasswordBody = z.strictObject({
  oldPassword: z.string().min(1, 'Введите текущий пароль').max(200),
  newPassword: z.string().min(1, 'Введите новый пароль').max(200),
});

export const loginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  mustChangePassword: z.boolean(),
  user: z.object({ id: z.number(), login: z.string(), fullName: z.string(), role: z.string(), orgId: z.number() }),
  refreshToken: z.string().optional().describe('Только при «Запомнить меня»: новый токен запомненного входа (храните вне книги)'),
  refreshExpiresAt: z.string().optional(),
});

export const accountResponse = z.object({
  id: z.number(),
  login: z.string(),
  fullName: z.string(),
  role: z.string(),
  orgId: z.number(),
  orgName: z.string(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  obligationSignedAt: z.string().nullable(),
  obligationRecordedAt: z.string().nullable(),
  trainingCompletedAt: z.string().nullable(),
});

export const progressMarkBody = z.strictObject({ what: z.enum(['training', 'firstRun']) });
