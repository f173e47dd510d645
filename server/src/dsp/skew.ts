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

export class SkewController {
  private target: number;
  private readonly maxPpm: number;
  private readonly kpPpm: number;
  private readonly kiPpm: number;
  private readonly tau: number;
  private level = NaN;
  private integral = 0;
  private output = 0;

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
    return this.integral;
  }

  /** Current ratio adjustment in ppm, as last returned by update(). */
  get adjustmentPpm(): number {
    return this.output;
  }

  /** Low-passed fill level in frames. */
  get filteredLevel(): number {
    return this.level;
  }

  /**
   * Feeds one observation of the FIFO fill level taken `dtSeconds` after the
   * previous one; returns the adjustment (ppm) for
   * VariableResampler.setAdjustmentPpm: positive consumes input faster.
   */
  update(levelFrames: number, dtSeconds: number): number {
    if (Number.isNaN(this.level)) this.level = levelFrames;
    else this.level += (levelFrames - this.level) * (1 - Math.exp(-dtSeconds / this.tau));
    const error = this.level - this.target;
    const p = this.kpPpm * error;
    const next = this.integral + this.kiPpm * error * dtSeconds;
    // Conditional integration: do not wind up while the output is pinned.
    if (Math.abs(p + next) <= this.maxPpm || Math.abs(next) < Math.abs(this.integral)) this.integral = next;
    this.integral = Math.max(-this.maxPpm, Math.min(this.maxPpm, this.integral));
    this.output = Math.max(-this.maxPpm, Math.min(this.maxPpm, p + this.integral));
    return this.output;
  }

  /**
   * Moves the level to hold. A live input starts (and restarts after an underrun) wherever its
   * producer's last write left the level; holding that instead of a fixed number means the first
   * update sees no error, so there is no proportional kick, and the integral (skew estimate) is kept.
   */
  setTarget(levelFrames: number): void {
    this.target = levelFrames;
    this.level = NaN;
  }

  reset(): void {
    this.level = NaN;
    this.integral = 0;
    this.output = 0;
  }
}
