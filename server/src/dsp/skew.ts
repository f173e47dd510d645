/**
 * Clock-skew compensation controller, after Werner ("An algorithm for audio
 * skew compensation in low latency environments"): rather than estimating
 * the remote clock from timestamps, watch the receive FIFO and steer the
 * resampling ratio so its fill level stays at a target. Werner toggles
 * between two fixed speeds; his "future work" - a ratio chosen continuously
 * from the level - is what this does, with a PI controller on a low-pass
 * filtered fill level, output clamped to ±maxPpm (0.1 %, below the pitch
 * JND he cites). The integral term is the ratio that holds the level
 * constant, i.e. the skew estimate.
 *
 * Plant: d(level)/dt = sampleRate * (skew - adjustment). With proportional
 * gain kp and integral gain ki (relative ratio per frame of error) the loop
 * is s^2 + fs*kp*s + fs*ki = 0, so kp = 2*zeta*wn/fs and ki = wn^2/fs.
 */

export interface SkewOptions {
  /** Nominal rate of the FIFO contents, frames per second. */
  sampleRate: number;
  /** Fill level to hold, in frames. */
  targetFrames: number;
  /** Steering range, ± ppm (default 1000 = 0.1 %). */
  maxPpm?: number;
  /** Loop natural frequency in rad/s (default 0.1: settles in about a minute). */
  naturalFrequency?: number;
  /** Loop damping (default 1, no overshoot in the estimate). */
  damping?: number;
  /** Time constant of the fill-level low-pass in seconds (default 0.5; removes packet jitter). */
  filterSeconds?: number;
}

/** Indices into SkewController.s. */
const LEVEL = 0;
const INTEGRAL = 1;
const OUTPUT = 2;

export class SkewController {
  private target: number;
  private readonly maxPpm: number;
  private readonly kpPpm: number;
  private readonly kiPpm: number;
  private readonly tau: number;
  /**
   * [low-passed level, integral, output]: a typed array rather than fields, because a changing double
   * in a field is boxed on every store (per-update garbage on the audio path; see docs/dsp.md).
   */
  private readonly s = Float64Array.of(NaN, 0, 0);

  constructor(opts: SkewOptions) {
    const wn = opts.naturalFrequency ?? 0.1;
    const zeta = opts.damping ?? 1;
    this.target = opts.targetFrames;
    this.maxPpm = opts.maxPpm ?? 1000;
    this.kpPpm = (1e6 * 2 * zeta * wn) / opts.sampleRate;
    this.kiPpm = (1e6 * wn * wn) / opts.sampleRate;
    this.tau = opts.filterSeconds ?? 0.5;
  }

  /** Estimated skew of the producer clock relative to ours, ppm (positive: producer fast). */
  get estimatedSkewPpm(): number {
    return this.s[INTEGRAL];
  }

  /** Current ratio adjustment in ppm, as last returned by update(). */
  get adjustmentPpm(): number {
    return this.s[OUTPUT];
  }

  /** Low-passed fill level in frames. */
  get filteredLevel(): number {
    return this.s[LEVEL];
  }

  /**
   * Feeds one observation of the FIFO fill level taken `dtSeconds` after the
   * previous one; returns the adjustment (ppm) for
   * VariableResampler.setAdjustmentPpm: positive consumes input faster.
   */
  update(levelFrames: number, dtSeconds: number): number {
    this.step(levelFrames, dtSeconds);
    return this.s[OUTPUT];
  }

  /**
   * update() for the audio path: whole frames of level, whole microseconds since the last
   * observation and no return value (read adjustmentPpm). Doubles crossing a call boundary that the
   * compiler does not inline are boxed: the live buffer's pull() made ~45 bytes of garbage per call
   * through update() and ~15 through this (node --trace-gc; see docs/live-input.md).
   */
  observe(levelFrames: number, dtMicros: number): void {
    this.step(levelFrames, dtMicros * 1e-6);
  }

  private step(levelFrames: number, dtSeconds: number): void {
    const st = this.s;
    if (Number.isNaN(st[LEVEL])) st[LEVEL] = levelFrames;
    else st[LEVEL] += (levelFrames - st[LEVEL]) * (1 - Math.exp(-dtSeconds / this.tau));
    const error = st[LEVEL] - this.target;
    const p = this.kpPpm * error;
    const integral = st[INTEGRAL];
    const next = integral + this.kiPpm * error * dtSeconds;
    // Conditional integration: do not wind up while the output is pinned.
    const kept = Math.abs(p + next) <= this.maxPpm || Math.abs(next) < Math.abs(integral) ? next : integral;
    st[INTEGRAL] = Math.max(-this.maxPpm, Math.min(this.maxPpm, kept));
    st[OUTPUT] = Math.max(-this.maxPpm, Math.min(this.maxPpm, p + st[INTEGRAL]));
  }

  /**
   * Moves the level to hold. A live input starts (and restarts after an underrun) wherever its
   * producer's last write left the level; holding that instead of a fixed number means the first
   * update sees no error, so there is no proportional kick, and the integral (skew estimate) is kept.
   */
  setTarget(levelFrames: number): void {
    this.target = levelFrames;
    this.s[LEVEL] = NaN;
  }

  /**
   * Audio was taken out of (negative) or added to the FIFO at once: the low-passed level moves with it
   * and `target` is held from here on, so the step is no error to react to and the skew estimate stays.
   */
  moveLevel(byFrames: number, target: number): void {
    if (!Number.isNaN(this.s[LEVEL])) this.s[LEVEL] += byFrames;
    this.target = target;
  }

  reset(): void {
    this.s.set([NaN, 0, 0]);
  }
}
