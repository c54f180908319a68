import { z } from 'zod';

export const loginBody = z.strictObject({
  login: z.string().trim().min(1, 'Введите логин').max(64),
  password: z.string().min(1, 'Введите пароль').max(200),
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
