/**
 * Maps the monotonic clock (performance.now(), ms) to TAI (ms since 1970-01-01 TAI).
 * Date.now() alone has 1 ms resolution, so the offset is taken at the instant Date.now() ticks over,
 * which pins it to within a few microseconds. A double of TAI ms keeps ~0.25 us resolution.
 */
export interface TaiClock {
  /** TAI now, in milliseconds since the TAI epoch. */
  taiNowMs(): number;
}

/** Largest disagreement between Date.now() and the calibrated mapping that is not a step. */
const STEP_THRESHOLD_MS = 3;

export class SystemTaiClock implements TaiClock {
  private monoToUtcMs: number;

  constructor(private utcOffsetS = 37) {
    this.monoToUtcMs = calibrate();
  }

  taiNowMs(mono = performance.now()): number {
    return mono + this.monoToUtcMs + this.utcOffsetS * 1000;
  }

  /** Changes TAI-UTC (leap seconds, or PTP's currentUtcOffset); returns the step in ms. */
  setUtcOffset(seconds: number): number {
    const step = (seconds - this.utcOffsetS) * 1000;
    this.utcOffsetS = seconds;
    return step;
  }

  /**
   * Returns the size of a system clock step (ms) since the last call, or 0. Cheap enough to call
   * a few times a second; recalibrates only when a step is seen.
   */
  detectStep(): number {
    const drift = Date.now() - (performance.now() + this.monoToUtcMs);
    if (drift > -STEP_THRESHOLD_MS && drift < STEP_THRESHOLD_MS) return 0;
    const before = this.monoToUtcMs;
    this.monoToUtcMs = calibrate();
    return this.monoToUtcMs - before;
  }
}

function calibrate(): number {
  const start = Date.now();
  let utc = start;
  let mono = 0;
  while (utc === start) {
    mono = performance.now();
    utc = Date.now();
  }
  return utc - mono;
}
