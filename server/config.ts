/** Server configuration from environment variables, with safe defaults for a single-school install. */
import path from 'node:path';
import type { CardTransition } from '../domain/cards';
import type { Option } from '../domain/members/codes';
import { DEFAULT_CARD_TRANSITIONS_PATH, loadCardTransitions } from './services/cards/transitions';
import { DEFAULT_DEREGISTRATION_REASONS_PATH, loadDeregistrationReasons } from './services/members/reasons';

export interface Config {
  port: number;
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
  logLevel: string;
  logFile: string | null;
  tlsCertFile: string | null;
  tlsKeyFile: string | null;
  /** Seed the demo organisation tree and logins into an empty database. */
  demo: boolean;
  /** Serve dist/ (the built add-in) from this directory. */
  distDir: string;
  trustProxy: boolean;
  /** The allowed card (ЭПБ) status changes: config/card-transitions.json or CARD_TRANSITIONS_FILE. */
  cardTransitions: readonly CardTransition[];
  /** Reasons of deregistration: the defaults and config/deregistration-reasons.json's extra ones (DEREGISTRATION_REASONS_FILE). */
  deregistrationReasons: readonly Option<string>[];
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const root = path.resolve(__dirname, '..');
  const port = int(env.PORT, 3000, 'PORT');
  const tls = Boolean(env.TLS_CERT_FILE && env.TLS_KEY_FILE);
  const publicOrigin = (env.PUBLIC_ORIGIN ?? `${tls ? 'https' : 'http'}://localhost:${port}`).replace(/\/$/, '');
  const addinOrigins = (env.ADDIN_ORIGIN ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/$/, ''))
    .filter(Boolean);
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  const config: Config = {
    port,
    dataDir: path.resolve(env.DATA_DIR ?? path.join(root, 'data')),
    databaseUrl,
    publicOrigin,
    addinOrigins,
    tokenTtlMinutes: int(env.TOKEN_TTL_MINUTES, 8 * 60, 'TOKEN_TTL_MINUTES'),
    refreshTtlDays: int(env.REFRESH_TTL_DAYS, 30, 'REFRESH_TTL_DAYS'),
    idempotencyRetentionHours: int(env.IDEMPOTENCY_RETENTION_HOURS, 7 * 24, 'IDEMPOTENCY_RETENTION_HOURS'),
    lockoutThreshold: int(env.LOCKOUT_THRESHOLD, 5, 'LOCKOUT_THRESHOLD'),
    lockoutMinutes: int(env.LOCKOUT_MINUTES, 15, 'LOCKOUT_MINUTES'),
    loginRateLimit: int(env.LOGIN_RATE_LIMIT, 20, 'LOGIN_RATE_LIMIT'),
    loginRateWindowSeconds: int(env.LOGIN_RATE_WINDOW_SECONDS, 60, 'LOGIN_RATE_WINDOW_SECONDS'),
    bodyLimit: env.BODY_LIMIT ?? '5mb',
    uploadLimitBytes: int(env.UPLOAD_LIMIT_BYTES, 20 * 1024 * 1024, 'UPLOAD_LIMIT_BYTES'),
    scryptCost: int(env.SCRYPT_COST, 1 << 15, 'SCRYPT_COST'),
    logLevel: env.LOG_LEVEL ?? 'info',
    logFile: env.LOG_FILE ?? null,
    tlsCertFile: env.TLS_CERT_FILE ?? null,
    tlsKeyFile: env.TLS_KEY_FILE ?? null,
    demo: bool(env.DEMO, databaseUrl === null),
    distDir: path.resolve(env.DIST_DIR ?? path.join(root, 'dist')),
    trustProxy: bool(env.TRUST_PROXY, false),
    cardTransitions: overrides.cardTransitions ?? loadCardTransitions(env.CARD_TRANSITIONS_FILE ? path.resolve(env.CARD_TRANSITIONS_FILE) : DEFAULT_CARD_TRANSITIONS_PATH),
    deregistrationReasons:
      overrides.deregistrationReasons ?? loadDeregistrationReasons(env.DEREGISTRATION_REASONS_FILE ? path.resolve(env.DEREGISTRATION_REASONS_FILE) : DEFAULT_DEREGISTRATION_REASONS_PATH),
    ...overrides,
  };
  return config;
}
