/**
 * Chairs' accounts from the task pane (roadmap step 1, for territorial and regional chairs and the
 * central administrator): the accounts of the organisations below, the signed obligation recorded,
 * an account switched off and on. Creating an account and a new password come with the login letter
 * (addin/api/documents.ts: createAccountWithLetter, resetPasswordWithLetter). Shapes follow
 * server/routes/auth.schema.ts (accountResponse) and server/services/accounts.service.ts.
 */
import type { ApiClient } from './client';
import type { AccountView } from './documents';

export type { AccountView };

/** The accounts of the organisation and every organisation below it (the caller's own among them). */
export function listAccounts(client: ApiClient, orgId: number): Promise<AccountView[]> {
  return client.request<AccountView[]>(`/organisations/${orgId}/accounts`);
}

/**
 * Records that the chair's signed non-disclosure obligation was received (date of signature, ISO);
 * from then on the chair can read and write members' personal data. Recording it again with the
 * same date changes nothing, so a lost answer is safely retried.
 */
export function recordObligation(client: ApiClient, userId: number, signedAt: string): Promise<AccountView> {
  return client.request<AccountView>(`/accounts/${userId}/obligation`, { method: 'POST', body: { signedAt }, idempotent: true });
}

/** Switches an account off (its sessions end at once) or on again. */
export function setAccountActive(client: ApiClient, userId: number, active: boolean): Promise<AccountView> {
  return client.request<AccountView>(`/accounts/${userId}/active`, { method: 'POST', body: { active }, idempotent: true });
}
