/** Restart delays: doubling from `initialMs`, capped at `maxMs`, back to the start once a run was stable. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A run at least this long resets the delay. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, stableMs: 60_000 };

export class Backoff {
  private readonly opts: BackoffOptions;
  private failures = 0;

  constructor(opts: Partial<BackoffOptions> = {}) {
    this.opts = { ...DEFAULT_BACKOFF, ...opts };
  }

  /** Delay before the next start, given how long the last run lasted. */
  next(ranMs: number): number {
    if (ranMs >= this.opts.stableMs) this.failures = 0;
    const delay = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 30);
    return delay;
  }

  /** Consecutive failures counted so far. */
  get attempts(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
  }
}
