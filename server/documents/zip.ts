/**
 * A minimal ZIP writer over Node's native zlib (deflate and crc32 run in C++, several times faster
 * than jszip's JavaScript deflate on the tens of megabytes of XML a 3,000-document batch makes).
 * Entries are compressed once and can be reused in many archives (the shared parts of a .docx).
 * Reading templates still goes through jszip.
 */
import zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: 0 | 8;
  crc: number;
  size: number;
  data: Buffer;
}

/** Compression level for XML parts; 6 is zlib's default balance of size and speed. */
export const DEFAULT_LEVEL = 6;

export function deflateEntry(name: string, content: Buffer | string, level = DEFAULT_LEVEL): ZipEntry {
  const raw = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { name, method: 8, crc: zlib.crc32(raw), size: raw.length, data: zlib.deflateRawSync(raw, { level }) };
}

export function storeEntry(name: string, content: Buffer): ZipEntry {
  return { name, method: 0, crc: zlib.crc32(content), size: content.length, data: content };
}

/**
 * Deflates a part produced piece by piece (the body of a batch) without ever holding the whole
 * uncompressed text: chunks go through one zlib stream; crc32 is computed on the way.
 */
export async function deflateChunks(name: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, level = DEFAULT_LEVEL): Promise<ZipEntry> {
  const deflate = zlib.createDeflateRaw({ level, memLevel: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  for await (const chunk of chunks) {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
    if (!deflate.write(chunk)) await new Promise<void>((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { name, method: 8, crc, size, data: Buffer.concat(out) };
}

function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

const UTF8_FLAG = 0x0800;

/** Writes the archive. File names are UTF-8 (flag bit 11), so Cyrillic names open correctly in Windows. */
export function writeZip(entries: readonly ZipEntry[], mtime: Date = new Date()): Buffer {
  const { date, time } = dosDateTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name)) throw new Error(`duplicate zip entry ${e.name}`);
    names.add(e.name);
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_FLAG, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, e.data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_FLAG, 8);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  if (offset > 0xffffffff || entries.length > 0xffff) throw new Error('archive too large for ZIP without ZIP64');
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
