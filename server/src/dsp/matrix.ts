/**
 * Routing matrix: output channel o = sum over i of gain[o][i] * input i, on
 * interleaved frames. Only non-zero terms are evaluated. A route with gain 1
 * is an exact copy (0 + x * 1 === x), so identity routing is bit-perfect.
 */
export class RoutingMatrix {
  private readonly gains: Float64Array;
  /** Per output: number of terms, then their input indices and gains. */
  private termCount: Int32Array;
  private termInput: Int32Array;
  private termGain: Float64Array;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
    /** gains[o][i], linear; missing entries are 0. */
    gains: ReadonlyArray<ReadonlyArray<number>> = [],
  ) {
    if (!(inputs > 0 && outputs > 0)) throw new RangeError('matrix needs at least one input and one output');
    this.gains = new Float64Array(inputs * outputs);
    gains.forEach((row, o) =>
      row.forEach((g, i) => {
        this.check(o, i);
        this.gains[o * inputs + i] = g;
      }),
    );
    this.termCount = new Int32Array(outputs);
    this.termInput = new Int32Array(inputs * outputs);
    this.termGain = new Float64Array(inputs * outputs);
    this.compile();
  }

  private check(o: number, i: number): void {
    if (!(o >= 0 && o < this.outputs && i >= 0 && i < this.inputs)) throw new RangeError(`no route ${i} -> ${o}`);
  }

  get(o: number, i: number): number {
    this.check(o, i);
    return this.gains[o * this.inputs + i];
  }

  /** Sets the linear gain from input `i` to output `o`; takes effect on the next block. */
  set(o: number, i: number, gain: number): void {
    this.check(o, i);
    if (!Number.isFinite(gain)) throw new RangeError('gain must be finite');
    this.gains[o * this.inputs + i] = gain;
    this.compile();
  }

  /** True when inputs map one-to-one to outputs with gain 1 (no mixing, no scaling). */
  get isIdentity(): boolean {
    if (this.inputs !== this.outputs) return false;
    for (let o = 0; o < this.outputs; o++) {
      for (let i = 0; i < this.inputs; i++) if (this.gains[o * this.inputs + i] !== (o === i ? 1 : 0)) return false;
    }
    return true;
  }

  private compile(): void {
    for (let o = 0; o < this.outputs; o++) {
      let n = 0;
      for (let i = 0; i < this.inputs; i++) {
        const g = this.gains[o * this.inputs + i];
        if (g !== 0) {
          this.termInput[o * this.inputs + n] = i;
          this.termGain[o * this.inputs + n] = g;
          n++;
        }
      }
      this.termCount[o] = n;
    }
  }

  /**
   * Mixes `frames` frames (default: all) of `input` (inputs channels) into
   * `output` (outputs channels, caller-owned). Returns frames written.
   */
  process(input: Float64Array | Float32Array, output: Float64Array, frames = Math.floor(input.length / this.inputs)): number {
    const ni = this.inputs;
    const no = this.outputs;
    if (input.length < frames * ni || output.length < frames * no) throw new RangeError('buffer too small');
    for (let o = 0; o < no; o++) {
      const count = this.termCount[o];
      const base = o * ni;
      for (let f = 0; f < frames; f++) {
        let acc = 0;
        for (let t = 0; t < count; t++) acc += input[f * ni + this.termInput[base + t]] * this.termGain[base + t];
        output[f * no + o] = acc;
      }
    }
    return frames;
  }

  /**
   * Output `o` alone, planar: `out[f]` for `frames` frames of interleaved `input`. A program mixes only
   * the outputs it sends (two of its 64, say), so it costs what is routed, not the matrix's size.
   */
  processOutput(o: number, input: Float64Array | Float32Array, out: Float64Array, frames: number): void {
    const ni = this.inputs;
    if (!(o >= 0 && o < this.outputs)) throw new RangeError(`no output ${o}`);
    if (input.length < frames * ni || out.length < frames) throw new RangeError('buffer too small');
    const count = this.termCount[o];
    const base = o * ni;
    if (count === 1) {
      const i = this.termInput[base];
      const g = this.termGain[base];
      for (let f = 0; f < frames; f++) out[f] = 0 + input[f * ni + i] * g;
      return;
    }
    for (let f = 0; f < frames; f++) {
      let acc = 0;
      for (let t = 0; t < count; t++) acc += input[f * ni + this.termInput[base + t]] * this.termGain[base + t];
      out[f] = acc;
    }
  }
}

/** L -> out 1, R -> out 2. */
export function stereoPair(): RoutingMatrix {
  return new RoutingMatrix(2, 2, [
    [1, 0],
    [0, 1],
  ]);
}

/**
 * Every output gets (L + R) / 2. The -6 dB per side (instead of a -3 dB
 * power-preserving law) keeps a full-scale in-phase signal at full scale
 * without clipping and leaves centre-panned content at its stereo level;
 * uncorrelated content ends up 3 dB lower.
 */
export function monoSum(outputs = 1): RoutingMatrix {
  return new RoutingMatrix(2, outputs, Array.from({ length: outputs }, () => [0.5, 0.5]));
}

/**
 * 2.1: L, R, and a sub feed of (L + R) / 2 on output 3. Full-range: no
 * crossover is applied (out of scope; the speaker's own crossover does it).
 */
export function twoPointOne(): RoutingMatrix {
  return new RoutingMatrix(2, 3, [
    [1, 0],
    [0, 1],
    [0.5, 0.5],
  ]);
}
