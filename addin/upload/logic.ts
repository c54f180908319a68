/**
 * The upload page's decisions in plain TypeScript (no DOM): which files are accepted, how the answer
 * file is named, what the chair reads about a summary or a failure.
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv';

export interface UploadSummary {
  dryRun: boolean;
  format: 'xlsx' | 'csv';
  rows: number;
  blank: number;
  created: number;
  updated: number;
  unchanged: number;
  error: number;
  conflict: number;
}

/** An RFC 7807 problem as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export type FileCheck = { ok: true; contentType: string } | { ok: false; message: string };

/** The Content-Type to send for a chosen file, or why it cannot be sent. */
export function checkChosenFile(file: { name: string; size: number } | null | undefined): FileCheck {
  if (!file) return { ok: false, message: 'Выберите файл со списком: нажмите «Выберите файл» (или «Обзор…»).' };
  const name = file.name.toLowerCase();
  if (file.size === 0) return { ok: false, message: `Файл «${file.name}» пустой. Выберите файл со списком членов Профсоюза.` };
  if (name.endsWith('.xlsx')) return { ok: true, contentType: XLSX_TYPE };
  if (name.endsWith('.csv') || name.endsWith('.txt')) return { ok: true, contentType: CSV_TYPE };
  if (name.endsWith('.xls')) {
    return { ok: false, message: 'Файл в старом формате Excel 97–2003 (.xls). Откройте его и сохраните как «Книга Excel (*.xlsx)», затем выберите новый файл.' };
  }
  if (name.endsWith('.ods')) {
    return { ok: false, message: 'Файл в формате OpenDocument (.ods). В LibreOffice или МойОфис выберите «Сохранить как» → «Книга Excel 2007–365 (.xlsx)», затем выберите новый файл.' };
  }
  return { ok: false, message: `Файл «${file.name}» — не таблица. Нужен файл .xlsx (книга Excel) или .csv.` };
}

/** «Список школы.xlsx» → «Список школы — проверка.xlsx» / «Список школы — результат.xlsx» (the answer is always .xlsx). */
export function resultFileName(original: string, dryRun: boolean): string {
  const base = original.replace(/\.(xlsx|csv|txt)$/i, '').trim() || 'Список';
  return `${base} — ${dryRun ? 'проверка' : 'результат'}.xlsx`;
}

/** The X-Upload-Summary header, or null when it is missing or not what the server sends. */
export function parseSummary(header: string | null): UploadSummary | null {
  if (!header) return null;
  try {
    const s = JSON.parse(header) as UploadSummary;
    const numbers = ['rows', 'blank', 'created', 'updated', 'unchanged', 'error', 'conflict'] as const;
    return typeof s === 'object' && s !== null && numbers.every((k) => typeof s[k] === 'number') ? s : null;
  } catch {
    return null;
  }
}

export interface SummaryView {
  tone: 'success' | 'warning' | 'info';
  title: string;
  lines: [string, number][];
  next: string;
}

/** What the chair reads after «Проверить» or «Загрузить». */
export function summaryView(s: UploadSummary): SummaryView {
  const bad = s.error + s.conflict;
  const lines: [string, number][] = [
    ['Строк с данными', s.rows],
    [s.dryRun ? 'Будут добавлены' : 'Добавлены', s.created],
    [s.dryRun ? 'Будут обновлены' : 'Обновлены', s.updated],
    ['Без изменений', s.unchanged],
    ['С ошибками (не записаны)', s.error],
    ['Конфликты (не записаны)', s.conflict],
  ];
  if (s.blank) lines.push(['Пустые строки (пропущены)', s.blank]);
  const csv = s.format === 'csv' ? ' Ответ — книга Excel, собранная из вашего CSV.' : '';
  if (s.dryRun) {
    return {
      tone: bad ? 'warning' : 'info',
      title: bad ? `Проверка закончена: в ${bad} ${rowsWord(bad)} есть что исправить. В реестр ничего не записано.` : 'Проверка закончена: ошибок нет. В реестр ничего не записано.',
      lines,
      next: bad
        ? `Скачайте файл с результатом: ячейки с ошибками закрашены красным, в примечании к ячейке и в столбце «Результат» написано, что исправить. Исправьте и проверьте снова — или нажмите «Загрузить»: строки с ошибками не запишутся, остальные запишутся.${csv}`
        : `Нажмите «Загрузить», чтобы записать список в реестр.${csv}`,
    };
  }
  return {
    tone: bad ? 'warning' : 'success',
    title: bad ? `Список загружен, кроме ${bad} ${rowsWord(bad, true)} с ошибками или конфликтами.` : 'Список загружен в реестр.',
    lines,
    next: bad
      ? `Скачайте файл с результатом, исправьте отмеченные ячейки и загрузите этот файл снова: уже записанные строки не задвоятся.${csv}`
      : `Скачайте файл с результатом и сохраните его: в нём записаны номера людей в реестре, и при следующей загрузке строки обновят записи, а не добавят людей второй раз.${csv}`,
  };
}

function rowsWord(n: number, genitive = false): string {
  const a = n % 100;
  const b = n % 10;
  if (genitive) return b === 1 && a !== 11 ? 'строки' : 'строк';
  if (a > 10 && a < 20) return 'строках';
  return b === 1 ? 'строке' : 'строках';
}

/** The message for a failed request: the server's own words when it sent a problem, else what happened in plain words. */
export function failureMessage(status: number, problem: Problem | null): string {
  if (problem?.detail) {
    const fields = (problem.errors ?? []).map((e) => e.message).filter((m) => m && !problem.detail!.includes(m));
    return fields.length ? `${problem.detail}\n${fields.join('\n')}` : problem.detail;
  }
  if (status === 0) return 'Нет связи с сервером реестра. Проверьте подключение к интернету и попробуйте ещё раз.';
  if (status === 401) return 'Сеанс закончился. Войдите снова.';
  if (status === 413) return 'Файл слишком большой для загрузки. Удалите из книги лишние листы и картинки или разделите список на части.';
  if (status >= 500) return 'Сервер реестра не смог обработать запрос. Попробуйте ещё раз через несколько минут; если не получится — сообщите в районную организацию время ошибки.';
  return `Запрос не выполнен (код ${status}). Попробуйте ещё раз.`;
}

/** Upload progress as the chair reads it. */
export function progressText(sent: number, total: number): string {
  if (total <= 0) return 'Файл отправляется…';
  const pct = Math.min(100, Math.round((sent / total) * 100));
  return pct >= 100 ? 'Файл отправлен. Сервер проверяет строки — для большого списка это может занять до минуты…' : `Файл отправляется: ${pct}%`;
}
