/**
 * «Снять с учёта» on the «Члены» tab (headless Chromium, fake Excel, the real server on a fresh SQLite
 * file): a chair pushes a list, selects two rows and deregisters them with a reason from the register's
 * list. Asked once more first; then the register has them deregistered with the date, reason and
 * comment and their cards blocked, and the rows say so. Pressing again changes nothing. A row never
 * sent is not on the register: the pane says to delete it. Screenshots: artifacts/screenshots/d-*.png.
 */
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { browserSuite, chromiumOrSkip, screenshot } from './harness';
import { colOf, fake, pasteRows, routeOfficeExtra, sheetRow, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const SHEET = 'Члены профсоюза';
const TABLE = 'ЧленыПрофсоюза';
const RESULT = MEMBER_COLUMNS.length;

const LIST = [
  sheetRow({ surname: 'Уходова', name: 'Дарья', patronymic: 'Павловна', sex: 'Ж', birthDate: '02.02.1982', category: 'Работник' }),
  sheetRow({ surname: 'Выпускников', name: 'Степан', patronymic: 'Ильич', sex: 'М', birthDate: '05.05.2004', category: 'Обучающийся' }),
  sheetRow({ surname: 'Остающаяся', name: 'Вера', patronymic: 'Андреевна', sex: 'Ж', birthDate: '07.07.1977', category: 'Работник' }),
];

describeBrowser('«Снять с учёта» in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });
  const db = async <T>(sql: string): Promise<T[]> => ((await s.server.test.ctx.db.sequelize.query(sql)) as [T[], unknown])[0];
  const body = () => fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);

  it('two selected rows deregistered with a reason, date and comment; their cards blocked; a second press changes nothing', async () => {
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, LIST);

    // Rows never sent have no place on the register: the pane says to delete them.
    await s.page.locator('[data-test=deregister]').waitFor();
    await fake(s.page, `x.setSelection('${SHEET}', 'A2')`);
    await s.page.click('[data-test=deregister]');
    await s.page.locator('[data-test=deregister-nothing]').waitFor();
    expect(await s.page.textContent('[data-test=deregister-nothing]')).toMatch(/Выделенные строки \(2\) ещё не отправлены в реестр: их нет на учёте — просто удалите их с листа/);

    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    const ids = (await body()).map((r) => String(r[colOf('id')]));
    expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);

    // The reasons come from the register; nothing happens before the second «yes».
    await s.page.locator('[data-test=deregister-reason] option[value=graduated]').waitFor({ state: 'attached' });
    await fake(s.page, `x.setSelection('${SHEET}', 'A2:C3')`);
    await s.page.selectOption('[data-test=deregister-reason]', 'graduated');
    await s.page.fill('[data-test=deregister-date]', '2026-11-20');
    await s.page.fill('[data-test=deregister-comment]', 'Приказ № 15-к');
    await s.page.click('[data-test=deregister]');
    await s.page.locator('[data-test=deregister-confirm]').waitFor();
    expect(await s.page.textContent('[data-test=deregister-confirm]')).toMatch(/Снять с учёта: 2 члена Профсоюза\?.*Уходова Дарья Павловна, Выпускников Степан Ильич\. Причина: Окончание обучения, дата 20\.11\.2026/s);
    await screenshot(s.page, 'd-01-deregister-confirm');
    // (This test's members only: the other test of this file may have deregistered others first.)
    expect(await db(`SELECT id FROM members WHERE deregistered_at IS NOT NULL AND id IN ('${ids.join("','")}')`)).toEqual([]);

    await s.page.click('[data-test=confirm-deregister]');
    await s.page.locator('[data-test=deregistered]').waitFor();
    expect(await s.page.textContent('[data-test=deregistered]')).toMatch(/Снято с учёта: 2 члена Профсоюза/);
    await screenshot(s.page, 'd-02-deregistered');
    const rows = await db<{ id: string; deregistered_at: string; deregistration_reason: string; deregistration_comment: string; card_status: string }>(
      `SELECT id, deregistered_at, deregistration_reason, deregistration_comment, card_status FROM members WHERE id IN ('${ids.join("','")}') ORDER BY surname`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids.slice(0, 2)) {
      expect(byId.get(id)).toMatchObject({ deregistration_reason: 'graduated', deregistration_comment: 'Приказ № 15-к', card_status: 'blocked' });
      expect(String(byId.get(id)!.deregistered_at)).toMatch(/^2026-11-20/);
    }
    expect(byId.get(ids[2])).toMatchObject({ deregistered_at: null, card_status: null });
    const sheet = await body();
    expect(sheet.slice(0, 2).map((r) => r[RESULT])).toEqual([
      'Снят(а) с учёта 20.11.2026: Окончание обучения — строку можно удалить с листа',
      'Снят(а) с учёта 20.11.2026: Окончание обучения — строку можно удалить с листа',
    ]);
    expect(sheet.slice(0, 2).map((r) => r[colOf('cardStatus')])).toEqual(['Заблокирован', 'Заблокирован']);
    expect(sheet[2][RESULT]).not.toMatch(/Снят/);

    // Again (a second click, a retried answer): nothing more happens, nobody is reported as failed.
    for (const id of ids.slice(0, 2)) s.watch.expectHttpError(409, new RegExp(`/members/${id}/deregister$`));
    await s.page.click('[data-test=deregister]');
    await s.page.click('[data-test=confirm-deregister]');
    await s.page.locator('[data-test=deregistered]').waitFor();
    expect(await s.page.locator('[data-test=deregister-errors]').count()).toBe(0);
    expect(Number((await db<{ n: number | string }>(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'member.deregistered' AND entity_id IN ('${ids.join("','")}')`))[0].n)).toBe(2);

  });

  it('a filtered table: only the visible selected rows are deregistered; the confirmation counts the hidden ones left out', async () => {
    const people = [
      sheetRow({ surname: 'Видимова', name: 'Анна', birthDate: '01.01.1981', category: 'Работник', position: 'Учитель' }),
      sheetRow({ surname: 'Скрытова', name: 'Бела', birthDate: '02.02.1982', category: 'Работник', position: 'Повар' }),
      sheetRow({ surname: 'Виднова', name: 'Вера', birthDate: '03.03.1983', category: 'Работник', position: 'Учитель' }),
      sheetRow({ surname: 'Прятова', name: 'Галина', birthDate: '04.04.1984', category: 'Работник', position: 'Повар' }),
    ];
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, people);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    const ids = (await body()).map((r) => String(r[colOf('id')]));

    // The chair filters «Должность» = «Учитель» and drags over the block A2:C5 (Excel selects the hidden rows too).
    await fake(s.page, `x.filterTable('${TABLE}', (v) => v[${colOf('position')}] === 'Учитель')`);
    await fake(s.page, `x.setSelection('${SHEET}', 'A2:C5')`);
    await s.page.locator('[data-test=deregister-reason] option[value=graduated]').waitFor({ state: 'attached' });
    await s.page.selectOption('[data-test=deregister-reason]', 'graduated');
    await s.page.fill('[data-test=deregister-date]', '2026-11-20');
    await s.page.click('[data-test=deregister]');
    await s.page.locator('[data-test=deregister-confirm]').waitFor();
    const confirm = await s.page.textContent('[data-test=deregister-confirm]');
    expect(confirm).toMatch(/Снять с учёта: 2 члена Профсоюза\?/);
    expect(confirm).toMatch(/Видимова Анна, Виднова Вера\./);
    expect(confirm).toMatch(/Учтены только видимые выделенные строки: 2\. Скрытых фильтром строк не учтено: 2/);
    expect(confirm).not.toMatch(/Скрытова|Прятова/);
    await screenshot(s.page, 'd-03-deregister-filtered-confirm');
    await s.page.click('[data-test=confirm-deregister]');
    await s.page.locator('[data-test=deregistered]').waitFor();
    const rows = await db<{ id: string; deregistered_at: string | null }>(`SELECT id, deregistered_at FROM members WHERE id IN ('${ids.join("','")}')`);
    const gone = new Map(rows.map((r) => [r.id, r.deregistered_at !== null]));
    expect(ids.map((id) => gone.get(id))).toEqual([true, false, true, false]);

    // Everything selected is hidden: nothing happens, and the pane says why.
    await fake(s.page, `x.setSelection('${SHEET}', 'A3')`);
    await s.page.click('[data-test=deregister]');
    await s.page.locator('[data-test=deregister-nothing]').waitFor();
    expect(await s.page.textContent('[data-test=deregister-nothing]')).toMatch(/Все выделенные строки с членами Профсоюза \(1\) скрыты фильтром/);
  });
});
