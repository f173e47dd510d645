/**
 * The I/O edge around LockMachine: feeds it from ptp4l's management socket (pushes where linuxptp has
 * them, a TIME_STATUS_NP + CURRENT_DATA_SET poll where it has not) and from the supervisor, and
 * publishes PtpStatus changes.
 */
import { EventEmitter } from 'node:events';
import { PmcClient, PmcError } from './client.js';
import type { PtpSettings } from './config.js';
import { linuxptpToSdp } from './identity.js';
import { LockMachine, type LockConfig, type LockState, type Observation, type Verdict } from './lockstate.js';
import type { LogLine } from './logparse.js';
import { RingBuffer } from './ringbuffer.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';
import type { DataReply } from './message.js';

export interface PtpStatus {
  state: LockState;
  /** Human explanation of `state`, stable while the situation is. */
  reason: string;
  /** Grandmaster being followed (or just lost, in holdover), linuxptp form `001dc1.fffe.503633`. */
  gmIdentity: string | null;
  /** Same, SDP form `00-1D-C1-FF-FE-50-36-33` for `a=ts-refclk:ptp=IEEE1588-2008:<id>:<domain>`. */
  gmIdentitySdp: string | null;
  domain: number;
  /** Last master offset while following a grandmaster with fresh Sync; null otherwise. */
  offsetNs: number | null;
  pathDelayNs: number | null;
  /** TAI - UTC in seconds, from the grandmaster's TIME_PROPERTIES_DATA_SET (37 until a leap second). */
  utcOffset: number;
  portState: string | null;
  /** This ptp4l's own clock identity. */
  clockIdentity: string | null;
  /** When `state` last changed, ms since the epoch. */
  since: number;
}

export interface HistorySample {
  t: number;
  offsetNs: number;
  pathDelayNs: number;
}

export interface MonitorOptions extends Partial<LockConfig> {
  /** TIME_STATUS_NP / CURRENT_DATA_SET poll period; default 500 ms. */
  pollMs?: number;
  /** Full re-read of the data sets; default 10 s. */
  refreshMs?: number;
  /** Management request timeout; default 1000 ms. */
  timeoutMs?: number;
  /** Samples kept for plots; default 1200 (10 min at 500 ms). */
  historySize?: number;
  /**
   * ptp4l's domain, for the management header: ptp4l ignores requests for another domain. When requests
   * time out, the monitor asks all domains and adopts the one that answers (ptp4l restarted on another).
   */
  domainNumber?: number;
  supervisor?: SupervisorOptions;
}

export interface PtpMonitorEvents {
  change: [status: PtpStatus];
  sample: [sample: HistorySample];
  /** ptp4l/phc2sys log lines (supervised monitors only). */
  log: [line: LogLine];
}

/** Domain discovery is 128 requests; once per interval is plenty. */
const DISCOVERY_INTERVAL_MS = 5000;

const CHANGE_KEYS = ['state', 'reason', 'gmIdentity', 'domain', 'utcOffset', 'portState', 'clockIdentity'] as const;

export class PtpMonitor extends EventEmitter<PtpMonitorEvents> {
  readonly client: PmcClient;
  private readonly machine: LockMachine;
  private readonly ring: RingBuffer<HistorySample>;
  private readonly pollMs: number;
  private current: PtpStatus;
  private pollTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private lastDiscovery = 0;
  private lastTimeStatusPush = 0;
  private closed = false;

  static attach(socketPath: string, opts: MonitorOptions = {}): PtpMonitor {
    return new PtpMonitor(socketPath, null, opts);
  }

  static supervise(settings: PtpSettings, opts: MonitorOptions = {}): PtpMonitor {
    const supervisor = new Supervisor(settings, opts.supervisor);
    const m = new PtpMonitor(settings.socketPath, supervisor, { domainNumber: settings.domain, ...opts });
    supervisor.start();
    return m;
  }

  private constructor(
    readonly socketPath: string,
    readonly supervisor: Supervisor | null,
    opts: MonitorOptions,
  ) {
    super();
    this.machine = new LockMachine(opts);
    this.ring = new RingBuffer(opts.historySize ?? 1200);
    this.pollMs = opts.pollMs ?? 500;
    this.client = new PmcClient(socketPath, { timeoutMs: opts.timeoutMs ?? 1000, domainNumber: opts.domainNumber ?? 0 });
    this.current = this.toStatus(this.machine.evaluate(Date.now()), Date.now());
    this.client.on('push', (r) => this.onReply(r));
    this.client.on('reconnect', () => void this.refresh());
    if (supervisor) {
      this.machine.observe({ type: 'process', phase: supervisor.phase, detail: supervisor.phaseDetail }, Date.now());
      supervisor.on('phase', (phase, detail) => this.observe({ type: 'process', phase, detail }));
      supervisor.on('log', (line) => {
        if (line.event.kind === 'portState') this.observe({ type: 'portState', portState: line.event.to });
        this.emit('log', line);
      });
    }
    this.pollTimer = setInterval(() => void this.poll(), this.pollMs);
    this.refreshTimer = setInterval(() => void this.refresh(), opts.refreshMs ?? 10_000);
    void this.begin();
  }

  status(): PtpStatus {
    return { ...this.current };
  }

  history(): HistorySample[] {
    return this.ring.toArray();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    await this.supervisor?.stop();
    await this.client.close();
    this.machine.observe({ type: 'closed' }, Date.now());
    this.publish();
  }

  private async begin(): Promise<void> {
    await this.refresh();
    try {
      await this.client.subscribe();
    } catch {
      // unreachable for now: the client re-subscribes when ptp4l answers again
    }
    await this.poll();
  }

  /** Re-reads what pushes would tell us, for a fresh start or after missing pushes (ptp4l restarted). */
  private async refresh(): Promise<void> {
    if (this.closed) return;
    try {
      const [port, dds, parent, tp] = await Promise.all([
        this.client.get('PORT_DATA_SET'),
        this.client.get('DEFAULT_DATA_SET'),
        this.client.get('PARENT_DATA_SET'),
        this.client.get('TIME_PROPERTIES_DATA_SET'),
      ]);
      const now = Date.now();
      this.machine.observe({ type: 'defaultDataSet', clockIdentity: dds.clockIdentity, domain: dds.domainNumber }, now);
      this.machine.observe({ type: 'utcOffset', seconds: tp.currentUtcOffset }, now);
      this.machine.observe({ type: 'portState', portState: port.portState }, now);
      if (port.portState === 'SLAVE' || port.portState === 'UNCALIBRATED') {
        this.machine.observe({ type: 'grandmaster', gmIdentity: parent.grandmasterIdentity }, now);
      }
      this.publish();
    } catch (e) {
      this.unreachable(e);
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const pushed = Date.now() - this.lastTimeStatusPush < this.pollMs * 2;
      const [ts, cds] = await Promise.all([
        pushed ? null : this.client.get('TIME_STATUS_NP'),
        this.client.get('CURRENT_DATA_SET'),
      ]);
      const gmBefore = this.current.gmIdentity;
      if (ts) this.machine.observe({ type: 'timeStatus', ...ts }, Date.now());
      this.machine.observe({ type: 'pathDelay', ns: cds.meanPathDelayNs }, Date.now());
      const stateBefore = this.current.state;
      this.publish();
      if (this.current.offsetNs !== null && this.current.pathDelayNs !== null) {
        const sample = { t: Date.now(), offsetNs: this.current.offsetNs, pathDelayNs: this.current.pathDelayNs };
        this.ring.push(sample);
        this.emit('sample', sample);
      }
      if (this.current.gmIdentity !== gmBefore || this.current.state !== stateBefore) await this.refresh();
    } catch (e) {
      this.unreachable(e);
    } finally {
      this.polling = false;
    }
  }

  private onReply(r: DataReply): void {
    if (r.name === 'PORT_DATA_SET') this.observe({ type: 'portState', portState: r.data.portState });
    if (r.name === 'TIME_STATUS_NP') {
      this.lastTimeStatusPush = Date.now();
      this.observe({ type: 'timeStatus', ...r.data });
    }
  }

  private unreachable(e: unknown): void {
    if (this.closed) return;
    this.observe({ type: 'unreachable', reason: e instanceof Error ? e.message : String(e) });
    if (e instanceof PmcError && e.code === 'timeout' && Date.now() - this.lastDiscovery > DISCOVERY_INTERVAL_MS) {
      this.lastDiscovery = Date.now();
      void this.discoverDomain();
    }
  }

  private async discoverDomain(): Promise<void> {
    const before = this.client.domainNumber;
    const found = await this.client.discoverDomain();
    if (found !== null && found !== before && !this.closed) await this.refresh();
  }

  private observe(o: Observation): void {
    if (this.closed) return;
    this.machine.observe(o, Date.now());
    this.publish();
  }

  private publish(): void {
    const now = Date.now();
    const next = this.toStatus(this.machine.evaluate(now), now);
    const changed = CHANGE_KEYS.some((k) => next[k] !== this.current[k]);
    if (next.state === this.current.state) next.since = this.current.since;
    this.current = next;
    if (changed) this.emit('change', this.status());
  }

  private toStatus(v: Verdict, now: number): PtpStatus {
    return {
      state: v.state,
      reason: v.reason,
      gmIdentity: v.gmIdentity,
      gmIdentitySdp: v.gmIdentity ? linuxptpToSdp(v.gmIdentity) : null,
      domain: v.domain,
      offsetNs: v.offsetNs,
      pathDelayNs: v.pathDelayNs,
      utcOffset: v.utcOffset,
      portState: v.portState,
      clockIdentity: v.clockIdentity,
      since: now,
    };
  }
}
