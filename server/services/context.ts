/**
 * What every service function receives: the database, the configuration, the logger, a clock, and the
 * roll-ups the member writes keep in step. Built by the composition root (createApp in server/app.ts;
 * the scripts build their own) — no service reaches for a process-wide registry.
 */
import type { Logger } from 'pino';
import type { Transaction } from 'sequelize';
import type { Config } from '../config';
import type { Db } from '../db';
import type { Role } from '../../domain/roles';
import type { MemberChange as CounterChange } from './progress/vector';

/**
 * Roll-ups kept in step with every member write, inside the writing transaction: writeMembers and the
 * card status writes call `apply` with each member before and after. The implementation is the progress
 * counters (progressCounters in services/progress/counters.ts), passed in by the composition root.
 */
export interface MemberCounters {
  apply(ctx: Ctx, tx: Transaction, changes: readonly CounterChange[]): Promise<unknown>;
}

export interface Ctx {
  db: Db;
  config: Config;
  log: Logger;
  /** Injectable clock for tests (token expiry, lockout, deadlines). */
  now(): Date;
  /** null: member writes update no roll-up (a context built for a tool that recomputes them afterwards, or a test). */
  memberCounters: MemberCounters | null;
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
