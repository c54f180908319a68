import { ApiError } from '../api/errors';
import { checkRows, issueLine, issuesFromResults, issueText, marksFromIssues, marksWhere, summarySentence, toSyncRows } from './members-logic';
import { checkPassport, passportIssuesFromError, passportIssueText } from './passport-logic';
import { unitRows } from './views/structure';

const TODAY = '2026-11-26';
const row = (n: number, values: Record<string, unknown>, id: string | null = null) => ({ row: n, id, version: id ? 3 : null, values });

describe('checking member rows («Проверить»)', () => {
  const rows = [
    row(2, { surname: 'Петрова Анна Сергеевна', birthDate: '15.03.1985', snils: '112-233-445 95', phone: '8 (912) 345-67-89', category: 'Работник' }),
    row(3, { surname: 'Сидоров', name: 'Иван', birthDate: 31107, snils: '112-233-445 96', category: 'Работник' }),
    row(5, { surname: 'Фёдоров', name: 'Алексей', patronymic: 'Ильич', birthDate: '01.02.1990', category: 'работник' }),
    row(6, { surname: 'Федоров', name: 'Алексей', patronymic: 'Ильич', birthDate: '1990-02-01', category: 'Работник' }),
    row(7, { surname: 'Кузнецова', name: 'Ольга', birthDate: '31.02.1980', phone: '12345', category: 'Работник' }),
    row(9, { surname: 'Иванова', name: 'Мария', birthDate: '20.07.1975', snils: '11223344595', category: 'Работник' }),
  ];

  it('finds every problem with its row and column, duplicates included (ё = е, СНИЛС with or without separators)', () => {
    const r = checkRows(rows, TODAY);
    expect(r.checked).toBe(6);
    expect(r.badRows).toBe(4);
    expect(r.okRows).toBe(2);
    expect(r.issues.map((i) => `${i.row}:${i.field}:${i.kind}`)).toEqual(['3:snils:error', '6:surname:duplicate', '7:birthDate:error', '7:phone:error', '9:snils:duplicate']);
    const dupName = r.issues.find((i) => i.row === 6)!;
    expect(issueLine(dupName)).toBe('Строка 6, «Фамилия»: этот человек уже записан в строке 5 (те же ФИО и дата рождения; ё и е не различаются) — удалите лишнюю строку или исправьте данные');
    expect(issueLine(r.issues.find((i) => i.row === 9)!)).toMatch(/^Строка 9, «СНИЛС»: этот человек уже записан в строке 2 \(тот же СНИЛС\)/);
    // The header is not repeated after «Строка N, «…»:».
    for (const i of r.issues) expect(issueLine(i)).not.toMatch(/»: (СНИЛС|Фамилия|Дата рождения|Телефон):/);
  });

  it('an empty list has nothing to complain about', () => {
    expect(checkRows([], TODAY)).toEqual({ checked: 0, okRows: 0, badRows: 0, issues: [] });
  });

  it('marks row-level problems in a cell the sheet has', () => {
    expect(marksFromIssues([{ row: 4, field: 'result', message: 'Конфликт', kind: 'conflict' }])).toEqual([{ row: 4, field: 'surname', message: 'Конфликт' }]);
  });

  it('sends the id and version of rows that have one', () => {
    expect(toSyncRows([row(2, { surname: 'А' }), row(3, { surname: 'Б' }, 'abc')])).toEqual([
      { row: 2, values: { surname: 'А' } },
      { row: 3, id: 'abc', version: 3, values: { surname: 'Б' } },
    ]);
  });
});

describe('push answers in the pane', () => {
  it('lists error fields and conflicts, without the server\'s «Строка N.» prefix', () => {
    const issues = issuesFromResults([
      { row: 2, outcome: 'created', id: 'x', version: 1 },
      { row: 3, outcome: 'error', errors: [{ field: 'snils', message: 'Строка 3. СНИЛС: контрольное число не сходится — проверьте цифры' }] },
      { row: 4, outcome: 'conflict', conflict: { reason: 'registered_elsewhere', message: 'Состоит на учёте в другой организации: ППО школы № 2', organisationName: 'ППО школы № 2' } },
    ]);
    expect(issues.map((i) => issueLine(i))).toEqual([
      'Строка 3, «СНИЛС»: контрольное число не сходится — проверьте цифры',
      'Строка 4, «Результат»: Состоит на учёте в другой организации: ППО школы № 2',
    ]);
    expect(issueText({ field: 'phone', message: 'Телефон: в номере 5 цифр' })).toBe('в номере 5 цифр');
  });

  it('words the summary with Russian plurals', () => {
    const c = (created: number, error: number) => ({ created, updated: 0, unchanged: 0, error, conflict: 0 });
    expect(summarySentence(c(4, 5), false)).toBe('Реестр принял 4 строки; 5 строк не приняты — исправьте и отправьте снова');
    expect(summarySentence(c(21, 1), false)).toBe('Реестр принял 21 строку; 1 строка не принята — исправьте и отправьте снова');
    expect(summarySentence(c(11, 0), false)).toBe('Готово: реестр принял 11 строк');
    expect(summarySentence(c(2, 0), true)).toBe('Сервер проверил 2 строки: ошибок нет, можно отправлять');
    expect(summarySentence(c(2, 3), true)).toBe('Сервер проверил 5 строк: 3 требуют исправления');
  });
});

describe('where a marked cell\'s message is', () => {
  test('a note, a comment (threaded in new Excel) or only the list, as the host allows; the cap is named', () => {
    expect(marksWhere('notes')).toMatch(/в примечании к ячейке/);
    expect(marksWhere('comments')).toMatch(/в комментарии к ячейке \(Excel показывает его как цепочку комментариев\)/);
    expect(marksWhere('none')).toMatch(/^описание — в столбце «Результат» и в списке ниже/);
    expect(marksWhere('none')).not.toMatch(/примечании к ячейке/);
    expect(marksWhere('notes', 18_000, 2_000)).toMatch(/Примечания добавлены только к первым 2\u00a0000|Примечания добавлены только к первым 2[\s\u202f]000/);
  });
});

describe('passport in the pane', () => {
  it('checks with the server\'s rules and words each field once', () => {
    const issues = checkPassport({ inn: '7830002294', email: 'нет', employeesCount: 12 });
    expect(issues.map((i) => i.field)).toEqual(['inn', 'email']);
    for (const i of issues) expect(passportIssueText(i)).not.toMatch(/^(ИНН|Эл\. почта):/);
    expect(passportIssueText({ field: 'institutionType', message: 'Тип организации: выберите тип из списка' })).toMatch(/«Общеобразовательная организация \(школа\)»/);
  });

  it('maps the server\'s data.<field> errors to fields', () => {
    const e = new ApiError({ kind: 'validation', status: 400, detail: 'Паспорт не сохранён', fields: [{ field: 'data.kpp', message: 'КПП: 9 знаков' }, { field: 'version', message: 'x' }] });
    expect(passportIssuesFromError(e)).toEqual([{ field: 'kpp', message: 'КПП: 9 знаков' }]);
  });
});

describe('structure rows', () => {
  const o = (id: number, parentId: number | null, kind: 'primary' | 'subdivision' | 'group', depth: number, name = `u${id}`) => ({ id, parentId, kind, kindLabel: kind, name, path: '', depth, status: 'active' as const, closedAt: null });
  it('gives each unit its level below the organisation and the name of its профбюро', () => {
    const org = o(10, 3, 'primary', 3, 'ППО');
    const rows = unitRows(org, [org, o(11, 10, 'subdivision', 4, 'Начальная школа'), o(12, 11, 'group', 5, '1-е классы'), o(13, 10, 'group', 4, 'Кухня')]);
    expect(rows.map((r) => [r.unit.name, r.level, r.parentName])).toEqual([
      ['Начальная школа', 0, null],
      ['1-е классы', 1, 'Начальная школа'],
      ['Кухня', 0, null],
    ]);
  });
});
