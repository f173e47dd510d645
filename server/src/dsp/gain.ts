/**
 * Ramped gain and mute on interleaved Float64 frames, in place.
 *
 * The linear factor follows a raised-cosine ramp (default 15 ms) to every new
 * target, so a change has no step in level or slope at either end and its
 * spectral splatter falls off fast (measured in gain.test.ts). A change
 * requested during a ramp starts a new ramp from the current factor. When the
 * factor is exactly 1 and no ramp runs, samples are left untouched, which
 * keeps the unity path bit-perfect.
 */

export const MAX_GAIN_DB = 12;

export interface GainOptions {
  channels: number;
  sampleRate: number;
  rampMs?: number;
}

export class Gain {
  readonly channels: number;
  private readonly rampFrames: number;
  private db = 0;
  private mute = false;
  /** Factor at the start of the current ramp, its target, and progress. */
  private from = 1;
  private to = 1;
  private pos = 0;

  constructor(opts: GainOptions) {
    this.channels = opts.channels;
    this.rampFrames = Math.max(1, Math.round(((opts.rampMs ?? 15) * opts.sampleRate) / 1000));
    this.pos = this.rampFrames;
  }

  get gainDb(): number {
    return this.db;
  }

  get muted(): boolean {
    return this.mute;
  }

  /** True when output equals input bit for bit. */
  get isUnity(): boolean {
    return this.pos >= this.rampFrames && this.to === 1;
  }

  /** Current linear factor (mid-ramp value while ramping). */
  get factor(): number {
    if (this.pos >= this.rampFrames) return this.to;
    return this.from + (this.to - this.from) * 0.5 * (1 - Math.cos((Math.PI * this.pos) / this.rampFrames));
  }

  /** Sets the gain in dB, clamped to [-Infinity, +12]. */
  setGainDb(db: number): void {
    if (Number.isNaN(db)) throw new RangeError('gain must be a number');
    this.db = Math.min(MAX_GAIN_DB, db);
    this.retarget();
  }

  setMuted(muted: boolean): void {
    this.mute = muted;
    this.retarget();
  }

  private retarget(): void {
    const target = this.mute || this.db === -Infinity ? 0 : 10 ** (this.db / 20);
    if (target === this.to) return;
    this.from = this.factor;
    this.to = target;
    this.pos = 0;
  }

  /** Applies the gain to the first `frames` frames of `buf` in place. */
  process(buf: Float64Array, frames = buf.length / this.channels): void {
    const ch = this.channels;
    let k = 0;
    const n = frames * ch;
    if (this.pos < this.rampFrames) {
      const span = this.to - this.from;
      const w = Math.PI / this.rampFrames;
      for (; k < n && this.pos < this.rampFrames; k += ch, this.pos++) {
        const g = this.from + span * 0.5 * (1 - Math.cos(w * this.pos));
        for (let j = 0; j < ch; j++) buf[k + j] *= g;
      }
    }
    const g = this.to;
    if (g === 1) return;
    for (; k < n; k++) buf[k] *= g;
  }
}
