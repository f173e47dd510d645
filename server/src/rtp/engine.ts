import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { EventEmitter } from 'node:events';
import { randomInt } from 'node:crypto';
import { SampleRing } from './ring.js';
import { UserError } from '../errors.js';
import { checkSourceFormat, packetShape } from './format.js';
import { resolveInterface } from '../net/interface.js';
import type { DscpState } from './dscp.js';
import { RTP_DEFAULTS, checkRtpInteger } from './defaults.js';
import type { EngineOptions, EngineSource, EngineStream, PacerCounters, SourceOptions, StreamCounters, StreamOptions } from './engine-types.js';
import { PACER_FIELDS, PacerStat, STAT_FIELDS, Stat, type FromPacer, type PacerInfo, type PacerInit, type ToPacer } from './protocol.js';

export type { EngineOptions, SourceOptions, StreamOptions, StreamCounters, PacerCounters, EngineSource, EngineStream } from './engine-types.js';
export type { ClockStep } from './protocol.js';

/** What a rebind did: the engine stream ids now sending from the new address, and those that could not. */
export interface RebindResult {
  rebound: number[];
  failed: { id: number; message: string }[];
}

/**
 * V8's memory reducer takes a heap that allocates almost nothing, as the pacer's does, for an idle one
 * and about 8 s after start runs full mark-compacts to shrink it: 2-3.3 ms pauses of every stream, the
 * only garbage collections of the pacer after its start-up (measured with --trace-gc, 8 streams, 20 s).
 * V8 flags are per process; this one takes effect for isolates created after it is set, so it is set
 * before the pacer's worker starts. The cost: this process's idle heaps are no longer shrunk.
 */
function disableMemoryReducer(): void {
  setFlagsFromString('--no-memory-reducer');
}

/**
 * Main-thread handle on the pacer worker. Sources are sample rings the caller fills; streams are
 * RTP flows cut from a source's channels. Events: 'sourceStarted', 'sourceEnded', 'clockStep' (a ClockStep),
 * 'streamError', 'sendingSet' (setSending applied: counters() show the new marking), 'warning' (a message,
 * once per distinct cause, e.g. packets left unmarked), and 'error' once if the pacer fails.
 */
export class RtpEngine extends EventEmitter {
  private readonly worker: Worker;
  private readonly stats: Float64Array;
  private readonly pacerStats: Float64Array;
  private readonly wake: Int32Array;
  private readonly freeSlots: number[];
  private readonly slots = new Map<number, number>();
  private readonly sourceFormats = new Map<number, { sampleRate: number; ptimeUs: number }>();
  private readonly pendingReady = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly pendingRebinds = new Map<number, (r: RebindResult) => void>();
  private rebindSeq = 0;
  private readonly dscpStates = new Map<number, DscpState>();
  private readonly warned = new Set<string>();
  private defaultDscp: number;
  /** Streams that follow the engine's DSCP (added without their own), which setSending re-marks. */
  private readonly defaultDscpStreams = new Set<number>();
  private sendOffsetMs: number;
  private thread: PacerInfo | null = null;
  private nextId = 1;
  private stopped: Promise<void> | null = null;
  private failed = false;
  private exited = false;

  constructor(opts: EngineOptions = {}) {
    super();
    if (opts.nativeSend ?? true) disableMemoryReducer();
    const maxStreams = opts.maxStreams ?? 256;
    const init: PacerInit = {
      stats: new SharedArrayBuffer(maxStreams * STAT_FIELDS * Float64Array.BYTES_PER_ELEMENT),
      pacer: new SharedArrayBuffer(PACER_FIELDS * Float64Array.BYTES_PER_ELEMENT),
      wake: new SharedArrayBuffer(4),
      utcOffsetS: opts.utcOffsetS ?? 37,
      sendOffsetMs: opts.sendOffsetMs ?? RTP_DEFAULTS.sendOffsetMs,
      spinUs: opts.spinUs ?? 250,
      nice: opts.pacerNice ?? RTP_DEFAULTS.pacerNice,
      realtimePriority: checkRtpInteger('pacerRealtimePriority', opts.pacerRealtimePriority ?? RTP_DEFAULTS.pacerRealtimePriority),
      nativeSend: opts.nativeSend ?? true,
    };
    this.defaultDscp = opts.dscp ?? RTP_DEFAULTS.dscp;
    this.sendOffsetMs = init.sendOffsetMs;
    this.stats = new Float64Array(init.stats);
    this.pacerStats = new Float64Array(init.pacer);
    this.wake = new Int32Array(init.wake);
    this.freeSlots = Array.from({ length: maxStreams }, (_, i) => maxStreams - 1 - i);
    this.worker = new Worker(new URL('./pacer-worker.js', import.meta.url), { workerData: init });
    this.worker.on('message', (m: FromPacer) => this.onMessage(m));
    // A failed pacer sends nothing: say so once ('error': the daemon exits for its service manager to
    // restart it, `aes67 play` exits 1) rather than leave every stream silently stopped.
    this.worker.on('error', (e) => this.fail(e.message));
    this.worker.on('exit', (code) => {
      this.exited = true;
      for (const resolve of this.pendingRebinds.values()) resolve({ rebound: [], failed: [] });
      this.pendingRebinds.clear();
      if (!this.stopped) this.fail(`the thread exited with code ${code}`);
    });
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    this.emit('error', new Error(`the RTP pacer failed, so no stream sends any more: ${why}`));
  }

  private send(m: ToPacer): void {
    this.worker.postMessage(m);
    Atomics.add(this.wake, 0, 1);
    Atomics.notify(this.wake, 0);
  }

  private onMessage(m: FromPacer): void {
    switch (m.type) {
      case 'streamReady':
        this.noteDscp(m.id, m.dscp);
        this.pendingReady.get(m.id)?.resolve();
        this.pendingReady.delete(m.id);
        break;
      case 'sendingSet':
        for (const { id, dscp } of m.streams) if (this.slots.has(id)) this.noteDscp(id, dscp);
        this.emit('sendingSet');
        break;
      case 'streamError': {
        const pending = this.pendingReady.get(m.id);
        if (pending) {
          pending.reject(new Error(m.message));
          this.pendingReady.delete(m.id);
        } else this.emit('streamError', m.id, m.message);
        break;
      }
      case 'rebound': {
        for (const { id, dscp } of m.streams) if (this.slots.has(id)) this.noteDscp(id, dscp);
        this.pendingRebinds.get(m.seq)?.({ rebound: m.streams.map((x) => x.id), failed: m.failed });
        this.pendingRebinds.delete(m.seq);
        break;
      }
      case 'sourceStarted':
        this.emit('sourceStarted', m.id, m.firstSample);
        break;
      case 'sourceEnded':
        this.emit('sourceEnded', m.id);
        break;
      case 'clockStep':
        this.emit('clockStep', m);
        break;
      case 'pacerThread':
        this.thread = m.info;
        if (m.info.realtime.reason) this.warnOnce(`the pacer runs without real-time scheduling, so busy kernel threads can delay packets by milliseconds: ${m.info.realtime.reason}`);
        if (!m.info.send.native) this.warnOnce(`packets are sent through dgram, which allocates per packet and so adds garbage-collection pauses to the pacing: ${m.info.send.reason}`);
        break;
      case 'stopped':
        break;
    }
  }

  /** What a stream's socket reports of its marking: kept for counters(), and a warning when it did not take. */
  private noteDscp(id: number, dscp: DscpState): void {
    this.dscpStates.set(id, dscp);
    if (dscp.reason && dscp.requested !== 0) this.warnOnce(`packets are sent without DSCP ${dscp.requested}: ${dscp.reason}`);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.emit('warning', message);
  }

  addSource(opts: SourceOptions): EngineSource {
    const fpp = checkSourceFormat(opts.sampleRate, opts.ptimeUs);
    const ring = SampleRing.create(opts.channels, (opts.sampleRate * (opts.bufferMs ?? 500)) / 1000);
    const id = this.nextId++;
    this.sourceFormats.set(id, { sampleRate: opts.sampleRate, ptimeUs: opts.ptimeUs });
    const prefill = Math.min(ring.frames, Math.round((opts.sampleRate * (opts.prefillMs ?? 100)) / 1000));
    this.send({ type: 'addSource', source: { id, ring: ring.handle, sampleRate: opts.sampleRate, framesPerPacket: fpp, prefillFrames: prefill } });
    return { id, ring, framesPerPacket: fpp };
  }

  removeSource(id: number): void {
    this.sourceFormats.delete(id);
    this.send({ type: 'removeSource', id });
  }

  /** Resolves once the stream's socket is bound and connected; rejects on a socket error. */
  async addStream(opts: StreamOptions, framesPerPacket: number): Promise<EngineStream> {
    const format = this.sourceFormats.get(opts.sourceId);
    if (!format) throw new Error(`unknown source ${opts.sourceId}`);
    const shape = packetShape(opts.encoding, opts.channels, format.sampleRate, format.ptimeUs);
    if (shape.framesPerPacket !== framesPerPacket) throw new Error(`source ${opts.sourceId} sends ${shape.framesPerPacket} frames per packet, not ${framesPerPacket}`);
    const interfaceAddress = opts.interface !== undefined ? resolveInterface(opts.interface).address : opts.interfaceAddress;
    if (interfaceAddress === undefined) throw new Error('a stream needs interface or interfaceAddress');
    const slot = this.freeSlots.pop();
    if (slot === undefined) throw new UserError(`too many streams (at most ${this.slots.size})`);
    const id = this.nextId++;
    const ssrc = randomInt(0, 2 ** 32 - 1);
    const initialSeq = randomInt(0, 65536);
    this.slots.set(id, slot);
    if (opts.dscp === undefined) this.defaultDscpStreams.add(id);
    const ready = new Promise<void>((resolve, reject) => this.pendingReady.set(id, { resolve, reject }));
    const { interface: _name, ...rest } = opts;
    this.send({ type: 'addStream', stream: { ...rest, interfaceAddress, dscp: opts.dscp ?? this.defaultDscp, id, slot, ssrc, initialSeq } });
    try {
      await ready;
    } catch (e) {
      this.removeStream(id);
      throw e;
    }
    return { id, ssrc, initialSeq };
  }

  removeStream(id: number): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    this.slots.delete(id);
    this.dscpStates.delete(id);
    this.defaultDscpStreams.delete(id);
    this.send({ type: 'removeStream', id });
    this.freeSlots.push(slot);
  }

  counters(id: number): StreamCounters {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new Error(`unknown stream ${id}`);
    const o = slot * STAT_FIELDS;
    const s = this.stats;
    return {
      packets: s[o + Stat.Packets],
      bytes: s[o + Stat.Bytes],
      latePackets: s[o + Stat.Late],
      maxLatenessUs: Math.round(s[o + Stat.MaxLateUs]),
      underruns: s[o + Stat.Underruns],
      sendErrors: s[o + Stat.SendErrors],
      lastSeq: s[o + Stat.LastSeq],
      lastTimestamp: s[o + Stat.LastTimestamp],
      dscp: this.dscpStates.get(id) ?? { requested: 0, marked: false, reason: 'stream not ready' },
    };
  }

  /** The pacer thread's nice value, timer slack and send path once it has started (null before). */
  pacerThread(): PacerInfo | null {
    return this.thread;
  }

  pacerCounters(): PacerCounters {
    const p = this.pacerStats;
    return { gcPauses: p[PacerStat.GcPauses], gcPauseTotalMs: p[PacerStat.GcPauseTotalMs], gcPauseMaxMs: p[PacerStat.GcPauseMaxMs] };
  }

  /**
   * Changes, live, the DSCP of every stream added without its own and the send offset of every source
   * (each given one stays as it is). The streams' counters report the new marking once applied.
   */
  setSending(s: { dscp?: number; sendOffsetMs?: number }): void {
    const dscp = checkRtpInteger('dscp', s.dscp ?? this.defaultDscp);
    const sendOffsetMs = s.sendOffsetMs ?? this.sendOffsetMs;
    if (!Number.isFinite(sendOffsetMs)) throw new RangeError(`sendOffsetMs must be a number, not ${sendOffsetMs}`);
    this.defaultDscp = dscp;
    this.sendOffsetMs = sendOffsetMs;
    this.send({ type: 'setSending', dscp, dscpStreams: [...this.defaultDscpStreams], sendOffsetMs });
  }

  /**
   * Moves every stream to a new interface address (the interface was renumbered or re-created): each
   * gets a new socket bound to it, its RTP seq, ssrc, timestamps and counters running on. Streams added
   * later should be given the new address too. Resolves once every stream has its new socket, or failed
   * to get one (it keeps sending on the old).
   */
  rebind(interfaceAddress: string): Promise<RebindResult> {
    if (this.failed || this.exited) return Promise.resolve({ rebound: [], failed: [] });
    const seq = ++this.rebindSeq;
    const done = new Promise<RebindResult>((resolve) => this.pendingRebinds.set(seq, resolve));
    this.send({ type: 'rebind', seq, interfaceAddress });
    return done;
  }

  setUtcOffset(seconds: number): void {
    this.send({ type: 'setUtcOffset', seconds });
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.send({ type: 'stop' });
    });
    return this.stopped;
  }
}
