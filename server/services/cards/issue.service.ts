/**
 * Roadmap step 7: the cards that reached the organisation («Получен организацией») are handed to the
 * members, who install the profcards app and register in the federal bonus programme; then the chair
 * sets «Выдан». The reminder list shows who still waits for the card, with the step's instructions.
 */
import { parseDate } from '../../../domain/dates';
import type { OrganisationRow } from '../../db/models';
import { AppError } from '../../errors';
import { auditRead, recordAudit } from '../audit.service';
import { latestTodayIso, type Actor, type Ctx } from '../context';
import { isoTimestamp, rows } from '../members/sql-literals';
import { writeCardStatuses } from './card-status-writes';
import { cardTransaction, membersInSubtree, subtreeCondition } from './scope';

export const ISSUE_HELP = {
  title: 'Шаг 7. Выдача электронных профсоюзных билетов',
  steps: [
    'Вручите билеты членам Профсоюза. Лучше торжественно — на профсоюзном собрании или на церемонии вручения в образовательной организации.',
    'Помогите каждому установить на мобильный телефон приложение profcards.',
    'Помогите зарегистрироваться на сайте федеральной бонусной программы www.profcards — там начисляются бонусы и скидки для членов Профсоюза.',
    'Сразу после вручения поставьте статус ЭПБ «Выдан»: выделите на листе строки тех, кому вручили билет, и отметьте выдачу (или выберите «Выдан» в столбце «Статус ЭПБ» и отправьте лист в реестр).',
  ],
} as const;

export interface ToIssueMember {
  memberId: string;
  surname: string;
  name: string;
  patronymic: string | null;
  orgId: number;
  orgName: string;
  /** ISO timestamp: when the card reached the organisation. */
  receivedAt: string | null;
}

export interface ToIssueList {
  help: typeof ISSUE_HELP;
  total: number;
  members: ToIssueMember[];
  /** More members wait than the list shows (raise `limit`). */
  truncated: boolean;
}

/** GET …/cards/to-issue: registered members of the subtree whose card is «Получен организацией». */
export async function listToIssue(ctx: Ctx, actor: Actor, org: OrganisationRow, limit = 2000): Promise<ToIssueList> {
  const where = `m.card_status = 'received' AND m.deregistered_at IS NULL AND ${subtreeCondition(org.path)}`;
  const [count] = await rows<{ n: unknown }>(ctx.db, `SELECT COUNT(*) AS n FROM members m JOIN organisations o ON o.id = m.org_id WHERE ${where}`);
  const found = await rows<Record<string, unknown>>(
    ctx.db,
    `SELECT m.id, m.surname, m.name, m.patronymic, m.org_id, o.name AS org_name, m.card_status_at FROM members m JOIN organisations o ON o.id = m.org_id
     WHERE ${where} ORDER BY o.path, m.surname, m.name, m.patronymic, m.id LIMIT ${Math.trunc(limit)}`,
  );
  const total = Number(count?.n ?? 0);
  await auditRead(ctx, actor, { action: 'cards.to_issue_listed', orgId: org.id, entity: 'organisation', entityId: org.id, details: { count: found.length, total } });
  return {
    help: ISSUE_HELP,
    total,
    truncated: total > found.length,
    members: found.map((r) => ({
      memberId: String(r.id),
      surname: String(r.surname),
      name: String(r.name),
      patronymic: r.patronymic === null || r.patronymic === undefined ? null : String(r.patronymic),
      orgId: Number(r.org_id),
      orgName: String(r.org_name),
      receivedAt: isoTimestamp(r.card_status_at),
    })),
  };
}

export interface IssueResult {
  members: { memberId: string; outcome: 'issued' | 'unchanged' | 'refused'; message: string | null }[];
  issued: number;
  unchanged: number;
  refused: number;
}

/** POST …/cards/issue: «Получен организацией» → «Выдан» for the selected members (all in the subtree, else 404). */
export async function issueCards(ctx: Ctx, actor: Actor, org: OrganisationRow, input: { memberIds: string[]; date?: string | null }): Promise<IssueResult> {
  const today = latestTodayIso(ctx);
  let at = ctx.now();
  if (input.date) {
    const d = parseDate(input.date, { label: 'Дата выдачи', notAfter: today });
    if (!d.ok) throw new AppError(422, 'bad_date', d.message, [{ field: 'date', message: d.message }]);
    if (d.value !== today) at = new Date(`${d.value}T00:00:00.000Z`);
  }
  const ids = [...new Set(input.memberIds.map((id) => id.toLowerCase()))];
  const primaries = await membersInSubtree(ctx, org, ids);
  const written = await cardTransaction(ctx, [...new Set(primaries.values())], async (tx) => {
    const out = await writeCardStatuses(
      ctx,
      tx,
      ids.map((memberId) => ({ memberId, to: 'issued' as const, via: 'sheet' as const, at })),
      { userId: actor.userId, now: ctx.now(), auditDetails: { action: 'issue' } },
    );
    const issued = out.filter((w) => w.outcome === 'updated').length;
    if (issued) await recordAudit(ctx, { userId: actor.userId, orgId: org.id, action: 'card.issued', entity: 'organisation', entityId: org.id, details: { issued } }, tx);
    return out;
  });
  const members = written.map((w) => ({
    memberId: w.memberId,
    outcome: w.outcome === 'updated' ? ('issued' as const) : w.outcome === 'unchanged' ? ('unchanged' as const) : ('refused' as const),
    message:
      w.outcome === 'refused'
        ? w.message
        : w.outcome === 'unchanged'
          ? 'Билет уже отмечен как выданный.'
          : w.outcome === 'updated'
            ? null
            : 'Запись изменилась во время отметки — повторите.',
  }));
  return {
    members,
    issued: members.filter((m) => m.outcome === 'issued').length,
    unchanged: members.filter((m) => m.outcome === 'unchanged').length,
    refused: members.filter((m) => m.outcome === 'refused').length,
  };
}

