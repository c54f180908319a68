/**
 * The progress counters are a dependency the composition root passes in (createApp → Ctx.memberCounters),
 * not a process-wide listener registered by a side-effect import: two apps in one process, one built
 * without the counters, each write members; only the app that was given the counters updates them, and
 * the other app's counters are not touched by a registry hidden somewhere else.
 */
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { dbVariants } from '../../../test/support/db';
import type { Ctx } from '../context';
import { inventPeople } from '../members/demo-members';
import type { MemberRecord } from '../members/member-record';
import { memberTransaction } from '../members/member-tx';
import { writeMembers } from '../members/member-writes';
import { computeCountersFromScratch, ensureCountersCurrent, readAllStats } from './counters';

describe.each(dbVariants())('progress counters wired by the composition root (%s)', (variant) => {
  let wired: TestApp;
  let bare: TestApp;
  beforeEach(async () => {
    wired = await startTestApp(variant);
    bare = await startTestApp(variant, {}, { memberCounters: null });
  });
  afterEach(async () => {
    await wired?.close();
    await bare?.close();
  });

  const member = (t: TestApp, n: number): MemberRecord => {
    const school = t.demo.orgIds.school;
    const { unit: _unit, ...data } = inventPeople(1, { seed: n, snilsFrom: 810_000 + n })[0];
    return {
      ...data, consentUnion: 'given', consentUnionDate: '2026-11-20', consentOperator: null, consentOperatorDate: null, consentNotify: null, consentNotifyDate: null,
      id: randomUUID(), orgId: school, primaryOrgId: school, cardStatusAt: null, registeredAt: '2026-11-26', deregisteredAt: null,
      deregistrationReason: null, deregistrationComment: null, version: 1, lastBatchId: null, createdBy: null, updatedBy: null, createdAt: '', updatedAt: '',
    };
  };

  async function writeThree(t: TestApp): Promise<void> {
    const writes = [1, 2, 3].map((n) => ({ op: 'create' as const, after: member(t, n) }));
    await memberTransaction(t.ctx, [t.demo.orgIds.school], (tx) => writeMembers(t.ctx, tx, writes, { userId: null, batch: null, cardVia: 'sheet', now: t.ctx.now() }));
  }

  /** The school's stored «registered» counter, and the same figure from scratch. */
  async function registered(ctx: Ctx, school: number): Promise<{ stored: number; fresh: number }> {
    await ensureCountersCurrent(ctx);
    const stored = (await readAllStats(ctx)).find((r) => r.orgId === school)!.counters.registered;
    const fresh = (await computeCountersFromScratch(ctx)).get(school)!.counters.registered;
    return { stored, fresh };
  }

  test('the app given the counters updates them; the app built without them leaves its counters alone', async () => {
    expect(wired.ctx.memberCounters).not.toBeNull();
    expect(bare.ctx.memberCounters).toBeNull();
    const before = {
      wired: await registered(wired.ctx, wired.demo.orgIds.school),
      bare: await registered(bare.ctx, bare.demo.orgIds.school),
    };
    expect(before.wired.stored).toBe(before.wired.fresh);
    expect(before.bare.stored).toBe(before.bare.fresh);

    // the bare app writes first, after the wired one exists: nothing process-wide may carry the counters over
    await writeThree(bare);
    await writeThree(wired);

    const after = {
      wired: await registered(wired.ctx, wired.demo.orgIds.school),
      bare: await registered(bare.ctx, bare.demo.orgIds.school),
    };
    expect(after.wired).toEqual({ stored: before.wired.stored + 3, fresh: before.wired.fresh + 3 });
    expect(after.bare).toEqual({ stored: before.bare.stored, fresh: before.bare.fresh + 3 });
  });
});
