import { RoutingMatrix } from '../dsp/index.js';
import { SampleRing } from '../rtp/ring.js';
import { BUS_CHANNELS, type InputBus, type InputInfo, type LiveInputStats } from '../audio/input.js';
import { ChannelStrip, type StripSettings } from './channel-strip.js';
import { MeterBoard, type ProgramSpec } from './dsp-protocol.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';
import { inputKey, type InputSpec } from './inputs.js';

const BLOCK_MS = 5;
/**
 * How far ahead of the pacer the worker keeps each ring. The main thread no longer mixes, so this only has
 * to cover the worker's own scheduling jitter; it is also the delay between a change (gain, mute, seek)
 * and the wire. See docs/dsp.md.
 */
export const LEAD_MS = 100;
/**
 * Without routing the mix is exact zeros: an integer source, so no dither noise is added to it. It
 * carries no frames, so a gated program does not begin on the silence mixed before its input is set.
 */
const UNROUTED: InputInfo = { sourceBits: 16, resampled: false, carried: 0 };

/**
 * One program in the DSP worker: input bus -> routing matrix -> channel strips -> the engine source's ring,
 * topped up to LEAD_MS ahead. Buffers are allocated once; fill() allocates nothing.
 */
export class Mixer {
  readonly meters: MeterBoard;
  private readonly ring: SampleRing;
  private readonly strips = new Map<number, ChannelStrip>();
  private matrix: RoutingMatrix | null = null;
  private input: InputBus | null = null;
  private inputSpec: InputSpec | null = null;
  private key: string | null = null;
  private readonly block: number;
  private readonly lead: number;
  private readonly bus: Float64Array;
  private readonly mono: Float64Array;
  private readonly planes: Int32Array[];
  /**
   * Channels the ring is written on: those with a strip, and those still being zeroed. The others hold
   * zeros in every slot, so a program of PROGRAM_CHANNELS that sends two costs two (mixing and writing
   * all 64 was most of the worker's time). A channel freed, and every channel of a new mixer (a restarted
   * worker takes over a ring with audio in it), is written as zeros for one pass of the ring first.
   */
  private readonly written = new Int32Array(PROGRAM_CHANNELS);
  private writtenCount = 0;
  /** Channel -> frames of zeros still to write before it may be left alone. */
  private readonly zeroing = new Map<number, number>();
  /** Gated programs: whether the input's audio has begun, and whether the ring is finished. */
  private begun = false;
  private ended = false;

  constructor(readonly spec: ProgramSpec) {
    this.ring = new SampleRing(spec.ring);
    this.meters = new MeterBoard(PROGRAM_CHANNELS, spec.meters);
    this.block = Math.round((spec.sampleRate * BLOCK_MS) / 1000);
    this.lead = Math.min(this.ring.frames - this.block, Math.round((spec.sampleRate * LEAD_MS) / 1000));
    this.bus = new Float64Array(this.block * BUS_CHANNELS);
    this.mono = new Float64Array(this.block);
    this.planes = Array.from({ length: PROGRAM_CHANNELS }, () => new Int32Array(this.block));
    for (let c = 0; c < PROGRAM_CHANNELS; c++) this.zeroing.set(c, this.ring.frames);
    this.listWritten();
  }

  setStrip(channel: number, settings: StripSettings): void {
    const strip = this.strips.get(channel);
    if (strip) strip.configure(settings);
    else {
      this.strips.set(channel, new ChannelStrip(this.spec.sampleRate, settings));
      this.listWritten();
    }
  }

  freeChannel(channel: number): void {
    if (!this.strips.delete(channel)) return;
    this.planes[channel].fill(0);
    this.zeroing.set(channel, this.ring.frames);
    this.listWritten();
  }

  private listWritten(): void {
    let n = 0;
    for (let c = 0; c < PROGRAM_CHANNELS; c++) if (this.strips.has(c) || this.zeroing.has(c)) this.written[n++] = c;
    this.writtenCount = n;
  }

  /** Counts `frames` of zeros written off the channels being zeroed; those done are left alone from now on. */
  private zeroed(frames: number): void {
    if (this.zeroing.size === 0) return;
    let done = false;
    for (const [c, left] of this.zeroing) {
      if (left > frames) this.zeroing.set(c, left - frames);
      else {
        this.zeroing.delete(c);
        done = true;
      }
    }
    if (done) this.listWritten();
  }

  identify(channel: number, seconds: number): void {
    this.strips.get(channel)?.identify(seconds);
  }

  /** New routing; the input is rebuilt only when its description changed, so a tone keeps its phase. */
  setRouting(gains: number[][] | null, spec: InputSpec | null, build: (spec: InputSpec) => InputBus): void {
    this.matrix = gains ? new RoutingMatrix(BUS_CHANNELS, PROGRAM_CHANNELS, gains) : null;
    const key = spec && inputKey(spec);
    if (key === this.key) return;
    this.dropInput();
    if (!spec) return;
    this.input = build(spec);
    this.inputSpec = spec;
    this.key = key;
  }

  /** A gated program whose input ended and whose ring is finished. */
  get finished(): boolean {
    return this.ended;
  }

  get hasInput(): boolean {
    return this.input !== null;
  }

  /** Closes the input (after it threw, or when the program goes): silence until the routing names one again. */
  dropInput(): void {
    const { input } = this;
    this.input = null;
    this.inputSpec = null;
    this.key = null;
    input?.close?.();
  }

  /** A live input's description and statistics, or null when the input is not live. */
  liveStats(): { spec: InputSpec; stats: LiveInputStats } | null {
    const stats = this.input?.stats?.();
    return stats && this.inputSpec ? { spec: this.inputSpec, stats } : null;
  }

  /**
   * Mixes blocks until the ring holds LEAD_MS. A gated program writes nothing until its input's audio
   * begins, so the pacer's first packet carries the first sample, and finishes the ring after the last,
   * so the pacer sends it out and ends the source ('sourceEnded'). A pause in between mixes silence.
   */
  fill(muteAll: boolean): void {
    while (!this.ended && this.ring.fill() < this.lead) {
      const info = this.mix(muteAll);
      let frames = this.block;
      if (this.spec.gated) {
        const carried = info.carried ?? this.block;
        if (info.ended) {
          frames = carried;
          this.ended = true;
        } else if (!this.begun && carried === 0) return;
        this.begun = true;
      }
      this.zeroed(this.ring.write(this.planes, 0, frames, this.written, this.writtenCount));
      if (this.ended) this.ring.finish();
    }
  }

  private mix(muteAll: boolean): InputInfo {
    const n = this.block;
    const { matrix, input } = this;
    const info = input && matrix ? input.read(this.bus, n) : UNROUTED;
    for (const [c, strip] of this.strips) {
      if (matrix && input) matrix.processOutput(c, this.bus, this.mono, n);
      else this.mono.fill(0);
      strip.process(this.mono, n, this.planes[c], info, muteAll);
    }
    return info;
  }

  /** Answers a meter request from the main thread, if there is one. */
  serveMeters(): void {
    const req = this.meters.pending();
    if (req === null) return;
    for (const [c, strip] of this.strips) {
      const r = strip.readMeter();
      this.meters.write(req, c, r.peakDb[0], r.rmsDb[0], strip.clips);
    }
    this.meters.serve(req);
  }
}
