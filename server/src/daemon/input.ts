import { demoTone } from '../audio/demo-tone.js';

/** Channels on the input bus that routing entries address (`input` 0..7). */
export const BUS_CHANNELS = 8;

/** What the quantiser needs to know to keep an exact path bit-perfect. */
export interface InputInfo {
  /** Bit depth of an integer source, undefined for a float one (tone, resampled). */
  sourceBits: number | undefined;
  resampled: boolean;
}

/** The program's audio source, read synchronously by the mixer; it must never block. */
export interface InputBus {
  /** Writes `frames` interleaved BUS_CHANNELS-wide frames (silence where it has none). */
  read(out: Float64Array, frames: number): InputInfo;
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
