/**
 * Hostile input at the routes that take data from outside (fast-check, fixed seed, bounded for
 * `npm test`; the full-size run is `npx tsx bench/faults.ts --only fuzz`): the member sync (random
 * bodies, damaged sheets), prototype-pollution keys as real own JSON keys, the passport, the upload,
 * the consent documents — never a 5xx, a rejected request changes nothing, an accepted push writes
 * exactly what its answer says, Object.prototype stays clean; and formula-like text comes back out of
 * the .csv and .xlsx exports as text. The properties live in test/trust/fuzz-properties.ts.
 */
import {
  createFuzzHarness,
  formulaExport,
  propDocuments,
  propPassport,
  propPrototypeKeys,
  propSyncBodies,
  propSyncDamagedSheets,
  propUpload,
  type FuzzHarness,
  type PropertyRun,
} from './fuzz-properties';

const SEED = 20261127;

describe('fuzzing the routes that take outside data (sqlite)', () => {
  let h: FuzzHarness;
  beforeAll(async () => {
    h = await createFuzzHarness('sqlite');
  });
  afterAll(() => h.close());

  const report = (r: PropertyRun) => console.log(`fuzz — ${r.property}: ${r.runs} inputs tried, answers ${JSON.stringify(r.statuses)}`);

  test('member sync: random bodies and hostile rows', async () => {
    const r = await propSyncBodies(h, 250, SEED);
    report(r);
    expect(r.runs).toBe(250);
  });

  test('member sync: valid rows with hostile cells, new and existing members, right and stale versions', async () => {
    const r = await propSyncDamagedSheets(h, 120, SEED);
    report(r);
    expect(r.runs).toBe(120);
    // Some of these pushes were accepted (so the write path was exercised), some refused.
    expect(r.statuses['200']).toBeGreaterThan(0);
  });

  test('prototype-pollution keys as own JSON keys at every level of sync, passport, actions and document bodies', async () => {
    const r = await propPrototypeKeys(h, 100, SEED);
    report(r);
    expect(r.runs).toBe(100);
  });

  test('passport: random fields and values', async () => {
    const r = await propPassport(h, 250, SEED);
    report(r);
    expect(r.runs).toBe(250);
  });

  test('upload: random bytes, broken workbooks, hostile CSV (checked and written)', async () => {
    const r = await propUpload(h, 120, SEED);
    report(r);
    expect(r.runs).toBe(120);
  });

  test('consent documents: random requests', async () => {
    const r = await propDocuments(h, 150, SEED);
    report(r);
    expect(r.runs).toBe(150);
  });

  test('formula-like text in every text column comes out of the CSV and .xlsx exports as text', async () => {
    const r = await formulaExport(h);
    console.log(`fuzz — formulas: ${r.tried} field × formula pairs pushed, ${r.refused} refused at input, ${r.neutralised} exported as text`);
    expect(r.tried).toBe(40);
    // Since issue 15 the free-text columns (position, address, ID document) refuse such text at input
    // (domain/text.ts formulaStartProblem); whatever another column accepts (a phone +7…) must leave as text.
    expect(r.refused).toBeGreaterThanOrEqual(15);
    expect(r.refused + r.neutralised).toBe(r.tried);
  });
});
