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

const TONE_LEVEL = 10 ** (-18 / 20);

/** The embedded demo signal: 440 Hz on input 0, 660 Hz on input 1, -18 dBFS. */
export class ToneInput implements InputBus {
  private n = 0;
  constructor(private readonly rate: number) {}

  read(out: Float64Array, frames: number): InputInfo {
    out.fill(0, 0, frames * BUS_CHANNELS);
    const w0 = (2 * Math.PI * 440) / this.rate;
    const w1 = (2 * Math.PI * 660) / this.rate;
    for (let i = 0; i < frames; i++) {
      // Both tones complete whole cycles each second, so wrapping n keeps the phase exact forever.
      const t = (this.n + i) % this.rate;
      out[i * BUS_CHANNELS] = TONE_LEVEL * Math.sin(w0 * t);
      out[i * BUS_CHANNELS + 1] = TONE_LEVEL * Math.sin(w1 * t);
    }
    this.n = (this.n + frames) % this.rate;
    return { sourceBits: undefined, resampled: false };
  }
}
