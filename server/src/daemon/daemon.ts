import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { RtpEngine, type ClockStep } from '../rtp/engine.js';
import type { Config } from '../config/schema.js';
import { resolveInterface, type ResolvedInterface } from '../net/interface.js';
import { ConfigStore } from './store.js';
import { bumpAllVersions } from '../config/edits.js';
import { DomainError, EXIT, UserError } from '../errors.js';
import { Discovery } from './discovery.js';
import { Runtime, type LiveStream } from './runtime.js';
import { ClockReference, type PtpView } from '../clock/reference.js';
import { DspHost } from '../mix/dsp-host.js';
import { dspRealtimePriority } from '../mix/dsp-protocol.js';
import type { FeedSource } from '../mix/feed-protocol.js';
import { liveInputView, type LiveInputView } from './live-view.js';
import type { StreamStats, StreamView } from './stream-view.js';
import { configProfileIssues } from '../config/profile-check.js';
import { Monitors } from './monitors.js';
import type { ProfileIssue } from '../streams/profiles.js';
import type { DaemonEvent } from './events.js';
import { InterfaceWatcher } from '../net/watch.js';
import { InterfaceFollower, type InterfaceView } from './interface-follower.js';

/** A stream's error is logged at most once per this long; the ones in between are counted in the next line. */
const STREAM_ERROR_LOG_MS = 10_000;

/**
 * A DSP worker that keeps failing, or a failed pacer, is a bug restarts will not fix in place: exit with
 * EX_SOFTWARE so the service manager (systemd Restart=on-failure, compose restart: unless-stopped)
 * restarts the daemon from its saved configuration, and the failure shows in its log.
 */
function exitForRestart(): void {
  process.exit(70);
}

/** What `aes67 play` sets that a configuration file does not. */
export interface DaemonOptions {
  /** Whether multicast loops back to this host, so receivers on it hear the streams (default true). */
  loopback?: boolean;
  /** TTL of the SAP announcements (default 32). */
  sapTtl?: number;
  /** Why PTP is off, as GET /ptp says it (default: off in the configuration). */
  ptpOffReason?: string;
  /**
   * The streams start with the input's first audio and end after its last, as a player that plays its
   * inputs once does (aes67 play); the daemon's run continuously, silence included (default false).
   */
  gated?: boolean;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

/** The running sender: configuration store, RTP engine, discovery and PTP, with views for the API. */
export class Daemon extends EventEmitter<{ event: [DaemonEvent]; stats: [StreamStats] }> {
  readonly engine: RtpEngine;
  readonly dsp: DspHost;
  readonly discovery: Discovery;
  readonly runtime: Runtime;
  readonly clock: ClockReference;
  private readonly watcher: InterfaceWatcher;
  private readonly follower: InterfaceFollower;
  private readonly errorLog = new Map<number, { at: number; suppressed: number }>();
  /** TAI-UTC the engine currently uses; the engine starts at 37 s. */
  private utcOffset = 37;
  /** The configuration the running state follows. */
  private applied: Config;
  /** Streams the console monitors, joined only while watched. */
  readonly monitors: Monitors;
  /** Each config's profile issues, computed once (views are built 4 times a second, and a change compares two configs). */
  private readonly issues = new WeakMap<Config, Map<string, ProfileIssue[]>>();
  private readonly meters = new Map<string, StreamView['meters']>();
  private statsTimer: NodeJS.Timeout | null = null;
  /** Whether the last stats tick had a live input to report (one empty event follows the last one). */
  private hadLive = false;
  private ptpLocked = false;
  /** What stop() is waiting for, so a stop that hangs can say where (serve.ts). */
  stopStep: string | null = null;
  readonly startedAt = Date.now();

  constructor(
    readonly store: ConfigStore,
    readonly iface: ResolvedInterface,
    readonly log: Logger,
    playerInput: (rate: number) => FeedSource | null,
    onFatal: (e: Error) => void = exitForRestart,
    opts: DaemonOptions = {},
  ) {
    super();
    const cfg = store.current;
    this.applied = cfg;
    this.engine = new RtpEngine(cfg.rtp);
    this.discovery = new Discovery(iface.address, cfg, log, opts.sapTtl);
    this.clock = new ClockReference(cfg.ptp, opts.ptpOffReason);
    this.dsp = new DspHost(log, onFatal, { realtimePriority: dspRealtimePriority(cfg.rtp.pacerRealtimePriority) });
    const node = { name: iface.name, address: iface.address, loopback: opts.loopback ?? true };
    this.runtime = new Runtime(this.engine, this.dsp, this.discovery, node, () => this.clock.refClock(), { input: playerInput }, log, opts.gated);
    this.engine.on('streamError', (id: number, message: string) => this.logStreamError(id, message));
    this.engine.on('warning', (message: string) => log.warn(message));
    this.engine.on('error', (e: Error) => {
      log.fatal({ err: e.message }, 'RTP pacer failed: exiting for a restart');
      onFatal(e);
    });
    // The streams' views carry their marking: show the new one once the pacer has applied it.
    this.engine.on('sendingSet', () => this.emit('event', { type: 'streams', data: this.streams() }));
    this.engine.on('clockStep', (step: ClockStep) => log.warn(step, 'clock step: streams re-anchored'));
    store.applyWith((next) => this.onChanged(next));
    this.watcher = new InterfaceWatcher(iface.name, iface.address);
    this.follower = new InterfaceFollower(this.watcher, iface.address, { engine: this.engine, discovery: this.discovery, runtime: this.runtime, bumpVersions: () => this.bumpVersions(), log });
    this.follower.on('change', (view) => this.emit('event', { type: 'interface', data: view }));
    this.monitors = new Monitors({
      find: (key) => {
        if (key.kind === 'stream') {
          const sdp = this.sdp(key.id);
          return sdp ? { sdp, from: `stream ${key.id}` } : null;
        }
        const r = this.discovery.remote.get(key.id);
        return r ? { sdp: r.sdp, from: `remote stream '${r.name}'` } : null;
      },
      iface: () => {
        const v = this.follower.view();
        return v.address ? { name: v.name, address: v.address } : null;
      },
      log,
      // Below the pacer and the DSP worker (ten below it): sending comes first.
      thread: { nice: cfg.rtp.pacerNice, realtimePriority: Math.max(0, cfg.rtp.pacerRealtimePriority - 20) },
    });
    // A watched stream may have moved (another group, port or format, or the interface): follow it.
    this.follower.on('change', () => void this.monitors.refresh());
    this.clock.on('status', (st) => {
      this.emit('event', { type: 'ptp', data: st });
      // RTP timestamps count TAI: follow the grandmaster's currentUtcOffset (a leap second re-anchors).
      if (st.utcOffset !== this.utcOffset) {
        this.utcOffset = st.utcOffset;
        this.engine.setUtcOffset(st.utcOffset);
      }
      this.runtime.setMuteAll(this.ptpMuted());
      this.logLock(st);
    });
    // A new grandmaster changes every SDP: bump the versions so receivers take the new ts-refclk.
    this.clock.on('refClock', () => void this.bumpVersions());
  }

  /** The lock-loss policy: mute while PTP runs but is not locked; PTP off (disabled) never mutes. */
  ptpMuted(): boolean {
    const st = this.clock.status();
    return st.policy === 'mute' && st.state !== 'disabled' && st.state !== 'locked';
  }

  /**
   * One line when the lock is gained or lost, not one per status: a ptp4l restart passes through several
   * reasons, which the API and the `ptp` events carry.
   */
  private logLock(st: PtpView): void {
    const locked = st.state === 'locked';
    if (locked === this.ptpLocked) return;
    this.ptpLocked = locked;
    if (locked) this.log.info({ gmIdentity: st.gmIdentity }, 'PTP locked');
    else this.log.warn({ ptp: st.state, reason: st.reason }, `PTP not locked: ${this.ptpMuted() ? 'the streams are muted' : 'the streams keep sending'} per the lock-loss policy`);
  }

  /**
   * Moves the streams and discovery to another media interface (a name or one of its addresses): the
   * follower rebinds them as for a new address, re-announcing every stream. Refused, and so undone,
   * when the host has no such interface with an IPv4 address.
   */
  private followInterface(spec: string): void {
    let to: ResolvedInterface;
    try {
      to = resolveInterface(spec);
    } catch (e) {
      throw new DomainError('invalid', 'invalid_interface', (e as Error).message, 'interface');
    }
    this.watcher.follow(to.name, to.address);
  }

  /** Resolves once the streams and discovery follow the media interface as last changed. */
  interfaceSettled(): Promise<void> {
    return this.follower.settled();
  }

  /** The media interface as the daemon follows it (GET /system, the `interface` event). */
  interfaceState(): InterfaceView {
    return this.follower.view();
  }

  /**
   * A failing stream (its interface lost its address, say) logs one line per STREAM_ERROR_LOG_MS, not
   * one per cause change; its sendErrors counter counts every packet.
   */
  private logStreamError(id: number, message: string): void {
    const now = Date.now();
    const last = this.errorLog.get(id);
    if (last && now - last.at < STREAM_ERROR_LOG_MS) {
      last.suppressed++;
      return;
    }
    this.log.error({ engineStream: id, err: message, interface: this.follower.view().reason || undefined, ...(last?.suppressed ? { suppressed: last.suppressed } : {}) }, 'stream error');
    this.errorLog.set(id, { at: now, suppressed: 0 });
  }

  async start(): Promise<void> {
    this.watcher.start();
    await this.discovery.start();
    // A stream the host cannot run (its interface lost multicast, say) shows its error; the others start.
    // One that another sender on this host already sends would only garble both: refuse to start.
    const taken = (await this.runtime.apply(this.store.current)).filter((f) => f.code === 'group_in_use');
    if (taken.length > 0) {
      await this.stop();
      const which = taken.map((f) => `stream '${f.id}': ${f.error}`).join('; ');
      throw new UserError(`${which}: give ${taken.length === 1 ? 'it' : 'them'} another address or port, or stop the other sender`, EXIT.groupInUse);
    }
    this.warnIssues(null, this.store.current);
    const remote = this.discovery.remote;
    remote.on('added', (stream) => this.emit('event', { type: 'remoteStream', data: { op: 'added', stream } }));
    remote.on('updated', (stream) => {
      this.emit('event', { type: 'remoteStream', data: { op: 'updated', stream } });
      void this.monitors.refresh();
    });
    remote.on('removed', (stream) => this.emit('event', { type: 'remoteStream', data: { op: 'removed', id: stream.id } }));
    this.statsTimer = setInterval(() => {
      this.emit('stats', this.stats());
      const live = this.liveInputs();
      if (live.length > 0 || this.hadLive) this.emit('event', { type: 'liveInputs', data: live });
      this.hadLive = live.length > 0;
    }, 250);
  }

  /**
   * The store's applier. It compares with what is running (`applied`), not with the store's previous
   * config: when a change fails and the store applies its previous config again, nothing that never
   * changed restarts (ptp4l, say).
   */
  private async onChanged(next: Config): Promise<void> {
    const failures = await this.runtime.apply(next);
    if (failures.length > 0) {
      throw new DomainError('conflict', 'not_applied', `the change could not run, so it was undone: ${failures.map((f) => `stream '${f.id}': ${f.error}`).join('; ')}`);
    }
    const prev = this.applied;
    if (next.interface !== prev.interface) this.followInterface(next.interface);
    this.applied = next;
    if (JSON.stringify(next.ptp) !== JSON.stringify(prev.ptp)) await this.clock.reconfigure(next.ptp);
    if (next.rtp.dscp !== prev.rtp.dscp || next.rtp.sendOffsetMs !== prev.rtp.sendOffsetMs) this.engine.setSending(next.rtp);
    this.runtime.setMuteAll(this.ptpMuted());
    const speakersChanged = JSON.stringify(next.speakers) !== JSON.stringify(prev.speakers);
    this.warnIssues(prev, next);
    // A speaker's profile or patch changes its stream's issues, so the streams go out then too.
    if (next.streams !== prev.streams || speakersChanged) this.emit('event', { type: 'streams', data: this.streams() });
    if (next.streams !== prev.streams) void this.monitors.refresh();
    if (speakersChanged) this.emit('event', { type: 'speakers', data: next.speakers });
    if (JSON.stringify(next.routing) !== JSON.stringify(prev.routing)) this.emit('event', { type: 'routing', data: next.routing });
  }


  private async bumpVersions(): Promise<void> {
    await this.store
      .update(bumpAllVersions)
      .catch((e: Error) => this.log.error({ err: e.message }, 'could not bump the SDP versions to re-announce the streams'));
  }

  private issuesOf(cfg: Config): Map<string, ProfileIssue[]> {
    let m = this.issues.get(cfg);
    if (!m) this.issues.set(cfg, (m = configProfileIssues(cfg)));
    return m;
  }

  private profileIssues(id: string): ProfileIssue[] {
    return this.issuesOf(this.store.current).get(id) ?? [];
  }

  /** A config that breaks a receiver profile runs, and says so in the log: at start, and once per new issue. */
  private warnIssues(prev: Config | null, next: Config): void {
    const before = new Set(prev ? [...this.issuesOf(prev).values()].flat().map((i) => i.text) : []);
    for (const [stream, list] of this.issuesOf(next)) {
      for (const i of list.filter((x) => !before.has(x.text))) this.log.warn({ stream, profile: i.profile, rule: i.rule }, `${i.text}: ${i.fix}`);
    }
  }

  private view(live: LiveStream): StreamView {
    const c = this.runtime.counters(live);
    const { cfg } = live;
    return {
      ...cfg,
      counters: { packets: c?.packets ?? 0, bytes: c?.bytes ?? 0, latePackets: c?.latePackets ?? 0, maxLatenessUs: c?.maxLatenessUs ?? 0, underruns: c?.underruns ?? 0, sendErrors: c?.sendErrors ?? 0 },
      meters: this.meters.get(cfg.id) ?? { peakDb: new Array<null>(cfg.channels).fill(null), rmsDb: new Array<null>(cfg.channels).fill(null), clips: 0 },
      dscp: c ? { requested: c.dscp.requested, marked: c.dscp.marked, ...(c.dscp.reason ? { reason: c.dscp.reason } : {}) } : { requested: this.store.current.rtp.dscp, marked: false, reason: 'the stream is not sending' },
      ...(live.error ? { error: live.error } : {}),
      profileIssues: this.profileIssues(cfg.id),
    };
  }

  streams(): StreamView[] {
    return this.store.current.streams.map((s) => this.runtime.streams.get(s.id)).filter((l): l is LiveStream => l !== undefined).map((l) => this.view(l));
  }

  stream(id: string): StreamView | undefined {
    const live = this.runtime.streams.get(id);
    return live && this.view(live);
  }

  sdp(id: string): string | undefined {
    const sdp = this.runtime.streams.get(id)?.sdp;
    return sdp === '' ? undefined : sdp;
  }

  /** The live inputs the DSP worker reads, as it last reported them. */
  liveInputs(): LiveInputView[] {
    return this.dsp.liveInputs().flatMap((r) => liveInputView(r) ?? []);
  }

  /** Reads the meters (the window since the previous call), starts the next, and returns counters and meters per stream. */
  private stats(): StreamStats {
    for (const live of this.runtime.streams.values()) {
      if (!live.program) continue;
      const m: StreamView['meters'] = { peakDb: [], rmsDb: [], clips: 0 };
      for (let c = 0; c < live.cfg.channels; c++) {
        const r = live.program.meter(live.firstChannel + c);
        if (!r) continue;
        m.peakDb.push(finiteOrNull(r.peakDb));
        m.rmsDb.push(finiteOrNull(r.rmsDb));
        m.clips += r.clips;
      }
      this.meters.set(live.cfg.id, m);
    }
    this.runtime.requestMeters();
    const out: StreamStats = {};
    for (const v of this.streams()) out[v.id] = { counters: v.counters, meters: v.meters };
    return out;
  }

  /** Graceful stop: queued config writes finish, SAP deletions go out, ptp children stop. */
  async stop(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.watcher.stop();
    const steps: [string, () => Promise<unknown>][] = [
      ['the interface follower', () => this.follower.settled()],
      ['the config store', () => this.store.flush()],
      ['discovery (SAP, RAVENNA)', () => this.discovery.stop()],
      ['the monitors', () => this.monitors.stop()],
      ['the streams', () => this.runtime.stop()],
      ['the DSP worker', () => this.dsp.stop()],
      ['the PTP monitor', () => this.clock.stop()],
      ['the RTP engine', () => this.engine.stop()],
    ];
    for (const [name, step] of steps) {
      this.stopStep = name;
      await step();
    }
  }
}
