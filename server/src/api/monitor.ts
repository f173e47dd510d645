/**
 * GET /api/v1/monitor?stream=<id> (or ?remote=<id>), a WebSocket: while it is open the daemon is in the
 * stream's group and sends a `frame` (receiver/monitor.ts) four times a second; closing it leaves the
 * group once nobody else watches. An unknown stream or one the daemon cannot join is one `error`
 * message, then close code 4404 or 4400.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { DomainError } from '../errors.js';
import type { MonitorKey, Monitors } from '../daemon/monitors.js';
import type { MonitorFrame } from '../receiver/monitor.js';

export const MONITOR_PATH = '/api/v1/monitor';
/** Monitor sockets at once (each watches one stream: 64 is a full AES67 host of mono speakers); one more is answered 503. */
export const MONITOR_MAX_CLIENTS = 64;

/** One message on the monitor socket. */
export type MonitorMessage = { type: 'frame'; data: MonitorFrame } | { type: 'error'; message: string };

export interface SocketEndpoint {
  readonly wss: WebSocketServer;
  readonly maxClients: number;
  connected(ws: WebSocket, url: URL): void;
  close(): Promise<void>;
}

function keyOf(url: URL): MonitorKey | null {
  const stream = url.searchParams.get('stream');
  const remote = url.searchParams.get('remote');
  if (stream && !remote) return { kind: 'stream', id: stream };
  if (remote && !stream) return { kind: 'remote', id: remote };
  return null;
}

export function monitorEndpoint(monitors: Monitors): SocketEndpoint {
  // The client sends nothing; the limit only bounds what a hostile one can make the daemon buffer.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false, clientTracking: true });
  const send = (ws: WebSocket, m: MonitorMessage) => {
    // A client that does not read keeps at most a few frames queued: the rest are skipped for it.
    if (ws.readyState === ws.OPEN && ws.bufferedAmount < 256 * 1024) ws.send(JSON.stringify(m));
  };
  return {
    wss,
    maxClients: MONITOR_MAX_CLIENTS,
    connected(ws, url) {
      ws.on('error', () => undefined);
      const key = keyOf(url);
      if (!key) {
        send(ws, { type: 'error', message: 'give one stream: ?stream=<id> for ours, ?remote=<id> for a remote one' });
        ws.close(4400, 'bad request');
        return;
      }
      monitors.watch(key, (frame) => send(ws, { type: 'frame', data: frame })).then(
        (unwatch) => {
          if (ws.readyState !== ws.OPEN) void unwatch();
          else ws.once('close', () => void unwatch());
        },
        (e: Error) => {
          send(ws, { type: 'error', message: e.message });
          ws.close(e instanceof DomainError && e.kind === 'not_found' ? 4404 : 4400, e instanceof DomainError ? e.code : 'error');
        },
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
