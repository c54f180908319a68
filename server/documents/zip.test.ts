import JSZip from 'jszip';
import { deflateChunks, deflateEntry, storeEntry, writeZip } from './zip';

test('archives written by the native zip writer open with jszip, with UTF-8 names and correct content', async () => {
  const big = 'Съешь же ещё этих мягких французских булок. '.repeat(5000);
  const streamed = await deflateChunks('word/document.xml', (function* () {
    for (let i = 0; i < 10; i++) yield Buffer.from(big.slice(i * 1000, (i + 1) * 1000) + (i === 9 ? big.slice(10000) : ''), 'utf8');
  })());
  const zip = writeZip([
    deflateEntry('[Content_Types].xml', '<Types/>'),
    streamed,
    storeEntry('Ёлкина Алёна Петровна_1a2b3c4d.docx', Buffer.from([1, 2, 3, 250])),
  ]);
  const read = await JSZip.loadAsync(zip, { checkCRC32: true });
  expect(Object.keys(read.files)).toEqual(['[Content_Types].xml', 'word/document.xml', 'Ёлкина Алёна Петровна_1a2b3c4d.docx']);
  expect(await read.file('word/document.xml')!.async('string')).toBe(big);
  expect([...(await read.file('Ёлкина Алёна Петровна_1a2b3c4d.docx')!.async('uint8array'))]).toEqual([1, 2, 3, 250]);
  expect(zip.readUInt16LE(6) & 0x0800).toBe(0x0800); // UTF-8 name flag
  expect(() => writeZip([deflateEntry('a', 'x'), deflateEntry('a', 'y')])).toThrow(/duplicate/);
});
