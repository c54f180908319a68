/**
 * «Перевод в другую ППО» on the «Члены» tab (headless Chromium, fake Excel, the real server on a fresh
 * SQLite file): the school's chair finds the kindergarten by name and asks to transfer a selected
 * member; the member stays at the school until the receiving side accepts. The territorial chair,
 * working in the kindergarten, sees the incoming transfer and accepts it; the member is then the
 * kindergarten's. Screenshots: artifacts/screenshots/t-*.png.
 */
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { browserSuite, chromiumOrSkip, screenshot } from './harness';
import { colOf, fake, pasteRows, routeOfficeExtra, sheetRow, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const SHEET = 'Члены профсоюза';
const TABLE = 'ЧленыПрофсоюза';
const RESULT = MEMBER_COLUMNS.length;

describeBrowser('«Перевод в другую ППО» in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });
  const db = async <T>(sql: string): Promise<T[]> => ((await s.server.test.ctx.db.sequelize.query(sql)) as [T[], unknown])[0];
  const body = () => fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);

  it('asked by the school for a selected row, accepted on the kindergarten side; the member moves only then', async () => {
    const { school, kindergarten } = s.server.test.demo.orgIds;
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, [
      sheetRow({ surname: 'Переходова', name: 'Ирина', patronymic: 'Сергеевна', sex: 'Ж', birthDate: '09.09.1989', category: 'Работник' }),
      sheetRow({ surname: 'Остаётся', name: 'Пётр', patronymic: 'Ильич', sex: 'М', birthDate: '10.10.1970', category: 'Работник' }),
    ]);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    const [movingId, stayingId] = (await body()).map((r) => String(r[colOf('id')]));

    // Where to: found by name, case and ё aside.
    await s.page.locator('[data-test=transfer-search]').waitFor();
    await s.page.fill('[data-test=transfer-search]', 'детский САД 5');
    await s.page.click('[data-test=transfer-find]');
    await s.page.locator(`[data-test=found-${kindergarten}]`).waitFor();
    expect(await s.page.textContent(`[data-test=found-${kindergarten}]`)).toMatch(/Детский сад № 5.*Демонстрационная районная организация Профсоюза/);
    // Issue 15: what tells namesakes apart — the territorial organisation and the chair's initials only (no passport ИНН here yet).
    expect(await s.page.textContent(`[data-test=found-${kindergarten}] [data-test=found-details]`)).toBe('Демонстрационная районная организация Профсоюза · председатель Ф. А. И.');
    await s.page.locator(`[data-test=found-${kindergarten}] [data-test=choose-target]`).click();
    expect(await s.page.textContent('[data-test=transfer-target]')).toMatch(/Куда: ППО МБДОУ «Детский сад № 5 «Солнышко»/);

    await fake(s.page, `x.setSelection('${SHEET}', 'B2')`);
    await s.page.click('[data-test=transfer]');
    await s.page.locator('[data-test=transfer-confirm]').waitFor();
    expect(await s.page.textContent('[data-test=transfer-confirm]')).toMatch(/Перевести в «ППО МБДОУ «Детский сад № 5 «Солнышко»»: 1 член Профсоюза\?.*Переходова Ирина Сергеевна/s);
    await s.page.click('[data-test=confirm-transfer]');
    await s.page.locator('[data-test=transfer-requested]').waitFor();
    await screenshot(s.page, 't-01-transfer-requested');
    expect((await body())[0][RESULT]).toBe('Оформлен перевод в «ППО МБДОУ «Детский сад № 5 «Солнышко»» — ждёт решения этой ППО');
    expect(await db(`SELECT member_id, status FROM member_transfers`)).toEqual([{ member_id: movingId, status: 'pending' }]);
    expect(await db(`SELECT primary_org_id FROM members WHERE id = '${movingId}'`)).toEqual([{ primary_org_id: school }]);

    // Again for the same row (a second click, or «Повторить» after a lost answer): it is waiting, as wanted.
    s.watch.expectHttpError(409, new RegExp(`/members/${movingId}/transfers$`));
    await s.page.click('[data-test=transfer]');
    await s.page.click('[data-test=confirm-transfer]');
    await s.page.locator('[data-test=transfer-requested]').waitFor();
    expect(await s.page.textContent('[data-test=transfer-requested]')).toMatch(/Перевод оформлен: 1 член Профсоюза/);
    expect(await s.page.locator('[data-test=transfer-errors]').count()).toBe(0);
    expect(await db(`SELECT member_id, status FROM member_transfers`)).toEqual([{ member_id: movingId, status: 'pending' }]);

    await s.page.click('[data-test=transfer-lists-load]');
    await s.page.locator('[data-test=transfers-outgoing]').waitFor();
    expect(await s.page.textContent('[data-test=transfer-lists-summary]')).toMatch(/входящих 0, исходящих 1/);

    // The receiving side: the territorial chair works in the kindergarten and accepts.
    await s.page.click('[data-test=sign-out]');
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await signIn(s.page, s.server.base, 'territory');
    await s.page.locator('[data-view=organisations] [data-test=org-list] [data-test^=org-]').first().waitFor();
    await s.page.locator('[data-test=org-list] li', { hasText: 'Детский сад № 5' }).locator('[data-test=choose]').click();
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.locator('[data-test=transfer-lists-load]').click();
    await s.page.locator('[data-test=transfers-incoming]').waitFor();
    expect(await s.page.textContent('[data-test=transfers-incoming]')).toMatch(/Переходова Ирина Сергеевна, 09\.09\.1989.*Из «ППО МБОУ «Средняя школа № 1»»/s);
    await s.page.click('[data-test=transfers-incoming] [data-test=accept-transfer]');
    await s.page.locator('[data-test=transfer-decision]').waitFor();
    await screenshot(s.page, 't-02-transfer-accepted');
    expect(await s.page.textContent('[data-test=transfer-decision]')).toMatch(/Перевод принят: Переходова Ирина Сергеевна.*Загрузить из реестра/s);
    expect(await db(`SELECT status FROM member_transfers`)).toEqual([{ status: 'accepted' }]);
    expect(await db(`SELECT id, primary_org_id FROM members WHERE id IN ('${movingId}', '${stayingId}') ORDER BY surname`)).toEqual([
      { id: stayingId, primary_org_id: school },
      { id: movingId, primary_org_id: kindergarten },
    ]);
    expect(await s.page.textContent('[data-test=transfer-lists-summary]')).toMatch(/Переводов, ждущих решения, нет/);
  });
});
