/**
 * Soak (`npm run bench -- soak`): the load bench's traffic (bench/load.ts, scale-out mode: two server
 * processes on one fresh PostgreSQL database, every chunk retried on the other process) for 10 minutes,
 * with each process's live heap after a full GC sampled every minute (GET /_debug/heap, DEBUG_HEAP=1).
 *
 * "Flat", per process, over the samples taken under load (minutes 1..10; minute 0 is the idle heap
 * before the traffic starts):
 *   - the mean of the last 3 samples is at most 10 % above the mean of the first 3, and
 *   - the least-squares slope is below 0.5 MB per minute.
 * A leak under steady traffic grows the heap every minute; warm-up (pools, caches, JIT) is over in the
 * first minute. Also required, as in the load bench: no errors, nothing twice, nothing lost.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--chairs 50] [--members 200]
 */
import { formatLoad, runLoad, type HeapSample, type LoadResult } from './load';
import { table } from '../test/trust/harness';

export const FLAT_LAST3_OVER_FIRST3 = 0.1;
export const FLAT_SLOPE_MB_PER_MIN = 0.5;

export interface Flatness {
  first3: number;
  last3: number;
  slopeMbPerMin: number;
  flat: boolean;
}

/** Least-squares slope (MB per minute) and first/last-3 means of the samples taken under load. */
export function flatness(samples: readonly HeapSample[]): Flatness {
  const loaded = samples.filter((s) => s.at > 0);
  if (loaded.length < 6) return { first3: NaN, last3: NaN, slopeMbPerMin: NaN, flat: false };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first3 = mean(loaded.slice(0, 3).map((s) => s.mb));
  const last3 = mean(loaded.slice(-3).map((s) => s.mb));
  const xs = loaded.map((s) => s.at / 60);
  const ys = loaded.map((s) => s.mb);
  const mx = mean(xs);
  const my = mean(ys);
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return { first3, last3, slopeMbPerMin: slope, flat: last3 <= first3 * (1 + FLAT_LAST3_OVER_FIRST3) && slope < FLAT_SLOPE_MB_PER_MIN };
}

export function formatSoak(r: LoadResult): string {
  const rows: (string | number)[][] = [['process', ...r.heap[0].samples.map((s) => `${Math.round(s.at / 60)} min`), 'first 3', 'last 3', 'slope MB/min', 'flat']];
  r.heap.forEach((h, i) => {
    const f = flatness(h.samples);
    rows.push([`#${i + 1}`, ...h.samples.map((s) => s.mb.toFixed(1)), f.first3.toFixed(1), f.last3.toFixed(1), f.slopeMbPerMin.toFixed(2), f.flat ? 'yes' : 'NO']);
  });
  return `live heap after a full GC (MB), every minute:\n${table(rows)}\nflat: last-3 mean ≤ first-3 mean + ${FLAT_LAST3_OVER_FIRST3 * 100} % and slope < ${FLAT_SLOPE_MB_PER_MIN} MB/min (samples under load, minutes 1..end)`;
}

if (require.main === module) {
  const arg = (n: string, d: number) => {
    const i = process.argv.indexOf(`--${n}`);
    return i >= 0 ? Number(process.argv[i + 1]) : d;
  };
  const minutes = arg('minutes', 10);
  void (async () => {
    const r = await runLoad({ chairs: arg('chairs', 50), seconds: minutes * 60, mode: 'scaleout', members: arg('members', 200), heapSampleSeconds: 60, log: (l) => console.log(l) });
    console.log(`\n=== soak: ${r.chairs} chairs × ${minutes} min, 2 processes on one PostgreSQL ===`);
    console.log(formatLoad([r]));
    console.log(formatSoak(r));
    const flat = r.heap.every((h) => flatness(h.samples).flat);
    console.log(`soak: ${flat ? 'PASS' : 'FAIL'} (heap ${flat ? 'flat' : 'GROWING'}; errors ${r.errors}, duplicates ${r.duplicates}, lost ${r.lost}, different retry answers ${r.retryMismatches})`);
    if (!flat || r.errors || r.duplicates || r.lost || r.retryMismatches) process.exitCode = 1;
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
