import { describe, expect, it } from 'vitest';
import { TpdfDither } from './dither.js';
import { needsDither, Quantizer } from './quantize.js';

describe('TPDF dither', () => {
  it('has zero mean, variance 1/6 LSB^2 and a triangular histogram on (-1, 1)', () => {
    const d = new TpdfDither(7);
    const n = 400000;
    const bins = new Float64Array(20);
    let sum = 0;
    let sq = 0;
    let peak = 0;
    for (let k = 0; k < n; k++) {
      const v = d.next();
      peak = Math.max(peak, Math.abs(v));
      sum += v;
      sq += v * v;
      bins[Math.floor((v + 1) * 10)]++;
    }
    expect(peak).toBeLessThan(1);
    expect(peak).toBeGreaterThan(0.99);
    expect(Math.abs(sum / n)).toBeLessThan(0.003);
    expect(sq / n).toBeCloseTo(1 / 6, 2);
    // Triangular density 1 - |v|: expected share of bin b.
    for (let b = 0; b < 20; b++) {
      const lo = b / 10 - 1;
      const hi = lo + 0.1;
      const cdf = (v: number) => (v < 0 ? (v + 1) ** 2 / 2 : 1 - (1 - v) ** 2 / 2);
      expect(Math.abs(bins[b] / n - (cdf(hi) - cdf(lo)))).toBeLessThan(0.002);
    }
  });
});

describe('quantizer', () => {
  it('is bit-perfect for 24-bit integers at unity without dither', () => {
    const q = new Quantizer({ bits: 24, dither: false });
    const ints = Int32Array.from({ length: 1000 }, (_, k) => ((k * 2654435761) % 16777216) - 8388608);
    const out = new Int32Array(ints.length);
    q.process(Float64Array.from(ints, (v) => v / 8388608), out);
    expect(out).toEqual(ints);
    expect(q.clipCount).toBe(0);
  });

  it('16-bit dithered output: error mean ~0, power of quantisation + TPDF (1/12 + 1/6 LSB^2)', () => {
    const q = new Quantizer({ bits: 16, dither: true, seed: 3 });
    const n = 200000;
    const x = Float64Array.from({ length: n }, (_, k) => 0.3 * Math.sin(k * 0.01234));
    const out = new Int32Array(n);
    q.process(x, out);
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < n; k++) {
      const e = out[k] - x[k] * 32768;
      sum += e;
      sq += e * e;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(sq / n).toBeCloseTo(0.25, 1);
  });

  it('dither decorrelates: a -100 dBFS tone below 1 LSB of 16 bits survives on average', () => {
    const q = new Quantizer({ bits: 16, dither: true });
    const amp = 0.4 / 32768;
    const n = 65536;
    const x = Float64Array.from({ length: n }, (_, k) => amp * Math.sin((2 * Math.PI * 64 * k) / n));
    const out = new Int32Array(n);
    q.process(x, out);
    let corr = 0;
    for (let k = 0; k < n; k++) corr += out[k] * Math.sin((2 * Math.PI * 64 * k) / n);
    expect((2 * corr) / n / 32768 / amp).toBeCloseTo(1, 1);
    const plain = new Quantizer({ bits: 16, dither: false });
    plain.process(x, out);
    expect(out.every((v) => v === 0)).toBe(true);
  });

  it('leaves a block of digital silence undithered, and dithers every sample of a block with any signal', () => {
    const q = new Quantizer({ bits: 24, dither: true, seed: 3 });
    const out = new Int32Array(480).fill(7);
    q.process(new Float64Array(480), out);
    expect(out.every((v) => v === 0)).toBe(true);
    // One sample of signal: the zeros around it are dithered too (no noise gating inside a block).
    const quiet = new Float64Array(480);
    quiet[240] = 1e-9;
    q.process(quiet, out);
    expect(out.filter((v, k) => k !== 240 && v !== 0).length).toBeGreaterThan(60);
  });

  it('counts and clamps clipped samples', () => {
    const q = new Quantizer({ bits: 24, dither: false });
    const out = new Int32Array(5);
    q.process(new Float64Array([1, -1, 1.5, -2, 0.999]), out);
    expect(Array.from(out)).toEqual([8388607, -8388608, 8388607, -8388608, Math.round(0.999 * 8388608)]);
    expect(q.clipCount).toBe(3);
    q.process(new Float64Array([1.2]), out);
    expect(q.clipCount).toBe(4);
    q.resetClipCount();
    expect(q.clipCount).toBe(0);
  });

  it('decides dither from the path', () => {
    const base = { gainUnity: true, resampled: false, identityRouting: true } as const;
    expect(needsDither({ ...base, bits: 24, sourceBits: 24 })).toBe(false);
    expect(needsDither({ ...base, bits: 16, sourceBits: 16 })).toBe(false);
    expect(needsDither({ ...base, bits: 16, sourceBits: 24 })).toBe(true);
    expect(needsDither({ ...base, bits: 24 })).toBe(true);
    expect(needsDither({ ...base, bits: 24, sourceBits: 16, gainUnity: false })).toBe(true);
    expect(needsDither({ ...base, bits: 24, sourceBits: 16, resampled: true })).toBe(true);
    expect(needsDither({ ...base, bits: 24, sourceBits: 16, identityRouting: false })).toBe(true);
  });
});
