/** What every service function receives: the database, the configuration, the logger, a clock. */
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Db } from '../db';
import type { Role } from '../../domain/roles';

export interface Ctx {
  db: Db;
  config: Config;
  log: Logger;
  /** Injectable clock for tests (token expiry, lockout, deadlines). */
  now(): Date;
}

/** The signed-in person on whose behalf a service acts. */
export interface Actor {
  userId: number;
  login: string;
  role: Role;
  orgId: number;
  orgPath: string;
  /** The signed non-disclosure obligation is recorded: personal data may be read and written. */
  obligationRecorded: boolean;
  mustChangePassword: boolean;
  tokenId: number;
}

export function todayIso(ctx: Ctx): string {
  return ctx.now().toISOString().slice(0, 10);
}

/** Russia's easternmost time zone (Kamchatka, Chukotka): UTC+12. */
const LATEST_RUSSIAN_OFFSET_MS = 12 * 3_600_000;

/**
 * The latest calendar date any chair in Russia has now: the bound for «not in the future». A chair
 * in Vladivostok at 8 in the morning already has tomorrow's UTC date, and the date they type as
 * today must not be refused as one that has not come yet.
 */
export function latestTodayIso(ctx: Ctx): string {
  return new Date(ctx.now().getTime() + LATEST_RUSSIAN_OFFSET_MS).toISOString().slice(0, 10);
}
