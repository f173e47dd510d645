import { describe, expect, it } from 'vitest';
import { bandPower, fitSine, powerSpectrum } from '../../../test/harness/analysis.js';
import { BUS_CHANNELS } from './input.js';
import { IDENTIFY, Identify, LogSweep, PinkNoise, Sine } from './signals.js';
import { parseSignalArg, signalProblem } from './signal-spec.js';
import { signalSource } from './signal-source.js';
import { SignalInput, signalInputOptionsSchema } from './signal-input.js';

const RATE = 48000;

function render(sig: { render(o: Float64Array, f: number, c: number, s: number): void }, frames: number, block = 1000): Float64Array {
  const out = new Float64Array(frames);
  const tmp = new Float64Array(block);
  for (let at = 0; at < frames; at += block) {
    const n = Math.min(block, frames - at);
    sig.render(tmp, n, 1, 1);
    out.set(tmp.subarray(0, n), at);
  }
  return out;
}

/** Times of upward zero crossings, linearly interpolated, in samples. */
function upCrossings(x: Float64Array): number[] {
  const t: number[] = [];
  for (let n = 1; n < x.length; n++) if (x[n - 1] < 0 && x[n] >= 0) t.push(n - 1 + x[n - 1] / (x[n - 1] - x[n]));
  return t;
}

describe('sine', () => {
  it('has the requested frequency, peak level and phase 0, across block boundaries', () => {
    const x = render(new Sine(RATE, 997, -20), RATE * 2, 333);
    const fit = fitSine(x, 997, RATE);
    expect(fit.amplitude).toBeCloseTo(0.1, 9);
    expect(Math.abs(fit.phase)).toBeLessThan(1e-9);
    expect(fit.thdNDb).toBeLessThan(-200);
  });
});

describe('pink noise', () => {
  const frames = 2 ** 20;
  const x = render(new PinkNoise(-20, 7), frames, 4096);

  it('falls 3 dB per octave from 50 Hz to 16 kHz', () => {
    // Average power spectrum over 8192-point segments (Welch), then power per octave band.
    const n = 8192;
    const avg = new Float64Array(n / 2 + 1);
    for (let from = 0; from + n <= frames; from += n) {
      const p = powerSpectrum(x, from, n);
      for (let k = 0; k < avg.length; k++) avg[k] += p[k];
    }
    const bands: [number, number][] = [];
    for (let lo = 50; lo * 2 <= 16000; lo *= 2) bands.push([Math.log2(lo / 50), 10 * Math.log10(bandPower(avg, RATE, lo, lo * 2))]);
    // Per-octave band power of pink noise is constant; per Hz it falls 3 dB/oct, so power per octave
    // band is flat. Fit a line to check both the slope (≈ 0) and the scatter.
    const m = bands.length;
    const mx = bands.reduce((s, [o]) => s + o, 0) / m;
    const my = bands.reduce((s, [, d]) => s + d, 0) / m;
    const slope = bands.reduce((s, [o, d]) => s + (o - mx) * (d - my), 0) / bands.reduce((s, [o]) => s + (o - mx) ** 2, 0);
    // Flat per octave <=> -3.01 dB/oct in power density.
    const densitySlope = slope - 10 * Math.log10(2);
    expect(Math.abs(densitySlope + 3.01)).toBeLessThan(0.25);
    for (const [o, d] of bands) expect(Math.abs(d - (my + slope * (o - mx))), `octave ${o}`).toBeLessThan(0.5);
  });

  it('has the requested RMS level and is reproducible from its seed', () => {
    const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / frames);
    expect(20 * Math.log10(rms)).toBeCloseTo(-20, 1);
    expect(render(new PinkNoise(-20, 7), 1000)).toEqual(x.subarray(0, 1000));
    expect(render(new PinkNoise(-20, 8), 1000)).not.toEqual(x.subarray(0, 1000));
  });
});

describe('log sweep', () => {
  it('follows f1 * (f2/f1)^(t/T) and repeats without a jump in the waveform', () => {
    const [f1, f2, T] = [20, 20000, 1];
    const x = render(new LogSweep(RATE, f1, f2, T, -6), RATE * 2, 777);
    const crossings = upCrossings(x);
    let checked = 0;
    for (let i = 1; i < crossings.length; i++) {
      const mid = (crossings[i - 1] + crossings[i]) / 2;
      const t = (mid % (T * RATE)) / RATE;
      const expected = f1 * (f2 / f1) ** (t / T);
      // Zero crossings resolve the period well while it spans many samples (below ~4 kHz here).
      const straddles = Math.floor(crossings[i - 1] / (T * RATE)) !== Math.floor(crossings[i] / (T * RATE));
      if (expected > 4000 || straddles) continue;
      const measured = RATE / (crossings[i] - crossings[i - 1]);
      expect(Math.abs(measured / expected - 1), `at ${mid} samples`).toBeLessThan(0.005);
      checked++;
    }
    // About (4000 - 20) / ln(1000) = 576 periods per sweep lie below 4 kHz.
    expect(checked).toBeGreaterThan(1100);
    // A clean sine changes by at most amp * w per sample; a phase jump at the restart would exceed it.
    const amp = 10 ** (-6 / 20);
    let worst = 0;
    for (let n = 1; n < x.length; n++) worst = Math.max(worst, Math.abs(x[n] - x[n - 1]));
    expect(worst).toBeLessThanOrEqual(amp * ((2 * Math.PI * f2) / RATE) * 1.0001);
  });
});

describe('identify', () => {
  it('beeps n times on channel n, at 1 kHz, silent between cycles', () => {
    const cycle = IDENTIFY.cycleS * RATE;
    const gen = new Identify(RATE, -12);
    const out = new Float64Array(2 * cycle * BUS_CHANNELS);
    gen.render(out, 2 * cycle, 8, BUS_CHANNELS);
    for (let c = 0; c < 8; c++) {
      const ch = new Float64Array(2 * cycle);
      for (let n = 0; n < ch.length; n++) ch[n] = out[n * BUS_CHANNELS + c];
      let bursts = 0;
      let silent = Infinity;
      for (let n = 0; n < cycle; n++) {
        if (ch[n] !== 0 && silent > 100) bursts++;
        silent = ch[n] === 0 ? silent + 1 : 0;
      }
      expect(bursts, `channel ${c}`).toBe(c + 1);
      expect(ch.subarray(cycle, 2 * cycle)).toEqual(ch.subarray(0, cycle));
    }
    // The flat top of the first beep is a -12 dBFS 1 kHz sine.
    const first = new Float64Array(Math.round(IDENTIFY.beepS * RATE));
    for (let n = 0; n < first.length; n++) first[n] = out[n * BUS_CHANNELS];
    const ramp = IDENTIFY.rampS * RATE;
    const fit = fitSine(first, 1000, RATE, ramp, first.length - ramp);
    expect(fit.amplitude).toBeCloseTo(10 ** (-12 / 20), 9);
    expect(first[0]).toBe(0);
  });
});

describe('signal specs', () => {
  it('parses the command-line forms with defaults', () => {
    expect(parseSignalArg('signal:sine')).toEqual({ kind: 'sine', frequency: 1000, levelDb: -18 });
    expect(parseSignalArg('signal:sine:440:-6')).toEqual({ kind: 'sine', frequency: 440, levelDb: -6 });
    expect(parseSignalArg('signal:pink:-20')).toEqual({ kind: 'pink', levelDb: -20 });
    expect(parseSignalArg('signal:sweep:100:1000:5')).toEqual({ kind: 'sweep', f1: 100, f2: 1000, seconds: 5, levelDb: -18 });
    expect(parseSignalArg('signal:identify')).toEqual({ kind: 'identify', levelDb: -18 });
  });

  it('names the bad part of a bad spec', () => {
    expect(() => parseSignalArg('signal:square')).toThrow("unknown signal 'square'");
    expect(() => parseSignalArg('signal:sine:loud')).toThrow("frequency must be a number, not 'loud'");
    expect(() => parseSignalArg('signal:sine:1000:3')).toThrow('signal:sine:1000:3: levelDb');
    expect(() => parseSignalArg('signal:pink:-3:1')).toThrow('too many fields (expected signal:pink[:LEVEL])');
    expect(() => parseSignalArg('signal:sweep:100')).toThrow('give both F1 and F2');
    expect(signalProblem(parseSignalArg('signal:sine:30000'), 48000)).toBe('30000 Hz is not below the Nyquist frequency (24000 Hz at 48000 Hz)');
    expect(signalProblem(parseSignalArg('signal:sweep:20:22000'), 48000)).toBeNull();
    expect(() => new SignalInput({ signal: parseSignalArg('signal:sweep:20:23000'), rate: 44100 })).toThrow('23000 Hz is not below');
  });
});

describe('signal as a play source and as a daemon input', () => {
  it('plays a finite, dithered 16-bit signal in 24-bit-scaled planes', async () => {
    const src = signalSource(parseSignalArg('signal:sine:1000:-6'), { rate: RATE, channels: 2, bits: 16, frames: 10000, label: 'signal:sine' });
    expect(src.format).toEqual({ sampleRate: RATE, channels: 2, bitsPerSample: 16, totalFrames: 10000 });
    let total = 0;
    for (let b = await src.read(); b; b = await src.read()) {
      for (let i = 0; i < b.frames; i++) {
        expect(b.channels[0][i] & 255).toBe(0);
        // Each channel gets its own TPDF dither (±1 LSB), so they agree to within two 16-bit steps.
        expect(Math.abs(b.channels[1][i] - b.channels[0][i])).toBeLessThanOrEqual(512);
      }
      total += b.frames;
    }
    expect(total).toBe(10000);
  });

  it('fills the requested bus inputs and silences the rest', () => {
    const input = new SignalInput({ signal: { kind: 'sine', frequency: 1000, levelDb: 0 }, rate: RATE, channels: 3 });
    const out = new Float64Array(480 * BUS_CHANNELS).fill(9);
    expect(input.read(out, 480)).toEqual({ sourceBits: undefined, resampled: false });
    for (let i = 0; i < 480; i++) {
      const f = out.subarray(i * BUS_CHANNELS, (i + 1) * BUS_CHANNELS);
      expect(f[1]).toBe(f[0]);
      expect(f[2]).toBe(f[0]);
      expect([...f.subarray(3)]).toEqual([0, 0, 0, 0, 0]);
    }
    expect(out[12 * BUS_CHANNELS]).toBeCloseTo(1, 12);
    expect(() => new SignalInput({ signal: { kind: 'identify', levelDb: -18 }, rate: RATE, channels: 9 })).toThrow('1 to 8 channels');
    // What the DSP worker receives is checked first.
    expect(signalInputOptionsSchema.parse({ signal: { kind: 'pink', levelDb: -20, seed: 3 }, rate: 96000 })).toBeTruthy();
    expect(signalInputOptionsSchema.safeParse({ signal: { kind: 'sine', frequency: 1000, levelDb: 6 }, rate: RATE }).success).toBe(false);
  });
});
