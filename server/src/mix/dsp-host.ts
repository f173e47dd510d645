import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { StripSettings } from './channel-strip.js';
import type { DspInit, FromDsp, ProgramSpec, ToDsp } from './dsp-protocol.js';
import type { FeedSource } from './feed-protocol.js';
import type { InputRequest, InputSpec } from './inputs.js';
import type { LiveInputStats } from '../audio/input.js';

/** The last report of a program's live input. */
export interface LiveReport {
  program: number;
  sampleRate: number;
  input: InputSpec;
  stats: LiveInputStats;
}

/** Whether the request describes the input the worker built (a player feed never reports, so never matches). */
function sameInput(req: InputRequest | null, spec: InputSpec): boolean {
  if (!req || req.kind === 'player' || spec.kind === 'player') return false;
  return JSON.stringify(req) === JSON.stringify(spec);
}

/** More crashes than this within RESTART_WINDOW_MS is a bug that restarting will not fix. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

interface ProgramState {
  spec: ProgramSpec;
  strips: Map<number, StripSettings>;
  routing: { gains: number[][] | null; input: InputRequest | null } | null;
}

/**
 * The main thread's handle on the DSP worker. It posts commands and keeps what it posted, so a worker that
 * dies is replaced and brought back to the same programs, strips and routing (feeds reconnect and the
 * player decodes again from what was last heard); the streams carry silence in between. A worker that
 * keeps dying is reported through `onFatal` instead of being restarted forever.
 */
export class DspHost {
  private worker: Worker;
  private readonly programs = new Map<number, ProgramState>();
  private muteAll = false;
  /** Feed sources connected to the current worker, by the number the worker knows them under. */
  private feeds = new Map<FeedSource, number>();
  private nextFeed = 1;
  private crashes: number[] = [];
  /** Workers started again after a failure, since the daemon started. */
  restarts = 0;
  private readonly live = new Map<number, LiveReport>();
  private lastError: Error | null = null;
  private stopped: Promise<void> | null = null;

  /** Why the worker runs without the real-time priority it asked for, once warned. */
  private warnedRealtime = false;
  /** The current worker's SCHED_FIFO priority as the kernel reports it (0: an ordinary thread), once it started. */
  realtimePriority: number | null = null;

  constructor(
    private readonly log: Logger,
    private readonly onFatal: (e: Error) => void,
    private readonly init: DspInit = { realtimePriority: 0 },
  ) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const w = new Worker(new URL('./dsp-worker.js', import.meta.url), { workerData: this.init });
    w.on('message', (m: FromDsp) => {
      if (w !== this.worker) return;
      if (m.type === 'thread') {
        this.realtimePriority = m.realtime.priority ?? 0;
        if (m.realtime.reason && !this.warnedRealtime) {
          this.warnedRealtime = true;
          this.log.warn({ nice: m.nice }, `the DSP worker runs without real-time scheduling, so other work on the host can hold it past its 100 ms lead (silence on the wire): ${m.realtime.reason}`);
        }
        return;
      }
      if (m.type === 'inputFailed') {
        this.live.delete(m.id);
        this.log.error({ program: m.id, err: m.message }, 'program input failed: it plays silence until the routing changes');
        return;
      }
      const p = this.programs.get(m.id);
      // A report posted before the routing changed describes an input that is gone.
      if (p && sameInput(p.routing?.input ?? null, m.input)) {
        this.live.set(m.id, { program: m.id, sampleRate: p.spec.sampleRate, input: m.input, stats: m.stats });
      }
    });
    w.on('error', (e) => (this.lastError = e));
    w.on('exit', (code) => this.onExit(w, code));
    return w;
  }

  private onExit(w: Worker, code: number): void {
    if (this.stopped || w !== this.worker) return;
    const err = this.lastError ?? new Error(`the DSP worker exited with code ${code}`);
    this.lastError = null;
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.crashes.length > MAX_RESTARTS) {
      this.log.fatal({ err: err.stack ?? err.message, crashes: this.crashes.length }, `DSP worker failed ${this.crashes.length} times in ${RESTART_WINDOW_MS / 1000} s: giving up`);
      this.onFatal(err);
      return;
    }
    this.log.error({ err: err.stack ?? err.message, crashes: this.crashes.length }, 'DSP worker failed: restarting it; the streams carry silence meanwhile');
    this.restarts++;
    this.live.clear();
    this.worker = this.spawn();
    this.feeds = new Map();
    this.replay();
  }

  private replay(): void {
    this.send({ type: 'muteAll', mute: this.muteAll });
    for (const p of this.programs.values()) {
      this.send({ type: 'addProgram', program: p.spec });
      for (const [channel, settings] of p.strips) this.send({ type: 'setStrip', id: p.spec.id, channel, settings });
      if (p.routing) this.send({ type: 'setRouting', id: p.spec.id, gains: p.routing.gains, input: this.resolve(p.routing.input) });
    }
  }

  /** Posts a command to the current worker (a command it does not know ends it: the restart path). */
  send(m: ToDsp): void {
    this.worker.postMessage(m);
  }

  /** A feed source becomes a number the worker knows; its port moves to the worker the first time. */
  private resolve(req: InputRequest | null): InputSpec | null {
    if (req?.kind !== 'player') return req;
    let feed = this.feeds.get(req.source);
    if (feed === undefined) {
      feed = this.nextFeed++;
      this.feeds.set(req.source, feed);
      const port = req.source.connect();
      this.worker.postMessage({ type: 'attachFeed', feed, port } satisfies ToDsp, [port]);
    }
    return { kind: 'player', feed };
  }

  addProgram(spec: ProgramSpec): void {
    this.programs.set(spec.id, { spec, strips: new Map(), routing: null });
    this.send({ type: 'addProgram', program: spec });
  }

  removeProgram(id: number): void {
    this.programs.delete(id);
    this.live.delete(id);
    this.send({ type: 'removeProgram', id });
  }

  setStrip(id: number, channel: number, settings: StripSettings): void {
    this.programs.get(id)?.strips.set(channel, settings);
    this.send({ type: 'setStrip', id, channel, settings });
  }

  freeChannel(id: number, channel: number): void {
    this.programs.get(id)?.strips.delete(channel);
    this.send({ type: 'freeChannel', id, channel });
  }

  setRouting(id: number, gains: number[][] | null, input: InputRequest | null): void {
    const p = this.programs.get(id);
    if (p) p.routing = { gains, input };
    const report = this.live.get(id);
    if (report && !sameInput(input, report.input)) this.live.delete(id);
    this.send({ type: 'setRouting', id, gains, input: this.resolve(input) });
  }

  /** The live inputs' latest reports, one per program that reads one. */
  liveInputs(): LiveReport[] {
    return [...this.live.values()];
  }

  identify(id: number, channel: number, seconds: number): void {
    this.send({ type: 'identify', id, channel, seconds });
  }

  setMuteAll(mute: boolean): void {
    if (mute === this.muteAll) return;
    this.muteAll = mute;
    this.send({ type: 'muteAll', mute });
  }

  /** Ends the worker; nothing is restarted after this. */
  stop(): Promise<void> {
    this.stopped ??= this.worker.terminate().then(() => undefined);
    return this.stopped;
  }
}
