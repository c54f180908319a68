import fc from 'fast-check';
import {
  cellAddress,
  chunkLimits,
  columnIndex,
  columnLetter,
  fingerprint,
  groupAddresses,
  intersectAreas,
  isoDateFromSerial,
  jsonBytes,
  normalizeHeader,
  parseAddress,
  planChunks,
  rangeAddress,
  readRowsInChunks,
  rowRuns,
  serialFromDateText,
  serialFromYmd,
  utf8Length,
  MAX_SHEET_ROWS,
} from './sheet-utils';
import { FakeExcel } from './test-fakes';

describe('column letters', () => {
  test.each([
    [0, 'A'],
    [25, 'Z'],
    [26, 'AA'],
    [701, 'ZZ'],
    [702, 'AAA'],
    [16383, 'XFD'],
  ])('%i ↔ %s', (i, s) => {
    expect(columnLetter(i)).toBe(s);
    expect(columnIndex(s)).toBe(i);
    expect(columnIndex(s.toLowerCase())).toBe(i);
  });

  test('round trip over the whole grid width', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 16383 }), (i) => columnIndex(columnLetter(i)) === i));
  });

  test('out of range is refused', () => {
    expect(() => columnLetter(-1)).toThrow();
    expect(() => columnLetter(16384)).toThrow();
    expect(() => columnIndex('XFE')).toThrow();
    expect(() => columnIndex('A1')).toThrow();
  });
});

describe('addresses', () => {
  test('cell and range addresses, sheet names always quoted', () => {
    expect(cellAddress(5, 2)).toBe('C5');
    expect(cellAddress(5, 2, "Члены профсоюза")).toBe("'Члены профсоюза'!C5");
    expect(cellAddress(1, 0, "O'Brien")).toBe("'O''Brien'!A1");
    expect(rangeAddress(2, 0, 10, 24)).toBe('A2:X11');
    expect(rangeAddress(7, 3, 1, 1)).toBe('D7');
  });

  test('parses what Excel returns', () => {
    expect(parseAddress("'Члены профсоюза'!B3:C5")).toEqual({ sheet: 'Члены профсоюза', areas: [{ row: 2, col: 1, rows: 3, cols: 2 }] });
    expect(parseAddress('Лист1!$A$1')).toEqual({ sheet: 'Лист1', areas: [{ row: 0, col: 0, rows: 1, cols: 1 }] });
    expect(parseAddress('D4')).toEqual({ sheet: null, areas: [{ row: 3, col: 3, rows: 1, cols: 1 }] });
    expect(parseAddress('Лист!C:D').areas[0]).toEqual({ row: 0, col: 2, rows: MAX_SHEET_ROWS, cols: 2 });
    expect(parseAddress('Лист!3:5').areas[0]).toEqual({ row: 2, col: 0, rows: 3, cols: 16384 });
    expect(parseAddress("'a,b'!A1:B2, 'a,b'!D4;'a,b'!F6").areas).toHaveLength(3);
    expect(parseAddress("'It''s'!A1").sheet).toBe("It's");
    expect(() => parseAddress('Лист1!A1,Лист2!B2')).toThrow();
    expect(() => parseAddress('not an address')).toThrow();
  });

  test('intersections', () => {
    const a = { row: 0, col: 0, rows: 10, cols: 5 };
    expect(intersectAreas(a, { row: 8, col: 3, rows: 5, cols: 5 })).toEqual({ row: 8, col: 3, rows: 2, cols: 2 });
    expect(intersectAreas(a, { row: 10, col: 0, rows: 1, cols: 1 })).toBeNull();
  });

  test('row runs merge consecutive rows', () => {
    expect(rowRuns([3, 4, 5, 9, 11, 12])).toEqual([
      { first: 3, count: 3 },
      { first: 9, count: 1 },
      { first: 11, count: 2 },
    ]);
    expect(rowRuns([])).toEqual([]);
  });

  test('address groups stay within 255 characters and keep every address once', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 16383 })), { maxLength: 400 }), (cells) => {
        const addresses = cells.map(([r, c]) => cellAddress(r, c));
        const groups = groupAddresses(addresses);
        expect(groups.every((g) => g.length <= 255)).toBe(true);
        expect(groups.flatMap((g) => g.split(','))).toEqual(addresses);
      }),
    );
  });
});

describe('payload estimates and chunk plans', () => {
  test('utf8Length agrees with TextEncoder', () => {
    const enc = new TextEncoder();
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Length(s) === enc.encode(s).length));
    expect(utf8Length('Иванов')).toBe(12);
    expect(jsonBytes([['Ёж', 1]])).toBe(utf8Length('[["Ёж",1]]'));
  });

  test('chunks cover every item in order and respect every limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ bytes: fc.integer({ min: 1, max: 5000 }), ops: fc.integer({ min: 0, max: 30 }) }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        (items, maxRows) => {
          const limits = { maxBytes: 20_000, maxRows, maxOps: 100 };
          const spans = planChunks(items.length, (i) => items[i], limits);
          let next = 0;
          for (const s of spans) {
            expect(s.start).toBe(next);
            expect(s.end).toBeGreaterThan(s.start);
            const slice = items.slice(s.start, s.end);
            expect(slice.length).toBeLessThanOrEqual(maxRows);
            if (slice.length > 1) {
              expect(slice.reduce((a, b) => a + b.bytes, 0)).toBeLessThanOrEqual(limits.maxBytes);
              expect(slice.reduce((a, b) => a + b.ops, 0)).toBeLessThanOrEqual(limits.maxOps);
            }
            next = s.end;
          }
          expect(next).toBe(items.length);
        },
      ),
    );
  });

  test('an item heavier than a chunk gets a chunk of its own', () => {
    const sizes = [10, 10, 500, 10];
    expect(planChunks(4, (i) => ({ bytes: sizes[i] }), { maxBytes: 100, maxRows: 10, maxOps: 10 })).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 3 },
      { start: 3, end: 4 },
    ]);
  });

  test('limits above the Excel cap are refused', () => {
    expect(() => chunkLimits({ maxBytes: 6_000_000 })).toThrow();
    expect(chunkLimits({ maxRows: 10 }).maxRows).toBe(10);
  });
});

describe('Excel dates', () => {
  test('known serials', () => {
    expect(serialFromYmd(1990, 2, 1)).toBe(32905);
    expect(serialFromYmd(1900, 3, 1)).toBe(61);
    expect(serialFromYmd(2024, 2, 29)).toBe(45351);
    expect(serialFromYmd(2023, 2, 29)).toBeNull();
    expect(serialFromYmd(1900, 2, 28)).toBeNull();
  });

  test('registry texts', () => {
    expect(serialFromDateText('1990-02-01')).toBe(32905);
    expect(serialFromDateText('1990-02-01T00:00:00.000Z')).toBe(32905);
    expect(serialFromDateText('01.02.1990')).toBe(32905);
    expect(serialFromDateText('1.2.1990')).toBe(32905);
    expect(serialFromDateText('31.02.1990')).toBeNull();
    expect(serialFromDateText('вчера')).toBeNull();
  });

  test('serial ↔ ISO round trip', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(1900, 2, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const serial = serialFromDateText(iso);
        expect(serial).not.toBeNull();
        expect(isoDateFromSerial(serial as number)).toBe(iso);
      }),
    );
  });
});

describe('fingerprints and headers', () => {
  test('a fingerprint changes with any cell and ignores empty-vs-missing', () => {
    const base = ['Иванова', 'Анна', '', 32905];
    const fp = fingerprint(base);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(['Иванова', 'Анна', null, 32905])).toBe(fp);
    expect(fingerprint(['Иванова', 'Анна', undefined, 32905])).toBe(fp);
    expect(fingerprint(['Иванова', 'Анна', '', 32906])).not.toBe(fp);
    expect(fingerprint(['Иванова', 'Анн', 'а', 32905])).not.toBe(fp);
    expect(fingerprint(['Иванова ', 'Анна', '', 32905])).not.toBe(fp);
  });

  test('no collisions among many similar rows', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(fingerprint(['Иванова', 'Анна', String(i), i % 7]));
    expect(seen.size).toBe(50_000);
  });

  test('headers compare case-, ё- and punctuation-insensitively', () => {
    expect(normalizeHeader('  Эл.  почта ')).toBe(normalizeHeader('эл почта'));
    expect(normalizeHeader('Ёлка')).toBe('елка');
    expect(normalizeHeader('Должность / учебная группа')).toBe('должность учебная группа');
  });
});

describe('readRowsInChunks', () => {
  test('sizes chunks from what it read, and halves a chunk Excel refuses', async () => {
    const fake = new FakeExcel({ payloadCap: 200_000 });
    const sheet = fake.sheet('Лист1');
    const big = 'ж'.repeat(4_000); // 8 KB per cell in UTF-8
    const rows: string[][] = [];
    for (let i = 0; i < 300; i++) rows.push([i < 100 ? 'a' : big, 'b']);
    sheet.setValues('A1', rows);
    const got: unknown[][] = [];
    const ws = fake.context.workbook.worksheets.getItem('Лист1');
    const stats = await readRowsInChunks(
      fake.context,
      300,
      2,
      (start, count) => ws.getRangeByIndexes(start, 0, count, 2),
      (start, values) => values.forEach((v, i) => (got[start + i] = v)),
      { maxBytes: 150_000, maxRows: 5000, maxOps: 100 },
    );
    expect(got).toEqual(rows);
    // light rows first, then a chunk sized for light rows hits the heavy ones and is refused
    expect(fake.syncs.some((s) => s.responseBytes > 200_000)).toBe(true);
    expect(stats.syncs).toBe(fake.syncCount);
    expect(stats.chunks).toBeLessThan(stats.syncs);
    // every delivered chunk stayed within the cap
    expect(stats.maxResponseBytes).toBeLessThanOrEqual(200_000);
  });
});
