/**
 * Shapes of the registry API answers the task pane reads (see GET /api/v1/openapi.json and
 * server/routes/*.schema.ts). Member data and the sync contract come from domain/.
 */
import type { MemberData, MemberFieldKey } from '../../domain/members/columns';
import type { OrgKind } from '../../domain/organisations';
import type { PassportData, PassportKey, PassportTab } from '../../domain/passport';
import type { Role } from '../../domain/roles';

export interface LoginResult {
  token: string;
  expiresAt: string;
  mustChangePassword: boolean;
  user: { id: number; login: string; fullName: string; role: Role; orgId: number };
  /** Only with «Запомнить меня»: the next refresh token and when it lapses unused. */
  refreshToken?: string;
  refreshExpiresAt?: string;
}

/** GET /me */
export interface Me {
  id: number;
  login: string;
  fullName: string;
  role: Role;
  orgId: number;
  orgName: string;
  orgPath: string;
  orgKind: OrgKind;
  active: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  obligationSignedAt: string | null;
  obligationRecordedAt: string | null;
  trainingCompletedAt: string | null;
}

export interface OrgView {
  id: number;
  parentId: number | null;
  kind: OrgKind;
  kindLabel: string;
  name: string;
  path: string;
  depth: number;
  status: 'active' | 'closed';
  closedAt: string | null;
}

export interface TabCompletenessView {
  tab: PassportTab;
  label: string;
  filled: number;
  total: number;
  percent: number;
  missing: string[];
}

export interface PassportView {
  orgId: number;
  orgName: string;
  version: number;
  data: PassportData;
  completeness: { percent: number; complete: boolean; tabs: TabCompletenessView[] };
  updatedAt: string | null;
}

export type PassportInput = Partial<Record<PassportKey, string | number | null>>;

/** One push (or upload, or the undo of one) as GET …/batches lists it. */
export interface BatchView {
  id: string;
  orgId: number;
  userId: number;
  kind: 'push' | 'upload' | 'revert';
  createdAt: string | null;
  counts: Record<string, number>;
  revertsBatchId: string | null;
  revertedAt: string | null;
  revertedBy: number | null;
}

/** POST /batches/:batchId/revert */
export interface RevertResult {
  /** The batch that records the undo itself. */
  batchId: string;
  revertedBatchId: string;
  restored: number;
  deleted: number;
}

/** One member as GET …/members returns it: normalised data and the same data as sheet cells. */
export interface MemberRecord {
  id: string;
  version: number;
  orgId?: number;
  primaryOrgId?: number;
  /** Name of the профбюро/профгруппа, null when registered in the primary organisation itself. */
  unit?: string | null;
  data: MemberData;
  /** What the sheet shows: labels, dd.mm.yyyy dates, formatted СНИЛС and phone. */
  cells: Record<MemberFieldKey, string | null>;
}

export interface MemberPage {
  items: MemberRecord[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
  /** Members in the whole list, when the server counts them (for the progress bar). */
  total?: number | null;
}
