/** Password hashing with scrypt (memory-hard), one-time passwords and token secrets. */
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual, createHash, type ScryptOptions } from 'node:crypto';

/**
 * The one key-derivation call every password check and hash goes through. An object so that tests can
 * count the runs (sign-in must cost exactly one run whether or not the login exists).
 */
export const kdf = {
  scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
    return new Promise((resolve, reject) =>
      scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
    );
  },
};

const KEYLEN = 32;

/** Format: scrypt$N$r$p$salt(base64)$hash(base64) — parameters travel with the hash so they can be raised later. */
export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const opts = { N: cost, r: 8, p: 1, maxmem: 256 * cost * 8 + 1024 * 1024 };
  const key = await kdf.scrypt(password, salt, KEYLEN, opts);
  return ['scrypt', cost, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false;
  const N = Number(n);
  const expected = Buffer.from(hashB64, 'base64');
  const key = await kdf.scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r) + 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Letters and digits that cannot be confused on paper (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function generateOneTimePassword(length = 12): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/**
 * A stored-hash look-alike with the given cost and a random salt and key: checking a password against it
 * costs exactly one scrypt run, like a real check, and never succeeds. Used for unknown logins, so that
 * the time of an answer does not tell which logins exist. Made once per cost, without running scrypt.
 */
const decoys = new Map<number, string>();
export function decoyHash(cost: number): string {
  let d = decoys.get(cost);
  if (!d) {
    d = ['scrypt', cost, 8, 1, randomBytes(16).toString('base64'), randomBytes(KEYLEN).toString('base64')].join('$');
    decoys.set(cost, d);
  }
  return d;
}

/** Lower-case letters and digits that cannot be confused on paper or when typed from a letter (no 0/o, 1/l/i). */
const LOGIN_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * A login to type from the printed letter: two groups of four, e.g. «k7mp-x3qa» (31⁸ ≈ 8.5·10¹¹ logins),
 * drawn at random, so nothing about it follows from the organisation or from other logins.
 */
export function generateLogin(): string {
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === 4) s += '-';
    s += LOGIN_ALPHABET[randomInt(LOGIN_ALPHABET.length)];
  }
  return s;
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** One rule for the pane and the server: domain/password-rule.ts. */
export { passwordProblem } from '../../domain/password-rule';
