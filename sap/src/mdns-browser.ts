import { EventEmitter } from 'node:events';
import { DnssdBrowser, MDNS_MAX_INSTANCES, type DnssdInstance, type DnssdRemovalReason } from './dnssd-browser.js';
import { RAVENNA_SESSION, RTSP_SERVICE, type MdnsTransportOptions } from './mdns.js';
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

export { MDNS_MAX_TTL_S, MDNS_MAX_HOSTS } from './dnssd-browser.js';
/** Sessions (PTR targets) followed at once; a new one evicts the least recently refreshed. */
export const MDNS_MAX_SESSIONS = MDNS_MAX_INSTANCES;
/** Largest SDP taken from a RAVENNA DESCRIBE or ANNOUNCE; AES67 SDPs are well under 2 KB. */
export const MDNS_MAX_SDP_BYTES = 8 * 1024;

export type RavennaRemovalReason = DnssdRemovalReason;

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

/** The RTSP side of one followed session: its open connection, or a DESCRIBE under way. */
interface Link {
  conn?: RtspConnection;
  describing?: boolean;
}

/**
 * Finds RAVENNA sessions by DNS-SD (_ravenna_session._sub._rtsp._tcp) and fetches their SDP with DESCRIBE,
 * keeping the connection open so that the server's ANNOUNCE pushes update the session.
 */
export class RavennaBrowser extends EventEmitter<RavennaBrowserEvents> {
  private readonly dnssd: DnssdBrowser;
  private readonly links = new Map<string, Link>();
  private readonly byKey = new Map<string, RavennaSession>();

  constructor(private readonly opts: RavennaBrowserOptions = {}) {
    super();
    this.dnssd = new DnssdBrowser(RAVENNA_SESSION, RTSP_SERVICE, {
      mdns: opts.mdns,
      queryIntervalMs: opts.queryIntervalMs,
      maxInstances: opts.maxSessions,
      maxHosts: opts.maxHosts,
      maxTtlS: opts.maxTtlS,
    });
    this.dnssd.on('resolved', (i) => this.resolved(i));
    this.dnssd.on('removed', (key, reason) => this.forget(key, reason));
    this.dnssd.on('warning', (w) => this.emit('warning', w));
  }

  /** mDNS responses and the records in them handled so far. */
  get counters(): { responses: number; records: number } {
    return this.dnssd.counters;
  }

  start(): Promise<void> {
    return this.dnssd.start();
  }

  /** Asks and listens on another interface from now on; sessions found stay until they go. */
  moveTo(interfaceAddress: string): Promise<void> {
    return this.dnssd.moveTo(interfaceAddress);
  }

  async stop(): Promise<void> {
    for (const l of this.links.values()) l.conn?.close();
    await this.dnssd.stop();
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
    return { ...this.dnssd.cacheSizes, sessions: this.byKey.size };
  }

  private resolved(i: DnssdInstance): void {
    const s = this.byKey.get(i.key);
    if (s) {
      s.lastSeen = Date.now();
      s.expiresAt = i.expiresAt;
    }
    let link = this.links.get(i.key);
    if (!link) this.links.set(i.key, (link = {}));
    if (link.conn || link.describing) return;
    void this.describe(link, i);
  }

  private async describe(link: Link, i: DnssdInstance): Promise<void> {
    link.describing = true;
    const timeoutMs = this.opts.describeTimeoutMs ?? 3000;
    try {
      const conn = await RtspConnection.connect(i.address, i.port, timeoutMs);
      link.conn = conn;
      conn.on('close', () => {
        if (link.conn === conn) link.conn = undefined;
      });
      conn.on('announce', (a) => this.store(link, i, a.sdp));
      this.store(link, i, await conn.describe(`/by-name/${encodeURIComponent(i.label)}`, timeoutMs));
    } catch (e) {
      link.conn?.close();
      this.emit('warning', `RAVENNA session '${i.label}' at ${i.address}:${i.port}: ${(e as Error).message}`);
    } finally {
      link.describing = false;
    }
  }

  private store(link: Link, i: DnssdInstance, sdp: string): void {
    const { key, label: name, address, port: rtspPort } = i;
    if (this.links.get(key) !== link) return;
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
    const s: RavennaSession = { key, name, address, rtspPort, sdp, description, own, firstSeen: prev?.firstSeen ?? now, lastSeen: now, expiresAt: prev?.expiresAt ?? i.expiresAt };
    this.byKey.set(key, s);
    if (!prev) this.emit('added', s);
    else if (prev.sdp !== sdp) this.emit('updated', s, prev);
  }

  private forget(key: string, reason: RavennaRemovalReason): void {
    this.links.get(key)?.conn?.close();
    this.links.delete(key);
    const s = this.byKey.get(key);
    if (s) {
      this.byKey.delete(key);
      this.emit('removed', s, reason);
    }
  }
}
