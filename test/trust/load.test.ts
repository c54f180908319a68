/**
 * The load benchmark (bench/load.ts) in a small, bounded form: 10 chairs × 5 s pushing and pulling
 * against the real server on 127.0.0.1 — no errors, nothing twice, nothing lost; on two processes
 * sharing one PostgreSQL every chunk retried on the other process gets the same answer, and the
 * sign-in lockout and rate limit are counted across both processes.
 */
import { formatLoad, memoryStable, runLoad } from '../../bench/load';
import { flatness } from '../../bench/soak';

test('10 chairs × 5 s on one SQLite server: no errors, no duplicates, nothing lost', async () => {
  const r = await runLoad({ chairs: 10, seconds: 5, mode: 'sqlite', members: 100 });
  console.log(formatLoad([r]));
  expect(r.errorSamples).toEqual([]);
  expect(r.errors).toBe(0);
  expect(r.requests).toBeGreaterThan(20);
  expect(r.rounds).toBeGreaterThanOrEqual(10);
  expect(r.duplicates).toBe(0);
  expect(r.wrongCounts).toBe(0);
  expect(r.lost).toBe(0);
});

(process.env.TEST_PG_AVAILABLE === '1' ? test : test.skip)('scale-out: 10 chairs × 5 s on two processes sharing one PostgreSQL; retries on the other process agree; lockout and rate limit shared', async () => {
  const r = await runLoad({ chairs: 10, seconds: 5, mode: 'scaleout', members: 100, loginRateLimit: 80 });
  console.log(formatLoad([r]));
  expect(r.errorSamples).toEqual([]);
  expect(r.errors).toBe(0);
  expect(r.duplicates).toBe(0);
  expect(r.wrongCounts).toBe(0);
  expect(r.lost).toBe(0);
  expect(r.retriesOnOtherProcess).toBeGreaterThan(0);
  expect(r.retryMismatches).toBe(0);
  // Memory is judged by each process's live heap after a full GC, sampled through GET /_debug/heap.
  expect(r.heap).toHaveLength(2);
  for (const h of r.heap) {
    expect(h.samples.length).toBeGreaterThanOrEqual(2);
    expect(h.last).toBeGreaterThan(5);
  }
  // Failed sign-ins alternating between the processes lock the account at the threshold (5), on both.
  expect(r.lockoutAt).toBe(5);
  expect(r.afterLockout).toEqual([423, 423]);
  // One limit for both processes: alternating between them never gets past it, and then both refuse.
  expect(r.rateLimitedAfter).not.toBeNull();
  expect(r.rateLimitedAfter!).toBeLessThanOrEqual(r.rateLimit);
  // All in one window: exactly the limit got through, counted over both processes.
  if (r.oneWindow) expect(r.signInsBefore + r.rateLimitedAfter!).toBe(r.rateLimit);
  expect(r.rateLimitBothProcesses).toBe(true);
});

test('the memory judgements: stable by the live heap (not RSS); the soak\'s «flat»', () => {
  const heap = (mbs: number[]) => ({ first: mbs[0], half: mbs[Math.floor(mbs.length / 2)], last: mbs.at(-1)!, max: Math.max(...mbs), samples: mbs.map((mb, i) => ({ at: i * 60, mb })) });
  // RSS may grow after a peak; a live heap that stays put is stable.
  expect(memoryStable({ heap: [heap([45, 48, 48.4, 47, 46.9])] })).toBe(true);
  expect(memoryStable({ heap: [heap([45, 48, 48, 60, 70])] })).toBe(false);
  // The soak's 10 minutes (minute 0 = before the traffic): flat, noisy but flat, leaking 1 MB a minute.
  expect(flatness(heap([45.6, 47.9, 48.9, 48.2, 47.5, 48.6, 48.4, 49.9, 48.2, 49.7, 46.9]).samples)).toMatchObject({ flat: true });
  expect(flatness(heap([44, 47, 49, 46, 48, 47, 49, 46, 48, 47, 49]).samples).flat).toBe(true);
  const leak = flatness(heap([44, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56]).samples);
  expect(leak.flat).toBe(false);
  expect(leak.slopeMbPerMin).toBeCloseTo(1, 1);
});
