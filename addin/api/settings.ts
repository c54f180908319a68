/**
 * The central administrator's settings from the task pane: the card operator's details that the
 * consent to the operator prints (config/documents.json, overridden here), the card price by year,
 * and the document templates (which version is in use, which placeholders each needs, a replacement
 * uploaded as .docx — accepted only with every required placeholder — and the current one opened
 * through a single-use link to edit in Word). Shapes follow server/routes/documents.schema.ts and
 * server/routes/cards.schema.ts.
 */
import type { ApiClient } from './client';
import type { DocumentLink } from './documents';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface CardOperatorDetails {
  name: string | null;
  inn: string | null;
  address: string | null;
  /** The contract with the operator, printed in card orders (not needed for the consent). */
  contract: string | null;
}

/** GET /settings/documents */
export interface DocumentSettings {
  /** What the documents use now (the override where set, else config/documents.json). */
  cardOperator: CardOperatorDetails;
  /** config/documents.json values. */
  defaults: CardOperatorDetails;
  /** The administrator's overrides (null: not overridden). */
  overrides: CardOperatorDetails;
  /** Russian names of the details still missing: until they are filled the consent to the operator is not printed. */
  missing: string[];
  /** Processors named in the consents (hosting contractor, SMS gateway, PUSH app); null: not set, not printed. */
  processors: Record<ProcessorRole, ProcessorDetails | null>;
  updatedAt: string | null;
}

/** GET /templates: one per kind of document. */
export interface TemplateInfo {
  kind: string;
  title: string;
  version: number;
  sha256: string;
  sizeBytes: number;
  /** The template shipped with the product (not replaced yet). */
  shipped: boolean;
  uploadedBy: number | null;
  uploadedAt: string;
  versions: number;
  required: string[];
  optional: string[];
}

export interface TemplateUploadAnswer extends TemplateInfo {
  /** False when the file is the version in use already (nothing new was stored). */
  created: boolean;
}

export function getDocumentSettings(client: ApiClient): Promise<DocumentSettings> {
  return client.request<DocumentSettings>('/settings/documents');
}

export type ProcessorRole = 'hosting' | 'sms' | 'push';
export interface ProcessorDetails {
  name: string;
  inn: string | null;
  address: string;
}

/** Saves the processors given (null: not named by the administrator, the configuration file's applies). */
export function saveProcessors(client: ApiClient, change: Partial<Record<ProcessorRole, ProcessorDetails | null>>): Promise<DocumentSettings> {
  return client.request<DocumentSettings>('/settings/documents', { method: 'PUT', body: { processors: change } });
}

/** Saves the operator's details given; null returns a field to config/documents.json. */
export function saveCardOperator(client: ApiClient, change: Partial<CardOperatorDetails>): Promise<DocumentSettings> {
  return client.request<DocumentSettings>('/settings/documents', { method: 'PUT', body: { cardOperator: change } });
}

export function listTemplates(client: ApiClient): Promise<TemplateInfo[]> {
  return client.request<TemplateInfo[]>('/templates');
}

/**
 * A replacement template (.docx). The server refuses it (422, naming the missing placeholders) unless
 * it has every required one; the same file twice stores nothing new, so a lost answer is retried.
 */
export function uploadTemplate(client: ApiClient, kind: string, file: ArrayBuffer): Promise<TemplateUploadAnswer> {
  return client.request<TemplateUploadAnswer>(`/templates/${encodeURIComponent(kind)}`, {
    method: 'PUT',
    file: { bytes: new Uint8Array(file), contentType: DOCX_CONTENT_TYPE },
    timeoutMs: 120_000,
  });
}

/** A single-use link to the template in use, to open it in Word and edit it. */
export function templateLink(client: ApiClient, kind: string): Promise<DocumentLink> {
  return client.request<DocumentLink>(`/templates/${encodeURIComponent(kind)}/link`, { method: 'POST', idempotent: true });
}
