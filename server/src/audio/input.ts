import { demoTone } from './demo-tone.js';

/** Channels on the input bus that routing entries address (`input` 0..7). */
export const BUS_CHANNELS = 8;

/** What the quantiser needs to know to keep an exact path bit-perfect. */
export interface InputInfo {
  /** Bit depth of an integer source, undefined for a float one (tone, resampled). */
  sourceBits: number | undefined;
  resampled: boolean;
  /**
   * For inputs that begin and end (the player's queue, a FIFO that ends with its producer): how many of
   * the read's frames carry its audio, when not all of them (0 while it has not begun or is paused).
   */
  carried?: number;
  /** Its audio ends within this read, after `carried` frames: nothing more will come. */
  ended?: boolean;
}

/** What a live input (one on its own clock, such as a FIFO) reports about its buffer and clock skew. */
export interface LiveInputStats {
  open: boolean;
  problem: string | null;
  running: boolean;
  /** Input buffer level (raw, and low-passed as the skew loop holds it) and its target, in input frames. */
  level: number;
  filteredLevel: number;
  targetFrames: number;
  capacityFrames: number;
  estimatedSkewPpm: number;
  ratioPpm: number;
  underruns: number;
  overruns: number;
  droppedFrames: number;
}

/** The program's audio source, read synchronously by the mixer; it must never block. */
export interface InputBus {
  /** Writes `frames` interleaved BUS_CHANNELS-wide frames (silence where it has none). */
  read(out: Float64Array, frames: number): InputInfo;
  /** Live inputs only. */
  stats?(): LiveInputStats;
  /** Releases what the input holds open (a FIFO); called when the program stops using it. */
  close?(): void;
}

/** The embedded demo signal (see audio/demo-tone.ts) on inputs 0 and 1. */
export class ToneInput implements InputBus {
  private n = 0;
  constructor(private readonly rate: number) {}

  read(out: Float64Array, frames: number): InputInfo {
    out.fill(0, 0, frames * BUS_CHANNELS);
    for (let i = 0; i < frames; i++) {
      const t = (this.n + i) % this.rate;
      out[i * BUS_CHANNELS] = demoTone(0, t, this.rate);
      out[i * BUS_CHANNELS + 1] = demoTone(1, t, this.rate);
    }
    this.n = (this.n + frames) % this.rate;
    return { sourceBits: undefined, resampled: false };
  }
}
