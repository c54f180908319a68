/**
 * Typed client of the registry API on the task pane's own origin (/api/v1). One place for the
 * bearer token (memory or session storage only), timeouts, retries with backoff, problem+json
 * parsing and the "session expired" event. Nothing here touches Office or the DOM.
 */
import type { SyncRequest, SyncResponse } from '../../domain/members/sync-contract';
import type { OrgKind } from '../../domain/organisations';
import { ApiError, abortedError, errorFromResponse, isApiError, networkError, timeoutError } from './errors';
import { memoryTokenStore, type TokenStore } from './token-store';
import type { BatchView, LoginResult, Me, MemberPage, OrgView, PassportInput, PassportView, RevertResult } from './types';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Extra attempts after the first one. */
  retries: number;
  /** Delay before retry number `attempt` (1-based), in ms. */
  delayMs(attempt: number): number;
  /** Longest wait honoured from a Retry-After header, in ms. */
  maxRetryAfterMs: number;
}

/** 1 s, 2 s, 4 s, 8 s (±20 %): about a quarter of a minute of patience on a flaky school connection. */
export const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  delayMs: (attempt) => Math.min(15_000, 1000 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4),
  maxRetryAfterMs: 30_000,
};

export interface ClientOptions {
  /** Origin + prefix of the API; '' + '/api/v1' (the pane's own origin) by default. */
  baseUrl?: string;
  fetch?: FetchLike;
  tokens?: TokenStore;
  /** «Запомнить меня»: where the refresh token is kept (the origin's localStorage in the pane). */
  refreshTokens?: TokenStore;
  /** Per-request timeout, ms (30 s). Pushes of large chunks set their own. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  /** A file sent as the request body as it is (instead of `body` as JSON), e.g. a .docx template. */
  file?: { bytes: Uint8Array<ArrayBuffer>; contentType: string };
  headers?: Record<string, string>;
  /**
   * Safe to send again when the answer is lost (network error, timeout, 502/504): GET, PUT and
   * requests carrying an idempotency key. Defaults to true for GET/PUT/DELETE. A 503 is retried
   * always: the server refused before doing anything.
   */
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Send the bearer token (true by default). */
  auth?: boolean;
  /** A 401 here means a wrong password, not an expired session. */
  isLogin?: boolean;
  /** Extra attempts for this request (default: the client's policy). */
  retries?: number;
}

/** What a request observer sees (tests count requests; the pane shows «повторная попытка…»). */
export interface RequestEvent {
  method: string;
  path: string;
  attempt: number;
  /** Set when the attempt failed and another will follow after `delayMs`. */
  retryAfterError?: ApiError;
  delayMs?: number;
}

type Listener<T> = (value: T) => void;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The page's fetch (native, or whatwg-fetch's in Internet Explorer 11), looked up at call time. */
function globalFetch(): FetchLike {
  return (url, init) => (typeof fetch === 'function' ? fetch(url, init) : Promise.reject(new TypeError('fetch is not available')));
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly tokens: TokenStore;
  private readonly refreshTokens: TokenStore;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly expiredListeners = new Set<Listener<ApiError>>();
  private readonly requestListeners = new Set<Listener<RequestEvent>>();

  constructor(opts: ClientOptions = {}) {
    this.baseUrl = (opts.baseUrl ?? '/api/v1').replace(/\/$/, '');
    this.fetchImpl = opts.fetch ?? globalFetch();
    this.tokens = opts.tokens ?? memoryTokenStore();
    this.refreshTokens = opts.refreshTokens ?? memoryTokenStore();
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...(opts.retry ?? {}) };
    this.sleep = opts.sleep ?? defaultSleep;
  }

  // ------------------------------------------------------------------ session

  get signedIn(): boolean {
    return this.tokens.get() !== null;
  }

  /** Forget the token locally (the sheet and everything else in the pane stay). */
  clearSession(): void {
    this.tokens.set(null);
  }

  /** Called once per 401 on an authenticated request; the token is already forgotten. */
  onSessionExpired(listener: Listener<ApiError>): () => void {
    this.expiredListeners.add(listener);
    return () => this.expiredListeners.delete(listener);
  }

  onRequest(listener: Listener<RequestEvent>): () => void {
    this.requestListeners.add(listener);
    return () => this.requestListeners.delete(listener);
  }

  // ------------------------------------------------------------------ transport

  url(path: string, query?: RequestOptions['query']): string {
    let u = this.baseUrl + path;
    if (query) {
      const parts: string[] = [];
      for (const [k, v] of Object.entries(query)) {
        if (v === undefined || v === null || v === '') continue;
        parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
      }
      if (parts.length) u += (u.includes('?') ? '&' : '?') + parts.join('&');
    }
    return u;
  }

  /** One API call with timeout and retries; resolves to the parsed JSON (undefined for 204). */
  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const method = opts.method ?? 'GET';
    const idempotent = opts.idempotent ?? (method === 'GET' || method === 'PUT' || method === 'DELETE');
    const body = opts.file ? opts.file.bytes : opts.body === undefined ? undefined : JSON.stringify(opts.body);
    for (let attempt = 1; ; attempt++) {
      this.emitRequest({ method, path, attempt });
      let error: ApiError;
      try {
        return await this.once<T>(method, path, body, opts);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        error = e;
      }
      const transient = error.kind === 'network' || error.kind === 'timeout' || error.status === 502 || error.status === 504;
      const canRetry = attempt <= (opts.retries ?? this.retry.retries) && (error.status === 503 || (transient && idempotent));
      if (!canRetry || opts.signal?.aborted) throw error;
      let delay = this.retry.delayMs(attempt);
      if (error.retryAfterSeconds !== null) delay = Math.max(delay, Math.min(this.retry.maxRetryAfterMs, error.retryAfterSeconds * 1000));
      this.emitRequest({ method, path, attempt, retryAfterError: error, delayMs: delay });
      await this.sleep(delay);
      if (opts.signal?.aborted) throw abortedError();
    }
  }

  private async once<T>(method: string, path: string, body: string | Uint8Array<ArrayBuffer> | undefined, opts: RequestOptions): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...(opts.headers ?? {}) };
    if (opts.file) headers['Content-Type'] = opts.file.contentType;
    else if (body !== undefined) headers['Content-Type'] = 'application/json';
    const token = this.tokens.get();
    const useAuth = opts.auth !== false;
    if (useAuth && token) headers.Authorization = `Bearer ${token}`;

    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    let timedOut = false;
    if (opts.signal?.aborted) throw abortedError();
    const onOuterAbort = () => controller?.abort();
    opts.signal?.addEventListener('abort', onOuterAbort);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        controller?.abort();
        reject(timeoutError());
      }, timeoutMs);
    });

    try {
      let res: Response;
      try {
        res = await Promise.race([
          this.fetchImpl(this.url(path, opts.query), {
            method,
            headers,
            body,
            signal: controller?.signal,
            credentials: 'same-origin',
            cache: 'no-store',
          }),
          timeout,
        ]);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        if (timedOut) throw timeoutError();
        if (opts.signal?.aborted) throw abortedError();
        throw networkError();
      }
      const text = await Promise.race([res.text(), timeout]).catch((e: unknown) => {
        if (e instanceof ApiError) throw e;
        throw networkError();
      });
      let json: unknown = undefined;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      if (res.ok) {
        if (res.status === 204 || !text) return undefined as T;
        if (json === undefined) {
          throw new ApiError({ kind: 'bad_response', status: res.status, detail: 'Сервер реестра прислал непонятный ответ. Нажмите «Повторить».' });
        }
        return json as T;
      }
      const err = errorFromResponse(res.status, json, { isLogin: opts.isLogin, retryAfter: res.headers.get('Retry-After'), requestId: res.headers.get('X-Request-Id') });
      if (err.kind === 'session_expired' && useAuth && token) {
        // Only the token that failed is forgotten: a sign-in that happened meanwhile is kept.
        if (this.tokens.get() === token) this.tokens.set(null);
        for (const l of [...this.expiredListeners]) l(err);
      }
      throw err;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  private emitRequest(e: RequestEvent): void {
    for (const l of [...this.requestListeners]) l(e);
  }

  // ------------------------------------------------------------------ auth

  /** Signs in; with `remember` the server also issues a refresh token, kept for the next opening. */
  async login(login: string, password: string, remember = false): Promise<LoginResult> {
    const res = await this.request<LoginResult>('/auth/login', {
      method: 'POST',
      body: remember ? { login, password, remember: true } : { login, password },
      auth: false,
      isLogin: true,
      // A repeated sign-in is harmless (one more token): retry a lost connection once, then tell
      // the chair quickly rather than keep the button spinning on a dead link.
      idempotent: true,
      retries: 1,
      timeoutMs: 20_000,
    });
    this.tokens.set(res.token);
    // Without the tick this computer is no longer remembered, whoever was remembered before.
    this.refreshTokens.set(res.refreshToken ?? null);
    return res;
  }

  /** A refresh token from an earlier «Запомнить меня» is kept on this computer. */
  get remembered(): boolean {
    return this.refreshTokens.get() !== null;
  }

  /**
   * Signs in with the remembered refresh token: true when a session started, false when the server
   * no longer honours it (then it is forgotten and the chair signs in). A connection failure throws
   * and keeps the token for another try. Never retried automatically: the server rotates the token
   * on every exchange, and a second send of the same one would count as a stolen copy.
   */
  async resumeRemembered(): Promise<boolean> {
    const refreshToken = this.refreshTokens.get();
    if (!refreshToken) return false;
    try {
      const res = await this.request<LoginResult>('/auth/refresh', { method: 'POST', body: { refreshToken }, auth: false, retries: 0, timeoutMs: 20_000 });
      this.tokens.set(res.token);
      this.refreshTokens.set(res.refreshToken ?? null);
      return true;
    } catch (e) {
      if (isApiError(e) && (e.status === 401 || e.status === 400)) {
        if (this.refreshTokens.get() === refreshToken) this.refreshTokens.set(null);
        return false;
      }
      throw e;
    }
  }

  /** «Выйти на всех устройствах»: every session and remembered computer of the account ends. */
  async logoutEverywhere(): Promise<void> {
    await this.request<void>('/auth/logout-all', { method: 'POST', idempotent: true, timeoutMs: 20_000 });
    this.tokens.set(null);
    this.refreshTokens.set(null);
  }

  changePassword(oldPassword: string, newPassword: string): Promise<void> {
    return this.request<void>('/auth/password', { method: 'POST', body: { oldPassword, newPassword } });
  }

  /** Revoke the token on the server; the local session ends whatever the answer. */
  async logout(): Promise<void> {
    try {
      if (this.signedIn) await this.request<void>('/auth/logout', { method: 'POST', idempotent: true, timeoutMs: 10_000 });
    } catch {
      /* the token is forgotten anyway; an unrevoked one expires by itself */
    } finally {
      this.tokens.set(null);
      this.refreshTokens.set(null);
    }
  }

  me(): Promise<Me> {
    return this.request<Me>('/me');
  }

  markProgress(what: 'training' | 'firstRun'): Promise<unknown> {
    return this.request('/me/progress', { method: 'POST', body: { what }, idempotent: true });
  }

  // ------------------------------------------------------------------ organisations

  getOrganisation(orgId: number): Promise<OrgView> {
    return this.request<OrgView>(`/organisations/${orgId}`);
  }

  listChildren(orgId: number, includeClosed = false): Promise<OrgView[]> {
    return this.request<OrgView[]>(`/organisations/${orgId}/children`, { query: { includeClosed: includeClosed ? '1' : undefined } });
  }

  /** The organisation and every unit below it, in tree order. */
  getStructure(orgId: number): Promise<OrgView[]> {
    return this.request<OrgView[]>(`/organisations/${orgId}/structure`);
  }

  createChild(parentId: number, input: { kind: OrgKind; name: string }): Promise<OrgView> {
    return this.request<OrgView>(`/organisations/${parentId}/children`, { method: 'POST', body: input });
  }

  updateOrganisation(orgId: number, input: { name?: string; parentId?: number }): Promise<OrgView> {
    return this.request<OrgView>(`/organisations/${orgId}`, { method: 'PATCH', body: input, idempotent: true });
  }

  closeOrganisation(orgId: number): Promise<OrgView> {
    // Closing twice answers the closed unit again: safe to retry.
    return this.request<OrgView>(`/organisations/${orgId}/close`, { method: 'POST', idempotent: true });
  }

  // ------------------------------------------------------------------ passport

  getPassport(orgId: number): Promise<PassportView> {
    return this.request<PassportView>(`/organisations/${orgId}/passport`);
  }

  /** Save fields; `version` makes the server refuse (409) if someone else saved meanwhile. */
  savePassport(orgId: number, data: PassportInput, version?: number): Promise<PassportView> {
    return this.request<PassportView>(`/organisations/${orgId}/passport`, { method: 'PUT', body: { ...(version !== undefined ? { version } : {}), data } });
  }

  // ------------------------------------------------------------------ members

  /**
   * One chunk of rows. The idempotency key travels in the body and in the Idempotency-Key header;
   * a retry sends the identical body, so the server answers it from its idempotency store.
   */
  syncMembers(orgId: number, req: SyncRequest, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SyncResponse> {
    return this.request<SyncResponse>(`/organisations/${orgId}/members/sync`, {
      method: 'POST',
      body: req,
      headers: { 'Idempotency-Key': req.idempotencyKey },
      idempotent: true,
      timeoutMs: opts.timeoutMs ?? 120_000,
      signal: opts.signal,
    });
  }

  listMembers(orgId: number, page: { cursor?: string | null; limit?: number; subtree?: boolean } = {}, signal?: AbortSignal): Promise<MemberPage> {
    return this.request<MemberPage>(`/organisations/${orgId}/members`, {
      query: { cursor: page.cursor ?? undefined, limit: page.limit, subtree: page.subtree ? '1' : undefined },
      timeoutMs: 90_000,
      signal,
    });
  }

  /** The latest pushes of an organisation, newest first (what «Отменить последнюю отправку» can undo). */
  listBatches(orgId: number, limit = 20): Promise<BatchView[]> {
    return this.request<BatchView[]>(`/organisations/${orgId}/batches`, { query: { limit } });
  }

  /** Undo a push: every member the batch created or changed goes back to its previous state. */
  revertBatch(batchId: string): Promise<RevertResult> {
    return this.request<RevertResult>(`/batches/${encodeURIComponent(batchId)}/revert`, { method: 'POST', idempotent: true, timeoutMs: 120_000 });
  }
}
