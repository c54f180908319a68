/**
 * The contract of the member sync API, shared by the add-in's client and the server.
 * A push is a chunk of sheet rows; the answer is one result per row, in the same order.
 */
import type { FieldError, RawMemberRow } from './columns';

export const SYNC_CHUNK_MAX_ROWS = 2000;

export interface SyncRowIn {
  /** The sheet row number (1-based, as Excel shows it), echoed back so messages can name it. */
  row: number;
  /** Server id from the hidden column; absent for a new member. */
  id?: string | null;
  /** Version from the hidden column; required when id is given. */
  version?: number | null;
  values: RawMemberRow;
}

export interface SyncRequest {
  /** Unique per chunk and attempt series: a retry of the same chunk sends the same key. */
  idempotencyKey: string;
  /** «Проверить на сервере»: the full answer, nothing written. */
  dryRun?: boolean;
  rows: SyncRowIn[];
}

export type SyncOutcome = 'created' | 'updated' | 'unchanged' | 'error' | 'conflict';

export type ConflictReason = 'stale_version' | 'registered_elsewhere' | 'ambiguous_match' | 'deregistered';

export interface SyncRowResult {
  row: number;
  outcome: SyncOutcome;
  id?: string;
  version?: number;
  /** For `error`: every bad cell of the row. */
  errors?: FieldError[];
  /** For `conflict`: why, in Russian; for another organisation only its name, never its member data. */
  conflict?: { reason: ConflictReason; message: string; organisationName?: string };
}

export interface SyncResponse {
  batchId: string | null;
  dryRun: boolean;
  counts: Record<SyncOutcome, number>;
  rows: SyncRowResult[];
}

export const OUTCOME_LABELS: Record<SyncOutcome, string> = {
  created: 'Добавлен',
  updated: 'Обновлён',
  unchanged: 'Без изменений',
  error: 'Ошибка',
  conflict: 'Конфликт',
};
