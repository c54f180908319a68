import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import { inventPeople } from './demo-members';
import type { MemberRecord } from './member-record';
import { memberTransaction } from './member-tx';
import { writeMembers, type MemberChange } from './member-writes';
import type { Ctx } from '../context';
import { rows } from './sql-literals';
import { loadMember } from './member-access';

describe.each(dbVariants())('member write path (%s)', (variant) => {
  let t: TestApp;
  let school: number;
  beforeEach(async () => {
    t = await startTestApp(variant);
    school = t.demo.orgIds.school;
  });
  afterEach(() => t.close());

  const record = (n: number): MemberRecord => {
    const { unit: _unit, ...data } = inventPeople(1, { seed: n, snilsFrom: 800_000 + n })[0];
    return {
      ...data, consentUnion: null, consentUnionDate: null, consentOperator: null, consentOperatorDate: null, consentNotify: null, consentNotifyDate: null,
      id: randomUUID(), orgId: school, primaryOrgId: school, cardStatusAt: null, registeredAt: '2026-11-26', deregisteredAt: null,
      deregistrationReason: null, deregistrationComment: null, version: 1, lastBatchId: null, createdBy: null, updatedBy: null, createdAt: '', updatedAt: '',
    };
  };
  const n = async (sql: string) => Number((await rows<{ n: number | string }>(t.ctx.db, `SELECT COUNT(*) AS n FROM ${sql}`))[0].n);

  test('creates and updates in multi-row statements; every change reaches the roll-up counters of the context with before and after', async () => {
    // the roll-up counters are a dependency of the context: record what the writes hand to them
    const seen: MemberChange[] = [];
    const ctx: Ctx = {
      ...t.ctx,
      memberCounters: {
        apply: async (_ctx, _tx, changes) => {
          seen.push(...(changes as readonly MemberChange[]));
        },
      },
    };
    const a = { ...record(1), consentUnion: 'given' as const, consentUnionDate: '2026-01-10', cardStatus: 'not_ordered' as const };
    const b = record(2);
    const created = await memberTransaction(t.ctx, [school], (tx) =>
      writeMembers(ctx, tx, [{ op: 'create', after: a }, { op: 'create', after: b }], { userId: 1, batch: null, cardVia: 'sheet', now: t.ctx.now() }),
    );
    expect(created.stale).toEqual([]);
    expect(created.changes.map((c) => [c.op, c.memberId, c.before, c.after?.version])).toEqual([['create', a.id, null, 1], ['create', b.id, null, 1]]);

    const stored = (await loadMember(t.ctx, a.id))!.rec;
    expect(stored).toMatchObject({ surname: a.surname, snils: a.snils, version: 1, createdBy: 1, createdAt: t.ctx.now().toISOString() });
    const res = await memberTransaction(t.ctx, [school], (tx) =>
      writeMembers(ctx, tx, [{ op: 'update', before: stored, after: { ...stored, consentUnion: 'revoked', consentUnionDate: '2026-11-20', phone: '+79120001111' } }], {
        userId: 1, batch: null, cardVia: 'sheet', updateAction: 'member.consents', now: t.ctx.now(),
      }),
    );
    expect(res.changes[0]).toMatchObject({ op: 'update', before: { version: 1, consentUnion: 'given' }, after: { version: 2, consentUnion: 'revoked', phone: '+79120001111' } });
    expect(seen.map((c) => c.op)).toEqual(['create', 'create', 'update']);
    const events = await rows<{ kind: string; state: string; date: string }>(t.ctx.db, `SELECT kind, state, date FROM consent_events WHERE member_id = '${a.id}' ORDER BY id`);
    expect(events.map((e) => `${e.kind}:${e.state}:${String(e.date).slice(0, 10)}`)).toEqual(['union:given:2026-01-10', 'union:revoked:2026-11-20']);
    const audit = await rows<{ action: string; fields: string }>(t.ctx.db, `SELECT action, fields FROM audit_log WHERE entity_id = '${a.id}' ORDER BY id`);
    expect(audit.map((x) => x.action)).toEqual(['member.created', 'member.consents']);
    expect(JSON.parse(audit[1].fields)).toEqual(['phone', 'consentUnion', 'consentUnionDate']);
  });

  test('an update read at an old version is returned as stale and records nothing; the others are written', async () => {
    const a = record(3);
    const b = record(4);
    await memberTransaction(t.ctx, [school], (tx) => writeMembers(t.ctx, tx, [{ op: 'create', after: a }, { op: 'create', after: b }], { userId: 1, batch: null, cardVia: 'sheet', now: t.ctx.now() }));
    const ra = (await loadMember(t.ctx, a.id))!.rec;
    const rb = (await loadMember(t.ctx, b.id))!.rec;
    const auditBefore = await n('audit_log');
    const res = await memberTransaction(t.ctx, [school], (tx) =>
      writeMembers(
        t.ctx,
        tx,
        [
          { op: 'update', before: { ...ra, version: 7 }, after: { ...ra, position: 'Никогда' } },
          { op: 'update', before: rb, after: { ...rb, position: 'Записано' } },
        ],
        { userId: 1, batch: null, cardVia: 'sheet', now: t.ctx.now() },
      ),
    );
    expect(res.stale.map((w) => (w.op === 'update' ? w.before.id : ''))).toEqual([a.id]);
    expect(res.changes.map((c) => c.memberId)).toEqual([b.id]);
    expect((await loadMember(t.ctx, a.id))!.rec).toMatchObject({ version: 1, position: a.position });
    expect((await loadMember(t.ctx, b.id))!.rec).toMatchObject({ version: 2, position: 'Записано' });
    expect(await n('audit_log')).toBe(auditBefore + 1);
  });

  test('a batch records its undo information; a delete removes the member with its histories', async () => {
    const a = { ...record(5), consentNotify: 'given' as const, consentNotifyDate: '2026-02-02' };
    const batchId = randomUUID();
    await memberTransaction(t.ctx, [school], async (tx) => {
      await t.ctx.db.sequelize.query(`INSERT INTO member_batches (id, org_id, user_id, kind, created_at, counts) VALUES ('${batchId}', ${school}, 1, 'push', '2026-11-26', '{}')`, { transaction: tx });
      await writeMembers(t.ctx, tx, [{ op: 'create', after: a, row: 17 }], { userId: 1, batch: { id: batchId }, cardVia: 'sheet', now: t.ctx.now() });
    });
    expect(await rows(t.ctx.db, `SELECT member_id, op, row_no, before, after_version FROM member_changes WHERE batch_id = '${batchId}'`)).toEqual([
      { member_id: a.id, op: 'create', row_no: 17, before: null, after_version: 1 },
    ]);
    const stored = (await loadMember(t.ctx, a.id))!.rec;
    const res = await memberTransaction(t.ctx, [school], (tx) => writeMembers(t.ctx, tx, [{ op: 'delete', before: stored }], { userId: 1, batch: null, cardVia: 'system', now: t.ctx.now() }));
    expect(res.changes).toEqual([expect.objectContaining({ op: 'delete', memberId: a.id, after: null })]);
    expect(await loadMember(t.ctx, a.id)).toBeNull();
    expect(await n(`consent_events WHERE member_id = '${a.id}'`)).toBe(0);
  });
});
