import { buildSdp, type RefClock } from '@aes67/sap';
import type { Logger } from 'pino';
import type { RtpEngine, StreamCounters } from '../rtp/engine.js';
import type { Config, StoredStream } from '../config/schema.js';
import { channelLabel, describeStream } from '../streams/stream.js';
import { Program } from '../mix/program.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';
import { BUS_CHANNELS } from '../audio/input.js';
import type { Discovery } from './discovery.js';
import type { DspHost } from '../mix/dsp-host.js';
import type { FeedSource } from '../mix/feed-protocol.js';
import type { InputRequest } from '../mix/inputs.js';
import { claimGroup, GroupInUse, type GroupClaim } from '../net/group-claim.js';

export interface LiveStream {
  cfg: StoredStream;
  program: Program | null;
  firstChannel: number;
  engineId: number | null;
  /** This host's claim on the stream's destination (net/group-claim.ts), held while it sends. */
  claim: GroupClaim | null;
  sdp: string;
  error?: string;
}

/** The fields whose change needs a new RTP flow; anything else (name) only changes the SDP. */
const FLOW_KEYS = ['address', 'port', 'ttl', 'encoding', 'sampleRate', 'channels', 'ptimeUs', 'payloadType', 'enabled'] as const;

export interface PlayerInputs {
  /** The player's feed for a program at `rate`, or null when it has none for that rate. */
  input(rate: number): FeedSource | null;
}

const TONE: InputRequest = { kind: 'tone' };

/** A stream a change could not start or announce, and why. */
export interface StreamFailure {
  id: string;
  error: string;
  /** Set when another sender on this host already sends the stream's destination. */
  code?: 'group_in_use';
}

/** Makes the engine, programs and announcements match the configuration, touching only what changed. */
export class Runtime {
  readonly streams = new Map<string, LiveStream>();
  private readonly programs = new Map<string, Program>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly engine: RtpEngine,
    private readonly dsp: DspHost,
    private readonly discovery: Discovery,
    private readonly node: { name: string; address: string; loopback: boolean },
    private readonly clock: () => RefClock,
    private readonly player: PlayerInputs,
    private readonly log: Logger,
    /** Programs play their input once, start to end (aes67 play), instead of running continuously. */
    private readonly gated = false,
  ) {}

  /**
   * Applies changes one after another, in the order the store committed them. Resolves with the streams
   * this change could not start or announce (each keeps its error in its view; the others run on).
   */
  apply(cfg: Config): Promise<StreamFailure[]> {
    const run = this.chain.then(() => this.reconcile(cfg));
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async reconcile(cfg: Config): Promise<StreamFailure[]> {
    const failures: StreamFailure[] = [];
    const wanted = new Map(cfg.streams.map((s) => [s.id, s]));
    for (const [id, live] of this.streams) {
      const next = wanted.get(id);
      if (!next || FLOW_KEYS.some((k) => next[k] !== live.cfg[k])) this.tearDown(live);
    }
    for (const s of cfg.streams) {
      const live = this.streams.get(s.id);
      if (live) {
        live.cfg = s;
        this.announceOrFail(live, failures);
      } else await this.bringUp(s, failures);
    }
    for (const [key, p] of this.programs) {
      if (!p.empty) continue;
      this.programs.delete(key);
      p.stop();
    }
    this.configureMix(cfg);
    return failures;
  }

  private announceOrFail(live: LiveStream, failures: StreamFailure[]): void {
    try {
      this.announce(live);
    } catch (e) {
      live.error = `cannot announce: ${(e as Error).message}`;
      failures.push({ id: live.cfg.id, error: live.error });
      this.log.error({ stream: live.cfg.id, err: live.error }, 'stream not announced');
    }
  }

  private tearDown(live: LiveStream): void {
    if (live.engineId !== null) this.engine.removeStream(live.engineId);
    live.claim?.release();
    live.program?.free(live.cfg.id);
    this.discovery.withdraw(live.cfg.id);
    this.streams.delete(live.cfg.id);
  }

  private program(rate: number, ptimeUs: number): Program {
    const key = `${rate}/${ptimeUs}`;
    let p = this.programs.get(key);
    if (!p) {
      p = new Program(this.engine, this.dsp, rate, ptimeUs, this.gated);
      this.programs.set(key, p);
    }
    return p;
  }

  private async bringUp(s: StoredStream, failures: StreamFailure[]): Promise<void> {
    const live: LiveStream = { cfg: s, program: null, firstChannel: 0, engineId: null, claim: null, sdp: '' };
    this.streams.set(s.id, live);
    if (!s.enabled) return;
    try {
      live.claim = await claimGroup(this.node.name, s.address, s.port, s.name);
    } catch (e) {
      if (e instanceof GroupInUse) {
        live.error = e.message;
        failures.push({ id: s.id, error: live.error, code: 'group_in_use' });
        this.log.error({ stream: s.id, err: live.error }, 'stream not started');
        return;
      }
      // The check is a safeguard: a host where it cannot run still sends.
      this.log.warn({ stream: s.id, err: (e as Error).message }, 'cannot check whether another sender on this host sends the same group');
    }
    const program = this.program(s.sampleRate, s.ptimeUs);
    const first = program.allocate(s.id, s.channels);
    if (first === null) {
      live.error = `more than ${PROGRAM_CHANNELS} channels at ${s.sampleRate} Hz / ${s.ptimeUs} us`;
      failures.push({ id: s.id, error: live.error });
      return;
    }
    live.program = program;
    live.firstChannel = first;
    try {
      const e = await this.engine.addStream(
        {
          sourceId: program.source.id,
          firstChannel: first,
          channels: s.channels,
          encoding: s.encoding,
          payloadType: s.payloadType,
          address: s.address,
          port: s.port,
          ttl: s.ttl,
          interfaceAddress: this.node.address,
          loopback: this.node.loopback,
        },
        program.source.framesPerPacket,
      );
      live.engineId = e.id;
    } catch (e) {
      live.claim?.release();
      live.claim = null;
      live.error = (e as Error).message;
      failures.push({ id: s.id, error: live.error });
      this.log.error({ stream: s.id, err: live.error }, 'stream not started');
      return;
    }
    this.announceOrFail(live, failures);
  }

  /** The media interface (or its address) changed: streams started from now bind to it and claim their groups on it, and every SDP names it. */
  setAddress(name: string, address: string): void {
    this.node.name = name;
    this.node.address = address;
  }

  /**
   * Moved to another interface: each running stream claims its group there and lets the old claim go,
   * so another sender on this host that starts the same group on the new interface is refused. A group
   * already sent there by someone else is said once per stream; the stream keeps sending.
   */
  reclaim(): Promise<void> {
    const run = this.chain.then(async () => {
      for (const live of this.streams.values()) {
        if (!live.claim) continue;
        const s = live.cfg;
        try {
          const claim = await claimGroup(this.node.name, s.address, s.port, s.name);
          live.claim.release();
          live.claim = claim;
        } catch (e) {
          this.log.error({ stream: s.id, err: (e as Error).message }, 'stream moved to an interface where its group is already sent: both reach the speakers');
        }
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Publishes every running stream's SDP again, derived anew, in turn with the changes being applied. */
  reannounce(): Promise<void> {
    const run = this.chain.then(() => {
      for (const live of this.streams.values()) this.announceOrFail(live, []);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** (Re)publishes the SDP; the clock reference comes from the live PTP state. */
  private announce(live: LiveStream): void {
    if (live.engineId === null) return;
    const s = live.cfg;
    const labels = s.channels === 1 ? [s.name] : Array.from({ length: s.channels }, (_, c) => channelLabel(c, s.channels));
    live.sdp = buildSdp(describeStream({ ...s, channelLabels: labels }, { address: this.node.address }, this.clock(), Number(s.sdpVersion)));
    this.discovery.publish(s.id, live.sdp, s.name);
  }

  private configureMix(cfg: Config): void {
    const bySlot = new Map(cfg.speakers.filter((sp) => sp.streamId !== null).map((sp) => [`${sp.streamId}/${sp.channel}`, sp]));
    const rows = new Map<Program, number[][]>();
    const terms = new Map<string, number[]>();
    for (const e of cfg.routing.entries) {
      const live = this.streams.get(e.streamId);
      if (!live?.program) continue;
      const out = live.firstChannel + e.channel;
      const gains = rows.get(live.program) ?? Array.from({ length: PROGRAM_CHANNELS }, () => new Array<number>(BUS_CHANNELS).fill(0));
      gains[out][e.input] += e.gainDb === null ? 0 : 10 ** (e.gainDb / 20);
      rows.set(live.program, gains);
      const key = `${e.streamId}/${e.channel}`;
      terms.set(key, [...(terms.get(key) ?? []), e.gainDb === null ? 0 : 10 ** (e.gainDb / 20)]);
    }
    for (const live of this.streams.values()) {
      if (!live.program) continue;
      for (let c = 0; c < live.cfg.channels; c++) {
        const sp = bySlot.get(`${live.cfg.id}/${c}`);
        const t = terms.get(`${live.cfg.id}/${c}`) ?? [];
        live.program.setStrip(live.firstChannel + c, {
          bits: live.cfg.encoding === 'L16' ? 16 : 24,
          gainDb: sp ? sp.gainDb : 0,
          mute: sp?.mute ?? false,
          delayMs: sp?.delayMs ?? 0,
          // An unrouted channel carries exact zeros, which need no dither either.
          identityRoute: t.length === 0 || (t.length === 1 && t[0] === 1),
        });
      }
    }
    // A FIFO can be read once: only the first routed program gets it (the config check allows one).
    let fifoTaken = false;
    for (const p of this.programs.values()) {
      const gains = rows.get(p) ?? null;
      let input = this.input(cfg.routing.source, p.sampleRate);
      if (input?.kind === 'fifo') {
        if (!gains || fifoTaken) input = null;
        fifoTaken ||= input !== null;
      }
      p.setRouting(gains, input);
    }
  }

  /** What a program at `rate` reads for the configured source. */
  private input(source: Config['routing']['source'], rate: number): InputRequest | null {
    if (source === 'tone') return TONE;
    if (source === 'player') {
      const feed = this.player.input(rate);
      return feed && { kind: 'player', source: feed };
    }
    return source;
  }

  counters(live: LiveStream): StreamCounters | null {
    return live.engineId === null ? null : this.engine.counters(live.engineId);
  }

  setMuteAll(mute: boolean): void {
    this.dsp.setMuteAll(mute);
  }

  identify(streamId: string, channel: number, seconds: number): boolean {
    const live = this.streams.get(streamId);
    return live?.program?.identify(live.firstChannel + channel, seconds) ?? false;
  }

  /** Starts the next meter window of every program (Program.meter() reads the one before). */
  requestMeters(): void {
    for (const p of this.programs.values()) p.requestMeters();
  }

  async stop(): Promise<void> {
    await this.chain;
    for (const live of [...this.streams.values()]) this.tearDown(live);
    for (const p of this.programs.values()) p.stop();
    this.programs.clear();
  }
}
