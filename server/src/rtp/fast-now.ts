/**
 * performance.now() without its garbage. In Node 20 each performance.now() call returns a fresh heap
 * number, so a pacer reading the clock per packet (32 000 reads a second at 32 streams) fills the young
 * generation and pauses for a scavenge every second or so. The UDP addon writes CLOCK_MONOTONIC (the
 * clock performance.now() reads, from another origin) into a Float64Array, whose element reads back as
 * an unboxed double: no allocation when the caller is optimised.
 */
import type { UdpAddon } from './udp-addon.js';

/** Samples taken to find the origin; the tightest bracket wins (a first call can take a millisecond). */
const CALIBRATION_SAMPLES = 50;

/** A clock on performance.now()'s scale: through the addon if there is one, else performance.now. */
export function fastNow(addon: UdpAddon | string): () => number {
  if (typeof addon === 'string') return () => performance.now();
  const cell = new Float64Array(1);
  let origin = 0;
  let bestSpan = Infinity;
  for (let i = 0; i < CALIBRATION_SAMPLES; i++) {
    const before = performance.now();
    addon.monotonicMs(cell);
    const after = performance.now();
    if (after - before < bestSpan) {
      bestSpan = after - before;
      origin = cell[0] - (before + after) / 2;
    }
  }
  return () => {
    addon.monotonicMs(cell);
    return cell[0] - origin;
  };
}
