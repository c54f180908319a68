/**
 * Hostile input at the routes that take data from outside, as fast-check properties. Used by the
 * bounded test (test/trust/fuzz.test.ts, fixed seed, small numRuns) and the full-size run
 * (bench/faults.ts --fuzz-scale). Plain node:assert, no jest, so both can run them.
 *
 * For every input: never a 5xx; Object.prototype untouched; a rejected request (4xx) changes nothing
 * in the database (row counts and a hash of every table a request may write); an accepted push changes
 * exactly the members its answer says were created or updated — rows answered `error`, `conflict` or
 * `unchanged` are not written. Formula-like text comes back out of every export as text.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import JSZip from 'jszip';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { CONSENT_KINDS } from '../../domain/members/codes';
import { PASSPORT_FIELDS } from '../../domain/passport';
import { auth, startTestApp, type TestApp } from '../support/app';
import type { DbVariant } from '../support/db';
import { snilsFor } from './harness';

/** Tables a request of these routes may write (sign-in tokens and rate-limit counters aside). */
const WATCHED_TABLES = [
  'members', 'member_batches', 'member_changes', 'member_transfers', 'idempotency_keys', 'consent_events', 'card_events',
  'card_orders', 'card_order_items', 'passports', 'printed_documents', 'audit_log', 'organisations', 'users',
];

export const FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", '@SUM(1)', '-2+3+cmd|\' /C calc\'!A0', '=1+1'];

export interface FuzzHarness {
  t: TestApp;
  token: string;
  orgId: number;
  /** Numbers for fresh valid rows (unique СНИЛС and birth dates). */
  next: number;
  /** Object.prototype's own property names before anything ran. */
  protoNames: string;
  close(): Promise<void>;
}

export async function createFuzzHarness(variant: DbVariant): Promise<FuzzHarness> {
  const t = await startTestApp(variant);
  // What consent documents need printed on them, so that well-formed print requests succeed.
  const admin = await t.token('admin');
  for (const org of [t.demo.orgIds.central, t.demo.orgIds.region, t.demo.orgIds.territorial]) {
    const r = await request(t.app).put(`/api/v1/organisations/${org}/documents/details`).set(auth(admin)).send({ unionName: 'Организация Профсоюза', legalAddress: 'г. Казань, ул. Пушкина, д. 1', contact: '+7 843 000-00-00' });
    assert.equal(r.status, 200, `documents details: ${r.status}`);
  }
  const settings = await request(t.app).put('/api/v1/settings/documents').set(auth(admin)).send({ cardOperator: { inn: '7707083893', address: 'г. Москва, ул. Вавилова, д. 19' } });
  assert.equal(settings.status, 200, `documents settings: ${settings.status} ${JSON.stringify(settings.body).slice(0, 200)}`);
  return {
    t,
    token: await t.token('school'),
    orgId: t.demo.orgIds.school,
    next: 0,
    protoNames: Object.getOwnPropertyNames(Object.prototype).sort().join(','),
    close: () => t.close(),
  };
}

async function select<T extends object>(h: FuzzHarness, sql: string): Promise<T[]> {
  return h.t.ctx.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
}

/** Row count and content hash of every watched table. */
export async function fingerprint(h: FuzzHarness): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of WATCHED_TABLES) {
    const rows = (await select<object>(h, `SELECT * FROM ${table}`)).map((r) => JSON.stringify(r)).sort();
    out[table] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`;
  }
  return out;
}

async function memberRows(h: FuzzHarness): Promise<Map<string, string>> {
  const rows = await select<{ id: string }>(h, 'SELECT * FROM members');
  return new Map(rows.map((r) => [r.id, JSON.stringify(r)]));
}

function assertPrototypeClean(h: FuzzHarness): void {
  assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(','), h.protoNames, 'Object.prototype gained properties');
  const probe = {} as Record<string, unknown>;
  assert.equal(probe.polluted, undefined, 'Object.prototype.polluted is set');
  assert.equal(probe.isAdmin, undefined, 'Object.prototype.isAdmin is set');
  assert.equal(probe.constructor, Object);
}

function assertNo5xx(res: request.Response, what: string): void {
  assert.ok(res.status < 500, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  if (res.status >= 400) assert.match(String(res.headers['content-type']), /application\/problem\+json/, `${what}: a ${res.status} that is not problem+json`);
}

// ---- arbitraries ------------------------------------------------------------------------------------

export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1990, maxLength: 2100 }),
  fc.constantFrom(
    ...FORMULAS, '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "Robert'); DROP TABLE members;--", "O'Brien", '\\', '\\0',
    '\u0000', 'a\u0000b', '\uFEFFИванов', '\u202Eвоквеци', '\uD800', 'Иванов\tИван', 'Иванов\r\nИван', ' '.repeat(3000), 'Ё'.repeat(2001),
    '__proto__', 'constructor', 'prototype', '00000000-0000-0000-0000-000000000000', '1e309', 'NaN', '-0', '45000', '31.02.1980', '9'.repeat(400),
    '١٢٣', '𝟘𝟙𝟚', 'И\u0306ванов', '$(touch /tmp/x)', '{{7*7}}', '${7*7}', '%s%n', '../../etc/passwd', 'null', 'undefined', 'true',
  ),
);
const cell = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);
const COLUMN_KEYS = MEMBER_COLUMNS.map((c) => c.key);
const hostileValues = fc.dictionary(fc.oneof(fc.constantFrom(...COLUMN_KEYS), fc.constantFrom('__proto__', 'constructor', 'prototype', 'x')), cell, { maxKeys: 8 });
const hostileRow = fc.record(
  {
    row: fc.oneof(fc.integer({ min: -2, max: 2_000_000 }), fc.constant('1'), fc.constant(null), fc.double()),
    id: fc.oneof(fc.constant(undefined), fc.uuid(), hostileString, fc.constant(null)),
    version: fc.oneof(fc.constant(undefined), fc.integer(), fc.constant('1'), fc.constant(null)),
    values: fc.oneof({ weight: 5, arbitrary: hostileValues }, fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), hostileString),
  },
  { requiredKeys: [] },
);

/** A JSON body as text (supertest cannot send a bare number or string as JSON). */
function json(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

// ---- the properties ---------------------------------------------------------------------------------

export interface PropertyRun {
  property: string;
  runs: number;
  /** Answers by status. */
  statuses: Record<string, number>;
  /** fast-check's report when the property failed (the bench goes on with the next one). */
  failure?: string;
}

/** Counts inputs and answers; `into` accumulates over several runs of one property (the bench goes on after a failure). */
function counter(property: string, into?: PropertyRun): { r: PropertyRun; add(status: number): void } {
  const r: PropertyRun = into ?? { property, runs: 0, statuses: {} };
  return {
    r,
    add(status: number) {
      r.runs++;
      r.statuses[status] = (r.statuses[status] ?? 0) + 1;
    },
  };
}

function strip(r: PropertyRun): PropertyRun {
  return { property: r.property, runs: r.runs, statuses: { ...r.statuses } };
}

const syncUrl = (h: FuzzHarness) => `/api/v1/organisations/${h.orgId}/members/sync`;

const DATE_COLUMNS = ['birth_date', 'joined_at', 'consent_union_date', 'consent_operator_date', 'consent_notify_date', 'registered_at', 'deregistered_at'];

function assertIsoDate(v: unknown, what: string): void {
  if (v === null || v === undefined) return;
  const iso = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  assert.ok(/^\d{4}-\d{2}-\d{2}$/.test(iso.slice(0, 10)) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso.slice(0, 10), `${what} stored as ${JSON.stringify(v)}`);
}

/** Whatever was accepted is well-formed in the database: real ISO dates, an 11-digit СНИЛС. */
async function assertStoredMembersSane(h: FuzzHarness): Promise<void> {
  const rows = await select<Record<string, unknown>>(h, `SELECT id, snils, ${DATE_COLUMNS.join(', ')} FROM members`);
  for (const r of rows) {
    for (const c of DATE_COLUMNS) assertIsoDate(r[c], `member ${r.id}: ${c}`);
    if (r.snils !== null) assert.match(String(r.snils), /^\d{11}$/, `member ${r.id}: СНИЛС stored as ${JSON.stringify(r.snils)}`);
  }
}

/** After a 200 push: exactly the members answered created/updated changed; nothing else did. */
async function assertPushWroteWhatItSaid(h: FuzzHarness, before: Map<string, string>, body: { rows: { outcome: string; id?: string }[]; dryRun?: boolean }): Promise<void> {
  const after = await memberRows(h);
  const changed = new Set<string>();
  for (const [id, row] of after) if (before.get(id) !== row) changed.add(id);
  for (const id of before.keys()) if (!after.has(id)) changed.add(id);
  const said = new Set(body.rows.filter((r) => r.outcome === 'created' || r.outcome === 'updated').map((r) => r.id!));
  if (body.dryRun) said.clear();
  assert.deepEqual([...changed].sort(), [...said].sort(), 'the members that changed are not the ones the answer reports as created/updated');
  if (changed.size) await assertStoredMembersSane(h);
}

/** Arbitrary JSON bodies and hostile rows at the member sync. */
export async function propSyncBodies(h: FuzzHarness, numRuns: number, seed: number, into?: PropertyRun): Promise<PropertyRun> {
  const c = counter('sync: random bodies and hostile rows', into);
  // Rows that pass the shape check (column keys only, scalar cells) but carry hostile cell values.
  const scalar = fc.oneof({ weight: 6, arbitrary: hostileString }, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const shapedRow = fc.record({ row: fc.integer({ min: 1, max: 1_048_576 }), id: fc.oneof(fc.constant(undefined), fc.uuid(), fc.string({ maxLength: 64 })), version: fc.oneof(fc.constant(undefined), fc.nat()), values: fc.dictionary(fc.constantFrom(...COLUMN_KEYS), scalar, { minKeys: 1, maxKeys: 10 }) }, { requiredKeys: ['row', 'values'] });
  const key = fc.stringMatching(/^[\w.:-]{8,40}$/);
  const body = fc.oneof(
    fc.anything({ maxDepth: 3 }),
    fc.record({ idempotencyKey: fc.oneof(fc.uuid(), hostileString), dryRun: fc.oneof(fc.boolean(), fc.constant('yes')), rows: fc.oneof(fc.array(hostileRow, { maxLength: 6 }), cell) }, { requiredKeys: [] }),
    { weight: 3, arbitrary: fc.record({ idempotencyKey: key, dryRun: fc.boolean(), rows: fc.array(shapedRow, { minLength: 1, maxLength: 6 }) }, { requiredKeys: ['idempotencyKey', 'rows'] }) },
  );
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const before = await fingerprint(h);
      const members = await memberRows(h);
      const res = await request(h.t.app).post(syncUrl(h)).set(auth(h.token)).set('Content-Type', 'application/json').send(json(b));
      c.add(res.status);
      assertNo5xx(res, 'sync');
      assertPrototypeClean(h);
      if (res.status >= 400) assert.deepEqual(await fingerprint(h), before, `a rejected push (${res.status}) changed the database`);
      else await assertPushWroteWhatItSaid(h, members, res.body);
    }),
    { seed, numRuns },
  );
  return strip(c.r);
}

/** A valid new row; `h.next` keeps СНИЛС and birth dates unique across runs. */
function freshRow(h: FuzzHarness, row: number): { row: number; values: Record<string, unknown> } {
  const n = 50_000 + h.next++;
  const birth = new Date(Date.UTC(1950, 0, 1) + (n % 18_000) * 86_400_000).toISOString().slice(0, 10);
  return { row, values: { surname: 'Проверкина', name: 'Анна', patronymic: 'Сергеевна', birthDate: birth, category: 'Работник', snils: snilsFor(n), position: 'Учитель' } };
}

/**
 * Mostly valid rows with one to three cells made hostile, new rows and rows naming existing members
 * (their real id, a right or wrong version): the realistic shape of a damaged sheet. Rows that are
 * written keep exactly what was sent; the rest stay as they were.
 */
export async function propSyncDamagedSheets(h: FuzzHarness, numRuns: number, seed: number, into?: PropertyRun): Promise<PropertyRun> {
  const c = counter('sync: valid rows with hostile cells', into);
  const damage = fc.array(fc.tuple(fc.constantFrom(...COLUMN_KEYS.filter((k) => k !== 'id' && k !== 'version')), fc.oneof({ weight: 4, arbitrary: hostileString }, fc.integer(), fc.constant(null), fc.boolean())), { minLength: 1, maxLength: 3 });
  const rowPlan = fc.record({ existing: fc.boolean(), versionShift: fc.constantFrom(0, 0, 0, 1, -1), damage, dryRun: fc.boolean() });
  await fc.assert(
    fc.asyncProperty(fc.array(rowPlan, { minLength: 1, maxLength: 5 }), async (plans) => {
      const existing = await select<{ id: string; version: number }>(h, `SELECT id, version FROM members WHERE primary_org_id = ${h.orgId} AND deregistered_at IS NULL ORDER BY id LIMIT 40`);
      const rows = plans.map((p, i) => {
        const r: Record<string, unknown> = freshRow(h, i + 2);
        const m = p.existing && existing.length ? existing[(h.next + i) % existing.length] : null;
        if (m) {
          r.id = m.id;
          r.version = Number(m.version) + p.versionShift;
        }
        const values = r.values as Record<string, unknown>;
        for (const [k, v] of p.damage) values[k] = v;
        return r;
      });
      const dryRun = plans[0].dryRun;
      const before = await fingerprint(h);
      const members = await memberRows(h);
      const res = await request(h.t.app).post(syncUrl(h)).set(auth(h.token)).send({ idempotencyKey: `fuzz-damaged-${seed}-${h.next}`, dryRun, rows });
      c.add(res.status);
      assertNo5xx(res, 'sync (damaged sheet)');
      assertPrototypeClean(h);
      if (res.status >= 400) {
        assert.deepEqual(await fingerprint(h), before, `a rejected push (${res.status}) changed the database`);
        return;
      }
      await assertPushWroteWhatItSaid(h, members, res.body);
      // What was written is what was sent (for the text cells the rows carried as plain strings).
      const written = (res.body.rows as { outcome: string; id?: string }[]).map((r, i) => ({ r, sent: rows[i].values as Record<string, unknown> })).filter((x) => !dryRun && (x.r.outcome === 'created' || x.r.outcome === 'updated'));
      for (const { r, sent } of written) {
        const card = await request(h.t.app).get(`/api/v1/members/${r.id}`).set(auth(h.token));
        assert.equal(card.status, 200);
        if (typeof sent.position === 'string' && sent.position.trim() && !/\s{2}|^\s|\s$/.test(sent.position)) assert.equal(card.body.data.position, sent.position, 'the position stored differs from the one sent');
      }
    }),
    { seed, numRuns },
  );
  return strip(c.r);
}

/** `__proto__`, `constructor`, `prototype` as real own JSON keys (raw text) at every level of the bodies. */
export async function propPrototypeKeys(h: FuzzHarness, numRuns: number, seed: number, into?: PropertyRun): Promise<PropertyRun> {
  const c = counter('prototype-pollution keys in raw JSON', into);
  const evil = fc.constantFrom('{"polluted":"yes","isAdmin":true}', '{"prototype":{"polluted":"yes"}}', '"yes"', '[1,2]', 'null', '{"__proto__":{"polluted":"yes"}}');
  const key = fc.constantFrom('__proto__', 'constructor', 'prototype');
  const member = await select<{ id: string }>(h, `SELECT id FROM members WHERE primary_org_id = ${h.orgId} LIMIT 1`);
  const m = member[0]?.id ?? '00000000-0000-0000-0000-000000000000';
  const targets: { url: string; method: 'post' | 'put'; template: (k: string, e: string) => string }[] = [
    { url: syncUrl(h), method: 'post', template: (k, e) => `{"${k}":${e},"idempotencyKey":"proto-${h.next++}-key","rows":[{"row":2,"values":{"surname":"Иванова","name":"Анна","birthDate":"01.01.1980","category":"Работник"}}]}` },
    { url: syncUrl(h), method: 'post', template: (k, e) => `{"idempotencyKey":"proto-${h.next++}-key","rows":[{"row":2,"${k}":${e},"values":{"surname":"Иванова","name":"Анна","birthDate":"01.01.1980","category":"Работник"}}]}` },
    { url: syncUrl(h), method: 'post', template: (k, e) => `{"idempotencyKey":"proto-${h.next++}-key","rows":[{"row":2,"values":{"${k}":${e},"surname":"Иванова","name":"Анна","birthDate":"01.01.1980","category":"Работник"}}]}` },
    { url: syncUrl(h), method: 'post', template: (k, e) => `{"idempotencyKey":"proto-${h.next++}-key","rows":[{"row":2,"values":{"surname":{"${k}":${e}},"name":"Анна","birthDate":"01.01.1980","category":"Работник"}}]}` },
    { url: `/api/v1/organisations/${h.orgId}/passport`, method: 'put', template: (k, e) => `{"data":{"${k}":${e},"phone":"+7 900 000-00-00"}}` },
    { url: `/api/v1/organisations/${h.orgId}/passport`, method: 'put', template: (k, e) => `{"${k}":${e},"data":{"phone":"+7 900 000-00-01"}}` },
    { url: `/api/v1/organisations/${h.orgId}/members/actions`, method: 'post', template: (k, e) => `{"action":"consents","memberIds":["${m}"],"consents":{"${k}":${e}}}` },
    { url: `/api/v1/organisations/${h.orgId}/documents/consents`, method: 'post', template: (k, e) => `{"${k}":${e},"memberIds":["${m}"]}` },
  ];
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: targets.length - 1 }), key, evil, async (ti, k, e) => {
      const target = targets[ti];
      const text = target.template(k, e);
      const before = await fingerprint(h);
      const res = await request(h.t.app)[target.method](target.url).set(auth(h.token)).set('Content-Type', 'application/json').send(text);
      c.add(res.status);
      assertNo5xx(res, `${target.url} with ${k}`);
      assertPrototypeClean(h);
      if (res.status >= 400) assert.deepEqual(await fingerprint(h), before, 'a rejected request changed the database');
    }),
    { seed, numRuns },
  );
  return strip(c.r);
}

/** Random passports: known and unknown keys, hostile values. */
export async function propPassport(h: FuzzHarness, numRuns: number, seed: number, into?: PropertyRun): Promise<PropertyRun> {
  const c = counter('passport: random fields and values', into);
  const keys = [...PASSPORT_FIELDS.map((f) => f.key), '__proto__', 'hacker', 'orgId', 'version'];
  const data = fc.dictionary(fc.constantFrom(...keys), cell, { maxKeys: 6 });
  const body = fc.oneof(fc.record({ version: fc.oneof(fc.integer(), fc.constant(undefined), hostileString), data }, { requiredKeys: ['data'] }), fc.anything({ maxDepth: 2 }));
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const before = await fingerprint(h);
      const res = await request(h.t.app).put(`/api/v1/organisations/${h.orgId}/passport`).set(auth(h.token)).set('Content-Type', 'application/json').send(json(b));
      c.add(res.status);
      assertNo5xx(res, 'passport');
      assertPrototypeClean(h);
      if (res.status >= 400) assert.deepEqual(await fingerprint(h), before, `a rejected passport (${res.status}) changed the database`);
      else for (const p of await select<{ org_id: number; registration_date: unknown }>(h, 'SELECT org_id, registration_date FROM passports')) assertIsoDate(p.registration_date, `passport ${p.org_id}: registration date`);
    }),
    { seed, numRuns },
  );
  return strip(c.r);
}

/** Every field of a «;»-separated CSV (RFC 4180 quoting), unquoted. */
function csvFields(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (; i < text.length; i++) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i++;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i];
      }
    }
    while (i < text.length && text[i] !== ';' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
    out.push(field);
    if (text[i] === '\r') i++;
    i++;
  }
  return out;
}

async function sheetXml(buf: Buffer): Promise<string[]> {
  const zip = await JSZip.loadAsync(buf);
  const names = Object.keys(zip.files).filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n));
  return Promise.all(names.map((n) => zip.file(n)!.async('string')));
}

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (d: Buffer) => chunks.push(d));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

/** Random bytes, broken zips and CSVs with hostile cells at the upload, checked and for real. */
export async function propUpload(h: FuzzHarness, numRuns: number, seed: number, into?: PropertyRun): Promise<PropertyRun> {
  const c = counter('upload: random bytes, broken workbooks, hostile CSV', into);
  const types = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream', 'application/json', 'text/plain; charset=windows-1251'];
  const zipLike = fc.uint8Array({ maxLength: 400 }).map((u) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(u)]));
  const header = 'Фамилия;Имя;Отчество;Дата рождения;Категория;Должность;СНИЛС';
  const csvRow = fc.tuple(hostileString, hostileString, fc.oneof(hostileString, fc.constant('Сергеевна')), fc.oneof(hostileString, fc.constant('01.02.1980')), fc.oneof(fc.constant('Работник'), hostileString), fc.oneof(fc.constantFrom(...FORMULAS), hostileString), fc.oneof(fc.constant(''), hostileString));
  const csvLike = fc.array(csvRow, { maxLength: 6 }).map((rows) => Buffer.from([header, ...rows.map((r) => r.map((v) => `"${v.replace(/"/g, '""')}"`).join(';'))].join('\r\n')));
  const validWithFormulas = fc.array(fc.constantFrom(...FORMULAS), { minLength: 1, maxLength: 3 }).map((fs) => {
    const lines = fs.map((f) => {
      const r = freshRow(h, 0).values;
      return [r.surname, r.name, r.patronymic, String(r.birthDate).split('-').reverse().join('.'), r.category, f, r.snils].map((v) => `"${String(v).replace(/"/g, '""')}"`).join(';');
    });
    return Buffer.from([header, ...lines].join('\r\n'));
  });
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)), zipLike, csvLike, validWithFormulas), fc.constantFrom(...types), fc.boolean(), async (bytes, type, dryRun) => {
      const before = await fingerprint(h);
      const res = await request(h.t.app)
        .post(`/api/v1/organisations/${h.orgId}/members/upload${dryRun ? '?dryRun=1' : ''}`)
        .set(auth(h.token))
        .set('Content-Type', type)
        .send(bytes)
        .buffer(true)
        .parse(binary);
      c.add(res.status);
      assert.ok(res.status < 500, `upload: ${res.status}`);
      assertPrototypeClean(h);
      if (res.status >= 400 || dryRun) {
        const after = await fingerprint(h);
        if (dryRun && res.status < 400) {
          // A check is a read of the register (issue 15): it adds its own audit rows and nothing else.
          const added = Number(after.audit_log.split(':')[0]) - Number(before.audit_log.split(':')[0]);
          const actions = added > 0 ? (await select<{ action: string }>(h, `SELECT action FROM audit_log ORDER BY id DESC LIMIT ${added}`)).map((r) => r.action) : [];
          assert.ok(actions.every((a) => a === 'members.dry_run' || a === 'members.looked_up_elsewhere'), `a check-only upload wrote audit rows ${actions.join(', ')}`);
          assert.deepEqual({ ...after, audit_log: '' }, { ...before, audit_log: '' }, 'an upload answered 200 (check only) changed the database');
          return;
        }
        assert.deepEqual(after, before, `an upload answered ${res.status} changed the database`);
        return;
      }
      // The annotated workbook sent back holds the uploaded cells: never as formulas.
      for (const xml of await sheetXml(res.body as Buffer)) assert.doesNotMatch(xml, /<(\w+:)?f[\s>]/, 'the workbook returned by the upload contains a formula');
    }),
    { seed, numRuns },
  );
  return strip(c.r);
}

/** Random document requests. */
export async function propDocuments(h: FuzzHarness, numRuns: number, seed: number, into?: PropertyRun): Promise<PropertyRun> {
  const c = counter('documents: random consent requests', into);
  const ids = (await select<{ id: string }>(h, `SELECT id FROM members WHERE primary_org_id = ${h.orgId} ORDER BY created_at, id LIMIT 5`)).map((r) => r.id);
  const body = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    // Well-formed requests: real, foreign-looking and broken ids, the right kinds.
    fc.record(
      {
        memberIds: fc.array(fc.oneof(fc.constantFrom(...ids), fc.uuid(), hostileString.map((x) => x.slice(0, 64))), { minLength: 1, maxLength: 3 }),
        kinds: fc.uniqueArray(fc.constantFrom(...CONSENT_KINDS.map((k) => k.code)), { minLength: 1, maxLength: 3 }),
        format: fc.constantFrom('docx', 'zip'),
      },
      { requiredKeys: ['memberIds'] },
    ),
    fc.record(
      {
        memberIds: fc.oneof(fc.array(fc.oneof(fc.constantFrom(...ids), fc.uuid(), hostileString), { maxLength: 3 }), cell),
        kinds: fc.oneof(fc.array(fc.oneof(fc.constantFrom(...CONSENT_KINDS.map((k) => k.code)), hostileString), { maxLength: 4 }), cell),
        format: fc.oneof(fc.constantFrom('docx', 'zip'), hostileString),
        allWithoutSignedConsents: fc.oneof(fc.boolean(), fc.constant('1')),
      },
      { requiredKeys: [] },
    ),
  );
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const before = await fingerprint(h);
      const res = await request(h.t.app).post(`/api/v1/organisations/${h.orgId}/documents/consents`).set(auth(h.token)).set('Content-Type', 'application/json').send(json(b));
      c.add(res.status);
      assertNo5xx(res, 'documents/consents');
      assertPrototypeClean(h);
      if (res.status >= 400) assert.deepEqual(await fingerprint(h), before, `a rejected document request (${res.status}) changed the database`);
    }),
    { seed, numRuns },
  );
  return strip(c.r);
}

export interface FormulaExportResult {
  /** Field × formula pairs pushed. */
  tried: number;
  /** Of those, refused at input (row error at that cell). */
  refused: number;
  /** Accepted and found neutralised in the CSV and as plain text (no formula) in the .xlsx. */
  neutralised: number;
}

/**
 * Formula-like text typed into every text column that goes back to Excel: either refused at input, or
 * exported as text — in the CSV with a leading apostrophe, in the .xlsx as a string cell (no formula
 * anywhere in the workbook).
 */
export async function formulaExport(h: FuzzHarness): Promise<FormulaExportResult> {
  const fields = ['surname', 'name', 'patronymic', 'position', 'address', 'idDocument', 'email', 'phone'];
  const out: FormulaExportResult = { tried: 0, refused: 0, neutralised: 0 };
  const accepted: string[] = [];
  let row = 2;
  const rows: { row: number; values: Record<string, unknown> }[] = [];
  const planned: { field: string; formula: string }[] = [];
  for (const field of fields) {
    for (const formula of FORMULAS) {
      const r = freshRow(h, row++);
      r.values[field] = formula;
      rows.push(r);
      planned.push({ field, formula });
    }
  }
  const res = await request(h.t.app).post(syncUrl(h)).set(auth(h.token)).send({ idempotencyKey: `formulas-${h.next++}`, rows });
  assert.equal(res.status, 200, `push of formula-like cells: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  (res.body.rows as { outcome: string; errors?: { field: string }[] }[]).forEach((r, i) => {
    out.tried++;
    if (r.outcome === 'error') {
      assert.ok(r.errors?.some((e) => e.field === planned[i].field), `row with a formula in ${planned[i].field} refused for another reason: ${JSON.stringify(r.errors)}`);
      out.refused++;
    } else {
      assert.equal(r.outcome, 'created');
      accepted.push(planned[i].formula);
    }
  });
  const csv = await request(h.t.app).get(`/api/v1/organisations/${h.orgId}/members/export.csv`).set(auth(h.token)).buffer(true).parse(binary);
  assert.equal(csv.status, 200);
  const text = (csv.body as Buffer).toString('utf8').replace(/^\uFEFF/, '');
  // Every field of every record: nothing a spreadsheet would take for a formula.
  for (const field of csvFields(text)) assert.doesNotMatch(field, /^[=+\-@\t\r]/, `CSV field starts like a formula: ${field.slice(0, 40)}`);
  const xlsx = await request(h.t.app).get(`/api/v1/organisations/${h.orgId}/members/export.xlsx`).set(auth(h.token)).buffer(true).parse(binary);
  assert.equal(xlsx.status, 200);
  const zip = await JSZip.loadAsync(xlsx.body as Buffer);
  for (const xml of await sheetXml(xlsx.body as Buffer)) assert.doesNotMatch(xml, /<(\w+:)?f[\s>]/, 'the exported workbook contains a formula cell');
  const unescape = (x: string) =>
    x.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_m, e: string) =>
      ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e.toLowerCase() as 'amp'] ?? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
    );
  // Text of the workbook: shared strings and inline strings (a formula would be an <f> element, refused above).
  const strings = unescape((await zip.file('xl/sharedStrings.xml')?.async('string')) ?? '') + unescape((await sheetXml(xlsx.body as Buffer)).join(''));
  const csvText = csvFields(text);
  for (const f of new Set(accepted)) {
    assert.ok(csvText.includes(`'${f}`), `CSV: ${f} not found neutralised`);
    assert.ok(strings.includes(`>${f}<`), `.xlsx: ${f} not found as a text cell`);
  }
  out.neutralised = accepted.length;
  assertPrototypeClean(h);
  return out;
}

/** Every property once, `scale` × the test's numbers of runs. */
export async function runAllFuzz(variant: DbVariant, scale: number, seed: number, log: (line: string) => void = () => undefined): Promise<{ runs: PropertyRun[]; formulas: FormulaExportResult }> {
  const h = await createFuzzHarness(variant);
  try {
    const runs: PropertyRun[] = [];
    for (const [name, prop, n] of [
      ['sync: random bodies and hostile rows', propSyncBodies, 300],
      ['sync: valid rows with hostile cells', propSyncDamagedSheets, 150],
      ['prototype-pollution keys in raw JSON', propPrototypeKeys, 100],
      ['passport: random fields and values', propPassport, 300],
      ['upload: random bytes, broken workbooks, hostile CSV', propUpload, 150],
      ['documents: random consent requests', propDocuments, 200],
    ] as const) {
      // After a failure the property goes on with the next seed (up to three failures), so that one
      // known bug does not hide the rest of the run.
      const target = Math.round(n * scale);
      const r: PropertyRun = { property: name, runs: 0, statuses: {} };
      const failures: string[] = [];
      for (let attempt = 0; r.runs < target && failures.length < 3; attempt++) {
        try {
          await prop(h, target - r.runs, seed + attempt, r);
        } catch (err) {
          failures.push((err as Error).message.split('\n').filter((l) => /Counterexample|failed after|Error/.test(l)).slice(0, 4).join('\n'));
        }
      }
      if (failures.length) r.failure = failures.join('\n---\n');
      log(`${variant}: ${r.property}: ${r.runs} inputs, answers ${JSON.stringify(r.statuses)}${r.failure ? `\n  FAILED ${failures.length}×:\n${r.failure}` : ''}`);
      runs.push(r);
    }
    const formulas = await formulaExport(h);
    return { runs, formulas };
  } finally {
    await h.close();
  }
}
