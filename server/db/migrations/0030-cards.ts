/**
 * Electronic union cards (ЭПБ, roadmap steps 6–7): orders of primary organisations, batches a
 * territorial or regional organisation sends to the card operator, per-year numbering and the
 * central administrator's card prices. The card status itself lives in members.card_status, its
 * history in card_events (0003); server/services/cards writes both.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

const ts = { type: DataTypes.DATE, allowNull: false };

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  /** A batch: the orders of a subtree collected for the operator (application .docx and register). */
  await qi.createTable('card_batches', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    /** «ЭПБ-П-2026-000001» */
    number: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    year: { type: DataTypes.INTEGER, allowNull: false },
    /** The collecting organisation (territorial, regional, …). */
    org_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
    created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
    created_at: ts,
    orders_count: { type: DataTypes.INTEGER, allowNull: false },
    card_count: { type: DataTypes.INTEGER, allowNull: false },
    /** Price of one card in the batch's year when it was collected, kopecks. */
    price_kopecks: { type: DataTypes.INTEGER, allowNull: false },
    cost_kopecks: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex('card_batches', ['org_id', 'created_at'], { name: 'card_batches_org' });

  /** An order of a primary organisation for selected members. */
  await qi.createTable('card_orders', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    /** «ЭПБ-2026-000123» */
    number: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    year: { type: DataTypes.INTEGER, allowNull: false },
    /** The primary organisation whose members are ordered. */
    org_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
    created_by: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
    created_at: ts,
    /** draft | submitted | batched | cancelled */
    status: { type: DataTypes.STRING(16), allowNull: false },
    batch_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'card_batches', key: 'id' } },
    cancelled_at: { type: DataTypes.DATE, allowNull: true },
    cancelled_by: { type: DataTypes.INTEGER, allowNull: true },
  });
  await qi.addIndex('card_orders', ['org_id', 'status'], { name: 'card_orders_org_status' });
  await qi.addIndex('card_orders', ['batch_id'], { name: 'card_orders_batch' });

  await qi.createTable('card_order_items', {
    order_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'card_orders', key: 'id' }, onDelete: 'CASCADE' },
    member_id: { type: DataTypes.STRING(36), primaryKey: true, references: { model: 'members', key: 'id' }, onDelete: 'CASCADE' },
    /** new | reissue */
    kind: { type: DataTypes.STRING(8), allowNull: false },
  });
  await qi.addIndex('card_order_items', ['member_id'], { name: 'card_order_items_member' });

  /** Running numbers per kind and year: ('order', 2026) → 123 gives «ЭПБ-2026-000123». */
  await qi.createTable('card_numbers', {
    kind: { type: DataTypes.STRING(8), primaryKey: true },
    year: { type: DataTypes.INTEGER, primaryKey: true },
    last: { type: DataTypes.INTEGER, allowNull: false },
  });

  /** The central administrator's price of one card for a year (over config/documents.json card_prices). */
  await qi.createTable('card_prices', {
    year: { type: DataTypes.INTEGER, primaryKey: true },
    price_kopecks: { type: DataTypes.INTEGER, allowNull: false },
    updated_by: { type: DataTypes.INTEGER, allowNull: true },
    updated_at: ts,
  });

  // The budget counts card events by year and status; the to-issue list reads members by status.
  await qi.addIndex('card_events', ['to_status', 'at'], { name: 'card_events_status_at' });
  await qi.addIndex('members', ['card_status', 'org_id'], { name: 'members_card_status' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.removeIndex('members', 'members_card_status');
  await qi.removeIndex('card_events', 'card_events_status_at');
  for (const t of ['card_prices', 'card_numbers', 'card_order_items', 'card_orders', 'card_batches']) await qi.dropTable(t);
}
