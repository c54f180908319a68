/**
 * Indexes for the housekeeping sweep (server/services/housekeeping.ts): stored answers of pushes and
 * sign-in tokens are deleted by age, which needs their time columns indexed.
 */
import type { MigrationContext } from '../migrator';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.addIndex('idempotency_keys', ['created_at'], { name: 'idempotency_keys_created' });
  await qi.addIndex('auth_tokens', ['expires_at'], { name: 'auth_tokens_expiry' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.removeIndex('auth_tokens', 'auth_tokens_expiry');
  await qi.removeIndex('idempotency_keys', 'idempotency_keys_created');
}
