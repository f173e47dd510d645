import { DEFAULT_ATTENUATION_DB, defaultBand, designPolyphase, type PolyphaseTable } from './filter-design.js';
import { FirBatch } from './fir-batch.js';
import type { FrameHistory } from './history.js';
import { checkOutput, inputFrames, type Resampler } from './resampler.js';

export interface VariableOptions {
  inRate: number;
  outRate: number;
  channels: number;
  /** Filter phases; coefficients between them are linearly interpolated. */
  phases?: number;
  /** Largest |adjustment| accepted by setAdjustmentPpm(). */
  maxAdjustmentPpm?: number;
  /** Seconds a full-range (2 * max) ratio change takes; bounds the pitch slew. */
  slewSeconds?: number;
}

const CHUNK = 4096;

/** Indices into VariableResampler.pos. */
const STEP = 0;
const TARGET = 1;
const FRAC = 2;

/** Row differences, shared between instances like the tables themselves. */
const deltaCache = new WeakMap<PolyphaseTable, Float64Array>();

function rowDeltas(table: PolyphaseTable): Float64Array {
  let d = deltaCache.get(table);
  if (!d) {
    const { phases, taps, coeffs } = table;
    d = new Float64Array(phases * taps);
    for (let k = 0; k < phases * taps; k++) d[k] = coeffs[k + taps] - coeffs[k];
    deltaCache.set(table, d);
  }
  return d;
}

/**
 * Resampler whose ratio can be steered at run time (clock-skew compensation).
 * Same Kaiser prototype as the fixed path, but tabulated at `phases` fractional
 * positions with linear interpolation between adjacent rows, so any position
 * can be reached. The interpolation error is the price: see docs/dsp.md.
 *
 * The read position advances by inRate/outRate * (1 + adjustment) input
 * frames per output frame; a positive adjustment consumes input faster.
 * Changes glide at a bounded rate so the pitch never steps.
 */
export class VariableResampler implements Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly channels: number;
  readonly latencyFrames: number;
  readonly table: PolyphaseTable;
  private readonly batch: FirBatch;
  private readonly history: FrameHistory;
  private readonly nominal: number;
  private readonly maxAdjust: number;
  private readonly slewPerFrame: number;
  /**
   * Read step (input frames per output frame), its target and the fractional
   * read position. A typed array rather than fields: storing changing
   * doubles in fields measured as per-call garbage (boxed numbers).
   */
  private readonly pos = new Float64Array(3);
  private index = 0;
  private inputCount = 0;

  constructor(opts: VariableOptions) {
    this.inRate = opts.inRate;
    this.outRate = opts.outRate;
    this.channels = opts.channels;
    const phases = opts.phases ?? 2048;
    const spec = { inRate: opts.inRate, outRate: opts.outRate, attenuationDb: DEFAULT_ATTENUATION_DB, ...defaultBand(opts.inRate, opts.outRate) };
    this.table = designPolyphase(spec, phases, phases + 1);
    const taps = this.table.taps;
    this.batch = new FirBatch(this.table.coeffs, rowDeltas(this.table), taps, opts.channels, taps + Math.max(CHUNK, taps), 0);
    this.history = this.batch.history;
    this.latencyFrames = taps / 2;
    this.nominal = opts.inRate / opts.outRate;
    this.maxAdjust = (opts.maxAdjustmentPpm ?? 1000) * 1e-6;
    this.slewPerFrame = (2 * this.maxAdjust * this.nominal) / ((opts.slewSeconds ?? 0.1) * opts.outRate);
    this.pos[STEP] = this.nominal;
    this.pos[TARGET] = this.nominal;
    this.reset();
  }

  /** Current adjustment in ppm (after slew limiting). */
  get adjustmentPpm(): number {
    return (this.pos[STEP] / this.nominal - 1) * 1e6;
  }

  /** Steers the ratio; clamped to ±maxAdjustmentPpm. */
  setAdjustmentPpm(ppm: number): void {
    const a = Math.max(-this.maxAdjust, Math.min(this.maxAdjust, ppm * 1e-6));
    this.pos[TARGET] = this.nominal * (1 + a);
  }

  reset(): void {
    const half = this.table.taps / 2;
    this.history.reset(1 - half);
    this.history.appendZeros(half - 1);
    this.index = 0;
    this.pos[FRAC] = 0;
    this.inputCount = 0;
    this.pos[STEP] = this.pos[TARGET];
  }

  maxOutputFrames(inputFrames: number): number {
    return Math.ceil((inputFrames + this.latencyFrames + 1) / (this.nominal * (1 - this.maxAdjust))) + 1;
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
      written = this.run(output, written, this.history.end - this.table.taps / 2);
    }
    return written;
  }

  /** Emits outputs up to the last input frame; the total follows the ratio history. */
  flush(output: Float64Array): number {
    checkOutput(output, this.maxOutputFrames(0), this.channels);
    this.history.appendZeros(this.table.taps / 2);
    const written = this.run(output, 0, this.inputCount);
    this.reset();
    return written;
  }

  /** Emits outputs while the read index is below `last`. */
  private run(output: Float64Array, written: number, last: number): number {
    const h = this.history;
    const { taps, phases } = this.table;
    const half = taps / 2;
    let index = this.index;
    let frac = this.pos[FRAC];
    let step = this.pos[STEP];
    const target = this.pos[TARGET];
    const slew = this.slewPerFrame;
    while (index < last) {
      const pos = frac * phases;
      const p = Math.floor(pos);
      if (this.batch.push(p, index - half + 1 - h.start, pos - p)) written = this.batch.drain(output, written, true);
      if (step !== target) step = target > step ? Math.min(target, step + slew) : Math.max(target, step - slew);
      frac += step;
      const whole = Math.floor(frac);
      index += whole;
      frac -= whole;
    }
    written = this.batch.drain(output, written, true);
    this.index = index;
    this.pos[FRAC] = frac;
    this.pos[STEP] = step;
    h.discardBefore(index - half + 1);
    return written;
  }
}
