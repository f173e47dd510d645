import { EventEmitter } from 'node:events';
import type { Answer } from 'dns-packet';
import { createMdns, instanceLabel, RAVENNA_SESSION, RTSP_SERVICE, waitReady, type Mdns, type MdnsTransportOptions } from './mdns.js';
import { RtspConnection } from './rtsp-client.js';
import { parseSdp } from './sdp-parse.js';
import type { StreamDescription } from './sdp-model.js';

export interface RavennaSession {
  /** Full DNS-SD instance name. */
  key: string;
  /** Instance label (the session name as published). */
  name: string;
  address: string;
  rtspPort: number;
  sdp: string;
  description: StreamDescription;
  own: boolean;
  firstSeen: number;
  lastSeen: number;
  expiresAt: number;
}

/**
 * Longest record TTL we keep, in seconds: a record claiming longer (up to 2^32-1) is kept this long. RFC 6762
 * suggests 120 s for host records (A, SRV) and 75 min for others (PTR); we re-ask for the PTR every
 * `queryIntervalMs` (30 s) and responders answer every query, so a live session is refreshed long before
 * 5 min, while a record from a host that vanished without a goodbye (or from one that lied) goes within 5 min
 * instead of holding a slot for 68 years. Keep it several query intervals long.
 */
export const MDNS_MAX_TTL_S = 300;
/** Sessions (PTR targets) followed at once; a new one evicts the least recently refreshed. */
export const MDNS_MAX_SESSIONS = 256;
/** A records kept at once; only names an SRV we follow points at are kept at all, the oldest evicted first. */
export const MDNS_MAX_HOSTS = 256;
/** Largest SDP taken from a RAVENNA DESCRIBE or ANNOUNCE; AES67 SDPs are well under 2 KB. */
export const MDNS_MAX_SDP_BYTES = 8 * 1024;

export type RavennaRemovalReason = 'goodbye' | 'expired' | 'evicted';

export interface RavennaBrowserEvents {
  added: [RavennaSession];
  updated: [RavennaSession, RavennaSession];
  removed: [RavennaSession, RavennaRemovalReason];
  warning: [string];
}

export interface RavennaBrowserOptions {
  mdns?: MdnsTransportOptions;
  queryIntervalMs?: number;
  describeTimeoutMs?: number;
  /** Default MDNS_MAX_SESSIONS. */
  maxSessions?: number;
  /** Default MDNS_MAX_HOSTS. */
  maxHosts?: number;
  /** Default MDNS_MAX_TTL_S. */
  maxTtlS?: number;
  /** Default MDNS_MAX_SDP_BYTES. */
  maxSdpBytes?: number;
  /** Marks our own sessions, e.g. by RTSP address and port. */
  isOwn?: (s: { address: string; rtspPort: number; name: string }) => boolean;
}

interface Target {
  instance: string;
  expiresAt: number;
  srv?: { host: string; port: number };
  conn?: RtspConnection;
  describing?: boolean;
}

/**
 * Finds RAVENNA sessions by DNS-SD (_ravenna_session._sub._rtsp._tcp) and fetches their SDP with DESCRIBE,
 * keeping the connection open so that the server's ANNOUNCE pushes update the session.
 */
export class RavennaBrowser extends EventEmitter<RavennaBrowserEvents> {
  /** mDNS responses and the records in them handled so far. */
  readonly counters = { responses: 0, records: 0 };
  private readonly targets = new Map<string, Target>();
  private readonly hosts = new Map<string, { address: string; expiresAt: number }>();
  private readonly byKey = new Map<string, RavennaSession>();
  private mdns?: Mdns;
  private timer?: NodeJS.Timeout;

  constructor(private readonly opts: RavennaBrowserOptions = {}) {
    super();
  }

  async start(): Promise<void> {
    if (this.mdns) return;
    const mdns = createMdns(this.opts.mdns);
    mdns.on('response', (r) => this.onRecords([...r.answers, ...r.additionals]));
    mdns.on('warning', (e: Error) => this.emit('warning', `mDNS: ${e.message}`));
    await waitReady(mdns);
    this.mdns = mdns;
    const tick = () => {
      this.expire();
      mdns.query([{ name: RAVENNA_SESSION, type: 'PTR' }]);
    };
    tick();
    this.timer = setInterval(tick, this.opts.queryIntervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const t of this.targets.values()) t.conn?.close();
    const mdns = this.mdns;
    this.mdns = undefined;
    if (mdns) await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  sessions(): RavennaSession[] {
    return [...this.byKey.values()];
  }

  /** One session by its key (the lower-case instance name), without building the list. */
  get(key: string): RavennaSession | undefined {
    return this.byKey.get(key);
  }

  /** Entries in each cache, all bounded: followed instances, A records, sessions with an SDP. */
  get cacheSizes(): { targets: number; hosts: number; sessions: number } {
    return { targets: this.targets.size, hosts: this.hosts.size, sessions: this.byKey.size };
  }

  private onRecords(records: Answer[]): void {
    this.counters.responses++;
    this.counters.records += records.length;
    const now = Date.now();
    const maxTtlS = this.opts.maxTtlS ?? MDNS_MAX_TTL_S;
    const ttlMs = (r: Answer) => Math.min(maxTtlS, Math.max(0, 'ttl' in r && r.ttl !== undefined ? r.ttl : 120)) * 1000;
    const touched = new Set<Target>();
    for (const r of records) {
      if (r.type === 'PTR' && r.name.toLowerCase() === RAVENNA_SESSION) {
        const key = r.data.toLowerCase();
        if (instanceLabel(r.data, RTSP_SERVICE) === undefined) continue;
        if (ttlMs(r) === 0) {
          this.forget(key, 'goodbye');
          continue;
        }
        let t = this.targets.get(key);
        if (t) {
          // Least recently refreshed first, so that eviction takes the first entry.
          this.targets.delete(key);
          this.targets.set(key, t);
        } else {
          if (this.targets.size >= (this.opts.maxSessions ?? MDNS_MAX_SESSIONS)) {
            const oldest = this.targets.keys().next().value;
            if (oldest !== undefined) this.forget(oldest, 'evicted');
          }
          this.targets.set(key, (t = { instance: r.data, expiresAt: 0 }));
        }
        t.expiresAt = now + ttlMs(r);
        touched.add(t);
      }
    }
    for (const r of records) {
      const t = r.type === 'SRV' ? this.targets.get(r.name.toLowerCase()) : undefined;
      if (r.type === 'SRV' && t) {
        t.srv = { host: r.data.target.toLowerCase(), port: r.data.port };
        touched.add(t);
      }
    }
    // Only hosts a followed SRV points at: an A record for anything else is nobody's business here.
    let wanted: Set<string> | undefined;
    for (const r of records) {
      if (r.type !== 'A') continue;
      wanted ??= new Set([...this.targets.values()].flatMap((t) => (t.srv ? [t.srv.host] : [])));
      const name = r.name.toLowerCase();
      if (!wanted.has(name)) continue;
      this.hosts.delete(name);
      if (this.hosts.size >= (this.opts.maxHosts ?? MDNS_MAX_HOSTS)) {
        const oldest = this.hosts.keys().next().value;
        if (oldest !== undefined) this.hosts.delete(oldest);
      }
      this.hosts.set(name, { address: r.data, expiresAt: now + ttlMs(r) });
    }
    for (const t of touched) this.resolve(t);
  }

  private resolve(t: Target): void {
    if (!t.srv) {
      this.mdns?.query([{ name: t.instance, type: 'SRV' }]);
      return;
    }
    const host = this.hosts.get(t.srv.host);
    if (!host) {
      this.mdns?.query([{ name: t.srv.host, type: 'A' }]);
      return;
    }
    const s = this.byKey.get(t.instance.toLowerCase());
    if (s) {
      s.lastSeen = Date.now();
      s.expiresAt = t.expiresAt;
    }
    if (t.conn || t.describing) return;
    void this.describe(t, host.address, t.srv.port);
  }

  private async describe(t: Target, address: string, port: number): Promise<void> {
    t.describing = true;
    const label = instanceLabel(t.instance, RTSP_SERVICE) ?? '';
    const timeoutMs = this.opts.describeTimeoutMs ?? 3000;
    try {
      const conn = await RtspConnection.connect(address, port, timeoutMs);
      t.conn = conn;
      conn.on('close', () => {
        if (t.conn === conn) t.conn = undefined;
      });
      conn.on('announce', (a) => this.store(t, label, address, port, a.sdp));
      this.store(t, label, address, port, await conn.describe(`/by-name/${encodeURIComponent(label)}`, timeoutMs));
    } catch (e) {
      t.conn?.close();
      this.emit('warning', `RAVENNA session '${label}' at ${address}:${port}: ${(e as Error).message}`);
    } finally {
      t.describing = false;
    }
  }

  private store(t: Target, name: string, address: string, rtspPort: number, sdp: string): void {
    const key = t.instance.toLowerCase();
    if (this.targets.get(key) !== t) return;
    const maxSdpBytes = this.opts.maxSdpBytes ?? MDNS_MAX_SDP_BYTES;
    if (Buffer.byteLength(sdp) > maxSdpBytes) {
      this.emit('warning', `RAVENNA session '${name}': SDP of ${Buffer.byteLength(sdp)} bytes, over ${maxSdpBytes}`);
      return;
    }
    let description: StreamDescription;
    try {
      description = parseSdp(sdp);
    } catch (e) {
      this.emit('warning', `RAVENNA session '${name}': ${(e as Error).message}`);
      return;
    }
    const now = Date.now();
    const prev = this.byKey.get(key);
    const own = this.opts.isOwn?.({ address, rtspPort, name }) ?? false;
    const s: RavennaSession = { key, name, address, rtspPort, sdp, description, own, firstSeen: prev?.firstSeen ?? now, lastSeen: now, expiresAt: t.expiresAt };
    this.byKey.set(key, s);
    if (!prev) this.emit('added', s);
    else if (prev.sdp !== sdp) this.emit('updated', s, prev);
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, t] of this.targets) if (t.expiresAt <= now) this.forget(key, 'expired');
    for (const [name, h] of this.hosts) if (h.expiresAt <= now) this.hosts.delete(name);
  }

  private forget(key: string, reason: RavennaRemovalReason): void {
    const t = this.targets.get(key);
    t?.conn?.close();
    this.targets.delete(key);
    const s = this.byKey.get(key);
    if (s) {
      this.byKey.delete(key);
      this.emit('removed', s, reason);
    }
  }
}
