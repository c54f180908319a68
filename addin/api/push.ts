/**
 * Pushing sheet rows to the registry in chunks. A chunk is at most SYNC_CHUNK_MAX_ROWS rows and
 * about 1 MB of JSON; its idempotency key is made once, when the job is planned, and reused on
 * every retry — by the client's automatic retries and by the pane's «Повторить» after a lost
 * connection — so the server answers a repeated chunk from its idempotency store and creates
 * nothing twice. A failed job resumes at the first chunk that has no answer yet.
 */
import { SYNC_CHUNK_MAX_ROWS, type SyncOutcome, type SyncResponse, type SyncRowIn, type SyncRowResult } from '../../domain/members/sync-contract';
import type { ApiClient } from './client';
import { newIdempotencyKey } from './ids';

/** About 1 MB of JSON per request: fits slow links, the server's body limit, and Excel's payload cap. */
export const PUSH_CHUNK_MAX_BYTES = 1_000_000;

export interface PushChunk {
  readonly index: number;
  readonly rows: readonly SyncRowIn[];
  /** Made once per chunk; the same key goes with every attempt to send this chunk. */
  readonly idempotencyKey: string;
  /** Estimated bytes of the rows as JSON. */
  readonly bytes: number;
  /** The server's answer, once received. */
  response?: SyncResponse;
}

export interface ChunkPlanOptions {
  maxRows?: number;
  maxBytes?: number;
  newKey?: () => string;
}

/** UTF-8 byte length (Cyrillic letters take two bytes). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Envelope of a request besides its rows: key, dryRun, brackets. */
const ENVELOPE_BYTES = 120;

/** Splits rows into chunks by count and by JSON size; row order is kept, every row goes exactly once. */
export function planChunks(rows: readonly SyncRowIn[], opts: ChunkPlanOptions = {}): PushChunk[] {
  const maxRows = Math.max(1, Math.min(opts.maxRows ?? SYNC_CHUNK_MAX_ROWS, SYNC_CHUNK_MAX_ROWS));
  const maxBytes = Math.max(1, opts.maxBytes ?? PUSH_CHUNK_MAX_BYTES);
  const newKey = opts.newKey ?? newIdempotencyKey;
  const chunks: PushChunk[] = [];
  let cur: SyncRowIn[] = [];
  let curBytes = ENVELOPE_BYTES;
  const flush = () => {
    if (cur.length === 0) return;
    chunks.push({ index: chunks.length, rows: cur, idempotencyKey: newKey(), bytes: curBytes });
    cur = [];
    curBytes = ENVELOPE_BYTES;
  };
  for (const row of rows) {
    const b = utf8Bytes(JSON.stringify(row)) + 1;
    if (cur.length > 0 && (cur.length >= maxRows || curBytes + b > maxBytes)) flush();
    cur.push(row);
    curBytes += b;
  }
  flush();
  return chunks;
}

export interface PushProgress {
  /** Rows with an answer from the server. */
  doneRows: number;
  totalRows: number;
  doneChunks: number;
  totalChunks: number;
}

export interface PushSummary {
  dryRun: boolean;
  /** Stopped by the chair («Остановить») before every chunk was sent: `rows` are the ones answered. */
  stopped?: boolean;
  /** Rows not sent because of the stop. */
  unsentRows?: number;
  counts: Record<SyncOutcome, number>;
  /** Every row's result, in sheet order. */
  rows: SyncRowResult[];
  /** Batches written (one per chunk that changed something), oldest first; empty for a dry run. */
  batchIds: string[];
  /** For each batch, the members it created or updated (what an undo of that batch touches). */
  batches: { batchId: string; memberIds: string[] }[];
}

export function emptyCounts(): Record<SyncOutcome, number> {
  return { created: 0, updated: 0, unchanged: 0, error: 0, conflict: 0 };
}

/**
 * One push (or dry run) of a fixed set of rows. `run()` sends the chunks that have no answer yet;
 * after a failure, calling `run()` again continues with the same chunks and keys.
 */
export class PushJob {
  readonly chunks: PushChunk[];
  readonly totalRows: number;

  constructor(
    private readonly client: ApiClient,
    readonly orgId: number,
    rows: readonly SyncRowIn[],
    readonly dryRun: boolean,
    plan: ChunkPlanOptions = {},
  ) {
    this.chunks = planChunks(rows, plan);
    this.totalRows = rows.length;
  }

  get done(): boolean {
    return this.chunks.every((c) => c.response !== undefined);
  }

  progress(): PushProgress {
    let doneRows = 0;
    let doneChunks = 0;
    for (const c of this.chunks) {
      if (c.response) {
        doneRows += c.rows.length;
        doneChunks++;
      }
    }
    return { doneRows, totalRows: this.totalRows, doneChunks, totalChunks: this.chunks.length };
  }

  /**
   * Sends every chunk still without an answer, one after another (a slow link carries one at a time
   * best). `onChunk` runs after each answer (the pane writes that chunk's results into the sheet at
   * once, so the ids of created members are kept even if a later chunk fails).
   */
  async run(
    opts: {
      onProgress?: (p: PushProgress) => void;
      onChunk?: (chunk: PushChunk, response: SyncResponse) => Promise<void> | void;
      signal?: AbortSignal;
      /** Asked before each chunk: true stops the push there (the chunk in flight is always finished). */
      shouldStop?: () => boolean;
    } = {},
  ): Promise<PushSummary> {
    opts.onProgress?.(this.progress());
    for (const chunk of this.chunks) {
      if (chunk.response) continue;
      if (opts.shouldStop?.()) {
        const p = this.progress();
        return { ...this.summary(), stopped: true, unsentRows: p.totalRows - p.doneRows };
      }
      const response = await this.client.syncMembers(
        this.orgId,
        { idempotencyKey: chunk.idempotencyKey, dryRun: this.dryRun || undefined, rows: chunk.rows as SyncRowIn[] },
        { signal: opts.signal, timeoutMs: Math.max(60_000, Math.ceil(chunk.bytes / 8_000) * 1000) },
      );
      chunk.response = response;
      if (opts.onChunk) await opts.onChunk(chunk, response);
      opts.onProgress?.(this.progress());
    }
    return this.summary();
  }

  /** Everything answered so far, merged. */
  summary(): PushSummary {
    const counts = emptyCounts();
    const rows: SyncRowResult[] = [];
    const batchIds: string[] = [];
    const batches: PushSummary['batches'] = [];
    for (const c of this.chunks) {
      const r = c.response;
      if (!r) continue;
      for (const k of Object.keys(counts) as SyncOutcome[]) counts[k] += r.counts?.[k] ?? 0;
      rows.push(...r.rows);
      if (r.batchId && !r.dryRun) {
        batchIds.push(r.batchId);
        const memberIds = r.rows.filter((x) => (x.outcome === 'created' || x.outcome === 'updated') && x.id).map((x) => x.id as string);
        batches.push({ batchId: r.batchId, memberIds });
      }
    }
    return { dryRun: this.dryRun, counts, rows, batchIds, batches };
  }
}
