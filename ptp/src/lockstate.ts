/**
 * Lock-state machine: pure, no I/O. Facts go in through observe(), the verdict comes out of
 * evaluate(now); the caller supplies the time, so tests drive it with a fake clock.
 */
import type { PortState } from './tlv.js';

export type LockState = 'disabled' | 'starting' | 'listening' | 'locking' | 'locked' | 'holdover' | 'unlocked';

export interface LockConfig {
  /** |master offset| at or under this counts as a good sample. */
  offsetThresholdNs: number;
  /** Consecutive good samples to lock, consecutive bad samples to lose it. */
  lockSamples: number;
  /** A Sync older than this is stale. */
  staleMs: number;
  /** How long after losing lock the local clock is still trusted (holdover), before `unlocked`. */
  holdoverMs: number;
}

export const DEFAULT_LOCK_CONFIG: LockConfig = {
  offsetThresholdNs: 100_000,
  lockSamples: 4,
  staleMs: 1500,
  holdoverMs: 30_000,
};

/** What the supervisor knows about the ptp4l process; `attached` when we did not start it. */
export type ProcessPhase = 'attached' | 'starting' | 'running' | 'backoff' | 'missing' | 'stopped';

export type Observation =
  | { type: 'process'; phase: ProcessPhase; detail: string }
  | { type: 'unreachable'; reason: string }
  | { type: 'timeStatus'; masterOffsetNs: number; ingressTimeNs: bigint; gmIdentity: string }
  | { type: 'portState'; portState: PortState }
  | { type: 'pathDelay'; ns: number }
  | { type: 'grandmaster'; gmIdentity: string }
  | { type: 'defaultDataSet'; clockIdentity: string; domain: number }
  | { type: 'utcOffset'; seconds: number }
  | { type: 'closed' };

export interface Verdict {
  state: LockState;
  reason: string;
  gmIdentity: string | null;
  portState: PortState | null;
  domain: number;
  utcOffset: number;
  offsetNs: number | null;
  pathDelayNs: number | null;
  clockIdentity: string | null;
}

/** Beyond this a Sync timestamp is taken to be in another time scale (e.g. a free-running PHC). */
const PLAUSIBLE_INGRESS_MS = 10_000;

export class LockMachine {
  private readonly cfg: LockConfig;
  private closed = false;
  private phase: ProcessPhase = 'attached';
  private phaseDetail = '';
  private unreachable: string | null = null;
  private replied = false;
  private portState: PortState | null = null;
  private gmIdentity: string | null = null;
  private clockIdentity: string | null = null;
  private domain = 0;
  private utcOffset = 37;
  private offsetNs: number | null = null;
  private pathDelayNs: number | null = null;
  private lastIngress: bigint | null = null;
  private lastSyncAt: number | null = null;
  private good = 0;
  private bad = 0;
  private latched = false;
  private lastLockedAt: number | null = null;
  /** The grandmaster of the last lock: what a holdover still runs on, whatever ptp4l follows meanwhile. */
  private lockedGm: string | null = null;

  constructor(cfg: Partial<LockConfig> = {}) {
    this.cfg = { ...DEFAULT_LOCK_CONFIG, ...cfg };
  }

  observe(o: Observation, now: number): void {
    switch (o.type) {
      case 'closed':
        this.closed = true;
        return;
      case 'process':
        this.phase = o.phase;
        this.phaseDetail = o.detail;
        if (o.phase !== 'running' && o.phase !== 'attached') this.forgetPtp4l();
        return;
      case 'unreachable':
        this.unreachable = o.reason;
        this.resetSamples();
        return;
      case 'portState':
        this.replied = true;
        this.unreachable = null;
        if (o.portState !== this.portState && o.portState !== 'SLAVE') this.resetSamples();
        this.portState = o.portState;
        return;
      case 'grandmaster':
        this.setGrandmaster(o.gmIdentity);
        return;
      case 'defaultDataSet':
        this.replied = true;
        this.unreachable = null;
        this.clockIdentity = o.clockIdentity;
        this.domain = o.domain;
        return;
      case 'utcOffset':
        this.utcOffset = o.seconds;
        return;
      case 'pathDelay':
        this.pathDelayNs = o.ns;
        return;
      case 'timeStatus':
        this.replied = true;
        this.unreachable = null;
        this.onTimeStatus(o, now);
        return;
    }
  }

  evaluate(now: number): Verdict {
    const base = this.baseVerdict(now);
    if (base.state === 'locked') {
      this.lastLockedAt = now;
      this.lockedGm = base.gmIdentity;
    }
    return base;
  }

  private baseVerdict(now: number): Verdict {
    const v = (state: LockState, reason: string, gm: string | null = null, live = false): Verdict => ({
      state,
      reason,
      gmIdentity: gm,
      portState: this.portState,
      domain: this.domain,
      utcOffset: this.utcOffset,
      offsetNs: live ? this.offsetNs : null,
      pathDelayNs: live ? this.pathDelayNs : null,
      clockIdentity: this.clockIdentity,
    });
    const holdoverLeft = this.lastLockedAt === null ? -1 : this.cfg.holdoverMs - (now - this.lastLockedAt);
    const holdover = (reason: string, live = false): Verdict =>
      v('holdover', `${reason}; holding over on the local clock (at most ${Math.ceil(this.cfg.holdoverMs / 1000)} s)`, this.lockedGm, live);
    const lost = (reason: string): Verdict => (holdoverLeft > 0 ? holdover(reason) : v('unlocked', reason));
    // Regaining a lock is still holdover while it lasts: the streams' clock reference (the SDP) stays the
    // last grandmaster's instead of going to "traceable" and back, each change a re-announcement.
    const locking = (reason: string, gm: string | null, live: boolean): Verdict =>
      holdoverLeft > 0 ? holdover(`not locked again yet: ${reason}`, live) : v('locking', reason, gm, live);

    if (this.closed) return v('disabled', 'PTP monitor closed');
    if (this.phase === 'missing') return v('disabled', this.phaseDetail);
    if (this.phase === 'stopped') return v('disabled', this.phaseDetail || 'ptp4l stopped');
    if (this.phase === 'backoff') return lost(this.phaseDetail);
    if (this.phase === 'starting') return holdoverLeft > 0 ? lost(this.phaseDetail) : v('starting', this.phaseDetail);
    if (this.unreachable !== null) {
      if (!this.replied && this.phase === 'running') return v('starting', `waiting for ptp4l to answer: ${this.unreachable}`);
      return lost(this.unreachable);
    }
    if (!this.replied || this.portState === null) return v('starting', 'waiting for the first answer from ptp4l');

    switch (this.portState) {
      case 'FAULTY':
      case 'DISABLED':
        return lost(`ptp4l port is ${this.portState}`);
      case 'INITIALIZING':
      case 'LISTENING':
      case 'PASSIVE':
        return holdoverLeft > 0
          ? lost(`grandmaster lost (port ${this.portState})`)
          : v('listening', `no grandmaster selected yet (port ${this.portState}); waiting for Announce messages`);
      case 'PRE_MASTER':
        return v('locking', 'this clock is about to become grandmaster (port PRE_MASTER)', this.clockIdentity);
      case 'MASTER':
        return v('locked', 'this clock is the grandmaster (port MASTER)', this.clockIdentity);
      case 'UNCALIBRATED':
      case 'SLAVE':
        return this.followerVerdict(now, v, lost, locking);
    }
  }

  private followerVerdict(
    now: number,
    v: (s: LockState, r: string, gm?: string | null, live?: boolean) => Verdict,
    lost: (r: string) => Verdict,
    locking: (r: string, gm: string | null, live: boolean) => Verdict,
  ): Verdict {
    const gm = this.gmIdentity;
    if (this.lastSyncAt === null) return locking(`following ${gm ?? 'a grandmaster'}; waiting for Sync`, gm, false);
    const age = now - this.lastSyncAt;
    if (age > this.cfg.staleMs) {
      this.latched = false;
      return lost(`no Sync from grandmaster ${gm ?? '?'} for more than ${(this.cfg.staleMs / 1000).toFixed(1)} s`);
    }
    if (this.portState === 'UNCALIBRATED') return locking('servo calibrating (port UNCALIBRATED)', gm, true);
    if (this.latched) return v('locked', `locked to grandmaster ${gm ?? '?'}`, gm, true);
    return locking(`following ${gm ?? '?'}; waiting for ${this.cfg.lockSamples} consecutive offsets within ±${this.cfg.offsetThresholdNs} ns`, gm, true);
  }

  private onTimeStatus(o: Extract<Observation, { type: 'timeStatus' }>, now: number): void {
    // TIME_STATUS_NP names the parent data set's grandmaster, which is this clock itself until the port
    // follows a foreign master (a ptp4l just restarted, a LISTENING port): no grandmaster to follow.
    if (this.portState === 'SLAVE' || this.portState === 'UNCALIBRATED') this.setGrandmaster(o.gmIdentity);
    if (o.ingressTimeNs === 0n) return; // no Sync processed since ptp4l started
    const advanced = this.lastIngress !== null && o.ingressTimeNs !== this.lastIngress;
    this.lastIngress = o.ingressTimeNs;
    // Software timestamps are CLOCK_REALTIME (UTC); a PHC normally runs on TAI. Take whichever is plausible.
    const ingressMs = Number(o.ingressTimeNs / 1_000_000n);
    const candidates = [ingressMs, ingressMs - this.utcOffset * 1000];
    const best = candidates.reduce((a, b) => (Math.abs(now - a) <= Math.abs(now - b) ? a : b));
    if (Math.abs(now - best) <= PLAUSIBLE_INGRESS_MS) this.lastSyncAt = Math.max(this.lastSyncAt ?? best, Math.min(best, now));
    else if (advanced) this.lastSyncAt = now;
    if (!advanced) return; // the same Sync seen twice is not a new sample
    this.offsetNs = o.masterOffsetNs;
    if (Math.abs(o.masterOffsetNs) <= this.cfg.offsetThresholdNs) {
      this.good++;
      this.bad = 0;
      if (this.good >= this.cfg.lockSamples) this.latched = true;
    } else {
      this.bad++;
      this.good = 0;
      if (this.bad >= this.cfg.lockSamples) this.latched = false;
    }
  }

  private setGrandmaster(id: string): void {
    // A reply raced with a port change can still name this clock: a follower never follows itself.
    if (id === this.gmIdentity || id === this.clockIdentity) return;
    if (this.gmIdentity !== null) this.resetSamples();
    this.gmIdentity = id;
  }

  private resetSamples(): void {
    this.good = 0;
    this.bad = 0;
    this.latched = false;
  }

  private forgetPtp4l(): void {
    this.resetSamples();
    this.replied = false;
    this.unreachable = null;
    this.portState = null;
    this.lastIngress = null;
    this.lastSyncAt = null;
    this.offsetNs = null;
    this.pathDelayNs = null;
  }
}
