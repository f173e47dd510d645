/**
 * Management client for ptp4l's Unix socket (what `pmc -u -b 0` does): typed GET/SET, timeouts,
 * push notifications, and a subscription that is renewed before ptp4l expires it and re-sent when
 * ptp4l comes back after a restart (a new ptp4l knows no subscribers).
 */
import { EventEmitter } from 'node:events';
import { decodeReply, encodeGet, encodeSet, type DataReply, type Reply } from './message.js';
import { UnixDgram } from './transport.js';
import { NOTIFY_PORT_STATE, NOTIFY_TIME_SYNC, type DataSets, type ManagementName, type SetData } from './tlv.js';

export type PmcErrorCode = 'timeout' | 'unreachable' | 'management-error' | 'closed';

export class PmcError extends Error {
  constructor(
    readonly code: PmcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PmcError';
  }
}

export interface PmcClientOptions {
  /** Per-request reply timeout. ptp4l answers in 4-30 ms; default 1000. */
  timeoutMs?: number;
  domainNumber?: number;
}

export interface SubscribeOptions {
  /** Lifetime ptp4l gives the subscription (uint16 seconds); default 60. */
  durationS?: number;
  /** Default: port state and (ignored by linuxptp < 4.0) time sync. */
  events?: number[];
}

export interface PmcClientEvents {
  /** An unsolicited response: a subscribed notification (PORT_DATA_SET, TIME_STATUS_NP on linuxptp >= 4.0). */
  push: [reply: DataReply];
  /** A datagram that is not a valid management reply. */
  invalid: [reason: string];
  /** ptp4l answered again after being unreachable or silent (e.g. restarted). */
  reconnect: [];
  /** Renewing the subscription failed; retried at the next renewal or reconnect. */
  subscriptionError: [error: Error];
}

interface Pending {
  name: ManagementName;
  resolve: (reply: DataReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let instances = 0;
const DISCOVERY_BATCH = 8;
const DISCOVERY_WAIT_MS = 400;

export class PmcClient extends EventEmitter<PmcClientEvents> {
  /** Last reason a datagram was rejected, for status reasons when only garbage arrives. */
  lastInvalid: string | null = null;
  private readonly transport: UnixDgram;
  private readonly portNumber: number;
  private readonly timeoutMs: number;
  /** ptp4l silently ignores management messages for another domain, even on its Unix socket. */
  domainNumber: number;
  private readonly pending = new Map<number, Pending>();
  private sequenceId = 0;
  private reachable: boolean | null = null;
  private subscription: Required<SubscribeOptions> | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    readonly serverPath: string,
    opts: PmcClientOptions = {},
  ) {
    super();
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.domainNumber = opts.domainNumber ?? 0;
    // Unique per client: ptp4l keys subscriptions by the requester's port identity.
    this.portNumber = ((process.pid + instances++ * 7919) % 0xfffe) + 1;
    this.transport = new UnixDgram((buf) => this.onDatagram(buf));
  }

  /** Path of this client's own bound socket (removed on close). */
  get socketPath(): string {
    return this.transport.path;
  }

  get<K extends ManagementName>(name: K): Promise<DataSets[K]> {
    const h = this.nextHeader();
    return this.request(name, h.sequenceId, encodeGet(h, name));
  }

  set<K extends keyof SetData>(name: K, value: SetData[K]): Promise<DataSets[K]> {
    const h = this.nextHeader();
    return this.request(name, h.sequenceId, encodeSet(h, name, value));
  }

  /**
   * Finds the domain ptp4l runs on by asking each of the 128 in turn, a few at a time (the socket's
   * receive queue is short); adopts and returns it, or null when nothing answered.
   */
  async discoverDomain(): Promise<number | null> {
    for (let base = 0; base < 128 && !this.closed; base += DISCOVERY_BATCH) {
      const asks = Array.from({ length: DISCOVERY_BATCH }, (_, i) => {
        const h = this.nextHeader(base + i);
        return this.request('DEFAULT_DATA_SET', h.sequenceId, encodeGet(h, 'DEFAULT_DATA_SET'), DISCOVERY_WAIT_MS);
      });
      try {
        const dds = await Promise.any(asks);
        this.domainNumber = dds.domainNumber;
        return dds.domainNumber;
      } catch {
        // none of these domains
      }
    }
    return null;
  }

  /** Subscribes now and keeps the subscription alive (renewed at a third of its duration). */
  async subscribe(opts: SubscribeOptions = {}): Promise<void> {
    this.subscription = {
      durationS: opts.durationS ?? 60,
      events: opts.events ?? [NOTIFY_PORT_STATE, NOTIFY_TIME_SYNC],
    };
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = setInterval(() => void this.renew(), (this.subscription.durationS * 1000) / 3);
    await this.set('SUBSCRIBE_EVENTS_NP', this.subscription);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new PmcError('closed', 'client closed'));
      this.pending.delete(seq);
    }
    this.transport.close();
  }

  private async renew(): Promise<void> {
    if (!this.subscription || this.closed) return;
    try {
      await this.set('SUBSCRIBE_EVENTS_NP', this.subscription);
    } catch (e) {
      this.emit('subscriptionError', e instanceof Error ? e : new Error(String(e)));
    }
  }

  private nextHeader(domainNumber = this.domainNumber) {
    this.sequenceId = (this.sequenceId + 1) & 0xffff;
    return { portNumber: this.portNumber, sequenceId: this.sequenceId, domainNumber };
  }

  /** `probeMs`: a short timeout that says nothing about reachability (discovery asks where no one answers). */
  private request<K extends ManagementName>(name: K, seq: number, buf: Buffer, probeMs?: number): Promise<DataSets[K]> {
    const probe = probeMs !== undefined;
    const timeoutMs = probeMs ?? this.timeoutMs;
    if (this.closed) return Promise.reject(new PmcError('closed', 'client closed'));
    return new Promise<DataSets[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        if (!probe) {
          this.markReachable(false);
          if (this.pending.size === 0) this.transport.reset();
        }
        const junk = this.lastInvalid ? `; last datagram received was malformed: ${this.lastInvalid}` : '';
        reject(new PmcError('timeout', `no reply from ptp4l at ${this.serverPath} within ${timeoutMs} ms${junk}`));
      }, timeoutMs);
      this.pending.set(seq, { name, resolve: (r) => resolve(r.data as DataSets[K]), reject, timer });
      this.transport.send(buf, this.serverPath).catch((e: unknown) => {
        const p = this.pending.get(seq);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(seq);
        if (!probe) this.markReachable(false);
        const why = e instanceof Error ? e.message : String(e);
        reject(new PmcError('unreachable', `cannot send to ptp4l socket ${this.serverPath}: ${why}`));
      });
    });
  }

  private markReachable(ok: boolean): void {
    const was = this.reachable;
    this.reachable = ok;
    if (ok && was === false) {
      this.emit('reconnect');
      void this.renew();
    }
  }

  private onDatagram(buf: Buffer): void {
    if (this.closed) return;
    const reply: Reply | string = decodeReply(buf);
    if (typeof reply === 'string') {
      this.lastInvalid = reply;
      this.emit('invalid', reply);
      return;
    }
    const p = this.pending.get(reply.sequenceId);
    const mine = p && (reply.kind === 'error' ? true : reply.name === p.name);
    if (p && mine) {
      clearTimeout(p.timer);
      this.pending.delete(reply.sequenceId);
      this.lastInvalid = null;
      this.markReachable(true);
      if (reply.kind === 'error') {
        const text = reply.displayData ? ` (${reply.displayData})` : '';
        p.reject(new PmcError('management-error', `ptp4l refused ${p.name}: ${reply.error}${text}`));
      } else {
        p.resolve(reply);
      }
      return;
    }
    if (reply.kind === 'data' && reply.action === 'RESPONSE') this.emit('push', reply);
  }
}
