/**
 * Every HTTP route is declared here once — method, path, access rule, zod schemas — and the same
 * declaration wires express, produces the OpenAPI document and feeds the authorisation matrix test.
 * Handlers stay thin: parse (done here), call a service, shape the answer.
 */
import type { NextFunction, Request, Response, Router } from 'express';
import { z, type ZodType } from 'zod';
import type { Role } from '../../domain/roles';
import { AppError, forbidden } from '../errors';
import { orgInScope, requireObligation, requireRole, type ScopedOrg } from '../services/access';
import { recordAudit } from '../services/audit.service';
import { authenticate, requirePasswordChanged } from '../services/auth.service';
import type { Actor, Ctx } from '../services/context';

export const ALL_ROLES: readonly Role[] = ['central_admin', 'regional', 'territorial', 'primary_chair'];
export const MANAGER_ROLES: readonly Role[] = ['central_admin', 'regional', 'territorial'];

export type Access =
  /** No sign-in. */
  | { kind: 'public' }
  /** Any signed-in user; `pendingPassword` lets a user who still has the one-time password through. */
  | { kind: 'signedIn'; pendingPassword?: boolean }
  /**
   * The path has :orgId; it must lie in the actor's subtree (else 404), then the role (else 403).
   * `personalData`: the caller's own non-disclosure obligation must be recorded (else 403) — for routes
   * that show or change personal data, and for those that hand out access to it (new accounts, one-time
   * passwords, recording someone's obligation), so the gate cannot be walked around through an account.
   */
  | { kind: 'org'; roles: readonly Role[]; personalData: boolean }
  /** The path names another resource (:userId, :memberId, :batchId…) whose scope the service checks (404 outside). */
  | { kind: 'resource'; roles: readonly Role[]; personalData: boolean };

export interface FileResult {
  file: Buffer;
  contentType: string;
  fileName: string;
}

/** What HEAD answers for a file: its headers, without the file and without what a GET does (use a single-use link, audit). */
export interface FileHead {
  contentType: string;
  fileName: string;
  sizeBytes: number;
}

export interface HandlerInput<P, Q, B> {
  ctx: Ctx;
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  /**
   * Resolved for `org` access: the organisation of :orgId, scope checked once here for the whole request
   * (with `personalData`, the obligation too) — services that take it do not check again.
   */
  org: ScopedOrg;
  req: Request;
  res: Response;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path below /api/v1, e.g. '/organisations/:orgId/passport'. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** The success answer: JSON (schema), a file (contentType), or nothing (204). */
  response: { status: number; description: string; schema?: ZodType; contentType?: string };
  /** The request body is not JSON (uploads): the handler reads the stream itself. */
  rawBody?: { contentTypes: string[] };
  /** The handler writes the response itself (streams). */
  streams?: boolean;
  /**
   * Only for answers that are explicitly public (no personal data, no credentials): the Cache-Control
   * they may carry. Every other API answer is `no-store` (server/app.ts).
   */
  cacheControl?: string;
  handler(input: HandlerInput<P, Q, B>): Promise<unknown>;
  /**
   * GET routes whose GET changes something (a single-use download link): what HEAD answers instead.
   * Without it express answers HEAD by running the GET handler and dropping the body.
   */
  head?(input: HandlerInput<P, Q, B>): Promise<FileHead>;
}

export type AnyRoute = RouteSpec<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): RouteSpec<P, Q, B> {
  return spec;
}

/** Ids in paths are positive integers; anything else is simply "not found". */
export const orgIdParams = z.object({ orgId: z.coerce.number().int().positive() });

function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : undefined;
}

export function isFileResult(v: unknown): v is FileResult {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as FileResult).file);
}

/** RFC 6266 / 5987 attachment header that keeps Cyrillic file names. */
export function attachmentHeader(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The obligation gate; a refusal is written to the audit log (who, which route, which target id — no personal data). */
async function requireObligationAudited(ctx: Ctx, actor: Actor, route: AnyRoute, params: unknown): Promise<void> {
  try {
    requireObligation(actor);
  } catch (err) {
    const ids: Record<string, number> = {};
    for (const [k, v] of Object.entries((params ?? {}) as Record<string, unknown>)) if (typeof v === 'number') ids[k] = v;
    await recordAudit(ctx, {
      userId: actor.userId, orgId: actor.orgId, action: 'access.refused_without_obligation', entity: 'route', entityId: null,
      details: { route: `${route.method.toUpperCase()} ${route.path}`, ...ids },
    });
    throw err;
  }
}

export function mount(router: Router, ctx: Ctx, route: AnyRoute): void {
  const handler = async (req: Request, res: Response, next: NextFunction) => {
    try {
      let actor: Actor | undefined;
      if (route.access.kind !== 'public') {
        actor = await authenticate(ctx, bearer(req));
        res.locals.actor = actor;
        if (!(route.access.kind === 'signedIn' && route.access.pendingPassword)) requirePasswordChanged(actor);
      }
      let params: unknown = req.params;
      if (route.params) {
        const parsed = route.params.safeParse(req.params);
        if (!parsed.success) throw new AppError(404, 'not_found', 'Не найдено.');
        params = parsed.data;
      }
      const query = route.query ? route.query.parse(req.query) : {};
      let body: unknown = undefined;
      if (route.body) {
        if (req.body === undefined) throw new AppError(415, 'unsupported_media_type', 'Ожидается тело запроса в формате JSON (Content-Type: application/json).');
        body = route.body.parse(req.body);
      }
      let org: ScopedOrg | undefined;
      if (route.access.kind === 'org' || route.access.kind === 'resource') {
        if (!actor) throw forbidden('Нет доступа.');
        if (route.access.kind === 'org') org = await orgInScope(ctx, actor, (params as { orgId: number }).orgId);
        requireRole(actor, route.access.roles);
        if (route.access.personalData) await requireObligationAudited(ctx, actor, route, params);
      }
      const input = { ctx, actor: actor as Actor, params, query, body, org: org as ScopedOrg, req, res };
      if (req.method === 'HEAD' && route.head) {
        const head = await route.head(input);
        res.status(route.response.status).set({
          'Content-Type': head.contentType,
          'Content-Disposition': attachmentHeader(head.fileName),
          'Content-Length': String(head.sizeBytes),
          'Cache-Control': 'no-store',
        });
        res.end();
        return;
      }
      const result = await route.handler(input);
      if (route.streams) return;
      if (isFileResult(result)) {
        res.status(route.response.status).set({
          'Content-Type': result.contentType,
          'Content-Disposition': attachmentHeader(result.fileName),
          'Cache-Control': 'no-store',
        });
        res.end(result.file);
      } else if (route.response.status === 204 || result === undefined) {
        res.status(204).end();
      } else {
        // Only a successful answer of an explicitly public route may be kept; its errors stay no-store.
        if (route.cacheControl) res.setHeader('Cache-Control', route.cacheControl);
        res.status(route.response.status).json(result);
      }
    } catch (err) {
      next(err);
    }
  };
  router[route.method](route.path, handler);
}
