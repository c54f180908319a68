/**
 * Offline manifest validation: `npm run validate` (= tsx scripts/validate-manifest.ts manifest.xml).
 *
 *   tsx scripts/validate-manifest.ts [manifest.xml] [--origin https://registry.example.org]
 *
 * 1. Reads the manifest with office-addin-manifest's own reader (the one Microsoft's tools use),
 *    so a file it cannot parse fails here.
 * 2. Runs our structural checker (scripts/manifest/check.ts): schema order, required elements,
 *    GUID, https on one origin, icon sizes, resid references, ribbon button, string lengths.
 * Prints every problem in English and exits 1 when there is an error.
 *
 * Microsoft's full validation (`npx office-addin-manifest validate manifest.xml`) calls an online
 * service; run it where the internet is reachable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OfficeAddinManifest } from 'office-addin-manifest';
import { checkManifestXml, DEFAULT_ASSETS_DIR } from './manifest/check';

interface Args {
  manifestPath: string;
  origin?: string;
}

function parseArgs(argv: string[]): Args {
  let manifestPath = 'manifest.xml';
  let origin: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--origin') {
      origin = argv[++i];
      if (!origin) throw new Error('--origin needs a value, e.g. --origin https://registry.example.org');
    } else if (arg.startsWith('--origin=')) {
      origin = arg.slice('--origin='.length);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      manifestPath = arg;
    }
  }
  return { manifestPath, origin };
}

/** dist/manifest.xml is checked against dist/assets; the source manifest against addin/assets. */
function assetsDirFor(manifestPath: string): string {
  const sibling = path.join(path.dirname(manifestPath), 'assets');
  return fs.existsSync(sibling) && fs.statSync(sibling).isDirectory() ? sibling : DEFAULT_ASSETS_DIR;
}

export async function validateManifestFile(manifestPath: string, origin?: string): Promise<{ errors: string[]; warnings: string[] }> {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!fs.existsSync(manifestPath)) return { errors: [`${manifestPath} does not exist`], warnings };

  try {
    const info = await OfficeAddinManifest.readManifestFile(manifestPath);
    console.log(
      `office-addin-manifest read it: ${info.displayName ?? '?'} ${info.version ?? '?'} (id ${info.id ?? '?'}), ` +
        `type ${info.officeAppType ?? '?'}, hosts ${(info.hosts ?? []).join(', ') || '?'}, ` +
        `task pane ${info.defaultSettings?.sourceLocation ?? '?'}`,
    );
  } catch (err) {
    errors.push(`office-addin-manifest cannot read the manifest: ${(err as Error).message}`);
  }

  const result = checkManifestXml(fs.readFileSync(manifestPath, 'utf8'), {
    assetsDir: assetsDirFor(manifestPath),
    expectedOrigin: origin,
  });
  return { errors: [...errors, ...result.errors], warnings: [...warnings, ...result.warnings] };
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const manifestPath = path.resolve(args.manifestPath);
  const { errors, warnings } = await validateManifestFile(manifestPath, args.origin);
  for (const w of warnings) console.warn(`warning: ${w}`);
  for (const e of errors) console.error(`error: ${e}`);
  const shown = path.relative(process.cwd(), manifestPath) || manifestPath;
  if (errors.length > 0) {
    console.error(`\n${shown}: ${errors.length} error(s), ${warnings.length} warning(s).`);
    process.exit(1);
  }
  console.log(`${shown}: valid (offline checks), ${warnings.length} warning(s).`);
  console.log("Microsoft's online validation, where the internet is reachable: npx office-addin-manifest validate " + shown);
}

if (require.main === module) {
  void main();
}
