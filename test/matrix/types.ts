/**
 * The authorisation matrix: for every route, what each role gets on its own organisation's data
 * ('allowed' = a 2xx answer, or 403) — and, for scoped routes, 404 on another organisation's. Each area of the API
 * keeps its entries in a file of this folder; the test fails when a route has no entry.
 */
import type { Role } from '../../domain/roles';
import type { TestApp } from '../support/app';

export type Expect = 'allowed' | 403;

export interface MatrixRequest {
  path: string;
  body?: unknown;
  /** For uploads: raw body and content type instead of JSON. */
  raw?: { contentType: string; data: Buffer | string };
  /** Use this token instead of the role's usual one (e.g. for logout, which ends the session). */
  token?: string;
}

/** Organisations and accounts every entry can use; areas add their own fixtures in `setup`. */
export interface BaseFixtures {
  t: TestApp;
  org: { central: number; region: number; territorial: number; school: number; kindergarten: number; otherRegion: number; otherTerritorial: number; otherSchool: number };
  /** An account in the demo school (managed by territory, region, admin) and one in the other region's school. */
  user: { school: number; otherSchool: number };
  extra: Record<string, unknown>;
}

export interface MatrixEntry {
  /** 'METHOD /path/:param' exactly as declared. */
  route: string;
  /** What each role gets on a target inside its own subtree (the demo school, or what `own` builds). */
  roles: Record<Role, Expect>;
  /** Builds the request on a target the role may see. */
  own(f: BaseFixtures, role: Role): Promise<MatrixRequest> | MatrixRequest;
  /**
   * Builds the request on a target outside every non-central role's subtree; expected 404. Required for
   * every 'org' route and every 'resource' route a non-central role may use; omit only for unscoped routes.
   */
  foreign?(f: BaseFixtures, role: Role): Promise<MatrixRequest> | MatrixRequest;
}

export interface MatrixArea {
  setup?(f: BaseFixtures): Promise<void>;
  entries: MatrixEntry[];
}

export const everyone: Record<Role, Expect> = { central_admin: 'allowed', regional: 'allowed', territorial: 'allowed', primary_chair: 'allowed' };
export const managers: Record<Role, Expect> = { central_admin: 'allowed', regional: 'allowed', territorial: 'allowed', primary_chair: 403 };
