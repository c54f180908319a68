/**
 * An uploaded template is an untrusted ZIP archive. Before anything unpacks it (jszip inflates every
 * entry into memory without a limit), this reads the archive's central directory, refuses what is not
 * a plain ZIP (400) and what unpacks into too much (413), and inflates every entry under a hard output
 * cap — so an archive that lies about its sizes is caught too.
 */
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { formatFileSize } from '../../../domain/text';

export interface ZipLimits {
  /** Entries in the archive. */
  maxEntries: number;
  /** Sum of the unpacked sizes, bytes. */
  maxUnpackedBytes: number;
  /** Unpacked ÷ packed over the whole archive, checked once it unpacks to more than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

/** A Word template is tens of kilobytes; with pictures a few megabytes. */
export const TEMPLATE_ZIP_LIMITS: ZipLimits = {
  maxEntries: 1000,
  maxUnpackedBytes: 64 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 8 * 1024 * 1024,
};

export class ZipRejected extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ZipRejected';
  }
}

const NOT_ZIP = 'Файл не является документом Word (.docx): это не ZIP-архив. Сохраните шаблон в Word как «Документ Word (*.docx)».';
const BROKEN = 'Файл .docx повреждён (архив не читается). Откройте его в Word, сохраните заново как «Документ Word (*.docx)» и загрузите снова.';
const UNSUPPORTED = 'Файл .docx сохранён в неподдерживаемом виде (шифрование или нестандартное сжатие). Сохраните его в Word как обычный «Документ Word (*.docx)».';
interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  packed: number;
  unpacked: number;
  localOffset: number;
}

function findEndOfCentralDirectory(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}

function readCentralDirectory(buf: Buffer, limits: ZipLimits): CentralEntry[] {
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) throw new ZipRejected(400, NOT_ZIP);
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) throw new ZipRejected(400, BROKEN);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipRejected(400, UNSUPPORTED);
  if (count > limits.maxEntries) throw new ZipRejected(413, `В архиве .docx слишком много частей (${count}, допустимо ${limits.maxEntries}). Такой файл не может быть шаблоном документа.`);
  if (cdOffset + cdSize > eocd) throw new ZipRejected(400, BROKEN);
  const entries: CentralEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new ZipRejected(400, BROKEN);
    const nameLength = buf.readUInt16LE(p + 28);
    const entry: CentralEntry = {
      flags: buf.readUInt16LE(p + 8),
      method: buf.readUInt16LE(p + 10),
      packed: buf.readUInt32LE(p + 20),
      unpacked: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, p + 46 + nameLength),
    };
    if (entry.packed === 0xffffffff || entry.unpacked === 0xffffffff || entry.localOffset === 0xffffffff) throw new ZipRejected(400, UNSUPPORTED);
    entries.push(entry);
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

function tooBigFor(limits: ZipLimits): ZipRejected {
  return new ZipRejected(413, `Файл .docx распаковывается в слишком большой объём (больше ${formatFileSize(limits.maxUnpackedBytes)}) — это не похоже на шаблон документа. Уменьшите картинки в шаблоне или удалите лишнее.`);
}

/** The checks made on the central directory alone (the sizes an archive declares), then each entry's packed bytes. */
function declaredEntries(buf: Buffer, limits: ZipLimits): { entry: CentralEntry; data: Buffer }[] {
  const entries = readCentralDirectory(buf, limits);
  const declared = entries.reduce((n, e) => n + e.unpacked, 0);
  if (declared > limits.maxUnpackedBytes) throw tooBigFor(limits);
  if (declared > limits.ratioFloorBytes && declared / Math.max(1, buf.length) > limits.maxRatio) throw tooBigFor(limits);
  const out: { entry: CentralEntry; data: Buffer }[] = [];
  for (const e of entries) {
    if (e.flags & 0x1) throw new ZipRejected(400, UNSUPPORTED);
    if (e.name.endsWith('/')) continue;
    const lh = e.localOffset;
    if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50) throw new ZipRejected(400, BROKEN);
    const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
    if (start + e.packed > buf.length) throw new ZipRejected(400, BROKEN);
    if (e.method !== 0 && e.method !== 8) throw new ZipRejected(400, UNSUPPORTED);
    out.push({ entry: e, data: buf.subarray(start, start + e.packed) });
  }
  return out;
}

/**
 * Throws ZipRejected (400 not a usable ZIP, 413 unpacks into too much) or returns the number of
 * bytes the archive unpacks to. Every entry is actually inflated, capped at its declared size.
 */
export function guardZip(buf: Buffer, limits: ZipLimits = TEMPLATE_ZIP_LIMITS): number {
  const tooBig = () => tooBigFor(limits);
  let total = 0;
  for (const { entry: e, data } of declaredEntries(buf, limits)) {
    let size: number;
    if (e.method === 0) {
      size = data.length;
    } else {
      try {
        // One byte more than declared: an entry that inflates beyond its declared size is refused.
        size = inflateRawSync(data, { maxOutputLength: Math.max(1, e.unpacked + 1) }).length;
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
        throw new ZipRejected(400, BROKEN);
      }
    }
    if (size !== e.unpacked) throw size > e.unpacked ? tooBig() : new ZipRejected(400, BROKEN);
    total += size;
    if (total > limits.maxUnpackedBytes) throw tooBig();
  }
  return total;
}

/**
 * guardZip as a stream: the same checks, but no entry is ever held inflated — each is inflated
 * piece by piece (64 KB at a time) and the pieces are shown to `visit(name)`'s reader, which may
 * throw to stop at once (a row count over its cap, say). Memory stays at a few pieces whatever the
 * archive unpacks to.
 */
export async function scanZip(buf: Buffer, limits: ZipLimits, visit: (name: string) => ((piece: Buffer) => void) | null = () => null): Promise<number> {
  const tooBig = () => tooBigFor(limits);
  let total = 0;
  for (const { entry: e, data } of declaredEntries(buf, limits)) {
    const read = visit(e.name);
    let size = 0;
    const take = (piece: Buffer) => {
      size += piece.length;
      if (size > e.unpacked || total + size > limits.maxUnpackedBytes) throw tooBig();
      read?.(piece);
    };
    if (e.method === 0) {
      take(data);
    } else {
      await new Promise<void>((resolve, reject) => {
        const inflate = createInflateRaw({ chunkSize: 64 * 1024 });
        const fail = (err: unknown) => {
          inflate.destroy();
          reject(err);
        };
        inflate.on('data', (piece: Buffer) => {
          try {
            take(piece);
          } catch (err) {
            fail(err);
          }
        });
        inflate.once('end', resolve);
        inflate.once('error', () => fail(new ZipRejected(400, BROKEN)));
        inflate.end(data);
      });
    }
    if (size !== e.unpacked) throw new ZipRejected(400, BROKEN);
    total += size;
  }
  return total;
}
