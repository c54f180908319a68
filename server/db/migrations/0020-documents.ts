/**
 * Documents from templates (roadmap steps 1 and 5): the versioned template store, every printed
 * document with the template versions it used and its single-use download link, and a key/value
 * settings table (document settings such as the card operator's details, organisations' details
 * for the documents).
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  /** Every version of every template kind; version 1 of a kind is the file shipped in templates/. */
  await qi.createTable('document_templates', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    /** A kind of server/documents/template-kinds.ts: 'consent-union', 'obligation', … */
    kind: { type: DataTypes.STRING(32), allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    content: { type: DataTypes.BLOB, allowNull: false },
    size_bytes: { type: DataTypes.INTEGER, allowNull: false },
    /** The administrator who uploaded it; null for a file shipped with the server. */
    uploaded_by: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
    uploaded_at: { type: DataTypes.DATE, allowNull: false },
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  });
  await qi.addIndex('document_templates', ['kind', 'version'], { unique: true, name: 'document_templates_kind_version' });
  await qi.addIndex('document_templates', ['kind'], { unique: true, name: 'document_templates_one_active', where: { active: true } });

  /**
   * A printed document. The file is kept only until it is downloaded once or its link expires, and
   * only encrypted with a key derived from the download token, which the server does not keep
   * (it stores the token's SHA-256): a login letter's one-time password is never stored readable.
   */
  await qi.createTable('printed_documents', {
    id: { type: DataTypes.STRING(36), primaryKey: true },
    /** What the file is (server/services/documents/downloads.ts PrintedKind): 'consents', 'obligation', 'login-letter', card files, the roll-out report. */
    kind: { type: DataTypes.STRING(32), allowNull: false },
    /** JSON object: template kind → version used, e.g. {"consent-union":2,"consent-operator":1}. */
    template_version: { type: DataTypes.TEXT, allowNull: false },
    org_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'organisations', key: 'id' } },
    /** JSON array of the printed members' ids (ids only, never names); null for other documents. */
    member_ids: { type: DataTypes.TEXT, allowNull: true },
    /** The account an obligation or a login letter is for. */
    subject_user_id: { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' } },
    /** Who printed it. */
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
    format: { type: DataTypes.STRING(8), allowNull: false },
    file_name: { type: DataTypes.STRING(255), allowNull: false },
    content_type: { type: DataTypes.STRING(120), allowNull: false },
    size_bytes: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.DATE, allowNull: false },
    download_token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    downloaded_at: { type: DataTypes.DATE, allowNull: true },
    /** AES-256-GCM (iv ‖ tag ‖ ciphertext); NULL once downloaded or expired. */
    file: { type: DataTypes.BLOB, allowNull: true },
    file_deleted_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex('printed_documents', ['org_id', 'created_at'], { name: 'printed_documents_org' });
  await qi.addIndex('printed_documents', ['expires_at'], { name: 'printed_documents_expiry' });

  /** Key/value settings edited through the API (JSON values). */
  await qi.createTable('settings', {
    key: { type: DataTypes.STRING(200), primaryKey: true },
    value: { type: DataTypes.TEXT, allowNull: false },
    updated_by: { type: DataTypes.INTEGER, allowNull: true },
    updated_at: { type: DataTypes.DATE, allowNull: false },
  });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const t of ['settings', 'printed_documents', 'document_templates']) await qi.dropTable(t);
}
