/** The audit log: who did what to which entity, naming changed fields but never personal data values. */
import type { Transaction } from 'sequelize';
import type { Actor, Ctx } from './context';

export interface AuditRecord {
  userId: number | null;
  orgId: number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  fields?: string[];
  details?: Record<string, unknown>;
}

export async function recordAudit(ctx: Ctx, record: AuditRecord, transaction?: Transaction): Promise<void> {
  await ctx.db.models.AuditEntry.create(
    {
      at: ctx.now(),
      userId: record.userId,
      orgId: record.orgId,
      action: record.action,
      entity: record.entity,
      entityId: record.entityId == null ? null : String(record.entityId),
      fields: record.fields ? JSON.stringify(record.fields) : null,
      details: record.details ? JSON.stringify(record.details) : null,
    },
    { transaction },
  );
}

/**
 * A read that answered personal data of members (a member's card, transfers, the to-issue list,
 * eligibility, a dry run, a batch): written like an export — who, when, which organisation, which
 * entity id and how many — never the data itself.
 */
export async function auditRead(
  ctx: Ctx,
  actor: Actor,
  read: { action: string; orgId: number; entity: string; entityId?: string | number | null; details?: Record<string, unknown> },
): Promise<void> {
  await recordAudit(ctx, { userId: actor.userId, orgId: read.orgId, action: read.action, entity: read.entity, entityId: read.entityId ?? null, details: read.details });
}

/** Many audit rows in one statement (bulk pushes audit every changed member). */
export async function recordAuditMany(ctx: Ctx, records: AuditRecord[], transaction?: Transaction): Promise<void> {
  if (records.length === 0) return;
  const at = ctx.now();
  await ctx.db.models.AuditEntry.bulkCreate(
    records.map((r) => ({
      at,
      userId: r.userId,
      orgId: r.orgId,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId == null ? null : String(r.entityId),
      fields: r.fields ? JSON.stringify(r.fields) : null,
      details: r.details ? JSON.stringify(r.details) : null,
    })),
    { transaction },
  );
}
