import { errorResultText, fieldMessage, resultText, withoutRowPrefix } from './result-text';

describe('«Результат»: the column named once, no row prefix', () => {
  it('the server\'s row message loses «Строка N.» and keeps its one header', () => {
    expect(fieldMessage('snils', 'Строка 26. СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС')).toBe(
      'СНИЛС: контрольное число не сходится — проверьте цифры по карточке СНИЛС',
    );
    expect(resultText({ row: 26, outcome: 'error', errors: [{ field: 'snils', message: 'Строка 26. СНИЛС: контрольное число не сходится' }] })).toBe('Ошибка: СНИЛС: контрольное число не сходится');
  });
  it('a message without the header gets it once', () => {
    expect(fieldMessage('snils', 'Строка 9. Повторяет строку 2: тот же СНИЛС')).toBe('СНИЛС: повторяет строку 2: тот же СНИЛС');
    expect(fieldMessage('surname', 'Фамилия (ФИО целиком): нет имени')).toBe('Фамилия (ФИО целиком): нет имени');
    expect(fieldMessage('id', 'Строка 4: этот человек снят с учёта')).toBe('Этот человек снят с учёта');
  });
  it('conflicts and dry runs', () => {
    expect(resultText({ row: 4, outcome: 'conflict', conflict: { reason: 'registered_elsewhere', message: 'Строка 4: состоит на учёте в другой организации' } })).toBe('Конфликт: Состоит на учёте в другой организации');
    expect(resultText({ row: 4, outcome: 'created' }, true)).toBe('Будет добавлен');
    expect(withoutRowPrefix('Строка 12, ошибка')).toBe('Ошибка');
    expect(errorResultText([])).toBe('Ошибка');
    expect(errorResultText([{ field: 'phone', message: 'x'.repeat(2000) }])).toHaveLength(1000);
  });
});
