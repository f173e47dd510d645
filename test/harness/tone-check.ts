/**
 * Measures on a received sine, for gapless checks: where it is, where it breaks, its largest
 * sample-to-sample step, its longest run of zeros, and how far it strays from one continuous sine. Pure functions on integer PCM.
 */

export interface Range {
  start: number;
  /** Exclusive. */
  end: number;
}

/** From the first to the last sample whose magnitude exceeds `floor` (silence and dither stay below it); null when none does. */
export function activeRange(x: Int32Array, floor: number): Range | null {
  let start = 0;
  while (start < x.length && Math.abs(x[start]) <= floor) start++;
  if (start === x.length) return null;
  let end = x.length;
  while (Math.abs(x[end - 1]) <= floor) end--;
  return { start, end };
}

/**
 * Where a sampled sine breaks inside `r`: each n whose second difference |x[n] - 2x[n-1] + x[n-2]| exceeds
 * `limit` (a clean sine's is at most amplitude * w^2), one per cluster: a skip disturbs a few samples.
 */
export function breaks(x: ArrayLike<number>, r: Range, limit: number): number[] {
  const at: number[] = [];
  for (let n = r.start + 2; n < r.end; n++) {
    if (Math.abs(x[n] - 2 * x[n - 1] + x[n - 2]) <= limit) continue;
    if (at.length === 0 || n - at[at.length - 1] > 96) at.push(n);
  }
  return at;
}

/** The largest |x[n] - x[n-1]| inside `r`, and the n where it is. */
export function maxStep(x: Int32Array, r: Range): { value: number; at: number } {
  let value = 0;
  let at = r.start;
  for (let n = r.start + 1; n < r.end; n++) {
    const d = Math.abs(x[n] - x[n - 1]);
    if (d > value) {
      value = d;
      at = n;
    }
  }
  return { value, at };
}

/** The longest run of exact zeros inside `r`, and where it starts. */
export function longestZeroRun(x: Int32Array, r: Range): { length: number; at: number } {
  let best = { length: 0, at: r.start };
  let run = 0;
  for (let n = r.start; n < r.end; n++) {
    run = x[n] === 0 ? run + 1 : 0;
    if (run > best.length) best = { length: run, at: n - run + 1 };
  }
  return best;
}

/**
 * Fits a·sin(ωn) + b·cos(ωn) to `r` by least squares (ω = 2π·cyclesPerSample) and returns the fitted
 * amplitude and the largest deviation from the fit: a gap, a dropped or repeated sample, a restarted
 * filter or a phase jump anywhere in the range shows up as a deviation of a large part of the amplitude.
 */
export function sineFit(x: Int32Array, r: Range, cyclesPerSample: number): { amplitude: number; maxError: number; at: number } {
  const w = 2 * Math.PI * cyclesPerSample;
  let ss = 0;
  let sc = 0;
  let cc = 0;
  let xs = 0;
  let xc = 0;
  for (let n = r.start; n < r.end; n++) {
    const s = Math.sin(w * n);
    const c = Math.cos(w * n);
    ss += s * s;
    sc += s * c;
    cc += c * c;
    xs += x[n] * s;
    xc += x[n] * c;
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let maxError = 0;
  let at = r.start;
  for (let n = r.start; n < r.end; n++) {
    const e = Math.abs(x[n] - (a * Math.sin(w * n) + b * Math.cos(w * n)));
    if (e > maxError) {
      maxError = e;
      at = n;
    }
  }
  return { amplitude: Math.hypot(a, b), maxError, at };
}
