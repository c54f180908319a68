/**
 * Union-wide look-ups of a member pushed by a chair (issue 15, hole 5): a row that matches nobody in
 * the chair's own organisation is looked up among the active members of every other one. A hit
 * («registered elsewhere») tells the chair something about a person outside their subtree, so:
 *  - the other organisation is named only when СНИЛС, surname and birth date all match (someone who
 *    knows all three is in fact holding the member's papers); otherwise the answer says only that a
 *    transfer is needed and how to ask for it;
 *  - every request with hits writes one audit row (counts and member ids only, no personal data);
 *  - hits are capped per user and calendar day (UTC) by MEMBER_LOOKUP_DAILY_LIMIT; over the cap the
 *    whole request is refused with 429 and nothing of it is written.
 * The counter lives in the rate_limit_hits table (shared by every server instance, cleaned by housekeeping).
 */
import type { Transaction } from 'sequelize';
import { nameKey } from '../../../domain/names';
import { AppError } from '../../errors';
import { returning } from '../../db/sql';
import { recordAudit } from '../audit.service';
import type { Actor, Ctx } from '../context';

/** A member found in another organisation, as much as the decision needs. */
export interface ElsewhereHit {
  memberId: string;
  snils: string | null;
  surname: string;
  /** members.name_key: `<name key>|<birth date ISO>`. */
  nameKeyWithBirth: string;
  orgName: string;
}

/** The row as pushed: what the chair knows about the person. */
export interface PushedPerson {
  snils: string | null;
  surname: string;
  birthDate: string;
}

/** The other organisation may be named: СНИЛС, surname (case, ё and spaces aside) and birth date all match. */
export function mayNameOrganisation(row: PushedPerson, hit: ElsewhereHit): boolean {
  if (!row.snils || hit.snils !== row.snils) return false;
  if (nameKey(hit.surname, '', null) !== nameKey(row.surname, '', null)) return false;
  return hit.nameKeyWithBirth.slice(hit.nameKeyWithBirth.lastIndexOf('|') + 1) === row.birthDate;
}

export const NAMED_ELSEWHERE = (orgName: string) =>
  `этот человек уже состоит на учёте в организации «${orgName}». Строка не сохранена. Если он перешёл к вам, председатель той организации оформляет перевод, а вы его принимаете; если это другой человек — сверьте СНИЛС, ФИО и дату рождения`;

export const UNNAMED_ELSEWHERE =
  'человек с такими данными уже состоит на учёте в другой первичной организации Профсоюза. Строка не сохранена. Если он перешёл к вам, попросите его сообщить председателю прежней организации — тот оформит перевод в вашу, и вы его примете во вкладке «Переводы»; организацию можно уточнить у председателя вашей территориальной организации. Если это другой человек — сверьте СНИЛС, фамилию и дату рождения';

const DAY_MS = 24 * 3_600_000;

export interface LookupSummary {
  /** Rows answered «registered elsewhere». */
  hits: number;
  /** Of them, how many named the organisation. */
  named: number;
  memberIds: string[];
}

/**
 * Counts the request's hits against the user's daily cap (429 over it) and audits them. Call inside
 * the request's transaction when it writes, so that a refusal leaves nothing behind.
 */
export async function accountLookups(ctx: Ctx, actor: Actor, orgId: number, summary: LookupSummary, dryRun: boolean, tx?: Transaction): Promise<void> {
  if (summary.hits === 0) return;
  const now = ctx.now().getTime();
  const dayEnd = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  const key = `members.lookup:${actor.userId}:${new Date(dayEnd - DAY_MS).toISOString().slice(0, 10)}`;
  const rows = await returning<{ hits: number | string }>(
    ctx.db,
    `INSERT INTO rate_limit_hits (key, hits, reset_ms) VALUES (:key, :n, :reset)
     ON CONFLICT (key) DO UPDATE SET hits = rate_limit_hits.hits + :n
     RETURNING hits`,
    { key, n: summary.hits, reset: dayEnd },
    tx,
  );
  const total = Number(rows[0]?.hits ?? summary.hits);
  const limit = ctx.config.memberLookupDailyLimit;
  if (total > limit) {
    // Undo this request's share so that a smaller request later the same day is judged fairly.
    await returning(ctx.db, 'UPDATE rate_limit_hits SET hits = hits - :n WHERE key = :key RETURNING hits', { key, n: summary.hits }, tx);
    throw new AppError(
      429,
      'lookup_limit',
      `За сутки можно проверить не больше ${limit} человек, уже состоящих на учёте в других организациях. Этот запрос не выполнен, ничего не сохранено. Продолжите завтра или обратитесь к председателю вышестоящей организации.`,
    );
  }
  await recordAudit(
    ctx,
    {
      userId: actor.userId, orgId, action: 'members.looked_up_elsewhere', entity: 'member', entityId: null,
      details: { dryRun, hits: summary.hits, named: summary.named, memberIds: summary.memberIds },
    },
    tx,
  );
}
