import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { isIPv6 } from 'node:net';
import { sapHash } from './hash.js';
import { encodeSap } from './packet.js';

export const SAP_PORT = 9875;
/** What AES67 gear listens on; RFC 2974's global-scope default 224.2.127.254 is the alternative. */
export const SAP_ADDRESS_AES67 = '239.255.255.255';
export const SAP_ADDRESS_RFC = '224.2.127.254';
export const SAP_ADDRESS_IPV6 = 'ff02::2:7ffe';
/** aes67-linux-daemon and other AES67 senders use 30 s; RFC 2974's 300 s minimum is too slow for patching UIs. */
export const DEFAULT_INTERVAL_MS = 30_000;
/** Deletions are repeated on this many later cycles because a single UDP datagram may be lost. */
export const DELETION_REPEATS = 3;

export interface SapAnnouncerOptions {
  /** Local address to send from; also written as the SAP originating source. */
  interfaceAddress: string;
  address?: string;
  port?: number;
  ttl?: number;
  intervalMs?: number;
  loopback?: boolean;
}

export interface SapAnnouncerCounters {
  announcements: number;
  deletions: number;
  sendErrors: number;
}

export interface SapSentEvent {
  type: 'announce' | 'delete';
  key: string;
  hash: number;
}

export interface SapAnnouncerEvents {
  sent: [SapSentEvent];
  warning: [string];
}

interface Announced {
  sdp: string;
  hash: number;
}

interface PendingDeletion extends Announced {
  key: string;
  remaining: number;
}

/** Interval times a uniform factor in [2/3, 4/3] (RFC 2974's +-1/3), so that senders do not synchronise. */
export function jitteredInterval(intervalMs: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (2 / 3 + (2 / 3) * random()));
}

/** Session id and version of an SDP's o= line, or undefined when there is none. */
export function originIdentity(sdp: string): { sessionId: string; version: bigint } | undefined {
  const m = /^o=\S+ (\d+) (\d+) /m.exec(sdp);
  return m ? { sessionId: m[1], version: BigInt(m[2]) } : undefined;
}

/** Announces SDPs by SAP: at once, then every interval with jitter; deletes on change, removal and stop. */
export class SapAnnouncer extends EventEmitter<SapAnnouncerEvents> {
  readonly counters: SapAnnouncerCounters = { announcements: 0, deletions: 0, sendErrors: 0 };
  private readonly opts: Required<Omit<SapAnnouncerOptions, 'ttl'>> & { ttl?: number };
  private readonly streams = new Map<string, Announced>();
  private pending: PendingDeletion[] = [];
  private socket?: Socket;
  private timer?: NodeJS.Timeout;

  constructor(opts: SapAnnouncerOptions) {
    super();
    const v6 = isIPv6(opts.interfaceAddress);
    this.opts = {
      address: v6 ? SAP_ADDRESS_IPV6 : SAP_ADDRESS_AES67,
      port: SAP_PORT,
      intervalMs: DEFAULT_INTERVAL_MS,
      loopback: true,
      ...opts,
    };
    if (!(this.opts.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${this.opts.intervalMs}`);
  }

  async start(): Promise<void> {
    if (this.socket) return;
    const socket = createSocket(isIPv6(this.opts.interfaceAddress) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.opts.interfaceAddress, port: 0 }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (e) => this.emit('warning', `SAP socket: ${e.message}`));
    socket.setMulticastInterface(this.opts.interfaceAddress);
    if (this.opts.ttl !== undefined) socket.setMulticastTTL(this.opts.ttl);
    socket.setMulticastLoopback(this.opts.loopback);
    this.socket = socket;
    for (const [key, s] of this.streams) this.send('announce', key, s);
    this.schedule();
  }

  set(key: string, sdp: string): void {
    const old = this.streams.get(key);
    if (old?.sdp === sdp) return;
    let hash = sapHash(sdp);
    if (old) {
      this.checkVersion(key, old.sdp, sdp);
      // The hash must differ from the deleted one, or receivers would drop the new SDP with the old.
      if (hash === old.hash) hash = (hash % 0xffff) + 1;
      if (this.socket) this.deleteLater(key, old);
    }
    const next = { sdp, hash };
    this.streams.set(key, next);
    if (this.socket) this.send('announce', key, next);
  }

  remove(key: string): void {
    const old = this.streams.get(key);
    if (!old) return;
    this.streams.delete(key);
    if (this.socket) this.deleteLater(key, old);
  }

  /** Whether a received packet is one of ours (current streams or deletions still being repeated). */
  isOwn(origin: string, hash: number): boolean {
    if (origin !== this.opts.interfaceAddress) return false;
    for (const s of this.streams.values()) if (s.hash === hash) return true;
    return this.pending.some((p) => p.hash === hash);
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    clearTimeout(this.timer);
    // Deletions still being repeated go out once more: this is the last chance for receivers that missed them.
    const sends = [...this.pending.map((p) => this.send('delete', p.key, p)), ...[...this.streams].map(([key, s]) => this.send('delete', key, s))];
    await Promise.all(sends);
    this.pending = [];
    this.socket = undefined;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private deleteLater(key: string, old: Announced): void {
    void this.send('delete', key, old);
    this.pending.push({ key, ...old, remaining: DELETION_REPEATS });
  }

  private checkVersion(key: string, oldSdp: string, newSdp: string): void {
    const a = originIdentity(oldSdp);
    const b = originIdentity(newSdp);
    if (!a || !b) {
      this.emit('warning', `stream '${key}': SDP without a readable o= line`);
      return;
    }
    if (a.sessionId !== b.sessionId) {
      this.emit('warning', `stream '${key}': session id changed ${a.sessionId} -> ${b.sessionId}; receivers see a new stream`);
    }
    if (b.version <= a.version) {
      this.emit('warning', `stream '${key}': SDP changed but o= version did not increase (${a.version} -> ${b.version}); Dante ignores such changes`);
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.cycle();
      this.schedule();
    }, jitteredInterval(this.opts.intervalMs));
    this.timer.unref();
  }

  private cycle(): void {
    for (const p of this.pending) {
      void this.send('delete', p.key, p);
      p.remaining--;
    }
    this.pending = this.pending.filter((p) => p.remaining > 0);
    for (const [key, s] of this.streams) void this.send('announce', key, s);
  }

  private send(type: 'announce' | 'delete', key: string, s: Announced): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    const buf = encodeSap({ type, hash: s.hash, origin: this.opts.interfaceAddress, sdp: s.sdp });
    return new Promise((resolve) => {
      socket.send(buf, this.opts.port, this.opts.address, (err) => {
        if (err) {
          this.counters.sendErrors++;
          this.emit('warning', `SAP ${type} for '${key}' failed: ${err.message}`);
        } else {
          if (type === 'announce') this.counters.announcements++;
          else this.counters.deletions++;
          this.emit('sent', { type, key, hash: s.hash });
        }
        resolve();
      });
    });
  }
}
