/**
 * The card transition table is configuration (config/card-transitions.json, CARD_TRANSITIONS_FILE):
 * the file is checked at start, and every way a status changes — the sheet's «Статус ЭПБ» column, the
 * action on selected rows, the delivery list — follows the table the server was started with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { DEFAULT_CARD_TRANSITIONS, cardTransitionProblem, type CardTransition } from '../../../domain/cards';
import { labelForCode, CARD_STATUSES, type CardStatus } from '../../../domain/members/codes';
import { loadConfig } from '../../config';
import { auth, startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { seedMembers } from './test-fixtures';
import { DEFAULT_CARD_TRANSITIONS_PATH, loadCardTransitions, parseCardTransitions } from './transitions';

const defaultFile = () => JSON.parse(fs.readFileSync(DEFAULT_CARD_TRANSITIONS_PATH, 'utf8')) as { transitions: CardTransition[] };

describe('the transition table file', () => {
  test('the file shipped is the domain default, transition for transition', () => {
    expect(loadCardTransitions()).toEqual(DEFAULT_CARD_TRANSITIONS);
  });

  test.each<[string, (t: CardTransition[]) => unknown, RegExp]>([
    ['an unknown status', (t) => [...t, { from: 'sent', to: 'delivered', via: ['import'] }], /transitions\.\d+\.to/],
    ['an unknown channel', (t) => [...t, { from: 'sent', to: 'issued', via: ['mail'] }], /transitions\.\d+\.via\.0/],
    ['a move to the same status', (t) => [...t, { from: 'sent', to: 'sent', via: ['import'] }], /from and to are both "sent"/],
    ['a pair listed twice', (t) => [...t, { from: 'ordered', to: 'produced', via: ['sheet'] }], /ordered→produced is listed twice/],
    ['no channel', (t) => [...t, { from: 'sent', to: 'issued', via: [] }], /transitions\.\d+\.via/],
    ['an unknown key', (t) => [...t, { from: 'sent', to: 'issued', via: ['sheet'], note: 'x' }], /transitions\.\d+/],
    ['deregistration cannot block an issued card', (t) => t.filter((x) => !(x.from === 'issued' && x.to === 'blocked')), /issued→blocked via system is required/],
    ['re-registration cannot unblock', (t) => t.filter((x) => x.from !== 'blocked'), /blocked→not_ordered via system is required/],
  ])('refused: %s', (_what, change, message) => {
    const file = defaultFile();
    expect(() => parseCardTransitions({ transitions: change(file.transitions) }, 'test.json')).toThrow(message);
    expect(() => parseCardTransitions({ transitions: change(file.transitions) }, 'test.json')).toThrow(/^test\.json is invalid: /);
  });

  test('CARD_TRANSITIONS_FILE names another file: the server starts with it; a broken file stops the start with its name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-transitions-'));
    try {
      const custom = path.join(dir, 'cards.json');
      const file = defaultFile();
      fs.writeFileSync(custom, JSON.stringify({ transitions: [...file.transitions, { from: 'sent', to: 'issued', via: ['sheet'] }] }));
      const config = loadConfig({ CARD_TRANSITIONS_FILE: custom, DEMO: '0' });
      expect(config.cardTransitions).toContainEqual({ from: 'sent', to: 'issued', via: ['sheet'] });
      expect(config.cardTransitions).toHaveLength(DEFAULT_CARD_TRANSITIONS.length + 1);

      fs.writeFileSync(custom, '{ "transitions": [');
      expect(() => loadConfig({ CARD_TRANSITIONS_FILE: custom })).toThrow(new RegExp(`cannot read the card transitions from ${custom.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(() => loadConfig({ CARD_TRANSITIONS_FILE: path.join(dir, 'missing.json') })).toThrow(/missing\.json/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

const label = (s: CardStatus) => labelForCode(CARD_STATUSES, s);

describe.each(dbVariants())('the server follows its configured table (%s)', (variant) => {
  /**
   * A region that skips «Получен организацией»: a card sent to the region is issued straight from the
   * sheet, and «Получен» → «Выдан» is no longer a move the sheet may make.
   */
  const REGIONAL: readonly CardTransition[] = [
    ...DEFAULT_CARD_TRANSITIONS.filter((t) => !(t.from === 'received' && t.to === 'issued')),
    { from: 'sent', to: 'issued', via: ['sheet'] },
  ];
  let seq = 0;
  let byDefault: TestApp;
  let regional: TestApp;
  beforeAll(async () => {
    byDefault = await startTestApp(variant);
    regional = await startTestApp(variant, { cardTransitions: REGIONAL });
  });
  afterAll(async () => {
    await byDefault.close();
    await regional.close();
  });

  /** Members in the demo school, pulled as the sheet shows them. */
  async function pulled(t: TestApp, statuses: CardStatus[], statusAt = '2026-11-02T00:00:00.000Z') {
    const school = t.demo.orgIds.school;
    seq += statuses.length;
    const ids = await seedMembers(
      t.ctx,
      statuses.map((cardStatus, i) => ({ orgId: school, cardStatus, cardStatusAt: statusAt, surname: 'Переходова', birthDate: `1980-01-${String(1 + ((seq + i) % 28)).padStart(2, '0')}`, name: ['Анна', 'Вера', 'Нина', 'Ольга'][(seq + i) % 4] })),
    );
    const token = await t.token('school');
    const page = await request(t.app).get(`/api/v1/organisations/${school}/members?limit=1000`).set(auth(token));
    expect(page.status).toBe(200);
    const items = ids.map((id) => page.body.items.find((m: { id: string }) => m.id === id) as { id: string; version: number; cells: Record<string, string | null> });
    return { school, token, ids, items };
  }

  const pushStatus = (t: TestApp, p: Awaited<ReturnType<typeof pulled>>, to: CardStatus[]) =>
    request(t.app)
      .post(`/api/v1/organisations/${p.school}/members/sync`)
      .set(auth(p.token))
      .send({ idempotencyKey: `transitions-${Math.random()}`, rows: p.items.map((m, i) => ({ row: i + 2, id: m.id, version: m.version, values: { ...m.cells, cardStatus: label(to[i]) } })) });

  const card = async (t: TestApp, token: string, id: string) => (await request(t.app).get(`/api/v1/members/${id}`).set(auth(token))).body;

  test('default table, the sheet column: «Получен» → «Выдан» is written with its history; «Отправлен» → «Выдан» is an error at the cell', async () => {
    const p = await pulled(byDefault, ['received', 'sent']);
    const res = await pushStatus(byDefault, p, ['issued', 'issued']);
    expect(res.status).toBe(200);
    expect(res.body.rows[0]).toMatchObject({ row: 2, outcome: 'updated', version: p.items[0].version + 1 });
    expect(res.body.rows[1]).toMatchObject({ row: 3, outcome: 'error', errors: [{ field: 'cardStatus', message: `Строка 3. ${cardTransitionProblem('sent', 'issued', 'sheet')}` }] });
    const issued = await card(byDefault, p.token, p.ids[0]);
    expect(issued).toMatchObject({ data: { cardStatus: 'issued' }, cardStatusAt: byDefault.clock.now.toISOString() });
    expect(issued.cardHistory.at(-1)).toMatchObject({ fromStatus: 'received', toStatus: 'issued', via: 'sheet', at: byDefault.clock.now.toISOString(), userId: expect.any(Number) });
    expect((await card(byDefault, p.token, p.ids[1])).data.cardStatus).toBe('sent');
  });

  test('default table, the action on selected rows: a date before the current status is refused, like the delivery list', async () => {
    const p = await pulled(byDefault, ['received', 'received'], '2026-11-10T00:00:00.000Z');
    const act = (ids: string[], date: string) =>
      request(byDefault.app).post(`/api/v1/organisations/${p.school}/members/actions`).set(auth(p.token)).send({ action: 'card_status', memberIds: ids, status: 'issued', date });
    const early = await act([p.ids[0]], '2026-11-09');
    expect(early.body.results).toEqual([
      { memberId: p.ids[0], outcome: 'error', message: 'Дата статуса «Выдан» (09.11.2026) раньше даты текущего статуса «Получен организацией» (10.11.2026). Проверьте дату.' },
    ]);
    expect((await card(byDefault, p.token, p.ids[0])).data.cardStatus).toBe('received');
    const sameDay = await act([p.ids[1]], '2026-11-10');
    expect(sameDay.body.results).toEqual([{ memberId: p.ids[1], outcome: 'updated', version: p.items[1].version + 1 }]);
  });

  test('configured table: the sheet and the action follow it — «Отправлен» → «Выдан» allowed, «Получен» → «Выдан» refused with what is possible', async () => {
    const p = await pulled(regional, ['sent', 'received', 'sent']);
    const res = await pushStatus(regional, p, ['issued', 'issued', 'sent']);
    expect(res.body.rows.map((r: { outcome: string }) => r.outcome)).toEqual(['updated', 'error', 'unchanged']);
    expect(res.body.rows[1].errors[0].message).toBe(`Строка 3. ${cardTransitionProblem('received', 'issued', 'sheet', REGIONAL)}`);
    expect(res.body.rows[1].errors[0].message).toMatch(/можно перейти только в «Утерян или повреждён»/);
    expect((await card(regional, p.token, p.ids[0])).cardHistory.at(-1)).toMatchObject({ fromStatus: 'sent', toStatus: 'issued', via: 'sheet' });

    const act = await request(regional.app)
      .post(`/api/v1/organisations/${p.school}/members/actions`)
      .set(auth(p.token))
      .send({ action: 'card_status', memberIds: [p.ids[1], p.ids[2]], status: 'issued' });
    expect(act.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['error', 'updated']);
    expect((await card(regional, p.token, p.ids[1])).data.cardStatus).toBe('received');
  });
});
