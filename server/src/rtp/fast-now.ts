/**
 * The pacer's clock and sleep without garbage. In Node 20 each performance.now() call returns a fresh
 * heap number, and Atomics.wait takes its timeout as a double that V8 boxes on every call: at 32 streams
 * (32 000 clock reads a second) or 8 x 125 us (8000 sleeps a second) the pacer paused for a scavenge
 * every few seconds. The UDP addon reads CLOCK_MONOTONIC (the clock performance.now() reads, from
 * another origin) into a Float64Array and sleeps with clock_nanosleep to a time read from one. Times
 * stay in a Float64Array on the JS side too, since a double returned from a call V8 does not inline is
 * boxed again.
 */
import type { UdpAddon } from './udp-addon.js';

/** Samples taken to find the origin; the tightest bracket wins (a first call can take a millisecond). */
const CALIBRATION_SAMPLES = 50;

export interface FastClock {
  /** Writes the time (ms, on performance.now()'s scale) into the cell given at creation. */
  stamp(): void;
  /**
   * Sleeps until the time (same scale) in cells[index] and returns true; returns false at once when it
   * cannot sleep without garbage (no addon), and the caller waits its own way.
   */
  sleepUntil(cells: Float64Array, index: number): boolean;
}

/** A clock that stamps into out[index]: through the addon if there is one, else performance.now(). */
export function fastClock(addon: UdpAddon | string, out: Float64Array, index: number): FastClock {
  if (typeof addon === 'string') {
    return {
      stamp: () => {
        out[index] = performance.now();
      },
      sleepUntil: () => false,
    };
  }
  const raw = new Float64Array(1);
  let origin = 0;
  let bestSpan = Infinity;
  for (let i = 0; i < CALIBRATION_SAMPLES; i++) {
    const before = performance.now();
    addon.monotonicMs(raw);
    const after = performance.now();
    if (after - before < bestSpan) {
      bestSpan = after - before;
      origin = raw[0] - (before + after) / 2;
    }
  }
  const target = new Float64Array(1);
  return {
    stamp: () => {
      addon.monotonicMs(raw);
      out[index] = raw[0] - origin;
    },
    sleepUntil: (cells, at) => {
      target[0] = cells[at] + origin;
      addon.sleepUntilMs(target);
      return true;
    },
  };
}
