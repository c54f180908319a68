/**
 * Where the bearer token lives: in the task pane's memory, optionally mirrored to sessionStorage so
 * that reloading the pane keeps the session. Never in the workbook or in Office document settings
 * (those are saved inside the file and travel with it).
 *
 * «Запомнить меня на этом компьютере» keeps one more thing: the rotating refresh token, in the add-in
 * origin's localStorage (the desktop web views clear sessionStorage when the pane closes, but keep
 * localStorage per origin). It is the only credential stored there; the server can revoke it.
 */
export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

export function memoryTokenStore(initial: string | null = null): TokenStore {
  let token = initial;
  return {
    get: () => token,
    set: (t) => {
      token = t;
    },
  };
}

/** Minimal part of the Web Storage API used here (sessionStorage in the pane, a fake in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const SESSION_TOKEN_KEY = 'union-registry.session-token';
export const REFRESH_TOKEN_KEY = 'union-registry.refresh-token';

/**
 * Memory first; sessionStorage as a copy that dies with the pane's browsing session. Any storage
 * failure (disabled storage, private mode, quota) silently leaves the token in memory only.
 */
export function sessionTokenStore(storage: KeyValueStorage | null, key = SESSION_TOKEN_KEY): TokenStore {
  let token: string | null = null;
  try {
    token = storage?.getItem(key) ?? null;
  } catch {
    token = null;
  }
  return {
    get: () => token,
    set: (t) => {
      token = t;
      try {
        if (t === null) storage?.removeItem(key);
        else storage?.setItem(key, t);
      } catch {
        /* memory only */
      }
    },
  };
}

/**
 * The refresh token of «Запомнить меня»: localStorage is shared by every pane of the add-in on this
 * computer (two workbooks open), and each exchange rotates the token. So it is read from storage at
 * every use, not kept from the pane's start: a pane whose copy another pane has rotated would present
 * a used token, and the server (rightly) ends the whole family. Memory only where storage fails.
 */
export function sharedTokenStore(storage: KeyValueStorage | null, key = REFRESH_TOKEN_KEY): TokenStore {
  let fallback: string | null = null;
  return {
    get: () => {
      try {
        return storage ? storage.getItem(key) : fallback;
      } catch {
        return fallback;
      }
    },
    set: (t) => {
      fallback = t;
      try {
        if (t === null) storage?.removeItem(key);
        else storage?.setItem(key, t);
      } catch {
        /* memory only */
      }
    },
  };
}
