/**
 * Transfers of members between primary organisations from the task pane: the sending chair finds the
 * receiving ППО by name and asks for the transfer; the receiving chair accepts or rejects it; the
 * sender may cancel while it waits. Shapes follow server/routes/members.schema.ts (transferView) and
 * server/routes/organisations.schema.ts (foundOrganisations).
 */
import type { ApiClient } from './client';

export type TransferStatus = 'pending' | 'accepted' | 'rejected' | 'cancelled';

export interface TransferView {
  id: string;
  memberId: string;
  member: { surname: string; name: string; patronymic: string | null; birthDate: string };
  from: { id: number; name: string };
  to: { id: number; name: string };
  status: TransferStatus;
  requestedAt: string | null;
  requestedBy: number;
  decidedAt: string | null;
  decidedBy: number | null;
}

export interface FoundOrganisation {
  id: number;
  name: string;
  /** The organisations above it, nearest first. */
  above: string[];
  /** What tells two ППО of the same name apart: their territorial organisation, ИНН (passport) and the chair's initials. */
  territorial: string | null;
  inn: string | null;
  chairInitials: string | null;
}

/**
 * The line under a found ППО's name, so that namesakes in different districts can be told apart:
 * «Заречная районная организация · ИНН 7830002293 · председатель П. О. И.» (what is unknown is left out).
 */
export function foundDetails(o: FoundOrganisation): string {
  const parts: string[] = [];
  const where = o.territorial ?? o.above[0] ?? null;
  if (where) parts.push(where);
  if (o.inn) parts.push(`ИНН ${o.inn}`);
  if (o.chairInitials) parts.push(`председатель ${o.chairInitials}`);
  return parts.join(' · ');
}

/** Primary organisations anywhere in the union whose name has every word of `q` (3 characters at least). */
export function findPrimaryOrganisations(client: ApiClient, q: string): Promise<FoundOrganisation[]> {
  return client.request<FoundOrganisation[]>('/primary-organisations', { query: { q } });
}

/** Asks for a transfer; a second request for the same member answers 409 (one is already waiting). */
export function requestTransfer(client: ApiClient, memberId: string, toOrgId: number): Promise<TransferView> {
  return client.request<TransferView>(`/members/${encodeURIComponent(memberId)}/transfers`, { method: 'POST', body: { toOrgId }, timeoutMs: 30_000 });
}

export function listTransfers(client: ApiClient, orgId: number, direction: 'incoming' | 'outgoing'): Promise<TransferView[]> {
  return client.request<TransferView[]>(`/organisations/${orgId}/transfers`, { query: { direction } });
}

/** accept / reject (the receiving organisation) or cancel (the sending one); a decided transfer answers 409. */
export function decideTransfer(client: ApiClient, transferId: string, decision: 'accept' | 'reject' | 'cancel'): Promise<TransferView> {
  return client.request<TransferView>(`/transfers/${encodeURIComponent(transferId)}/${decision}`, { method: 'POST', ...(decision === 'accept' ? { body: {} } : {}), timeoutMs: 30_000 });
}
