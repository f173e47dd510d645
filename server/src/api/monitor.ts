/**
 * GET /api/v1/monitor?stream=<id> (or ?remote=<id>), a WebSocket: while it is open the daemon is in the
 * stream's group and sends a `frame` (receiver/monitor.ts) four times a second; closing it leaves the
 * group once nobody else watches. A client that sends `{"listen":true}` also gets channel 1's audio,
 * binary messages of 10 ms of Float32 samples at the stream's rate, until `{"listen":false}`. An unknown stream or one the daemon cannot join is one `error`
 * message, then close code 4404 or 4400.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
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

const ListenRequest = z.object({ listen: z.boolean() }).strict();

/** `{"listen": true|false}` as a boolean, or null for anything else. */
export function listenRequest(text: string): boolean | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const r = ListenRequest.safeParse(json);
  return r.success ? r.data.listen : null;
}

export function monitorEndpoint(monitors: Monitors): SocketEndpoint {
  // The client sends nothing; the limit only bounds what a hostile one can make the daemon buffer.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, perMessageDeflate: false, clientTracking: true });
  const send = (ws: WebSocket, m: MonitorMessage) => {
    // A client that does not read keeps at most a few frames queued: the rest are skipped for it.
    if (ws.readyState === ws.OPEN && ws.bufferedAmount < 256 * 1024) ws.send(JSON.stringify(m));
  };
  const sendAudio = (ws: WebSocket, samples: Float32Array) => {
    // About a second of audio may wait for a slow reader; beyond that blocks are skipped (its queue conceals them).
    if (ws.readyState === ws.OPEN && ws.bufferedAmount < 512 * 1024) ws.send(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength), { binary: true });
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
        (watch) => {
          if (ws.readyState !== ws.OPEN) return void watch.stop();
          ws.once('close', () => void watch.stop());
          ws.on('message', (data, binary) => {
            const asked = binary ? null : listenRequest(String(data));
            if (asked === null) return send(ws, { type: 'error', message: 'send {"listen":true} or {"listen":false}' });
            watch.listen(asked ? (samples) => sendAudio(ws, samples) : null);
          });
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
