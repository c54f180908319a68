/**
 * Ordering ЭПБ on a filtered table (issue 14, item 3): each card costs money, so when the chair's
 * selection covers rows a filter hides, the pane asks first — how many visible rows are included and
 * how many hidden ones are left out — and orders only the visible ones.
 */
import { browserSuite, chromiumOrSkip, screenshot } from './harness';
import { colOf, fake, pasteRows, routeOfficeExtra, sheetRow, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;
const SHEET = 'Члены профсоюза';
const TABLE = 'ЧленыПрофсоюза';

const ready = { sex: 'Ж', category: 'Работник', consentUnion: 'Дано', consentUnionDate: '01.09.2026', consentOperator: 'Дано', consentOperatorDate: '01.09.2026' } as const;
const LIST = [
  sheetRow({ ...ready, surname: 'Заказова', name: 'Алла', birthDate: '01.01.1981', phone: '+7 912 700-20-01', position: 'Учитель' }),
  sheetRow({ ...ready, surname: 'Фильтрова', name: 'Белла', birthDate: '02.02.1982', phone: '+7 912 700-20-02', position: 'Повар' }),
  sheetRow({ ...ready, surname: 'Картова', name: 'Вера', birthDate: '03.03.1983', phone: '+7 912 700-20-03', position: 'Учитель' }),
];

describeBrowser('ordering ЭПБ on a filtered table', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });
  const db = async <T>(sql: string): Promise<T[]> => ((await s.server.test.ctx.db.sequelize.query(sql)) as [T[], unknown])[0];

  it('the pane asks first, names the hidden row left out, and orders only the visible ones', async () => {
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, LIST);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    const ids = (await fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`)).map((r) => String(r[colOf('id')]));

    await fake(s.page, `x.filterTable('${TABLE}', (v) => v[${colOf('position')}] === 'Учитель')`);
    await fake(s.page, `x.setSelection('${SHEET}', 'A2:B4')`);
    await s.page.click('[data-test=tab-cards]');
    await s.page.locator('[data-view=cards] [data-test=order]').waitFor();
    await s.page.click('[data-test=order]');
    await s.page.locator('[data-test=order-confirm]').waitFor();
    const confirm = await s.page.textContent('[data-test=order-confirm]');
    expect(confirm).toMatch(/Заказать ЭПБ: 2 члена Профсоюза\?/);
    expect(confirm).toMatch(/Учтены только видимые выделенные строки: 2\. Скрытых фильтром строк не учтено: 1/);
    await screenshot(s.page, 'f-01-order-filtered-confirm');
    // nothing ordered before «Заказать»
    expect(await db(`SELECT id FROM members WHERE card_status IS NOT NULL AND id IN ('${ids.join("','")}')`)).toEqual([]);

    await s.page.click('[data-test=confirm-order]');
    await s.page.locator('[data-test=order-result]').waitFor();
    expect(await s.page.textContent('[data-test=order-result]')).toMatch(/оформлена: 2 билета/);
    const rows = await db<{ id: string; card_status: string | null }>(`SELECT id, card_status FROM members WHERE id IN ('${ids.join("','")}')`);
    const status = new Map(rows.map((r) => [String(r.id), r.card_status]));
    expect(ids.map((id) => status.get(id) !== null)).toEqual([true, false, true]);
  });
});
