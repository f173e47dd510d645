/**
 * TPDF dither source: the difference of two independent uniform variates,
 * triangular on (-1, 1) LSB with zero mean. That is the lowest-power dither
 * that makes the first two moments of the quantisation error independent of
 * the signal (Lipshitz, Wannamaker & Vanderkooy, JAES 1992). Deterministic
 * xorshift32 generator: cheap, allocation-free and reproducible in tests.
 */
export class TpdfDither {
  /** Kept in a typed array: a uint32 in a plain field is boxed on every store (per-sample garbage). */
  private readonly state = new Uint32Array(1);

  constructor(seed = 0x2545f491) {
    this.state[0] = seed >>> 0 || 1;
  }

  /** Uniform on [0, 1). */
  private uniform(): number {
    let x = this.state[0];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state[0] = x;
    return (x >>> 0) / 4294967296;
  }

  /** Next dither value in LSB, triangular on (-1, 1). */
  next(): number {
    return this.uniform() - this.uniform();
  }
}
