/**
 * The load benchmark (bench/load.ts) in a small, bounded form: 10 chairs × 5 s pushing and pulling
 * against the real server on 127.0.0.1 — no errors, nothing twice, nothing lost; on two processes
 * sharing one PostgreSQL every chunk retried on the other process gets the same answer, and the
 * sign-in lockout and rate limit are counted across both processes.
 */
import { formatLoad, runLoad } from '../../bench/load';

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
