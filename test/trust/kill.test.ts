/**
 * Faults in the middle of a push, bounded for `npm test` (the full-size run is bench/faults.ts):
 *  - SQLite: the real server is SIGKILLed three times mid-push (the moment the WAL file is being
 *    written, a few milliseconds later, after a random delay) and restarted on the same data directory;
 *  - PostgreSQL: every connection of the server to ITS OWN test database is terminated while chosen
 *    chunks are being written (the shared PostgreSQL server is never restarted here).
 * After each fault every chunk is in the database whole or not at all (counted in the database itself);
 * the retry of all chunks with the same idempotency keys completes the list with nothing twice; the
 * database passes its integrity check. See test/trust/fault-scenarios.ts.
 */
import { dropScenario, killScenario, mixedDropScenario, type ScenarioResult } from './fault-scenarios';

function summary(r: ScenarioResult): string {
  const faults = r.faults.map((f) => `${f.fault}: answers ${JSON.stringify(f.statuses)}, in flight ${f.inFlight}, stored whole ${f.committedUnanswered}, absent ${f.absent}, partly ${f.partial}`).join('; ');
  return `${r.name}: ${r.rows} rows in ${r.chunks} chunks, ${r.faults.length} faults survived (${faults}); rows lost ${r.rowsLost}, duplicates ${r.final.duplicates}, answers replayed identically ${r.replayedSame}, integrity ${r.integrity}`;
}

test('SQLite: a server SIGKILLed mid-push three times loses nothing, stores no chunk partly and duplicates nothing after the retry', async () => {
  const r = await killScenario({ chunks: 10, perChunk: 500, kills: 3, seed: 7 });
  console.log(summary(r));
  expect(r.violations).toEqual([]);
  expect(r.faults).toHaveLength(3);
  // Each kill hit the server while chunks were on their way (the point of the test).
  expect(r.faults.every((f) => f.inFlight > 0)).toBe(true);
  expect(r.final.total).toBe(10 * 500);
  expect(r.final.duplicates).toBe(0);
  expect(r.rowsLost).toBe(0);
  expect(r.integrity).toBe('ok');
});

(process.env.TEST_PG_AVAILABLE === '1' ? test : test.skip)('PostgreSQL: connections terminated mid-push give a clear 503 (or a dropped connection); the retry completes with no duplicates', async () => {
  const r = await dropScenario({ chunks: 9, perChunk: 500, dropEvery: 2, seed: 7 });
  console.log(summary(r));
  expect(r.violations).toEqual([]);
  expect(r.faults).toHaveLength(4);
  // The terminations hit the writes: at least one chunk was refused (503 or dropped) rather than written.
  expect(r.faults.some((f) => f.absent > 0)).toBe(true);
  expect(r.final.total).toBe(9 * 500);
  expect(r.final.duplicates).toBe(0);
  expect(r.rowsLost).toBe(0);
});

(process.env.TEST_PG_AVAILABLE === '1' ? test : test.skip)('PostgreSQL: under mixed traffic with connections terminated every 10–40 ms, the server stays up and answers only successes or 503 with Retry-After', async () => {
  const r = await mixedDropScenario({ requests: 400, seed: 11 });
  console.log(`mixed traffic, connections terminated: ${r.requests} requests, ${r.terminations} backends terminated, ${r.crashed ? `CRASHED (${r.crashed})` : 'server stayed up'}; answers ${JSON.stringify(r.statuses)}`);
  expect(r.violations).toEqual([]);
  expect(r.crashed).toBeNull();
  expect(r.requests).toBe(400);
});
