/**
 * Row keys: how a push finds its rows again. Every row the pane sends gets a short random key in a
 * hidden column «Ключ строки» of the member table (written before the first chunk goes out). When
 * the answers come back, the pane reads the key column again and writes each result onto the row
 * that holds the key now — not onto the row number the row had when it was read. So a chair who
 * sorts the table, deletes a row or inserts rows above while a push runs (or before «Повторить»)
 * never gets one person's registry id on another person's row.
 *
 * The key is not personal data and not a register id: it only lives in this workbook. A copied row
 * copies its key, so keys are checked for uniqueness at every push and a repeated key is replaced on
 * the rows being sent; at write-back a key found on two rows is treated as unknown (nothing written).
 *
 * This file is pure (no Office): the matching rules, tested with jest.
 */

export { ROW_KEY_HEADER } from '../../domain/members/columns';

/** Key cells look like «r-4k9x2m7q1z»: text Excel never turns into a number or a date. */
const KEY_RE = /^r-[0-9a-z]{6,20}$/;

export function isRowKey(v: unknown): v is string {
  return typeof v === 'string' && KEY_RE.test(v.trim());
}

function randomInt(n: number): number {
  // (no globalThis: the shipped bundle must parse in old web views)
  const c = typeof crypto !== 'undefined' ? crypto : undefined;
  if (c && typeof c.getRandomValues === 'function') {
    const a = new Uint32Array(1);
    c.getRandomValues(a);
    return a[0] % n;
  }
  return Math.floor(Math.random() * n);
}

/** A new key, different from every key in `taken` (which it joins). */
export function newRowKey(taken: Set<string>): string {
  for (;;) {
    let s = 'r-';
    for (let i = 0; i < 10; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[randomInt(36)];
    if (!taken.has(s)) {
      taken.add(s);
      return s;
    }
  }
}

export interface KeyedRow {
  /** 1-based sheet row. */
  row: number;
  key: string;
}

/**
 * Which rows about to be sent need a fresh key: the ones without a key, or whose key stands on
 * more than one row of the table (a copied row). `all` is every non-blank row of the table, with its
 * key cell ('' when empty); `sending` the sheet rows being sent. Returns sheet row → new key.
 */
export function assignRowKeys(all: readonly { row: number; key: string }[], sending: ReadonlySet<number>): Map<number, string> {
  const count = new Map<string, number>();
  const taken = new Set<string>();
  for (const r of all) {
    if (!isRowKey(r.key)) continue;
    const k = r.key.trim();
    count.set(k, (count.get(k) ?? 0) + 1);
    taken.add(k);
  }
  const out = new Map<number, string>();
  for (const r of all) {
    if (!sending.has(r.row)) continue;
    const k = r.key.trim();
    if (isRowKey(k) && count.get(k) === 1) continue;
    out.set(r.row, newRowKey(taken));
  }
  return out;
}

/** Why a result could not be written: its row is gone, copied, or now holds another member. */
export type LostReason = 'deleted' | 'copied' | 'replaced';

export interface SentRowRef {
  /** The sheet row when it was read (the row number the server's answer names). */
  row: number;
  key: string;
  /** Register id the row carried when it was sent (null: a new row). */
  id: string | null;
}

export interface CurrentRow {
  row: number;
  key: string;
  /** Register id in the row now ('' when none). */
  id: string;
}

export interface Placement {
  /** Sent row → the row that holds it now. */
  placed: Map<number, number>;
  /** Sent rows whose result must not be written anywhere. */
  lost: Map<number, LostReason>;
}

/**
 * Finds each sent row in the table as it is now, by its key. A key on exactly one row → that row,
 * unless that row now carries a register id other than the one sent and the one the server answered
 * (`answeredId`): then the row holds somebody else. A key on no row → deleted; on several → copied.
 */
export function placeRows(sent: readonly SentRowRef[], current: readonly CurrentRow[], answeredId: (sentRow: number) => string | null = () => null): Placement {
  const byKey = new Map<string, CurrentRow[]>();
  for (const c of current) {
    const k = c.key.trim();
    if (!isRowKey(k)) continue;
    const list = byKey.get(k);
    if (list) list.push(c);
    else byKey.set(k, [c]);
  }
  const placed = new Map<number, number>();
  const lost = new Map<number, LostReason>();
  for (const s of sent) {
    const hits = byKey.get(s.key) ?? [];
    if (hits.length === 0) {
      lost.set(s.row, 'deleted');
      continue;
    }
    if (hits.length > 1) {
      lost.set(s.row, 'copied');
      continue;
    }
    const now = hits[0];
    const idNow = now.id.trim();
    const answered = answeredId(s.row);
    if (idNow !== '' && idNow !== s.id && idNow !== answered) {
      lost.set(s.row, 'replaced');
      continue;
    }
    placed.set(s.row, now.row);
  }
  return { placed, lost };
}
