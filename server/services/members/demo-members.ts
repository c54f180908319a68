/**
 * Invented people for the demo database, tests and benchmarks: realistic Russian names, valid СНИЛС
 * (checksums computed, numbers from a range no real person is guaranteed to have), +7 mobile phones.
 * Deterministic for a given seed.
 */
import { newId } from './ids';
import type { MemberData, RawMemberRow } from '../../../domain/members/columns';
import { memberDataToCells } from '../../../domain/members/normalize-row';
import { snilsChecksum } from '../../../domain/snils';
import { todayIso, type Ctx } from '../context';
import type { MemberRecord } from './member-record';
import { memberTransaction } from './member-tx';
import { writeMembers } from './member-writes';
import { lit, rows } from './sql-literals';
import { seededRandom } from '../../../domain/seeded-random';

const MALE = {
  surnames: ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев'],
  names: ['Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Иван', 'Михаил', 'Николай', 'Артём', 'Павел', 'Владимир', 'Евгений', 'Максим', 'Юрий', 'Олег', 'Виктор', 'Игорь', 'Роман', 'Константин', 'Денис'],
};
const FEMALE_NAMES = ['Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Анна', 'Мария', 'Екатерина', 'Юлия', 'Галина', 'Людмила', 'Марина', 'Надежда', 'Валентина', 'Алёна', 'Ксения', 'Дарья', 'Любовь', 'Вера'];
const FATHERS = ['Александр', 'Сергей', 'Андрей', 'Владимир', 'Николай', 'Иван', 'Михаил', 'Виктор', 'Юрий', 'Пётр', 'Анатолий', 'Геннадий', 'Василий', 'Алексей', 'Борис'];
const POSITIONS = ['Учитель начальных классов', 'Учитель математики', 'Учитель русского языка и литературы', 'Учитель физической культуры', 'Учитель английского языка', 'Педагог-психолог', 'Социальный педагог', 'Заместитель директора', 'Библиотекарь', 'Секретарь', 'Воспитатель', 'Педагог дополнительного образования', 'Лаборант', 'Заведующий хозяйством'];

const TRANSLIT: Record<string, string> = { а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya' };

function translit(s: string): string {
  return [...s.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join('');
}

function female(surname: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(surname)) return `${surname}а`;
  if (/ий$/.test(surname)) return surname.replace(/ий$/, 'ая');
  return surname;
}

function patronymic(father: string, isFemale: boolean): string {
  const stem = father === 'Пётр' ? 'Петр' : father;
  if (/й$/.test(stem)) return `${stem.slice(0, -1)}${isFemale ? 'евна' : 'евич'}`;
  if (/ий$/.test(stem)) return `${stem.slice(0, -2)}${isFemale ? 'ьевна' : 'ьевич'}`;
  return `${stem}${isFemale ? 'овна' : 'ович'}`;
}

/** A valid СНИЛС (11 digits) for number `n` of the invented range (bodies from 002-000-000 on). */
export function inventedSnils(n: number): string {
  const body = String(2_000_000 + n).padStart(9, '0');
  return `${body}${String(snilsChecksum(body)).padStart(2, '0')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export interface PeopleOptions {
  seed?: number;
  /** First number of the invented СНИЛС range (keeps different generators from colliding). */
  snilsFrom?: number;
  /** ISO year of "today" (ages are computed against it). */
  year?: number;
}

/** `count` invented members as MemberData (codes, ISO dates, 11-digit СНИЛС). */
export function inventPeople(count: number, opts: PeopleOptions = {}): MemberData[] {
  const r = seededRandom(opts.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const year = opts.year ?? 2026;
  const out: MemberData[] = [];
  for (let i = 0; i < count; i++) {
    const isFemale = r() < 0.75;
    const sur = pick(MALE.surnames);
    const surname = isFemale ? female(sur) : sur;
    const name = isFemale ? pick(FEMALE_NAMES) : pick(MALE.names);
    const student = r() < 0.05;
    const by = student ? year - 17 - Math.floor(r() * 3) : year - 22 - Math.floor(r() * 43);
    const birthDate = `${by}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`;
    const joinedYear = Math.min(year - 1, by + 16 + Math.floor(r() * Math.max(1, year - by - 16)));
    const union = r() < 0.8;
    const operator = union && r() < 0.7;
    const notify = union && r() < 0.6;
    const dateOf = () => `${year - 1}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`;
    out.push({
      surname,
      name,
      patronymic: patronymic(pick(FATHERS), isFemale),
      sex: isFemale ? 'female' : 'male',
      birthDate,
      snils: inventedSnils((opts.snilsFrom ?? 0) + i),
      phone: `+79${String(Math.floor(r() * 1e9)).padStart(9, '0')}`,
      email: r() < 0.7 ? `${translit(surname)}.${translit(name)[0]}${i}@example.org` : null,
      position: student ? `Группа ${1 + Math.floor(r() * 4)}${pick(['А', 'Б', 'В'])}` : pick(POSITIONS),
      category: student ? 'student' : r() < 0.03 ? 'on_leave' : 'employee',
      joinedAt: `${joinedYear}-09-01`,
      unit: null,
      consentUnion: union ? 'given' : null,
      consentUnionDate: union ? dateOf() : null,
      consentOperator: operator ? 'given' : union && r() < 0.2 ? 'refused' : null,
      consentOperatorDate: operator ? dateOf() : null,
      consentNotify: notify ? 'given' : null,
      consentNotifyDate: notify ? dateOf() : null,
      cardStatus: 'not_ordered',
      address: null,
      idDocument: null,
    });
  }
  return out;
}

/** The same people as sheet rows (labels, dd.mm.yyyy, formatted СНИЛС and phone): what the add-in sends. */
export function peopleAsSheetRows(people: readonly MemberData[]): RawMemberRow[] {
  return people.map((p) => {
    const cells = memberDataToCells(p) as Record<string, string | null>;
    const row: RawMemberRow = {};
    for (const [k, v] of Object.entries(cells)) (row as Record<string, unknown>)[k] = v ?? '';
    return row;
  });
}

export const DEMO_MEMBER_COUNT = 25;

/** Registers 25 invented members in the demo school (only when it has none). */
export async function seedDemoMembers(ctx: Ctx, schoolOrgId: number): Promise<number> {
  const people = inventPeople(DEMO_MEMBER_COUNT, { seed: 2026, snilsFrom: 500, year: Number(todayIso(ctx).slice(0, 4)) });
  return memberTransaction(ctx, [schoolOrgId], async (tx) => {
    const [existing] = await rows<{ n: number | string }>(ctx.db, `SELECT COUNT(*) AS n FROM members WHERE primary_org_id = ${lit(schoolOrgId)}`, tx);
    if (Number(existing?.n ?? 0) > 0) return 0;
    const now = ctx.now().toISOString();
    const writes = people.map((p) => {
      const { unit: _unit, ...fields } = p;
      const after: MemberRecord = {
        id: newId(),
        orgId: schoolOrgId,
        primaryOrgId: schoolOrgId,
        ...fields,
        cardStatusAt: null,
        registeredAt: todayIso(ctx),
        deregisteredAt: null,
        deregistrationReason: null,
        deregistrationComment: null,
        version: 1,
        lastBatchId: null,
        createdBy: null,
        updatedBy: null,
        createdAt: now,
        updatedAt: now,
      };
      return { op: 'create' as const, after };
    });
    const res = await writeMembers(ctx, tx, writes, { userId: null, batch: null, cardVia: 'system', now: ctx.now() });
    return res.changes.length;
  });
}
