import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { formatRtsp, RtspFramer, VALID_CSEQ, type RtspMessage } from './rtsp-message.js';

/** A server that pushes more than this which we could not send our answers to is dropped. */
const MAX_QUEUED_BYTES = 256 * 1024;

export interface RtspResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: string;
}

export interface RtspConnectionEvents {
  /** The server pushed a new SDP for a stream we described. */
  announce: [{ url: string; sdp: string }];
  close: [];
}

/** A kept-open RTSP connection: DESCRIBE requests, and ANNOUNCE pushes from RAVENNA servers. */
export class RtspConnection extends EventEmitter<RtspConnectionEvents> {
  private cseq = 1;
  private readonly pending = new Map<string, (r: RtspResponse | Error) => void>();
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    readonly host: string,
    readonly port: number,
  ) {
    super();
    const framer = new RtspFramer();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const m of framer.push(chunk)) this.onMessage(m);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('RTSP connection closed')));
  }

  static connect(host: string, port: number, timeoutMs = 3000): Promise<RtspConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`RTSP connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RtspConnection(socket, host, port));
      });
    });
  }

  url(path: string): string {
    return `rtsp://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}${path}`;
  }

  request(method: string, path: string, timeoutMs = 3000): Promise<RtspResponse> {
    if (this.closed) return Promise.reject(new Error('RTSP connection closed'));
    const cseq = String(this.cseq++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(cseq);
        reject(new Error(`RTSP ${method} ${path} timed out`));
      }, timeoutMs);
      this.pending.set(cseq, (r) => {
        clearTimeout(timer);
        if (r instanceof Error) reject(r);
        else resolve(r);
      });
      this.socket.write(formatRtsp(`${method} ${this.url(path)} RTSP/1.0`, { CSeq: cseq, Accept: 'application/sdp', 'User-Agent': 'aes67-sender' }));
    });
  }

  /** DESCRIBE that resolves to the SDP, or rejects with the status. */
  async describe(path: string, timeoutMs = 3000): Promise<string> {
    const r = await this.request('DESCRIBE', path, timeoutMs);
    if (r.status !== 200) throw new Error(`RTSP DESCRIBE ${path}: ${r.status} ${r.reason}`);
    return r.body;
  }

  close(): void {
    this.socket.destroy();
  }

  private onMessage(m: RtspMessage): void {
    const cseq = m.headers.cseq ?? '';
    if (m.status !== undefined) {
      const done = this.pending.get(cseq);
      this.pending.delete(cseq);
      done?.({ status: m.status, reason: m.reason ?? '', headers: m.headers, body: m.body });
      return;
    }
    // Only a numeric CSeq is echoed (a hostile server could otherwise put headers into our answer).
    if (!VALID_CSEQ.test(cseq)) throw new Error(`RTSP ${m.method ?? 'request'} from the server with CSeq ${JSON.stringify(cseq)}`);
    if (this.socket.writableLength > MAX_QUEUED_BYTES) throw new Error('RTSP server does not read our answers');
    if (m.method === 'ANNOUNCE' && m.body.startsWith('v=0')) {
      this.socket.write(formatRtsp('RTSP/1.0 200 OK', { CSeq: cseq }));
      this.emit('announce', { url: m.url ?? '', sdp: m.body });
    } else {
      this.socket.write(formatRtsp('RTSP/1.0 501 Not Implemented', { CSeq: cseq }));
    }
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const done of this.pending.values()) done(e);
    this.pending.clear();
    this.emit('close');
  }
}

/** One-shot DESCRIBE of an rtsp:// URL. */
export async function rtspDescribe(url: string, timeoutMs = 3000): Promise<string> {
  const u = new URL(url);
  const conn = await RtspConnection.connect(u.hostname.replace(/^\[|\]$/g, ''), Number(u.port || 554), timeoutMs);
  try {
    return await conn.describe(u.pathname, timeoutMs);
  } finally {
    conn.close();
  }
}
