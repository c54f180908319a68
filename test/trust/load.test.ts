/** The load benchmark in a small, bounded form: no errors, no duplicates, retries on the other process agree. */
import { formatLoad, runLoad } from '../../bench/load';

test('10 chairs × 5 s on one SQLite server: no errors, no duplicates', async () => {
  const r = await runLoad({ chairs: 10, seconds: 5, mode: 'sqlite', membersPerChair: 100 });
  console.log(formatLoad(r));
  expect(r.requests).toBeGreaterThan(20);
  expect(r.errors).toBe(0);
  expect(r.duplicates).toBe(0);
});

(process.env.TEST_PG_AVAILABLE === '1' ? test : test.skip)('scale-out: two processes on one PostgreSQL; retries land on the other process; lockout and rate limit shared', async () => {
  const r = await runLoad({ chairs: 6, seconds: 5, mode: 'scaleout', membersPerChair: 100 });
  console.log(formatLoad(r));
  expect(r.errors).toBe(0);
  expect(r.duplicates).toBe(0);
  expect(r.retriesOnOtherProcess).toBeGreaterThan(0);
  expect(r.retryMismatches).toBe(0);
  expect(r.lockoutAt).toBe(5);
  // 400 sign-ins a minute from one address, counted across both processes (per process it would be ~800).
  expect(r.rateLimitedAfter).not.toBeNull();
  expect(r.rateLimitedAfter!).toBeLessThanOrEqual(400);
});
