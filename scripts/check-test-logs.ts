/**
 * Privacy check over the logs of the whole test run (artifacts/test-logs/*.log, written by every
 * server the tests start): no personal data, no tokens, no passwords. Runs after jest in `npm test`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findPersonalData, PERSONAL_DATA_CANARIES } from '../test/support/personal-data';

const dir = path.resolve(__dirname, '../artifacts/test-logs');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.log')) : [];
let lines = 0;
const findings: string[] = [];
for (const f of files) {
  const text = fs.readFileSync(path.join(dir, f), 'utf8');
  const fileLines = text.split('\n').filter(Boolean);
  lines += fileLines.length;
  fileLines.forEach((line, i) => {
    for (const hit of findPersonalData(line)) findings.push(`${f}:${i + 1}: ${hit}`);
  });
}
// The check must have something to look at, or it proves nothing.
if (lines < 100) {
  console.error(`privacy check: only ${lines} log lines in ${dir} — the test servers did not log; cannot check.`);
  process.exit(1);
}
if (findings.length) {
  console.error(`privacy check: personal data or secrets in ${findings.length} log places:\n${findings.slice(0, 30).join('\n')}`);
  process.exit(1);
}
console.log(`privacy check: ${lines} log lines in ${files.length} files, ${PERSONAL_DATA_CANARIES.length} seeded values and the personal-data patterns — none found.`);
