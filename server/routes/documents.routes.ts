/**
 * Documents from templates (roadmap steps 1 and 5): the template store and its uploads, document
 * settings, consents, obligations, login letters — and the single-use download links the add-in
 * opens in the browser (no bearer token in a URL).
 */
import { z } from 'zod';
import type { Role } from '../../domain/roles';
import { formatFileSize } from '../../domain/text';
import { AppError } from '../errors';
import { readRawBody } from '../http/raw-body';
import { ALL_ROLES, MANAGER_ROLES, defineRoute, orgIdParams, type AnyRoute } from '../http/route';
import { printConsents } from '../services/documents/consents.service';
import { peekDownload, takeDownload } from '../services/documents/downloads';
import { createAccountWithLetter, printObligationFor, printOwnObligation, resetPasswordWithLetter } from '../services/documents/letters.service';
import { getDocumentSettings, getOrganisationDetails, updateDocumentSettings, updateOrganisationDetails } from '../services/documents/settings.service';
import { DOCX_CONTENT_TYPE, downloadTemplate, listTemplates, templateLink, uploadTemplate } from '../services/documents/template-store';
import {
  accountWithLetterBody,
  credentialsWithLetter,
  documentSettingsBody,
  documentSettingsView,
  issuedLink,
  letterBody,
  organisationDetailsBody,
  organisationDetailsView,
  printConsentsBody,
  printConsentsResponse,
  templateKindParams,
  templateUploadResponse,
  templateView,
  tokenParams,
} from './documents.schema';
import { userIdParams } from './organisations.schema';

const ADMIN: readonly Role[] = ['central_admin'];

/** What a template upload over the limit is told. */
const templateTooLarge = (limit: number) => () => `Файл слишком большой: допустимо не больше ${formatFileSize(limit)}. Уменьшите картинки в шаблоне или удалите лишнее.`;

export const documentRoutes: AnyRoute[] = [
  // ---- templates (central administrator) ----------------------------------------------------
  defineRoute({
    method: 'get', path: '/templates', summary: 'Шаблоны документов: виды, действующие версии, поля', tag: 'documents',
    access: { kind: 'resource', roles: ADMIN, personalData: false },
    response: { status: 200, description: 'Список шаблонов', schema: z.array(templateView) },
    handler: ({ ctx }) => listTemplates(ctx),
  }),
  defineRoute({
    method: 'get', path: '/templates/:kind', summary: 'Скачать действующий шаблон (.docx), чтобы изменить его в Word', tag: 'documents',
    access: { kind: 'resource', roles: ADMIN, personalData: false }, params: templateKindParams,
    response: { status: 200, description: 'Шаблон', contentType: DOCX_CONTENT_TYPE },
    handler: ({ ctx, actor, params }) => downloadTemplate(ctx, actor, params.kind),
  }),
  defineRoute({
    method: 'post', path: '/templates/:kind/link', summary: 'Одноразовая ссылка на действующий шаблон (.docx), чтобы открыть его в Word из надстройки', tag: 'documents',
    access: { kind: 'resource', roles: ADMIN, personalData: false }, params: templateKindParams,
    response: { status: 201, description: 'Ссылка действует 5 минут и открывается один раз', schema: issuedLink },
    handler: ({ ctx, actor, params }) => templateLink(ctx, actor, params.kind),
  }),
  defineRoute({
    method: 'put', path: '/templates/:kind', summary: 'Загрузить новый шаблон (.docx): принимается, если в нём есть все обязательные поля', tag: 'documents',
    access: { kind: 'resource', roles: ADMIN, personalData: false }, params: templateKindParams,
    rawBody: { contentTypes: [DOCX_CONTENT_TYPE] },
    response: { status: 200, description: 'Действующая версия шаблона', schema: templateUploadResponse },
    handler: async ({ ctx, actor, params, req }) => {
      if (!req.is(DOCX_CONTENT_TYPE)) {
        req.resume();
        throw new AppError(415, 'unsupported_media_type', `Шаблон загружается как файл .docx (Content-Type: ${DOCX_CONTENT_TYPE}).`);
      }
      const content = await readRawBody(req, ctx.config.uploadLimitBytes, templateTooLarge(ctx.config.uploadLimitBytes));
      return uploadTemplate(ctx, actor, params.kind, content);
    },
  }),

  // ---- settings ------------------------------------------------------------------------------
  defineRoute({
    method: 'get', path: '/settings/documents', summary: 'Настройки документов: реквизиты оператора ЭПБ (ООО «ФИНФОРТ»)', tag: 'documents',
    access: { kind: 'resource', roles: ADMIN, personalData: false },
    response: { status: 200, description: 'Настройки', schema: documentSettingsView },
    handler: ({ ctx }) => getDocumentSettings(ctx),
  }),
  defineRoute({
    method: 'put', path: '/settings/documents', summary: 'Изменить реквизиты оператора ЭПБ (null — вернуть значение из config/documents.json)', tag: 'documents',
    access: { kind: 'resource', roles: ADMIN, personalData: false }, body: documentSettingsBody,
    response: { status: 200, description: 'Настройки после сохранения', schema: documentSettingsView },
    handler: ({ ctx, actor, body }) => updateDocumentSettings(ctx, actor, body),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/documents/details', summary: 'Реквизиты организации (без паспорта) для документов: наименование, юридический адрес, контакт', tag: 'documents',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: false }, params: orgIdParams,
    response: { status: 200, description: 'Реквизиты', schema: organisationDetailsView },
    handler: ({ ctx, org }) => getOrganisationDetails(ctx, org),
  }),
  defineRoute({
    method: 'put', path: '/organisations/:orgId/documents/details', summary: 'Сохранить реквизиты организации для документов (null — очистить поле)', tag: 'documents',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: false }, params: orgIdParams, body: organisationDetailsBody,
    response: { status: 200, description: 'Реквизиты после сохранения', schema: organisationDetailsView },
    handler: ({ ctx, actor, org, body }) => updateOrganisationDetails(ctx, actor, org, body),
  }),

  // ---- printing --------------------------------------------------------------------------------
  defineRoute({
    method: 'post', path: '/organisations/:orgId/documents/consents', summary: 'Напечатать согласия на обработку ПД (каждое — отдельный документ с новой страницы)', tag: 'documents',
    access: { kind: 'org', roles: ALL_ROLES, personalData: true }, params: orgIdParams, body: printConsentsBody,
    response: { status: 201, description: 'Одноразовая ссылка на файл и кто не напечатан', schema: printConsentsResponse },
    handler: ({ ctx, actor, org, body }) => printConsents(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'post', path: '/accounts/:userId/documents/obligation', summary: 'Напечатать обязательство о неразглашении ПД для председателя', tag: 'documents',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: false }, params: userIdParams,
    response: { status: 201, description: 'Одноразовая ссылка на файл', schema: issuedLink },
    handler: ({ ctx, actor, params }) => printObligationFor(ctx, actor, params.userId),
  }),
  defineRoute({
    method: 'post', path: '/me/documents/obligation', summary: 'Напечатать своё обязательство о неразглашении ПД, чтобы подписать', tag: 'documents',
    access: { kind: 'signedIn' },
    response: { status: 201, description: 'Одноразовая ссылка на файл', schema: issuedLink },
    handler: ({ ctx, actor }) => printOwnObligation(ctx, actor),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/accounts/with-letter', summary: 'Создать учётную запись председателя и письмо с логином и паролем', tag: 'documents',
    access: { kind: 'org', roles: MANAGER_ROLES, personalData: true }, params: orgIdParams, body: accountWithLetterBody,
    response: { status: 201, description: 'Логин, временный пароль (показывается один раз) и одноразовая ссылка на письмо', schema: credentialsWithLetter },
    handler: ({ ctx, actor, org, body }) => createAccountWithLetter(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'post', path: '/accounts/:userId/reset-password/with-letter', summary: 'Выдать новый временный пароль и письмо с ним', tag: 'documents',
    access: { kind: 'resource', roles: MANAGER_ROLES, personalData: true }, params: userIdParams,
    response: { status: 200, description: 'Новый временный пароль (показывается один раз) и одноразовая ссылка на письмо', schema: credentialsWithLetter },
    // The body is optional ({contact}); without one the organisation's stored contact is used.
    handler: ({ ctx, actor, params, req }) => resetPasswordWithLetter(ctx, actor, params.userId, letterBody.parse(req.body ?? {})),
  }),

  // ---- downloads ---------------------------------------------------------------------------------
  defineRoute({
    method: 'get', path: '/downloads/:token', summary: 'Скачать напечатанный документ по одноразовой ссылке (действует 5 минут)', tag: 'documents',
    access: { kind: 'public' }, params: tokenParams,
    response: { status: 200, description: 'Файл (.docx или .zip)', contentType: DOCX_CONTENT_TYPE },
    handler: ({ ctx, params }) => takeDownload(ctx, params.token),
    // HEAD (link scanners, previews) answers the headers and leaves the link unused and unaudited.
    head: ({ ctx, params }) => peekDownload(ctx, params.token),
  }),
];
