/**
 * Card files through the document service's single-use download links (server/services/documents/
 * downloads.ts): the task pane cannot send its bearer token from a browser window, so it asks for a
 * link (5 minutes, one use, the file stored encrypted with a key only the link carries) and opens it.
 * The GET routes of the same files stay for API clients that send the token themselves.
 */
import type { OrganisationRow } from '../../db/models';
import type { Actor, Ctx } from '../context';
import { storePrinted, type IssuedLink } from '../documents/downloads';
import { XLSX_CONTENT_TYPE, auditBatchExport, buildBatchFile, type BatchFile } from './batches.service';
import { buildBudgetWorkbook, budgetFileName, cardBudget } from './budget.service';

/** POST /card-batches/:batchId/links: a single-use link to the application or the register (audited twice: export and print). */
export async function batchFileLink(ctx: Ctx, actor: Actor, batchId: number, which: BatchFile): Promise<IssuedLink> {
  const built = await buildBatchFile(ctx, actor, batchId, which);
  const format = which.split('.')[1] as 'docx' | 'xlsx' | 'csv';
  const link = await storePrinted(
    ctx,
    {
      kind: which === 'application.docx' ? 'card-application' : 'card-register',
      format,
      templateVersions: built.templateVersions,
      orgId: built.batch.orgId,
      memberIds: built.memberIds,
      userId: actor.userId,
      fileName: built.fileName,
      contentType: built.contentType,
      file: built.file,
    },
    { details: { cardBatchId: built.batch.id, cardBatchNumber: built.batch.number } },
  );
  await auditBatchExport(ctx, actor, built, which, 'link');
  return link;
}

/** POST …/cards/budget-link: a single-use link to budget.xlsx (counts only, no personal data). */
export async function budgetLink(ctx: Ctx, actor: Actor, org: OrganisationRow, year: number): Promise<IssuedLink> {
  const budget = await cardBudget(ctx, org, year);
  return storePrinted(ctx, {
    kind: 'card-budget',
    format: 'xlsx',
    templateVersions: {},
    orgId: org.id,
    userId: actor.userId,
    fileName: budgetFileName(budget),
    contentType: XLSX_CONTENT_TYPE,
    file: await buildBudgetWorkbook(budget),
  });
}
