/** createApp(deps) → the express app of the registry: API under /api/v1, the add-in's files, no listen. */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import packageJson from '../package.json';
import { servesHttps, type Config } from './config';
import { heapRoute } from './http/debug-heap';
import type { Db } from './db';
import { buildOpenApi } from './http/openapi';
import { problemMiddleware, sendProblem } from './http/problem';
import { DbRateLimitStore } from './http/rate-limit-store';
import { mount, type AnyRoute } from './http/route';
import { allRoutes } from './routes';
import type { Ctx, MemberCounters } from './services/context';
import { progressCounters } from './services/progress/counters';

z.config(z.locales.ru());

export interface AppDeps {
  config: Config;
  db: Db;
  log: Logger;
  now?: () => Date;
  /**
   * The roll-ups every member write keeps in step (Ctx.memberCounters). Default: the progress counters.
   * null: none (a test that shows nothing reaches the counters but what is passed here).
   */
  memberCounters?: MemberCounters | null;
}

export interface RegistryApp extends Express {
  locals: Express['locals'] & { ctx: Ctx; routes: AnyRoute[] };
}

/** Where Excel (desktop and on the web) embeds the task pane from. */
const OFFICE_FRAME_ANCESTORS = [
  'https://*.officeapps.live.com',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.sharepoint.com',
  'https://*.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.live.com',
];
const OFFICE_JS = 'https://appsforoffice.microsoft.com';

const VERSION: string = packageJson.version;

export function createApp(deps: AppDeps): RegistryApp {
  const { config, db, log } = deps;
  // The composition root: the services get their collaborators from here, not from module side effects.
  const memberCounters = deps.memberCounters === undefined ? progressCounters : deps.memberCounters;
  const ctx: Ctx = { db, config, log, now: deps.now ?? (() => new Date()), memberCounters };
  const app = express() as unknown as RegistryApp;
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('json spaces', 0);

  const allowedOrigins = new Set([config.publicOrigin, ...config.addinOrigins]);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", OFFICE_JS],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'", ...config.addinOrigins],
          frameAncestors: ["'self'", ...OFFICE_FRAME_ANCESTORS],
          formAction: ["'self'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: config.publicOrigin.startsWith('https:') ? [] : null,
        },
      },
      // X-Frame-Options cannot list Office's hosts; frame-ancestors above is the real control.
      frameguard: false,
      crossOriginEmbedderPolicy: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
      // Office dialogs and «open in browser» are popups of the task pane.
      crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
      strictTransportSecurity: config.publicOrigin.startsWith('https:'),
    }),
  );
  // Every API answer carries personal data or credentials unless its route says otherwise
  // (RouteSpec.cacheControl): no browser, proxy or Office web view may keep a copy. Set first, so
  // problem answers (401, 404, 429, 5xx) and CORS preflights carry it too.
  app.use('/api', function noStore(_req: Request, res: Response, next: NextFunction) {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(
    '/api',
    cors({
      origin: (origin, cb) => cb(null, origin === undefined || allowedOrigins.has(origin) ? origin ?? false : false),
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      exposedHeaders: ['Content-Disposition', 'Retry-After', 'X-Upload-Summary', 'X-Request-Id'],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      maxAge: 600,
    }),
  );
  app.use(requestLog(log));

  const routes = allRoutes(() => openApi);
  const openApi = buildOpenApi(routes, { version: VERSION, serverUrl: config.publicOrigin });

  const api = express.Router();
  api.use(express.json({ limit: config.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  api.use(
    '/auth/login',
    rateLimit({
      windowMs: config.loginRateWindowSeconds * 1000,
      limit: config.loginRateLimit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      store: new DbRateLimitStore(db, 'login:', ctx.now),
      handler: (_req, res) => sendProblem(res, 429, 'too_many_requests', 'Слишком много попыток входа с этого компьютера. Подождите минуту и попробуйте снова.'),
    }),
  );
  for (const route of routes) mount(api, ctx, route);
  api.use((req: Request, res: Response) => sendProblem(res, 404, 'not_found', `Нет такого адреса API: ${req.method} ${req.baseUrl}${req.path.replace(/\/[^/]*\d[^/]*/g, '/…')}`));
  app.use('/api/v1', api);

  if (config.debugHeap) app.get('/_debug/heap', heapRoute);
  serveAddin(app, config);
  app.use((_req: Request, res: Response) => sendProblem(res, 404, 'not_found', 'Страница не найдена.'));
  app.use(problemMiddleware(log));

  app.locals.ctx = ctx;
  app.locals.routes = routes;
  return app;
}

/** The add-in's built files and its manifest, with the server's public origin written into it. */
function serveAddin(app: Express, config: Config): void {
  app.get('/manifest.xml', (_req, res, next) => {
    // Office loads add-ins only over https: an http:// manifest would be refused without a word.
    if (!servesHttps(config)) return void res.status(MANIFEST_NEEDS_HTTPS_STATUS).set('Cache-Control', 'no-store').type('html').send(manifestNeedsHttpsPage(config));
    const file = fs.existsSync(path.join(config.distDir, 'manifest.xml'))
      ? path.join(config.distDir, 'manifest.xml')
      : path.resolve(__dirname, '../manifest.xml');
    fs.readFile(file, 'utf8', (err, xml) => {
      if (err) return next(err);
      res.type('application/xml').send(xml.replaceAll('https://localhost:3000', config.publicOrigin));
    });
  });
  app.get('/', (_req, res) => res.redirect('/upload.html'));
  app.use(
    express.static(config.distDir, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, file) => {
        if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
        else if (/\.[0-9a-f]{8,}\.(js|css)$/.test(file)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        // Excel shows the ribbon icons from office.com pages: they must load cross-origin.
        if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      },
    }),
  );
}

/**
 * 503 «Service Unavailable»: the manifest exists, but this server cannot serve a working one until
 * its operator sets up HTTPS (a server-side condition, not a fault of the request; no Retry-After,
 * since waiting does not help).
 */
export const MANIFEST_NEEDS_HTTPS_STATUS = 503;

function manifestNeedsHttpsPage(config: Config): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Манифест надстройки: нужен HTTPS</title></head>
<body style="font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.5">
<h1>Манифест надстройки не выдаётся: сервер работает без HTTPS</h1>
<p>Excel загружает надстройки только по защищённому адресу <b>https://</b>. Этот сервер открыт по адресу
<code>${esc(config.publicOrigin)}</code>, и манифест с таким адресом Excel отверг бы без объяснений.</p>
<h2>Как включить HTTPS</h2>
<ul>
<li><b>Проба на одном компьютере:</b> остановите сервер и запустите <code>npm run start:https</code> — сервер
создаст сертификат для <code>localhost</code> (средствами office-addin-dev-certs или openssl) и откроется по
адресу <code>https://localhost:3000</code>; манифест — <code>https://localhost:3000/manifest.xml</code>.</li>
<li><b>Рабочий сервер:</b> настоящий сертификат на обратном прокси nginx (готовые файлы — в папке
<code>deploy/</code>, см. раздел README «Рабочий сервер») и <code>PUBLIC_ORIGIN=https://имя-сервера</code>,
либо сертификат прямо в сервере: <code>TLS_CERT_FILE</code> и <code>TLS_KEY_FILE</code>.</li>
</ul>
<p>Список членов Профсоюза можно загрузить и без надстройки: <a href="/upload.html">страница загрузки</a>.</p>
</body></html>
`;
}

/** Method, route pattern, status and duration only: URLs can carry ids, bodies carry personal data. */
/**
 * One log line per request, and a request id: a random id in the `X-Request-Id` answer header and in
 * that log line, so a chair who quotes it from the pane's error message («номер запроса») points the
 * administrator at the right line. The id carries no personal data.
 */
function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    const requestId = randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : req.baseUrl || 'static';
      log.info({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(ms) }, 'request');
    });
    next();
  };
}
