/** The member record card (учётная карточка). One row per registration; ids are UUIDs made by the server. */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  const str = (n: number, allowNull = true) => ({ type: DataTypes.STRING(n), allowNull });
  const date = { type: DataTypes.DATEONLY, allowNull: true };
  await qi.createTable('members', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    /** The lowest unit the member is registered in (the ППО itself, a профбюро or a профгруппа). */
    org_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
    /** The primary organisation that keeps the member (scope of the sheet). */
    primary_org_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
    surname: str(100, false),
    name: str(100, false),
    patronymic: str(100),
    /** Lower-case, ё→е, "surname name patronymic|birthDate": the duplicate key when there is no СНИЛС. */
    name_key: str(420, false),
    sex: str(8),
    birth_date: { type: DataTypes.DATEONLY, allowNull: false },
    snils: str(11),
    phone: str(16),
    email: str(254),
    position: str(300),
    category: str(32, false),
    joined_at: date,
    consent_union: str(16),
    consent_union_date: date,
    consent_operator: str(16),
    consent_operator_date: date,
    consent_notify: str(16),
    consent_notify_date: date,
    card_status: str(16),
    card_status_at: { type: DataTypes.DATE, allowNull: true },
    address: str(500),
    id_document: str(500),
    registered_at: { type: DataTypes.DATEONLY, allowNull: false },
    deregistered_at: date,
    deregistration_reason: str(64),
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    last_batch_id: str(36),
    created_by: { type: DataTypes.INTEGER, allowNull: true },
    updated_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('members', ['primary_org_id', 'surname', 'name'], { name: 'members_primary_org' });
  await qi.addIndex('members', ['org_id'], { name: 'members_org' });
  // One active registration per person in the whole union (DOMAIN: a member belongs to exactly one organisation).
  await qi.addIndex('members', ['snils'], { name: 'members_active_snils', unique: true, where: { deregistered_at: null } });
  await qi.addIndex('members', ['name_key'], { name: 'members_active_name_key', where: { deregistered_at: null } });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.dropTable('members');
}
