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

  /** `utcNow` is Date.now unless a test stands in for the system clock to step it. */
  constructor(
    private utcOffsetS = 37,
    private readonly utcNow: () => number = Date.now,
  ) {
    this.monoToUtcMs = calibrate(utcNow);
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
    const drift = this.utcNow() - (performance.now() + this.monoToUtcMs);
    if (drift > -STEP_THRESHOLD_MS && drift < STEP_THRESHOLD_MS) return 0;
    const before = this.monoToUtcMs;
    this.monoToUtcMs = calibrate(this.utcNow);
    return this.monoToUtcMs - before;
  }
}

/** A tick seen within this window (ms) of the previous read is pinned to +-half of it. */
const CALIBRATION_WINDOW_MS = 0.05;
const CALIBRATION_TICKS = 10;

/**
 * Finds utc - mono at the instant the ms clock ticks. The tick lies between the last read that saw the
 * old value and the first that sees the new one; a stall between them (a busy VM) would skew the
 * result by the stall, so such ticks are skipped and the next one is used.
 */
function calibrate(utcNow: () => number): number {
  let start = utcNow();
  let last = performance.now();
  for (let ticks = 0; ; ) {
    const utc = utcNow();
    const mono = performance.now();
    if (utc !== start) {
      if (mono - last < CALIBRATION_WINDOW_MS || ++ticks >= CALIBRATION_TICKS) return utc - (last + mono) / 2;
      start = utc;
    }
    last = mono;
  }
}
