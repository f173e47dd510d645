import { besselI0, kaiserBeta, kaiserLength, kaiserWindow } from './kaiser.js';

/** Parameters of the anti-imaging / anti-aliasing low-pass. */
export interface FilterSpec {
  inRate: number;
  outRate: number;
  /** Stopband attenuation the Kaiser window is sized for, in dB. */
  attenuationDb: number;
  /** Passband edge in Hz. */
  passHz: number;
  /** Stopband edge in Hz. */
  stopHz: number;
}

/** Kaiser attenuation chosen by measurement (docs/dsp.md): about -200 dB THD+N, -186 dB alias. */
export const DEFAULT_ATTENUATION_DB = 175;

/**
 * Default band edges: passband to 0.4535 of the lower rate (20 kHz for
 * 44.1 kHz), stopband from the lower Nyquist so nothing above it can image or
 * alias into the output.
 */
export function defaultBand(inRate: number, outRate: number): Pick<FilterSpec, 'passHz' | 'stopHz'> {
  const minRate = Math.min(inRate, outRate);
  return { passHz: 0.4535 * minRate, stopHz: 0.5 * minRate };
}

/**
 * Polyphase table of a windowed-sinc prototype. Row `p` (0 <= p < rows) holds
 * the `taps` coefficients for an output instant `p / phases` of an input
 * sample after input index `i`; coefficient `m` multiplies input
 * `i - taps/2 + 1 + m`.
 */
export interface PolyphaseTable {
  taps: number;
  phases: number;
  rows: number;
  coeffs: Float64Array;
  /** Cutoff (-6 dB point) in Hz. */
  cutoffHz: number;
}

/** Prototype impulse response evaluated at `t` input samples from its centre. */
function prototype(t: number, fc: number, halfWidth: number, beta: number, i0Beta: number): number {
  const w = kaiserWindow(t, halfWidth, beta, i0Beta);
  if (w === 0) return 0;
  const x = 2 * fc * t;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  return 2 * fc * sinc * w;
}

/**
 * Designs (or returns the cached) polyphase table. `rows` may be `phases + 1` so that linear
 * interpolation between adjacent rows never has to wrap (variable-ratio mode).
 */
export function designPolyphase(spec: FilterSpec, phases: number, rows = phases): PolyphaseTable {
  // Tables are read-only once built, so instances with the same design share
  // one (the variable-ratio table is several MB).
  const key = `${spec.inRate}/${spec.outRate}/${spec.attenuationDb}/${spec.passHz}/${spec.stopHz}/${phases}/${rows}`;
  let table = cache.get(key);
  if (!table) {
    table = design(spec, phases, rows);
    cache.set(key, table);
  }
  return table;
}

const cache = new Map<string, PolyphaseTable>();

function design(spec: FilterSpec, phases: number, rows: number): PolyphaseTable {
  const fc = (spec.passHz + spec.stopHz) / 2 / spec.inRate;
  const length = kaiserLength(spec.attenuationDb, (spec.stopHz - spec.passHz) / spec.inRate);
  // A multiple of 4 so the unrolled dot products need no remainder loop.
  const taps = 4 * Math.ceil(length / 4);
  const beta = kaiserBeta(spec.attenuationDb);
  const i0Beta = besselI0(beta);
  const half = taps / 2;
  const coeffs = new Float64Array(rows * taps);
  for (let p = 0; p < rows; p++) {
    for (let m = 0; m < taps; m++) coeffs[p * taps + m] = prototype(half - 1 - m + p / phases, fc, half, beta, i0Beta);
  }
  // Unity DC gain averaged over all phases of one input period.
  let sum = 0;
  for (let k = 0; k < phases * taps; k++) sum += coeffs[k];
  const scale = phases / sum;
  for (let k = 0; k < coeffs.length; k++) coeffs[k] *= scale;
  return { taps, phases, rows, coeffs, cutoffHz: fc * spec.inRate };
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
