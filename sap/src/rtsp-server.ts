import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { mdnsLabel } from './mdns.js';
import { formatRtsp, MAX_INPUT_BYTES, RtspFramer, VALID_CSEQ, type RtspMessage } from './rtsp-message.js';

export const DEFAULT_RTSP_PORT = 8854;
const SERVER = 'aes67-sender';

/**
 * Per-connection output bound, on bytes queued in the socket (`writableLength`), not on a count. At or over
 * this the server stops parsing that connection's requests and pauses reading it until the queue drains: a
 * client that pipelines DESCRIBEs and never reads holds at most this plus one answer, plus MAX_INPUT_BYTES unparsed.
 */
export const RTSP_PAUSE_QUEUED_BYTES = 64 * 1024;
/**
 * Past this the client is dropped. Only pushes the server cannot hold back (ANNOUNCE on an SDP change) can
 * take a queue past RTSP_PAUSE_QUEUED_BYTES, so this is reached by a subscriber that stopped reading.
 */
export const RTSP_DROP_QUEUED_BYTES = 256 * 1024;
/** Connections at once; more are refused by the kernel-level accept (net.Server.maxConnections). */
export const RTSP_MAX_CONNECTIONS = 128;

export interface RtspServerOptions {
  host?: string;
  port?: number;
  /** Default RTSP_PAUSE_QUEUED_BYTES. */
  pauseQueuedBytes?: number;
  /** Default RTSP_DROP_QUEUED_BYTES. */
  dropQueuedBytes?: number;
  /** Default RTSP_MAX_CONNECTIONS. */
  maxConnections?: number;
}

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
  private readonly connState = new Map<Socket, { framer: RtspFramer; paused: () => boolean }>();
  private server?: Server;
  private nextId = 1;
  private cseq = 1;

  constructor(private readonly opts: RtspServerOptions = {}) {
    super();
  }

  /** Open connections, for metrics and tests. */
  get connections(): number {
    return this.subscribers.size;
  }

  /** What the connections hold: bytes queued for clients, bytes received and not parsed, connections paused. */
  stats(): { connections: number; queuedBytes: number; maxQueuedBytes: number; bufferedBytes: number; paused: number } {
    let queuedBytes = 0;
    let maxQueuedBytes = 0;
    let bufferedBytes = 0;
    let paused = 0;
    for (const [socket, c] of this.connState) {
      queuedBytes += socket.writableLength;
      maxQueuedBytes = Math.max(maxQueuedBytes, socket.writableLength);
      bufferedBytes += c.framer.buffered;
      if (c.paused()) paused++;
    }
    return { connections: this.connState.size, queuedBytes, maxQueuedBytes, bufferedBytes, paused };
  }

  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  async listen(): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections ?? RTSP_MAX_CONNECTIONS;
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
    // Never below the socket's own high-water mark, so that a full queue always ends in a 'drain'.
    const pauseAt = Math.max(this.opts.pauseQueuedBytes ?? RTSP_PAUSE_QUEUED_BYTES, socket.writableHighWaterMark);
    let paused = false;
    let done = false;
    this.subscribers.set(socket, new Set());
    this.connState.set(socket, { framer, paused: () => paused });
    // Long enough for browsers that keep the connection for ANNOUNCE pushes; they re-DESCRIBE when it drops.
    socket.setTimeout(600_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      done = true;
      this.subscribers.delete(socket);
      this.connState.delete(socket);
    });
    const refuse = (why: string) => {
      done = true;
      socket.end(formatRtsp('RTSP/1.0 400 Bad Request', { Server: SERVER }));
      this.emit('warning', `RTSP: ${why}`);
    };
    // Answers requests while the client reads them; stops (and stops reading) while its queue is full.
    const pump = () => {
      try {
        while (!done && socket.writableLength < pauseAt) {
          const msg = framer.next();
          if (!msg) break;
          if (!msg.method) continue;
          const cseq = msg.headers.cseq;
          if (cseq !== undefined && !VALID_CSEQ.test(cseq)) return refuse('CSeq is not a number');
          this.write(socket, this.respond(socket, msg));
        }
      } catch (e) {
        return refuse((e as Error).message);
      }
      if (done || socket.destroyed || socket.writableLength < pauseAt) return;
      paused = true;
      socket.pause();
      const resume = () => {
        paused = false;
        pump();
        if (!paused && !done) socket.resume();
      };
      if (socket.writableNeedDrain) socket.once('drain', resume);
      else setImmediate(resume);
    };
    socket.on('data', (chunk: Buffer) => {
      if (done) return;
      framer.append(chunk);
      if (framer.buffered > MAX_INPUT_BYTES) {
        this.emit('warning', `RTSP: client ${socket.remoteAddress} sent more than ${MAX_INPUT_BYTES} bytes it does not read answers to; dropped`);
        done = true;
        socket.destroy();
        return;
      }
      if (!paused) pump();
    });
  }

  /** Writes, and drops a client whose queue passes the hard limit. */
  private write(socket: Socket, bytes: Buffer): void {
    socket.write(bytes);
    const max = this.opts.dropQueuedBytes ?? RTSP_DROP_QUEUED_BYTES;
    if (socket.writableLength > max) {
      this.emit('warning', `RTSP: client ${socket.remoteAddress} has ${socket.writableLength} bytes unread (limit ${max}); dropped`);
      socket.destroy();
    }
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
      if (!keys.has(p.key) || socket.destroyed) continue;
      const url = `rtsp://${hostForUrl(socket.localAddress ?? '')}:${socket.localPort}${byNamePath(p.name)}`;
      this.write(socket, formatRtsp(`ANNOUNCE ${url} RTSP/1.0`, { CSeq: this.cseq++, Server: SERVER, 'Content-Type': 'application/sdp' }, p.sdp));
    }
  }
}

export function byNamePath(name: string): string {
  return `/by-name/${encodeURIComponent(name)}`;
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
