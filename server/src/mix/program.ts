import type { EngineSource, RtpEngine } from '../rtp/engine.js';
import type { StripSettings } from './channel-strip.js';
import type { DspHost } from './dsp-host.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';
import { MeterBoard, type MeterValue } from './dsp-protocol.js';
import type { InputRequest } from './inputs.js';


/**
 * Engine ring capacity (rounded up to a power of two: 341 ms at 48 kHz) and the pacer's prefill. The
 * worker keeps LEAD_MS (mixer.ts) of it filled; the rest is headroom, never latency.
 */
const BUFFER_MS = 200;
const PREFILL_MS = 40;

/**
 * One engine source per (sample rate, packet time): a fixed-width ring whose channel slices are the
 * streams. It runs continuously, so adding or removing a stream never restarts the others, and all
 * streams of a program carry the same RTP timestamp for the same frame. The mixing itself runs in the DSP
 * worker (mixer.ts); this main-thread side owns the channel allocation and forwards settings.
 */
export class Program {
  readonly source: EngineSource;
  private readonly owner: (string | null)[] = new Array<string | null>(PROGRAM_CHANNELS).fill(null);
  private readonly strips = new Set<number>();
  private readonly meters = new MeterBoard(PROGRAM_CHANNELS);

  constructor(
    private readonly engine: RtpEngine,
    private readonly dsp: DspHost,
    readonly sampleRate: number,
    readonly ptimeUs: number,
    gated: boolean,
  ) {
    this.source = engine.addSource({ channels: PROGRAM_CHANNELS, sampleRate, ptimeUs, bufferMs: BUFFER_MS, prefillMs: PREFILL_MS });
    dsp.addProgram({ id: this.source.id, ring: this.source.ring.handle, sampleRate, meters: this.meters.buffer, gated });
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
      this.dsp.freeChannel(this.source.id, c);
    }
  }

  get empty(): boolean {
    return this.owner.every((o) => o === null);
  }

  setStrip(channel: number, settings: StripSettings): void {
    this.strips.add(channel);
    this.dsp.setStrip(this.source.id, channel, settings);
  }

  /** gains[out][in]; null, or no input, mixes silence. */
  setRouting(gains: number[][] | null, input: InputRequest | null): void {
    this.dsp.setRouting(this.source.id, gains, input);
  }

  /** Whether the channel has a strip (and so will sound the identify tone). */
  identify(channel: number, seconds: number): boolean {
    if (!this.strips.has(channel)) return false;
    this.dsp.identify(this.source.id, channel, seconds);
    return true;
  }

  /** The channel's last meter reading, or undefined for a channel without a strip. */
  meter(channel: number): MeterValue | undefined {
    return this.strips.has(channel) ? this.meters.read(channel) : undefined;
  }

  /** Starts the next meter window; its reading is there by the next call after this one. */
  requestMeters(): void {
    this.meters.request();
  }

  stop(): void {
    this.dsp.removeProgram(this.source.id);
    this.engine.removeSource(this.source.id);
  }
}
