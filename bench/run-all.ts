/**
 * `npm run bench [-- name ...]`: every benchmark, each in its own process (memory figures stay its
 * own), one after another. Each prints its figures as ratios against a baseline measured in the same
 * run. Names: documents, members, progress, load, faults, hostile (default: all of these), and soak
 * (10 minutes, only when named: `npm run bench -- soak`).
 *
 *   npm run bench                       # everything at the default sizes
 *   npm run bench -- members progress   # some
 *   PROGRESS_SIZES=100000,1000000,4400000 npm run bench -- progress   # the national scale (slow: generates data once)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BENCHES: Record<string, { file: string; args: () => string[]; onlyWhenNamed?: boolean }> = {
  documents: { file: 'documents.bench.ts', args: () => [] },
  members: { file: 'members.bench.ts', args: () => [] },
  progress: { file: 'progress.bench.ts', args: () => ['--sizes', process.env.PROGRESS_SIZES ?? '100000,1000000'] },
  load: { file: 'load.ts', args: () => [] },
  faults: { file: 'faults.ts', args: () => [] },
  soak: { file: 'soak.ts', args: () => [], onlyWhenNamed: true },
  hostile: { file: 'hostile-uploads.ts', args: () => [] },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !BENCHES[n].onlyWhenNamed);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const failed: string[] = [];
for (const name of names) {
  const b = BENCHES[name];
  const file = path.join(__dirname, b.file);
  if (!fs.existsSync(file)) {
    console.log(`\n=== ${name}: ${b.file} is not present, skipped`);
    continue;
  }
  console.log(`\n=== ${name} (${b.file}) ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...b.args()], { stdio: 'inherit', env: process.env });
  console.log(`=== ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nBenchmarks failed: ${failed.join(', ')}`);
  process.exit(1);
}
