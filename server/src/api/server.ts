import Koa from 'koa';
import Router from '@koa/router';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ModuleManager } from '@aes67/kernel-module';
import type { Daemon } from '../daemon/daemon.js';
import { EXIT, UserError } from '../errors.js';
import { ApiError, asApiError } from './errors.js';
import { streamService } from '../services/streams.js';
import { speakerService } from '../services/speakers.js';
import { settingsService } from '../services/settings.js';
import { libraryService } from '../services/library.js';
import { hostInterfaces } from '../net/interfaces.js';
import { Auth } from './auth.js';
import { readJson, validate, type RouteDef } from './route.js';
import { streamRoutes } from './routes/streams.js';
import { speakerRoutes } from './routes/speakers.js';
import { systemRoutes, VERSION } from './routes/system.js';
import { playerRoutes, type PlayerDeps } from './routes/player.js';
import { inputRoutes } from './routes/inputs.js';
import { openApi } from './openapi.js';
import { createMetrics } from './metrics.js';
import { attachEvents, type EventStats } from './events.js';
import { MONITOR_PATH, monitorEndpoint } from './monitor.js';
import type { LogTail } from '../daemon/log-tail.js';
import { contentSecurityPolicy, crossSiteRefusal, type OriginPolicy } from './origin.js';

/** Methods that change nothing; every other method is a mutation and must come from an allowed origin. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const hasBody = (ctx: Koa.Context) => Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
const isJson = (ctx: Koa.Context) => ctx.get('content-type').split(';')[0].trim().toLowerCase() === 'application/json';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };

export interface ApiOptions {
  daemon: Daemon;
  module: ModuleManager;
  consoleDir: string | null;
  /** The daemon's log: GET /logs, the System page, `aes67 logs`, and `log` events. */
  logs: LogTail;
  player: PlayerDeps;
}

export interface ApiServer {
  server: Server;
  routes: RouteDef[];
  router: Router;
  close(): Promise<void>;
}

export function createApiServer(opts: ApiOptions): ApiServer {
  const d = opts.daemon;
  const auth = new Auth(() => d.store.current.auth);
  const system = { clock: d.clock, settings: settingsService(d.store, { view: () => d.interfaceState(), settled: () => d.interfaceSettled() }), remoteStreams: () => d.discovery.remote.list(), pacer: d.engine, iface: () => d.interfaceState(), interfaces: hostInterfaces };
  const routes = [
    ...streamRoutes(streamService(d.store, d)),
    ...speakerRoutes(speakerService(d.store, (id, ch, s) => d.runtime.identify(id, ch, s), () => d.discovery.speakers())),
    ...inputRoutes(() => d.liveInputs()),
    ...systemRoutes({ ...system, module: opts.module, auth, logs: opts.logs }),
    ...playerRoutes(opts.player, libraryService(d.store, opts.player.library)),
  ];
  const app = new Koa({ proxy: false });
  const router = new Router({ prefix: '/api/v1' });
  let events: EventStats = { clients: () => 0, dropped: () => 0 };
  const metrics = createMetrics(d, () => events);
  const origins: OriginPolicy = {
    listen: () => {
      const a = server.address();
      return { host: d.store.current.http.host, port: typeof a === 'object' && a ? a.port : d.store.current.http.port };
    },
    extra: () => d.store.current.http.allowedOrigins ?? [],
  };

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = asApiError(e);
      if (!err) d.log.error({ err: (e as Error).stack, path: ctx.path }, 'request failed');
      ctx.status = err?.status ?? 500;
      ctx.body = { error: { code: err?.code ?? 'internal', message: err?.message ?? 'internal error (see the daemon log)', ...(err?.field ? { field: err.field } : {}) } };
    }
  });

  // Every response: no type sniffing, and the console's Content-Security-Policy. Every mutation: from an
  // allowed origin (a cross-site page cannot change anything, auth on or off), with a JSON body if any
  // (a cross-site form or text/plain fetch cannot send one without a preflight).
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Content-Security-Policy', contentSecurityPolicy(ctx.get('host') || undefined));
    ctx.set('Referrer-Policy', 'no-referrer');
    if (!SAFE_METHODS.has(ctx.method)) {
      const why = crossSiteRefusal(ctx.headers, origins);
      if (why) throw new ApiError(403, 'cross_site', `${why}: refused`);
      if (hasBody(ctx) && !isJson(ctx)) throw new ApiError(415, 'unsupported_media_type', 'a request body must be sent as Content-Type: application/json');
    }
    await next();
  });

  for (const r of routes) {
    router[r.method](r.path, async (ctx) => {
      if (!r.public && !auth.authenticated(ctx.headers)) throw new ApiError(401, 'unauthorized', 'log in or send a bearer token');
      const raw = r.method === 'get' || r.method === 'delete' ? {} : await readJson(ctx);
      const body = r.body ? validate(r.body, raw) : undefined;
      const result = await r.handler(ctx, body);
      ctx.status = r.status ?? 200;
      if (ctx.status !== 204) ctx.body = result ?? {};
    });
  }
  const doc = openApi(routes, VERSION);
  router.get('/openapi.json', (ctx) => void (ctx.body = doc));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true, methodNotAllowed: () => new ApiError(405, 'method_not_allowed', 'method not allowed'), notImplemented: () => new ApiError(501, 'not_implemented', 'not implemented') }));
  app.use(async (ctx, next) => {
    if (ctx.path === '/metrics' && ctx.method === 'GET') {
      ctx.type = metrics.contentType;
      ctx.body = await metrics.metrics();
      return;
    }
    if (ctx.path.startsWith('/api/')) throw new ApiError(404, 'not_found', `no route ${ctx.method} ${ctx.path}`);
    await next();
  });
  app.use(async (ctx) => {
    if (!opts.consoleDir || ctx.method !== 'GET') throw new ApiError(404, 'not_found', `nothing at ${ctx.path}`);
    const root = opts.consoleDir;
    const wanted = normalize(join(root, ctx.path));
    // SPA: anything that is not a file under the console's dist is index.html.
    const file = wanted.startsWith(root + sep) && extname(wanted) && existsSync(wanted) ? wanted : join(root, 'index.html');
    ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.body = await readFile(file);
  });
  // What escapes the error middleware above: a response that failed after it (its body would not
  // serialize, say) answers a plain 500, and only this says why. A client that went away is no fault.
  app.on('error', (e: NodeJS.ErrnoException, ctx?: { path: string; method: string }) => {
    if (e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    d.log.error({ err: e.stack ?? String(e), path: ctx?.path, method: ctx?.method }, 'response failed');
  });

  const server = createServer(app.callback());
  server.requestTimeout = 30_000;
  const attached = attachEvents(server, d, auth, origins, () => ({
    streams: d.streams(),
    speakers: d.store.current.speakers,
    routing: d.store.current.routing,
    player: opts.player.player.view(),
    library: opts.player.library.status(),
    ptp: d.clock.status(),
    remoteStreams: d.discovery.remote.list(),
    liveInputs: d.liveInputs(),
    interface: d.interfaceState(),
  }), { [MONITOR_PATH]: monitorEndpoint(d.monitors) }, opts.logs);
  events = attached.stats;
  return {
    server,
    routes,
    router,
    close: async () => {
      await attached.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const portError = (host: string, port: number, e: NodeJS.ErrnoException): Error => {
  if (e.code === 'EADDRINUSE') return new UserError(`HTTP port ${port} on ${host} is already in use by another process (set http.port in the config)`, EXIT.httpPortInUse);
  if (e.code === 'EADDRNOTAVAIL') return new UserError(`http.host ${host} is not an address of this host`, EXIT.usage);
  return e;
};

export function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(portError(host, port, e)));
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

/**
 * Fails as listenOn would when the port is taken, before anything starts: a daemon that is refused its
 * port should not have sent or announced a stream first. (Port 0 is always free.)
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listenOn(probe, host, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}
