/**
 * Server configuration from environment variables, with safe defaults for a single-school install.
 *
 * Every variable is parsed by one zod schema (ENV_SCHEMA): a value that is set but not understood
 * (`DEMO=ture`, `PORT=80a`, `LOG_LEVEL=loud`) stops the server with a message naming the variable,
 * instead of silently meaning the default. An empty value means "not set".
 */
import path from 'node:path';
import { z } from 'zod';
import type { CardTransition } from '../domain/cards';
import type { Option } from '../domain/members/codes';
import { DEFAULT_CARD_TRANSITIONS_PATH, loadCardTransitions } from './services/cards/transitions';
import { DEFAULT_DEREGISTRATION_REASONS_PATH, loadDeregistrationReasons } from './services/members/reasons';

export interface Config {
  port: number;
  /**
   * The address the server listens on. Demo mode: 127.0.0.1 (this computer only) unless HOST says
   * otherwise; otherwise every interface (null), or HOST.
   */
  host: string | null;
  /** Where the SQLite file and generated files live. */
  dataDir: string;
  /** PostgreSQL connection string; when absent the embedded SQLite file under dataDir is used. */
  databaseUrl: string | null;
  /** The public https origin the add-in is served from (Excel loads the task pane from here). */
  publicOrigin: string;
  /** Extra origins allowed by CORS when the add-in is served elsewhere (comma-separated in ADDIN_ORIGIN). */
  addinOrigins: string[];
  tokenTtlMinutes: number;
  /** «Запомнить меня»: days a refresh token lives unused (each use rotates it and starts the term again). */
  refreshTtlDays: number;
  /** How long the answer to a pushed chunk is kept for retries with the same idempotency key. */
  idempotencyRetentionHours: number;
  /** Failed sign-ins before the account is locked, and for how long. */
  lockoutThreshold: number;
  lockoutMinutes: number;
  /** Sign-in attempts per IP per window. */
  loginRateLimit: number;
  loginRateWindowSeconds: number;
  bodyLimit: string;
  uploadLimitBytes: number;
  /** scrypt cost (N); tests lower it. */
  scryptCost: number;
  /** Members found registered in another organisation a user may be answered per day (MEMBER_LOOKUP_DAILY_LIMIT). */
  memberLookupDailyLimit: number;
  logLevel: string;
  logFile: string | null;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  /** Seed the demo organisation tree and logins into an empty database. */
  demo: boolean;
  /**
   * The server is set up for real use (PUBLIC_ORIGIN, TLS or DATABASE_URL set): the demo logins,
   * whose passwords are printed in the README, are refused at sign-in (unless ALLOW_DEMO_LOGINS=1,
   * for test and benchmark databases).
   */
  demoLoginsRefused: boolean;
  /** Serve dist/ (the built add-in) from this directory. */
  distDir: string;
  /**
   * Express's `trust proxy`: false, or the number of reverse proxies in front of the server whose
   * X-Forwarded-For entries are believed (TRUST_PROXY=1: one nginx; the client's address is the
   * entry that proxy added, never one the client sent).
   */
  trustProxy: false | number;
  /** How long a SIGTERM waits for requests in flight (pushes) before the server exits anyway. */
  shutdownTimeoutSeconds: number;
  /** DEBUG_HEAP=1: GET /_debug/heap (loopback only) runs a full GC and answers the live heap; for the benches. */
  debugHeap: boolean;
  /** The allowed card (ЭПБ) status changes: config/card-transitions.json or CARD_TRANSITIONS_FILE. */
  cardTransitions: readonly CardTransition[];
  /** Reasons of deregistration: the defaults and config/deregistration-reasons.json's extra ones (DEREGISTRATION_REASONS_FILE). */
  deregistrationReasons: readonly Option<string>[];
}

/** Unset or empty → undefined, so every default lives in one place (the schema). */
const unset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);

const count = (fallback: number) =>
  z.preprocess(
    unset,
    z
      .string()
      .regex(/^\d+$/, 'ожидается целое неотрицательное число')
      .transform(Number)
      .optional()
      .transform((v) => v ?? fallback),
  );

const TRUE = ['1', 'true', 'yes', 'on', 'да'];
const FALSE = ['0', 'false', 'no', 'off', 'нет'];
const flag = z.preprocess(
  unset,
  z
    .string()
    .refine((v) => TRUE.includes(v.toLowerCase()) || FALSE.includes(v.toLowerCase()), 'ожидается 1 или 0 (true/false, yes/no, on/off)')
    .transform((v) => TRUE.includes(v.toLowerCase()))
    .optional(),
);

const text = z.preprocess(unset, z.string().optional());

const origin = (what: string) =>
  z
    .string()
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'https:' || u.protocol === 'http:') && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash;
      } catch {
        return false;
      }
    }, `ожидается ${what} вида https://reestr.example.ru (без пути)`)
    .transform((v) => v.replace(/\/$/, ''));

const ENV_SCHEMA = z.object({
  PORT: count(3000).refine((p) => p > 0 && p < 65536, 'ожидается номер порта от 1 до 65535'),
  HOST: text,
  DATA_DIR: text,
  DATABASE_URL: z.preprocess(unset, z.string().regex(/^postgres(ql)?:\/\//, 'ожидается адрес вида postgres://user:pass@host:5432/registry').optional()),
  PUBLIC_ORIGIN: z.preprocess(unset, origin('адрес').optional()),
  ADDIN_ORIGIN: z.preprocess(
    unset,
    z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(origin('список адресов через запятую')))
      .optional(),
  ),
  TOKEN_TTL_MINUTES: count(8 * 60),
  REFRESH_TTL_DAYS: count(30),
  IDEMPOTENCY_RETENTION_HOURS: count(7 * 24),
  LOCKOUT_THRESHOLD: count(5),
  LOCKOUT_MINUTES: count(15),
  LOGIN_RATE_LIMIT: count(20),
  LOGIN_RATE_WINDOW_SECONDS: count(60),
  BODY_LIMIT: z.preprocess(unset, z.string().regex(/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i, 'ожидается размер вида 5mb, 512kb или число байт').optional()),
  UPLOAD_LIMIT_BYTES: count(20 * 1024 * 1024),
  MEMBER_LOOKUP_DAILY_LIMIT: count(200),
  SCRYPT_COST: count(1 << 15).refine((n) => n >= 2 && (n & (n - 1)) === 0, 'ожидается степень двойки (например, 32768)'),
  LOG_LEVEL: z.preprocess(unset, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional()),
  LOG_FILE: text,
  TLS_CERT_FILE: text,
  TLS_KEY_FILE: text,
  DEMO: flag,
  ALLOW_DEMO_LOGINS: flag,
  DIST_DIR: text,
  TRUST_PROXY: z.preprocess(
    unset,
    z
      .string()
      .refine((v) => /^\d+$/.test(v) || TRUE.includes(v.toLowerCase()) || FALSE.includes(v.toLowerCase()), 'ожидается 0, 1 (один прокси, например nginx) или число прокси')
      .transform((v): false | number => (FALSE.includes(v.toLowerCase()) ? false : TRUE.includes(v.toLowerCase()) ? 1 : Number(v) || false))
      .optional(),
  ),
  SHUTDOWN_TIMEOUT_SECONDS: count(60),
  DEBUG_HEAP: flag,
  CARD_TRANSITIONS_FILE: text,
  DEREGISTRATION_REASONS_FILE: text,
});

export type EnvSettings = z.output<typeof ENV_SCHEMA>;

/** Thrown for an environment variable the server does not understand; the message names it. */
export class ConfigError extends Error {}

/** Variables whose value may hold a password: an error repeats them with the password masked (the error reaches the journal). */
const SECRET_VARIABLES = new Set(['DATABASE_URL']);

/** The environment, checked: every problem of every variable, each line naming its variable. */
export function parseEnv(env: NodeJS.ProcessEnv): EnvSettings {
  const parsed = ENV_SCHEMA.safeParse(env);
  if (parsed.success) {
    const e = parsed.data;
    if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
      throw new ConfigError('Неверная настройка: TLS_CERT_FILE и TLS_KEY_FILE задаются вместе (сертификат и его ключ).');
    }
    return e;
  }
  const lines = parsed.error.issues.map((i) => {
    const name = String(i.path[0] ?? '');
    const raw = env[name] ?? '';
    const value = JSON.stringify(SECRET_VARIABLES.has(name) ? raw.replace(/^([^:/?#]*:\/\/[^:/@]*:)[^@]*@/, '$1***@') : raw);
    return `  ${name}=${value}: ${i.message}`;
  });
  throw new ConfigError(`Неверная настройка в переменных окружения:\n${lines.join('\n')}`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const e = parseEnv(env);
  const root = path.resolve(__dirname, '..');
  const tls = Boolean(e.TLS_CERT_FILE && e.TLS_KEY_FILE);
  const databaseUrl = e.DATABASE_URL ?? null;
  const publicOrigin = e.PUBLIC_ORIGIN ?? `${tls ? 'https' : 'http'}://localhost:${e.PORT}`;
  // Set up for real use: a public address, a certificate or a shared database. The demo's printed
  // passwords must not open such a server.
  const realSetup = Boolean(e.PUBLIC_ORIGIN) || tls || databaseUrl !== null;
  const demo = e.DEMO ?? !realSetup;
  const config: Config = {
    port: e.PORT,
    host: e.HOST ?? (demo ? '127.0.0.1' : null),
    dataDir: path.resolve(e.DATA_DIR ?? path.join(root, 'data')),
    databaseUrl,
    publicOrigin,
    addinOrigins: e.ADDIN_ORIGIN ?? [],
    tokenTtlMinutes: e.TOKEN_TTL_MINUTES,
    refreshTtlDays: e.REFRESH_TTL_DAYS,
    idempotencyRetentionHours: e.IDEMPOTENCY_RETENTION_HOURS,
    lockoutThreshold: e.LOCKOUT_THRESHOLD,
    lockoutMinutes: e.LOCKOUT_MINUTES,
    loginRateLimit: e.LOGIN_RATE_LIMIT,
    loginRateWindowSeconds: e.LOGIN_RATE_WINDOW_SECONDS,
    bodyLimit: e.BODY_LIMIT ?? '5mb',
    uploadLimitBytes: e.UPLOAD_LIMIT_BYTES,
    scryptCost: e.SCRYPT_COST,
    memberLookupDailyLimit: e.MEMBER_LOOKUP_DAILY_LIMIT,
    logLevel: e.LOG_LEVEL ?? 'info',
    logFile: e.LOG_FILE ?? null,
    tlsCertFile: e.TLS_CERT_FILE ?? null,
    tlsKeyFile: e.TLS_KEY_FILE ?? null,
    demo,
    demoLoginsRefused: realSetup && !e.ALLOW_DEMO_LOGINS,
    distDir: path.resolve(e.DIST_DIR ?? path.join(root, 'dist')),
    trustProxy: e.TRUST_PROXY ?? false,
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    debugHeap: e.DEBUG_HEAP ?? false,
    cardTransitions: overrides.cardTransitions ?? loadCardTransitions(e.CARD_TRANSITIONS_FILE ? path.resolve(e.CARD_TRANSITIONS_FILE) : DEFAULT_CARD_TRANSITIONS_PATH),
    deregistrationReasons:
      overrides.deregistrationReasons ?? loadDeregistrationReasons(e.DEREGISTRATION_REASONS_FILE ? path.resolve(e.DEREGISTRATION_REASONS_FILE) : DEFAULT_DEREGISTRATION_REASONS_PATH),
    ...overrides,
  };
  return config;
}

/** Whether the served manifest can work: Office loads add-ins only over https. */
export function servesHttps(config: Pick<Config, 'publicOrigin'>): boolean {
  return config.publicOrigin.startsWith('https://');
}
