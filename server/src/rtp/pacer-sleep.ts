/**
 * The pacer's sleep to a deadline: a timed sleep until a measured margin before it (wake.ts), then a
 * spin for the rest. Through the addon the sleep is clock_nanosleep to an absolute time (fast-now.ts);
 * a wait longer than IDLE_WAIT_MS, or one without the addon, is an Atomics.wait that a message from the
 * main thread cuts short.
 */
import type { FastClock } from './fast-now.js';
import type { WakeMargin } from './wake.js';

/** The longest single wait: the pacer wakes at least this often to look at its sources again. */
export const IDLE_WAIT_MS = 20;
/**
 * The spin reads the clock once per this many cheap atomic loads (~1 us). Without the addon the clock
 * is performance.now(), which allocates a heap number per call: read back to back it forced a scavenge
 * every ~20 ms (355 per second of spinning, measured), each a pause that can land on a deadline.
 */
const SPIN_STEP = 256;

/** Where the sleep finds its times in the pacer's Float64Array (no double crosses a call: see schedule.ts). */
export interface SleepCells {
  /** The last clock reading, written by the clock's stamp(). */
  now: number;
  /** The deadline, and the packet time of its stream (which caps the margin). */
  due: number;
  period: number;
  /** When the sleep wakes, written here. */
  wake: number;
}

/**
 * A sleep until cells[due] (an infinite one waits IDLE_WAIT_MS for work). It returns false when it woke
 * for a message or for the idle cap instead, so the caller yields to handle it and plans again.
 */
export function deadlineSleep(cells: Float64Array, at: SleepCells, messages: Int32Array, margin: WakeMargin, clock: FastClock): () => boolean {
  const { now: NOW, due: DUE, period: PERIOD, wake: WAKE } = at;
  const stamp = clock.stamp;
  return () => {
    const dueMono = cells[DUE];
    if (!Number.isFinite(dueMono)) {
      Atomics.wait(messages, 0, Atomics.load(messages, 0), IDLE_WAIT_MS);
      return false;
    }
    margin.setWake(cells, DUE, PERIOD, WAKE);
    stamp();
    const waitMs = cells[WAKE] - cells[NOW];
    if (waitMs > 0) {
      // The native sleep cannot be cut short by a message; it is at most a packet time (4 ms) here, and
      // the pacer yields for the message right after this turn's sends.
      if (waitMs > IDLE_WAIT_MS || !clock.sleepUntil(cells, WAKE)) {
        const timeout = Math.min(waitMs, IDLE_WAIT_MS);
        if (Atomics.wait(messages, 0, Atomics.load(messages, 0), timeout) !== 'timed-out' || timeout < waitMs) return false;
      }
      stamp();
      margin.record(cells, NOW, WAKE);
    }
    for (stamp(); cells[NOW] < dueMono; stamp()) for (let i = 0; i < SPIN_STEP; i++) Atomics.load(messages, 0);
    return true;
  };
}
