import type { MemberData } from './columns';
import { duplicateKeys, findDuplicateRows } from './duplicates';
import { normalizeMemberRow } from './normalize-row';

function data(raw: Record<string, unknown>): MemberData {
  const r = normalizeMemberRow({ category: 'Работник', ...raw }, { today: '2025-03-01' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

describe('duplicateKeys', () => {
  it('gives СНИЛС and name + birth date keys', () => {
    expect(duplicateKeys(data({ surname: 'Семёнова Алёна Петровна', birthDate: '03.07.1990', snils: '112-233-445 95' }))).toEqual([
      'snils:11223344595',
      'name:семенова алена петровна|1990-07-03',
    ]);
    expect(duplicateKeys(data({ surname: 'Ким', name: 'Виктор', birthDate: '01.03.2000' }))).toEqual(['name:ким виктор|2000-03-01']);
  });
});

describe('findDuplicateRows', () => {
  it('finds repeats by name with ё = е and by СНИЛС, pointing at the first row', () => {
    const rows = [
      { row: 2, data: data({ surname: 'Семёнова', name: 'Алёна', patronymic: 'Петровна', birthDate: '03.07.1990' }) },
      { row: 3, data: data({ surname: 'Ким', name: 'Виктор', birthDate: '01.03.2000', snils: '11223344595' }) },
      // same person as row 2, typed with е and in capitals, date as an Excel serial
      { row: 4, data: data({ surname: 'СЕМЕНОВА АЛЕНА ПЕТРОВНА', birthDate: 33057 }) },
      // another name but the same СНИЛС as row 3
      { row: 5, data: data({ surname: 'Кимм', name: 'Виктор', birthDate: '01.03.2000', snils: 11223344595 }) },
      // namesake with another birth date: not a duplicate
      { row: 6, data: data({ surname: 'Семенова', name: 'Алена', patronymic: 'Петровна', birthDate: '04.07.1990' }) },
      // without patronymic: a different key
      { row: 7, data: data({ surname: 'Семенова', name: 'Алена', birthDate: '03.07.1990' }) },
      // repeats row 5 by name (row 5 itself repeats row 3)
      { row: 8, data: data({ surname: 'кимм', name: 'виктор', birthDate: '2000-03-01' }) },
    ];
    expect([...findDuplicateRows(rows).entries()]).toEqual([
      [4, 2],
      [5, 3],
      [8, 5],
    ]);
  });

  it('takes rows in row order and the earliest match among keys', () => {
    const a = data({ surname: 'Орлова', name: 'Нина', birthDate: '01.01.1980' });
    const b = data({ surname: 'Орлова', name: 'Нина', birthDate: '01.01.1980', snils: '11223344595' });
    const c = data({ surname: 'Зуева', name: 'Ия', birthDate: '01.01.1985', snils: '11223344595' });
    expect(findDuplicateRows([
      { row: 10, data: b },
      { row: 9, data: c },
      { row: 3, data: a },
    ])).toEqual(new Map([[10, 3]]));
    expect(findDuplicateRows([])).toEqual(new Map());
  });
});
