import { fft } from './fft.js';

/**
 * A level spectrum for the console's monitor: the last `size` samples of one channel, Hann-windowed,
 * through a radix-2 FFT, summed into bands a third of an octave wide from 20 Hz to Nyquist, in dBFS
 * (a full-scale sine shows 0 dB in its band; below about 200 Hz a band is only a few bins of the
 * analysis wide, so a pure tone there reads a dB or two low). Buffers are allocated once; `push` copies into a ring and
 * `compute` writes into a caller-owned array.
 */

/** Third-octave band centres (ISO 266's preferred numbers) up to 20 kHz; those below Nyquist are used (the top one cut at it). */
const CENTRES = [20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000];

export class Spectrum {
  /** Centre frequency of each band. */
  readonly bandsHz: number[];
  private readonly ring: Float64Array;
  private written = 0;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly window: Float64Array;
  /** For each band, its first and one-past-last FFT bin. */
  private readonly edges: Int32Array;
  /** Power of a full-scale sine through the window, for 0 dB. */
  private readonly fullScale: number;

  constructor(
    readonly sampleRate: number,
    readonly size = 4096,
  ) {
    if ((size & (size - 1)) !== 0 || size < 64) throw new RangeError(`spectrum size ${size} is not a power of two >= 64`);
    this.ring = new Float64Array(size);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.window = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
    const sum = this.window.reduce((a, b) => a + b, 0);
    this.fullScale = (sum / 2) ** 2;
    this.bandsHz = CENTRES.filter((f) => f < sampleRate / 2);
    // A bin belongs to the band its centre frequency is in.
    const bin = (hz: number) => Math.min(size / 2, Math.max(1, Math.ceil((hz * size) / sampleRate)));
    this.edges = new Int32Array(this.bandsHz.length * 2);
    this.bandsHz.forEach((f, b) => {
      const lo = bin(f / 2 ** (1 / 6));
      this.edges[2 * b] = lo;
      this.edges[2 * b + 1] = Math.max(lo + 1, bin(f * 2 ** (1 / 6)));
    });
  }

  /** Appends `frames` samples of channel `channel` from interleaved `samples` scaled by `scale`. */
  push(samples: Int32Array, frames: number, channels: number, channel: number, scale: number): void {
    const n = this.size;
    for (let i = 0; i < frames; i++) this.ring[(this.written + i) % n] = samples[i * channels + channel] * scale;
    this.written = (this.written + frames) % n;
  }

  /** The band levels in dBFS (-Infinity for silence) of the last `size` samples, into `out`. */
  compute(out: Float64Array = new Float64Array(this.bandsHz.length)): Float64Array {
    const n = this.size;
    for (let i = 0; i < n; i++) {
      this.re[i] = this.ring[(this.written + i) % n] * this.window[i];
      this.im[i] = 0;
    }
    fft(this.re, this.im);
    for (let b = 0; b < this.bandsHz.length; b++) {
      let p = 0;
      for (let k = this.edges[2 * b]; k < this.edges[2 * b + 1]; k++) p += this.re[k] * this.re[k] + this.im[k] * this.im[k];
      // A Hann window spreads a sine over neighbouring bins: summing the band's bins keeps its power.
      out[b] = 10 * Math.log10(p / (this.fullScale * 1.5));
    }
    return out;
  }
}
