/**
 * The roll-out report as a file through a single-use download link (server/services/documents/
 * downloads.ts): the task pane cannot send its bearer token from a browser window, so it asks for a
 * link (5 minutes, one use) and opens it — in desktop Excel in Office's own browser window, where a
 * download from the pane itself may not be offered. Counts only: no personal data in the file.
 */
import type { OrganisationRow } from '../../db/models';
import type { Actor, Ctx } from '../context';
import { storePrinted, type IssuedLink } from '../documents/downloads';
import { progressReport } from './report.service';
import { PROGRESS_XLSX_CONTENT_TYPE, buildProgressWorkbook, progressFileName } from './xlsx';

/** POST …/progress-link: a single-use link to «Ход внедрения — <organisation>.xlsx». */
export async function progressLink(ctx: Ctx, actor: Actor, org: OrganisationRow): Promise<IssuedLink> {
  const report = await progressReport(ctx, actor, org);
  return storePrinted(ctx, {
    kind: 'progress-report',
    format: 'xlsx',
    templateVersions: {},
    orgId: org.id,
    userId: actor.userId,
    fileName: progressFileName(report),
    contentType: PROGRESS_XLSX_CONTENT_TYPE,
    file: await buildProgressWorkbook(report),
  });
}
