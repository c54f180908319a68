/**
 * An uploaded .xlsx is an untrusted ZIP archive, and exceljs inflates it into memory without a limit.
 * Before exceljs sees it, the central directory is read and every entry is inflated under a cap of
 * its declared size, with a ceiling on the total: a «zip bomb» is refused (413) before it costs memory.
 */
import { inflateRawSync } from 'node:zlib';
import { AppError } from '../../errors';

export const XLSX_MAX_ENTRIES = 2000;
/** A delivery list of 300,000 rows unpacks to about 150 MB of XML. */
export const XLSX_MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

const broken = () => new AppError(422, 'delivery_bad_file', 'Файл .xlsx повреждён или сохранён в необычном виде. Откройте его в Excel, сохраните как «Книга Excel (*.xlsx)» и загрузите снова.');
const tooBig = () => new AppError(413, 'delivery_too_large', 'Файл .xlsx распаковывается в слишком большой объём. Разделите список доставки на несколько файлов.');

function endOfCentralDirectory(buf: Buffer): number {
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) if (buf.readUInt32LE(i) === 0x06054b50) return i;
  return -1;
}

/** Throws a 422/413 AppError unless the archive is a plain ZIP within the limits; returns the unpacked size. */
export function guardXlsxZip(buf: Buffer, maxUnpacked = XLSX_MAX_UNPACKED_BYTES): number {
  const eocd = buf.length >= 22 ? endOfCentralDirectory(buf) : -1;
  if (eocd < 0) throw broken();
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdOffset + cdSize > eocd) throw broken();
  if (count > XLSX_MAX_ENTRIES) throw tooBig();
  let p = cdOffset;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw broken();
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const packed = buf.readUInt32LE(p + 20);
    const unpacked = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const isDir = buf.toString('utf8', p + 46, p + 46 + nameLength).endsWith('/');
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if (isDir) continue;
    if (flags & 0x1 || packed === 0xffffffff || unpacked === 0xffffffff) throw broken();
    total += unpacked;
    if (total > maxUnpacked) throw tooBig();
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw broken();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + packed > buf.length) throw broken();
    if (method === 8) {
      let size: number;
      try {
        size = inflateRawSync(buf.subarray(start, start + packed), { maxOutputLength: Math.max(1, unpacked + 1) }).length;
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
        throw broken();
      }
      if (size !== unpacked) throw size > unpacked ? tooBig() : broken();
    } else if (method !== 0) throw broken();
  }
  return total;
}
