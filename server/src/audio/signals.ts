/**
 * Test-signal generators: pure, deterministic, no allocation after construction. Each writes `frames`
 * frames of `channels` channels into an interleaved float buffer whose frames are `stride` values apart,
 * so one generator serves both a stereo AudioSource and the daemon's 8-wide input bus.
 *
 * Changing doubles live in Float64Arrays rather than fields: a double stored in a field is boxed on
 * every store, which measured as per-block garbage in the DSP code (docs/dsp.md, Ownership).
 */
import type { SignalSpec } from './signal-spec.js';

export interface Signal {
  render(out: Float64Array, frames: number, channels: number, stride: number): void;
}

const TWO_PI = 2 * Math.PI;

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

/** A sine at `frequency` Hz, peak `levelDb` dBFS, the same on every channel, starting at phase 0. */
export class Sine implements Signal {
  private readonly step: number;
  private readonly amp: number;
  /** Phase in cycles, kept in [0, 1) so precision does not decay over hours. */
  private readonly cycles = new Float64Array(1);

  constructor(rate: number, frequency: number, levelDb: number) {
    this.step = frequency / rate;
    this.amp = dbToGain(levelDb);
  }

  render(out: Float64Array, frames: number, channels: number, stride: number): void {
    let c = this.cycles[0];
    for (let i = 0; i < frames; i++) {
      const v = this.amp * Math.sin(TWO_PI * c);
      for (let ch = 0; ch < channels; ch++) out[i * stride + ch] = v;
      c += this.step;
      if (c >= 1) c -= 1;
    }
    this.cycles[0] = c;
  }
}

/**
 * Paul Kellet's "refined" pink filter (seven first-order sections, ±0.05 dB from -3 dB/oct above 9 Hz at
 * 44.1 kHz) on uniform white noise from a seeded xorshift32. Levels are RMS: the output is scaled by the
 * filter's exact noise gain (sum of its squared impulse response), computed once.
 */
const KELLET_POLES = [0.99886, 0.99332, 0.969, 0.8665, 0.55, -0.7616] as const;
const KELLET_INPUT = [0.0555179, 0.0750759, 0.153852, 0.3104856, 0.5329522, -0.016898] as const;
const KELLET_DIRECT = 0.5362;
const KELLET_DELAYED = 0.115926;
/** Variance of a uniform variate on [-1, 1). */
const WHITE_VARIANCE = 1 / 3;

function kelletNoiseGain(): number {
  // Impulse response energy: the slowest pole (0.99886) decays to e^-27 in 24000 samples.
  const state = new Float64Array(KELLET_POLES.length);
  let energy = 0;
  for (let n = 0; n < 24000; n++) {
    const x = n === 0 ? 1 : 0;
    let y = x * KELLET_DIRECT + (n === 1 ? KELLET_DELAYED : 0);
    for (let k = 0; k < state.length; k++) {
      state[k] = KELLET_POLES[k] * state[k] + x * KELLET_INPUT[k];
      y += state[k];
    }
    energy += y * y;
  }
  return Math.sqrt(energy * WHITE_VARIANCE);
}

export class PinkNoise implements Signal {
  private readonly scale: number;
  /** Filter sections, then the delayed white sample (index 6). */
  private readonly state = new Float64Array(KELLET_POLES.length + 1);
  private readonly rng = new Uint32Array(1);

  constructor(levelDb: number, seed = 1) {
    this.scale = dbToGain(levelDb) / kelletNoiseGain();
    this.rng[0] = seed >>> 0 || 1;
  }

  render(out: Float64Array, frames: number, channels: number, stride: number): void {
    const s = this.state;
    let x = this.rng[0];
    for (let i = 0; i < frames; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const white = (x >>> 0) / 2147483648 - 1;
      s[0] = 0.99886 * s[0] + white * 0.0555179;
      s[1] = 0.99332 * s[1] + white * 0.0750759;
      s[2] = 0.969 * s[2] + white * 0.153852;
      s[3] = 0.8665 * s[3] + white * 0.3104856;
      s[4] = 0.55 * s[4] + white * 0.5329522;
      s[5] = -0.7616 * s[5] - white * 0.016898;
      const pink = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + white * KELLET_DIRECT;
      s[6] = white * KELLET_DELAYED;
      // Peaks of a Gaussian-like signal can pass full scale at high RMS levels: clip rather than wrap.
      const v = Math.max(-1, Math.min(1, pink * this.scale));
      for (let ch = 0; ch < channels; ch++) out[i * stride + ch] = v;
    }
    this.rng[0] = x;
  }
}

/**
 * Exponential (log) sweep from f1 to f2 over `seconds`, repeating. Within a sweep the phase is the
 * closed form 2*pi*f1*T/ln(f2/f1) * (e^(t*ln(f2/f1)/T) - 1), so the instantaneous frequency is exactly
 * f1*(f2/f1)^(t/T); each restart continues from the previous sweep's end phase, so the waveform never
 * jumps (only its frequency does).
 */
export class LogSweep implements Signal {
  private readonly length: number;
  private readonly k: number;
  private readonly w1: number;
  private readonly amp: number;
  /** Phase at the start of the current sweep, radians wrapped to 2*pi. */
  private readonly base = new Float64Array(1);
  private n = 0;

  constructor(rate: number, f1: number, f2: number, seconds: number, levelDb: number) {
    this.length = Math.max(1, Math.round(seconds * rate));
    this.k = Math.log(f2 / f1) / this.length;
    this.w1 = (TWO_PI * f1) / rate;
    this.amp = dbToGain(levelDb);
  }

  /** Phase `n` samples into a sweep: w1 * (e^(k n) - 1) / k, which tends to w1 * n as k -> 0 (f1 = f2). */
  private phase(n: number): number {
    return this.k === 0 ? this.w1 * n : (this.w1 * Math.expm1(this.k * n)) / this.k;
  }

  render(out: Float64Array, frames: number, channels: number, stride: number): void {
    let n = this.n;
    let base = this.base[0];
    for (let i = 0; i < frames; i++) {
      const v = this.amp * Math.sin(base + this.phase(n));
      for (let ch = 0; ch < channels; ch++) out[i * stride + ch] = v;
      if (++n === this.length) {
        base = (base + this.phase(n)) % TWO_PI;
        n = 0;
      }
    }
    this.n = n;
    this.base[0] = base;
  }
}

/**
 * Speaker identification: channel c (from 0) beeps c + 1 times at 1 kHz (120 ms beeps, 5 ms raised-cosine
 * edges so they do not click, 250 ms apart), then stays silent until the 3-second cycle restarts. A
 * listener counts beeps to learn which channel a speaker plays.
 */
export const IDENTIFY = { frequency: 1000, beepS: 0.12, periodS: 0.25, cycleS: 3, rampS: 0.005, maxChannels: 8 } as const;

export class Identify implements Signal {
  private readonly beep: number;
  private readonly period: number;
  private readonly cycle: number;
  private readonly ramp: number;
  private readonly amp: number;
  private readonly w: number;
  private n = 0;

  constructor(rate: number, levelDb: number) {
    this.beep = Math.round(IDENTIFY.beepS * rate);
    this.period = Math.round(IDENTIFY.periodS * rate);
    this.cycle = Math.round(IDENTIFY.cycleS * rate);
    this.ramp = Math.round(IDENTIFY.rampS * rate);
    this.amp = dbToGain(levelDb);
    this.w = (TWO_PI * IDENTIFY.frequency) / rate;
  }

  /** Envelope of a beep at sample `t` into it: raised-cosine edges, flat top. */
  private envelope(t: number): number {
    const edge = Math.min(t, this.beep - t);
    return edge >= this.ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / this.ramp);
  }

  render(out: Float64Array, frames: number, channels: number, stride: number): void {
    let n = this.n;
    for (let i = 0; i < frames; i++) {
      const beepIndex = Math.floor(n / this.period);
      const t = n - beepIndex * this.period;
      const v = t < this.beep ? this.amp * this.envelope(t) * Math.sin(this.w * t) : 0;
      for (let ch = 0; ch < channels; ch++) out[i * stride + ch] = beepIndex <= ch ? v : 0;
      if (++n === this.cycle) n = 0;
    }
    this.n = n;
  }
}

export function createSignal(spec: SignalSpec, rate: number): Signal {
  switch (spec.kind) {
    case 'sine':
      return new Sine(rate, spec.frequency, spec.levelDb);
    case 'pink':
      return new PinkNoise(spec.levelDb, spec.seed);
    case 'sweep':
      return new LogSweep(rate, spec.f1, spec.f2, spec.seconds, spec.levelDb);
    case 'identify':
      return new Identify(rate, spec.levelDb);
  }
}
