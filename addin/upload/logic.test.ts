import { fileNameOf } from './api';
import { checkChosenFile, CSV_TYPE, failureMessage, parseSummary, progressText, resultFileName, summaryView, XLSX_TYPE, type UploadSummary } from './logic';

const summary = (over: Partial<UploadSummary> = {}): UploadSummary => ({ dryRun: false, format: 'xlsx', rows: 10, blank: 0, created: 10, updated: 0, unchanged: 0, error: 0, conflict: 0, ...over });

describe('upload page logic', () => {
  test('checkChosenFile: the content type by extension; clear words for everything else', () => {
    expect(checkChosenFile({ name: 'Список.XLSX', size: 10 })).toEqual({ ok: true, contentType: XLSX_TYPE });
    expect(checkChosenFile({ name: 'list.csv', size: 10 })).toEqual({ ok: true, contentType: CSV_TYPE });
    expect(checkChosenFile(null)).toMatchObject({ ok: false, message: expect.stringMatching(/^Выберите файл/) });
    expect(checkChosenFile({ name: 'a.csv', size: 0 })).toMatchObject({ ok: false, message: 'Файл «a.csv» пустой. Выберите файл со списком членов Профсоюза.' });
    expect(checkChosenFile({ name: 'old.xls', size: 10 })).toMatchObject({ ok: false, message: expect.stringMatching(/Excel 97–2003/) });
    expect(checkChosenFile({ name: 'a.ods', size: 10 })).toMatchObject({ ok: false, message: expect.stringMatching(/OpenDocument/) });
    expect(checkChosenFile({ name: 'photo.jpg', size: 10 })).toMatchObject({ ok: false, message: 'Файл «photo.jpg» — не таблица. Нужен файл .xlsx (книга Excel) или .csv.' });
  });

  test('resultFileName: the answer is always .xlsx', () => {
    expect(resultFileName('Список школы.csv', true)).toBe('Список школы — проверка.xlsx');
    expect(resultFileName('Список.xlsx', false)).toBe('Список — результат.xlsx');
    expect(resultFileName('.csv', false)).toBe('Список — результат.xlsx');
  });

  test('parseSummary accepts only what the server sends', () => {
    expect(parseSummary(JSON.stringify(summary()))).toEqual(summary());
    expect(parseSummary(null)).toBeNull();
    expect(parseSummary('not json')).toBeNull();
    expect(parseSummary('{"rows":"10"}')).toBeNull();
  });

  test('summaryView: tone, title and next step for a check and an upload', () => {
    expect(summaryView(summary())).toMatchObject({ tone: 'success', title: 'Список загружен в реестр.' });
    const bad = summaryView(summary({ error: 2, conflict: 1, created: 7, blank: 3 }));
    expect(bad).toMatchObject({ tone: 'warning', title: 'Список загружен, кроме 3 строк с ошибками или конфликтами.' });
    expect(bad.lines).toContainEqual(['Пустые строки (пропущены)', 3]);
    expect(summaryView(summary({ error: 1, created: 9 })).title).toBe('Список загружен, кроме 1 строки с ошибками или конфликтами.');
    const dry = summaryView(summary({ dryRun: true, error: 21, created: 0, format: 'csv' }));
    expect(dry.title).toBe('Проверка закончена: в 21 строке есть что исправить. В реестр ничего не записано.');
    expect(dry.lines[1]).toEqual(['Будут добавлены', 0]);
    expect(dry.next).toMatch(/собранная из вашего CSV\.$/);
    expect(summaryView(summary({ dryRun: true, error: 12 })).title).toMatch(/в 12 строках/);
    expect(summaryView(summary({ dryRun: true })).title).toBe('Проверка закончена: ошибок нет. В реестр ничего не записано.');
  });

  test('failureMessage: the server’s words first, then plain words by status', () => {
    expect(failureMessage(422, { detail: 'Нет столбцов.', errors: [{ field: 'birthDate', message: 'Нет столбца «Дата рождения»' }] })).toBe('Нет столбцов.\nНет столбца «Дата рождения»');
    expect(failureMessage(400, { detail: 'Пароль должен быть не короче 10 символов.', errors: [{ field: 'newPassword', message: 'Пароль должен быть не короче 10 символов.' }] })).toBe('Пароль должен быть не короче 10 символов.');
    expect(failureMessage(0, null)).toMatch(/^Нет связи с сервером реестра/);
    expect(failureMessage(413, null)).toMatch(/слишком большой/);
    expect(failureMessage(502, null)).toMatch(/^Сервер реестра не смог/);
    expect(failureMessage(418, null)).toBe('Запрос не выполнен (код 418). Попробуйте ещё раз.');
  });

  test('progressText', () => {
    expect(progressText(50, 200)).toBe('Файл отправляется: 25%');
    expect(progressText(200, 200)).toMatch(/^Файл отправлен\. Сервер проверяет строки/);
    expect(progressText(0, 0)).toBe('Файл отправляется…');
  });

  test('fileNameOf: the UTF-8 name first', () => {
    expect(fileNameOf(`attachment; filename="___.xlsx"; filename*=UTF-8''${encodeURIComponent('Шаблон списка.xlsx')}`)).toBe('Шаблон списка.xlsx');
    expect(fileNameOf('attachment; filename="list.csv"')).toBe('list.csv');
    expect(fileNameOf(null)).toBeNull();
  });
});
