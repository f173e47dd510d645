/**
 * Measurement helpers shared by the DSP tests and bench/resample. Pure
 * functions on Float64 signals; nothing here is on the audio path.
 */
import type { Resampler } from '../../server/src/dsp/resampler.js';
import { fft } from '../../server/src/dsp/fft.js';

/** Phase of a tone of integer `freq` Hz at sample `n` of an integer-rate signal, exact for huge n. */
function tonePhase(freq: number, rate: number, n: number): number {
  // (freq * n) mod rate in integers keeps the argument of sin/cos small and exact.
  return (2 * Math.PI * ((freq * n) % rate)) / rate;
}

/** Interleaved `channels`-channel sine of amplitude `amp`, identical on all channels. */
export function sine(freq: number, rate: number, frames: number, amp: number, channels = 1): Float64Array {
  const out = new Float64Array(frames * channels);
  for (let n = 0; n < frames; n++) {
    const v = amp * Math.sin(tonePhase(freq, rate, n));
    for (let c = 0; c < channels; c++) out[n * channels + c] = v;
  }
  return out;
}

/** One channel out of an interleaved buffer. */
export function channel(x: Float64Array | Float32Array, channels: number, index: number): Float64Array {
  const out = new Float64Array(Math.floor(x.length / channels));
  for (let n = 0; n < out.length; n++) out[n] = x[n * channels + index];
  return out;
}

export interface SineFit {
  /** Amplitude of the fitted sine. */
  amplitude: number;
  /** Phase (radians) of the fitted sine, as in amp * sin(w n + phase). */
  phase: number;
  /** RMS of what is left after removing the sine and DC. */
  residualRms: number;
  /** Residual relative to the fitted sine's RMS, in dB (THD+N). */
  thdNDb: number;
}

/**
 * Least-squares fit of DC + a sine of known frequency over x[from, to);
 * index n of x is sample n of the signal (the phase reference).
 */
export function fitSine(x: Float64Array, freq: number, rate: number, from = 0, to = x.length): SineFit {
  // Normal equations for [sin, cos, 1].
  let ss = 0, sc = 0, s1 = 0, cc = 0, c1 = 0, xs = 0, xc = 0, x1 = 0;
  for (let n = from; n < to; n++) {
    const ph = tonePhase(freq, rate, n);
    const s = Math.sin(ph);
    const c = Math.cos(ph);
    const v = x[n];
    ss += s * s; sc += s * c; s1 += s; cc += c * c; c1 += c;
    xs += v * s; xc += v * c; x1 += v;
  }
  const count = to - from;
  const [a, b, d] = solve3([ss, sc, s1, sc, cc, c1, s1, c1, count], [xs, xc, x1]);
  let err = 0;
  for (let n = from; n < to; n++) {
    const ph = tonePhase(freq, rate, n);
    const e = x[n] - a * Math.sin(ph) - b * Math.cos(ph) - d;
    err += e * e;
  }
  const amplitude = Math.hypot(a, b);
  const residualRms = Math.sqrt(err / count);
  return {
    amplitude,
    phase: Math.atan2(b, a),
    residualRms,
    thdNDb: 20 * Math.log10(residualRms / (amplitude / Math.SQRT2)),
  };
}

/** Gaussian elimination with partial pivoting for a 3x3 system (row-major m). */
function solve3(m: number[], v: number[]): [number, number, number] {
  const a = [m.slice(0, 3).concat(v[0]), m.slice(3, 6).concat(v[1]), m.slice(6, 9).concat(v[2])];
  for (let col = 0; col < 3; col++) {
    let piv = col;
    for (let r = col + 1; r < 3; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
    [a[col], a[piv]] = [a[piv], a[col]];
    for (let r = col + 1; r < 3; r++) {
      const f = a[r][col] / a[col][col];
      for (let k = col; k < 4; k++) a[r][k] -= f * a[col][k];
    }
  }
  const out: [number, number, number] = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = a[r][3];
    for (let k = r + 1; k < 3; k++) s -= a[r][k] * out[k];
    out[r] = s / a[r][r];
  }
  return out;
}

/** Level of `amplitude` relative to `reference`, in dB. */
export function levelDb(amplitude: number, reference: number): number {
  return 20 * Math.log10(amplitude / reference);
}

/** The product's FFT (server/src/dsp/fft.ts), exact twiddles: the measurements' too. */
export { fft };

/** 4-term Blackman-Harris window (-92 dB side lobes). */
export function blackmanHarris(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = (2 * Math.PI * k) / n;
    w[k] = 0.35875 - 0.48829 * Math.cos(x) + 0.14128 * Math.cos(2 * x) - 0.01168 * Math.cos(3 * x);
  }
  return w;
}

/**
 * Windowed power spectrum (bins 0..n/2) of x[from, from+n), normalised so a
 * full-scale sine on a bin centre reads 0 dB in the sum over its main lobe.
 */
export function powerSpectrum(x: Float64Array, from: number, n: number): Float64Array {
  const w = blackmanHarris(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let wsum2 = 0;
  for (let k = 0; k < n; k++) {
    re[k] = x[from + k] * w[k];
    wsum2 += w[k] * w[k];
  }
  fft(re, im);
  const out = new Float64Array(n / 2 + 1);
  // Scale so that summing the bins of a sine gives its mean power (amp^2 / 2).
  for (let k = 0; k <= n / 2; k++) out[k] = ((k === 0 || k === n / 2 ? 1 : 2) * (re[k] ** 2 + im[k] ** 2)) / (n * wsum2);
  return out;
}

/** Sum of power spectrum bins whose centre frequency lies in [lowHz, highHz]. */
export function bandPower(spectrum: Float64Array, rate: number, lowHz: number, highHz: number): number {
  const n = (spectrum.length - 1) * 2;
  let p = 0;
  for (let k = 0; k < spectrum.length; k++) {
    const f = (k * rate) / n;
    if (f >= lowHz && f <= highHz) p += spectrum[k];
  }
  return p;
}

/** Runs a whole signal through `r` in one block plus flush; returns interleaved output. */
export function resampleAll(r: Resampler, input: Float64Array | Float32Array): Float64Array {
  const frames = input.length / r.channels;
  const out = new Float64Array((r.maxOutputFrames(frames) + r.maxOutputFrames(0)) * r.channels);
  const n = r.process(input, out);
  const tail = new Float64Array(r.maxOutputFrames(0) * r.channels);
  const t = r.flush(tail);
  out.set(tail.subarray(0, t * r.channels), n * r.channels);
  return out.slice(0, (n + t) * r.channels);
}
