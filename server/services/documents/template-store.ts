/**
 * The template store: every version of every template kind in `document_templates`, one active per
 * kind. Version 1 of a kind is the file shipped in templates/ (inserted the first time the kind is
 * needed). An administrator uploads a replacement .docx; it is accepted only when the archive is
 * sane (zip-guard) and checkTemplate() finds every required placeholder and nothing unknown.
 * When a server update ships a changed file and the active version is a shipped one (nobody
 * uploaded a replacement), the new file becomes the next version by itself; an administrator's
 * upload is never replaced that way.
 */
import { createHash } from 'node:crypto';
import { Op } from 'sequelize';
import { checkTemplate, inspectTemplate, readTemplateFile, TEMPLATE_KINDS, TEMPLATE_KINDS_LIST, TemplateError, knownPlaceholders, requiredPlaceholders, type LoadedTemplate, type TemplateKind } from '../../documents';
import { AppError } from '../../errors';
import { recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';
import { storePrinted, type IssuedLink } from './downloads';
import { documentModels } from './models';
import { guardZip, ZipRejected } from './zip-guard';

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export interface ActiveTemplate {
  kind: TemplateKind;
  version: number;
  sha256: string;
  /** The same Buffer object for the same content, so server/documents parses it once per process. */
  content: Buffer;
}

export interface TemplateView {
  kind: TemplateKind;
  title: string;
  version: number;
  sha256: string;
  sizeBytes: number;
  /** True for the file shipped with the server, false for an administrator's upload. */
  shipped: boolean;
  uploadedBy: number | null;
  uploadedAt: string;
  /** How many versions the store keeps for this kind. */
  versions: number;
  required: string[];
  optional: string[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Parsed templates stay cached by content: one Buffer per sha256. */
const contentCache = new Map<string, Buffer>();
const shippedSha = new Map<TemplateKind, string>();

function cachedContent(sha: string, load: () => Buffer): Buffer {
  let b = contentCache.get(sha);
  if (!b) {
    b = load();
    if (contentCache.size > 64) contentCache.clear();
    contentCache.set(sha, b);
  }
  return b;
}

function shipped(kind: TemplateKind): { content: Buffer; sha: string } {
  const content = readTemplateFile(kind);
  let sha = shippedSha.get(kind);
  if (!sha) {
    sha = sha256(content);
    shippedSha.set(kind, sha);
  }
  return { content, sha };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { name?: string })?.name === 'SequelizeUniqueConstraintError';
}

type ActiveInfo = { sha256: string; uploadedBy: number | null } | null;

/** The shipped file must (still) become the active version: nothing active, or an older shipped file. */
const needsShipped = (sha: string) => (a: ActiveInfo) => !a || (a.uploadedBy === null && a.sha256 !== sha);

/**
 * Inserts a new active version of a kind (the previous active one stays as history). With `onlyIf`,
 * the active version is read again inside the transaction and nothing happens (null) unless it holds.
 */
async function addVersion(ctx: Ctx, kind: TemplateKind, content: Buffer, sha: string, uploadedBy: number | null, onlyIf?: (active: ActiveInfo) => boolean): Promise<number | null> {
  const { DocumentTemplate } = documentModels(ctx.db);
  return ctx.db.sequelize.transaction(async (transaction) => {
    // One writer per kind at a time (SQLite transactions are serial anyway).
    if (ctx.db.dialect === 'postgres') {
      await ctx.db.sequelize.query('SELECT pg_advisory_xact_lock(hashtext(:key))', { replacements: { key: `document_templates:${kind}` }, transaction });
    }
    // The version is read before the active one is checked, so the check never sees an older state.
    const last = (await DocumentTemplate.max('version', { where: { kind }, transaction })) as number | null;
    if (onlyIf) {
      const a = await DocumentTemplate.findOne({ where: { kind, active: true }, attributes: ['sha256', 'uploadedBy'], transaction });
      if (!onlyIf(a ? { sha256: a.sha256, uploadedBy: a.uploadedBy } : null)) return null;
    }
    const version = (last ?? 0) + 1;
    await DocumentTemplate.update({ active: false }, { where: { kind, active: true }, transaction });
    await DocumentTemplate.create(
      { kind, version, sha256: sha, content, sizeBytes: content.length, uploadedBy, uploadedAt: ctx.now(), active: true },
      { transaction },
    );
    return version;
  });
}

/** Makes sure every asked kind has an active version (seeding the shipped file where needed). */
async function ensureActive(ctx: Ctx, kinds: readonly TemplateKind[]): Promise<Map<TemplateKind, { version: number; sha256: string; uploadedBy: number | null }>> {
  const { DocumentTemplate } = documentModels(ctx.db);
  const read = async () => {
    const rows = await DocumentTemplate.findAll({ where: { kind: { [Op.in]: [...kinds] }, active: true }, attributes: ['kind', 'version', 'sha256', 'uploadedBy'] });
    return new Map(rows.map((r) => [r.kind as TemplateKind, { version: r.version, sha256: r.sha256, uploadedBy: r.uploadedBy }]));
  };
  let active = await read();
  let changed = false;
  for (const kind of kinds) {
    const file = shipped(kind);
    if (!needsShipped(file.sha)(active.get(kind) ?? null)) continue;
    try {
      await addVersion(ctx, kind, file.content, file.sha, null, needsShipped(file.sha));
      changed = true;
    } catch (err) {
      // Another request seeded it at the same moment: use theirs.
      if (!isUniqueViolation(err)) throw err;
      changed = true;
    }
  }
  if (changed) active = await read();
  return active;
}

/** The active templates of the given kinds, with their versions. */
export async function activeTemplates(ctx: Ctx, kinds: readonly TemplateKind[]): Promise<Map<TemplateKind, ActiveTemplate>> {
  const active = await ensureActive(ctx, kinds);
  const { DocumentTemplate } = documentModels(ctx.db);
  const out = new Map<TemplateKind, ActiveTemplate>();
  for (const kind of kinds) {
    const a = active.get(kind);
    if (!a) throw new Error(`no active template of kind ${kind}`);
    let content = contentCache.get(a.sha256);
    if (!content) {
      const row = await DocumentTemplate.findOne({ where: { kind, version: a.version }, attributes: ['content'] });
      content = cachedContent(a.sha256, () => Buffer.from(row!.content));
    }
    out.set(kind, { kind, version: a.version, sha256: a.sha256, content });
  }
  return out;
}

export async function activeTemplate(ctx: Ctx, kind: TemplateKind): Promise<ActiveTemplate> {
  return (await activeTemplates(ctx, [kind])).get(kind)!;
}

export async function listTemplates(ctx: Ctx): Promise<TemplateView[]> {
  await ensureActive(ctx, TEMPLATE_KINDS_LIST);
  const { DocumentTemplate } = documentModels(ctx.db);
  const rows = await DocumentTemplate.findAll({ where: { active: true }, attributes: ['kind', 'version', 'sha256', 'sizeBytes', 'uploadedBy', 'uploadedAt'] });
  const counts = new Map<string, number>();
  for (const r of await DocumentTemplate.findAll({ attributes: ['kind'] })) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  return TEMPLATE_KINDS_LIST.map((kind) => {
    const r = byKind.get(kind)!;
    const optional = [...knownPlaceholders(kind)].filter((p) => !requiredPlaceholders(kind).includes(p) && !p.startsWith('#') && !p.startsWith('/'));
    return {
      kind,
      title: TEMPLATE_KINDS[kind].title,
      version: r.version,
      sha256: r.sha256,
      sizeBytes: r.sizeBytes,
      shipped: r.uploadedBy === null,
      uploadedBy: r.uploadedBy,
      uploadedAt: r.uploadedAt.toISOString(),
      versions: counts.get(kind) ?? 1,
      required: requiredPlaceholders(kind),
      optional,
    };
  });
}

/** The active .docx of a kind, for the administrator to open in Word and edit. */
export async function downloadTemplate(ctx: Ctx, actor: Actor, kind: TemplateKind): Promise<{ file: Buffer; contentType: string; fileName: string }> {
  const t = await activeTemplate(ctx, kind);
  await recordAudit(ctx, { userId: actor.userId, orgId: actor.orgId, action: 'template.downloaded', entity: 'document_template', entityId: kind, details: { kind, version: t.version } });
  return { file: t.content, contentType: DOCX_CONTENT_TYPE, fileName: `${TEMPLATE_KINDS[kind].file.replace(/\.docx$/, '')}-v${t.version}.docx` };
}

/**
 * A single-use link to the template in use (the task pane cannot send its token from a browser
 * window): the administrator opens it in Word, edits it and uploads it back. Audited as
 * 'template.link_issued'; the download through the link is audited like every download.
 */
export async function templateLink(ctx: Ctx, actor: Actor, kind: TemplateKind): Promise<IssuedLink> {
  const t = await activeTemplate(ctx, kind);
  return storePrinted(
    ctx,
    {
      kind: 'template',
      format: 'docx',
      templateVersions: { [kind]: t.version },
      orgId: actor.orgId,
      userId: actor.userId,
      fileName: `${TEMPLATE_KINDS[kind].file.replace(/\.docx$/, '')}-v${t.version}.docx`,
      contentType: DOCX_CONTENT_TYPE,
      file: t.content,
    },
    { action: 'template.link_issued', details: { template: kind, version: t.version } },
  );
}

/** Placeholder names as the administrator types them in Word. */
const braces = (names: readonly string[]) => names.map((n) => `{{${n}}}`).join(', ');

/**
 * Accepts an uploaded replacement: 400 (not a .docx), 413 (unpacks into too much), 422 (placeholders
 * missing or unknown, other template problems — each named), else a new active version.
 */
export async function uploadTemplate(ctx: Ctx, actor: Actor, kind: TemplateKind, content: Buffer): Promise<TemplateView & { created: boolean }> {
  if (content.length === 0) throw new AppError(400, 'template_empty', 'Файл пустой. Выберите .docx-файл шаблона.');
  try {
    guardZip(content);
  } catch (err) {
    if (err instanceof ZipRejected) throw new AppError(err.status, err.status === 413 ? 'template_too_large' : 'template_not_docx', err.detail);
    throw err;
  }
  let loaded: LoadedTemplate;
  try {
    loaded = await inspectTemplate(content);
  } catch (err) {
    if (err instanceof TemplateError) throw new AppError(400, 'template_not_docx', err.detail);
    throw err;
  }
  // Word would fetch these (or run them) whenever a member's printed document is opened.
  if (loaded.external.length) {
    const found = [...new Set(loaded.external.map((f) => f.what))];
    throw new AppError(
      422,
      'template_external',
      `Шаблон «${TEMPLATE_KINDS[kind].title}» не принят: в нём есть содержимое, которое Word загружает из Интернета или из сети (или выполняет) при открытии каждого напечатанного документа: ${found.join('; ')}. Уберите его в Word (вставьте картинки в сам документ, а не связью; удалите поля INCLUDEPICTURE/INCLUDETEXT; в «Разработчик» → «Шаблон документа» уберите прикреплённый шаблон; сохраните как «Документ Word (*.docx)», а не с макросами) и загрузите снова; действующая версия не изменилась.`,
      [],
      { external: found },
    );
  }
  const check = await checkTemplate(content, kind);
  if (!check.ok) {
    const parts: string[] = [];
    if (check.missing.length) parts.push(`в шаблоне нет обязательных полей ${braces(check.missing)}`);
    if (check.unknown.length) parts.push(`поля ${braces(check.unknown)} неизвестны для этого документа (их нечем заполнить)`);
    parts.push(...check.problems);
    throw new AppError(
      422,
      'template_rejected',
      `Шаблон «${TEMPLATE_KINDS[kind].title}» не принят: ${parts.join('; ')}. Исправьте шаблон в Word и загрузите снова; действующая версия не изменилась.`,
      [
        ...check.missing.map((p) => ({ field: `{{${p}}}`, message: 'Обязательное поле отсутствует в шаблоне.' })),
        ...check.unknown.map((p) => ({ field: `{{${p}}}`, message: 'Неизвестное поле: его нечем заполнить.' })),
      ],
      { missing: check.missing, unknown: check.unknown, problems: check.problems },
    );
  }
  const sha = sha256(content);
  const current = (await ensureActive(ctx, [kind])).get(kind);
  let created = false;
  if (!current || current.sha256 !== sha) {
    const version = (await addVersion(ctx, kind, content, sha, actor.userId))!;
    cachedContent(sha, () => content);
    created = true;
    await recordAudit(ctx, {
      userId: actor.userId,
      orgId: actor.orgId,
      action: 'template.uploaded',
      entity: 'document_template',
      entityId: kind,
      details: { kind, version, sha256: sha, sizeBytes: content.length },
    });
  }
  const view = (await listTemplates(ctx)).find((v) => v.kind === kind)!;
  return { ...view, created };
}
