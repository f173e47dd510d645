/**
 * How early the pacer must wake before a deadline. A timed Atomics.wait returns late by the OS wake-up
 * latency (here, on a loaded VM, 30 us typical and 60 us at p90 even with 1 ns timer slack); the pacer
 * wakes that much early and busy-waits the rest. A fixed margin either spins for nothing on a quiet
 * machine or is too short on a busy one, so the margin follows the recent 95th percentile of the
 * measured oversleep (at least MIN_MS), never above `maxMs`, and never above a quarter of the packet time (at 125 us a
 * longer spin would keep a core busy for little gain: the tail there is set by the VM's stalls).
 */
const WINDOW = 256;
const QUANTILE = 0.95;
/** Added to the quantile: the spin must cover the wake-up plus the check loop's own granularity. */
const HEADROOM_MS = 0.01;
const MIN_MS = 0.02;

export class WakeMargin {
  private readonly recent = new Float64Array(WINDOW);
  private readonly sorted = new Float64Array(WINDOW);
  private count = 0;
  private quantileMs: number;

  /** `maxMs` caps the margin (EngineOptions.spinUs); it is also the margin until enough samples exist. */
  constructor(private readonly maxMs: number) {
    this.quantileMs = maxMs;
  }

  /**
   * Records how late a timed wait returned: cells[now] - cells[wakeAt] (negative when woken early by a
   * message). Times come and go through the pacer's Float64Array: a double passed to or returned from
   * a call V8 does not inline is boxed into a fresh heap number (schedule.ts, MediaPosition).
   */
  record(cells: Float64Array, now: number, wakeAt: number): void {
    const oversleepMs = cells[now] - cells[wakeAt];
    if (oversleepMs < 0) return;
    this.recent[this.count % WINDOW] = oversleepMs;
    if (++this.count % WINDOW !== 0) return;
    this.sorted.set(this.recent);
    this.sorted.sort();
    this.quantileMs = this.sorted[Math.floor(QUANTILE * WINDOW)];
  }

  /** Sets cells[wakeAt] to the deadline cells[due] less the margin for a stream of packet time cells[period] (ms). */
  setWake(cells: Float64Array, due: number, period: number, wakeAt: number): void {
    cells[wakeAt] = cells[due] - Math.min(Math.max(MIN_MS, this.quantileMs + HEADROOM_MS), this.maxMs, cells[period] / 4);
  }
}
