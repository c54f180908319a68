/**
 * A synthetic union for benchmarks and load tests: the organisation tree in the union's proportions
 * (80 regional, ~2,400 territorial, ~83,000 primary organisations, профбюро and профгруппы), chairs'
 * accounts, passports, and members with realistic Russian names (proper female surnames and
 * patronymics), valid unique СНИЛС, phones, consents and card statuses in proportions that follow each
 * organisation's progress through the seven steps. Then the progress counters are built from scratch.
 *
 *   npm run seed:synthetic -- --members 4400000 [--database-url postgres://…] [--data-dir data/synthetic] [--seed 42]
 *   npm run seed:synthetic -- --recompute [--database-url …] [--data-dir …]   (repair: rebuild the progress
 *                                                                             counters of an existing database)
 *
 * The database must be empty (a fresh SQLite data dir, or an empty PostgreSQL database). Everything
 * here is invented; nobody real is described. Bulk-loaded: better-sqlite3 prepared statements in big
 * transactions with synchronous=OFF on SQLite; multi-row INSERTs in big transactions on PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { snilsChecksum } from '../domain/snils';
import { sqlitePath } from '../server/db/connection';
import { openDatabase, type Db } from '../server/db';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { memberNameKey } from '../server/services/members/member-record';
import { progressCounters, recomputeCounters } from '../server/services/progress/counters';
import type { Ctx } from '../server/services/context';
import type { OrgKind } from '../domain/organisations';
import { seededRandom } from '../domain/seeded-random';

// ------------------------------------------------------------------ names

/** Common surnames in the masculine form; the feminine form follows the Russian rules (feminine()). */
const SURNAMES = [
  'Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков',
  'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров', 'Никитин',
  'Захаров', 'Зайцев', 'Соловьёв', 'Борисов', 'Яковлев', 'Григорьев', 'Романов', 'Воробьёв', 'Сергеев', 'Кузьмин', 'Фролов', 'Александров',
  'Дмитриев', 'Королёв', 'Гусев', 'Киселёв', 'Ильин', 'Максимов', 'Поляков', 'Сорокин', 'Виноградов', 'Ковалёв', 'Белов', 'Медведев',
  'Антонов', 'Тарасов', 'Жуков', 'Баранов', 'Филиппов', 'Комаров', 'Давыдов', 'Беляев', 'Герасимов', 'Богданов', 'Осипов', 'Сидоров',
  'Матвеев', 'Титов', 'Марков', 'Миронов', 'Крылов', 'Куликов', 'Карпов', 'Власов', 'Мельников', 'Денисов', 'Гаврилов', 'Тихонов',
  'Казаков', 'Афанасьев', 'Данилов', 'Савельев', 'Тимофеев', 'Фомин', 'Чернов', 'Абрамов', 'Мартынов', 'Ефимов', 'Федотов', 'Щербаков',
  'Назаров', 'Калинин', 'Исаев', 'Чернышёв', 'Быков', 'Маслов', 'Родионов', 'Коновалов', 'Лазарев', 'Воронин', 'Климов', 'Филатов',
  'Пономарёв', 'Голубев', 'Кудрявцев', 'Прохоров', 'Наумов', 'Потапов', 'Журавлёв', 'Овчинников', 'Трофимов', 'Леонов', 'Соболев', 'Ермаков',
  'Колесников', 'Гончаров', 'Емельянов', 'Никифоров', 'Грачёв', 'Котов', 'Гришин', 'Ефремов', 'Архипов', 'Громов', 'Кириллов', 'Малышев',
  'Панов', 'Моисеев', 'Румянцев', 'Акимов', 'Кондратьев', 'Бирюков', 'Горбунов', 'Анисимов', 'Ерёмин', 'Тихомиров', 'Галкин', 'Лукьянов',
  'Михеев', 'Скворцов', 'Юдин', 'Белоусов', 'Нестеров', 'Симонов', 'Прокофьев', 'Харитонов', 'Князев', 'Цветков', 'Левин', 'Митрофанов',
  'Воронцов', 'Аксёнов', 'Софронов', 'Мальцев', 'Логинов', 'Горшков', 'Савин', 'Краснов', 'Майоров', 'Демидов', 'Елисеев', 'Рыбаков',
  'Сафонов', 'Плотников', 'Дёмин', 'Хохлов', 'Жданов', 'Фадеев', 'Молчанов', 'Игнатьев', 'Литвинов', 'Ершов', 'Ушаков', 'Дементьев',
  'Рябов', 'Мухин', 'Калашников', 'Леонтьев', 'Лобанов', 'Кузин', 'Корнилов', 'Евдокимов', 'Бородин', 'Платонов', 'Некрасов', 'Балашов',
  'Бобров', 'Жданов', 'Блинов', 'Сазонов', 'Горелов', 'Смирнягин', 'Островский', 'Покровский', 'Успенский', 'Введенский', 'Вишневский', 'Троицкий',
  'Полевой', 'Толстой', 'Береговой', 'Шевченко', 'Коваленко', 'Бондаренко', 'Кравченко', 'Ткаченко', 'Черных', 'Седых', 'Долгих', 'Белых',
  'Хабибуллин', 'Сафин', 'Галиев', 'Ахметов', 'Валиев', 'Гарипов', 'Мухаметшин', 'Зарипов', 'Шарипов', 'Исмагилов', 'Юсупов', 'Латыпов',
];

const MALE_NAMES = [
  'Александр', 'Сергей', 'Андрей', 'Дмитрий', 'Алексей', 'Иван', 'Михаил', 'Николай', 'Владимир', 'Евгений', 'Павел', 'Юрий', 'Олег',
  'Виктор', 'Игорь', 'Роман', 'Максим', 'Константин', 'Денис', 'Артём', 'Вячеслав', 'Анатолий', 'Геннадий', 'Валерий', 'Василий',
  'Пётр', 'Илья', 'Никита', 'Кирилл', 'Антон', 'Григорий', 'Борис', 'Леонид', 'Станислав', 'Виталий', 'Егор', 'Тимур', 'Руслан', 'Марат',
];
const FEMALE_NAMES = [
  'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Ирина', 'Светлана', 'Анна', 'Мария', 'Екатерина', 'Юлия', 'Галина', 'Людмила', 'Марина',
  'Надежда', 'Валентина', 'Алёна', 'Ксения', 'Дарья', 'Любовь', 'Вера', 'Нина', 'Оксана', 'Лариса', 'Евгения', 'Анастасия', 'Александра',
  'Виктория', 'Елизавета', 'Полина', 'Софья', 'Лидия', 'Тамара', 'Раиса', 'Зинаида', 'Валерия', 'Кристина', 'Гульнара', 'Альбина', 'Лилия',
];
/** Fathers' names with the patronymics they give: [name, son's, daughter's]. */
const PATRONYMICS: readonly [string, string, string][] = [
  ['Александр', 'Александрович', 'Александровна'], ['Сергей', 'Сергеевич', 'Сергеевна'], ['Андрей', 'Андреевич', 'Андреевна'],
  ['Дмитрий', 'Дмитриевич', 'Дмитриевна'], ['Алексей', 'Алексеевич', 'Алексеевна'], ['Иван', 'Иванович', 'Ивановна'],
  ['Михаил', 'Михайлович', 'Михайловна'], ['Николай', 'Николаевич', 'Николаевна'], ['Владимир', 'Владимирович', 'Владимировна'],
  ['Евгений', 'Евгеньевич', 'Евгеньевна'], ['Павел', 'Павлович', 'Павловна'], ['Юрий', 'Юрьевич', 'Юрьевна'],
  ['Олег', 'Олегович', 'Олеговна'], ['Виктор', 'Викторович', 'Викторовна'], ['Игорь', 'Игоревич', 'Игоревна'],
  ['Анатолий', 'Анатольевич', 'Анатольевна'], ['Геннадий', 'Геннадьевич', 'Геннадьевна'], ['Валерий', 'Валерьевич', 'Валерьевна'],
  ['Василий', 'Васильевич', 'Васильевна'], ['Пётр', 'Петрович', 'Петровна'], ['Илья', 'Ильич', 'Ильинична'], ['Никита', 'Никитич', 'Никитична'],
  ['Григорий', 'Григорьевич', 'Григорьевна'], ['Борис', 'Борисович', 'Борисовна'], ['Леонид', 'Леонидович', 'Леонидовна'],
  ['Лев', 'Львович', 'Львовна'], ['Виталий', 'Витальевич', 'Витальевна'], ['Вячеслав', 'Вячеславович', 'Вячеславовна'],
  ['Константин', 'Константинович', 'Константиновна'], ['Роман', 'Романович', 'Романовна'], ['Максим', 'Максимович', 'Максимовна'],
  ['Аркадий', 'Аркадьевич', 'Аркадьевна'], ['Фёдор', 'Фёдорович', 'Фёдоровна'], ['Степан', 'Степанович', 'Степановна'],
  ['Марат', 'Маратович', 'Маратовна'], ['Рустам', 'Рустамович', 'Рустамовна'], ['Тимур', 'Тимурович', 'Тимуровна'],
];

/** The feminine form of a surname: Иванов → Иванова, Ильин → Ильина, Островский → Островская, Толстой → Толстая; Шевченко, Черных stay. */
export function feminine(surname: string): string {
  if (/(ов|ев|ёв|ин|ын)$/.test(surname)) return `${surname}а`;
  if (/(ский|цкий)$/.test(surname)) return `${surname.slice(0, -2)}ая`;
  if (/(ой|ый)$/.test(surname)) return `${surname.slice(0, -2)}ая`;
  return surname;
}

const POSITIONS = [
  'Учитель начальных классов', 'Учитель математики', 'Учитель русского языка и литературы', 'Учитель истории', 'Учитель физики',
  'Учитель английского языка', 'Учитель физической культуры', 'Воспитатель', 'Младший воспитатель', 'Педагог-психолог', 'Социальный педагог',
  'Педагог дополнительного образования', 'Музыкальный руководитель', 'Учитель-логопед', 'Заместитель директора', 'Библиотекарь',
  'Преподаватель', 'Мастер производственного обучения', 'Доцент', 'Старший преподаватель', 'Лаборант', 'Секретарь', 'Заведующий хозяйством',
];

const REGIONS = [
  'Республики Татарстан', 'Московской области', 'Краснодарского края', 'Свердловской области', 'Ростовской области', 'Республики Башкортостан',
  'Челябинской области', 'Нижегородской области', 'Самарской области', 'Красноярского края', 'Пермского края', 'Новосибирской области',
  'Воронежской области', 'Саратовской области', 'Волгоградской области', 'Ставропольского края', 'Кемеровской области', 'Иркутской области',
  'Алтайского края', 'Оренбургской области', 'Омской области', 'Тюменской области', 'Республики Дагестан', 'Приморского края',
  'Ленинградской области', 'Белгородской области', 'Удмуртской Республики', 'Тульской области', 'Хабаровского края', 'Владимирской области',
  'Чувашской Республики', 'Кировской области', 'Пензенской области', 'Брянской области', 'Ярославской области', 'Липецкой области',
  'Тверской области', 'Архангельской области', 'Республики Саха (Якутия)', 'Ульяновской области', 'Вологодской области', 'Курской области',
  'Тамбовской области', 'Смоленской области', 'Калужской области', 'Рязанской области', 'Ивановской области', 'Республики Мордовия',
  'Забайкальского края', 'Республики Бурятия', 'Курганской области', 'Орловской области', 'Астраханской области', 'Республики Коми',
  'Мурманской области', 'Томской области', 'Кабардино-Балкарской Республики', 'Республики Марий Эл', 'Калининградской области',
  'Чеченской Республики', 'Новгородской области', 'Костромской области', 'Псковской области', 'Республики Карелия', 'Республики Хакасия',
  'Республики Адыгея', 'Амурской области', 'Сахалинской области', 'Камчатского края', 'Магаданской области', 'Республики Алтай',
  'Республики Тыва', 'Республики Калмыкия', 'Карачаево-Черкесской Республики', 'Республики Северная Осетия — Алания', 'Республики Ингушетия',
  'Еврейской автономной области', 'Ханты-Мансийского автономного округа — Югры', 'Ямало-Ненецкого автономного округа', 'города Москвы',
  'Санкт-Петербурга', 'Чукотского автономного округа', 'Ненецкого автономного округа', 'Республики Крым', 'города Севастополя',
];

// ------------------------------------------------------------------ randomness

// ------------------------------------------------------------------ options

export interface SeedOptions {
  members: number;
  databaseUrl: string | null;
  dataDir: string;
  seed?: number;
  regions?: number;
  territorial?: number;
  primaries?: number;
  /** Progress lines; default console.log. */
  log?: (line: string) => void;
}

export interface SeedResult {
  organisations: number;
  primaries: number;
  members: number;
  users: number;
  passports: number;
  seconds: { tree: number; members: number; counters: number; total: number };
}

/** The union's proportions (80 / 2,400 / 83,000 for 4.4 million members), scaled down for smaller runs. */
export function treeShape(members: number, o: Pick<SeedOptions, 'regions' | 'territorial' | 'primaries'> = {}) {
  const f = Math.min(1, members / 4_400_000);
  const regions = o.regions ?? (members >= 1_000_000 ? 80 : Math.max(4, Math.round(80 * Math.sqrt(f))));
  const territorial = o.territorial ?? Math.max(regions, Math.round(2_400 * f));
  const primaries = o.primaries ?? Math.max(territorial * 2, Math.round(83_000 * f));
  return { regions, territorial, primaries };
}

// ------------------------------------------------------------------ the plan of the tree

interface OrgPlan {
  id: number;
  parentId: number | null;
  kind: OrgKind;
  name: string;
  path: string;
  depth: number;
}

interface PrimaryPlan {
  org: OrgPlan;
  /** Steps of the roadmap this organisation has completed (0–7). */
  stage: number;
  members: number;
  /** Units members can be registered in (the primary itself included). */
  holders: number[];
  college: boolean;
}

const CENTRAL_NAME = 'Общероссийский Профсоюз образования';

function planTree(members: number, shape: ReturnType<typeof treeShape>, r: () => number) {
  const orgs: OrgPlan[] = [];
  const add = (parent: OrgPlan | null, kind: OrgKind, name: string): OrgPlan => {
    const id = orgs.length + 1;
    const o: OrgPlan = { id, parentId: parent?.id ?? null, kind, name, path: parent ? `${parent.path}${id}/` : `/${id}/`, depth: parent ? parent.depth + 1 : 0 };
    orgs.push(o);
    return o;
  };
  const central = add(null, 'central', CENTRAL_NAME);
  const regions: { org: OrgPlan; pace: number }[] = [];
  for (let i = 0; i < shape.regions; i++) {
    const name = i < REGIONS.length ? `Региональная организация Профсоюза ${REGIONS[i]}` : `Региональная организация Профсоюза № ${i + 1}`;
    regions.push({ org: add(central, 'regional', name), pace: 0.35 + 0.65 * r() });
  }
  const territorial: { org: OrgPlan; pace: number }[] = [];
  for (let i = 0; i < shape.territorial; i++) {
    const reg = regions[i % regions.length];
    territorial.push({ org: add(reg.org, 'territorial', `Территориальная организация Профсоюза № ${i + 1}`), pace: reg.pace });
  }
  // About 1% of primary organisations are large ones with the rights of a territorial one, directly under a region.
  const bigOnes = Math.max(1, Math.round(shape.primaries * 0.01));
  const primaries: PrimaryPlan[] = [];
  const stageOf = (pace: number) => {
    // How far an organisation got through the seven steps: regions move at their own pace.
    let s = 0;
    while (s < 7 && r() < 0.6 + 0.38 * pace) s++;
    return s;
  };
  let n = 0;
  for (let i = 0; i < shape.primaries; i++) {
    const big = i < bigOnes;
    let parent: OrgPlan;
    let pace: number;
    if (big) {
      const reg = regions[i % regions.length];
      parent = reg.org;
      pace = reg.pace;
    } else {
      const ter = territorial[Math.floor(r() * territorial.length)];
      parent = ter.org;
      pace = ter.pace;
    }
    n++;
    const kindRoll = r();
    const college = big || kindRoll < 0.06;
    const name = big
      ? `ППО ${['ФГБОУ ВО «Университет', 'ФГБОУ ВО «Педагогический университет', 'ГАПОУ «Колледж'][n % 3]} № ${n}»`
      : college
        ? `ППО ГБПОУ «Колледж № ${n}»`
        : kindRoll < 0.5
          ? `ППО МБОУ «Средняя школа № ${n}»`
          : kindRoll < 0.85
            ? `ППО МБДОУ «Детский сад № ${n}»`
            : `ППО МБУ ДО «Дом детского творчества № ${n}»`;
    const org = add(parent, big ? 'primary_territorial' : 'primary', name);
    primaries.push({ org, stage: stageOf(pace), members: 0, holders: [org.id], college });
  }
  // Structure: профбюро and профгруппы in big organisations and in about 14% of the others.
  for (const p of primaries) {
    const big = p.org.kind === 'primary_territorial';
    if (!big && r() > 0.14) continue;
    const bureaus = big ? 3 + Math.floor(r() * 8) : r() < 0.5 ? 1 + Math.floor(r() * 2) : 0;
    const parents = [p.org];
    for (let b = 0; b < bureaus; b++) {
      const u = add(p.org, 'subdivision', big ? `Профбюро факультета № ${b + 1}` : `Профбюро корпуса № ${b + 1}`);
      parents.push(u);
      p.holders.push(u.id);
    }
    const groups = big ? 8 + Math.floor(r() * 20) : 2 + Math.floor(r() * 5);
    for (let g = 0; g < groups; g++) {
      const parent = parents[Math.floor(r() * parents.length)];
      const u = add(parent, 'group', `Профгруппа № ${g + 1}`);
      p.holders.push(u.id);
    }
  }
  // Members: only organisations that reached step 4 have registered them; sizes are skewed (schools ~50, universities thousands).
  const registering = primaries.filter((p) => p.stage >= 4);
  const weights = registering.map((p) => (p.org.kind === 'primary_territorial' ? 1500 : p.college ? 200 : 45) * Math.exp((r() - 0.5) * 1.2));
  const total = weights.reduce((s, w) => s + w, 0);
  let left = members;
  registering.forEach((p, i) => {
    p.members = Math.floor((members * weights[i]) / total);
    left -= p.members;
  });
  for (let i = 0; left > 0; i = (i + 1) % registering.length, left--) registering[i].members++;
  return { orgs, primaries, regionCount: regions.length, territorialCount: territorial.length };
}

// ------------------------------------------------------------------ writers

interface BulkWriter {
  /** CREATE INDEX statements of a table's secondary indexes, as the catalogue has them. */
  indexDefinitions(table: string): Promise<{ name: string; sql: string }[]>;
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Sequelize's SQLite timestamp format ('2026-11-26 09:00:00.000 +00:00'). */
function sqliteTs(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} +00:00`;
}

function sqliteWriter(file: string): BulkWriter {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = OFF');
  const statements = new Map<string, Database.Statement>();
  return {
    async indexDefinitions(table) {
      return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL").all(table) as { name: string; sql: string }[];
    },
    async insert(table, columns, rows) {
      const key = `${table}:${columns.join(',')}`;
      let st = statements.get(key);
      if (!st) {
        st = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
        statements.set(key, st);
      }
      for (const row of rows) st.run(row.map((v) => (v instanceof Date ? sqliteTs(v) : typeof v === 'boolean' ? (v ? 1 : 0) : v)));
    },
    async begin() {
      db.exec('BEGIN');
    },
    async commit() {
      db.exec('COMMIT');
    },
    async exec(sql) {
      db.exec(sql);
    },
    async close() {
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

async function pgWriter(url: string): Promise<BulkWriter> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('SET synchronous_commit = off');
  // Bulk load of consistent-by-construction rows: skip the per-row foreign-key triggers (needs a superuser;
  // without the right the load simply runs with them).
  await client.query('SET session_replication_role = replica').catch(() => undefined);
  const types = new Map<string, Map<string, string>>();
  const typesOf = async (table: string) => {
    let t = types.get(table);
    if (!t) {
      const res = await client.query<{ column_name: string; udt_name: string }>('SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = $1', [table]);
      t = new Map(res.rows.map((r) => [r.column_name, r.udt_name]));
      types.set(table, t);
    }
    return t;
  };
  return {
    async indexDefinitions(table) {
      const res = await client.query<{ name: string; sql: string }>(
        `SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid
         WHERE i.tablename = $1 AND NOT x.indisprimary`,
        [table],
      );
      return res.rows;
    },
    // One array per column, unnested into rows: a handful of parameters however many rows.
    async insert(table, columns, rows) {
      const t = await typesOf(table);
      for (let i = 0; i < rows.length; i += 20_000) {
        const part = rows.slice(i, i + 20_000);
        const arrays = columns.map((_c, k) => part.map((row) => (row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k])));
        const casts = columns.map((c, k) => `$${k + 1}::${t.get(c) ?? 'text'}[]`).join(', ');
        await client.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts})`, arrays);
      }
    },
    async begin() {
      await client.query('BEGIN');
    },
    async commit() {
      await client.query('COMMIT');
    },
    async exec(sql) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

// ------------------------------------------------------------------ the run

const pad2 = (n: number) => String(n).padStart(2, '0');
const HEX = '0123456789abcdef';

/** Time-ordered UUID-shaped ids (sequential prefix keeps index inserts cheap). */
function memberId(i: number, r: () => number): string {
  const head = i.toString(16).padStart(12, '0');
  let tail = '';
  for (let k = 0; k < 15; k++) tail += HEX[Math.floor(r() * 16)];
  return `${head.slice(0, 8)}-${head.slice(8, 12)}-4${tail.slice(0, 3)}-8${tail.slice(3, 6)}-${tail.slice(6, 15)}000`;
}

/** A valid СНИЛС for the i-th member: bodies spread from 100-000-000 on, all distinct. */
function snilsFor(i: number, seed: number): string {
  const body = String(100_000_000 + i * 191 + (seed % 191)).padStart(9, '0');
  return `${body}${String(snilsChecksum(body)).padStart(2, '0')}`;
}

export async function seedSynthetic(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? ((s: string) => console.log(s));
  const seed = opts.seed ?? 42;
  const r = seededRandom(seed);
  const t0 = Date.now();
  const shape = treeShape(opts.members, opts);
  log(`Синтетический реестр: ${opts.members.toLocaleString('ru-RU')} членов, ${shape.regions} региональных, ${shape.territorial} территориальных, ${shape.primaries} первичных организаций.`);

  // Migrate with the application's own code, and make sure nothing is there yet.
  const config = loadConfig({ ...process.env, DATABASE_URL: opts.databaseUrl ?? '', DATA_DIR: opts.dataDir, LOG_LEVEL: 'warn' });
  let db: Db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  const [{ n }] = await db.sequelize.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM organisations', { type: 'SELECT' as never });
  await db.close();
  if (Number(n) > 0) throw new Error('база данных не пуста: укажите новый каталог --data-dir или пустую базу PostgreSQL');

  const plan = planTree(opts.members, shape, r);
  const w = opts.databaseUrl ? await pgWriter(opts.databaseUrl) : sqliteWriter(sqlitePath({ dataDir: opts.dataDir }));
  const now = new Date('2026-11-26T09:00:00Z');
  const year = 2026;

  // Organisations.
  await w.begin();
  const orgCols = ['id', 'parent_id', 'kind', 'name', 'path', 'depth', 'status', 'created_at', 'updated_at'];
  for (let i = 0; i < plan.orgs.length; i += 20_000) {
    await w.insert('organisations', orgCols, plan.orgs.slice(i, i + 20_000).map((o) => [o.id, o.parentId, o.kind, o.name, o.path, o.depth, 'active', now, now]));
  }
  if (opts.databaseUrl) await w.exec(`SELECT setval(pg_get_serial_sequence('organisations', 'id'), ${plan.orgs.length})`);

  // Chairs' accounts (regional, territorial and primary), passports of primary organisations.
  const userCols = ['login', 'full_name', 'role', 'org_id', 'password_hash', 'must_change_password', 'failed_attempts', 'active', 'obligation_signed_at', 'obligation_recorded_at', 'training_completed_at', 'first_run_completed_at', 'created_by', 'created_at', 'updated_at'];
  const users: unknown[][] = [];
  const person = () => {
    const f = r() < 0.8;
    const sur = SURNAMES[Math.floor(r() * SURNAMES.length)];
    const p = PATRONYMICS[Math.floor(r() * PATRONYMICS.length)];
    return `${f ? feminine(sur) : sur} ${f ? FEMALE_NAMES[Math.floor(r() * FEMALE_NAMES.length)] : MALE_NAMES[Math.floor(r() * MALE_NAMES.length)]} ${f ? p[2] : p[1]}`;
  };
  const LOCKED_HASH = 'synthetic:no-password'; // not a valid hash: these accounts cannot sign in
  for (const o of plan.orgs) {
    if (o.kind === 'regional' || o.kind === 'territorial') users.push([`s${o.id}`, person(), o.kind, o.id, LOCKED_HASH, true, 0, true, '2020-11-05', now, null, null, null, now, now]);
  }
  const passports: unknown[][] = [];
  const passportCols = ['org_id', 'inpo_number', 'union_name', 'inn', 'kpp', 'ogrn', 'registration_date', 'institution_name', 'institution_type', 'chair_full_name', 'chair_position', 'employees_count', 'students_count', 'legal_address', 'postal_address', 'postal_index', 'phone', 'email', 'version', 'updated_by', 'created_at', 'updated_at'];
  for (const p of plan.primaries) {
    const chair = person();
    const account = p.stage >= 1 || r() < 0.6;
    if (account) {
      const obligation = p.stage >= 1;
      const trained = p.stage >= 2;
      users.push([`p${p.org.id}`, chair, p.org.kind === 'primary_territorial' ? 'territorial' : 'primary_chair', p.org.id, LOCKED_HASH, !obligation, 0, true,
        obligation ? '2020-11-10' : null, obligation ? now : null, trained && r() < 0.7 ? now : null, trained ? now : null, null, now, now]);
    }
    const full = p.stage >= 3;
    if (full || r() < 0.5) {
      const employees = Math.max(5, Math.round((p.members || 40) / (0.6 + 0.35 * r())));
      const students = p.college ? Math.round(employees * (4 + 6 * r())) : 0;
      passports.push([
        p.org.id, String(1600000000 + p.org.id), `Первичная профсоюзная организация ${p.org.name.replace(/^ППО /, '')}`,
        '7830002293', '783001001', full ? '1027700132195' : null, full ? '2003-02-14' : null,
        full ? p.org.name.replace(/^ППО /, '') : null, full ? (p.college ? 'Профессиональная образовательная организация (колледж, техникум)' : 'Общеобразовательная организация (школа)') : null,
        full ? chair : null, full ? 'Учитель' : null, full ? employees : null, full ? students : null,
        full ? `г. Город-${p.org.id}, ул. Школьная, д. ${1 + (p.org.id % 90)}` : null, null, full ? String(100000 + (p.org.id % 899999)).padStart(6, '0') : null,
        full ? `+7843${String(p.org.id).padStart(7, '0').slice(-7)}` : null, full ? `ppo${p.org.id}@example.org` : null, 1, null, now, now,
      ]);
    }
  }
  await w.insert('users', userCols, users);
  await w.insert('passports', passportCols, passports);
  await w.commit();
  const tTree = (Date.now() - t0) / 1000;
  log(`Дерево: ${plan.orgs.length.toLocaleString('ru-RU')} организаций и подразделений, ${users.length.toLocaleString('ru-RU')} учётных записей, ${passports.length.toLocaleString('ru-RU')} паспортов — ${tTree.toFixed(1)} с.`);

  // Members, primary organisation by primary organisation, in big transactions.
  const memberCols = ['id', 'org_id', 'primary_org_id', 'surname', 'name', 'patronymic', 'name_key', 'sex', 'birth_date', 'snils', 'phone', 'email', 'position', 'category', 'joined_at',
    'consent_union', 'consent_union_date', 'consent_operator', 'consent_operator_date', 'consent_notify', 'consent_notify_date', 'card_status', 'card_status_at',
    'registered_at', 'deregistered_at', 'deregistration_reason', 'version', 'created_at', 'updated_at'];
  const tm = Date.now();
  // Bulk load: the secondary indexes of members are dropped and rebuilt from their own definitions afterwards.
  const indexes = await w.indexDefinitions('members');
  for (const ix of indexes) await w.exec(`DROP INDEX ${ix.name}`);
  let written = 0;
  let batch: unknown[][] = [];
  let lastLog = Date.now();
  // The previous batch is written while the next one is generated (PostgreSQL works in its own process).
  let pending: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (!batch.length) return;
    await pending;
    const rows = batch;
    batch = [];
    pending = (async () => {
      await w.begin();
      await w.insert('members', memberCols, rows);
      await w.commit();
    })();
    if (!opts.databaseUrl) await pending;
    written += rows.length;
    if (Date.now() - lastLog > 5000 || written === opts.members) {
      lastLog = Date.now();
      const s = (Date.now() - tm) / 1000;
      log(`  члены: ${written.toLocaleString('ru-RU')} из ${opts.members.toLocaleString('ru-RU')} (${Math.round(written / Math.max(s, 0.001)).toLocaleString('ru-RU')} строк/с)`);
    }
  };
  const date = (y: number) => `${y}-${pad2(1 + Math.floor(r() * 12))}-${pad2(1 + Math.floor(r() * 28))}`;
  let i = 0;
  for (const p of plan.primaries) {
    for (let k = 0; k < p.members; k++, i++) {
      const student = p.college && r() < 0.55;
      const catRoll = r();
      const category = student ? 'student' : catRoll < 0.9 ? 'employee' : catRoll < 0.94 ? 'pensioner' : catRoll < 0.975 ? 'on_leave' : catRoll < 0.99 ? 'union_staff' : 'dismissed_reduction';
      const female = r() < (student ? 0.6 : 0.82);
      const sur = SURNAMES[Math.floor(r() * SURNAMES.length)];
      const surname = female ? feminine(sur) : sur;
      const name = female ? FEMALE_NAMES[Math.floor(r() * FEMALE_NAMES.length)] : MALE_NAMES[Math.floor(r() * MALE_NAMES.length)];
      const pat = PATRONYMICS[Math.floor(r() * PATRONYMICS.length)];
      const patronymic = r() < 0.995 ? (female ? pat[2] : pat[1]) : null;
      const age = student ? 15 + Math.floor(r() * 8) : category === 'pensioner' ? 60 + Math.floor(r() * 20) : 22 + Math.floor(r() * 45);
      const birthDate = date(year - age);
      // Consents: collected from step 5 on; before that only some.
      const collecting = p.stage >= 5 ? 0.985 : p.stage === 4 ? 0.2 : 0;
      const consent = (given: number, refused: number): [string | null, string | null] => {
        if (r() >= collecting) return [null, null];
        const x = r();
        return x < given ? ['given', date(year - 1)] : x < given + refused ? ['refused', date(year - 1)] : ['revoked', date(year)];
      };
      const [cu, cud] = consent(0.95, 0.04);
      const [co, cod] = cu === 'given' ? consent(0.84, 0.15) : [null, null];
      const [cn, cnd] = consent(0.72, 0.27);
      const phone = r() < 0.93 ? `+79${String(Math.floor(r() * 1e9)).padStart(9, '0')}` : null;
      const deregistered = r() < 0.04;
      // Cards: ordered from step 6 on for those who can have one, issued at step 7.
      let card = 'not_ordered';
      const canOrder = cu === 'given' && co === 'given' && phone !== null;
      if (canOrder && p.stage >= 6 && r() < 0.93) {
        const x = r();
        card = p.stage >= 7 ? (x < 0.82 ? 'issued' : x < 0.92 ? 'received' : x < 0.96 ? 'sent' : x < 0.99 ? 'produced' : 'lost') : x < 0.5 ? 'ordered' : x < 0.8 ? 'produced' : x < 0.95 ? 'sent' : 'received';
      }
      if (deregistered && card !== 'not_ordered') card = 'blocked';
      const orgId = p.holders.length > 1 && r() < 0.85 ? p.holders[1 + Math.floor(r() * (p.holders.length - 1))] : p.org.id;
      batch.push([
        memberId(i + 1, r), orgId, p.org.id, surname, name, patronymic, memberNameKey({ surname, name, patronymic, birthDate }),
        female ? 'female' : 'male', birthDate, r() < 0.87 ? snilsFor(i, seed) : null, phone,
        r() < 0.45 ? `u${i + 1}@example.org` : null, student ? `Группа ${1 + Math.floor(r() * 4)}-${pad2(1 + Math.floor(r() * 30))}` : POSITIONS[Math.floor(r() * POSITIONS.length)],
        category, `${Math.max(year - age + 18, year - 30)}-09-01`, cu, cud, co, cod, cn, cnd, card, card === 'not_ordered' ? null : now,
        date(year - 1), deregistered ? date(year) : null, deregistered ? 'left_job' : null, 1, now, now,
      ]);
      if (batch.length >= 50_000) await flush();
    }
  }
  await flush();
  await pending;
  const ti = Date.now();
  if (opts.databaseUrl) await w.exec("SET maintenance_work_mem = '1GB'");
  for (const ix of indexes) await w.exec(ix.sql);
  log(`  индексы members (${indexes.length}) построены заново за ${((Date.now() - ti) / 1000).toFixed(1)} с`);
  await w.close();
  const tMembers = (Date.now() - tm) / 1000;
  log(`Члены: ${written.toLocaleString('ru-RU')} за ${tMembers.toFixed(1)} с (${Math.round(written / Math.max(tMembers, 0.001)).toLocaleString('ru-RU')} строк/с).`);

  // The progress counters from scratch, with the application's own code.
  const tc = Date.now();
  db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir, migrate: false });
  await db.sequelize.query('ANALYZE');
  const ctx: Ctx = { db, config, log: createLogger('warn', null), now: () => new Date(), memberCounters: progressCounters };
  const rc = await recomputeCounters(ctx);
  // A database after a bulk load is not in its steady state: let PostgreSQL clean up and learn the tables.
  await db.sequelize.query(db.dialect === 'postgres' ? 'VACUUM ANALYZE' : 'ANALYZE');
  await db.close();
  const tCounters = (Date.now() - tc) / 1000;
  log(`Счётчики хода внедрения: ${rc.organisations.toLocaleString('ru-RU')} строк, ${rc.members.toLocaleString('ru-RU')} членов на учёте — ${tCounters.toFixed(1)} с.`);
  const total = (Date.now() - t0) / 1000;
  log(`Готово за ${total.toFixed(1)} с.`);
  return {
    organisations: plan.orgs.length,
    primaries: plan.primaries.length,
    members: written,
    users: users.length,
    passports: passports.length,
    seconds: { tree: tTree, members: tMembers, counters: tCounters, total },
  };
}

/** Rebuild the progress counters of an existing database from its tables (the repair tool). */
export async function recomputeExisting(databaseUrl: string | null, dataDir: string, log: (s: string) => void = console.log): Promise<void> {
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
    const ctx: Ctx = { db, config, log: createLogger('warn', null), now: () => new Date(), memberCounters: progressCounters };
    const rc = await recomputeCounters(ctx);
    log(`Счётчики хода внедрения пересчитаны: ${rc.organisations.toLocaleString('ru-RU')} организаций, ${rc.members.toLocaleString('ru-RU')} членов на учёте — ${(rc.ms / 1000).toFixed(1)} с.`);
  } finally {
    await db.close();
  }
}

function parseArgs(argv: string[]): SeedOptions {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string) => {
    const v = get(name);
    if (v === undefined) return undefined;
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
    return n;
  };
  return {
    members: num('members') ?? 100_000,
    databaseUrl: get('database-url') ?? process.env.DATABASE_URL ?? null,
    dataDir: path.resolve(get('data-dir') ?? path.join('data', 'synthetic')),
    seed: num('seed'),
    regions: num('regions'),
    territorial: num('territorial'),
    primaries: num('primaries'),
  };
}

if (require.main === module) {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.databaseUrl) fs.mkdirSync(opts.dataDir, { recursive: true });
  const run = process.argv.includes('--recompute') ? recomputeExisting(opts.databaseUrl, opts.dataDir) : seedSynthetic(opts);
  run.catch((err: Error) => {
    console.error(`Ошибка: ${err.message}`);
    process.exit(1);
  });
}
