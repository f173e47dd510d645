import { DEFAULT_ATTENUATION_DB, defaultBand, gcd, startDesign, type PolyphaseDesign, type PolyphaseTable } from './filter-design.js';
import { FirBatch } from './fir-batch.js';
import type { FrameHistory } from './history.js';
import { checkOutput, inputFrames, type Resampler } from './resampler.js';

export interface PolyphaseOptions {
  inRate: number;
  outRate: number;
  channels: number;
  /** Kaiser stopband attenuation (default DEFAULT_ATTENUATION_DB). */
  attenuationDb?: number;
}

/** The design of the table a resampler for these rates uses (advance it to design ahead, a slice at a time). */
export function polyphaseDesign(inRate: number, outRate: number, attenuationDb = DEFAULT_ATTENUATION_DB): PolyphaseDesign {
  return startDesign({ inRate, outRate, attenuationDb, ...defaultBand(inRate, outRate) }, outRate / gcd(inRate, outRate));
}

/** Input frames appended per inner pass; bounds the history buffer size. */
const CHUNK = 4096;

/**
 * Fixed-ratio rational resampler: L/M = outRate/inRate in lowest terms, one
 * precomputed Kaiser-windowed-sinc row per output phase, so every output is a
 * single dot product of `taps` coefficients with the input window and the
 * ratio is exact (no phase interpolation error).
 */
export class PolyphaseResampler implements Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly channels: number;
  readonly latencyFrames: number;
  readonly table: PolyphaseTable;
  private readonly up: number;
  private readonly down: number;
  private readonly batch: FirBatch;
  private readonly history: FrameHistory;
  /** Integer input index and phase (numerator over `up`) of the next output. */
  private index = 0;
  private phase = 0;
  private inputCount = 0;
  private outputCount = 0;

  constructor(opts: PolyphaseOptions) {
    this.inRate = opts.inRate;
    this.outRate = opts.outRate;
    this.channels = opts.channels;
    const g = gcd(opts.inRate, opts.outRate);
    this.up = opts.outRate / g;
    this.down = opts.inRate / g;
    const design = polyphaseDesign(opts.inRate, opts.outRate, opts.attenuationDb);
    design.advance(Infinity);
    this.table = design.table!;
    this.latencyFrames = this.table.taps / 2;
    const { taps, coeffs } = this.table;
    this.batch = new FirBatch(coeffs, null, taps, opts.channels, taps + Math.max(CHUNK, taps), 0);
    this.history = this.batch.history;
    this.reset();
  }

  reset(): void {
    const half = this.table.taps / 2;
    // Zero history before the stream so output 0 is centred on input 0.
    this.history.reset(1 - half);
    this.history.appendZeros(half - 1);
    this.index = 0;
    this.phase = 0;
    this.inputCount = 0;
    this.outputCount = 0;
  }

  maxOutputFrames(inputFrames: number): number {
    return Math.ceil(((inputFrames + this.latencyFrames + 1) * this.up) / this.down) + 1;
  }

  process(input: Float32Array | Float64Array, output: Float64Array, count?: number): number {
    const frames = inputFrames(input, this.channels, count);
    checkOutput(output, this.maxOutputFrames(frames), this.channels);
    let written = 0;
    for (let from = 0; from < frames; ) {
      const n = Math.min(frames - from, this.history.space);
      this.history.append(input, from, n);
      from += n;
      this.inputCount += n;
      written = this.run(output, written, Infinity);
    }
    return written;
  }

  flush(output: Float64Array): number {
    checkOutput(output, this.maxOutputFrames(0), this.channels);
    this.history.appendZeros(this.table.taps / 2);
    const total = Math.ceil((this.inputCount * this.up) / this.down);
    const written = this.run(output, 0, total - this.outputCount);
    this.reset();
    return written;
  }

  /** Emits every output whose window is in the history (at most `limit`). */
  private run(output: Float64Array, written: number, limit: number): number {
    const h = this.history;
    const half = this.table.taps / 2;
    const up = this.up;
    const stepInt = Math.floor(this.down / up);
    const stepFrac = this.down % up;
    const last = h.end - half; // outputs need input index <= index + half
    let index = this.index;
    let phase = this.phase;
    let n = 0;
    while (index < last && n < limit) {
      if (this.batch.push(phase, index - half + 1 - h.start, 0)) written = this.batch.drain(output, written, false);
      n++;
      index += stepInt;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        index++;
      }
    }
    written = this.batch.drain(output, written, false);
    this.index = index;
    this.phase = phase;
    this.outputCount += n;
    h.discardBefore(index - half + 1);
    return written;
  }
}
