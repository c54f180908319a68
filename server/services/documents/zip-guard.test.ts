import { readTemplateFile, TEMPLATE_KINDS_LIST } from '../../documents';
import { openFile, sealFile, tokenHash } from './downloads';
import { craftZip } from './test-fixtures';
import { guardZip, TEMPLATE_ZIP_LIMITS, ZipRejected } from './zip-guard';

function rejection(f: () => unknown): ZipRejected {
  try {
    f();
  } catch (err) {
    if (err instanceof ZipRejected) return err;
    throw err;
  }
  throw new Error('expected ZipRejected');
}

describe('guardZip (uploaded templates)', () => {
  test.each(TEMPLATE_KINDS_LIST)('accepts the shipped template %s and reports its unpacked size', (kind) => {
    const docx = readTemplateFile(kind);
    expect(guardZip(docx)).toBeGreaterThan(docx.length);
  });

  test('refuses what is not a ZIP archive with 400', () => {
    const r = rejection(() => guardZip(Buffer.from('Это просто текст, а не документ Word')));
    expect(r.status).toBe(400);
    expect(r.detail).toContain('не ZIP-архив');
  });

  test('refuses a truncated archive with 400', () => {
    const docx = readTemplateFile('obligation');
    expect(rejection(() => guardZip(docx.subarray(0, docx.length - 30))).status).toBe(400);
  });

  test('refuses an archive that unpacks into more than the limit (honest sizes) with 413', () => {
    const bomb = craftZip([{ name: 'word/document.xml', data: Buffer.alloc(TEMPLATE_ZIP_LIMITS.maxUnpackedBytes + 1024) }]);
    expect(bomb.length).toBeLessThan(200 * 1024);
    const r = rejection(() => guardZip(bomb));
    expect(r.status).toBe(413);
    expect(r.detail).toContain('слишком большой объём');
  });

  test('refuses an entry that inflates beyond its declared size (a lying bomb) with 413', () => {
    const liar = craftZip([{ name: 'word/document.xml', data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 1000 }]);
    expect(rejection(() => guardZip(liar)).status).toBe(413);
  });

  test('refuses a highly compressed archive above the ratio floor with 413', () => {
    const limits = { ...TEMPLATE_ZIP_LIMITS, ratioFloorBytes: 1024 * 1024, maxRatio: 50 };
    const dense = craftZip([{ name: 'a.xml', data: Buffer.alloc(2 * 1024 * 1024) }]);
    expect(rejection(() => guardZip(dense, limits)).status).toBe(413);
  });

  test('refuses too many entries with 413 and an unknown compression method with 400', () => {
    const many = craftZip(Array.from({ length: 12 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.from('x') })));
    expect(rejection(() => guardZip(many, { ...TEMPLATE_ZIP_LIMITS, maxEntries: 10 })).status).toBe(413);
    const odd = craftZip([{ name: 'a.xml', data: Buffer.from('x'), method: 0 }]);
    odd.writeUInt16LE(12, odd.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10); // bzip2 in the central directory
    expect(rejection(() => guardZip(odd)).status).toBe(400);
  });
});

describe('stored files of the single-use links', () => {
  const token = 'A'.repeat(43);
  test('are unreadable without the token and open with it', () => {
    const plain = Buffer.from('Логин: u17-1234, пароль: СекретныйПароль1', 'utf8');
    const sealed = sealFile(token, 'doc-1', plain);
    expect(sealed.includes(Buffer.from('СекретныйПароль1', 'utf8'))).toBe(false);
    expect(openFile(token, 'doc-1', sealed).equals(plain)).toBe(true);
    expect(() => openFile('B'.repeat(43), 'doc-1', sealed)).toThrow();
    // The key is bound to the document too.
    expect(() => openFile(token, 'doc-2', sealed)).toThrow();
  });

  test('the server keeps only the SHA-256 of a token', () => {
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).not.toContain(token);
  });
});
