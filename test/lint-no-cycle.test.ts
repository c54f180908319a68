/**
 * Import cycles are refused by lint (eslint.config.js: import/no-cycle over every .ts file). The rule is
 * shown to bite: two modules importing each other, linted with the project's own configuration, fail;
 * the same two with the back edge a type-only import (erased at compile time) pass.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';

// The project's flat config, passed in as it is (ESLint's own loader needs dynamic import, which jest's VM lacks).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const CONFIG = require('../eslint.config.js') as ESLint.Options['overrideConfig'];

async function lintPair(a: string, b: string): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-cycle-'));
  try {
    fs.writeFileSync(path.join(dir, 'a.ts'), a);
    fs.writeFileSync(path.join(dir, 'b.ts'), b);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: CONFIG });
    const results = await eslint.lintFiles(['a.ts', 'b.ts']);
    return results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}: ${m.ruleId ?? ''} ${m.message}`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('lint: import/no-cycle', () => {
  test('two modules importing each other fail lint, both ends named', async () => {
    const messages = await lintPair(
      "import { b } from './b';\nexport const a = (): number => b() + 1;\n",
      "import { a } from './a';\nexport const b = (): number => (typeof a === 'function' ? 1 : 0);\n",
    );
    expect(messages).toEqual(['a.ts: import/no-cycle Dependency cycle detected.', 'b.ts: import/no-cycle Dependency cycle detected.']);
  });

  test('a type-only back edge is no cycle at run time and passes', async () => {
    const messages = await lintPair(
      "import { b } from './b';\nexport interface A { n: number }\nexport const a = (): number => b({ n: 1 });\n",
      "import type { A } from './a';\nexport const b = (x: A): number => x.n;\n",
    );
    expect(messages).toEqual([]);
  });
});
