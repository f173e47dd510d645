import { EventEmitter } from 'node:events';
import { PtpMonitor, type PtpStatus as MonitorStatus, type HistorySample } from '@aes67/ptp';
import type { RefClock } from '@aes67/sap';
import type { PtpConfig } from '../config/schema.js';

/** PTP as the API and the events show it: the monitor's status without our own clock id, plus the lock-loss policy. */
export interface PtpView extends Omit<MonitorStatus, 'clockIdentity'> {
  policy: PtpConfig['policy'];
}

/**
 * The clock our SDPs reference. With PTP off it is "traceable"; otherwise a PtpMonitor (attached to a
 * running ptp4l or supervising its own) supplies the grandmaster, and every change of the reference
 * is emitted so the streams are re-announced.
 */
export class ClockReference extends EventEmitter<{ status: [PtpView]; refClock: [] }> {
  private monitor: PtpMonitor | null = null;
  private last = '';

  constructor(
    private settings: PtpConfig,
    private readonly offReason = 'PTP is off in the configuration',
  ) {
    super();
    this.start();
  }

  private start(): void {
    const s = this.settings;
    if (s.mode === 'attach') this.monitor = PtpMonitor.attach(s.socket, { domainNumber: s.domain });
    else if ((s.mode === 'supervise' || s.mode === 'grandmaster') && s.interface) {
      this.monitor = PtpMonitor.supervise({
        interface: s.interface,
        socketPath: s.socket,
        domain: s.domain,
        priority1: s.priority1,
        // A follower is slaveOnly, so it never takes over the network when its grandmaster goes away.
        followerOnly: s.mode === 'supervise',
        timestamping: s.timestamping,
        phc2sys: false,
        safeForTests: s.freeRunning,
      });
    }
    this.last = JSON.stringify(this.refClock());
    this.monitor?.on('change', () => {
      this.emit('status', this.status());
      const now = JSON.stringify(this.refClock());
      if (now !== this.last) {
        this.last = now;
        this.emit('refClock');
      }
    });
  }

  refClock(): RefClock {
    const st = this.monitor?.status();
    if (!st || !st.gmIdentitySdp || !['locked', 'holdover'].includes(st.state)) return { kind: 'traceable' };
    return { kind: 'ptp', gmid: st.gmIdentitySdp, domain: st.domain };
  }

  status(): PtpView {
    if (!this.monitor) {
      return { state: 'disabled', reason: this.offReason, gmIdentity: null, gmIdentitySdp: null, domain: this.settings.domain, offsetNs: null, pathDelayNs: null, utcOffset: 37, portState: null, since: 0, policy: this.settings.policy };
    }
    const { clockIdentity: _c, ...rest } = this.monitor.status();
    return { ...rest, policy: this.settings.policy };
  }

  history(): HistorySample[] {
    return this.monitor?.history() ?? [];
  }

  /** New settings: the monitor (and any ptp4l child) restarts only if what it watches changed. */
  async reconfigure(next: PtpConfig): Promise<void> {
    const prev = this.settings;
    this.settings = next;
    const { policy: _a, ...a } = prev;
    const { policy: _b, ...b } = next;
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    await this.stop();
    this.start();
    this.emit('status', this.status());
    this.emit('refClock');
  }

  async stop(): Promise<void> {
    const m = this.monitor;
    this.monitor = null;
    // Its closing is no news: reconfigure() reports the new monitor's status, and a stopping daemon is gone.
    m?.removeAllListeners('change');
    await m?.close();
  }
}
