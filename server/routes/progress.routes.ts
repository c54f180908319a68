import { ALL_ROLES, defineRoute, orgIdParams, type AnyRoute } from '../http/route';
import * as campaigns from '../services/progress/campaigns.service';
import * as progress from '../services/progress/report.service';
import { progressLink } from '../services/progress/links';
import { PROGRESS_XLSX_CONTENT_TYPE as XLSX, buildProgressWorkbook, progressFileName } from '../services/progress/xlsx';
import { issuedLink } from './documents.schema';
import {
  campaignIdParams,
  campaignList,
  campaignView,
  checklistResponse,
  createCampaignBody,
  progressReport,
  updateCampaignBody,
} from './progress.schema';

/** Progress figures are counts only: no personal data, open to every role in its own subtree. */
const counts = { kind: 'org', roles: ALL_ROLES, personalData: false } as const;
/** Campaign dates are set by the central registry and regional organisations. */
const editors = { kind: 'org', roles: ['central_admin', 'regional'], personalData: false } as const;

export const progressRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/organisations/:orgId/progress', summary: 'Ход внедрения: семь шагов по организации и по каждой нижестоящей', tag: 'progress',
    access: counts, params: orgIdParams,
    response: { status: 200, description: 'Показатели организации и её прямых нижестоящих (для детализации запросите нижестоящую)', schema: progressReport },
    handler: ({ ctx, actor, org }) => progress.progressReport(ctx, actor, org),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/progress.xlsx', summary: 'Ход внедрения в файле Excel', tag: 'progress',
    access: counts, params: orgIdParams,
    response: { status: 200, description: 'Файл .xlsx: строка на каждую нижестоящую организацию, проценты, цветовая подсветка', contentType: XLSX },
    handler: async ({ ctx, actor, org }) => {
      const report = await progress.progressReport(ctx, actor, org);
      return { file: await buildProgressWorkbook(report), contentType: XLSX, fileName: progressFileName(report) };
    },
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/progress-link', summary: 'Одноразовая ссылка на ход внедрения в файле Excel (для надстройки)', tag: 'progress',
    access: counts, params: orgIdParams,
    response: { status: 201, description: 'Ссылка действует 5 минут и открывается один раз', schema: issuedLink },
    handler: ({ ctx, actor, org }) => progressLink(ctx, actor, org),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/checklist', summary: 'Памятка председателя ППО: семь шагов, что сделано, что дальше, сроки и инструкции', tag: 'progress',
    access: counts, params: orgIdParams,
    response: { status: 200, description: 'Семь шагов первичной организации', schema: checklistResponse },
    handler: ({ ctx, actor, org }) => progress.checklist(ctx, actor, org),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/campaigns', summary: 'Кампании внедрения (сроки семи шагов), действующие для организации и начатые в ней', tag: 'progress',
    access: counts, params: orgIdParams,
    response: { status: 200, description: 'Действующая кампания и список', schema: campaignList },
    handler: ({ ctx, actor, org }) => campaigns.listCampaigns(ctx, actor, org),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/campaigns', summary: 'Начать кампанию внедрения для организации и её нижестоящих (новый год или регион)', tag: 'progress',
    access: editors, params: orgIdParams, body: createCampaignBody,
    response: { status: 201, description: 'Кампания', schema: campaignView },
    handler: ({ ctx, actor, org, body }) => campaigns.createCampaign(ctx, actor, org, body),
  }),
  defineRoute({
    method: 'patch', path: '/organisations/:orgId/campaigns/:campaignId', summary: 'Изменить название или сроки шагов кампании', tag: 'progress',
    access: editors, params: campaignIdParams, body: updateCampaignBody,
    response: { status: 200, description: 'Кампания', schema: campaignView },
    handler: ({ ctx, actor, org, params, body }) => campaigns.updateCampaign(ctx, actor, org, params.campaignId, body),
  }),
];
