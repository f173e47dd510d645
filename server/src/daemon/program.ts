import type { EngineSource, RtpEngine } from '../rtp/engine.js';
import { RoutingMatrix } from '../dsp/index.js';
import { BUS_CHANNELS, type InputBus } from './input.js';
import { ChannelStrip, type StripSettings } from './channel-strip.js';

/** Channels per program: the most mono streams of one rate/ptime group. */
export const PROGRAM_CHANNELS = 64;
const BLOCK_MS = 5;
const REFILL_MS = 5;

/**
 * One engine source per (sample rate, packet time): a fixed-width ring whose channel slices are the
 * streams. It runs continuously, so adding or removing a stream never restarts the others, and all
 * streams of a program carry the same RTP timestamp for the same frame. The mixer fills the ring
 * ahead of the pacer: input bus -> routing matrix -> channel strips -> ring.
 */
export class Program {
  readonly source: EngineSource;
  private readonly owner: (string | null)[] = new Array<string | null>(PROGRAM_CHANNELS).fill(null);
  private readonly strips = new Map<number, ChannelStrip>();
  private matrix: RoutingMatrix | null = null;
  private input: InputBus | null = null;
  private readonly block: number;
  private readonly bus: Float64Array;
  private readonly mixed: Float64Array;
  private readonly mono: Float64Array;
  private readonly planes: Int32Array[];
  private running = true;
  private readonly loop: Promise<void>;
  muteAll = false;

  constructor(
    engine: RtpEngine,
    readonly sampleRate: number,
    readonly ptimeUs: number,
  ) {
    this.source = engine.addSource({ channels: PROGRAM_CHANNELS, sampleRate, ptimeUs, bufferMs: 200, prefillMs: 40 });
    this.block = Math.round((sampleRate * BLOCK_MS) / 1000);
    this.bus = new Float64Array(this.block * BUS_CHANNELS);
    this.mixed = new Float64Array(this.block * PROGRAM_CHANNELS);
    this.mono = new Float64Array(this.block);
    this.planes = Array.from({ length: PROGRAM_CHANNELS }, () => new Int32Array(this.block));
    this.loop = this.run();
  }

  /** First-fit contiguous channels for a stream, or null when the program is full. */
  allocate(streamId: string, channels: number): number | null {
    for (let first = 0; first + channels <= PROGRAM_CHANNELS; first++) {
      if (this.owner.slice(first, first + channels).every((o) => o === null)) {
        for (let c = first; c < first + channels; c++) this.owner[c] = streamId;
        return first;
      }
    }
    return null;
  }

  free(streamId: string): void {
    for (let c = 0; c < PROGRAM_CHANNELS; c++) {
      if (this.owner[c] !== streamId) continue;
      this.owner[c] = null;
      this.strips.delete(c);
      this.planes[c].fill(0);
    }
  }

  get empty(): boolean {
    return this.owner.every((o) => o === null);
  }

  setStrip(channel: number, settings: StripSettings): void {
    const strip = this.strips.get(channel);
    if (strip) strip.configure(settings);
    else this.strips.set(channel, new ChannelStrip(this.sampleRate, settings));
  }

  strip(channel: number): ChannelStrip | undefined {
    return this.strips.get(channel);
  }

  setRouting(matrix: RoutingMatrix | null, input: InputBus | null): void {
    this.matrix = matrix;
    this.input = input;
  }

  private async run(): Promise<void> {
    const ring = this.source.ring;
    while (this.running) {
      // Fill what the pacer has freed, then sleep: the ring holds 200 ms, so a few ms of sleep never
      // starves it, and the event loop (API, SAP) gets its turn between rounds.
      while (ring.space() >= this.block) {
        this.mix();
        ring.write(this.planes, 0, this.block);
      }
      await new Promise((r) => setTimeout(r, REFILL_MS));
    }
  }

  private mix(): void {
    const n = this.block;
    const { matrix, input } = this;
    // Without routing the mix is exact zeros: claim an integer source so no dither noise is added to it.
    const info = input && matrix ? input.read(this.bus, n) : { sourceBits: 16, resampled: false };
    if (matrix && input) matrix.process(this.bus, this.mixed, n);
    else this.mixed.fill(0);
    for (const [c, strip] of this.strips) {
      for (let i = 0; i < n; i++) this.mono[i] = this.mixed[i * PROGRAM_CHANNELS + c];
      strip.process(this.mono, n, this.planes[c], info, this.muteAll);
    }
  }

  async stop(engine: RtpEngine): Promise<void> {
    this.running = false;
    await this.loop;
    engine.removeSource(this.source.id);
  }
}
