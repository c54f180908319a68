/** Random ids made in the pane: idempotency keys of pushed chunks. */

function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  // Internet Explorer 11 names Web Crypto `msCrypto`. No `globalThis`: IE11 and EdgeHTML 18 lack it.
  type RandomSource = { getRandomValues?: (a: Uint8Array) => Uint8Array };
  const c: RandomSource | undefined =
    typeof crypto !== 'undefined' ? crypto : typeof self !== 'undefined' ? (self as unknown as { msCrypto?: RandomSource }).msCrypto : undefined;
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(bytes);
  } else {
    // Very old web views without Web Crypto: still unique enough per user with the time mixed in.
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
    const t = Date.now();
    for (let i = 0; i < 6; i++) bytes[i] ^= Math.floor(t / 256 ** i) & 0xff;
  }
  return bytes;
}

/** A UUID v4 string. */
export function newIdempotencyKey(): string {
  const b = randomBytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
