/**
 * «Запомнить меня на этом компьютере»: long-lived refresh tokens that the pane keeps in its own
 * origin's localStorage and exchanges for a session token when it opens.
 *  - Only the SHA-256 of a token is stored, as for session tokens.
 *  - Each exchange rotates the token: the old row gets `used_at`, a new row joins the same family.
 *    A token presented again after it was rotated (a copy in someone else's hands, or an old one)
 *    ends the whole family, and the session tokens the family issued (auth_tokens.refresh_family).
 *  - A password change, a reset, a deactivation and «Выйти на всех устройствах» revoke every family
 *    of the user.
 */
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../migrator';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.createTable('refresh_tokens', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    family_id: { type: DataTypes.STRING(32), allowNull: false },
    user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' } },
    expires_at: { type: DataTypes.DATE, allowNull: false },
    used_at: { type: DataTypes.DATE, allowNull: true },
    revoked_at: { type: DataTypes.DATE, allowNull: true },
    created_at: { type: DataTypes.DATE, allowNull: false },
  });
  await qi.addIndex('refresh_tokens', ['family_id'], { name: 'refresh_tokens_family' });
  await qi.addIndex('refresh_tokens', ['user_id'], { name: 'refresh_tokens_user' });
  await qi.addIndex('refresh_tokens', ['expires_at'], { name: 'refresh_tokens_expiry' });
  await qi.addColumn('auth_tokens', 'refresh_family', { type: DataTypes.STRING(32), allowNull: true });
  await qi.addIndex('auth_tokens', ['refresh_family'], { name: 'auth_tokens_refresh_family' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.removeIndex('auth_tokens', 'auth_tokens_refresh_family');
  await qi.removeColumn('auth_tokens', 'refresh_family');
  await qi.dropTable('refresh_tokens');
}
