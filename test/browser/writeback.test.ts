/**
 * Write-back by identity (issue 14, item 2) in the built pane, with the real server: the chair sorts
 * the table while a push is in flight, deletes a row before «Повторить», inserts rows above during a
 * push. The fake Excel does what the chair does at the moment the server's answer is on its way
 * (the route of POST …/members/sync holds the answer), so the pane writes its results into a table
 * that no longer looks as it did when it was read. Each test ends with every id on its own person,
 * checked in the sheet and in the database: no member holds another person's data.
 */
import type { Route } from 'playwright-core';
import { MEMBER_COLUMNS, RESULT_HEADER } from '../../domain/members/columns';
import { inventPeople, peopleAsSheetRows } from '../../server/services/members/demo-members';
import { browserSuite, chromiumOrSkip, routeOffice, screenshot } from './harness';
import { fake, pasteRows, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const TABLE = 'ЧленыПрофсоюза';
const SYNC = '**/api/v1/organisations/*/members/sync';
const col = (key: string): number => MEMBER_COLUMNS.findIndex((c) => c.key === key);
const ID = col('id');
const RESULT = MEMBER_COLUMNS.length;

interface Person {
  surname: string;
  name: string;
  snils: string;
}

describeBrowser('write-back by identity: sort, delete, insert around a push', () => {
  const s = browserSuite(chromium!, { preparePage: (page, base) => routeOffice(page, base) });

  /** `n` invented people pasted into a new member sheet of the demo school. */
  async function sheetWithPeople(n: number, seed: number, snilsFrom: number): Promise<Person[]> {
    const people = peopleAsSheetRows(inventPeople(n, { seed, snilsFrom, year: 2026 }));
    const grid = people.map((p) => MEMBER_COLUMNS.map((c) => String((p as Record<string, unknown>)[c.key] ?? '')));
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, grid);
    return grid.map((r) => ({ surname: r[col('surname')], name: r[col('name')], snils: r[col('snils')] }));
  }

  const body = () => fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);

  /** The registry's record of each id (СНИЛС as stored: 11 digits). */
  async function registry(ids: string[]): Promise<Map<string, { surname: string; name: string; snils: string }>> {
    if (ids.length === 0) return new Map();
    const list = ids.map((id) => `'${id.replace(/'/g, '')}'`).join(',');
    const [rows] = (await s.server.test.ctx.db.sequelize.query(`SELECT id, surname, name, snils FROM members WHERE id IN (${list})`)) as [{ id: string; surname: string; name: string; snils: string }[], unknown];
    return new Map(rows.map((r) => [String(r.id), r]));
  }

  const digits = (v: unknown) => String(v ?? '').replace(/\D/g, '');

  /**
   * Every sheet row with an id holds the person the registry has under that id (same СНИЛС, surname
   * and name), no id stands on two rows, and every person of `expected` is in the registry once.
   */
  async function expectEveryIdOnItsOwnPerson(expected: Person[]): Promise<void> {
    const rows = await body();
    const withId = rows.filter((r) => String(r[ID]) !== '');
    const ids = withId.map((r) => String(r[ID]));
    expect(new Set(ids).size).toBe(ids.length);
    const reg = await registry(ids);
    for (const r of withId) {
      const m = reg.get(String(r[ID]));
      expect(m).toBeDefined();
      expect({ surname: m!.surname, name: m!.name, snils: digits(m!.snils) }).toEqual({ surname: r[col('surname')], name: r[col('name')], snils: digits(r[col('snils')]) });
    }
    // the database: each expected person exactly once, with their own data
    const snils = expected.map((p) => `'${digits(p.snils)}'`).join(',');
    const [inDb] = (await s.server.test.ctx.db.sequelize.query(`SELECT surname, name, snils FROM members WHERE snils IN (${snils})`)) as [{ surname: string; name: string; snils: string }[], unknown];
    expect(inDb).toHaveLength(expected.length);
    const bySnils = new Map(inDb.map((m) => [digits(m.snils), m]));
    for (const p of expected) expect(bySnils.get(digits(p.snils))).toMatchObject({ surname: p.surname, name: p.name });
  }

  /** Holds the first answer of POST …/members/sync until `meanwhile` (the chair's action) is done. */
  async function duringFirstPush(meanwhile: () => Promise<void>): Promise<void> {
    let n = 0;
    await s.page.route(SYNC, async (route: Route) => {
      n++;
      if (n > 1) return route.continue();
      const answer = await route.fetch(); // the server did its work; the answer is on its way
      await meanwhile();
      await route.fulfill({ response: answer });
    });
  }

  it('the chair sorts the table while the push runs: every id lands on its own person', async () => {
    const people = await sheetWithPeople(12, 7101, 610_000);
    const before = await body();
    await duringFirstPush(() => fake(s.page, `x.sortTable('${TABLE}', (a, b) => String(b[0]).localeCompare(String(a[0]), 'ru') || String(b[1]).localeCompare(String(a[1]), 'ru'))`));
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    await s.page.unroute(SYNC);
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Готово: реестр принял 12 строк/);
    expect(await s.page.locator('[data-test=push-lost]').count()).toBe(0);
    const after = await body();
    // really sorted (the order changed), and every row got its result
    expect(after.map((r) => r[0])).not.toEqual(before.map((r) => r[0]));
    expect(after.every((r) => r[RESULT] === 'Добавлен')).toBe(true);
    await expectEveryIdOnItsOwnPerson(people);

    // The next push finds nothing changed: no member is overwritten with a neighbour's data.
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Не изменились с прошлой отправки и не отправлялись: 12/);
    await expectEveryIdOnItsOwnPerson(people);
  });

  it('a row deleted before «Повторить»: its person is reported, nothing is written over another row', async () => {
    const people = await sheetWithPeople(6, 7202, 620_000);
    // The first request reaches the server (the members are created) but the pane gets a 500.
    let n = 0;
    await s.page.route(SYNC, async (route: Route) => {
      n++;
      if (n > 1) return route.continue();
      await route.fetch();
      await route.fulfill({ status: 500, contentType: 'application/problem+json', body: JSON.stringify({ type: '/problems/internal', title: 'Внутренняя ошибка сервера', status: 500, detail: 'Внутренняя ошибка сервера. Попробуйте ещё раз.' }) });
    });
    s.watch.expectHttpError(500, /\/members\/sync$/);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=failure]').waitFor();
    // The chair deletes the third person's row (sheet row 4), then presses «Повторить».
    const gone = people[2];
    await fake(s.page, `x.deleteTableRows('${TABLE}', 4)`);
    await s.page.click('[data-test=failure] [data-test=retry]');
    await s.page.locator('[data-test=push-result]').waitFor();
    await s.page.unroute(SYNC);
    const lost = await s.page.textContent('[data-test=push-lost]');
    expect(lost).toContain(`${gone.surname} ${gone.name}`);
    expect(lost).toMatch(/была строка 4\): строка удалена с листа, пока шла отправка; на лист ничего не записано\. Реестр её принял/);
    await screenshot(s.page, 'writeback-deleted-before-retry');
    const rows = await body();
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r[col('surname')])).not.toContain(gone.surname === people[0].surname ? '__none__' : gone.surname);
    expect(rows.every((r) => String(r[ID]) !== '' && r[RESULT] === 'Добавлен')).toBe(true);
    // all six are in the registry (the server accepted the deleted row too), each with their own data
    await expectEveryIdOnItsOwnPerson(people);
  });

  it('rows inserted above during a push shift nothing wrongly', async () => {
    const people = await sheetWithPeople(5, 7303, 630_000);
    const width = (await fake<string[]>(s.page, `x.table('${TABLE}').headers`)).length;
    expect((await fake<string[]>(s.page, `x.table('${TABLE}').headers`)).slice(RESULT)).toEqual([RESULT_HEADER, 'Ключ строки']);
    const newcomer = (surname: string) => {
      const r: string[] = new Array(width).fill('');
      r[col('surname')] = surname;
      r[col('name')] = 'Вставленная';
      return r;
    };
    await duringFirstPush(() => fake(s.page, `x.insertTableRows('${TABLE}', 2, ${JSON.stringify([newcomer('Вставкина'), newcomer('Новикова')])})`));
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    await s.page.unroute(SYNC);
    const rows = await body();
    expect(rows).toHaveLength(7);
    // the two inserted rows are untouched: no id, no result
    expect(rows.slice(0, 2).map((r) => [r[col('surname')], r[ID], r[RESULT]])).toEqual([
      ['Вставкина', '', ''],
      ['Новикова', '', ''],
    ]);
    expect(rows.slice(2).every((r) => String(r[ID]) !== '' && r[RESULT] === 'Добавлен')).toBe(true);
    await expectEveryIdOnItsOwnPerson(people);
  });
});
