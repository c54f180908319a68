/**
 * Tests that are the steps of one story on one shared fixture (an app, a workbook): each step needs what
 * the steps before it leave. `step(name, body)` declares a jest test that runs every step up to its own,
 * each step once and in the order declared — so any one test passes alone (`jest -t`) and the file passes
 * in any order (`jest --randomize`), with every assertion still made once, in story order.
 *
 * `around.before` / `around.after` run just before and after each step's body (e.g. reset and read
 * counters that a step asserts on), whichever test the step runs in.
 */
export function orderedSteps(around: { before?: () => void; after?: () => void } = {}): (name: string, body: () => Promise<void>) => void {
  const steps: { name: string; body: () => Promise<void> }[] = [];
  const started = new Map<string, Promise<void>>();

  async function run(s: { name: string; body: () => Promise<void> }): Promise<void> {
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

  return (name, body) => {
    if (steps.some((s) => s.name === name)) throw new Error(`two steps named «${name}»`);
    steps.push({ name, body });
    test(name, () => reach(name));
  };
}
