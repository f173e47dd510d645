/**
 * Kaiser window helpers (Kaiser & Schafer, "On the use of the I0-sinh window
 * for spectrum analysis", 1980). The empirical formulas are only used to pick
 * a starting point; the designed filters are verified numerically in tests.
 */

/** Modified Bessel function of the first kind, order 0 (power series). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  // The series converges for all x; stop once terms no longer change the sum.
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser beta for a stopband attenuation of `attenuationDb` (> 50 dB branch). */
export function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) {
    return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  }
  return 0;
}

/**
 * Filter length (in samples of the rate the transition is normalised to) for
 * `attenuationDb` stopband attenuation and a transition band of
 * `transition` cycles per sample.
 */
export function kaiserLength(attenuationDb: number, transition: number): number {
  return (attenuationDb - 7.95) / (14.36 * transition);
}

/**
 * Continuous Kaiser window evaluated at `t` for a window spanning
 * [-halfWidth, halfWidth]; zero outside.
 */
export function kaiserWindow(t: number, halfWidth: number, beta: number, i0Beta: number): number {
  const r = t / halfWidth;
  if (r <= -1 || r >= 1) return 0;
  return besselI0(beta * Math.sqrt(1 - r * r)) / i0Beta;
}
