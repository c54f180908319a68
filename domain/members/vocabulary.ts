/**
 * Vocabularies of the coded columns: every spelling real member lists use for one value of a list
 * (category, sex, consent states, card status, deregistration reasons), the words that can mean two
 * values (never guessed: the chair chooses), and the nearest allowed value for an unknown word.
 *
 * Where the spellings come from (test fixtures keep the sources: test/fixtures/lists/SOURCES.md):
 * the union's statistical reports count «работающие», «студенты и учащиеся», «неработающие
 * пенсионеры»; HR exports (1С:ЗУП «Список сотрудников», school and college lists) write «Работник»,
 * «Сотрудник», «Обучающийся», «Студент», sex as «М»/«Ж», «муж.»/«жен.», «Мужской»/«Женский».
 *
 * Comparison key (`vocabularyKey`): lower case, ё = е, Latin look-alike letters inside a Russian word
 * read as Russian («жeн» typed with a Latin e), punctuation and extra spaces dropped, word order
 * ignored («пенсионер (неработающий)» = «неработающий пенсионер»).
 */
import { normalizeSpaces } from '../cell';
import {
  CARD_STATUSES,
  CATEGORIES,
  CONSENT_STATES,
  DEREGISTRATION_REASONS,
  SEXES,
  type Option,
} from './codes';

export interface Ambiguity<C extends string> {
  /** The word as lists write it (compared by vocabularyKey). */
  readonly word: string;
  /** The values it can mean; null = «leave the cell empty» (e.g. a consent not collected yet). */
  readonly codes: readonly (C | null)[];
  /** Why, in a few words, for the message («работающий или неработающий»). */
  readonly why: string;
}

export interface Vocabulary<C extends string = string> {
  readonly options: readonly Option<C>[];
  /** Other spellings of each value, besides its label and its code. */
  readonly synonyms: Partial<Record<C, readonly string[]>>;
  readonly ambiguous?: readonly Ambiguity<C>[];
  /** What a null choice means in this column («оставить пустым — согласие ещё не собрано»). */
  readonly blankMeaning?: string;
}

export const CATEGORY_VOCABULARY: Vocabulary<(typeof CATEGORIES)[number]['code']> = {
  options: CATEGORIES,
  synonyms: {
    employee: [
      'работник', 'работники', 'работница', 'работающий', 'работающая', 'работающие', 'работает',
      'сотрудник', 'сотрудница', 'сотрудники', 'работающий член профсоюза', 'работающие члены профсоюза',
      'работающий пенсионер', 'работающая пенсионерка', 'работающие пенсионеры', 'пенсионер работающий',
      'раб', 'работ', 'сотр', 'член профсоюза работник', 'работник образования', 'работники образования',
      'педагогический работник', 'педработник', 'employee',
    ],
    student: [
      'обучающийся', 'обучающаяся', 'обучающиеся', 'студент', 'студентка', 'студенты', 'учащийся',
      'учащаяся', 'учащиеся', 'студенты и учащиеся', 'студент учащийся', 'курсант', 'курсанты',
      'аспирант', 'аспирантка', 'аспиранты', 'магистрант', 'магистрантка', 'магистранты', 'слушатель',
      'обуч', 'студ', 'уч ся', 'учся', 'student',
    ],
    union_staff: [
      'штатный работник профсоюза', 'штатные работники профсоюза', 'штатная работница профсоюза',
      'работник профсоюза', 'работники профсоюза', 'сотрудник профсоюза', 'сотрудники профсоюза',
      'профработник', 'профработники', 'штатный профработник', 'работник аппарата профсоюза',
      'аппарат профсоюза', 'штатный работник профсоюзной организации',
    ],
    on_leave: [
      'в отпуске по уходу за ребенком', 'отпуск по уходу за ребенком', 'в отпуске по уходу',
      'отпуск по уходу', 'по уходу за ребенком', 'находящиеся в отпуске по уходу за ребенком',
      'находится в отпуске по уходу за ребенком', 'декрет', 'в декрете', 'декретный отпуск',
      'в декретном отпуске', 'декретница', 'отпуск по беременности и родам', 'оур',
    ],
    dismissed_reduction: [
      'уволен по сокращению', 'уволена по сокращению', 'уволенный по сокращению', 'уволенная по сокращению',
      'уволенные по сокращению', 'уволен по сокращению штата', 'уволена по сокращению штата',
      'уволенные по сокращению штатов', 'уволен в связи с сокращением', 'уволена в связи с сокращением',
      'уволенные в связи с сокращением численности или штата', 'сокращение', 'сокращение штата',
      'сокращен', 'сокращена', 'сокращенный', 'сокращенная', 'сокращенные',
      'уволен по сокращению до 6 месяцев', 'уволен по сокращению до 6 мес', 'уволена по сокращению до 6 мес',
    ],
    pensioner: [
      'неработающий пенсионер', 'неработающая пенсионерка', 'неработающие пенсионеры',
      'пенсионер неработающий', 'пенсионерка неработающая', 'пенсионеры неработающие',
      'не работающий пенсионер', 'не работающая пенсионерка', 'не работающие пенсионеры',
      'нер пенсионер', 'неработ пенсионер', 'пенсионер не работает', 'пенсионерка не работает',
      'ветеран неработающий пенсионер', 'нрп',
    ],
  },
  ambiguous: [
    { word: 'пенсионер', codes: ['employee', 'pensioner'], why: 'работающий пенсионер или неработающий' },
    { word: 'пенсионерка', codes: ['employee', 'pensioner'], why: 'работающая пенсионерка или неработающая' },
    { word: 'пенсионеры', codes: ['employee', 'pensioner'], why: 'работающие пенсионеры или неработающие' },
    { word: 'штатный работник', codes: ['employee', 'union_staff'], why: 'работник учреждения или штатный работник Профсоюза' },
    { word: 'штатный сотрудник', codes: ['employee', 'union_staff'], why: 'работник учреждения или штатный работник Профсоюза' },
    { word: 'в отпуске', codes: ['on_leave', 'employee'], why: 'отпуск по уходу за ребёнком или обычный отпуск работника' },
    { word: 'отпуск', codes: ['on_leave', 'employee'], why: 'отпуск по уходу за ребёнком или обычный отпуск работника' },
  ],
};

export const SEX_VOCABULARY: Vocabulary<(typeof SEXES)[number]['code']> = {
  options: SEXES,
  synonyms: {
    male: ['м', 'муж', 'мужск', 'мужской', 'мужчина', 'мужчины', 'm', 'male', 'мужской пол'],
    female: ['ж', 'жен', 'женск', 'женский', 'женщина', 'женщины', 'f', 'female', 'женский пол'],
  },
};

export const CONSENT_VOCABULARY: Vocabulary<(typeof CONSENT_STATES)[number]['code']> = {
  options: CONSENT_STATES,
  synonyms: {
    given: ['дано', 'дан', 'дана', 'да', 'есть', 'получено', 'получено согласие', 'согласие дано', 'подписано', 'подписан', 'подписал', 'подписала', 'согласен', 'согласна', 'согласны', '+', '✓', '✔', 'v', 'yes', 'given'],
    refused: ['отказ', 'отказано', 'отказался', 'отказалась', 'отказ от подписи', 'не согласен', 'не согласна', 'не дано', 'не дал согласия', 'не дала согласия', 'refused'],
    revoked: ['отозвано', 'отозван', 'отозвана', 'отозвал', 'отозвала', 'отзыв', 'отзыв согласия', 'согласие отозвано', 'revoked'],
  },
  ambiguous: [
    { word: 'нет', codes: ['refused', null], why: 'человек отказался или согласие ещё не собрано' },
    { word: '-', codes: ['refused', null], why: 'человек отказался или согласие ещё не собрано' },
    { word: 'не подписано', codes: ['refused', null], why: 'человек отказался или согласие ещё не собрано' },
  ],
  blankMeaning: 'оставить пустым (ещё не собрано)',
};

export const CARD_STATUS_VOCABULARY: Vocabulary<(typeof CARD_STATUSES)[number]['code']> = {
  options: CARD_STATUSES,
  synonyms: {
    not_ordered: ['не заказан', 'не заказана', 'не заказывали', 'нет заказа', 'не заказано'],
    ordered: ['заказан', 'заказана', 'заказано', 'в заказе', 'заявка', 'заявка подана'],
    produced: ['изготовлен', 'изготовлена', 'изготовлено', 'готов', 'готова', 'выпущен', 'выпущена'],
    sent: ['отправлен', 'отправлена', 'отправлено', 'отправлен в регион', 'отправлена в регион', 'в пути'],
    received: ['получен', 'получена', 'получено', 'получен организацией', 'получена организацией', 'получен ппо', 'получена ппо'],
    issued: ['выдан', 'выдана', 'выдано', 'вручен', 'вручена', 'выдан члену профсоюза', 'выдана члену профсоюза'],
    lost: ['утерян', 'утеряна', 'потерян', 'потеряна', 'поврежден', 'повреждена', 'утерян или поврежден', 'утеряна или повреждена', 'испорчен', 'испорчена'],
    reissue: ['перевыпуск', 'на перевыпуск', 'перевыпустить', 'замена'],
    blocked: ['заблокирован', 'заблокирована', 'блокирован', 'блокирована', 'блокировка'],
  },
};

export const DEREGISTRATION_VOCABULARY: Vocabulary<(typeof DEREGISTRATION_REASONS)[number]['code']> = {
  options: DEREGISTRATION_REASONS,
  synonyms: {
    left_job: ['увольнение', 'уволен', 'уволена', 'уволился', 'уволилась', 'уволены', 'увольнение с работы', 'прекращение трудового договора'],
    graduated: ['окончание обучения', 'окончил обучение', 'окончила обучение', 'выпуск', 'выпускник', 'выпускница', 'завершение обучения'],
    transferred: ['перевод', 'переведен', 'переведена', 'переход в другую организацию', 'переход в другую ппо', 'перешел в другую организацию', 'перешла в другую организацию', 'выбыл в другую организацию', 'выбыла в другую организацию'],
    own_wish: ['выход из профсоюза', 'вышел из профсоюза', 'вышла из профсоюза', 'заявление о выходе', 'выход по заявлению', 'по заявлению о выходе из профсоюза'],
    death: ['смерть', 'умер', 'умерла', 'скончался', 'скончалась', 'в связи со смертью'],
    expelled: ['исключение', 'исключен', 'исключена', 'исключен из профсоюза', 'исключена из профсоюза'],
    retired: ['выход на пенсию', 'ушел на пенсию', 'ушла на пенсию', 'вышел на пенсию', 'вышла на пенсию', 'пенсия'],
  },
  ambiguous: [
    { word: 'по собственному желанию', codes: ['own_wish', 'left_job'], why: 'вышел из Профсоюза или уволился с работы по собственному желанию' },
    { word: 'собственное желание', codes: ['own_wish', 'left_job'], why: 'вышел из Профсоюза или уволился с работы по собственному желанию' },
  ],
};

// ---------------------------------------------------------------------------------------- keys

/** Latin letters that look like Russian ones, read as Russian inside a word that has Russian letters. */
const LOOK_ALIKE: Record<string, string> = { a: 'а', c: 'с', e: 'е', o: 'о', p: 'р', x: 'х', y: 'у', k: 'к', m: 'м', h: 'н', t: 'т', b: 'в' };

/** The comparison key of a coded value (see the file comment). */
export function vocabularyKey(input: string): string {
  let s = normalizeSpaces(input).toLowerCase().replace(/ё/g, 'е');
  if (/^[+✓✔-]$/.test(s)) return s;
  // Letters and digits stay (no \p{L}: the pane ships ES2017 for old web views).
  s = s.replace(/[^a-z0-9а-яё+✓✔]+/g, ' ').trim();
  const words = s.split(' ').filter(Boolean).map((w) => (/[а-я]/.test(w) && /[a-z]/.test(w) ? w.replace(/[a-z]/g, (c) => LOOK_ALIKE[c] ?? c) : w));
  return words.sort().join(' ');
}

// ---------------------------------------------------------------------------------------- matching

export type VocabularyMatch<C extends string> =
  | { kind: 'value'; code: C }
  | { kind: 'ambiguous'; codes: readonly (C | null)[]; why: string }
  | { kind: 'unknown'; nearest: C | null };

interface Index<C extends string> {
  exact: Map<string, C>;
  ambiguous: Map<string, Ambiguity<C>>;
  /** Every key of every value, for the nearest value. */
  keys: { key: string; code: C }[];
}

const indexes = new WeakMap<Vocabulary<string>, Index<string>>();

function indexOf<C extends string>(v: Vocabulary<C>): Index<C> {
  let ix = indexes.get(v as Vocabulary<string>) as Index<C> | undefined;
  if (ix) return ix;
  const exact = new Map<string, C>();
  const keys: { key: string; code: C }[] = [];
  const add = (word: string, code: C) => {
    const k = vocabularyKey(word);
    if (!k) return;
    const had = exact.get(k);
    if (had !== undefined && had !== code) throw new Error(`vocabulary: «${word}» means both ${had} and ${code}`);
    exact.set(k, code);
    keys.push({ key: k, code });
  };
  for (const o of v.options) {
    add(o.label, o.code);
    add(o.code, o.code);
    exact.set(o.code, o.code);
  }
  for (const o of v.options) for (const w of v.synonyms[o.code] ?? []) add(w, o.code);
  const ambiguous = new Map<string, Ambiguity<C>>();
  for (const a of v.ambiguous ?? []) {
    const k = vocabularyKey(a.word);
    if (exact.has(k)) throw new Error(`vocabulary: «${a.word}» is both a value and ambiguous`);
    ambiguous.set(k, a);
  }
  ix = { exact, ambiguous, keys };
  indexes.set(v as Vocabulary<string>, ix as Index<string>);
  return ix;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), capped for speed. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (!n) return m;
  if (!m) return n;
  let prev2: number[] = [];
  let prev = Array.from({ length: m + 1 }, (_x, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur = [i];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m];
}

/** The value a word most likely was meant to be: close in spelling, or a word of the value inside it. */
function nearestOf<C extends string>(ix: Index<C>, key: string): C | null {
  if (!key) return null;
  let best: C | null = null;
  let bestScore = Infinity;
  const words = key.split(' ');
  for (const { key: k, code } of ix.keys) {
    const d = editDistance(key, k);
    const limit = Math.max(1, Math.floor(Math.max(key.length, k.length) / 3));
    let score = d <= limit ? d / Math.max(key.length, k.length) : Infinity;
    // «готов» inside «изготовлен», «пенсионер(ка)» against «неработающий пенсионер»: a shared long word.
    if (score === Infinity && key.length >= 4) {
      const kw = k.split(' ');
      if (kw.some((w) => w.length >= 4 && words.some((x) => x.length >= 4 && (w.includes(x) || x.includes(w))))) score = 0.9;
    }
    if (score < bestScore) {
      bestScore = score;
      best = code;
    }
  }
  return best;
}

export function matchVocabulary<C extends string>(v: Vocabulary<C>, input: string): VocabularyMatch<C> {
  const ix = indexOf(v);
  const raw = normalizeSpaces(input);
  const direct = ix.exact.get(raw);
  if (direct !== undefined) return { kind: 'value', code: direct };
  const key = vocabularyKey(input);
  const code = ix.exact.get(key);
  if (code !== undefined) return { kind: 'value', code };
  const amb = ix.ambiguous.get(key);
  if (amb) return { kind: 'ambiguous', codes: amb.codes, why: amb.why };
  return { kind: 'unknown', nearest: nearestOf(ix, key) };
}

/** The label a chair sees for a choice (null: the column's meaning of an empty cell). */
export function choiceLabel<C extends string>(v: Vocabulary<C>, code: C | null): string {
  if (code === null) return v.blankMeaning ?? 'оставить пустым';
  return v.options.find((o) => o.code === code)?.label ?? code;
}

const quote = (s: string) => `«${s}»`;
const shown = (s: string) => (s.length > 40 ? `${s.slice(0, 39)}…` : s);

/**
 * The message for a value that is not taken (starts with the column header, like every row message):
 * ambiguous — both meanings; unknown — the nearest allowed value and the list.
 */
export function vocabularyMessage<C extends string>(header: string, v: Vocabulary<C>, input: string, m: Exclude<VocabularyMatch<C>, { kind: 'value' }>): string {
  const value = quote(shown(normalizeSpaces(input)));
  if (m.kind === 'ambiguous') {
    const choices = m.codes.map((c) => (c === null ? choiceLabel(v, c) : quote(choiceLabel(v, c))));
    return `${header}: ${value} можно понять двояко (${m.why}) — выберите ${choices.join(' или ')}`;
  }
  const list = v.options.length <= 6 ? `: ${v.options.map((o) => quote(o.label)).join(', ')}` : ' (выпадающий список в ячейке)';
  const guess = m.nearest !== null ? ` Возможно, ${quote(choiceLabel(v, m.nearest))}?` : '';
  return `${header}: ${value} — такого значения нет в списке.${guess} Выберите одно из значений${list}`;
}

/** The vocabulary of each coded member column. */
export const MEMBER_VOCABULARIES = {
  sex: SEX_VOCABULARY,
  category: CATEGORY_VOCABULARY,
  consentUnion: CONSENT_VOCABULARY,
  consentOperator: CONSENT_VOCABULARY,
  consentNotify: CONSENT_VOCABULARY,
  cardStatus: CARD_STATUS_VOCABULARY,
} as const satisfies Record<string, Vocabulary<string>>;

export type CodedColumnKey = keyof typeof MEMBER_VOCABULARIES;

export function isCodedColumn(key: string): key is CodedColumnKey {
  return Object.prototype.hasOwnProperty.call(MEMBER_VOCABULARIES, key);
}
