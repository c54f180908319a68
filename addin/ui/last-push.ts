/**
 * What «Отменить последнюю отправку» needs to know about the last push of an organisation: its
 * batches (one per chunk) with the member ids each created or changed. Kept in the pane's memory
 * and in the add-in origin's localStorage (ids, counts and a time only — no personal data), so that
 * closing and reopening the pane keeps it: the desktop web views clear session storage on close.
 * Where localStorage is unavailable, session storage (a reload of the pane keeps it).
 */
import type { SyncOutcome } from '../../domain/members/sync-contract';
import type { PushSummary } from '../api/push';
import type { Shell } from './view';

export interface LastPush {
  orgId: number;
  /** Oldest first; an undo goes newest first. */
  batches: { batchId: string; memberIds: string[] }[];
  /** ISO time of the push. */
  at: string;
  counts: Record<SyncOutcome, number>;
}

type Store = Pick<Shell, 'memory' | 'storage' | 'persistent'>;

const storeOf = (app: Store) => app.persistent ?? app.storage;

const key = (orgId: number) => `union-registry.last-push.${orgId}`;

export function rememberPush(app: Store, orgId: number, s: PushSummary, at: Date): LastPush | null {
  if (s.batches.length === 0) return null;
  const last: LastPush = { orgId, batches: s.batches, at: at.toISOString(), counts: s.counts };
  saveLastPush(app, orgId, last);
  return last;
}

export function lastPush(app: Store, orgId: number): LastPush | null {
  const inMemory = app.memory.get(key(orgId)) as LastPush | undefined;
  if (inMemory) return inMemory;
  try {
    const raw = storeOf(app)?.getItem(key(orgId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as LastPush;
    if (!Array.isArray(parsed.batches) || parsed.batches.length === 0) return null;
    app.memory.set(key(orgId), parsed);
    return parsed;
  } catch {
    return null;
  }
}

/** Keeps the batches still to undo (after a partial undo), or forgets the push when none are left. */
export function saveLastPush(app: Store, orgId: number, last: LastPush | null): void {
  if (last && last.batches.length) {
    app.memory.set(key(orgId), last);
    try {
      storeOf(app)?.setItem(key(orgId), JSON.stringify(last));
    } catch {
      /* memory only */
    }
    return;
  }
  app.memory.delete(key(orgId));
  try {
    storeOf(app)?.removeItem(key(orgId));
  } catch {
    /* nothing kept */
  }
}
