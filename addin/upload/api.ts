/**
 * The upload page's small API client: bearer token in memory only (never in storage or a cookie),
 * JSON calls with fetch, file downloads as blobs, the upload with XMLHttpRequest (fetch cannot report
 * upload progress).
 */
import { parseSummary, type Problem, type UploadSummary } from './logic';

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

let token: string | null = null;

export function setToken(value: string | null): void {
  token = value;
}

export function hasToken(): boolean {
  return token !== null;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...extra };
}

async function problemOf(res: Response): Promise<Problem | null> {
  try {
    return (await res.json()) as Problem;
  } catch {
    return null;
  }
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return res;
}

export async function apiJson<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** POSTs a file as the raw body and reads a JSON answer (the mapping step's preview). */
export async function apiJsonFile<T>(path: string, file: Blob, contentType: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, { method: 'POST', headers: headers({ 'Content-Type': contentType }), body: file, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, null);
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return (await res.json()) as T;
}

/** A file from the API with the name the server gave it. */
export async function apiFile(path: string): Promise<{ blob: Blob; fileName: string }> {
  const res = await send('GET', path);
  return { blob: await res.blob(), fileName: fileNameOf(res.headers.get('Content-Disposition')) ?? 'file.xlsx' };
}

/** filename*=UTF-8''… (RFC 5987) first, then filename="…". */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through
    }
  }
  const plain = /filename="([^"]*)"/i.exec(disposition);
  return plain ? plain[1] : null;
}

export interface UploadAnswer {
  blob: Blob;
  summary: UploadSummary | null;
}

/** POSTs the file as the raw body; `onProgress(sent, total)` while it is sent. */
export function uploadFile(path: string, file: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE + path);
    xhr.responseType = 'blob';
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.upload.onload = () => onProgress(file.size, file.size);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onabort = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      const blob = xhr.response as Blob;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ blob, summary: parseSummary(xhr.getResponseHeader('X-Upload-Summary')) });
        return;
      }
      blob
        .text()
        .then((text) => {
          let problem: Problem | null = null;
          try {
            problem = JSON.parse(text) as Problem;
          } catch {
            problem = null;
          }
          reject(new ApiError(xhr.status, problem));
        })
        .catch(() => reject(new ApiError(xhr.status, null)));
    };
    xhr.send(file);
  });
}
