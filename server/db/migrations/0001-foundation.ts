/** Organisations (materialised path), passports, users, tokens, audit log, shared rate-limit and idempotency stores. */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

const now = { type: DataTypes.DATE, allowNull: false };

export async function up({ queryInterface: qi, sequelize }: MigrationContext): Promise<void> {
  await qi.createTable('organisations', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    parent_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'organisations', key: 'id' } },
    kind: { type: DataTypes.STRING(32), allowNull: false },
    name: { type: DataTypes.STRING(500), allowNull: false },
    path: { type: DataTypes.STRING(255), allowNull: false },
    depth: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
    closed_at: { type: DataTypes.DATE, allowNull: true },
    created_at: now,
    updated_at: now,
  });
  if (sequelize.getDialect() === 'postgres') {
    // Byte-order comparison so that a subtree is one range scan: path >= '/1/5/' AND path < '/1/50'.
    await sequelize.query('ALTER TABLE organisations ALTER COLUMN path TYPE varchar(255) COLLATE "C"');
  }
  await qi.addIndex('organisations', ['path'], { unique: true, name: 'organisations_path' });
  await qi.addIndex('organisations', ['parent_id'], { name: 'organisations_parent' });

  await qi.createTable('passports', {
    org_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'organisations', key: 'id' } },
    inpo_number: { type: DataTypes.STRING(32), allowNull: true },
    union_name: { type: DataTypes.STRING(500), allowNull: true },
    inn: { type: DataTypes.STRING(12), allowNull: true },
    kpp: { type: DataTypes.STRING(9), allowNull: true },
    ogrn: { type: DataTypes.STRING(15), allowNull: true },
    registration_date: { type: DataTypes.DATEONLY, allowNull: true },
    institution_name: { type: DataTypes.STRING(500), allowNull: true },
    institution_type: { type: DataTypes.STRING(64), allowNull: true },
    chair_full_name: { type: DataTypes.STRING(300), allowNull: true },
    chair_position: { type: DataTypes.STRING(200), allowNull: true },
    employees_count: { type: DataTypes.INTEGER, allowNull: true },
    students_count: { type: DataTypes.INTEGER, allowNull: true },
    legal_address: { type: DataTypes.STRING(500), allowNull: true },
    postal_address: { type: DataTypes.STRING(500), allowNull: true },
    postal_index: { type: DataTypes.STRING(6), allowNull: true },
    phone: { type: DataTypes.STRING(16), allowNull: true },
    email: { type: DataTypes.STRING(254), allowNull: true },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    updated_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: now,
    updated_at: now,
  });

  await qi.createTable('users', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    login: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    full_name: { type: DataTypes.STRING(300), allowNull: false },
    role: { type: DataTypes.STRING(32), allowNull: false },
    org_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
    password_hash: { type: DataTypes.STRING(255), allowNull: false },
    must_change_password: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    failed_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    locked_until: { type: DataTypes.DATE, allowNull: true },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    obligation_signed_at: { type: DataTypes.DATEONLY, allowNull: true },
    obligation_recorded_at: { type: DataTypes.DATE, allowNull: true },
    obligation_recorded_by: { type: DataTypes.INTEGER, allowNull: true },
    training_completed_at: { type: DataTypes.DATE, allowNull: true },
    first_run_completed_at: { type: DataTypes.DATE, allowNull: true },
    created_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: now,
    updated_at: now,
  });
  await qi.addIndex('users', ['org_id'], { name: 'users_org' });

  await qi.createTable('auth_tokens', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    revoked_at: { type: DataTypes.DATE, allowNull: true },
    created_at: now,
  });
  await qi.addIndex('auth_tokens', ['user_id'], { name: 'auth_tokens_user' });

  await qi.createTable('audit_log', {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    at: now,
    user_id: { type: DataTypes.INTEGER, allowNull: true },
    org_id: { type: DataTypes.INTEGER, allowNull: true },
    action: { type: DataTypes.STRING(64), allowNull: false },
    entity: { type: DataTypes.STRING(64), allowNull: false },
    entity_id: { type: DataTypes.STRING(64), allowNull: true },
    /** JSON array of the names of changed fields — never their values when they are personal data. */
    fields: { type: DataTypes.TEXT, allowNull: true },
    /** JSON object with non-personal details (counts, batch ids, template versions). */
    details: { type: DataTypes.TEXT, allowNull: true },
  });
  await qi.addIndex('audit_log', ['org_id', 'at'], { name: 'audit_log_org_at' });
  await qi.addIndex('audit_log', ['entity', 'entity_id'], { name: 'audit_log_entity' });

  await qi.createTable('rate_limit_hits', {
    key: { type: DataTypes.STRING(200), primaryKey: true },
    hits: { type: DataTypes.INTEGER, allowNull: false },
    /** Epoch milliseconds when the window ends (a number compares the same on both databases). */
    reset_ms: { type: DataTypes.BIGINT, allowNull: false },
  });

  await qi.createTable('idempotency_keys', {
    user_id: { type: DataTypes.INTEGER, primaryKey: true },
    key: { type: DataTypes.STRING(200), primaryKey: true },
    scope: { type: DataTypes.STRING(100), allowNull: false },
    request_hash: { type: DataTypes.STRING(64), allowNull: false },
    status_code: { type: DataTypes.INTEGER, allowNull: false },
    response: { type: DataTypes.TEXT, allowNull: false },
    created_at: now,
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const t of ['idempotency_keys', 'rate_limit_hits', 'audit_log', 'auth_tokens', 'users', 'passports', 'organisations']) {
    await qi.dropTable(t);
  }
}
