import type { Server, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Daemon } from '../daemon/daemon.js';
import type { Auth } from './auth.js';
import type { ServerEvent, Snapshot } from './contract.js';

/**
 * GET /api/v1/events: a snapshot first, then every change as the full new value, and counters and
 * meters about 4 times a second, so a client never polls. Live inputs (`liveInputs`) change all the
 * time too: they come with every stats tick while there is one, and once more, empty, when it goes.
 */
export function attachEvents(server: Server, d: Daemon, auth: Auth, snapshot: () => Snapshot): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const send = (ws: WebSocket, msg: ServerEvent) => {
    if (ws.readyState === ws.OPEN && ws.bufferedAmount < 1 << 20) ws.send(JSON.stringify(msg));
  };
  const broadcast = (msg: ServerEvent) => {
    const text = JSON.stringify(msg);
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN && ws.bufferedAmount < 1 << 20) ws.send(text);
  };
  d.on('event', broadcast);
  d.on('stats', (data) => broadcast({ type: 'stats', data }));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/api/v1/events') return socket.destroy();
    if (!auth.authenticated(req.headers, url.searchParams.get('token'))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => send(ws, { type: 'snapshot', data: snapshot() }));
  });
  return () =>
    new Promise<void>((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => resolve());
    });
}
