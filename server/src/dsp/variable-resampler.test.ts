import { describe, expect, it } from 'vitest';
import { channel, fitSine, resampleAll, sine } from '../../../test/harness/analysis.js';
import { VariableResampler } from './variable-resampler.js';

const AMP = 10 ** (-1 / 20);

describe('variable-ratio resampler', () => {
  it('at the nominal ratio: THD+N <= -185 dB at 1 kHz, <= -138 dB at 19 kHz, aligned', () => {
    for (const [freq, bound] of [
      [1000, -185],
      [19000, -138],
    ]) {
      const r = new VariableResampler({ inRate: 44100, outRate: 48000, channels: 2 });
      const y = channel(resampleAll(r, sine(freq, 44100, 22050, AMP, 2)), 2, 0);
      expect(Math.abs(y.length - 24000)).toBeLessThanOrEqual(1);
      const fit = fitSine(y, freq, 48000, 4000, 20000);
      expect(fit.thdNDb).toBeLessThan(bound);
      expect(Math.abs(fit.phase)).toBeLessThan(1e-9);
    }
  });

  it('consumes input at the steered ratio, clamped to ±1000 ppm', () => {
    for (const ppm of [1000, -1000, 5000]) {
      const r = new VariableResampler({ inRate: 48000, outRate: 48000, channels: 1, slewSeconds: 0.001 });
      r.setAdjustmentPpm(ppm);
      r.reset();
      const x = new Float64Array(480000);
      const out = new Float64Array(r.maxOutputFrames(x.length));
      const n = r.process(x, out);
      const consumed = x.length - r.latencyFrames;
      const expected = Math.max(-1000, Math.min(1000, ppm));
      // One frame of rounding in n is 2 ppm here.
      expect(Math.abs((consumed / n - 1) * 1e6 - expected)).toBeLessThan(3);
      expect(r.adjustmentPpm).toBeCloseTo(expected, 6);
    }
  });

  it('glides between ratios without a discontinuity', () => {
    const r = new VariableResampler({ inRate: 48000, outRate: 48000, channels: 1 });
    const x = sine(1000, 48000, 48000, AMP);
    const out = new Float64Array(r.maxOutputFrames(4800));
    const y: number[] = [];
    for (let b = 0; b < 10; b++) {
      // Full-range swings every 100 ms.
      r.setAdjustmentPpm(b % 2 === 0 ? 1000 : -1000);
      const n = r.process(x.subarray(b * 4800, (b + 1) * 4800), out);
      for (let k = 0; k < n; k++) y.push(out[k]);
    }
    // A sine's second difference is bounded by A * w^2; any click would exceed it.
    const w = (2 * Math.PI * 1000 * 1.001) / 48000;
    let worst = 0;
    for (let k = 1000; k < y.length - 1; k++) worst = Math.max(worst, Math.abs(y[k + 1] - 2 * y[k] + y[k - 1]));
    expect(worst).toBeLessThan(AMP * w * w * 1.0001);
    expect(worst).toBeGreaterThan(AMP * w * w * 0.99);
  });
});
