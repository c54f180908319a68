import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route';
import * as accounts from '../services/accounts.service';
import * as auth from '../services/auth.service';
import { accountResponse, changePasswordBody, loginBody, loginResponse, progressMarkBody, refreshBody } from './auth.schema';

export const authRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/auth/login',
    summary: 'Вход: логин и пароль → токен доступа',
    tag: 'auth',
    access: { kind: 'public' },
    body: loginBody,
    response: { status: 200, description: 'Токен (Bearer) и сведения о пользователе', schema: loginResponse },
    handler: ({ ctx, body }) => auth.login(ctx, body.login, body.password, body.remember ?? false),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/refresh',
    summary: 'Запомненный вход: токен запомненного входа → токен доступа и новый токен запомненного входа (прежний больше не действует)',
    tag: 'auth',
    access: { kind: 'public' },
    body: refreshBody,
    response: { status: 200, description: 'Токен (Bearer), новый токен запомненного входа и сведения о пользователе', schema: loginResponse },
    handler: ({ ctx, body }) => auth.refresh(ctx, body.refreshToken),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/password',
    summary: 'Смена пароля (обязательна после первого входа по временному паролю)',
    tag: 'auth',
    access: { kind: 'signedIn', pendingPassword: true },
    body: changePasswordBody,
    response: { status: 204, description: 'Пароль изменён' },
    handler: ({ ctx, actor, body }) => auth.changePassword(ctx, actor, body.oldPassword, body.newPassword),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout',
    summary: 'Выход: токен отзывается',
    tag: 'auth',
    access: { kind: 'signedIn', pendingPassword: true },
    response: { status: 204, description: 'Токен отозван' },
    handler: ({ ctx, actor }) => auth.logout(ctx, actor),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout-all',
    summary: 'Выйти на всех устройствах: отзываются все токены и все запомненные входы пользователя',
    tag: 'auth',
    access: { kind: 'signedIn', pendingPassword: true },
    response: { status: 204, description: 'Все токены отозваны' },
    handler: ({ ctx, actor }) => auth.logoutEverywhere(ctx, actor),
  }),
  defineRoute({
    method: 'get',
    path: '/me',
    summary: 'Кто я: учётная запись, организация, отметка об обязательстве',
    tag: 'auth',
    access: { kind: 'signedIn', pendingPassword: true },
    response: { status: 200, description: 'Учётная запись', schema: accountResponse.extend({ orgPath: z.string(), orgKind: z.string() }) },
    handler: ({ ctx, actor }) => accounts.me(ctx, actor),
  }),
  defineRoute({
    method: 'post',
    path: '/me/progress',
    summary: 'Отметить обучение (шаг 2) или пройденный первый запуск',
    tag: 'auth',
    access: { kind: 'signedIn' },
    body: progressMarkBody,
    response: { status: 200, description: 'Учётная запись', schema: accountResponse },
    handler: ({ ctx, actor, body }) => accounts.markOwnProgress(ctx, actor, body.what),
  }),
];
