import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { generateIcons } from './generate-icons';
import { ASSETS_DIR, ICON_SIZES, iconFileName, renderIcon } from './icons';
import { decodePng, encodePng, readPngSize } from './png';

describe('png', () => {
  it('encodes RGBA pixels that decode back unchanged', () => {
    const width = 3;
    const height = 2;
    const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37) % 256);
    const png = encodePng(width, height, rgba);
    expect(readPngSize(png)).toEqual({ width, height });
    const decoded = decodePng(png);
    expect(decoded.width).toBe(width);
    expect(decoded.height).toBe(height);
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('decodes rows written with every PNG filter (as optimisers like pngcrush write them)', () => {
    const width = 4;
    const height = 5;
    const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 53 + 7) % 256);
    const stride = width * 4;
    const paeth = (a: number, b: number, c: number): number => {
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    };
    const raw = Buffer.alloc((stride + 1) * height);
    for (let y = 0; y < height; y++) {
      const filter = y; // 0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth
      raw[y * (stride + 1)] = filter;
      for (let x = 0; x < stride; x++) {
        const value = rgba[y * stride + x];
        const left = x >= 4 ? rgba[y * stride + x - 4] : 0;
        const up = y > 0 ? rgba[(y - 1) * stride + x] : 0;
        const upLeft = y > 0 && x >= 4 ? rgba[(y - 1) * stride + x - 4] : 0;
        const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
        raw[y * (stride + 1) + 1 + x] = (value - predictor) & 0xff;
      }
    }
    const header = encodePng(width, height, rgba).subarray(0, 8 + 25); // signature + IHDR chunk
    const idat = zlib.deflateSync(raw);
    const idatChunk = Buffer.alloc(12 + idat.length);
    idatChunk.writeUInt32BE(idat.length, 0);
    idatChunk.write('IDAT', 4, 'ascii');
    idat.copy(idatChunk, 8);
    const iend = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    const decoded = decodePng(Buffer.concat([header, idatChunk, iend]));
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
  });

  it('refuses pixel data of the wrong length', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/expected 16 RGBA bytes/);
  });

  it('reads no size from bytes that are not a PNG', () => {
    expect(readPngSize(Buffer.from('GIF89a and more bytes to pass the length check'))).toBeNull();
    expect(readPngSize(new Uint8Array(4))).toBeNull();
  });
});

describe('add-in icons', () => {
  it.each(ICON_SIZES)('addin/assets/%s px icon is the generator output, pixel for pixel', (size) => {
    const file = path.join(ASSETS_DIR, iconFileName(size));
    const committed = decodePng(fs.readFileSync(file));
    expect(committed.width).toBe(size);
    expect(committed.height).toBe(size);
    expect(Buffer.from(committed.rgba).equals(Buffer.from(renderIcon(size)))).toBe(true);
  });

  it('draws an opaque blue square with transparent rounded corners and a white letter', () => {
    const size = 32;
    const rgba = renderIcon(size);
    const pixel = (x: number, y: number): number[] => Array.from(rgba.subarray((y * size + x) * 4, (y * size + x) * 4 + 4));
    expect(pixel(0, 0)[3]).toBe(0); // corner cut away
    expect(pixel(16, 30)).toEqual([0x1d, 0x5b, 0xa6, 255]); // blue, below the letter
    expect(pixel(16, 9)).toEqual([255, 255, 255, 255]); // top bar of «П»
    expect(pixel(16, 16)).toEqual([0x1d, 0x5b, 0xa6, 255]); // between the legs
  });

  it('writes one PNG per size with the right dimensions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'icons-'));
    try {
      const files = generateIcons(dir);
      expect(files.map((f) => path.basename(f))).toEqual(ICON_SIZES.map(iconFileName));
      for (const size of ICON_SIZES) {
        expect(readPngSize(fs.readFileSync(path.join(dir, iconFileName(size))))).toEqual({ width: size, height: size });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
