import { z } from 'zod';
import { CARD_STATUSES, CONSENT_STATES, type CardStatus } from '../../domain/members/codes';
import { MEMBER_COLUMNS, type ColumnKey } from '../../domain/members/columns';
import { SYNC_CHUNK_MAX_ROWS } from '../../domain/members/sync-contract';

const COLUMN_KEYS = MEMBER_COLUMNS.map((c) => c.key) as [ColumnKey, ...ColumnKey[]];
const CARD_STATUS_CODES = CARD_STATUSES.map((c) => c.code) as [CardStatus, ...CardStatus[]];
const CONSENT_STATE_CODES = CONSENT_STATES.map((c) => c.code) as ['given', 'refused', 'revoked'];

const COLUMN_KEY_SET = new Set<string>(COLUMN_KEYS);
const CELL_MAX = 2000;

function isCell(v: unknown): boolean {
  return v === null || (typeof v === 'string' ? v.length <= CELL_MAX : typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)));
}

/**
 * One sheet row. Checked by hand rather than by composed zod schemas: a chunk has up to 2,000 rows of
 * ~20 cells, and zod's generic object/record/union parsing (which also copies every object) cost
 * ~3× more than the check below; the JSON Schema of the OpenAPI document is given explicitly.
 */
function isSyncRow(r: unknown): boolean {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  for (const k in o) if (k !== 'row' && k !== 'id' && k !== 'version' && k !== 'values') return false;
  if (!Number.isInteger(o.row) || (o.row as number) < 1 || (o.row as number) > 1_048_576) return false;
  if (o.id != null && (typeof o.id !== 'string' || o.id.length > 64)) return false;
  if (o.version != null && (!Number.isInteger(o.version) || (o.version as number) < 0)) return false;
  const v = o.values;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  for (const k in v as Record<string, unknown>) if (!COLUMN_KEY_SET.has(k) || !isCell((v as Record<string, unknown>)[k])) return false;
  return true;
}

export const syncRow = z
  .custom<{ row: number; id?: string | null; version?: number | null; values: Partial<Record<ColumnKey, string | number | boolean | null>> }>(isSyncRow, {
    message: `Строка не в формате API: row — номер строки (целое ≥ 1), id — строка до 64 знаков или null, version — целое ≥ 0 или null, values — ячейки по ключам столбцов (${COLUMN_KEYS.join(', ')}): текст до ${CELL_MAX} знаков, число, логическое значение или null`,
  })
  .meta({
    type: 'object',
    additionalProperties: false,
    required: ['row', 'values'],
    properties: {
      row: { type: 'integer', minimum: 1, maximum: 1_048_576, description: 'Номер строки листа (как в Excel)' },
      id: { type: ['string', 'null'], maxLength: 64, description: 'ID в реестре (скрытый столбец)' },
      version: { type: ['integer', 'null'], minimum: 0, description: 'Версия (скрытый столбец)' },
      values: {
        type: 'object',
        propertyNames: { enum: COLUMN_KEYS },
        additionalProperties: { anyOf: [{ type: 'string', maxLength: CELL_MAX }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
        description: 'Ячейки строки по ключам столбцов (domain/members/columns.ts)',
      },
    },
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
