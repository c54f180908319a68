/**
 * Hostile upload files from the security review (issue 15, hole 1), for the memory tests and
 * bench/hostile-uploads.ts. Each is at most `bytes` long (the server's default upload limit, 20 MB).
 *
 *  - newlines:   nothing but line breaks (20 million blank lines);
 *  - hugeCell:   one cell of 20 million letters;
 *  - separators: one line of 20 million «;» (20 million empty cells in one row);
 *  - tinyCells:  «1;1;1;…» in lines of 10,000 cells (millions of tiny filled cells);
 *  - xlsxBomb:   a real .xlsx whose sheet XML (repeated rows) inflates to about 1 GB; the ZIP headers
 *                either tell the truth about that size or lie (declare 1 MB), as a hostile tool can;
 *                or (noisy) one that inflates to just under the ZIP guard's limit with a ratio under
 *                its cap, so that only the row count can stop it.
 */
import { constants, crc32, createDeflateRaw } from 'node:zlib';

export const HOSTILE_BYTES = 20 * 1024 * 1024;

export const hostileCsv = {
  newlines: (bytes = HOSTILE_BYTES) => Buffer.alloc(bytes, '\n'),
  hugeCell: (bytes = HOSTILE_BYTES) => {
    const head = Buffer.from('Фамилия;Имя\n');
    return Buffer.concat([head, Buffer.alloc(bytes - head.length, 'x')]);
  },
  separators: (bytes = HOSTILE_BYTES) => Buffer.alloc(bytes, ';'),
  tinyCells: (bytes = HOSTILE_BYTES) => {
    const line = Buffer.from(`${'1;'.repeat(9999)}1\n`);
    const out = Buffer.alloc(bytes);
    for (let at = 0; at < bytes; at += line.length) line.copy(out, at, 0, Math.min(line.length, bytes - at));
    return out;
  },
};

interface ZipPart {
  name: string;
  /** Deflated bytes. */
  data: Buffer;
  crc: number;
  size: number;
}

async function deflatePart(name: string, pieces: Iterable<Buffer>): Promise<ZipPart> {
  const deflate = createDeflateRaw({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  deflate.on('data', (d: Buffer) => out.push(d));
  const done = new Promise<void>((resolve, reject) => {
    deflate.once('end', resolve);
    deflate.once('error', reject);
  });
  let crc = 0;
  let size = 0;
  for (const p of pieces) {
    crc = crc32(p, crc);
    size += p.length;
    if (!deflate.write(p)) await new Promise((r) => deflate.once('drain', r));
  }
  deflate.end();
  await done;
  return { name, data: Buffer.concat(out), crc, size };
}

/** A ZIP archive of deflated parts; `declare` replaces the unpacked size written in the headers. */
function zipOf(parts: readonly ZipPart[], declare?: (p: ZipPart) => number): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const size = declare ? declare(p) : p.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(p.crc >>> 0, 14);
    local.writeUInt32LE(p.data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(p.crc >>> 0, 16);
    central.writeUInt32LE(p.data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, p.data);
    centrals.push(central, name);
    offset += local.length + name.length + p.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const WORKBOOK_PARTS: Record<string, string> = {
  '[Content_Types].xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  '_rels/.rels':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  'xl/workbook.xml':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>',
  'xl/_rels/workbook.xml.rels':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
};

/**
 * An .xlsx whose only sheet is `<row>` elements repeated until the XML is about `inflatedBytes`
 * (default 1 GiB) long; `lie` writes 1 MB as the sheet's unpacked size instead of the truth.
 */
export async function xlsxBomb(opts: { inflatedBytes?: number; lie?: boolean; noisy?: boolean } = {}): Promise<Buffer> {
  const total = opts.inflatedBytes ?? 1024 * 1024 * 1024;
  const head = Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>');
  const tail = Buffer.from('</sheetData></worksheet>');
  const row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
  const block = Buffer.from(row.repeat(Math.floor((1024 * 1024) / row.length)));
  // Noisy: every row holds a different number, so the file packs only ~15:1 — under the ZIP guard's
  // ratio cap, as an upload that unpacks to the guard's limit must look.
  let seed = 12345;
  const noisyBlock = () => {
    const rows: string[] = [];
    for (let n = 0; n < 1024 * 1024 - 200; ) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const r = `<row><c><v>${seed}</v></c><c t="inlineStr"><is><t>${'x'.repeat(seed % 64)}</t></is></c></row>`;
      rows.push(r);
      n += r.length;
    }
    return Buffer.from(rows.join(''));
  };
  function* sheet(): Generator<Buffer> {
    yield head;
    for (let n = head.length + tail.length; n + block.length <= total; n += block.length) yield opts.noisy ? noisyBlock() : block;
    yield tail;
  }
  const parts: ZipPart[] = [];
  for (const [name, xml] of Object.entries(WORKBOOK_PARTS)) parts.push(await deflatePart(name, [Buffer.from(xml)]));
  parts.push(await deflatePart('xl/worksheets/sheet1.xml', sheet()));
  return zipOf(parts, opts.lie ? (p) => (p.name.startsWith('xl/worksheets/') ? 1024 * 1024 : p.size) : undefined);
}
