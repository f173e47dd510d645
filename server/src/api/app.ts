import Koa from 'koa';
import Router from '@koa/router';
import type { Server } from 'node:http';
import { UserError } from '../errors.js';
import type { HistorySample } from '@aes67/ptp';
import type { PtpView } from '../clock/reference.js';

export interface StreamView {
  id: number;
  name: string;
  address: string;
  port: number;
  encoding: string;
  sampleRate: number;
  channels: number;
  ptimeUs: number;
  packetsSent: number;
  bytesSent: number;
  latePackets: number;
  maxLatenessUs: number;
  underruns: number;
  sendErrors: number;
}

export interface ApiModel {
  streams(): StreamView[];
  sdp(id: number): string | undefined;
  ptp(): PtpView;
  ptpHistory(): HistorySample[];
}

function error(ctx: Koa.Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } };
}

export function createApi(model: ApiModel): Koa {
  const app = new Koa();
  const router = new Router({ prefix: '/api/v1' });
  router.get('/streams', (ctx) => {
    ctx.body = model.streams();
  });
  router.get('/streams/:id/sdp', (ctx) => {
    const id = Number(ctx.params.id);
    const sdp = Number.isInteger(id) ? model.sdp(id) : undefined;
    if (sdp === undefined) return error(ctx, 404, 'not_found', `no stream ${ctx.params.id}`);
    ctx.type = 'application/sdp';
    ctx.body = sdp;
  });
  router.get('/ptp', (ctx) => {
    ctx.body = model.ptp();
  });
  router.get('/ptp/history', (ctx) => {
    ctx.body = model.ptpHistory();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => error(ctx, 404, 'not_found', `no route ${ctx.method} ${ctx.path}`));
  return app;
}

/** Listens and resolves with the bound port (useful with port 0). */
export function listen(app: Koa, host: string, port: number): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'EADDRINUSE' ? new UserError(`API port ${port} on ${host} is already in use (choose another with --api-port)`) : e);
    });
    server.once('listening', () => {
      const addr = server.address();
      resolve({ server, port: typeof addr === 'object' && addr ? addr.port : port });
    });
  });
}
