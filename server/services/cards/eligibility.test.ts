/** cardEligibility (domain, per member) and eligibleSql (budget counts) agree on every kind of member. */
import { cardEligibility } from '../../../domain/cards';
import type { CardStatus, ConsentState } from '../../../domain/members/codes';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { lit, rows } from '../members/sql-literals';
import { readCardStates } from './card-status-writes';
import { eligibilityOf, eligibleSql } from './eligibility';
import { createOrg, seedMembers, type SeedMember } from './test-fixtures';
import { CARD_STATUS_CODES } from './transitions';

const CONSENTS: (ConsentState | null)[] = [null, 'given', 'refused', 'revoked'];

describe.each(dbVariants())('card eligibility, JS and SQL (%s)', (variant) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(variant);
  });
  afterAll(() => t.close());

  test('every combination of registration, consents, name, phone and card status', async () => {
    const primary = await createOrg(t, t.demo.orgIds.territorial, 'primary', 'ППО проверки условий заказа');
    const seeds: SeedMember[] = [];
    for (const deregisteredAt of [null, '2026-10-01'])
      for (const consentUnion of CONSENTS)
        for (const consentOperator of CONSENTS)
          for (const name of ['Анна', ''])
            for (const phone of ['+79120000000', null, ''])
              for (const cardStatus of CARD_STATUS_CODES as CardStatus[]) seeds.push({ orgId: primary, deregisteredAt, consentUnion, consentOperator, name, phone, cardStatus });
    const ids = await seedMembers(t.ctx, seeds);
    const states = await readCardStates(t.ctx, ids);
    const sqlEligible = new Set(
      (await rows<{ id: string }>(t.ctx.db, `SELECT m.id FROM members m WHERE m.primary_org_id = ${lit(primary)} AND ${eligibleSql('m')}`)).map((r) => String(r.id)),
    );
    const mismatches = ids.filter((id) => eligibilityOf(states.get(id)!).eligible !== sqlEligible.has(id));
    expect(mismatches).toEqual([]);
    const expected = seeds.filter((s) =>
      cardEligibility({
        surname: 'Тестова', name: s.name!, birthDate: '1985-04-12', phone: s.phone!, deregisteredAt: s.deregisteredAt!,
        consentUnion: s.consentUnion!, consentOperator: s.consentOperator!, cardStatus: s.cardStatus!,
      }).eligible,
    ).length;
    // Registered, both consents given, a name and a phone: not_ordered and lost (a reissue) of the 9 statuses.
    expect(expected).toBe(2);
    expect(sqlEligible.size).toBe(expected);
  });
});
