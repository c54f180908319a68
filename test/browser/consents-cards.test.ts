/**
 * Roadmap steps 5–7 in the built task pane (headless Chromium, fake Excel, the real server on a fresh
 * SQLite file): a chair pushes a small clean list, ticks the consents of the selected rows, prints
 * their consents (the single-use link downloads once), checks who can get a card (one has no phone),
 * orders cards; the sheet, the registry and the next server check agree. Then a territorial chair
 * collects the order into a batch and puts the card budget on the «Бюджет ЭПБ» sheet with a chart.
 * Screenshots: artifacts/screenshots/c-*.png. Any unexpected console error fails the test.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { MEMBER_COLUMNS } from '../../domain/members/columns';
import { auth } from '../support/app';
import { prepareConsentDetails } from '../../server/services/documents/test-fixtures';
import { browserSuite, chromiumOrSkip, screenshot } from './harness';
import { colOf, fake, openedUrls, pasteRows, routeOfficeExtra, sheetRow, signIn } from './harness-extra';

const chromium = chromiumOrSkip();
const describeBrowser = chromium ? describe : describe.skip;

const SHEET = 'Члены профсоюза';
const TABLE = 'ЧленыПрофсоюза';
const RESULT = MEMBER_COLUMNS.length;

/** Sheet rows 2…5: a clean list; row 4 has no phone. */
const LIST = [
  sheetRow({ surname: 'Виноградова', name: 'Злата', patronymic: 'Игоревна', sex: 'Ж', birthDate: '12.04.1981', phone: '+7 912 700-10-01', category: 'Работник' }),
  sheetRow({ surname: 'Журавлёв', name: 'Тимофей', patronymic: 'Романович', sex: 'М', birthDate: '03.09.1976', phone: '+7 912 700-10-02', category: 'Работник' }),
  sheetRow({ surname: 'Лазарева', name: 'Милена', patronymic: 'Олеговна', sex: 'Ж', birthDate: '21.11.1990', category: 'Работник' }),
  sheetRow({ surname: 'Ефремов', name: 'Григорий', patronymic: 'Львович', sex: 'М', birthDate: '30.06.1968', phone: '+7 912 700-10-04', category: 'Работник' }),
];

describeBrowser('«Согласия» and «ЭПБ» in Chromium (fake Excel, real server)', () => {
  const s = browserSuite(chromium!, { preparePage: routeOfficeExtra });

  const db = async <T>(sql: string): Promise<T[]> => ((await s.server.test.ctx.db.sequelize.query(sql)) as [T[], unknown])[0];
  /** The link names the configured public origin (PUBLIC_ORIGIN); the test server listens on its own port. */
  const local = (url: string) => `${s.server.base}${new URL(url).pathname}`;
  const body = () => fake<(string | number)[][]>(s.page, `x.table('${TABLE}').bodyValues()`);

  /** «Заказано» of the territory's 2026 budget and of the school in it, as the server counts them (the other test of this file may have ordered cards before). */
  const territoryOrdered = async (): Promise<{ total: number; school: number }> => {
    const res = await request(s.server.test.app)
      .get(`/api/v1/organisations/${s.server.test.demo.orgIds.territorial}/cards/budget?year=2026`)
      .set(auth(await s.server.test.token('territory')));
    expect(res.status).toBe(200);
    const budget = res.body as { total: { ordered: number }; rows: { orgId: number; ordered: number }[] };
    return { total: budget.total.ordered, school: budget.rows.find((r) => r.orgId === s.server.test.demo.orgIds.school)?.ordered ?? 0 };
  };

  it('consents ticked and printed for selected rows, eligibility with reasons, cards ordered; then the budget sheet of the territory', async () => {
    const orderedBefore = await territoryOrdered();
    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=create-sheet]');
    await s.page.locator('[data-test=create-result]').waitFor();
    await pasteRows(s.page, LIST);
    await s.page.click('[data-test=push]');
    await s.page.locator('[data-test=push-result]').waitFor();
    expect(await s.page.textContent('[data-test=push-result]')).toMatch(/Готово: реестр принял 4 строки/);
    const ids = (await body()).map((r) => String(r[colOf('id')]));
    expect(ids.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    const inList = ids.map((id) => `'${id}'`).join(',');

    // ------------------------------------------------ «Согласия»: nothing selected → what to do
    await fake(s.page, `x.setSelection('Лист1', 'A1')`);
    await s.page.click('[data-test=tab-consents]');
    await s.page.locator('[data-view=consents] [data-test=tick-consents]').waitFor();
    await screenshot(s.page, 'c-01-consents');
    await s.page.click('[data-test=tick-consents]');
    await s.page.locator('[data-test=tick-nothing]').waitFor();
    expect(await s.page.textContent('[data-test=tick-nothing]')).toMatch(/Выделите на листе «Члены профсоюза» строки/);
    await screenshot(s.page, 'c-02-consents-nothing-selected');

    // ------------------------------------------------ tick the three consents of rows 2–5
    await fake(s.page, `x.setSelection('${SHEET}', 'A2:C5')`);
    await s.page.fill('[data-test=tick-date]', '2026-11-20');
    await s.page.click('[data-test=tick-consents]');
    await s.page.locator('[data-test=tick-result]').waitFor();
    expect(await s.page.textContent('[data-test=tick-result]')).toMatch(/Согласия отмечены: 4 члена Профсоюза/);
    await screenshot(s.page, 'c-03-consents-ticked');
    const afterTick = await body();
    for (const r of afterTick) {
      expect([r[colOf('consentUnion')], r[colOf('consentOperator')], r[colOf('consentNotify')]]).toEqual(['Дано', 'Дано', 'Дано']);
      expect(typeof r[colOf('consentUnionDate')]).toBe('number');
      expect(r[colOf('version')]).toBe(2);
      expect(r[RESULT]).toBe('Согласия отмечены в реестре');
    }
    const consents = await db<{ consent_union: string; consent_operator: string; consent_notify: string; consent_union_date: string; version: number }>(
      `SELECT consent_union, consent_operator, consent_notify, consent_union_date, version FROM members WHERE id IN (${inList})`,
    );
    expect(consents).toHaveLength(4);
    for (const c of consents) {
      expect([c.consent_union, c.consent_operator, c.consent_notify]).toEqual(['given', 'given', 'given']);
      expect(String(c.consent_union_date)).toMatch(/^2026-11-20/);
      expect(Number(c.version)).toBe(2);
    }

    // ------------------------------------------------ print the consents of the selected rows: one .docx, single use
    // First without the superiors' legal addresses: the pane says what is missing and who fills it in.
    s.watch.expectHttpError(422, /\/documents\/consents$/);
    await s.page.click('[data-test=print-consents]');
    await s.page.locator('[data-test=print-activity] [data-test=failure]').waitFor();
    expect(await s.page.textContent('[data-test=print-activity]')).toMatch(/Не указан юридический адрес вышестоящей организации «Демонстрационная районная организация Профсоюза»: его вносит председатель этой организации/);
    await screenshot(s.page, 'c-04a-consents-details-missing');
    await prepareConsentDetails(s.server.test.app, await s.server.test.token('admin'), [s.server.test.demo.orgIds.territorial, s.server.test.demo.orgIds.region, s.server.test.demo.orgIds.central]);
    await s.page.click('[data-test=print-consents]');
    await s.page.locator('[data-test=print-result]').waitFor();
    expect(await s.page.textContent('[data-test=print-summary]')).toMatch(/В файле: 4 члена Профсоюза, 12 согласий/);
    await screenshot(s.page, 'c-04-consents-printed');
    const urls = await openedUrls(s.page);
    expect(urls).toHaveLength(1);
    expect(urls[0]).toMatch(/\/api\/v1\/downloads\/[^/]+$/);
    const first = await fetch(local(urls[0]));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/wordprocessingml/);
    const docx = Buffer.from(await first.arrayBuffer());
    expect(docx.subarray(0, 2).toString('latin1')).toBe('PK');
    const second = await fetch(local(urls[0]));
    expect(second.status).toBe(410);

    // ------------------------------------------------ «ЭПБ»: who can get a card (row 4 has no phone)
    await s.page.click('[data-test=tab-cards]');
    await s.page.locator('[data-view=cards] [data-test=eligibility]').waitFor();
    await s.page.click('[data-test=eligibility]');
    await s.page.locator('[data-test=eligibility-result]').waitFor();
    expect(await s.page.textContent('[data-test=eligibility-result]')).toMatch(/Можно заказать: 3 из 4/);
    const notEligible = await s.page.locator('[data-test=not-eligible] [data-test=person]').allTextContents();
    expect(notEligible).toHaveLength(1);
    expect(notEligible[0]).toMatch(/^Строка 4, Лазарева Милена Олеговна/);
    expect(notEligible[0]).toMatch(/Не заполнен телефон/);
    await screenshot(s.page, 'c-05-eligibility');
    await s.page.setViewportSize({ width: 320, height: 900 });
    expect(await s.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await screenshot(s.page, 'c-05b-eligibility-320px');
    await s.page.setViewportSize({ width: 360, height: 900 });

    // ------------------------------------------------ order: three cards, the order number shown, statuses written back
    await s.page.click('[data-test=order]');
    await s.page.locator('[data-test=order-result]').waitFor();
    const orderText = (await s.page.textContent('[data-test=order-result]')) ?? '';
    expect(orderText).toMatch(/Заявка ЭПБ-\d{4}-\d+ оформлена: 3 билета/);
    expect(orderText).toMatch(/Не заказаны: 1 член Профсоюза/);
    expect(await s.page.locator('[data-test=order-refused] [data-test=person]').allTextContents()).toEqual([expect.stringMatching(/^Строка 4, Лазарева.*Не заполнен телефон/)]);
    await screenshot(s.page, 'c-06-ordered');
    const statuses = await db<{ id: string; card_status: string }>(`SELECT id, card_status FROM members WHERE id IN (${inList})`);
    const byId = new Map(statuses.map((s) => [String(s.id), s.card_status]));
    expect(ids.map((id) => byId.get(id))).toEqual(['ordered', 'ordered', expect.not.stringMatching(/^ordered$/), 'ordered']);
    const afterOrder = await body();
    expect(afterOrder.map((r) => r[colOf('cardStatus')])).toEqual(['Заказан', 'Заказан', expect.not.stringMatching(/^Заказан$/), 'Заказан']);
    const versions = await db<{ id: string; version: number }>(`SELECT id, version FROM members WHERE id IN (${inList})`);
    const vById = new Map(versions.map((v) => [String(v.id), Number(v.version)]));
    expect(afterOrder.map((r) => r[colOf('version')])).toEqual(ids.map((id) => vById.get(id)));

    // ------------------------------------------------ the sheet agrees with the registry: a server check finds no conflict
    await s.page.click('[data-test=tab-members]');
    await s.page.locator('[data-view=members] [data-test=dry-run]').waitFor();
    await s.page.click('[data-test=dry-run]');
    await s.page.locator('[data-test=dry-run-result]').waitFor();
    expect(await s.page.textContent('[data-test=dry-run-result]')).toMatch(/Сервер проверил 4 строки: ошибок нет/);

    // ------------------------------------------------ step 7: the cards arrive (as the delivery list would set them), two are handed out, then the rest
    const arrived = [ids[0], ids[1], ids[3]].map((id) => `'${id}'`).join(',');
    await db(`UPDATE members SET card_status = 'received', card_status_at = '2026-11-25 10:00:00', version = version + 1 WHERE id IN (${arrived})`);
    await s.page.click('[data-test=tab-cards]');
    await s.page.locator('[data-view=cards] [data-test=load-to-issue]').click();
    await s.page.locator('[data-test=to-issue-list]').waitFor();
    expect(await s.page.locator('[data-test=to-issue-list] [data-test=person]').count()).toBe(3);
    await s.page.locator('[data-test=issue-help] summary').click();
    expect(await s.page.textContent('[data-test=issue-help]')).toMatch(/profcards/);
    await screenshot(s.page, 'c-06b-to-issue');
    await fake(s.page, `x.setSelection('${SHEET}', 'B2:B3')`);
    // A date after the registry's today is refused at the field (the server's clock says 26.11.2026).
    await s.page.fill('[data-test=issue-date]', '2026-12-01');
    s.watch.expectHttpError(422, /\/cards\/issue$/);
    await s.page.click('[data-test=issue-selected]');
    await s.page.locator('[data-test=issue-activity] [data-test=failure]').waitFor();
    expect(await s.page.textContent('[data-view=cards] .field-error:not([hidden])')).toMatch(/Дата выдачи/);
    await screenshot(s.page, 'c-06c-issue-bad-date');
    await s.page.fill('[data-test=issue-date]', '2026-11-26');
    await s.page.click('[data-test=issue-selected]');
    await s.page.locator('[data-test=issue-result]').waitFor();
    expect(await s.page.textContent('[data-test=issue-result]')).toMatch(/Отмечены выданными: 2 билета/);
    expect(await s.page.locator('[data-test=to-issue-list] [data-test=person]').count()).toBe(1);
    await s.page.click('[data-test=issue-all]');
    await s.page.locator('[data-test=issue-result]', { hasText: 'Отмечены выданными: 1 билет' }).waitFor();
    await s.page.locator('[data-test=to-issue-empty]').waitFor();
    await screenshot(s.page, 'c-06d-issued');
    const issued = await db<{ id: string; card_status: string; version: number }>(`SELECT id, card_status, version FROM members WHERE id IN (${arrived})`);
    expect(issued.map((m) => m.card_status)).toEqual(['issued', 'issued', 'issued']);
    const afterIssue = await body();
    const vIssued = new Map(issued.map((m) => [String(m.id), Number(m.version)]));
    for (const r of afterIssue.filter((x) => vIssued.has(String(x[colOf('id')])))) {
      expect(r[colOf('cardStatus')]).toBe('Выдан');
      expect(r[colOf('version')]).toBe(vIssued.get(String(r[colOf('id')])));
    }

    // ------------------------------------------------ the territory: the order in a batch, its application; the budget sheet
    await s.page.click('[data-test=sign-out]');
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await signIn(s.page, s.server.base, 'territory');
    await s.page.locator('[data-view=organisations]').waitFor();
    await s.page.click('[data-test=tab-cards]');
    await s.page.locator('[data-view=cards] [data-test=budget]').waitFor();
    await s.page.click('[data-test=load-orders]');
    await s.page.locator('[data-test=orders-result]').waitFor();
    expect(await s.page.textContent('[data-test=orders-result]')).toMatch(/Поданы и ждут партии: 1 заявка, 3 билета/);
    await s.page.click('[data-test=collect-batch]');
    await s.page.locator('[data-test=batch-result]').waitFor();
    expect(await s.page.textContent('[data-test=batch-result]')).toMatch(/Партия ЭПБ-П-\d{4}-\d+ собрана/);
    await s.page.locator('[data-test=batches] [data-test=batch-application-docx]').first().click();
    await s.page.locator('[data-test=batch-file]').waitFor();
    const batchUrls = await openedUrls(s.page);
    expect(batchUrls).toHaveLength(1);
    const app = await fetch(local(batchUrls[0]));
    expect(app.status).toBe(200);
    expect(app.headers.get('content-type')).toMatch(/wordprocessingml/);
    await screenshot(s.page, 'c-07-batch');

    await s.page.selectOption('[data-test=budget-year]', '2026');
    await s.page.click('[data-test=budget]');
    await s.page.locator('[data-test=budget-result]').waitFor();
    await screenshot(s.page, 'c-08-budget');
    const totals = await s.page.locator('[data-test=budget-totals] .count').allTextContents();
    expect(totals[0]).toMatch(new RegExp(`Заказано${orderedBefore.total + 3}$`));
    const sheetNames = await fake<string[]>(s.page, 'x.sheetNames()');
    expect(sheetNames).toContain('Бюджет ЭПБ');
    expect(await fake<string>(s.page, 'x.activeSheetName')).toBe('Бюджет ЭПБ');
    const cells = await fake<unknown[][]>(s.page, `x.sheet('Бюджет ЭПБ').values('A1:G9')`);
    expect(String(cells[0][0])).toMatch(/Бюджет/);
    expect(cells[4]).toEqual(['Организация', 'Заказано билетов', 'Выдано билетов', 'Можно заказать', 'Стоимость заказанных, руб.', 'Стоимость к заказу, руб.', 'Всего на год, руб.']);
    const school = cells.find((r) => String(r[0]).includes('Средняя школа № 1'));
    expect(school?.[1]).toBe(orderedBefore.school + 3);
    const charts = await fake<{ name: string; type: string; title: string; source: string | null; categories: string | null }[]>(s.page, `e.charts('Бюджет ЭПБ')`);
    expect(charts).toHaveLength(1);
    expect(charts[0]).toMatchObject({ type: 'ColumnClustered', name: 'БюджетЭПБДиаграмма', title: 'Электронные профсоюзные билеты, 2026' });
    expect(charts[0].source).toMatch(/^B5:D\d+$/);

    // A second time the sheet is rewritten with one chart, not two.
    await s.page.evaluate(() => document.querySelector('[data-test=budget-result]')?.remove());
    await s.page.click('[data-test=budget]');
    await s.page.locator('[data-test=budget-result], [data-test=budget-activity] [data-test=failure]').first().waitFor();
    expect(await s.page.textContent('[data-test=budget-results]')).toMatch(/Бюджет ЭПБ на 2026 год/);
    expect(await fake<unknown[]>(s.page, `e.charts('Бюджет ЭПБ')`)).toHaveLength(1);

    // The same budget as an .xlsx file, and the batch register as .csv, through single-use links.
    const openedBefore = (await openedUrls(s.page)).length;
    await s.page.click('[data-test=budget-xlsx]');
    await s.page.locator('[data-test=budget-file]').waitFor();
    expect(await s.page.textContent('[data-test=budget-file]')).toMatch(/Бюджет ЭПБ на 2026 год: файл открыт в браузере/);
    const budgetUrls = await openedUrls(s.page);
    expect(budgetUrls).toHaveLength(openedBefore + 1);
    const budgetFile = await fetch(local(budgetUrls[openedBefore]));
    expect(budgetFile.status).toBe(200);
    const budgetBook = new ExcelJS.Workbook();
    await budgetBook.xlsx.load(await budgetFile.arrayBuffer());
    const fileRows = Array.from(budgetBook.worksheets[0].getSheetValues(), (r) => (Array.isArray(r) ? r.slice(1) : []));
    const schoolInFile = fileRows.find((r) => String(r[0] ?? '').includes('Средняя школа № 1'));
    expect(schoolInFile?.slice(1, 4)).toEqual(school?.slice(1, 4));
    expect((await fetch(local(budgetUrls[openedBefore]))).status).toBe(410);

    await s.page.locator('[data-test=batches] [data-test=batch-register-csv]').first().click();
    await s.page.waitForFunction(() => document.querySelector('[data-test=batch-file]')?.textContent?.includes('реестр .csv'));
    const csvUrls = await openedUrls(s.page);
    expect(csvUrls).toHaveLength(openedBefore + 2);
    const csv = await fetch(local(csvUrls[openedBefore + 1]));
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n').filter(Boolean)).toHaveLength(1 + 3);
  });

  it('orders cancelled before a batch (school), the delivery list checked and then applied (territory)', async () => {
    const { orgIds } = s.server.test.demo;
    // Two members of the school who can get a card now, ordered through the API.
    const eligible = await db<{ id: string }>(
      `SELECT id FROM members WHERE primary_org_id = ${orgIds.school} AND deregistered_at IS NULL AND consent_union = 'given' AND consent_operator = 'given' ` +
        `AND phone IS NOT NULL AND birth_date IS NOT NULL AND (card_status IS NULL OR card_status = 'not_ordered') ORDER BY id LIMIT 2`,
    );
    expect(eligible).toHaveLength(2);
    const ordered = await request(s.server.test.app)
      .post(`/api/v1/organisations/${orgIds.school}/card-orders`)
      .set(auth(await s.server.test.token('school')))
      .send({ memberIds: eligible.map((m) => m.id) });
    expect(ordered.status).toBe(200);
    const order = ordered.body.orders[0] as { id: number; number: string };

    await signIn(s.page, s.server.base, 'school');
    await s.page.locator('[data-view=members]').waitFor();
    await s.page.click('[data-test=tab-cards]');
    await s.page.click('[data-test=load-order-list]');
    await s.page.locator(`[data-test=order-list] [data-test=order-${order.id}]`).waitFor();
    await screenshot(s.page, 'c-09-my-orders');
    await s.page.locator(`[data-test=order-${order.id}] [data-test=cancel-order]`).click();
    await s.page.locator('[data-test=order-cancelled]').waitFor();
    expect(await s.page.textContent('[data-test=order-cancelled]')).toContain(`Заявка ${order.number} отменена`);
    expect(await s.page.locator(`[data-test=order-${order.id}]`).count()).toBe(0);
    expect((await db<{ status: string }>(`SELECT status FROM card_orders WHERE id = ${order.id}`))[0].status).toBe('cancelled');
    const back = await db<{ card_status: string | null }>(`SELECT card_status FROM members WHERE id IN (${eligible.map((m) => `'${m.id}'`).join(',')})`);
    expect(back.map((m) => m.card_status ?? 'not_ordered')).toEqual(['not_ordered', 'not_ordered']);

    // Ordered again and collected into a batch; the territory applies the operator's list: the cards are produced.
    const again = await request(s.server.test.app)
      .post(`/api/v1/organisations/${orgIds.school}/card-orders`)
      .set(auth(await s.server.test.token('school')))
      .send({ memberIds: eligible.map((m) => m.id) });
    expect(again.status).toBe(200);
    const collected = await request(s.server.test.app).post(`/api/v1/organisations/${orgIds.territorial}/card-batches`).set(auth(await s.server.test.token('territory'))).send({});
    expect(collected.status).toBe(201);
    const batched = eligible;
    const csv = ['ID члена Профсоюза;Статус ЭПБ;Дата статуса', ...batched.map((m) => `${m.id};Изготовлен;26.11.2026`), '00000000-0000-7000-8000-000000000000;Изготовлен;26.11.2026'].join('\r\n');
    await s.page.click('[data-test=sign-out]');
    await s.page.locator('[data-test=sign-in-form]').waitFor();
    await signIn(s.page, s.server.base, 'territory');
    await s.page.locator('[data-view=organisations]').waitFor();
    await s.page.click('[data-test=tab-cards]');
    await s.page.click('[data-test=delivery-check]');
    await s.page.locator('[data-test=delivery-no-file]').waitFor();
    await s.page.setInputFiles('[data-test=delivery-file]', { name: 'доставка.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await s.page.click('[data-test=delivery-check]');
    await s.page.locator('[data-test=delivery-checked]').waitFor();
    expect(await s.page.textContent('[data-test=delivery-checked]')).toContain(`изменится ${batched.length}, без изменений 0, с ошибками 1`);
    expect(await s.page.locator('[data-test=delivery-errors] [data-test=person]').allTextContents()).toEqual([expect.stringMatching(new RegExp(`^Строка ${batched.length + 2}`))]);
    expect((await db<{ n: number }>(`SELECT COUNT(*) AS n FROM members WHERE card_status = 'produced'`))[0].n).toBe(0);
    await s.page.click('[data-test=delivery-apply]');
    await s.page.locator('[data-test=delivery-applied]').waitFor();
    expect(await s.page.textContent('[data-test=delivery-applied]')).toContain(`записано ${batched.length}, без изменений 0, с ошибками 1`);
    await screenshot(s.page, 'c-10-delivery-list');
    const produced = await db<{ id: string }>(`SELECT id FROM members WHERE card_status = 'produced' ORDER BY id`);
    expect(produced.map((m) => m.id)).toEqual(batched.map((m) => m.id));
  });
});
