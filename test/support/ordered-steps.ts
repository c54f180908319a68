/**
 * Tests that are the steps of one story on one shared fixture (an app, a workbook): each step needs what
 * the steps before it leave. `step(name, body)` declares a jest test that runs every step up to its own,
 * each step once and in the order declared — so any one test passes alone (`jest -t`) and the file passes
 * in any order (`jest --randomize`), with every assertion still made once, in story order.
 *
 * `around.before` / `around.after` run just before and after each step's body (e.g. reset and read
 * counters that a step asserts on), whichever test the step runs in.
 *
 * `timeoutMs` is the step's own time; the test gets the sum of its own and the steps' before it (those
 * without one count as jest.config.js's testTimeout), since it may have to run them all.
 */
const JEST_TEST_TIMEOUT_MS = 60_000;

type Step = { name: string; body: () => Promise<void>; timeoutMs?: number };

export function orderedSteps(around: { before?: () => void; after?: () => void } = {}): (name: string, body: () => Promise<void>, timeoutMs?: number) => void {
  const steps: Step[] = [];
  const started = new Map<string, Promise<void>>();

  async function run(s: Step): Promise<void> {
    around.before?.();
    await s.body();
    around.after?.();
  }

  async function reach(name: string): Promise<void> {
    for (const s of steps) {
      if (!started.has(s.name)) {
        started.set(
          s.name,
          run(s).catch((e: unknown) => {
            throw s.name === name ? e : new Error(`an earlier step failed: «${s.name}»`, { cause: e });
          }),
        );
      }
      await started.get(s.name);
      if (s.name === name) return;
    }
  }

  return (name, body, timeoutMs) => {
    if (steps.some((s) => s.name === name)) throw new Error(`two steps named «${name}»`);
    steps.push({ name, body, timeoutMs });
    const explicit = steps.some((s) => s.timeoutMs !== undefined);
    const total = steps.reduce((sum, s) => sum + (s.timeoutMs ?? JEST_TEST_TIMEOUT_MS), 0);
    test(name, () => reach(name), explicit ? total : undefined);
  };
}
