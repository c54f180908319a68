/**
 * «Ход внедрения» (the seven steps of the roadmap) from the task pane: the report of an organisation
 * and its direct children (writeProgressSheet in addin/excel/progress-sheet.ts takes it as is), the
 * checklist of a primary organisation, the «обучение пройдено» mark, and the report as an .xlsx file.
 * Shapes follow server/routes/progress.schema.ts.
 */
import type { OrgKind } from '../../domain/organisations';
import type { ApiClient } from './client';
import type { DocumentLink } from './documents';

export interface CampaignStep {
  step: number;
  title: string;
  startsOn: string;
  dueOn: string;
}

export interface Campaign {
  id: number;
  rootOrgId: number;
  rootOrgName: string;
  name: string;
  builtin: boolean;
  steps: CampaignStep[];
  version: number;
  createdAt: string;
  updatedAt: string;
  active: boolean;
  editable: boolean;
}

export interface ProgressIndicator {
  key: string;
  label: string;
  value: number;
  of: number | null;
  percent: number | null;
}

export interface StepProgress {
  step: number;
  title: string;
  /** False when the step has nothing to measure here (e.g. cards before anyone is registered). */
  applies: boolean;
  value: number;
  of: number;
  percent: number | null;
  done: boolean;
  reachedOn: string | null;
  startsOn: string | null;
  dueOn: string | null;
  overdue: boolean;
  indicators: ProgressIndicator[];
}

export interface OrgProgress {
  orgId: number;
  name: string;
  kind: OrgKind;
  kindLabel: string;
  parentId: number | null;
  hasChildren: boolean;
  campaignId: number | null;
  /** Counters by key (primaries, registered, accounts, …). */
  counts: Record<string, number> & { primaries: number; registered: number };
  coveragePercent: number | null;
  steps: StepProgress[];
  doneSteps: number;
  overdueSteps: number[];
}

export interface ProgressReport {
  generatedAt: string;
  today: string;
  campaign: Campaign | null;
  organisation: OrgProgress;
  children: OrgProgress[];
}

/** Where a checklist step is done in the pane. */
export type AddinView = 'account' | 'training' | 'passport' | 'structure' | 'members' | 'consents' | 'cards';

export interface ChecklistItem {
  step: number;
  title: string;
  /** What the chair does, in one line. */
  task: string;
  status: 'done' | 'next' | 'later';
  done: boolean;
  overdue: boolean;
  startsOn: string | null;
  dueOn: string | null;
  reachedOn: string | null;
  percent: number | null;
  /** Where the organisation stands, in words. */
  summary: string;
  instructions: string[];
  view: AddinView;
  relatedViews: AddinView[];
}

export interface Checklist {
  orgId: number;
  orgName: string;
  today: string;
  campaign: Campaign | null;
  nextStep: number | null;
  doneSteps: number;
  items: ChecklistItem[];
}

/** The organisation and each of its direct children (drill down by asking for a child). Counts only: open to every role in its subtree. */
export function getProgress(client: ApiClient, orgId: number, signal?: AbortSignal): Promise<ProgressReport> {
  return client.request<ProgressReport>(`/organisations/${orgId}/progress`, { timeoutMs: 90_000, signal });
}

/** The seven steps of a primary organisation (400 for other kinds). */
export function getChecklist(client: ApiClient, orgId: number, signal?: AbortSignal): Promise<Checklist> {
  return client.request<Checklist>(`/organisations/${orgId}/checklist`, { timeoutMs: 60_000, signal });
}

/** Roadmap step 2: the signed-in chair marks the training as done (repeating is harmless). */
export function markTrainingDone(client: ApiClient): Promise<unknown> {
  return client.markProgress('training');
}

/**
 * A single-use link to the report as .xlsx (5 minutes, one use). The pane opens it in the browser
 * (Office's own window in desktop Excel), where the bearer token is not needed and never appears.
 */
export function progressWorkbookLink(client: ApiClient, orgId: number): Promise<DocumentLink> {
  return client.request<DocumentLink>(`/organisations/${orgId}/progress-link`, { method: 'POST', body: {}, idempotent: true, timeoutMs: 90_000 });
}
