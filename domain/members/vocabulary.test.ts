/**
 * The spellings of coded values in real lists (sources: test/fixtures/lists/SOURCES.md): each one has
 * one meaning; ambiguous words are never guessed; an unknown word gets the nearest allowed value.
 */
import {
  CARD_STATUS_VOCABULARY,
  CATEGORY_VOCABULARY,
  CONSENT_VOCABULARY,
  DEREGISTRATION_VOCABULARY,
  matchVocabulary,
  SEX_VOCABULARY,
  vocabularyKey,
  vocabularyMessage,
  type Vocabulary,
} from './vocabulary';
import { normalizeMemberRow } from './normalize-row';

const codeOf = (v: Vocabulary<string>, s: string) => {
  const m = matchVocabulary(v, s);
  return m.kind === 'value' ? m.code : m.kind;
};

describe('vocabularyKey', () => {
  it('ignores case, ё/е, punctuation, extra spaces and word order; reads Latin look-alikes in a Russian word as Russian', () => {
    expect(vocabularyKey('  Пенсионер  (неработающий). ')).toBe(vocabularyKey('неработающий пенсионер'));
    expect(vocabularyKey('В отпуске по уходу за ребёнком')).toBe(vocabularyKey('в отпуске по уходу за ребенком'));
    expect(vocabularyKey('жeн.')).toBe('жен'); // Latin «e»
    expect(vocabularyKey('M')).toBe('m'); // a Latin letter alone stays Latin
  });
});

describe('category', () => {
  it.each([
    ['Работник', 'employee'], ['работающий', 'employee'], ['Работающие', 'employee'], ['работник', 'employee'], ['Сотрудник', 'employee'],
    ['сотрудница', 'employee'], ['РАБОТАЮЩАЯ', 'employee'], ['работающий пенсионер', 'employee'], ['employee', 'employee'],
    ['Обучающийся', 'student'], ['студент', 'student'], ['Студенты', 'student'], ['студентка', 'student'], ['учащийся', 'student'],
    ['учащиеся', 'student'], ['студенты и учащиеся', 'student'], ['обучающаяся', 'student'], ['уч-ся', 'student'], ['студ.', 'student'],
    ['Неработающий пенсионер', 'pensioner'], ['пенсионер (неработающий)', 'pensioner'], ['неработающие пенсионеры', 'pensioner'],
    ['Неработающая пенсионерка', 'pensioner'], ['не работающий пенсионер', 'pensioner'],
    ['Штатный работник Профсоюза', 'union_staff'], ['штатные работники профсоюза', 'union_staff'], ['профработник', 'union_staff'],
    ['В отпуске по уходу за ребёнком', 'on_leave'], ['в декрете', 'on_leave'], ['отпуск по уходу за ребенком', 'on_leave'],
    ['Уволен по сокращению (до 6 мес.)', 'dismissed_reduction'], ['уволена по сокращению', 'dismissed_reduction'], ['Сокращение штата', 'dismissed_reduction'],
  ])('%s → %s', (input, code) => {
    expect(codeOf(CATEGORY_VOCABULARY, input)).toBe(code);
  });

  it('never guesses a word with two meanings', () => {
    for (const w of ['пенсионер', 'Пенсионерка', 'пенсионеры', 'штатный работник', 'в отпуске']) {
      expect(codeOf(CATEGORY_VOCABULARY, w)).toBe('ambiguous');
    }
    const m = matchVocabulary(CATEGORY_VOCABULARY, 'пенсионер');
    if (m.kind !== 'ambiguous') throw new Error('expected ambiguous');
    expect(vocabularyMessage('Категория', CATEGORY_VOCABULARY, 'пенсионер', m)).toBe(
      'Категория: «пенсионер» можно понять двояко (работающий пенсионер или неработающий) — выберите «Работник» или «Неработающий пенсионер»',
    );
  });

  it('an unknown word names the nearest value and the list', () => {
    const m = matchVocabulary(CATEGORY_VOCABULARY, 'работаюший');
    expect(m).toEqual({ kind: 'unknown', nearest: 'employee' });
    if (m.kind !== 'unknown') throw new Error('x');
    expect(vocabularyMessage('Категория', CATEGORY_VOCABULARY, 'работаюший', m)).toBe(
      'Категория: «работаюший» — такого значения нет в списке. Возможно, «Работник»? Выберите одно из значений: «Работник», «Обучающийся», «Штатный работник Профсоюза», «В отпуске по уходу за ребёнком», «Уволен по сокращению (до 6 мес.)», «Неработающий пенсионер»',
    );
    expect(matchVocabulary(CATEGORY_VOCABULARY, 'студентт')).toEqual({ kind: 'unknown', nearest: 'student' });
    expect(matchVocabulary(CATEGORY_VOCABULARY, 'Уволенный')).toEqual({ kind: 'unknown', nearest: 'dismissed_reduction' });
    expect(matchVocabulary(CATEGORY_VOCABULARY, 'Директор')).toEqual({ kind: 'unknown', nearest: null });
  });
});

describe('sex', () => {
  it.each([
    ['М', 'male'], ['м', 'male'], ['М.', 'male'], ['муж', 'male'], ['муж.', 'male'], ['Мужской', 'male'], ['мужчина', 'male'], ['M', 'male'], ['male', 'male'],
    ['Ж', 'female'], ['ж.', 'female'], ['жен', 'female'], ['Жен.', 'female'], ['Женский', 'female'], ['женщина', 'female'], ['F', 'female'], ['жeн', 'female'],
  ])('%s → %s', (input, code) => {
    expect(codeOf(SEX_VOCABULARY, input)).toBe(code);
  });
  it('an unknown word', () => {
    expect(matchVocabulary(SEX_VOCABULARY, 'мущ')).toEqual({ kind: 'unknown', nearest: 'male' });
  });
});

describe('consent states', () => {
  it.each([
    ['Дано', 'given'], ['да', 'given'], ['Да', 'given'], ['+', 'given'], ['подписано', 'given'], ['согласна', 'given'], ['✓', 'given'],
    ['Отказ', 'refused'], ['отказалась', 'refused'], ['не согласен', 'refused'],
    ['Отозвано', 'revoked'], ['отозвала', 'revoked'], ['отзыв согласия', 'revoked'],
  ])('%s → %s', (input, code) => {
    expect(codeOf(CONSENT_VOCABULARY, input)).toBe(code);
  });
  it('«нет» and «-»: refused or not collected yet — the chair chooses', () => {
    const m = matchVocabulary(CONSENT_VOCABULARY, 'нет');
    expect(m).toEqual({ kind: 'ambiguous', codes: ['refused', null], why: 'человек отказался или согласие ещё не собрано' });
    expect(codeOf(CONSENT_VOCABULARY, '-')).toBe('ambiguous');
    if (m.kind !== 'ambiguous') throw new Error('x');
    expect(vocabularyMessage('Согласие Профсоюзу', CONSENT_VOCABULARY, 'нет', m)).toBe(
      'Согласие Профсоюзу: «нет» можно понять двояко (человек отказался или согласие ещё не собрано) — выберите «Отказ» или оставить пустым (ещё не собрано)',
    );
  });
});

describe('card status', () => {
  it.each([
    ['Выдан', 'issued'], ['выдана', 'issued'], ['вручена', 'issued'], ['Заказана', 'ordered'], ['не заказан', 'not_ordered'],
    ['Получена организацией', 'received'], ['утеряна', 'lost'], ['Заблокирована', 'blocked'], ['Изготовлена', 'produced'],
  ])('%s → %s', (input, code) => {
    expect(codeOf(CARD_STATUS_VOCABULARY, input)).toBe(code);
  });
});

describe('deregistration reasons', () => {
  it.each([
    ['Увольнение с работы', 'left_job'], ['уволилась', 'left_job'], ['окончание обучения', 'graduated'], ['выпускник', 'graduated'],
    ['Смерть', 'death'], ['умерла', 'death'], ['исключён', 'expelled'], ['вышла на пенсию', 'retired'], ['выход из профсоюза', 'own_wish'],
    ['перевод', 'transferred'],
  ])('%s → %s', (input, code) => {
    expect(codeOf(DEREGISTRATION_VOCABULARY, input)).toBe(code);
  });
  it('«по собственному желанию»: left the union or the job — not guessed', () => {
    expect(codeOf(DEREGISTRATION_VOCABULARY, 'по собственному желанию')).toBe('ambiguous');
  });
});

describe('the row check takes the words of real lists', () => {
  const base = { surname: 'Тестова', name: 'Анна', birthDate: '01.03.1980' };
  it('«работающий», «муж.», «да», «выдана»', () => {
    const r = normalizeMemberRow({ ...base, category: 'работающий', sex: 'муж.', consentUnion: 'да', consentUnionDate: '01.02.2025', cardStatus: 'выдана' }, { today: '2025-03-01' });
    expect(r).toMatchObject({ ok: true, data: { category: 'employee', sex: 'male', consentUnion: 'given', cardStatus: 'issued' } });
  });
  it('an ambiguous word is an error naming both meanings', () => {
    const r = normalizeMemberRow({ ...base, category: 'Пенсионер' }, { today: '2025-03-01' });
    expect(r).toEqual({ ok: false, errors: [{ field: 'category', message: 'Категория: «Пенсионер» можно понять двояко (работающий пенсионер или неработающий) — выберите «Работник» или «Неработающий пенсионер»' }] });
  });
});
