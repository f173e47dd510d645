import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { mdnsLabel } from './mdns.js';
import { formatRtsp, RtspFramer, type RtspMessage } from './rtsp-message.js';

export const DEFAULT_RTSP_PORT = 8854;
const SERVER = 'aes67-sender';

interface Published {
  key: string;
  id: number;
  name: string;
  sdp: string;
}

export interface RtspServerEvents {
  warning: [string];
}

/** Name from s=, the one thing RAVENNA's /by-name/ paths and mDNS instance names are made of. */
function sessionName(sdp: string): string {
  const m = /^s=(.*)$/m.exec(sdp);
  if (!m) throw new Error('SDP has no s= line');
  return m[1].replace(/\r$/, '');
}

/**
 * RAVENNA-style RTSP server: DESCRIBE /by-name/<name> and /by-id/<n> answer with the SDP; other methods
 * 405, unknown paths 404. When an SDP changes, ANNOUNCE is pushed on connections that described it.
 */
export class RtspServer extends EventEmitter<RtspServerEvents> {
  private readonly streams = new Map<string, Published>();
  private readonly subscribers = new Map<Socket, Set<string>>();
  private server?: Server;
  private nextId = 1;
  private cseq = 1;

  constructor(private readonly opts: { host?: string; port?: number } = {}) {
    super();
  }

  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? DEFAULT_RTSP_PORT, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    this.server = server;
    return this.port!;
  }

  /** Publishes or replaces a stream; returns its RTSP paths. */
  set(key: string, sdp: string): { name: string; id: number; byName: string; byId: string } {
    const name = sessionName(sdp);
    const old = this.streams.get(key);
    const p: Published = { key, id: old?.id ?? this.nextId++, name, sdp };
    this.streams.set(key, p);
    if (old && old.sdp !== sdp) this.pushAnnounce(p);
    return { name, id: p.id, byName: byNamePath(name), byId: `/by-id/${p.id}` };
  }

  remove(key: string): void {
    this.streams.delete(key);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.subscribers.keys()) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const framer = new RtspFramer();
    this.subscribers.set(socket, new Set());
    // Long enough for browsers that keep the connection for ANNOUNCE pushes; they re-DESCRIBE when it drops.
    socket.setTimeout(600_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.subscribers.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const msg of framer.push(chunk)) if (msg.method) socket.write(this.respond(socket, msg));
      } catch (e) {
        socket.end(formatRtsp('RTSP/1.0 400 Bad Request', { Server: SERVER }));
        this.emit('warning', `RTSP: ${(e as Error).message}`);
      }
    });
  }

  private respond(socket: Socket, msg: RtspMessage): Buffer {
    const base = { CSeq: msg.headers.cseq ?? '0', Server: SERVER };
    if (msg.method === 'OPTIONS') return formatRtsp('RTSP/1.0 200 OK', { ...base, Public: 'OPTIONS, DESCRIBE' });
    if (msg.method !== 'DESCRIBE') return formatRtsp('RTSP/1.0 405 Method Not Allowed', { ...base, Allow: 'OPTIONS, DESCRIBE' });
    const p = this.lookup(msg.url ?? '');
    if (!p) return formatRtsp('RTSP/1.0 404 Not Found', base);
    this.subscribers.get(socket)?.add(p.key);
    return formatRtsp('RTSP/1.0 200 OK', { ...base, 'Content-Type': 'application/sdp', 'Content-Base': msg.url ?? '' }, p.sdp);
  }

  private lookup(url: string): Published | undefined {
    let path: string;
    try {
      path = url.startsWith('/') ? url : new URL(url).pathname;
    } catch {
      return undefined;
    }
    const byName = /^\/by-name\/(.+)$/.exec(path);
    if (byName) {
      let name: string;
      try {
        name = decodeURIComponent(byName[1]);
      } catch {
        return undefined;
      }
      for (const p of this.streams.values()) if (p.name === name) return p;
      // mDNS instance labels cannot hold every name (see mdnsLabel); browsers ask for the label.
      for (const p of this.streams.values()) if (mdnsLabel(p.name) === name) return p;
      return undefined;
    }
    const byId = /^\/by-id\/(\d+)$/.exec(path);
    if (byId) for (const p of this.streams.values()) if (p.id === Number(byId[1])) return p;
    return undefined;
  }

  private pushAnnounce(p: Published): void {
    for (const [socket, keys] of this.subscribers) {
      if (!keys.has(p.key)) continue;
      const url = `rtsp://${hostForUrl(socket.localAddress ?? '')}:${socket.localPort}${byNamePath(p.name)}`;
      socket.write(formatRtsp(`ANNOUNCE ${url} RTSP/1.0`, { CSeq: this.cseq++, Server: SERVER, 'Content-Type': 'application/sdp' }, p.sdp));
    }
  }
}

export function byNamePath(name: string): string {
  return `/by-name/${encodeURIComponent(name)}`;
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
