import { EventEmitter } from 'node:events';
import type { Answer } from 'dns-packet';
import { createMdns, instanceLabel, waitReady, type Mdns, type MdnsTransportOptions } from './mdns.js';

/** One DNS-SD service instance, resolved to an address and port. */
export interface DnssdInstance {
  /** The lower-case full instance name: the instance's identity. */
  key: string;
  /** Full instance name as published. */
  instance: string;
  /** The instance label (the part before the service type). */
  label: string;
  /** The SRV target host name (lower case). */
  host: string;
  address: string;
  port: number;
  expiresAt: number;
}

export type DnssdRemovalReason = 'goodbye' | 'expired' | 'evicted';

export interface DnssdBrowserEvents {
  /** An instance resolved, or refreshed by a later response. */
  resolved: [DnssdInstance];
  removed: [string, DnssdRemovalReason];
  warning: [string];
}

export interface DnssdBrowserOptions {
  mdns?: MdnsTransportOptions;
  queryIntervalMs?: number;
  maxInstances?: number;
  maxHosts?: number;
  maxTtlS?: number;
}

/**
 * Longest record TTL we keep, in seconds: a record claiming longer (up to 2^32-1) is kept this long. RFC 6762
 * suggests 120 s for host records (A, SRV) and 75 min for others (PTR); we re-ask for the PTR every
 * `queryIntervalMs` (30 s) and responders answer every query, so a live instance is refreshed long before
 * 5 min, while a record from a host that vanished without a goodbye (or from one that lied) goes within 5 min
 * instead of holding a slot for 68 years. Keep it several query intervals long.
 */
export const MDNS_MAX_TTL_S = 300;
/** Instances (PTR targets) followed at once; a new one evicts the least recently refreshed. */
export const MDNS_MAX_INSTANCES = 256;
/** A records kept at once; only names an SRV we follow points at are kept at all, the oldest evicted first. */
export const MDNS_MAX_HOSTS = 256;

interface Target {
  instance: string;
  expiresAt: number;
  srv?: { host: string; port: number };
}

/**
 * Follows the instances of one DNS-SD service by mDNS: asks for `ptrName`'s PTR records every query
 * interval, then each instance's SRV and its host's A record, and says when one resolves, is refreshed
 * or goes (goodbye, expiry, eviction). Every cache is bounded; only hosts a followed SRV names are kept.
 */
export class DnssdBrowser extends EventEmitter<DnssdBrowserEvents> {
  /** mDNS responses and the records in them handled so far. */
  readonly counters = { responses: 0, records: 0 };
  private readonly targets = new Map<string, Target>();
  private readonly hosts = new Map<string, { address: string; expiresAt: number }>();
  private mdns?: Mdns;
  private timer?: NodeJS.Timeout;

  /** `ptrName` is the service or subtype to ask for; `service` the type instance names end in. */
  constructor(
    private readonly ptrName: string,
    private readonly service: string,
    private readonly opts: DnssdBrowserOptions = {},
  ) {
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
      mdns.query([{ name: this.ptrName, type: 'PTR' }]);
    };
    tick();
    this.timer = setInterval(tick, this.opts.queryIntervalMs ?? 30_000);
    this.timer.unref();
  }

  /** Asks and listens on another interface from now on; what was found stays until it expires or says goodbye. */
  async moveTo(interfaceAddress: string): Promise<void> {
    this.opts.mdns = { ...this.opts.mdns, interface: interfaceAddress, bind: this.opts.mdns?.bind ?? '0.0.0.0' };
    if (!this.mdns) return;
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    const mdns = this.mdns;
    this.mdns = undefined;
    if (mdns) await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  /** Entries in each cache: followed instances and A records. */
  get cacheSizes(): { targets: number; hosts: number } {
    return { targets: this.targets.size, hosts: this.hosts.size };
  }

  private onRecords(records: Answer[]): void {
    this.counters.responses++;
    this.counters.records += records.length;
    const now = Date.now();
    const maxTtlS = this.opts.maxTtlS ?? MDNS_MAX_TTL_S;
    const ttlMs = (r: Answer) => Math.min(maxTtlS, Math.max(0, 'ttl' in r && r.ttl !== undefined ? r.ttl : 120)) * 1000;
    const touched = new Set<Target>();
    for (const r of records) {
      if (r.type !== 'PTR' || r.name.toLowerCase() !== this.ptrName.toLowerCase()) continue;
      const key = r.data.toLowerCase();
      if (instanceLabel(r.data, this.service) === undefined) continue;
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
        if (this.targets.size >= (this.opts.maxInstances ?? MDNS_MAX_INSTANCES)) {
          const oldest = this.targets.keys().next().value;
          if (oldest !== undefined) this.forget(oldest, 'evicted');
        }
        this.targets.set(key, (t = { instance: r.data, expiresAt: 0 }));
      }
      t.expiresAt = now + ttlMs(r);
      touched.add(t);
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
    const label = instanceLabel(t.instance, this.service) ?? '';
    this.emit('resolved', { key: t.instance.toLowerCase(), instance: t.instance, label, host: t.srv.host, address: host.address, port: t.srv.port, expiresAt: t.expiresAt });
  }

  private expire(): void {
    const now = Date.now();
    for (const [key, t] of this.targets) if (t.expiresAt <= now) this.forget(key, 'expired');
    for (const [name, h] of this.hosts) if (h.expiresAt <= now) this.hosts.delete(name);
  }

  private forget(key: string, reason: DnssdRemovalReason): void {
    if (!this.targets.delete(key)) return;
    this.emit('removed', key, reason);
  }
}
