/**
 * Roll-out progress (the seven steps): campaigns with deadlines, per-organisation counters rolled up
 * the tree, the dates steps were first reached, and a queue of organisations whose accounts, passport
 * or place in the tree changed (filled by triggers, so the counters follow changes made by any code).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

/** Counters summed over the organisation's whole subtree (itself included). */
const ROLLED = [
  'n_primaries', 'n_accounts', 'n_obligations', 'n_trained',
  'n_tab_inpo', 'n_tab_registration', 'n_tab_organisation', 'n_tab_contacts', 'n_passports', 'n_structures',
  'hc_employees', 'hc_students', 'n_with_members',
  'm_registered', 'm_consent_union', 'm_consent_operator', 'm_consent_notify', 'm_consents_answered',
  'm_cards_eligible', 'm_cards_ordered', 'm_cards_received', 'm_cards_issued',
];
/** Facts about the organisation itself (a primary organisation's account, passport, structure, headcount). */
const FACTS = [
  'f_primary', 'f_accounts', 'f_obligations', 'f_trained',
  'f_tab_inpo', 'f_tab_registration', 'f_tab_organisation', 'f_tab_contacts', 'f_passports', 'f_structures',
  'f_employees', 'f_students',
];

const SQLITE_TRIGGERS = [
  'CREATE TRIGGER progress_dirty_org_ins AFTER INSERT ON organisations BEGIN INSERT INTO progress_dirty (org_id) VALUES (NEW.id); END',
  'CREATE TRIGGER progress_dirty_org_upd AFTER UPDATE OF parent_id, path, kind, status ON organisations BEGIN INSERT INTO progress_dirty (org_id) VALUES (NEW.id); END',
  'CREATE TRIGGER progress_dirty_user_ins AFTER INSERT ON users BEGIN INSERT INTO progress_dirty (org_id) VALUES (NEW.org_id); END',
  'CREATE TRIGGER progress_dirty_user_upd AFTER UPDATE OF org_id, active, obligation_recorded_at, training_completed_at, first_run_completed_at ON users BEGIN INSERT INTO progress_dirty (org_id) VALUES (NEW.org_id); INSERT INTO progress_dirty (org_id) SELECT OLD.org_id WHERE OLD.org_id <> NEW.org_id; END',
  'CREATE TRIGGER progress_dirty_user_del AFTER DELETE ON users BEGIN INSERT INTO progress_dirty (org_id) VALUES (OLD.org_id); END',
  'CREATE TRIGGER progress_dirty_passport_ins AFTER INSERT ON passports BEGIN INSERT INTO progress_dirty (org_id) VALUES (NEW.org_id); END',
  'CREATE TRIGGER progress_dirty_passport_upd AFTER UPDATE ON passports BEGIN INSERT INTO progress_dirty (org_id) VALUES (NEW.org_id); END',
  'CREATE TRIGGER progress_dirty_passport_del AFTER DELETE ON passports BEGIN INSERT INTO progress_dirty (org_id) VALUES (OLD.org_id); END',
];
const SQLITE_TRIGGER_NAMES = SQLITE_TRIGGERS.map((s) => /CREATE TRIGGER (\w+)/.exec(s)![1]);

const PG_FUNCTION = `CREATE OR REPLACE FUNCTION progress_mark_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'organisations' THEN
    INSERT INTO progress_dirty (org_id) VALUES (NEW.id);
  ELSE
    IF TG_OP <> 'INSERT' THEN INSERT INTO progress_dirty (org_id) VALUES (OLD.org_id); END IF;
    IF TG_OP <> 'DELETE' THEN INSERT INTO progress_dirty (org_id) VALUES (NEW.org_id); END IF;
  END IF;
  RETURN NULL;
END $$`;
const PG_TRIGGERS = [
  'CREATE TRIGGER progress_dirty_org AFTER INSERT OR UPDATE OF parent_id, path, kind, status ON organisations FOR EACH ROW EXECUTE FUNCTION progress_mark_dirty()',
  'CREATE TRIGGER progress_dirty_users AFTER INSERT OR DELETE OR UPDATE OF org_id, active, obligation_recorded_at, training_completed_at, first_run_completed_at ON users FOR EACH ROW EXECUTE FUNCTION progress_mark_dirty()',
  'CREATE TRIGGER progress_dirty_passports AFTER INSERT OR UPDATE OR DELETE ON passports FOR EACH ROW EXECUTE FUNCTION progress_mark_dirty()',
];
const PG_TRIGGER_TABLES: [string, string][] = [
  ['progress_dirty_org', 'organisations'],
  ['progress_dirty_users', 'users'],
  ['progress_dirty_passports', 'passports'],
];

export async function up({ queryInterface: qi, sequelize }: MigrationContext): Promise<void> {
  const pg = sequelize.getDialect() === 'postgres';
  const counter = { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 };

  await qi.createTable('progress_campaigns', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    /** The campaign applies to this organisation's subtree, unless a deeper organisation has its own. */
    root_org_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'organisations', key: 'id' } },
    name: { type: DataTypes.STRING(200), allowNull: false },
    /** 'roadmap:<rootId>' for the built-in roadmap campaign created on first use; null for campaigns made by people. */
    builtin_key: { type: DataTypes.STRING(64), allowNull: true, unique: true },
    /** JSON: [{ step: 1..7, startsOn: 'YYYY-MM-DD', dueOn: 'YYYY-MM-DD' }]. */
    steps: { type: DataTypes.TEXT, allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
    created_by: { type: DataTypes.INTEGER, allowNull: true },
    updated_by: { type: DataTypes.INTEGER, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('progress_campaigns', ['root_org_id'], { name: 'progress_campaigns_root' });

  const statsColumns: Record<string, unknown> = {
    org_id: { type: DataTypes.INTEGER, primaryKey: true },
    /** Where the counters believe the organisation stands (brought up to date from progress_dirty). */
    parent_id: { type: DataTypes.INTEGER, allowNull: true },
    path: { type: DataTypes.STRING(255), allowNull: false },
    kind: { type: DataTypes.STRING(32), allowNull: false },
  };
  for (const c of FACTS) statsColumns[c] = counter;
  for (const c of ROLLED) statsColumns[c] = counter;
  await qi.createTable('org_stats', statsColumns as Parameters<typeof qi.createTable>[1]);
  if (pg) await sequelize.query('ALTER TABLE org_stats ALTER COLUMN path TYPE varchar(255) COLLATE "C"');
  await qi.addIndex('org_stats', ['path'], { name: 'org_stats_path' });

  await qi.createTable('progress_milestones', {
    campaign_id: { type: DataTypes.INTEGER, primaryKey: true },
    org_id: { type: DataTypes.INTEGER, primaryKey: true },
    step: { type: DataTypes.INTEGER, primaryKey: true },
    /** The day the organisation was first seen at 100% of the step. */
    reached_on: { type: DataTypes.DATEONLY, allowNull: false },
  });

  await qi.createTable('progress_dirty', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    org_id: { type: DataTypes.INTEGER, allowNull: false },
  });

  /** One row (id = 1): the lock that orders counter rebuilds against member pushes, and when counters were last rebuilt. */
  await qi.createTable('progress_sync', {
    id: { type: DataTypes.INTEGER, primaryKey: true },
    recomputed_at: { type: DataTypes.DATE, allowNull: true },
  });
  await sequelize.query('INSERT INTO progress_sync (id, recomputed_at) VALUES (1, NULL)');

  if (pg) {
    await sequelize.query(PG_FUNCTION);
    for (const t of PG_TRIGGERS) await sequelize.query(t);
  } else {
    for (const t of SQLITE_TRIGGERS) await sequelize.query(t);
  }
}

export async function down({ queryInterface: qi, sequelize }: MigrationContext): Promise<void> {
  if (sequelize.getDialect() === 'postgres') {
    for (const [name, table] of PG_TRIGGER_TABLES) await sequelize.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    await sequelize.query('DROP FUNCTION IF EXISTS progress_mark_dirty()');
  } else {
    for (const name of SQLITE_TRIGGER_NAMES) await sequelize.query(`DROP TRIGGER IF EXISTS ${name}`);
  }
  for (const t of ['progress_sync', 'progress_dirty', 'progress_milestones', 'org_stats', 'progress_campaigns']) {
    await qi.dropTable(t);
  }
}
