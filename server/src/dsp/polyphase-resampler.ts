import {
  DEFAULT_ATTENUATION_DB,
  defaultBand,
  designPolyphase,
  gcd,
  identityRow,
  type FilterSpec,
  type PolyphaseTable,
} from './filter-design.js';
import { FrameHistory } from './history.js';
import { checkOutput, inputFrames, type Resampler } from './resampler.js';

export interface PolyphaseOptions {
  inRate: number;
  outRate: number;
  channels: number;
  /** Overrides of the default band edges and attenuation. */
  filter?: Partial<Pick<FilterSpec, 'attenuationDb' | 'passHz' | 'stopHz'>>;
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
  private readonly history: FrameHistory;
  /** Phase whose row is a unit impulse (half-band), computed by copying; -1 if none. */
  private readonly copyPhase: number;
  /** Integer input index and phase (numerator over `up`) of the next output. */
  private index = 0;
  private phase = 0;
  private inputFrames = 0;
  private outputFrames = 0;

  constructor(opts: PolyphaseOptions) {
    this.inRate = opts.inRate;
    this.outRate = opts.outRate;
    this.channels = opts.channels;
    const g = gcd(opts.inRate, opts.outRate);
    this.up = opts.outRate / g;
    this.down = opts.inRate / g;
    const spec: FilterSpec = {
      inRate: opts.inRate,
      outRate: opts.outRate,
      attenuationDb: DEFAULT_ATTENUATION_DB,
      ...defaultBand(opts.inRate, opts.outRate),
      ...opts.filter,
    };
    this.table = designPolyphase(spec, this.up);
    this.copyPhase = identityRow(this.table);
    this.latencyFrames = this.table.taps / 2;
    this.history = new FrameHistory(opts.channels, this.table.taps + Math.max(CHUNK, this.table.taps), 0);
    this.reset();
  }

  reset(): void {
    const half = this.table.taps / 2;
    // Zero history before the stream so output 0 is centred on input 0.
    this.history.reset(1 - half);
    this.history.appendZeros(half - 1);
    this.index = 0;
    this.phase = 0;
    this.inputFrames = 0;
    this.outputFrames = 0;
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
      this.inputFrames += n;
      written = this.run(output, written, Infinity);
    }
    return written;
  }

  flush(output: Float64Array): number {
    checkOutput(output, this.maxOutputFrames(0), this.channels);
    this.history.appendZeros(this.table.taps / 2);
    const total = Math.ceil((this.inputFrames * this.up) / this.down);
    const written = this.run(output, 0, total - this.outputFrames);
    this.reset();
    return written;
  }

  /** Emits every output whose window is in the history (at most `limit`). */
  private run(output: Float64Array, written: number, limit: number): number {
    const h = this.history;
    const taps = this.table.taps;
    const half = taps / 2;
    const up = this.up;
    const stepInt = Math.floor(this.down / up);
    const stepFrac = this.down % up;
    const last = h.end - half; // outputs need input index <= index + half
    let index = this.index;
    let phase = this.phase;
    let n = 0;
    while (index < last && n < limit) {
      const first = index - half + 1 - h.start;
      if (phase === this.copyPhase) copyFrame(h.buf, index - h.start, output, written + n, this.channels);
      else if (this.channels === 2) dotStereo(this.table.coeffs, phase * taps, h.buf, first * 2, taps, output, (written + n) * 2);
      else dotGeneric(this.table.coeffs, phase * taps, h.buf, first, taps, this.channels, output, written + n);
      n++;
      index += stepInt;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        index++;
      }
    }
    this.index = index;
    this.phase = phase;
    this.outputFrames += n;
    h.discardBefore(index - half + 1);
    return written + n;
  }
}

function dotStereo(c: Float64Array, cb: number, x: Float64Array, xb: number, taps: number, out: Float64Array, ob: number): void {
  // Four independent accumulators per channel: a single running sum is bound
  // by floating-point add latency, not by the multiplies (measured ~2x).
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  let r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  const end = cb + taps;
  for (let m = cb, xi = xb; m < end; m += 4, xi += 8) {
    const k0 = c[m], k1 = c[m + 1], k2 = c[m + 2], k3 = c[m + 3];
    l0 += k0 * x[xi];
    r0 += k0 * x[xi + 1];
    l1 += k1 * x[xi + 2];
    r1 += k1 * x[xi + 3];
    l2 += k2 * x[xi + 4];
    r2 += k2 * x[xi + 5];
    l3 += k3 * x[xi + 6];
    r3 += k3 * x[xi + 7];
  }
  out[ob] = l0 + l1 + (l2 + l3);
  out[ob + 1] = r0 + r1 + (r2 + r3);
}

function dotGeneric(
  c: Float64Array,
  cb: number,
  x: Float64Array,
  firstFrame: number,
  taps: number,
  ch: number,
  out: Float64Array,
  outFrame: number,
): void {
  for (let j = 0; j < ch; j++) {
    let acc = 0;
    for (let m = 0, xi = firstFrame * ch + j; m < taps; m++, xi += ch) acc += c[cb + m] * x[xi];
    out[outFrame * ch + j] = acc;
  }
}

function copyFrame(x: Float64Array, frame: number, out: Float64Array, outFrame: number, ch: number): void {
  for (let j = 0; j < ch; j++) out[outFrame * ch + j] = x[frame * ch + j];
}
