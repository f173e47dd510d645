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
/** Without routing the mix is exact zeros: an integer source, so no dither noise is added to it. */
const UNROUTED: InputInfo = { sourceBits: 16, resampled: false };

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
  private readonly mixed: Float64Array;
  private readonly mono: Float64Array;
  private readonly planes: Int32Array[];
  /** Gated programs: whether the input's audio has begun, and whether the ring is finished. */
  private begun = false;
  private ended = false;

  constructor(readonly spec: ProgramSpec) {
    this.ring = new SampleRing(spec.ring);
    this.meters = new MeterBoard(PROGRAM_CHANNELS, spec.meters);
    this.block = Math.round((spec.sampleRate * BLOCK_MS) / 1000);
    this.lead = Math.min(this.ring.frames - this.block, Math.round((spec.sampleRate * LEAD_MS) / 1000));
    this.bus = new Float64Array(this.block * BUS_CHANNELS);
    this.mixed = new Float64Array(this.block * PROGRAM_CHANNELS);
    this.mono = new Float64Array(this.block);
    this.planes = Array.from({ length: PROGRAM_CHANNELS }, () => new Int32Array(this.block));
  }

  setStrip(channel: number, settings: StripSettings): void {
    const strip = this.strips.get(channel);
    if (strip) strip.configure(settings);
    else this.strips.set(channel, new ChannelStrip(this.spec.sampleRate, settings));
  }

  freeChannel(channel: number): void {
    this.strips.delete(channel);
    this.planes[channel].fill(0);
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
      this.ring.write(this.planes, 0, frames);
      if (this.ended) this.ring.finish();
    }
  }

  private mix(muteAll: boolean): InputInfo {
    const n = this.block;
    const { matrix, input } = this;
    const info = input && matrix ? input.read(this.bus, n) : UNROUTED;
    if (matrix && input) matrix.process(this.bus, this.mixed, n);
    else this.mixed.fill(0);
    for (const [c, strip] of this.strips) {
      for (let i = 0; i < n; i++) this.mono[i] = this.mixed[i * PROGRAM_CHANNELS + c];
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
