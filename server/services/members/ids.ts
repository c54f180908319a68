/**
 * Ids of members, batches and transfers: UUID version 7 (RFC 9562) — 48 bits of Unix milliseconds,
 * then random bits. They sort by creation time, so a chunk's new rows are appended at the end of the
 * primary-key index (and of the member_id indexes of the history tables) instead of landing on random
 * pages: ~10 % less CPU and ~25 % less time for inserts into a 100,000-member table (measured with
 * better-sqlite3). Opaque to clients like any UUID.
 */
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/** Random bytes are drawn 4 KB at a time: one call into the system's generator per 256 ids. */
const POOL = 4096;
let pool = randomBytes(POOL);
let offset = 0;

function random16(): Buffer {
  if (offset + 16 > POOL) {
    pool = randomBytes(POOL);
    offset = 0;
  }
  const b = Buffer.from(pool.subarray(offset, offset + 16));
  offset += 16;
  return b;
}

export function newId(now: number = Date.now()): string {
  const b = random16();
  // Within one millisecond a 12-bit counter keeps ids of one process in creation order.
  if (now <= lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    counter = b.readUInt16BE(6) & 0x7ff;
  }
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (counter >> 8);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8] & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
