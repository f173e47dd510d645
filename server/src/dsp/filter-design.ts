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
  const design = startDesign(spec, phases, rows);
  design.advance(Infinity);
  return design.table!;
}

/**
 * A design computed a slice at a time, so a thread that must also keep audio flowing (the DSP worker,
 * where a new rate pair can arrive mid-queue) never stops for all of it: the first design of a table
 * runs in V8's interpreter, 25-60 ms on this VM for 44.1 -> 48 kHz, more than a busy host leaves it.
 */
export class PolyphaseDesign {
  table: PolyphaseTable | null = null;
  private readonly fc: number;
  private readonly taps: number;
  private readonly beta: number;
  private readonly i0Beta: number;
  /** The even prototype at k/phases input samples from its centre, k = 0..half·phases (allocated on the first slice). */
  private samples: Float64Array | null = null;
  private done = 0;

  constructor(
    private readonly spec: FilterSpec,
    private readonly phases: number,
    private readonly rows: number,
  ) {
    this.fc = (spec.passHz + spec.stopHz) / 2 / spec.inRate;
    const length = kaiserLength(spec.attenuationDb, (spec.stopHz - spec.passHz) / spec.inRate);
    // A multiple of 4 so the unrolled dot products need no remainder loop.
    this.taps = 4 * Math.ceil(length / 4);
    this.beta = kaiserBeta(spec.attenuationDb);
    this.i0Beta = besselI0(this.beta);
  }

  /** Computes up to `budget` more prototype samples (each one Bessel series); true once the table is ready. */
  advance(budget: number): boolean {
    if (this.table) return true;
    const { phases, fc, beta, i0Beta } = this;
    const half = this.taps / 2;
    const samples = (this.samples ??= new Float64Array(half * phases + 1));
    const end = Math.min(samples.length, this.done + budget);
    for (let j = this.done; j < end; j++) samples[j] = prototype(j / phases, fc, half, beta, i0Beta);
    this.done = end;
    if (end < samples.length) return false;
    this.table = this.build(samples);
    this.samples = null;
    return true;
  }

  /** Every coefficient is one prototype sample: row p, tap m sits (half - 1 - m)·phases + p steps from the centre. */
  private build(samples: Float64Array): PolyphaseTable {
    const { taps, phases, rows } = this;
    const half = taps / 2;
    const coeffs = new Float64Array(rows * taps);
    for (let p = 0; p < rows; p++) {
      for (let m = 0; m < taps; m++) coeffs[p * taps + m] = samples[Math.abs((half - 1 - m) * phases + p)];
    }
    // Unity DC gain averaged over all phases of one input period.
    let sum = 0;
    for (let k = 0; k < phases * taps; k++) sum += coeffs[k];
    const scale = phases / sum;
    for (let k = 0; k < coeffs.length; k++) coeffs[k] *= scale;
    return { taps, phases, rows, coeffs, cutoffHz: this.fc * this.spec.inRate };
  }
}

/**
 * The design of a table, shared: tables are read-only once built, so instances with the same design
 * share one (the variable-ratio table is several MB), and a design begun a slice at a time is the one a
 * later designPolyphase finishes.
 */
export function startDesign(spec: FilterSpec, phases: number, rows = phases): PolyphaseDesign {
  const key = `${spec.inRate}/${spec.outRate}/${spec.attenuationDb}/${spec.passHz}/${spec.stopHz}/${phases}/${rows}`;
  let design = designs.get(key);
  if (!design) {
    design = new PolyphaseDesign(spec, phases, rows);
    designs.set(key, design);
  }
  return design;
}

/** Every design begun, finished or not, by its spec. */
const designs = new Map<string, PolyphaseDesign>();

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
