/**
 * Reading a raw upload (a file sent as the request body) with a size limit: more than `limit` bytes is
 * refused with 413 — by Content-Length before reading anything, else as soon as the stream passes the
 * limit (what was read is dropped). Each route says in its own words what to do about a large file.
 */
import type { Request } from 'express';
import { AppError } from '../errors';

/** `declared`: the size the client announced (Content-Length), when that is what gave it away. */
export type TooLargeMessage = (declared: number | null) => string;

export function readRawBody(req: Request, limit: number, tooLargeMessage: TooLargeMessage): Promise<Buffer> {
  const tooLarge = (declared: number | null) => new AppError(413, 'upload_too_large', tooLargeMessage(declared));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(declared));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(null));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}
