/**
 * Taking a member list as it comes — one engine for the add-in («Вставить список из другого файла»)
 * and the upload page:
 *
 *  grid of cells → the header row (a title block above it and a second header line below it are
 *  recognised) → a guess for each column, from its header (synonyms of HR exports and school lists)
 *  or, failing that, from its content (valid СНИЛС checksums, dates, phones, e-mails, «М»/«Ж», the
 *  words of a category, full names) → the chair may change any guess, «не загружать» included →
 *  rows in the register's columns: ФИО split, blank rows and totals rows («Итого», «Всего») left
 *  out with a reason, coded values through the value mapping, dates typed dd.mm.yy read with the
 *  century that makes them possible, СНИЛС that lost its leading zero padded back when the checksum
 *  then holds. Nothing else is changed: every value still goes through normalizeMemberRow.
 *
 * Pure: no Office, no DOM, no Node. Cells are what a sheet gives: strings, numbers, Dates, booleans, null.
 */
import { isBlankCell, normalizeSpaces } from '../cell';
import { checkEmail } from '../email';
import { splitFullName } from '../names';
import { formatDateRu, parseDate } from '../dates';
import { checkPhone } from '../phone';
import { checkSnils, snilsChecksum } from '../snils';
import { MEMBER_COLUMNS, columnByKey, type MemberFieldKey, type RawMemberRow } from './columns';
import { choiceLabel, isCodedColumn, matchVocabulary, MEMBER_VOCABULARIES, vocabularyKey, type CodedColumnKey, type VocabularyMatch } from './vocabulary';

/** Where a column of the list goes: a register column, «ФИО» to split, or nowhere. */
export type ImportTarget = MemberFieldKey | 'fullName' | 'skip';

export const SKIP_LABEL = 'не загружать';
export const FULL_NAME_LABEL = 'ФИО (разделить на три столбца)';

/** The choices of the dropdown, in the register's order. */
export const IMPORT_TARGETS: readonly { target: ImportTarget; label: string }[] = [
  { target: 'skip', label: SKIP_LABEL },
  { target: 'fullName', label: FULL_NAME_LABEL },
  ...MEMBER_COLUMNS.filter((c) => !c.hidden).map((c) => ({ target: c.key as MemberFieldKey, label: c.header })),
];

export function targetLabel(t: ImportTarget): string {
  return IMPORT_TARGETS.find((x) => x.target === t)?.label ?? t;
}

// ------------------------------------------------------------------------------------------- headers

/** 'Дата рождения:' → 'дата рождения'; «Ф.И.О.» → 'ф и о'; ё → е; «№ п/п» → '№ п п'. */
export function headerKey(s: unknown): string {
  const text = typeof s === 'string' ? s : typeof s === 'number' ? String(s) : '';
  return normalizeSpaces(text)
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s.,:;()«»"'/\\\-–—*]+/g, ' ')
    .trim();
}

const FULL_NAME_HEADERS = [
  'фио', 'ф и о', 'фамилия имя отчество', 'фамилия имя отчество полностью', 'ф и о полностью', 'фио полностью',
  'сотрудник', 'работник', 'физическое лицо', 'физ лицо', 'член профсоюза', 'фио сотрудника', 'фио работника',
  'фио студента', 'фио обучающегося', 'фио члена профсоюза', 'студент', 'обучающийся', 'фамилия имя отчество сотрудника',
];

/** Extra header spellings of HR exports and school lists, besides the column's header and aliases. */
const HEADER_SYNONYMS: Partial<Record<MemberFieldKey, readonly string[]>> = {
  surname: ['фамилия'],
  name: ['имя'],
  patronymic: ['отчество'],
  sex: ['пол', 'м ж', 'пол м ж', 'пол м/ж'],
  birthDate: ['дата рождения', 'дата рожд', 'д р', 'др', 'дата рожд ния', 'день рождения', 'рождения', 'дата рождения дд мм гггг'],
  snils: ['снилс', 'страховой номер', 'страховой номер пфр', 'номер снилс', 'снилс номер', 'страховое свидетельство', 'страховой номер индивидуального лицевого счета', 'снилс сотрудника'],
  phone: ['телефон', 'моб тел', 'моб телефон', 'мобильный телефон', 'тел', 'мобильный', 'сотовый', 'сотовый телефон', 'контактный телефон', 'телефон мобильный', 'номер телефона', 'телефон сотовый', 'тел моб'],
  email: ['e mail', 'email', 'эл почта', 'электронная почта', 'почта', 'адрес электронной почты', 'e mail адрес', 'эл адрес'],
  position: ['должность', 'учебная группа', 'группа', 'должность группа', 'должность учебная группа', 'профессия', 'занимаемая должность', 'наименование должности', 'должность профессия', 'должность специальность', 'номер группы', 'шифр группы'],
  category: ['категория', 'категория члена профсоюза', 'категория члена', 'категория работника'],
  joinedAt: ['дата вступления', 'дата вступления в профсоюз', 'вступил в профсоюз', 'дата приема в профсоюз', 'член профсоюза с', 'в профсоюзе с'],
  unit: ['подразделение', 'профгруппа', 'профбюро', 'структурное подразделение', 'отдел', 'кафедра', 'факультет', 'отделение'],
  address: ['адрес', 'адрес регистрации', 'адрес проживания', 'адрес места жительства'],
  idDocument: ['паспорт', 'паспортные данные', 'документ удостоверяющий личность'],
};

/** Headers of columns a list often has and the register does not keep: recognised, not loaded. */
const KNOWN_SKIP_HEADERS = [
  '№', '№ п п', 'n', 'n п п', 'no', 'номер', 'п п', '№ пп', 'таб №', 'таб номер', 'табельный номер', 'таб н', 'табельный', 'дата приема', 'дата приема на работу',
  'дата поступления', 'стаж', 'педагогический стаж', 'общий стаж', 'инн', 'курс', 'форма обучения', 'основа обучения', 'ставка', 'оклад',
  'образование', 'примечание', 'подпись', 'вид занятости', 'дата увольнения', 'квалификационная категория', 'разряд', 'гражданство',
  'возраст', 'год рождения', 'специальность', 'направление подготовки', 'член профсоюза да нет', 'член профсоюза', 'взносы',
  // The register's own service columns and the answer column: read by the upload itself, never as data.
  // «Ключ строки» is the add-in's hidden key of a row for writing results back (addin/excel/row-keys.ts).
  'id в реестре', 'версия', 'результат', 'ключ строки',
];

const headerIndex: Map<string, ImportTarget> = (() => {
  const m = new Map<string, ImportTarget>();
  for (const k of KNOWN_SKIP_HEADERS) m.set(headerKey(k), 'skip');
  for (const c of MEMBER_COLUMNS) {
    if (c.hidden) continue;
    for (const a of [c.header, ...c.aliases, ...(HEADER_SYNONYMS[c.key as MemberFieldKey] ?? [])]) m.set(headerKey(a), c.key as MemberFieldKey);
  }
  for (const k of FULL_NAME_HEADERS) m.set(headerKey(k), 'fullName');
  // «Член профсоюза» over a column of names is ФИО; over «да/нет» it is skipped: content decides (see guessColumn).
  return m;
})();

/** What a header alone says (undefined: not a header we know). */
export function targetOfHeader(header: unknown): ImportTarget | undefined {
  const k = headerKey(header);
  if (!k) return undefined;
  return headerIndex.get(k);
}

// ------------------------------------------------------------------------------------------- content

const CYR_NAME = /^[А-ЯЁа-яё][А-ЯЁа-яё'’-]*$/;

/** A text of 2–3 Cyrillic words (4 with «оглы»/«кызы»): a full name. */
function looksLikeFullName(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const words = normalizeSpaces(v).split(' ');
  return words.length >= 2 && words.length <= 4 && words.every((w) => CYR_NAME.test(w));
}

function looksLikeSnils(v: unknown): boolean {
  if (typeof v === 'number') return checkSnils(v).ok;
  if (typeof v !== 'string') return false;
  const s = normalizeSpaces(v);
  if (!/^[\d\s-]{9,16}$/.test(s)) return false;
  return checkSnils(padSnilsText(s)).ok;
}

/** «12345678901»-like text that lost its leading zeros (a number saved as text): padded when the checksum then holds. */
export function padSnilsText(s: string): string {
  const t = normalizeSpaces(s);
  if (!/^\d{9,10}$/.test(t)) return t;
  const padded = t.padStart(11, '0');
  return Number(padded.slice(0, 9)) > 1001998 && snilsChecksum(padded.slice(0, 9)) === Number(padded.slice(9)) ? padded : t;
}

const SHORT_DATE = /^(\d{1,2})\s?[./-]\s?(\d{1,2})\s?[./-]\s?(\d{2})$/;

function looksLikeDate(v: unknown): boolean {
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  if (typeof v === 'string') {
    const s = normalizeSpaces(v);
    if (SHORT_DATE.test(s)) return true;
    return /^\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{4}$/.test(s) || /^\d{4}-\d{2}-\d{2}/.test(s);
  }
  return false;
}

function looksLikePhone(v: unknown): boolean {
  if (typeof v !== 'string' && typeof v !== 'number') return false;
  const s = String(v);
  const digits = s.replace(/\D/g, '');
  if (digits.length < 10 || digits.length > 11) return false;
  if (typeof v === 'string' && /[^\d\s()+-]/.test(s)) return false;
  return checkPhone(v).ok;
}

const looksLikeEmail = (v: unknown) => typeof v === 'string' && v.includes('@') && checkEmail(v).ok;

function codedShare(col: CodedColumnKey, values: readonly unknown[]): number {
  const texts = values.filter((v): v is string => typeof v === 'string');
  if (!texts.length) return 0;
  return texts.filter((t) => matchVocabulary(MEMBER_VOCABULARIES[col], t).kind !== 'unknown').length / values.length;
}

/** The target a column's values point to (undefined: nothing clear). `taken`: targets already used. */
export function guessFromContent(values: readonly unknown[], taken: ReadonlySet<ImportTarget>): ImportTarget | undefined {
  const filled = values.filter((v) => !isBlankCell(v));
  if (filled.length === 0) return undefined;
  const share = (test: (v: unknown) => boolean) => filled.filter(test).length / filled.length;
  const free = (t: ImportTarget) => !taken.has(t);
  if (free('snils') && share(looksLikeSnils) >= 0.8) return 'snils';
  if (free('email') && share(looksLikeEmail) >= 0.8) return 'email';
  if (free('phone') && share(looksLikePhone) >= 0.8) return 'phone';
  if (share(looksLikeDate) >= 0.8) {
    if (free('birthDate')) return 'birthDate';
    if (free('joinedAt')) return 'joinedAt';
    return undefined;
  }
  if (free('sex') && codedShare('sex', filled) >= 0.9) return 'sex';
  if (free('category') && codedShare('category', filled) >= 0.6) return 'category';
  if (free('fullName') && free('surname') && share(looksLikeFullName) >= 0.8) return 'fullName';
  return undefined;
}

// ------------------------------------------------------------------------------------------- layout

export interface ImportGrid {
  /** Rows of cells, top to bottom (index 0 = the first row of the sheet or paste). */
  rows: readonly (readonly unknown[])[];
  /** Hidden columns (index → true); a hidden column is loaded only when no visible one has its target. */
  hidden?: readonly boolean[];
  /** Merged areas, 0-based and inclusive: their value is the top-left cell's, spread over the area. */
  merges?: readonly { top: number; left: number; bottom: number; right: number }[];
  /** Sheet row number of rows[0] (1 for a whole sheet). */
  firstRowNumber?: number;
}

export interface ImportColumn {
  /** 0-based column index in the grid. */
  index: number;
  header: string;
  target: ImportTarget;
  /** Why: its header, its content, a remembered mapping, or nothing recognised. */
  source: 'header' | 'content' | 'saved' | 'none';
  hidden: boolean;
  /** Up to three filled values, as text, for the pane. */
  samples: string[];
}

export interface ImportLayout {
  /** 0-based index of the header row in the grid (the last line of a two-line header). */
  headerRow: number;
  /** 0-based data rows (blank and totals rows excluded). */
  dataRows: number[];
  /** Rows left out, with the reason (sheet row numbers). */
  skipped: { row: number; why: 'blank' | 'totals' | 'group' }[];
  columns: ImportColumn[];
  /** Remembered shapes are found by this (normalised headers, no data). */
  signature: string;
}

export const HEADER_SEARCH_ROWS = 20;

function cellString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return normalizeSpaces(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : formatDateRu(v.toISOString().slice(0, 10));
  return '';
}

/**
 * The grid with merged areas filled down: a value typed once over a block merged across rows
 * (1С's «Подразделение» over its people) belongs to every row of the block, in the block's first
 * column. A block merged across columns keeps its value in its first column only (a header merged
 * over three columns names the first; the others are read by content).
 */
function spreadMerges(grid: ImportGrid): unknown[][] {
  const rows = grid.rows.map((r) => [...r]);
  for (const m of grid.merges ?? []) {
    const v = rows[m.top]?.[m.left];
    if (isBlankCell(v)) continue;
    for (let r = m.top + 1; r <= m.bottom && r < rows.length; r++) if (isBlankCell(rows[r][m.left])) rows[r][m.left] = v;
  }
  return rows;
}

function headerScore(row: readonly unknown[]): number {
  let n = 0;
  const seen = new Set<ImportTarget>();
  for (const v of row) {
    if (typeof v !== 'string') continue;
    const t = targetOfHeader(v);
    if (t === undefined) continue;
    if (t !== 'skip' && seen.has(t)) continue;
    seen.add(t);
    n += t === 'skip' ? 0.5 : 1;
  }
  return n;
}

const TOTALS = /^(итого|всего|итог)(?![а-яё])/;

function isHeading(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const words = normalizeSpaces(v).split(' ');
  return words.some((w) => !CYR_NAME.test(w)) || words.length > 4;
}

function isTotalsRow(row: readonly unknown[]): boolean {
  return row.some((v) => typeof v === 'string' && TOTALS.test(normalizeSpaces(v).toLowerCase()));
}

/** The saved mapping of one list shape: targets by header key (positions may move), value choices. */
export interface SavedMapping {
  targets: Record<string, ImportTarget>;
  /** The category given to every row when the list has no category column. */
  category?: string;
}

/**
 * Finds the header row and guesses each column. `saved`: mappings remembered for list shapes
 * (by signature); a remembered shape gets its targets back («saved»). Null when no row among the
 * first 20 looks like a header.
 */
export function detectLayout(grid: ImportGrid, saved?: Readonly<Record<string, SavedMapping>>): ImportLayout | null {
  const rows = spreadMerges(grid);
  const first = grid.firstRowNumber ?? 1;
  let headerRow = -1;
  let best = 1.5;
  for (let r = 0; r < Math.min(HEADER_SEARCH_ROWS, rows.length); r++) {
    const s = headerScore(rows[r]);
    if (s > best) {
      best = s;
      headerRow = r;
    }
  }
  if (headerRow < 0) return null;
  const width = Math.max(0, ...rows.map((r) => r.length));
  const headers: string[] = [];
  for (let c = 0; c < width; c++) headers.push(cellString(rows[headerRow][c]));
  // A second header line («ФИО» merged over «Фамилия | Имя | Отчество»): its texts win where it has them.
  const next = rows[headerRow + 1];
  if (next && headerScore(next) >= 2) {
    const known = next.filter((v) => typeof v === 'string' && targetOfHeader(v) !== undefined).length;
    const filled = next.filter((v) => !isBlankCell(v)).length;
    if (known / Math.max(1, filled) >= 0.6) {
      for (let c = 0; c < width; c++) if (!isBlankCell(next[c])) headers[c] = cellString(next[c]);
      headerRow += 1;
    }
  }

  const dataRows: number[] = [];
  const skipped: ImportLayout['skipped'] = [];
  const namedColumns = headers.filter((h) => h !== '').length;
  for (let r = headerRow + 1; r < rows.length; r++) {
    const row = rows[r];
    const filled = row.filter((v) => !isBlankCell(v));
    if (filled.length === 0) skipped.push({ row: first + r, why: 'blank' });
    else if (isTotalsRow(row)) skipped.push({ row: first + r, why: 'totals' });
    // A line with one text in a list of three or more columns, with quotes, digits or signs a name never
    // has, is a group's heading («Группа № 2 «Звёздочка»»). A lone name-like word stays a row: it may be
    // a person whose other cells were forgotten, and the row check says so.
    else if (namedColumns >= 3 && filled.length === 1 && isHeading(filled[0])) skipped.push({ row: first + r, why: 'group' });
    else dataRows.push(r);
  }
  // Blank rows after the last data row are not worth a mention.
  const lastData = dataRows.length ? first + dataRows[dataRows.length - 1] : first + headerRow;
  const kept = skipped.filter((s) => s.why !== 'blank' || s.row < lastData);

  const signature = headers.map(headerKey).join('|');
  const remembered = saved?.[signature];
  const hidden = grid.hidden ?? [];
  const columns: ImportColumn[] = headers.map((h, c) => {
    const samples: string[] = [];
    for (const r of dataRows) {
      const s = cellString(rows[r][c]);
      if (s && !samples.includes(s)) samples.push(s.length > 40 ? `${s.slice(0, 39)}…` : s);
      if (samples.length >= 3) break;
    }
    return { index: c, header: h, target: 'skip', source: 'none', hidden: hidden[c] === true, samples };
  });

  const taken = new Set<ImportTarget>();
  const take = (col: ImportColumn, t: ImportTarget, source: ImportColumn['source']) => {
    col.target = t;
    col.source = source;
    if (t !== 'skip') taken.add(t);
  };
  const values = (c: number) => dataRows.map((r) => rows[r][c]);
  if (remembered) {
    for (const col of columns) {
      const t = remembered.targets[headerKey(col.header)];
      if (t !== undefined && (t === 'skip' || !taken.has(t))) take(col, t, 'saved');
    }
  } else {
    // Visible columns with data first, then empty ones, hidden ones last: a hidden or empty column only
    // gets a target no other column has.
    const filled = (c: ImportColumn) => values(c.index).some((v) => !isBlankCell(v));
    const rank = (c: ImportColumn) => (c.hidden ? 2 : 0) + (filled(c) ? 0 : 1);
    const order = [...columns].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
    for (const col of order) {
      let t = targetOfHeader(col.header);
      if (t === undefined) continue;
      // «Член профсоюза» / «Сотрудник» over «да»/«нет» is a yes/no column, not names.
      if (t === 'fullName' && filled(col) && !values(col.index).some(looksLikeFullName)) t = 'skip';
      if (t !== 'skip' && taken.has(t)) t = 'skip';
      if (t !== 'skip' && (t === 'fullName' ? taken.has('surname') : t === 'surname' && taken.has('fullName'))) t = 'skip';
      take(col, t, 'header');
    }
    // Content: a column the headers did not explain may take a target held only by an empty column
    // (a list pasted over the member table's header leaves the register's empty columns beside it).
    const heldByEmpty = new Map<ImportTarget, ImportColumn>();
    for (const col of columns) if (col.target !== 'skip' && !filled(col)) heldByEmpty.set(col.target, col);
    const takenByFilled = new Set([...taken].filter((t) => !heldByEmpty.has(t)));
    if (takenByFilled.has('fullName')) takenByFilled.add('surname');
    if (takenByFilled.has('surname')) takenByFilled.add('fullName');
    for (const col of order) {
      if (col.source !== 'none' || !filled(col)) continue;
      const t = guessFromContent(values(col.index), takenByFilled);
      if (t === undefined) continue;
      const empty = heldByEmpty.get(t);
      if (empty) {
        empty.target = 'skip';
        heldByEmpty.delete(t);
      }
      if (t === 'fullName') for (const k of ['surname', 'name', 'patronymic'] as const) {
        const e = heldByEmpty.get(k);
        if (e) e.target = 'skip';
      }
      take(col, t, 'content');
      takenByFilled.add(t);
    }
  }
  return { headerRow, dataRows, skipped: kept, columns, signature };
}

/** Columns the register needs and the mapping does not give (names are given by «ФИО» too). */
export function missingTargets(targets: readonly ImportTarget[]): MemberFieldKey[] {
  const has = new Set(targets);
  const out: MemberFieldKey[] = [];
  if (!has.has('fullName')) {
    if (!has.has('surname')) out.push('surname');
    if (!has.has('name')) out.push('name');
  }
  for (const c of MEMBER_COLUMNS) if (c.required && c.key !== 'surname' && c.key !== 'name' && !has.has(c.key as MemberFieldKey)) out.push(c.key as MemberFieldKey);
  return out;
}

/** Two columns with one target: the later ones are named (the chair picks one). */
export function duplicateTargets(targets: readonly ImportTarget[]): ImportTarget[] {
  const seen = new Set<ImportTarget>();
  const dup = new Set<ImportTarget>();
  for (const t of targets) {
    if (t === 'skip') continue;
    if (seen.has(t)) dup.add(t);
    seen.add(t);
  }
  if (seen.has('fullName') && (seen.has('surname') || seen.has('name'))) dup.add('fullName');
  return [...dup];
}

// ------------------------------------------------------------------------------------------- values

/** Chosen meanings of coded values, by column and vocabularyKey: a code, or null for «leave empty». */
export type ValueChoices = Partial<Record<CodedColumnKey, Record<string, string | null>>>;

export interface ValueGroup {
  column: CodedColumnKey;
  /** The value as first seen in the list. */
  value: string;
  key: string;
  rows: number;
  /** What the vocabulary says on its own. */
  match: VocabularyMatch<string>;
  /** The chair's choice (from `choices`), if any. */
  chosen?: string | null;
}

/**
 * Distinct values of the coded columns, grouped by their vocabulary key (case, ё, punctuation
 * ignored), with row counts: the pane shows «работающий — 33 строки → Работник» and asks once for
 * every unknown or ambiguous group. Values the vocabulary takes are listed too (the chair may still
 * change them); the exact labels of the list are not.
 */
export function valueGroups(grid: ImportGrid, layout: ImportLayout, targets: readonly ImportTarget[], choices: ValueChoices = {}): ValueGroup[] {
  const rows = spreadMerges(grid);
  const out: ValueGroup[] = [];
  targets.forEach((t, c) => {
    if (!isCodedColumn(t)) return;
    const vocab = MEMBER_VOCABULARIES[t];
    const groups = new Map<string, ValueGroup>();
    const labels = new Set(vocab.options.map((o) => o.label));
    // A list repeats a handful of words thousands of times: each distinct text is keyed once.
    const keys = new Map<string, string>();
    for (const r of layout.dataRows) {
      const v = rows[r][c];
      if (isBlankCell(v) || (typeof v !== 'string' && typeof v !== 'number')) continue;
      const raw = String(v);
      if (labels.has(raw)) continue;
      let key = keys.get(raw);
      if (key === undefined) {
        const text = normalizeSpaces(raw);
        key = labels.has(text) ? '' : vocabularyKey(text);
        keys.set(raw, key);
      }
      if (key === '') continue;
      const text = normalizeSpaces(raw);
      const g = groups.get(key);
      if (g) g.rows++;
      else {
        const chosen = choices[t]?.[key];
        groups.set(key, { column: t, value: text, key, rows: 1, match: matchVocabulary(vocab, text), ...(chosen !== undefined ? { chosen } : {}) });
      }
    }
    out.push(...[...groups.values()].sort((a, b) => b.rows - a.rows));
  });
  return out;
}

/** A group that needs the chair: unknown or ambiguous, and not chosen yet. */
export function needsChoice(g: ValueGroup): boolean {
  return g.chosen === undefined && g.match.kind !== 'value';
}

// ------------------------------------------------------------------------------------------- rows

export interface ImportedRow {
  /** Sheet row number of the source row. */
  row: number;
  values: RawMemberRow;
}

/** dd.mm.yy → dd.mm.yyyy with the only century that makes the date possible (not after today, at most 100 years back). */
export function expandShortYear(v: unknown, today: string): unknown {
  if (typeof v !== 'string') return v;
  const m = SHORT_DATE.exec(normalizeSpaces(v));
  if (!m) return v;
  const yy = Number(m[3]);
  const thisYear = Number(today.slice(0, 4));
  const candidates = [1900 + yy, 2000 + yy].filter((y) => {
    const iso = `${y}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`;
    return iso <= today && y > thisYear - 100;
  });
  if (candidates.length !== 1) return v;
  return `${m[1].padStart(2, '0')}.${m[2].padStart(2, '0')}.${candidates[0]}`;
}

function mapCoded(col: CodedColumnKey, v: unknown, choices: ValueChoices): unknown {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  const mine = choices[col];
  if (!mine || Object.keys(mine).length === 0) return v;
  const key = vocabularyKey(String(v));
  const chosen = mine[key];
  if (chosen === undefined) return v;
  return chosen === null ? null : choiceLabel(MEMBER_VOCABULARIES[col], chosen);
}

/**
 * The list's data rows in the register's columns. A «ФИО» column is split into three; a name that
 * does not split stays whole in «Фамилия» (the row check explains why). Columns mapped to the same
 * target twice: the first wins (the pane does not let it happen).
 */
export function importRows(grid: ImportGrid, layout: ImportLayout, targets: readonly ImportTarget[], opts: { today: string; choices?: ValueChoices }): ImportedRow[] {
  const rows = spreadMerges(grid);
  const first = grid.firstRowNumber ?? 1;
  const choices = opts.choices ?? {};
  return layout.dataRows.map((r) => {
    const values: RawMemberRow = {};
    targets.forEach((t, c) => {
      if (t === 'skip') return;
      let v = rows[r][c];
      if (isBlankCell(v)) v = null;
      if (t === 'fullName') {
        if (values.surname !== undefined) return;
        if (typeof v === 'string') {
          const split = splitFullName(v);
          if (split.ok) {
            values.surname = split.value.surname;
            values.name = split.value.name;
            values.patronymic = split.value.patronymic;
            return;
          }
        }
        values.surname = v;
        return;
      }
      if (values[t] !== undefined) return;
      const col = columnByKey(t);
      if (col.type === 'date') v = expandShortYear(v, opts.today);
      else if (col.type === 'snils' && typeof v === 'string') v = padSnilsText(v) === normalizeSpaces(v) ? v : padSnilsText(v);
      else if (isCodedColumn(t)) v = mapCoded(t, v, choices);
      values[t] = v;
    });
    return { row: first + r, values };
  });
}

/** The targets of a layout, column by column. */
export const targetsOf = (layout: ImportLayout): ImportTarget[] => layout.columns.map((c) => c.target);

/** What to remember for this shape: header key → target (no data). */
export function rememberMapping(layout: ImportLayout, targets: readonly ImportTarget[], category?: string): SavedMapping {
  const out: Record<string, ImportTarget> = {};
  layout.columns.forEach((c, i) => {
    const k = headerKey(c.header);
    if (k && out[k] === undefined) out[k] = targets[i];
  });
  return category ? { targets: out, category } : { targets: out };
}

/** A date typed as text in a column the chair maps to a date: parsed the register's way (for previews). */
export function previewDate(v: unknown, today: string): string | null {
  const r = parseDate(expandShortYear(v, today));
  return r.ok ? r.value : null;
}
