import { describe, expect, it } from 'vitest';
import { SkewController } from './skew.js';
import { VariableResampler } from './variable-resampler.js';

/**
 * Closed loop with the real resampler: a producer 300 ppm fast fills an
 * input FIFO with a 1 kHz sine; every 1 ms the sender needs 48 output
 * frames and tops up an output FIFO by pushing 16-frame input blocks
 * through the variable resampler. The controller watches the input FIFO.
 */
describe('skew controller + variable resampler', () => {
  it('holds the input FIFO, converges on the skew and keeps the waveform continuous', () => {
    const rate = 48000;
    const skewPpm = 300;
    const target = 960;
    const amp = 0.5;
    const ctl = new SkewController({ sampleRate: rate, targetFrames: target, naturalFrequency: 0.5 });
    const vr = new VariableResampler({ inRate: rate, outRate: rate, channels: 1 });
    const block = new Float64Array(16);
    const resampled = new Float64Array(vr.maxOutputFrames(16));
    const outFifo = new Float64Array(256);
    let outCount = 0;
    let produced = target + vr.latencyFrames; // frames the producer has delivered
    let fed = 0; // frames handed to the resampler
    let minLevel = Infinity;
    let maxLevel = -Infinity;
    let prev1 = NaN;
    let prev2 = NaN;
    let worstJump = 0;
    for (let tick = 0; tick < 30000; tick++) {
      produced += 48 * (1 + skewPpm * 1e-6);
      const level = Math.floor(produced) - fed;
      vr.setAdjustmentPpm(ctl.update(level, 0.001));
      while (outCount < 48) {
        if (Math.floor(produced) - fed < block.length) throw new Error(`input FIFO ran dry at tick ${tick}`);
        for (let k = 0; k < block.length; k++) block[k] = amp * Math.sin((2 * Math.PI * 1000 * ((fed + k) % rate)) / rate);
        fed += block.length;
        const n = vr.process(block, resampled);
        outFifo.set(resampled.subarray(0, n), outCount);
        outCount += n;
      }
      minLevel = Math.min(minLevel, Math.floor(produced) - fed);
      maxLevel = Math.max(maxLevel, Math.floor(produced) - fed);
      for (let k = 0; k < 48; k++) {
        const y = outFifo[k];
        if (tick > 10) worstJump = Math.max(worstJump, Math.abs(y - 2 * prev1 + prev2));
        prev2 = prev1;
        prev1 = y;
      }
      outFifo.copyWithin(0, 48, outCount);
      outCount -= 48;
    }
    // Unsteered, the FIFO would drift by 300 ppm * 30 s = 432 frames.
    expect(minLevel).toBeGreaterThan(target - 100);
    expect(maxLevel).toBeLessThan(target + 100);
    expect(Math.abs(ctl.estimatedSkewPpm - skewPpm)).toBeLessThan(20);
    // Second difference of a sine is bounded by amp * w^2; a glitch would exceed it.
    const w = (2 * Math.PI * 1000 * 1.001) / rate;
    expect(worstJump).toBeLessThan(amp * w * w * 1.001);
  });
});
