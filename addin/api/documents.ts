/**
 * Printing documents from the task pane: consents, the obligation, login letters. The server answers
 * a short-lived (5 minutes), single-use download link; the pane opens it in the browser
 * (Office.context.ui.openBrowserWindow, or window.open in Excel on the web) — the bearer token never
 * goes into a URL. Opening is the UI's business; these functions only call the API.
 */
import type { ConsentKind } from '../../domain/members/codes';
import type { Role } from '../../domain/roles';
import type { ApiClient } from './client';

/** What every printing call answers. */
export interface DocumentLink {
  documentId: string;
  /** Absolute URL; works once, until `expiresAt`. */
  downloadUrl: string;
  expiresAt: string;
}

export interface PrintConsentsOptions {
  /** The members chosen on the sheet (their register ids); or: */
  memberIds?: string[];
  /** Everyone in the organisation whose chosen consents are not collected yet (each gets only those). */
  allWithoutSignedConsents?: boolean;
  /** Default: all three, each a separate document. */
  kinds?: ConsentKind[];
  /** One .docx for all (default) or a .zip with one .docx per member. */
  format?: 'docx' | 'zip';
  /** Double-sided printing: every consent starts on an odd page (a blank back page where needed). */
  doubleSided?: boolean;
  signal?: AbortSignal;
}

export interface NotPrintableMember {
  memberId: string;
  /** Russian, for the chair: what to fix in the member's card. */
  reason: string;
}

export interface PrintConsentsResult extends DocumentLink {
  /** Members whose consents are in the file. */
  printed: number;
  /** Consent documents in the file (a page each). */
  consents: number;
  /** Members left out, with the reason (ids only: the pane finds the rows on the sheet). */
  notPrintable: NotPrintableMember[];
}

export interface AccountView {
  id: number;
  login: string;
  fullName: string;
  role: Role;
  orgId: number;
  orgName: string;
  active: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  obligationSignedAt: string | null;
  obligationRecordedAt: string | null;
  trainingCompletedAt: string | null;
}

export interface CredentialsWithLetter extends DocumentLink {
  account: AccountView;
  /** Shown once; it is also in the letter behind `downloadUrl`. Never store it. */
  oneTimePassword: string;
}

/**
 * Consents of an organisation's members (a primary organisation, or a профбюро/профгруппа in it).
 * Errors (ApiError): 404 a chosen member is not in the organisation; 403 the obligation is not
 * recorded yet; 422 details missing — the `detail` says what to fill in where (passport, settings).
 */
export function printConsents(client: ApiClient, orgId: number, opts: PrintConsentsOptions): Promise<PrintConsentsResult> {
  const body: Record<string, unknown> = { format: opts.format ?? 'docx' };
  if (opts.memberIds) body.memberIds = opts.memberIds;
  if (opts.allWithoutSignedConsents) body.allWithoutSignedConsents = true;
  if (opts.kinds) body.kinds = opts.kinds;
  if (opts.doubleSided) body.doubleSided = true;
  return client.request<PrintConsentsResult>(`/organisations/${orgId}/documents/consents`, {
    method: 'POST',
    body,
    // A repeated print only makes another copy: safe to retry a lost answer.
    idempotent: true,
    timeoutMs: 180_000,
    signal: opts.signal,
  });
}

/**
 * The obligation not to disclose personal data: `'me'` — the signed-in user's own (open before the
 * obligation is recorded, so the chair can print and sign it); a user id — a chair whose account the
 * signed-in (territorial, regional) chair manages.
 */
export function printObligation(client: ApiClient, whose: 'me' | { userId: number }): Promise<DocumentLink> {
  const path = whose === 'me' ? '/me/documents/obligation' : `/accounts/${whose.userId}/documents/obligation`;
  return client.request<DocumentLink>(path, { method: 'POST', idempotent: true });
}

/**
 * Creates a chair's account and its login letter. Never retried automatically: a lost answer would
 * otherwise create a second account — on a network error, check the account list instead.
 * `contact` (phone or e-mail for help) defaults to the organisation's details for documents.
 */
export function createAccountWithLetter(client: ApiClient, orgId: number, input: { fullName: string; contact?: string }): Promise<CredentialsWithLetter> {
  return client.request<CredentialsWithLetter>(`/organisations/${orgId}/accounts/with-letter`, { method: 'POST', body: input, idempotent: false });
}

/** A new one-time password and its letter (the old password stops working). Never retried automatically. */
export function resetPasswordWithLetter(client: ApiClient, userId: number, input: { contact?: string } = {}): Promise<CredentialsWithLetter> {
  return client.request<CredentialsWithLetter>(`/accounts/${userId}/reset-password/with-letter`, { method: 'POST', body: input, idempotent: false });
}

/** True when the link is still worth opening (the server refuses it after `expiresAt` anyway). */
export function linkUsable(link: DocumentLink, now: Date = new Date()): boolean {
  return /^https?:\/\//.test(link.downloadUrl) && new Date(link.expiresAt).getTime() > now.getTime();
}

/** GET /organisations/:id/documents/details — a territorial, regional or central organisation's details for documents. */
export interface OrganisationDetailsView {
  orgId: number;
  orgName: string;
  /** The union body's full name as documents print it; null: the organisation's name in the tree. */
  unionName: string | null;
  legalAddress: string | null;
  /** Phone or e-mail for help, printed in the login letters this organisation issues. */
  contact: string | null;
  updatedAt: string | null;
}

export type OrganisationDetailsChange = Partial<Record<'unionName' | 'legalAddress' | 'contact', string | null>>;

export function getOrganisationDetails(client: ApiClient, orgId: number): Promise<OrganisationDetailsView> {
  return client.request<OrganisationDetailsView>(`/organisations/${orgId}/documents/details`);
}

/** Saves the fields given (null clears one); saving the same values again changes nothing. */
export function saveOrganisationDetails(client: ApiClient, orgId: number, change: OrganisationDetailsChange): Promise<OrganisationDetailsView> {
  return client.request<OrganisationDetailsView>(`/organisations/${orgId}/documents/details`, { method: 'PUT', body: change });
}
