import type { Server, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Daemon } from '../daemon/daemon.js';
import type { StreamStats } from '../daemon/stream-view.js';
import type { DaemonEvent } from '../daemon/events.js';
import type { Auth } from './auth.js';
import type { ServerEvent, Snapshot } from './contract.js';
import { crossSiteRefusal, type OriginPolicy } from './origin.js';
import type { SocketEndpoint } from './monitor.js';
import type { LogEntry, LogTail } from '../daemon/log-tail.js';

/**
 * Largest message a client may send (the client sends nothing the daemon needs; this only bounds what a
 * hostile one can make it buffer). A longer one closes that client with 1009.
 */
export const WS_MAX_PAYLOAD_BYTES = 4096;
/**
 * Bytes a client may have waiting to be sent to it (what `ws` and the socket hold beyond what the kernel
 * took), counted with the message about to be sent. A client past it does not read and is dropped, so a
 * client that never reads holds at most this much. A message is sent to a client with nothing queued
 * whatever its size, so a snapshot bigger than the limit still reaches a client that reads.
 */
export const WS_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** Event-stream clients at once; one more is answered 503. */
export const WS_MAX_CLIENTS = 64;

export interface EventStats {
  clients(): number;
  /** Clients dropped because they did not read. */
  dropped(): number;
}

const refuse = (socket: Duplex, status: string) => {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
};

/**
 * GET /api/v1/events: a snapshot first, then every change as the full new value, and counters and
 * meters about 4 times a second, so a client never polls. Live inputs (`liveInputs`) change all the
 * time too: they come with every stats tick while there is one, and once more, empty, when it goes.
 *
 * No client input reaches the process: every socket and WebSocket has an error handler, and a bad
 * frame (too long, unmasked, reserved bits or opcodes, invalid UTF-8, a bad close code, a lone
 * continuation, an oversized control frame) closes that client with `ws`'s close code (1002, 1007, 1009).
 */
export function attachEvents(
  server: Server,
  d: Daemon,
  auth: Auth,
  origins: OriginPolicy,
  snapshot: () => Snapshot,
  /** Other WebSocket paths, behind the same origin and auth checks (the monitor). */
  endpoints: Record<string, SocketEndpoint> = {},
  /** The daemon's log: each new line goes out as a `log` event. */
  logs?: LogTail,
): { close: () => Promise<void>; stats: EventStats } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES, perMessageDeflate: false, clientTracking: true });
  wss.on('error', (err) => d.log.warn({ err: err.message }, 'event stream server error'));
  let dropped = 0;
  /** One encoded message, shared by every client it goes to (ws queues the Buffer itself, not a copy). */
  const send = (ws: WebSocket, data: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const queued = ws.bufferedAmount;
    if (queued > 0 && queued + data.length > WS_MAX_QUEUED_BYTES) {
      dropped++;
      // Closed before the warning: the warning is itself broadcast (a `log` event) at once, and finding
      // this client still open it would drop it again, and again: a stack overflow that failed the
      // change being broadcast with a 500 (CI, the never-reading clients test).
      ws.terminate();
      d.log.warn({ queued, message: data.length }, 'event stream client does not read; dropped');
      return;
    }
    ws.send(data, { binary: false });
  };
  const encode = (msg: ServerEvent) => Buffer.from(JSON.stringify(msg));
  /**
   * The encoded snapshot, shared by the clients that connect before the next event (which makes it
   * stale), so clients arriving together cost one copy however big the remote-stream list is.
   */
  let snapshotBytes: Buffer | null = null;
  const broadcast = (msg: ServerEvent) => {
    snapshotBytes = null;
    if (wss.clients.size === 0) return;
    const data = encode(msg);
    for (const ws of wss.clients) send(ws, data);
  };
  const onEvent = (msg: DaemonEvent) => broadcast(msg);
  const onStats = (data: StreamStats) => broadcast({ type: 'stats', data });
  const onLog = (data: LogEntry) => broadcast({ type: 'log', data });
  d.on('event', onEvent);
  d.on('stats', onStats);
  logs?.on('entry', onLog);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Until ws takes the socket (and after, alongside ws's own), a reset or a write error must not be unhandled.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://x');
    const endpoint = Object.hasOwn(endpoints, url.pathname) ? endpoints[url.pathname] : null;
    if (url.pathname !== '/api/v1/events' && !endpoint) return socket.destroy();
    const why = crossSiteRefusal(req.headers, origins);
    if (why) {
      d.log.warn({ why }, 'event stream refused');
      return refuse(socket, '403 Forbidden');
    }
    if (!auth.authenticated(req.headers, url.searchParams.get('token'))) return refuse(socket, '401 Unauthorized');
    if (endpoint) {
      if (endpoint.wss.clients.size >= endpoint.maxClients) return refuse(socket, '503 Service Unavailable');
      endpoint.wss.handleUpgrade(req, socket, head, (ws) => endpoint.connected(ws, url));
      return;
    }
    if (wss.clients.size >= WS_MAX_CLIENTS) return refuse(socket, '503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => d.log.debug({ err: err.message }, 'event stream client closed on a bad frame'));
      snapshotBytes ??= encode({ type: 'snapshot', data: snapshot() });
      send(ws, snapshotBytes);
    });
  });
  return {
    stats: { clients: () => wss.clients.size, dropped: () => dropped },
    close: () =>
      new Promise<void>((resolve) => {
        d.off('event', onEvent);
        d.off('stats', onStats);
        logs?.off('entry', onLog);
        for (const ws of wss.clients) ws.terminate();
        void Promise.all(Object.values(endpoints).map((e) => e.close())).then(() => wss.close(() => resolve()));
      }),
  };
}
