import { ALL_ROLES, defineRoute, orgIdParams, type AnyRoute } from '../http/route';
import type { SyncRequest } from '../../domain/members/sync-contract';
import { applyMembersAction, deregisterMember, type MembersAction } from '../services/members/actions.service';
import { getBatch, listBatches, revertBatch } from '../services/members/batches.service';
import { pullMembers, readMemberCard } from '../services/members/pull.service';
import { getDeregistrationReasons } from '../services/members/reasons';
import { syncMembers } from '../services/members/sync.service';
import { acceptTransfer, cancelTransfer, getTransfer, listTransfers, rejectTransfer, requestTransfer } from '../services/members/transfers.service';
import {
  acceptBody,
  actionBody,
  actionResponse,
  batchIdParams,
  batchView,
  batchesQuery,
  deregisterBody,
  memberCardResponse,
  memberIdParams,
  pullQuery,
  pullResponse,
  reasonsResponse,
  revertResponse,
  syncBody,
  syncResponse,
  transferBody,
  transferIdParams,
  transferResponse,
  transfersQuery,
} from './members.schema';
import { z } from 'zod';

const ORG = { kind: 'org', roles: ALL_ROLES, personalData: true } as const;
const RESOURCE = { kind: 'resource', roles: ALL_ROLES, personalData: true } as const;

export const memberRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post', path: '/organisations/:orgId/members/sync', summary: 'Отправить часть листа «Члены профсоюза»: ответ по каждой строке', tag: 'members',
    access: ORG, params: orgIdParams, body: syncBody,
    response: { status: 200, description: 'Результат по каждой строке (тот же ответ при повторе с тем же ключом)', schema: syncResponse },
    handler: ({ ctx, actor, org, body }) => syncMembers(ctx, actor, org, body as SyncRequest),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/members', summary: 'Члены Профсоюза организации (постранично)', tag: 'members',
    access: ORG, params: orgIdParams, query: pullQuery,
    response: { status: 200, description: 'Страница списка и отметка продолжения', schema: pullResponse },
    handler: ({ ctx, actor, org, query }) =>
      pullMembers(ctx, actor, org, {
        subtree: query.subtree === '1',
        includeDeregistered: query.includeDeregistered === '1',
        cursor: query.cursor ?? null,
        limit: query.limit,
        order: query.order,
      }),
  }),
  defineRoute({
    method: 'post', path: '/organisations/:orgId/members/actions', summary: 'Одно действие для выбранных членов Профсоюза (согласия, статус ЭПБ)', tag: 'members',
    access: ORG, params: orgIdParams, body: actionBody,
    response: { status: 200, description: 'Результат по каждому члену Профсоюза', schema: actionResponse },
    handler: ({ ctx, actor, org, body }) => applyMembersAction(ctx, actor, org, body as MembersAction),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/transfers', summary: 'Переводы в организацию или из неё', tag: 'members',
    access: ORG, params: orgIdParams, query: transfersQuery,
    response: { status: 200, description: 'Список переводов', schema: z.array(transferResponse) },
    handler: ({ ctx, actor, org, query }) => listTransfers(ctx, actor, org, { direction: query.direction, status: query.status }),
  }),
  defineRoute({
    method: 'get', path: '/organisations/:orgId/batches', summary: 'Последние отправки списка (для отмены)', tag: 'members',
    access: ORG, params: orgIdParams, query: batchesQuery,
    response: { status: 200, description: 'Отправки, новые первыми', schema: z.array(batchView) },
    handler: ({ ctx, actor, org, query }) => listBatches(ctx, actor, org, query.limit),
  }),
  defineRoute({
    method: 'get', path: '/members/:memberId', summary: 'Учётная карточка члена Профсоюза с историей согласий, ЭПБ и переводов', tag: 'members',
    access: RESOURCE, params: memberIdParams,
    response: { status: 200, description: 'Учётная карточка', schema: memberCardResponse },
    handler: ({ ctx, actor, params }) => readMemberCard(ctx, actor, params.memberId),
  }),
  defineRoute({
    method: 'post', path: '/members/:memberId/deregister', summary: 'Снять с учёта (дата и причина из списка)', tag: 'members',
    access: RESOURCE, params: memberIdParams, body: deregisterBody,
    response: { status: 200, description: 'Учётная карточка после снятия с учёта', schema: memberCardResponse },
    handler: ({ ctx, actor, params, body }) => deregisterMember(ctx, actor, params.memberId, body),
  }),
  defineRoute({
    method: 'post', path: '/members/:memberId/transfers', summary: 'Оформить перевод в другую первичную организацию', tag: 'members',
    access: RESOURCE, params: memberIdParams, body: transferBody,
    response: { status: 201, description: 'Перевод ждёт решения принимающей организации', schema: transferResponse },
    handler: ({ ctx, actor, params, body }) => requestTransfer(ctx, actor, params.memberId, body),
  }),
  defineRoute({
    method: 'get', path: '/transfers/:transferId', summary: 'Перевод', tag: 'members',
    access: RESOURCE, params: transferIdParams,
    response: { status: 200, description: 'Перевод', schema: transferResponse },
    handler: ({ ctx, actor, params }) => getTransfer(ctx, actor, params.transferId),
  }),
  defineRoute({
    method: 'post', path: '/transfers/:transferId/accept', summary: 'Принять перевод (принимающая организация)', tag: 'members',
    access: RESOURCE, params: transferIdParams, body: acceptBody,
    response: { status: 200, description: 'Перевод принят, член Профсоюза перешёл', schema: transferResponse },
    handler: ({ ctx, actor, params, body }) => acceptTransfer(ctx, actor, params.transferId, { unitId: body.unitId }),
  }),
  defineRoute({
    method: 'post', path: '/transfers/:transferId/reject', summary: 'Отклонить перевод (принимающая организация)', tag: 'members',
    access: RESOURCE, params: transferIdParams,
    response: { status: 200, description: 'Перевод отклонён', schema: transferResponse },
    handler: ({ ctx, actor, params }) => rejectTransfer(ctx, actor, params.transferId),
  }),
  defineRoute({
    method: 'post', path: '/transfers/:transferId/cancel', summary: 'Отменить свой перевод, пока он ждёт решения', tag: 'members',
    access: RESOURCE, params: transferIdParams,
    response: { status: 200, description: 'Перевод отменён', schema: transferResponse },
    handler: ({ ctx, actor, params }) => cancelTransfer(ctx, actor, params.transferId),
  }),
  defineRoute({
    method: 'get', path: '/batches/:batchId', summary: 'Отправка списка', tag: 'members',
    access: RESOURCE, params: batchIdParams,
    response: { status: 200, description: 'Отправка', schema: batchView },
    handler: ({ ctx, actor, params }) => getBatch(ctx, actor, params.batchId),
  }),
  defineRoute({
    method: 'post', path: '/batches/:batchId/revert', summary: 'Отменить отправку целиком (если её строки не менялись позже)', tag: 'members',
    access: RESOURCE, params: batchIdParams,
    response: { status: 200, description: 'Отправка отменена', schema: revertResponse },
    handler: ({ ctx, actor, params }) => revertBatch(ctx, actor, params.batchId),
  }),
  defineRoute({
    method: 'get', path: '/deregistration-reasons', summary: 'Причины снятия с учёта', tag: 'members',
    access: { kind: 'signedIn' },
    response: { status: 200, description: 'Список причин', schema: reasonsResponse },
    handler: async ({ ctx }) => getDeregistrationReasons(ctx),
  }),
];
