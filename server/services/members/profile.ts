/**
 * Where the time of a sync goes, for the benchmark: off unless SYNC_PROFILE=1 or a hook is set.
 * Phases are summed over all calls until `resetSyncProfile()`.
 */

export type ProfileHook = (phase: string, ms: number) => void;

let hook: ProfileHook | null = null;
const totals = new Map<string, { ms: number; calls: number }>();

function enabled(): boolean {
  return hook !== null || process.env.SYNC_PROFILE === '1';
}

const noop = (): void => undefined;

/** Starts timing a phase; call the returned function when it ends. */
export function profileTimer(phase: string): () => void {
  if (!enabled()) return noop;
  const start = process.hrtime.bigint();
  return () => {
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const t = totals.get(phase) ?? { ms: 0, calls: 0 };
    t.ms += ms;
    t.calls += 1;
    totals.set(phase, t);
    hook?.(phase, ms);
  };
}

export function setSyncProfileHook(h: ProfileHook | null): void {
  hook = h;
}

export function syncProfile(): Record<string, { ms: number; calls: number }> {
  return Object.fromEntries(totals);
}

export function resetSyncProfile(): void {
  totals.clear();
}
