import { TpdfDither } from './dither.js';

export type OutputBits = 16 | 24;

/**
 * What the quantiser needs to know about the signal path to decide whether
 * dither is needed.
 */
export interface PathState {
  bits: OutputBits;
  /** Bit depth of the integer source, or undefined for float sources. */
  sourceBits?: number;
  /** Gain stage is exactly unity (Gain.isUnity). */
  gainUnity: boolean;
  /** Sample rate conversion is active (not the passthrough). */
  resampled: boolean;
  /** Routing copies channels without mixing or scaling (RoutingMatrix.isIdentity). */
  identityRouting: boolean;
}

/**
 * Dither whenever the samples are not already exact integers at the target
 * depth: always to 16 bits from a deeper or float source, to 24 bits as soon
 * as gain, mixing or resampling touched the samples. An integer source at
 * unity through identity routing and no resampling stays bit-perfect.
 */
export function needsDither(p: PathState): boolean {
  const exact = p.sourceBits !== undefined && p.sourceBits <= p.bits && p.gainUnity && !p.resampled && p.identityRouting;
  return !exact;
}

/**
 * Float (full scale ±1) to signed integers of `bits` bits with optional TPDF
 * dither and a clip counter. Output values are Int32 sample values
 * (-2^(bits-1) .. 2^(bits-1)-1); packing them into L16/L24 bytes is the RTP
 * payloader's job.
 */
export class Quantizer {
  readonly bits: OutputBits;
  dither: boolean;
  /** Samples that were outside the integer range and got clamped, since construction/reset. */
  clipCount = 0;
  private readonly scale: number;
  private readonly max: number;
  private readonly min: number;
  private readonly tpdf: TpdfDither;

  constructor(opts: { bits: OutputBits; dither: boolean; seed?: number }) {
    this.bits = opts.bits;
    this.dither = opts.dither;
    this.scale = 2 ** (opts.bits - 1);
    this.max = this.scale - 1;
    this.min = -this.scale;
    this.tpdf = new TpdfDither(opts.seed);
  }

  /** Quantises the first `count` samples (default: all) of `input` into `output`. */
  process(input: Float64Array | Float32Array, output: Int32Array, count = input.length): void {
    if (output.length < count) throw new RangeError(`output holds ${output.length} samples, need ${count}`);
    const { scale, max, min } = this;
    // Digital silence stays digital silence: dither decorrelates the error from a signal, and a block of
    // exact zeros (paused, a FIFO with no producer) has none. A receiver or a meter then reads true silence
    // (-inf, not the -138 dBFS of +-1 LSB). Per block, not per sample, so a quiet signal's noise floor
    // is not modulated by its zero samples.
    const dither = this.dither && !allZero(input, count);
    let clips = 0;
    for (let k = 0; k < count; k++) {
      let v = Math.round(input[k] * scale + (dither ? this.tpdf.next() : 0));
      if (v > max) {
        v = max;
        clips++;
      } else if (v < min) {
        v = min;
        clips++;
      }
      output[k] = v;
    }
    this.clipCount += clips;
  }

  resetClipCount(): void {
    this.clipCount = 0;
  }
}

function allZero(x: Float64Array | Float32Array, count: number): boolean {
  for (let k = 0; k < count; k++) if (x[k] !== 0) return false;
  return true;
}
