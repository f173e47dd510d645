import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { SAP_ADDRESS_AES67, SAP_ADDRESS_RFC, SAP_PORT, DEFAULT_INTERVAL_MS } from './announcer.js';
import { decodeSap, type SapPacket } from './packet.js';
import { parseSdp } from './sdp-parse.js';
import type { StreamDescription } from './sdp-model.js';

export const MIN_TIMEOUT_MS = 5 * 60_000;
export const MAX_TIMEOUT_MS = 60 * 60_000;
export const DEFAULT_MAX_SESSIONS = 1000;
/**
 * Largest SDP a session may carry, in bytes (decoded, after inflating). AES67 SDPs are under 1 KB (the
 * examples in sap/fixtures are under 500 B) and RFC 2974 asks for announcements under 1 KB; 8 KiB leaves room
 * for 64 channel labels. Larger ones are refused with an `invalid` event (reason `SDP too large: ...`), so the
 * list holds at most maxSessions x 8 KiB of SDP (8 MiB at the defaults).
 */
export const DEFAULT_MAX_SDP_BYTES = 8 * 1024;
/**
 * Changes (a new session or a changed SDP) one sender address may make: a bucket of DEFAULT_ORIGIN_BURST
 * refilled at DEFAULT_ORIGIN_RATE a second. Refreshes of an unchanged SDP cost nothing, so a device with
 * a hundred streams that announces them all at boot passes; a flood of new or flapping sessions from one host
 * is dropped (counters.rateLimited) past it. Keyed on the datagram's source address, not the SAP
 * originating-source field, which costs nothing to vary.
 */
export const DEFAULT_ORIGIN_BURST = 200;
export const DEFAULT_ORIGIN_RATE = 20;
/** Gaps shorter than this are the same announcement heard twice (both groups, two interfaces), not an interval. */
const MIN_MEASURED_INTERVAL_MS = 1000;
/** How long after an announcement a lower version counts as reordered rather than as a restarted sender. */
const STALE_WINDOW_MS = 5000;

export interface SapBrowserOptions {
  /** Interface to join the SAP groups on. */
  interfaceAddress: string;
  groups?: string[];
  port?: number;
  /** Address to bind; 0.0.0.0 hears every joined group. */
  bindAddress?: string;
  maxSessions?: number;
  /** Default DEFAULT_MAX_SDP_BYTES. */
  maxSdpBytes?: number;
  /** Changes a sender address may make at once; default DEFAULT_ORIGIN_BURST. */
  originBurst?: number;
  /** Changes a second a sender address gets back; default DEFAULT_ORIGIN_RATE. Infinity turns the limit off. */
  originRatePerSecond?: number;
  minTimeoutMs?: number;
  maxTimeoutMs?: number;
  sweepIntervalMs?: number;
  /** Marks our own announcements (e.g. `(p) => announcer.isOwn(p.origin, p.hash)`). */
  isOwn?: (packet: SapPacket) => boolean;
  now?: () => number;
}

export interface SapSession {
  /** o= username, session id and address: RFC 4566's globally unique session identity. */
  key: string;
  /** Originating source from the SAP header. */
  origin: string;
  /** Where the datagram came from. */
  sender: string;
  hash: number;
  sdp: string;
  description: StreamDescription;
  own: boolean;
  firstSeen: number;
  lastSeen: number;
  /** Smoothed observed announcement interval, once two announcements have been heard. */
  intervalMs?: number;
  expiresAt: number;
}

export type SapRemovalReason = 'deleted' | 'expired' | 'evicted';

export interface SapBrowserCounters {
  datagrams: number;
  invalid: number;
  announcements: number;
  deletions: number;
  /** Announcements dropped because their sender address was over its change rate. */
  rateLimited: number;
}

export interface SapBrowserEvents {
  added: [SapSession];
  updated: [SapSession, SapSession];
  removed: [SapSession, SapRemovalReason];
  /** A datagram that was dropped; never thrown. */
  invalid: [{ from: string; reason: string }];
  warning: [string];
}

/** Receiving-side timeout: 10x the observed interval (30 s assumed until measured), clamped to [min, max]. */
export function sessionTimeoutMs(intervalMs: number | undefined, minMs = MIN_TIMEOUT_MS, maxMs = MAX_TIMEOUT_MS): number {
  return Math.min(maxMs, Math.max(minMs, 10 * (intervalMs ?? DEFAULT_INTERVAL_MS)));
}

const ORIGIN_LINE = /^o=(\S+) (\d+) (\d+) IN (IP[46]) (\S+)/m;

function sessionKey(username: string, sessionId: string, address: string): string {
  return `${username} ${sessionId} ${address}`;
}

/** Listens for SAP announcements and keeps a bounded, expiring cache of remote sessions. */
export class SapBrowser extends EventEmitter<SapBrowserEvents> {
  readonly counters: SapBrowserCounters = { datagrams: 0, invalid: 0, announcements: 0, deletions: 0, rateLimited: 0 };
  private readonly opts: Required<Omit<SapBrowserOptions, 'isOwn'>> & Pick<SapBrowserOptions, 'isOwn'>;
  /** Insertion order is least recently seen first, so eviction takes the first entry. */
  private readonly byKey = new Map<string, SapSession>();
  private readonly byHash = new Map<string, string>();
  /** Change tokens per sender address; bounded like the sessions, the least recently used dropped first. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private socket?: Socket;
  private timer?: NodeJS.Timeout;

  constructor(opts: SapBrowserOptions) {
    super();
    this.opts = {
      groups: [SAP_ADDRESS_AES67, SAP_ADDRESS_RFC],
      port: SAP_PORT,
      bindAddress: '0.0.0.0',
      maxSessions: DEFAULT_MAX_SESSIONS,
      maxSdpBytes: DEFAULT_MAX_SDP_BYTES,
      originBurst: DEFAULT_ORIGIN_BURST,
      originRatePerSecond: DEFAULT_ORIGIN_RATE,
      minTimeoutMs: MIN_TIMEOUT_MS,
      maxTimeoutMs: MAX_TIMEOUT_MS,
      sweepIntervalMs: 1000,
      now: Date.now,
      ...opts,
    };
  }

  get port(): number | undefined {
    return this.socket?.address().port;
  }

  async start(): Promise<void> {
    if (this.socket) return;
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, this.opts.bindAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      for (const g of this.opts.groups) socket.addMembership(g, this.opts.interfaceAddress);
    } catch (e) {
      socket.close();
      throw e;
    }
    socket.on('error', (e) => this.emit('warning', `SAP browser socket: ${e.message}`));
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
    this.socket = socket;
    this.timer = setInterval(() => this.sweep(), this.opts.sweepIntervalMs);
    this.timer.unref();
  }

  /**
   * Listens on another interface from now on: the groups are left on the old one and joined on the new.
   * The sessions heard so far stay until they time out or are deleted, as a receiver would keep them.
   */
  moveTo(interfaceAddress: string): void {
    const from = this.opts.interfaceAddress;
    this.opts.interfaceAddress = interfaceAddress;
    if (!this.socket || from === interfaceAddress) return;
    for (const g of this.opts.groups) {
      try {
        this.socket.dropMembership(g, from);
      } catch {
        // The old address is gone with its interface, and its memberships with it.
      }
      this.socket.addMembership(g, interfaceAddress);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  sessions(): SapSession[] {
    return [...this.byKey.values()];
  }

  get size(): number {
    return this.byKey.size;
  }

  /** One session by key (o= username, session id, address), without building the list. */
  get(key: string): SapSession | undefined {
    return this.byKey.get(key);
  }

  /** Drops sessions not refreshed within their timeout. Runs on a timer; public for tests and callers with their own clock. */
  sweep(now = this.opts.now()): void {
    for (const s of [...this.byKey.values()]) if (s.expiresAt <= now) this.drop(s, 'expired');
  }

  /** Handles one datagram. Nothing thrown here: the wire is untrusted. */
  receive(msg: Buffer, rinfo: Pick<RemoteInfo, 'address'>): void {
    this.counters.datagrams++;
    try {
      const packet = decodeSap(msg);
      if (Buffer.byteLength(packet.sdp) > this.opts.maxSdpBytes) throw new Error(`SDP too large: ${Buffer.byteLength(packet.sdp)} bytes, over ${this.opts.maxSdpBytes}`);
      if (packet.type === 'delete') this.onDelete(packet);
      else this.onAnnounce(packet, rinfo.address);
    } catch (e) {
      this.counters.invalid++;
      this.emit('invalid', { from: rinfo.address, reason: e instanceof Error ? e.message : String(e) });
    }
  }

  private onAnnounce(packet: SapPacket, sender: string): void {
    // The same SDP again (the common case: a refresh) is not parsed again.
    const knownKey = this.byHash.get(`${packet.origin}/${packet.hash}`);
    const known = knownKey === undefined ? undefined : this.byKey.get(knownKey);
    const same = known !== undefined && known.sdp === packet.sdp;
    const description = same ? known.description : parseSdp(packet.sdp);
    const o = description.origin;
    const key = same ? known.key : sessionKey(o.username, o.sessionId, o.address);
    const now = this.opts.now();
    const prev = same ? known : this.byKey.get(key);
    this.counters.announcements++;
    // A lower version just after a higher one is a reordered, stale packet. Long after, it is a device that
    // restarted and counts from its initial version again: take it, or the stream would vanish until expiry.
    if (prev && BigInt(o.version) < BigInt(prev.description.origin.version) && now - prev.lastSeen < STALE_WINDOW_MS) return;
    if ((!prev || prev.sdp !== packet.sdp) && !this.takeToken(sender, now)) {
      this.counters.rateLimited++;
      return;
    }
    const gap = prev ? now - prev.lastSeen : 0;
    let intervalMs = prev?.intervalMs;
    if (prev && gap >= MIN_MEASURED_INTERVAL_MS) intervalMs = intervalMs === undefined ? gap : Math.round(0.75 * intervalMs + 0.25 * gap);
    const session: SapSession = {
      key,
      origin: packet.origin,
      sender,
      hash: packet.hash,
      sdp: packet.sdp,
      description,
      own: this.opts.isOwn?.(packet) ?? false,
      firstSeen: prev?.firstSeen ?? now,
      lastSeen: now,
      intervalMs,
      expiresAt: now + sessionTimeoutMs(intervalMs, this.opts.minTimeoutMs, this.opts.maxTimeoutMs),
    };
    if (prev) {
      this.byKey.delete(key);
      this.byHash.delete(`${prev.origin}/${prev.hash}`);
    } else if (this.byKey.size >= this.opts.maxSessions) {
      const oldest = this.byKey.values().next().value;
      if (oldest) this.drop(oldest, 'evicted');
    }
    this.byKey.set(key, session);
    this.byHash.set(`${session.origin}/${session.hash}`, key);
    if (!prev) this.emit('added', session);
    else if (prev.sdp !== session.sdp) this.emit('updated', session, prev);
  }

  /** One change token from `sender`'s bucket, or false when it is empty. */
  private takeToken(sender: string, now: number): boolean {
    const { originBurst: burst, originRatePerSecond: rate } = this.opts;
    if (rate === Infinity) return true;
    let b = this.buckets.get(sender);
    if (b) {
      this.buckets.delete(sender);
      b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * rate);
      b.at = now;
    } else {
      if (this.buckets.size >= this.opts.maxSessions) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: burst, at: now };
    }
    this.buckets.set(sender, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private onDelete(packet: SapPacket): void {
    this.counters.deletions++;
    // The payload may be the full SDP, only its o= line, or empty: then origin and hash identify it.
    const m = ORIGIN_LINE.exec(packet.sdp);
    const key = m ? sessionKey(m[1], m[2], m[5]) : this.byHash.get(`${packet.origin}/${packet.hash}`);
    const s = key === undefined ? undefined : this.byKey.get(key);
    if (!s) return;
    // Repeated deletions of a replaced SDP carry the old hash: they must not remove its successor.
    if (s.hash === packet.hash || (m && BigInt(m[3]) > BigInt(s.description.origin.version))) this.drop(s, 'deleted');
  }

  private drop(s: SapSession, reason: SapRemovalReason): void {
    this.byKey.delete(s.key);
    this.byHash.delete(`${s.origin}/${s.hash}`);
    this.emit('removed', s, reason);
  }
}
