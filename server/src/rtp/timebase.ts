/**
 * The engine's clock: TAI, in nanoseconds since 1970-01-01 00:00:00 TAI.
 *
 * Today TAI is the system clock (UTC; disciplined by ptp4l/phc2sys when PTP runs) plus the UTC offset
 * (37 s until PTP's currentUtcOffset arrives via `setUtcOffset`). Date.now() has 1 ms resolution, so
 * the system clock is sampled at the instant Date.now() ticks over and extended with the monotonic
 * clock; that pins it to within a few microseconds.
 *
 * `nowTaiNs()` is exact integer nanoseconds (a bigint). The pacer's hot path uses `taiMsAt(mono)`, a
 * double of TAI milliseconds from a performance.now() reading: no bigint allocation per packet, and at
 * today's ~1.8e12 ms a double still resolves 0.24 us, far below any thread's wake-up jitter. Both are
 * the same mapping (performance.now() and process.hrtime() read the same CLOCK_MONOTONIC).
 */
export interface TaiClock {
  /** TAI now, in nanoseconds since the TAI epoch (1970-01-01 00:00:00 TAI). */
  nowTaiNs(): bigint;
}

/** Largest disagreement between Date.now() and the calibrated mapping that is not a step. */
const STEP_THRESHOLD_MS = 3;
/** Widest monotonic bracket around a Date.now() read that step detection trusts. */
const BRACKET_MS = 0.5;
const NS_PER_MS = 1_000_000n;

export class SystemTaiClock implements TaiClock {
  /** UTC - monotonic, in ns (exact) and in ms (for the double hot path). */
  private monoToUtcNs: bigint;
  private monoToUtcMs: number;
  private offsetNs: bigint;
  /**
   * How far the mapping may lie from the system clock: half the monotonic bracket around the tick it was
   * pinned to. Usually a few microseconds; a stall during calibration (a busy VM) widens it.
   */
  calibrationErrorNs: bigint;

  /** `utcNow` is Date.now unless a test stands in for the system clock to step it. */
  constructor(
    private utcOffsetS = 37,
    private readonly utcNow: () => number = Date.now,
  ) {
    this.offsetNs = secondsToNs(utcOffsetS);
    [this.monoToUtcNs, this.calibrationErrorNs] = calibrate(utcNow);
    this.monoToUtcMs = Number(this.monoToUtcNs) / 1e6;
  }

  nowTaiNs(): bigint {
    return monoNowNs() + this.monoToUtcNs + this.offsetNs;
  }

  /** TAI in ms (double) at a performance.now() reading: the pacer's allocation-free path. */
  taiMsAt(mono: number): number {
    return mono + this.monoToUtcMs + this.utcOffsetS * 1000;
  }

  get utcOffsetSeconds(): number {
    return this.utcOffsetS;
  }

  /** Changes TAI-UTC (leap seconds, or PTP's currentUtcOffset); returns the step in ms. */
  setUtcOffset(seconds: number): number {
    const step = (seconds - this.utcOffsetS) * 1000;
    this.utcOffsetS = seconds;
    this.offsetNs = secondsToNs(seconds);
    return step;
  }

  /**
   * Returns the size of a system clock step (ms) since the last call, or 0. Cheap enough to call
   * a few times a second; recalibrates only when a step is seen.
   */
  detectStep(): number {
    // A stall between the two clock reads (a busy VM) would look like a step: judge only a tight bracket.
    const before = performance.now();
    const utc = this.utcNow();
    if (performance.now() - before > BRACKET_MS) return 0;
    const drift = utc - (before + this.monoToUtcMs);
    if (drift > -STEP_THRESHOLD_MS && drift < STEP_THRESHOLD_MS) return 0;
    const [next, errorNs] = calibrate(this.utcNow);
    const stepMs = Number(next - this.monoToUtcNs) / 1e6;
    // The recalibration disagrees: the drift was a misread, not a step; keep the mapping the streams use.
    if (stepMs > -STEP_THRESHOLD_MS && stepMs < STEP_THRESHOLD_MS) return 0;
    this.monoToUtcNs = next;
    this.calibrationErrorNs = errorNs;
    this.monoToUtcMs = Number(next) / 1e6;
    return stepMs;
  }
}

/**
 * process.hrtime() minus performance.now(), in ns: both read CLOCK_MONOTONIC from different origins.
 * Each is read between two reads of the other, best of a few, since a first call can take a millisecond.
 */
function monoOrigin(): bigint {
  let best = 0n;
  let bestSpan = -1n;
  for (let i = 0; i < 20; i++) {
    const before = process.hrtime.bigint();
    const mono = performance.now();
    const after = process.hrtime.bigint();
    if (bestSpan < 0n || after - before < bestSpan) {
      bestSpan = after - before;
      best = (before + after) / 2n - BigInt(Math.round(mono * 1e6));
    }
  }
  return best;
}
const ORIGIN_NS = monoOrigin();

/** CLOCK_MONOTONIC in ns on performance.now()'s scale (performance.now() = this / 1e6). */
function monoNowNs(): bigint {
  return process.hrtime.bigint() - ORIGIN_NS;
}

function secondsToNs(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1e9));
}

/** A tick bracketed within this window (ns) is pinned to +-half of it. */
const CALIBRATION_WINDOW_NS = 50_000n;
const CALIBRATION_TICKS = 10;

/**
 * Finds utc - mono (ns) at the instant the ms clock ticks, and how far off that may be. The tick lies
 * between the previous read of the ms clock (which saw the old value) and the current one; each read is
 * bracketed by monotonic reads, so the tick lies between the monotonic read before the previous one and
 * the read after this one. A stall anywhere in there (a busy VM) widens that bracket: the first tick
 * within CALIBRATION_WINDOW_NS is taken, else the tightest of CALIBRATION_TICKS.
 */
function calibrate(utcNow: () => number): [offsetNs: bigint, errorNs: bigint] {
  let best: [bigint, bigint] | null = null;
  let prevBefore = monoNowNs();
  let start = utcNow();
  for (let ticks = 0; ; ) {
    const before = monoNowNs();
    const utc = utcNow();
    const after = monoNowNs();
    if (utc !== start) {
      const span = after - prevBefore;
      if (best === null || span < best[1] * 2n) best = [BigInt(utc) * NS_PER_MS - (prevBefore + after) / 2n, (span + 1n) / 2n];
      if (span < CALIBRATION_WINDOW_NS || ++ticks >= CALIBRATION_TICKS) return best;
      start = utc;
    }
    prevBefore = before;
  }
}
