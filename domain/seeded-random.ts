/**
 * A small deterministic random generator (mulberry32) for generated data: the demo members, the
 * synthetic union of the benchmarks, test rows of the add-in and the server, the fault scenarios.
 * The same seed gives the same sequence everywhere. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
