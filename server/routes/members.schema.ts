import { z } from 'zod';
import { CARD_STATUSES, CONSENT_STATES, type CardStatus } from '../../domain/members/codes';
import { MEMBER_COLUMNS, type ColumnKey } from '../../domain/members/columns';
import { SYNC_CHUNK_MAX_ROWS } from '../../domain/members/sync-contract';

const COLUMN_KEYS = MEMBER_COLUMNS.map((c) => c.key) as [ColumnKey, ...ColumnKey[]];
const CARD_STATUS_CODES = CARD_STATUSES.map((c) => c.code) as [CardStatus, ...CardStatus[]];
const CONSENT_STATE_CODES = CONSENT_STATES.map((c) => c.code) as ['given', 'refused', 'revoked'];

/** A raw cell as the sheet holds it: text, a number (dates arrive as Excel serials), a boolean or empty. */
const cell = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

export const syncRow = z.strictObject({
  row: z.number().int().min(1).max(1_048_576),
  id: z.string().max(64).nullish(),
  version: z.number().int().min(0).nullish(),
  values: z.partialRecord(z.enum(COLUMN_KEYS), cell),
});

export const syncBody = z.strictObject({
  idempotencyKey: z.string().min(8).max(200).regex(/^[\w.:-]+$/, 'Только латинские буквы, цифры и знаки . : - _'),
  dryRun: z.boolean().optional(),
  rows: z.array(syncRow).min(1).max(SYNC_CHUNK_MAX_ROWS, `Не больше ${SYNC_CHUNK_MAX_ROWS} строк за один раз — отправляйте список частями`),
});

const fieldError = z.object({ field: z.string(), message: z.string() });

export const syncResponse = z.object({
  batchId: z.string().nullable(),
  dryRun: z.boolean(),
  counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), error: z.number(), conflict: z.number() }),
  rows: z.array(
    z.object({
      row: z.number(),
      outcome: z.enum(['created', 'updated', 'unchanged', 'error', 'conflict']),
      id: z.string().optional(),
      version: z.number().optional(),
      errors: z.array(fieldError).optional(),
      conflict: z
        .object({ reason: z.enum(['stale_version', 'registered_elsewhere', 'ambiguous_match', 'deregistered']), message: z.string(), organisationName: z.string().optional() })
        .optional(),
    }),
  ),
});

export const pullQuery = z.strictObject({
  subtree: z.enum(['0', '1']).optional(),
  includeDeregistered: z.enum(['0', '1']).optional(),
  cursor: z.string().max(2000).optional(),
  limit: z.coerce.number().int().min(1).max(2000).optional(),
  order: z.enum(['name', 'id']).optional(),
});

const memberData = z.record(z.string(), z.union([z.string(), z.null()]));

const pulledMember = z.object({
  id: z.string(),
  version: z.number(),
  orgId: z.number(),
  primaryOrgId: z.number(),
  unit: z.string().nullable(),
  data: memberData,
  cells: memberData,
  registeredAt: z.string(),
  deregisteredAt: z.string().nullable(),
  deregistrationReason: z.string().nullable(),
});

export const pullResponse = z.object({ items: z.array(pulledMember), nextCursor: z.string().nullable() });

export const memberCardResponse = pulledMember.extend({
  organisation: z.object({ id: z.number(), name: z.string() }),
  primaryOrganisation: z.object({ id: z.number(), name: z.string() }),
  cardStatusAt: z.string().nullable(),
  deregistrationReasonLabel: z.string().nullable(),
  deregistrationComment: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  consentHistory: z.array(
    z.object({ kind: z.string(), kindLabel: z.string(), state: z.string().nullable(), date: z.string().nullable(), recordedAt: z.string().nullable(), recordedBy: z.number().nullable(), batchId: z.string().nullable() }),
  ),
  cardHistory: z.array(
    z.object({ fromStatus: z.string().nullable(), toStatus: z.string(), via: z.string(), at: z.string().nullable(), userId: z.number().nullable(), batchId: z.string().nullable() }),
  ),
  transfers: z.array(
    z.object({ id: z.string(), fromOrgId: z.number(), toOrgId: z.number(), status: z.string(), requestedAt: z.string().nullable(), decidedAt: z.string().nullable() }),
  ),
});

export const memberIdParams = z.object({ memberId: z.string().max(64) });
export const batchIdParams = z.object({ batchId: z.string().max(64) });
export const transferIdParams = z.object({ transferId: z.string().max(64) });

const isoDate = z.iso.date('Дата в формате ГГГГ-ММ-ДД');

export const deregisterBody = z.strictObject({
  date: isoDate,
  reason: z.string().min(1).max(64),
  comment: z.string().max(500).nullish(),
});

export const transferBody = z.strictObject({ toOrgId: z.number().int().positive() });
export const acceptBody = z.strictObject({ unitId: z.number().int().positive().optional() });

const transferView = z.object({
  id: z.string(),
  memberId: z.string(),
  member: z.object({ surname: z.string(), name: z.string(), patronymic: z.string().nullable(), birthDate: z.string() }),
  from: z.object({ id: z.number(), name: z.string() }),
  to: z.object({ id: z.number(), name: z.string() }),
  status: z.enum(['pending', 'accepted', 'rejected', 'cancelled']),
  requestedAt: z.string().nullable(),
  requestedBy: z.number(),
  decidedAt: z.string().nullable(),
  decidedBy: z.number().nullable(),
});
export const transferResponse = transferView;
export const transfersQuery = z.strictObject({
  direction: z.enum(['incoming', 'outgoing']),
  status: z.enum(['pending', 'accepted', 'rejected', 'cancelled', 'all']).optional(),
});

const consentChange = z.strictObject({ state: z.enum(CONSENT_STATE_CODES).nullable(), date: isoDate.nullish() });
const memberIds = z.array(z.string().max(64)).min(1).max(SYNC_CHUNK_MAX_ROWS);

export const actionBody = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('consents'),
    memberIds,
    consents: z.strictObject({ union: consentChange.optional(), operator: consentChange.optional(), notify: consentChange.optional() }),
  }),
  z.strictObject({ action: z.literal('card_status'), memberIds, status: z.enum(CARD_STATUS_CODES), date: isoDate.nullish() }),
]);

export const actionResponse = z.object({
  counts: z.object({ updated: z.number(), unchanged: z.number(), error: z.number() }),
  results: z.array(z.object({ memberId: z.string(), outcome: z.enum(['updated', 'unchanged', 'error']), version: z.number().optional(), message: z.string().optional() })),
});

export const batchView = z.object({
  id: z.string(),
  orgId: z.number(),
  userId: z.number(),
  kind: z.enum(['push', 'upload', 'revert']),
  createdAt: z.string().nullable(),
  counts: z.record(z.string(), z.number()),
  revertsBatchId: z.string().nullable(),
  revertedAt: z.string().nullable(),
  revertedBy: z.number().nullable(),
});
export const batchesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).optional() });
export const revertResponse = z.object({ batchId: z.string(), revertedBatchId: z.string(), restored: z.number(), deleted: z.number() });

export const reasonsResponse = z.array(z.object({ code: z.string(), label: z.string() }));
