/**
 * Roadmap step 1 documents: the chair's obligation not to disclose personal data (printed to be
 * signed; the superior organisation then records it) and the login letter with the one-time password.
 *
 * The login letter is generated once, when the account is created or its password reset: the
 * one-time password exists only in the answer and in that letter. The letter is stored only encrypted
 * with a key derived from its single-use link's token (which the server does not keep) and deleted
 * as soon as it is downloaded or the link expires (downloads.ts) — a new letter means a new password.
 */
import type { OrgKind } from '../../../domain/organisations';
import { buildLoginLetter, buildObligation, DocumentError } from '../../documents';
import type { OrganisationRow, UserRow } from '../../db/models';
import { AppError, forbidden } from '../../errors';
import { managedUser } from '../access';
import { createAccount, resetPassword, type IssuedCredentials } from '../accounts.service';
import { todayIso, type Actor, type Ctx } from '../context';
import { storePrinted, type IssuedLink } from './downloads';
import { documentProblem } from './problems';
import { activeTemplate, DOCX_CONTENT_TYPE } from './template-store';
import { unionBodies } from './union-bodies';

/**
 * The office only: the obligation names the organisation's full name on its own line, so the position
 * does not repeat it («Председатель первичной профсоюзной организации — Первичная профсоюзная организация …»).
 */
const POSITION: Record<OrgKind, string> = {
  central: 'Администратор единого реестра',
  regional: 'Председатель',
  territorial: 'Председатель',
  primary: 'Председатель',
  primary_territorial: 'Председатель',
  subdivision: 'Председатель профбюро',
  group: 'Профгрупорг',
};

/** A file name Windows and macOS accept, without personal data (organisation names only). */
function safeFileName(s: string, max = 120): string {
  const cleaned = s
    // eslint-disable-next-line no-control-regex
    .replace(/[<>:"/\\|?*\u0000-\u001f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .replace(/[. ]+$/, '');
  return cleaned || 'Документ';
}

async function bodyName(ctx: Ctx, org: OrganisationRow): Promise<string> {
  return (await unionBodies(ctx, [org.id])).get(org.id)?.fullName ?? org.name;
}

async function withDocumentErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof DocumentError) throw documentProblem(err);
    throw err;
  }
}

async function printObligation(ctx: Ctx, actor: Actor, user: UserRow, org: OrganisationRow): Promise<IssuedLink> {
  const template = await activeTemplate(ctx, 'obligation');
  const organisationName = await bodyName(ctx, org);
  const file = await withDocumentErrors(() =>
    buildObligation(template.content, { chairFullName: user.fullName, chairPosition: POSITION[org.kind], organisationName }),
  );
  return storePrinted(ctx, {
    kind: 'obligation',
    templateVersions: { obligation: template.version },
    orgId: org.id,
    subjectUserId: user.id,
    userId: actor.userId,
    format: 'docx',
    fileName: `Обязательство о неразглашении ПД — ${safeFileName(organisationName, 90)}.docx`,
    contentType: DOCX_CONTENT_TYPE,
    file,
  });
}

/** A superior organisation prints the obligation for a chair whose account it manages. */
export async function printObligationFor(ctx: Ctx, actor: Actor, userId: number): Promise<IssuedLink> {
  const { user, org } = await managedUser(ctx, actor, userId);
  return printObligation(ctx, actor, user, org);
}

/** Any signed-in user prints their own obligation, to sign it and hand it to the superior organisation. */
export async function printOwnObligation(ctx: Ctx, actor: Actor): Promise<IssuedLink> {
  const user = await ctx.db.models.User.findByPk(actor.userId);
  const org = await ctx.db.models.Organisation.findByPk(actor.orgId);
  if (!user || !org) throw forbidden('Учётная запись не найдена.');
  return printObligation(ctx, actor, user, org);
}

// ---- Login letters -----------------------------------------------------------------------------

export interface LetterInput {
  /** Where the chair asks for help (phone or e-mail); default: the issuing organisation's details. */
  contact?: string;
}

export type CredentialsWithLetter = IssuedCredentials & IssuedLink;

interface LetterContext {
  template: Awaited<ReturnType<typeof activeTemplate>>;
  territorialName: string;
  territorialContact: string;
}

/** Everything the letter needs besides the account, checked before any account is created or changed. */
async function letterContext(ctx: Ctx, actor: Actor, input: LetterInput): Promise<LetterContext> {
  const issuer = await ctx.db.models.Organisation.findByPk(actor.orgId);
  if (!issuer) throw forbidden('Учётная запись не найдена.');
  const body = (await unionBodies(ctx, [issuer.id])).get(issuer.id);
  const contact = input.contact?.trim() || body?.contact;
  if (!contact) {
    throw new AppError(
      422,
      'contact_missing',
      'В письме председателю указывается, куда обращаться за помощью. Укажите телефон или эл. почту вашей организации (поле contact) или внесите их в реквизиты организации для документов.',
      [{ field: 'contact', message: 'Укажите телефон или эл. почту для помощи.' }],
    );
  }
  return { template: await activeTemplate(ctx, 'login-letter'), territorialName: body?.name ?? issuer.name, territorialContact: contact };
}

interface LetterFor {
  organisationName: string;
  chairFullName: string;
  login: string;
  password: string;
  occasion: 'new' | 'reset';
  obligationRecorded: boolean;
}

async function letterFile(ctx: Ctx, lc: LetterContext, f: LetterFor): Promise<Buffer> {
  const origin = ctx.config.publicOrigin;
  return withDocumentErrors(() =>
    buildLoginLetter(lc.template.content, {
      ...f,
      serverUrl: origin,
      manifestUrl: `${origin}/manifest.xml`,
      territorialName: lc.territorialName,
      territorialContact: lc.territorialContact,
      date: todayIso(ctx),
    }),
  );
}

async function issueLetter(
  ctx: Ctx,
  actor: Actor,
  lc: LetterContext,
  org: OrganisationRow,
  organisationName: string,
  creds: IssuedCredentials,
  how: Pick<LetterFor, 'occasion' | 'obligationRecorded'>,
): Promise<CredentialsWithLetter> {
  const file = await letterFile(ctx, lc, { organisationName, chairFullName: creds.account.fullName, login: creds.account.login, password: creds.oneTimePassword, ...how });
  const link = await storePrinted(ctx, {
    kind: 'login-letter',
    templateVersions: { 'login-letter': lc.template.version },
    orgId: org.id,
    subjectUserId: creds.account.id,
    userId: actor.userId,
    format: 'docx',
    fileName: `${how.occasion === 'new' ? 'Логин и пароль' : 'Новый пароль'} — ${safeFileName(organisationName, 90)}.docx`,
    contentType: DOCX_CONTENT_TYPE,
    file,
  });
  return { ...creds, ...link };
}

/** Creates a chair's account and answers its login letter through a single-use link. */
export async function createAccountWithLetter(ctx: Ctx, actor: Actor, org: OrganisationRow, input: LetterInput & { fullName: string }): Promise<CredentialsWithLetter> {
  const lc = await letterContext(ctx, actor, input);
  const organisationName = await bodyName(ctx, org);
  // A dry run with stand-in credentials: if the letter cannot be made, no account is created.
  const how = { occasion: 'new', obligationRecorded: false } as const;
  await letterFile(ctx, lc, { organisationName, chairFullName: input.fullName, login: 'xxxx-xxxx', password: 'x'.repeat(12), ...how });
  const creds = await createAccount(ctx, actor, org.id, { fullName: input.fullName });
  return issueLetter(ctx, actor, lc, org, organisationName, creds, how);
}

/** Issues a new one-time password and answers the login letter through a single-use link. */
export async function resetPasswordWithLetter(ctx: Ctx, actor: Actor, userId: number, input: LetterInput): Promise<CredentialsWithLetter> {
  const { user, org } = await managedUser(ctx, actor, userId);
  const lc = await letterContext(ctx, actor, input);
  const organisationName = await bodyName(ctx, org);
  // A chair whose obligation is recorded is not asked for it again, nor told about a «first» sign-in.
  const how = { occasion: 'reset', obligationRecorded: user.obligationRecordedAt != null } as const;
  await letterFile(ctx, lc, { organisationName, chairFullName: user.fullName, login: user.login, password: 'x'.repeat(12), ...how });
  const creds = await resetPassword(ctx, actor, userId);
  return issueLetter(ctx, actor, lc, org, organisationName, creds, how);
}
