import { z } from 'zod';
import { ALL_ROLES, MANAGER_ROLES, defineRoute, orgIdParams, type AnyRoute } from '../http/route';
import * as accounts from '../services/accounts.service';
import * as orgs from '../services/organisations.service';
import { findPrimaryOrganisations } from '../services/organisations-search.service';
import * as passports from '../services/passport.service';
import { accountResponse } from './auth.schema';
import {
  activeBody,
  childrenQuery,
  createAccountBody,
  createOrgBody,
  findQuery,
  foundOrganisations,
  obligationBody,
  orgView,
  passportBody,
  passportResponse,
  updateOrgBody,
  userIdParams,
} from './organisations.schema';

const credentials = z.object({ account: accountResponse, oneTimePassword: z.string() });

export const organisationRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/primary-organisations', summary: 'Найти первичную организацию по названию (для перевода члена Профсоюза)', tag: 'organisations',
    access: { kind: 'signedIn' }, query: findQuery,
    response: { status: 200, description: 'До 20 организаций: название и вышестоящие', schema: foundOrganisations },
    handler: ({ ctx, query }) => findPrimaryOrganisations(ctx, query.q),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId', summary: 'Организация', tag: 'organisations',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Организация', schema: orgView },
    handler: ({ ctx, actor, org }) => orgs.getOrganisation(ctx, actor, org),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/children', summary: 'Нижестоящие организации и подразделения', tag: 'organisations',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams, query: childrenQuery,
    response: { status: 200, description: 'Список', schema: z.array(orgView) },
    handler: ({ ctx, actor, org, query }) => orgs.listChildren(ctx, actor, org, query.includeClosed === '1'),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/structure', summary: 'Вся структура организации (дерево по порядку)', tag: 'organisations',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Список узлов', schema: z.array(orgView) },
    handler: ({ ctx, actor, org }) => orgs.listSubtree(ctx, actor, org),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/children', summary: 'Создать нижестоящую организацию, профбюро или профгруппу', tag: 'organisations',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams, body: createOrgBody,
    response: { status: 201, description: 'Создано', schema: orgView },
    handler: ({ ctx, actor, org, body }) => orgs.createOrganisation(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'patch', path: '/organisations/:orgId', summary: 'Переименовать или перенести', tag: 'organisations',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams, body: updateOrgBody,
    response: { status: 200, description: 'Изменено', schema: orgView },
    handler: ({ ctx, actor, org, body }) => orgs.updateOrganisation(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/close', summary: 'Закрыть (история сохраняется)', tag: 'organisations',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Закрыто', schema: orgView },
    handler: ({ ctx, actor, org }) => orgs.closeOrganisation(ctx, actor, org),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/passport', summary: 'Паспорт ППО с заполненностью вкладок', tag: 'passport',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Паспорт', schema: passportResponse },
    handler: ({ ctx, actor, org }) => passports.getPassport(ctx, actor, org),
  }),
  defineRoute({
    method: 'put', path: '/organisations/:orgId/passport', summary: 'Сохранить поля паспорта ППО', tag: 'passport',
    access: { kind: 'org', roles: ALL_ROLES, personalData: false }, params: orgIdParams, body: passportBody,
    response: { status: 200, description: 'Паспорт после сохранения', schema: passportResponse },
    handler: ({ ctx, actor, org, body }) => passports.updatePassport(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/accounts', summary: 'Учётные записи председателей в организации и ниже', tag: 'accounts',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Список', schema: z.array(accountResponse) },
    handler: ({ ctx, actor, org }) => accounts.listAccounts(ctx, actor, org),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/accounts', summary: 'Создать учётную запись председателя: логин и временный пароль', tag: 'accounts',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: true }, params: orgIdParams, body: createAccountBody,
    response: { status: 201, description: 'Логин и временный пароль (показывается один раз)', schema: credentials },
    handler: ({ ctx, actor, params, body }) => accounts.createAccount(ctx, actor, params.orgId, body),
  }),
  defineRoute({
    method: 'post', path: '/accounts/:userId/reset-password', summary: 'Выдать новый временный пароль', tag: 'accounts',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: userIdParams,
    response: { status: 200, description: 'Новый временный пароль (показывается один раз)', schema: credentials },
    handler: ({ ctx, actor, params }) => accounts.resetPassword(ctx, actor, params.userId),
  }),
  defineRoute({
    method: 'post', path: '/accounts/:userId/obligation', summary: 'Отметить получение подписанного обязательства о неразглашении ПД', tag: 'accounts',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: userIdParams, body: obligationBody,
    response: { status: 200, description: 'Учётная запись', schema: accountResponse },
    handler: ({ ctx, actor, params, body }) => accounts.recordObligation(ctx, actor, params.userId, body.signedAt),
  }),
  defineRoute({
    method: 'post', path: '/accounts/:userId/active', summary: 'Отключить или включить учётную запись', tag: 'accounts',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: false }, params: userIdParams, body: activeBody,
    response: { status: 200, description: 'Учётная запись', schema: accountResponse },
    handler: ({ ctx, actor, params, body }) => accounts.setAccountActive(ctx, actor, params.userId, body.active),
  }),
];
