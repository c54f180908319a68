/**
 * The list-mapping engine on the corpus of real list shapes (test/fixtures/lists/corpus.ts): the header
 * row, each column's guess, the rows in the register's columns and the row check's verdict on each.
 * The same corpus goes through the upload page (server/routes/list-corpus.test.ts) and the add-in
 * (test/browser/import-list.test.ts).
 */
import { CORPUS, person, type ListShape } from '../../test/fixtures/lists/corpus';
import { CATEGORIES, labelForCode, type CategoryCode } from './codes';
import {
  detectLayout,
  duplicateTargets,
  expandShortYear,
  guessFromContent,
  headerKey,
  importRows,
  missingTargets,
  padSnilsText,
  rememberMapping,
  targetsOf,
  valueGroups,
  type ImportGrid,
  type ImportTarget,
} from './list-import';
import { normalizeMemberRow } from './normalize-row';

const today = '2026-12-08';

function run(shape: ListShape) {
  const grid: ImportGrid = { rows: shape.rows, hidden: shape.rows[0].map((_v, i) => (shape.hidden ?? []).includes(i)), merges: shape.merges ?? [] };
  const layout = detectLayout(grid);
  if (!layout) throw new Error(`${shape.id}: no header`);
  const targets = targetsOf(layout);
  layout.columns.forEach((c, i) => {
    const t = shape.mapping?.targets?.[headerKey(c.header)];
    if (t) targets[i] = t;
  });
  const rows = importRows(grid, layout, targets, { today, choices: shape.mapping?.values ?? {} });
  const category = shape.mapping?.category ? labelForCode(CATEGORIES, shape.mapping.category as CategoryCode) : null;
  if (category) for (const r of rows) r.values.category ??= category;
  return { layout, targets, rows, grid };
}

describe('the corpus of list shapes', () => {
  it('has at least 12 shapes', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(12);
  });
  it.each(CORPUS.map((s) => [s.id, s] as const))('%s: every row gets the expected verdict', (_id, shape) => {
    const { layout, targets, rows } = run(shape);
    expect(missingTargets(targets).filter((k) => !(k === 'category' && shape.mapping?.category))).toEqual([]);
    expect(duplicateTargets(targets)).toEqual([]);
    expect(layout.skipped.filter((x) => x.why === 'totals')).toHaveLength(shape.totals ?? 0);
    expect(layout.skipped.filter((x) => x.why === 'group')).toHaveLength(shape.groups ?? 0);
    const verdicts = rows.map((r) => {
      const c = normalizeMemberRow(r.values, { today });
      return c.ok ? 'ok' : [...new Set(c.errors.map((e) => e.field))];
    });
    expect(verdicts).toEqual(shape.expect);
  });
});

describe('detectLayout', () => {
  const byId = (id: string) => CORPUS.find((s) => s.id === id)!;
  it('1С export: the header under a title block, «Сотрудник» is ФИО, «Таб. №» and «Дата приема» are not loaded, «Итого» is left out', () => {
    const { layout, targets } = run(byId('01-1c-staff'));
    expect(layout.headerRow).toBe(4);
    expect(targets).toEqual(['skip', 'skip', 'fullName', 'skip', 'position', 'birthDate', 'sex', 'snils', 'skip']);
    expect(layout.columns.map((c) => c.source)).toEqual(['header', 'header', 'header', 'header', 'header', 'header', 'header', 'header', 'header']);
    expect(layout.skipped).toEqual([{ row: 12, why: 'totals' }]);
  });
  it('a two-line header: «ФИО» over «Фамилия | Имя | Отчество»', () => {
    const { layout, targets } = run(byId('09-two-line-header'));
    expect(layout.headerRow).toBe(1);
    expect(targets).toEqual(['surname', 'name', 'patronymic', 'birthDate', 'category']);
  });
  it('guesses from content: СНИЛС checksums, phones, category words', () => {
    const { layout } = run(byId('13-guessed-by-content'));
    expect(layout.columns.map((c) => [c.target, c.source])).toEqual([
      ['fullName', 'header'],
      ['birthDate', 'header'],
      ['snils', 'content'],
      ['phone', 'content'],
      ['category', 'content'],
    ]);
  });
  it('a hidden column only gets a target no visible column has', () => {
    const { targets } = run(byId('07-hidden-merged'));
    expect(targets).toEqual(['fullName', 'skip', 'skip', 'birthDate', 'phone', 'category']);
  });
  it('a merged block spreads its value down its rows', () => {
    const p = [person(900), person(901), person(902)];
    const grid: ImportGrid = {
      rows: [
        ['ФИО', 'Дата рождения', 'Категория'],
        [p[0].full, p[0].birth, 'Работник'],
        [p[1].full, p[1].birth, null],
        [p[2].full, p[2].birth, null],
      ],
      merges: [{ top: 1, left: 2, bottom: 3, right: 2 }],
    };
    const layout = detectLayout(grid)!;
    expect(importRows(grid, layout, targetsOf(layout), { today }).map((r) => r.values.category)).toEqual(['Работник', 'Работник', 'Работник']);
  });
  it('the register\'s empty columns beside a pasted list give way to what the content says', () => {
    const p = person(910);
    const grid: ImportGrid = { rows: [['Ф.И.О.', 'Дата рожд.', 'Кат.', 'Категория', 'Пол'], [p.full, p.birth, 'работник', null, null]] };
    const layout = detectLayout(grid)!;
    expect(targetsOf(layout)).toEqual(['fullName', 'birthDate', 'category', 'skip', 'sex']);
  });
  it('a lone name-like word is not taken for a group heading: it may be a person with forgotten cells', () => {
    const layout = detectLayout({ rows: [['ФИО', 'Дата рождения', 'Категория'], ['Иванова', null, null], ['Отдел кадров:', null, null]] })!;
    expect(layout.dataRows).toEqual([1]);
    expect(layout.skipped).toEqual([{ row: 3, why: 'group' }]);
  });
  it('no header in the first 20 rows → null', () => {
    expect(detectLayout({ rows: [['Просто текст'], ['ещё текст']] })).toBeNull();
  });
  it('a remembered shape gets its mapping back', () => {
    const shape = byId('01-1c-staff');
    const { layout, targets } = run(shape);
    const saved = { [layout.signature]: rememberMapping(layout, targets) };
    const again = detectLayout({ rows: shape.rows }, saved)!;
    expect(targetsOf(again)).toEqual(targets);
    expect(again.columns.every((c) => c.source === 'saved')).toBe(true);
  });
});

describe('values', () => {
  it('groups the words of coded columns with their row counts; ambiguous and unknown ones need the chair', () => {
    const shape = CORPUS.find((s) => s.id === '10-union-statistics-words')!;
    const { layout, targets, grid } = run(shape);
    const groups = valueGroups(grid, layout, targets);
    expect(groups.map((g) => [g.column, g.value, g.rows, g.match.kind])).toEqual([
      ['category', 'работающие', 2, 'value'],
      ['category', 'пенсионер', 2, 'ambiguous'],
      ['category', 'студенты', 1, 'value'],
      ['category', 'неработающие пенсионеры', 1, 'value'],
      ['category', 'директор', 1, 'unknown'],
      ['consentUnion', 'да', 3, 'value'],
      ['consentUnion', 'нет', 1, 'ambiguous'],
      ['consentUnion', 'отказ', 1, 'value'],
    ]);
  });
});

describe('cells', () => {
  it('dd.mm.yy gets the only possible century', () => {
    expect(expandShortYear('05.03.85', today)).toBe('05.03.1985');
    expect(expandShortYear('5.3.10', today)).toBe('05.03.2010');
    expect(expandShortYear('05.03.1985', today)).toBe('05.03.1985');
  });
  it('a СНИЛС saved as text without its leading zero is padded back only when the checksum then holds', () => {
    expect(padSnilsText('1000001102')).toMatch(/^0\d{10}$|^1000001102$/);
    expect(padSnilsText('123')).toBe('123');
  });
  it('content guesses leave a column alone when nothing is clear', () => {
    expect(guessFromContent(['математика', 'физика'], new Set<ImportTarget>())).toBeUndefined();
  });
});

describe('headers of HR exports', () => {
  it('exact headers and HR spellings; «№», «Табельный номер» and the register\'s service columns are not loaded', () => {
    const p = person(920);
    const layout = detectLayout({ rows: [['№', 'Ф.И.О.', 'Д.р.', 'Моб. телефон', 'E-mail', 'Категория члена профсоюза', 'Табельный номер', 'Результат', 'ID в реестре', 'версия'], [1, p.full, p.birth, p.phone, 'a@b.ru', 'Работник', '7', '', '', '']] })!;
    expect(targetsOf(layout)).toEqual(['skip', 'fullName', 'birthDate', 'phone', 'email', 'category', 'skip', 'skip', 'skip', 'skip']);
  });
  it('a plain «Фамилия» needs «Имя»; a repeated header is taken once', () => {
    const layout = detectLayout({ rows: [['Фамилия', 'Дата рождения', 'Категория', 'Фамилия'], ['Иванова', '01.01.1980', 'Работник', 'Иванова']] })!;
    expect(targetsOf(layout)).toEqual(['surname', 'birthDate', 'category', 'skip']);
    expect(missingTargets(targetsOf(layout))).toEqual(['name']);
  });
});
