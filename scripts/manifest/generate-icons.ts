/**
 * Writes the add-in icons to addin/assets/icon-<size>.png.
 * Run after changing scripts/manifest/icons.ts:  npx tsx scripts/manifest/generate-icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { ASSETS_DIR, ICON_SIZES, iconFileName, renderIcon } from './icons';
import { encodePng } from './png';

export function generateIcons(dir: string = ASSETS_DIR): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return ICON_SIZES.map((size) => {
    const file = path.join(dir, iconFileName(size));
    fs.writeFileSync(file, encodePng(size, size, renderIcon(size)));
    return file;
  });
}

if (require.main === module) {
  for (const file of generateIcons()) {
    console.log(`wrote ${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)`);
  }
}
