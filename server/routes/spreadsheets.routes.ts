/**
 * Spreadsheets for chairs without the add-in (Excel 2013, LibreOffice, МойОфис, Р7): upload a member
 * list (.xlsx or .csv) and get the same workbook back with the result of every row; the blank
 * template; the export of an organisation's members (.xlsx, .csv) that can be edited and uploaded back.
 *
 * These routes are declared before the member routes: '/members/template.xlsx' would otherwise be
 * taken by '/members/:memberId'.
 */
import { formatFileSize } from '../../domain/text';
import type { Request } from 'express';
import { AppError } from '../errors';
import { readRawBody } from '../http/raw-body';
import { ALL_ROLES, defineRoute, orgIdParams, type AnyRoute } from '../http/route';
import type { ScopedOrg } from '../services/access';
import type { Ctx } from '../services/context';
import { requirePrimary } from '../services/members/sync.service';
import { exportMembers, memberTemplate } from '../services/spreadsheets/export.service';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE } from '../services/spreadsheets/member-layout';
import { previewUpload, uploadMembers } from '../services/spreadsheets/upload.service';
import { exportQuery, previewQuery, uploadQuery } from './spreadsheets.schema';

const ORG = { kind: 'org', roles: ALL_ROLES, personalData: true } as const;

/** What a browser may call a CSV (Windows with Excel says application/vnd.ms-excel); the content decides in the end. */
const UPLOAD_TYPES = [XLSX_CONTENT_TYPE, 'text/csv', 'application/vnd.ms-excel', 'text/plain', 'application/octet-stream'];

/** What an upload over the limit is told (with its size when the client announced it). */
const uploadTooLarge = (limit: number) => (declared: number | null) =>
  `Файл слишком большой${declared ? ` (${formatFileSize(declared)})` : ''}: можно загрузить не больше ${formatFileSize(limit)}. Удалите из книги лишние листы и картинки или разделите список на несколько файлов.`;

/**
 * The body of a member list upload (or its preview), read only after the cheap checks: a spreadsheet
 * type and a primary organisation (scope and obligation: checked by http/route.ts). A refused
 * request's body is drained, not read.
 */
async function readMemberList(ctx: Ctx, org: ScopedOrg, req: Request): Promise<Buffer> {
  try {
    if (!req.is(UPLOAD_TYPES)) throw new AppError(415, 'unsupported_media_type', 'Загрузите список файлом .xlsx (книга Excel) или .csv.');
    requirePrimary(org);
  } catch (err) {
    req.resume();
    throw err;
  }
  return readRawBody(req, ctx.config.uploadLimitBytes, uploadTooLarge(ctx.config.uploadLimitBytes));
}

export const spreadsheetRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post', path: '/organisations/:orgId/members/upload', summary: 'Загрузить список членов Профсоюза файлом (.xlsx или .csv): в ответ — та же книга с результатом по каждой строке', tag: 'spreadsheets',
    access: ORG, params: orgIdParams, query: uploadQuery,
    rawBody: { contentTypes: [XLSX_CONTENT_TYPE, 'text/csv'] },
    response: { status: 200, description: 'Книга Excel с результатом: столбец «Результат», отмеченные ячейки, ID и версии, лист «Итог загрузки»; счётчики — в заголовке X-Upload-Summary (JSON)', contentType: XLSX_CONTENT_TYPE },
    handler: async ({ ctx, actor, org, query, req, res }) => {
      const body = await readMemberList(ctx, org, req);
      const result = await uploadMembers(ctx, actor, org, body, { dryRun: query.dryRun === '1', ...(query.mapping ? { mapping: query.mapping } : {}) });
      res.setHeader('X-Upload-Summary', JSON.stringify(result.summary));
      return result.file;
    },
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/members/upload/preview', summary: 'Как будет прочитан список (.xlsx или .csv): строка заголовков, куда пойдёт каждый столбец, значения столбцов со списком — для шага «Столбцы» перед загрузкой; ничего не записывается', tag: 'spreadsheets',
    access: ORG, params: orgIdParams, query: previewQuery,
    rawBody: { contentTypes: [XLSX_CONTENT_TYPE, 'text/csv'] },
    response: { status: 200, description: 'Разбор списка: столбцы с догадками, значения столбцов со списком с числом строк, недостающие обязательные столбцы (без данных людей)' },
    handler: async ({ ctx, org, query, req }) => {
      const body = await readMemberList(ctx, org, req);
      return previewUpload(org, body, query.mapping ?? {});
    },
  }),
  defineRoute({
    method: 'get', path: '/members/template.xlsx', summary: 'Шаблон списка членов Профсоюза (.xlsx): столбцы, выпадающие списки, инструкция', tag: 'spreadsheets',
    access: { kind: 'signedIn' },
    response: { status: 200, description: 'Пустой шаблон без персональных данных', contentType: XLSX_CONTENT_TYPE },
    handler: ({ ctx }) => memberTemplate(ctx),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/members/export.xlsx', summary: 'Выгрузить членов Профсоюза в книгу Excel (её можно исправить и загрузить обратно)', tag: 'spreadsheets',
    access: ORG, params: orgIdParams, query: exportQuery,
    response: { status: 200, description: 'Книга Excel в формате шаблона, со скрытыми ID и версиями', contentType: XLSX_CONTENT_TYPE },
    handler: ({ ctx, actor, org, query }) =>
      exportMembers(ctx, actor, org, 'xlsx', { subtree: query.subtree !== '0', includeDeregistered: query.includeDeregistered === '1' }),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/members/export.csv', summary: 'Выгрузить членов Профсоюза в CSV (UTF-8, разделитель «;»)', tag: 'spreadsheets',
    access: ORG, params: orgIdParams, query: exportQuery,
    response: { status: 200, description: 'CSV в кодировке UTF-8 с BOM, разделитель «;»', contentType: CSV_CONTENT_TYPE },
    handler: ({ ctx, actor, org, query }) =>
      exportMembers(ctx, actor, org, 'csv', { subtree: query.subtree !== '0', includeDeregistered: query.includeDeregistered === '1' }),
  }),
];
