/**
 * Printed documents and their short-lived, single-use download links.
 *
 * The add-in must open a document in the browser (Office.context.ui.openBrowserWindow), where it
 * cannot send the bearer token — and a bearer token must never be put in a URL. So printing answers
 * a link with a random token of its own (256 bits) that is the only credential for that one file:
 *  - the server stores only the token's SHA-256, never the token;
 *  - the file is stored encrypted (AES-256-GCM) with a key derived from the token, so what is in the
 *    database is unreadable without the link — a login letter's one-time password included;
 *  - the link works once: the first download claims it atomically and the stored bytes are deleted
 *    right away; a second use answers 410 Gone;
 *  - it expires after DOWNLOAD_TTL_MINUTES; expired files are deleted by a sweep that runs on every
 *    print and every download (410 Gone after that).
 * The row itself stays as the record of what was printed (kind, template versions, member ids, who,
 * when, when downloaded) — without the file.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { Op } from 'sequelize';
import { AppError, notFound } from '../../errors';
import { recordAudit } from '../audit.service';
import type { Ctx } from '../context';
import { documentModels } from './models';

export const DOWNLOAD_TTL_MINUTES = 5;

/** What a stored file is: documents printed from templates, card files, the roll-out report. */
export type PrintedKind = 'consents' | 'obligation' | 'login-letter' | 'card-application' | 'card-register' | 'card-budget' | 'progress-report' | 'template';

export interface NewPrintedDocument {
  kind: PrintedKind;
  /** Template kind → version used. */
  templateVersions: Record<string, number>;
  orgId: number | null;
  memberIds?: readonly string[];
  subjectUserId?: number | null;
  userId: number;
  format: 'docx' | 'zip' | 'xlsx' | 'csv';
  fileName: string;
  contentType: string;
  file: Buffer;
}

export interface IssuedLink {
  documentId: string;
  /** Absolute URL of the single-use link (the server's public origin). */
  downloadUrl: string;
  expiresAt: string;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function fileKey(token: string, documentId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), Buffer.from(documentId, 'utf8'), 'union-registry/printed-document', 32));
}

/** iv (12) ‖ tag (16) ‖ ciphertext */
export function sealFile(token: string, documentId: string, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', fileKey(token, documentId), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openFile(token: string, documentId: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', fileKey(token, documentId), sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

/** Deletes the files of expired links (their rows stay). */
export async function sweepExpired(ctx: Ctx): Promise<number> {
  const now = ctx.now();
  const [n] = await documentModels(ctx.db).PrintedDocument.update(
    { file: null, fileDeletedAt: now },
    { where: { file: { [Op.ne]: null }, expiresAt: { [Op.lte]: now } } },
  );
  return n;
}

/** Stores a printed document (encrypted) and returns its single-use link. Audits the printing. */
export async function storePrinted(ctx: Ctx, doc: NewPrintedDocument, audit: { action?: string; details?: Record<string, unknown> } = {}): Promise<IssuedLink> {
  await sweepExpired(ctx);
  const id = randomUUID();
  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + DOWNLOAD_TTL_MINUTES * 60_000);
  await ctx.db.sequelize.transaction(async (transaction) => {
    await documentModels(ctx.db).PrintedDocument.create(
      {
        id,
        kind: doc.kind,
        templateVersion: JSON.stringify(doc.templateVersions),
        orgId: doc.orgId,
        memberIds: doc.memberIds ? JSON.stringify(doc.memberIds) : null,
        subjectUserId: doc.subjectUserId ?? null,
        userId: doc.userId,
        format: doc.format,
        fileName: doc.fileName,
        contentType: doc.contentType,
        sizeBytes: doc.file.length,
        createdAt: now,
        downloadTokenHash: tokenHash(token),
        expiresAt,
        file: sealFile(token, id, doc.file),
      },
      { transaction },
    );
    await recordAudit(
      ctx,
      {
        userId: doc.userId,
        orgId: doc.orgId,
        action: audit.action ?? 'document.printed',
        entity: 'printed_document',
        entityId: id,
        details: {
          kind: doc.kind,
          format: doc.format,
          templateVersions: doc.templateVersions,
          ...(doc.memberIds ? { memberIds: doc.memberIds } : {}),
          ...(doc.subjectUserId ? { subjectUserId: doc.subjectUserId } : {}),
          ...(audit.details ?? {}),
        },
      },
      transaction,
    );
  });
  return { documentId: id, downloadUrl: `${ctx.config.publicOrigin}/api/v1/downloads/${token}`, expiresAt: expiresAt.toISOString() };
}

const gone = (code: string, detail: string) => new AppError(410, code, detail);
const USED = 'Файл по этой ссылке уже скачан: ссылка одноразовая. Если файл не сохранился, сформируйте документ заново.';
const EXPIRED = `Срок действия ссылки истёк (она действует ${DOWNLOAD_TTL_MINUTES} минут). Сформируйте документ заново.`;

/** The link's row when it can still be downloaded: 404 unknown link, 410 used or expired. */
async function usableLink(ctx: Ctx, token: string) {
  if (!TOKEN_RE.test(token)) throw notFound('Ссылка на файл не найдена. Сформируйте документ заново.');
  await sweepExpired(ctx);
  const row = await documentModels(ctx.db).PrintedDocument.findOne({ where: { downloadTokenHash: tokenHash(token) }, attributes: { exclude: ['file'] } });
  if (!row) throw notFound('Ссылка на файл не найдена. Сформируйте документ заново.');
  if (row.downloadedAt) throw gone('link_used', USED);
  if (row.expiresAt.getTime() <= ctx.now().getTime()) throw gone('link_expired', EXPIRED);
  return row;
}

/**
 * What a HEAD request on a link is told: the file's type, name and size — the link stays unused and
 * nothing is audited (mail and chat link scanners send HEAD; only a GET that takes the file counts).
 */
export async function peekDownload(ctx: Ctx, token: string): Promise<{ contentType: string; fileName: string; sizeBytes: number }> {
  const row = await usableLink(ctx, token);
  return { contentType: row.contentType, fileName: row.fileName, sizeBytes: row.sizeBytes };
}

/** The download behind a link: once, before it expires. 404 unknown link, 410 used or expired. */
export async function takeDownload(ctx: Ctx, token: string): Promise<{ file: Buffer; contentType: string; fileName: string }> {
  const row = await usableLink(ctx, token);
  const { PrintedDocument } = documentModels(ctx.db);
  const now = ctx.now();

  // Claim the link: of two simultaneous requests exactly one updates the row.
  const [claimed] = await PrintedDocument.update(
    { downloadedAt: now },
    { where: { id: row.id, downloadedAt: null, expiresAt: { [Op.gt]: now }, file: { [Op.ne]: null } } },
  );
  if (claimed !== 1) throw gone('link_used', USED);
  const stored = await PrintedDocument.findByPk(row.id, { attributes: ['id', 'file'] });
  await PrintedDocument.update({ file: null, fileDeletedAt: now }, { where: { id: row.id } });
  if (!stored?.file) throw gone('link_used', USED);
  let file: Buffer;
  try {
    file = openFile(token, row.id, Buffer.from(stored.file));
  } catch {
    throw gone('link_used', 'Файл по этой ссылке не удалось прочитать. Сформируйте документ заново.');
  }
  await recordAudit(ctx, {
    userId: row.userId,
    orgId: row.orgId,
    action: 'document.downloaded',
    entity: 'printed_document',
    entityId: row.id,
    details: {
      kind: row.kind,
      templateVersions: JSON.parse(row.templateVersion) as unknown,
      ...(row.memberIds ? { memberIds: JSON.parse(row.memberIds) as unknown } : {}),
      ...(row.subjectUserId ? { subjectUserId: row.subjectUserId } : {}),
      sizeBytes: row.sizeBytes,
    },
  });
  return { file, contentType: row.contentType, fileName: row.fileName };
}
