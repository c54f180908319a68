/**
 * GET /_debug/heap — for the load bench and the soak (bench/): runs a full garbage collection and
 * answers the live heap, so memory is judged by what is still reachable, not by RSS (which the
 * allocator keeps after a peak).
 *
 * Mounted only with DEBUG_HEAP=1, answers only a direct connection from this computer (loopback, and
 * no X-Forwarded-For: a request through a reverse proxy is refused; deploy/nginx also blocks the path),
 * and a full GC stops the process for some milliseconds: never enable it in production.
 */
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import type { Request, Response } from 'express';

let gc: (() => void) | undefined;

function fullGc(): void {
  if (!gc) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gc = exposed;
    else {
      v8.setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
  }
  gc();
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function heapRoute(req: Request, res: Response): void {
  if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || req.headers['x-forwarded-for'] !== undefined) {
    res.status(404).end();
    return;
  }
  fullGc();
  fullGc();
  const m = process.memoryUsage();
  res.set('Cache-Control', 'no-store').json({ heapUsedMb: +(m.heapUsed / 1048576).toFixed(1), heapTotalMb: +(m.heapTotal / 1048576).toFixed(1), rssMb: +(m.rss / 1048576).toFixed(1), externalMb: +(m.external / 1048576).toFixed(1) });
}
