/**
 * What the member register needs around the record card: pushes as undoable batches, the history of
 * each consent and of the card status, transfers between primary organisations, and the comment of a
 * deregistration. Written by hand-made multi-row SQL on the hot path (server/services/members).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

const fk = (table: string, onDelete: 'CASCADE' | 'NO ACTION' = 'NO ACTION') => ({
  references: { model: table, key: 'id' },
  onDelete,
});

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.addColumn('members', 'deregistration_comment', { type: DataTypes.STRING(500), allowNull: true });

  /** One push (a chunk of a sheet), upload or revert: the unit of undo. */
  await qi.createTable('member_batches', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    /** The primary organisation the batch wrote into. */
    org_id: { type: DataTypes.INTEGER, allowNull: false, ...fk('organisations') },
    user_id: { type: DataTypes.INTEGER, allowNull: false, ...fk('users') },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    /** JSON: {"created":n,"updated":n,…} — numbers only, never personal data. */
    counts: { type: DataTypes.TEXT, allowNull: false },
    /** For a revert batch: the batch it undid. */
    reverts_batch_id: { type: DataTypes.STRING(36), allowNull: true },
    reverted_at: { type: DataTypes.DATE, allowNull: true },
    reverted_by: { type: DataTypes.INTEGER, allowNull: true },
  });
  await qi.addIndex('member_batches', ['org_id', 'created_at'], { name: 'member_batches_org' });

  /** Each member a batch created, updated (or, for a revert, deleted), with the state before it. */
  await qi.createTable('member_changes', {
    batch_id: { type: DataTypes.STRING(36), primaryKey: true, ...fk('member_batches', 'CASCADE') },
    member_id: { type: DataTypes.STRING(36), primaryKey: true },
    /** 'create' | 'update' | 'delete' (delete only in revert batches). */
    op: { type: DataTypes.STRING(8), allowNull: false },
    /** The sheet row number the change came from (lists what cannot be undone without personal data). */
    row_no: { type: DataTypes.INTEGER, allowNull: true },
    /** JSON of the whole record before the change; null for a create. */
    before: { type: DataTypes.TEXT, allowNull: true },
    /** The member's version right after the change; null for a delete. */
    after_version: { type: DataTypes.INTEGER, allowNull: true },
  });

  /** Every state a consent took: given, refused, revoked (or cleared: state null), with its date. */
  await qi.createTable('consent_events', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    member_id: { type: DataTypes.STRING(36), allowNull: false, ...fk('members', 'CASCADE') },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    state: { type: DataTypes.STRING(16), allowNull: true },
    date: { type: DataTypes.DATEONLY, allowNull: true },
    recorded_by: { type: DataTypes.INTEGER, allowNull: true },
    recorded_at: { type: DataTypes.DATE, allowNull: false },
    batch_id: { type: DataTypes.STRING(36), allowNull: true },
  });
  await qi.addIndex('consent_events', ['member_id'], { name: 'consent_events_member' });

  /** Every card (ЭПБ) status change and how it came (sheet, order, import, system). */
  await qi.createTable('card_events', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    member_id: { type: DataTypes.STRING(36), allowNull: false, ...fk('members', 'CASCADE') },
    from_status: { type: DataTypes.STRING(16), allowNull: true },
    to_status: { type: DataTypes.STRING(16), allowNull: false },
    via: { type: DataTypes.STRING(16), allowNull: false },
    at: { type: DataTypes.DATE, allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: true },
    batch_id: { type: DataTypes.STRING(36), allowNull: true },
  });
  await qi.addIndex('card_events', ['member_id'], { name: 'card_events_member' });

  /** A member moving to another primary organisation: requested by the sender, accepted by the receiver. */
  await qi.createTable('member_transfers', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    member_id: { type: DataTypes.STRING(36), allowNull: false, ...fk('members', 'CASCADE') },
    from_org_id: { type: DataTypes.INTEGER, allowNull: false, ...fk('organisations') },
    to_org_id: { type: DataTypes.INTEGER, allowNull: false, ...fk('organisations') },
    requested_by: { type: DataTypes.INTEGER, allowNull: false },
    requested_at: { type: DataTypes.DATE, allowNull: false },
    /** pending | accepted | rejected | cancelled */
    status: { type: DataTypes.STRING(16), allowNull: false },
    decided_by: { type: DataTypes.INTEGER, allowNull: true },
    decided_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex('member_transfers', ['to_org_id', 'status'], { name: 'member_transfers_to' });
  await qi.addIndex('member_transfers', ['from_org_id', 'status'], { name: 'member_transfers_from' });
  await qi.addIndex('member_transfers', ['member_id'], { name: 'member_transfers_member' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const t of ['member_transfers', 'card_events', 'consent_events', 'member_changes', 'member_batches']) {
    await qi.dropTable(t);
  }
  await qi.removeColumn('members', 'deregistration_comment');
}
