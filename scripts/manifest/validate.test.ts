// Runs scripts/validate-manifest.ts as `npm run validate` does (through tsx, in a child process):
// office-addin-manifest pulls in an ES-module-only dependency that jest's CommonJS loader cannot
// require, while Node itself can.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const MANIFEST_PATH = path.join(ROOT, 'manifest.xml');
const SCRIPT = path.join(ROOT, 'scripts/validate-manifest.ts');

function validate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scripts/validate-manifest.ts', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-manifest-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes the real manifest through office-addin-manifest and the structural checker', () => {
    const { status, stdout, stderr } = validate('manifest.xml');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('office-addin-manifest read it: Реестр Профсоюза 1.0.0.0 (id ');
    expect(stdout).toContain('manifest.xml: valid (offline checks), 0 warning(s).');
    expect(stdout).toContain('npx office-addin-manifest validate manifest.xml');
  });

  it('exits 1 and prints the errors in English when the manifest is broken', () => {
    const broken = path.join(dir, 'manifest.xml');
    fs.writeFileSync(broken, fs.readFileSync(MANIFEST_PATH, 'utf8').replace(/<Id>[^<]*<\/Id>/, '<Id>not-a-guid</Id>'));
    const { status, stderr } = validate(broken);
    expect(status).toBe(1);
    expect(stderr).toMatch(/error: line \d+: <Id> must be a GUID/);
    expect(stderr).toContain('1 error(s)');
  });

  it('reports a file that office-addin-manifest cannot read', () => {
    const broken = path.join(dir, 'manifest.xml');
    fs.writeFileSync(broken, '<OfficeApp><Id>');
    const { status, stderr } = validate(broken);
    expect(status).toBe(1);
    expect(stderr).toContain('error: office-addin-manifest cannot read the manifest');
    expect(stderr).toContain('not well-formed XML');
  });

  it('checks a built manifest against the assets next to it and the origin given', () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    const moved = fs.readFileSync(MANIFEST_PATH, 'utf8').split('https://localhost:3000').join('https://registry.example.org');
    fs.writeFileSync(path.join(dir, 'manifest.xml'), moved);
    const missingAssets = validate(path.join(dir, 'manifest.xml'), '--origin', 'https://registry.example.org');
    expect(missingAssets.status).toBe(1);
    expect(missingAssets.stderr).toContain('but addin/assets/icon-32.png does not exist');

    for (const file of fs.readdirSync(path.join(ROOT, 'addin/assets'))) {
      fs.copyFileSync(path.join(ROOT, 'addin/assets', file), path.join(dir, 'assets', file));
    }
    expect(validate(path.join(dir, 'manifest.xml'), '--origin', 'https://registry.example.org').status).toBe(0);
    const wrongOrigin = validate(path.join(dir, 'manifest.xml'), '--origin=https://other.example.org');
    expect(wrongOrigin.status).toBe(1);
    expect(wrongOrigin.stderr).toContain('but every URL must be on https://other.example.org');
  });

  it('refuses an unknown option', () => {
    const { status, stderr } = validate('--strict');
    expect(status).toBe(2);
    expect(stderr).toContain('unknown option --strict');
  });
});
