/**
 * The add-in icon, drawn in code so every size is generated from one description:
 * a blue rounded square with a white «П» (Профсоюз). Shapes sit on a 16-unit grid, so the
 * letter's edges fall on whole pixels at 16, 32, 64 and 80 px and stay crisp; only the
 * rounded corners are anti-aliased (4×4 samples per pixel).
 */
import path from 'node:path';

/** 16, 32, 80: ribbon (bt:Image); 32: IconUrl; 64: HighResolutionIconUrl. */
export const ICON_SIZES = [16, 32, 64, 80] as const;
export type IconSize = (typeof ICON_SIZES)[number];

export const ASSETS_DIR = path.resolve(__dirname, '../../addin/assets');

export function iconFileName(size: number): string {
  return `icon-${size}.png`;
}

const GRID = 16;
const CORNER_RADIUS = 3;
const BLUE: readonly [number, number, number] = [0x1d, 0x5b, 0xa6];
const WHITE: readonly [number, number, number] = [0xff, 0xff, 0xff];
const SAMPLES = 4;

/** «П»: a top bar and two legs, as [x0, y0, x1, y1] rectangles in grid units. */
const LETTER: ReadonlyArray<readonly [number, number, number, number]> = [
  [4, 4, 12, 6],
  [4, 4, 6, 12],
  [10, 4, 12, 12],
];

function insideRoundedSquare(x: number, y: number): boolean {
  if (x < 0 || y < 0 || x > GRID || y > GRID) return false;
  const r = CORNER_RADIUS;
  const cx = Math.min(Math.max(x, r), GRID - r);
  const cy = Math.min(Math.max(y, r), GRID - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function insideLetter(x: number, y: number): boolean {
  return LETTER.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
}

/** RGBA pixels of the icon at size×size. */
export function renderIcon(size: number): Uint8Array {
  if (!Number.isInteger(size) || size < 1) throw new Error(`icon size must be a positive integer, got ${size}`);
  const rgba = new Uint8Array(size * size * 4);
  const total = SAMPLES * SAMPLES;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let covered = 0;
      const sum = [0, 0, 0];
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = ((px + (sx + 0.5) / SAMPLES) / size) * GRID;
          const y = ((py + (sy + 0.5) / SAMPLES) / size) * GRID;
          if (!insideRoundedSquare(x, y)) continue;
          const colour = insideLetter(x, y) ? WHITE : BLUE;
          covered++;
          sum[0] += colour[0];
          sum[1] += colour[1];
          sum[2] += colour[2];
        }
      }
      const i = (py * size + px) * 4;
      if (covered === 0) continue; // fully transparent
      rgba[i] = Math.round(sum[0] / covered);
      rgba[i + 1] = Math.round(sum[1] / covered);
      rgba[i + 2] = Math.round(sum[2] / covered);
      rgba[i + 3] = Math.round((covered / total) * 255);
    }
  }
  return rgba;
}
