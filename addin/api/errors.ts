/**
 * Errors of the registry API as the task pane sees them: every failure (no connection, timeout,
 * session expired, server error, a refused field) becomes one ApiError with a Russian `detail`
 * a chair can read and, for refused fields, `fields` to show next to the inputs or cells.
 */

/** What kind of failure it is: decides the message, the retry button and the sign-in screen. */
export type ApiErrorKind =
  /** The request did not reach the server or the answer did not come back (no connection). */
  | 'network'
  /** The server did not answer in time. */
  | 'timeout'
  /** Cancelled by the pane itself (the user left the view). */
  | 'aborted'
  /** 401 on sign-in: wrong login or password. */
  | 'bad_credentials'
  /** 401 anywhere else: the session is over, sign in again. */
  | 'session_expired'
  /** 423: too many failed sign-ins. */
  | 'locked'
  /** 403 because the one-time password has not been changed yet. */
  | 'password_change_required'
  /** 403 because the signed non-disclosure obligation is not recorded yet. */
  | 'obligation_required'
  | 'forbidden'
  | 'not_found'
  /** 400/422: the request was refused; `fields` say which values and why. */
  | 'validation'
  /** 409: changed by someone else, or already exists. */
  | 'conflict'
  /** 413: too large — send in parts. */
  | 'too_large'
  /** 429: too many requests. */
  | 'rate_limited'
  /** 503/502/504: the server or its database is temporarily unavailable. */
  | 'unavailable'
  /** 500 and anything else unexpected from the server. */
  | 'server'
  /** The answer could not be read (not JSON, wrong shape). */
  | 'bad_response';

export interface ApiFieldError {
  /** A JSON path such as "newPassword", "data.inn" or "rows.3.snils". */
  field: string;
  message: string;
}

/** application/problem+json as the registry server writes it (server/http/problem.ts). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: ApiFieldError[];
  [extra: string]: unknown;
}

const NETWORK_TEXT =
  'Нет связи с сервером реестра. Проверьте подключение к интернету и нажмите «Повторить». Данные на листе Excel не потеряны.';
const TIMEOUT_TEXT =
  'Сервер реестра не ответил вовремя (медленная связь или сервер занят). Нажмите «Повторить»: уже отправленные строки не задвоятся.';

/** Russian text for a status when the server sent no readable problem (a proxy page, an empty body). */
const STATUS_TEXT: Record<number, string> = {
  400: 'Сервер не принял запрос. Проверьте введённые данные.',
  401: 'Сеанс завершён. Войдите снова — лист Excel останется как есть.',
  403: 'Нет доступа к этому действию.',
  404: 'Не найдено. Возможно, запись удалена или у вас нет к ней доступа.',
  409: 'Данные изменил другой пользователь. Загрузите их заново и повторите.',
  413: 'Слишком большой запрос. Отправьте список частями.',
  423: 'Учётная запись временно заблокирована. Подождите и попробуйте снова.',
  429: 'Слишком много запросов. Подождите минуту и попробуйте снова.',
  500: 'Ошибка на сервере реестра. Нажмите «Повторить»; если ошибка повторится, сообщите администратору реестра время ошибки.',
  502: 'Сервер реестра временно недоступен. Повторите через минуту.',
  503: 'Сервер реестра временно недоступен. Повторите через минуту.',
  504: 'Сервер реестра не ответил вовремя. Повторите через минуту.',
};

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** HTTP status, or 0 when there was no answer. */
  readonly status: number;
  /** The last part of problem `type` (e.g. "bad_credentials", "obligation_required"), or the kind. */
  readonly code: string;
  readonly title: string;
  /** Russian text for the chair: what happened and what to do. */
  readonly detail: string;
  readonly fields: ApiFieldError[];
  /** Other members of the problem object (e.g. currentVersion on a conflict). */
  readonly extra: Record<string, unknown>;
  /** Seconds the server asked to wait (Retry-After), when given. */
  readonly retryAfterSeconds: number | null;
  /** The server's X-Request-Id of the failed answer (to quote to the administrator), when given. */
  readonly requestId: string | null;
  /** When the failure happened (the pane shows it with the request id). */
  readonly at: Date;

  constructor(init: {
    kind: ApiErrorKind;
    status?: number;
    code?: string;
    title?: string;
    detail: string;
    fields?: ApiFieldError[];
    extra?: Record<string, unknown>;
    retryAfterSeconds?: number | null;
    requestId?: string | null;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.code = init.code ?? init.kind;
    this.title = init.title ?? '';
    this.detail = init.detail;
    this.fields = init.fields ?? [];
    this.extra = init.extra ?? {};
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.requestId = init.requestId ?? null;
    this.at = new Date();
  }

  /** Whether trying the same request again may help (the pane then offers «Повторить»). */
  get retryable(): boolean {
    return ['network', 'timeout', 'unavailable', 'server', 'rate_limited', 'bad_response'].includes(this.kind);
  }

  /** The message of one field, by exact path or by its last segment ("data.inn" → "inn"). */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field || f.field.split('.').pop() === field)?.message;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function networkError(): ApiError {
  return new ApiError({ kind: 'network', detail: NETWORK_TEXT });
}

export function timeoutError(): ApiError {
  return new ApiError({ kind: 'timeout', detail: TIMEOUT_TEXT });
}

export function abortedError(): ApiError {
  return new ApiError({ kind: 'aborted', detail: 'Действие отменено.' });
}

function codeOf(type: unknown): string | undefined {
  if (typeof type !== 'string' || !type) return undefined;
  const last = type.split('/').filter(Boolean).pop();
  return last && last !== 'about:blank' ? last : undefined;
}

function kindFor(status: number, code: string | undefined, isLogin: boolean): ApiErrorKind {
  if (status === 401) return isLogin || code === 'bad_credentials' ? 'bad_credentials' : 'session_expired';
  if (status === 403) {
    if (code === 'password_change_required') return 'password_change_required';
    if (code === 'obligation_required') return 'obligation_required';
    return 'forbidden';
  }
  if (status === 423) return 'locked';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  if (status === 400 || status === 415 || status === 422) return 'validation';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'server';
}

function readFields(v: unknown): ApiFieldError[] {
  if (!Array.isArray(v)) return [];
  const out: ApiFieldError[] = [];
  for (const item of v) {
    if (item && typeof item === 'object') {
      const f = (item as { field?: unknown }).field;
      const m = (item as { message?: unknown }).message;
      if (typeof m === 'string') out.push({ field: typeof f === 'string' ? f : '', message: m });
    }
  }
  return out;
}

/** True when a text looks like something a person can read in Russian (not a stack or an HTML page). */
function readableRussian(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length < 2000 && /[А-Яа-яЁё]/.test(s) && !/<\w+[\s>]/.test(s);
}

/**
 * The ApiError for an HTTP answer that is not a success. `body` is the parsed JSON (or null when
 * the body was empty or not JSON); `isLogin` tells a wrong password from an expired session.
 */
export function errorFromResponse(status: number, body: unknown, opts: { isLogin?: boolean; retryAfter?: string | null; requestId?: string | null } = {}): ApiError {
  const problem: Problem = body && typeof body === 'object' && !Array.isArray(body) ? (body as Problem) : {};
  const code = codeOf(problem.type);
  const kind = kindFor(status, code, opts.isLogin === true);
  const fields = readFields(problem.errors);
  const fallback = STATUS_TEXT[status] ?? (status >= 500 ? STATUS_TEXT[500] : STATUS_TEXT[400]);
  const detail = readableRussian(problem.detail) ? problem.detail : fields.length && readableRussian(fields[0].message) ? fields[0].message : fallback;
  const { type: _t, title, status: _s, detail: _d, errors: _e, ...extra } = problem;
  const retryAfter = opts.retryAfter ? Number(opts.retryAfter) : NaN;
  return new ApiError({
    kind,
    status,
    code: code ?? kind,
    title: typeof title === 'string' ? title : '',
    detail,
    fields,
    extra,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
    requestId: opts.requestId && /^[A-Za-z0-9._-]{1,100}$/.test(opts.requestId) ? opts.requestId : null,
  });
}

/**
 * «Время ошибки: 00:23:15, номер запроса: 5f0c…» — what a chair quotes to the administrator for a
 * failure on the server's side (5xx, an unreadable answer); empty for other failures.
 */
export function serverErrorReference(e: ApiError): string {
  const serverSide = e.status >= 500 || e.kind === 'server' || e.kind === 'unavailable' || e.kind === 'bad_response';
  if (!serverSide) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${pad(e.at.getDate())}.${pad(e.at.getMonth() + 1)}.${e.at.getFullYear()}`;
  const time = `${pad(e.at.getHours())}:${pad(e.at.getMinutes())}:${pad(e.at.getSeconds())}`;
  return `Время ошибки: ${date} ${time}${e.requestId ? `, номер запроса: ${e.requestId}` : ''}.`;
}

const EXCEL_BUSY =
  'Excel сейчас не может выполнить действие. Закончите ввод в ячейке (Enter или Esc), закройте открытые окна Excel и нажмите «Повторить».';

/** Office.js error codes the pane explains in its own words (the English message is never shown). */
const OFFICE_TEXT: Record<string, string> = {
  ItemNotFound: 'Excel не нашёл нужный лист или таблицу: возможно, их переименовали или удалили. Создайте лист заново кнопкой в панели.',
  AccessDenied: 'Лист или книга защищены от изменений. Снимите защиту (Рецензирование → Снять защиту листа) и нажмите «Повторить».',
  InvalidOperation: EXCEL_BUSY,
  GeneralException: EXCEL_BUSY,
  ActivityLimitReached: EXCEL_BUSY,
  Conflict: EXCEL_BUSY,
  RequestPayloadSizeLimitExceeded: 'Excel не принял слишком большой объём за один раз. Нажмите «Повторить»; если не поможет, сообщите администратору реестра.',
  ResponsePayloadSizeLimitExceeded: 'Excel не смог отдать слишком большой объём за один раз. Нажмите «Повторить»; если не поможет, сообщите администратору реестра.',
  InsertDeleteConflict: 'Под таблицей или справа от неё есть данные, которые мешают добавить строки. Освободите место под таблицей и нажмите «Повторить».',
};

/** A short Russian text for any failure the pane can meet (API, Excel, or a bug). */
export function describeError(e: unknown): string {
  if (isApiError(e)) return e.detail;
  // Our own errors (the Excel layer's SheetError and the like) are already written for the chair.
  if (e instanceof Error && readableRussian(e.message)) return e.message;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code) return OFFICE_TEXT[code] ?? `${EXCEL_BUSY} (Код ошибки Excel: ${code}.)`;
  return 'Что-то пошло не так. Нажмите «Повторить»; если ошибка повторится, закройте и снова откройте панель.';
}
