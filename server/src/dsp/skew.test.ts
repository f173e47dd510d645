import { describe, expect, it } from 'vitest';
import { SkewController } from './skew.js';

/**
 * Pure simulation of a receive FIFO: a producer sends 48-frame packets at
 * 1 ms of its own (skewed) clock with up to 0.8 ms of arrival jitter; every
 * 1 ms of our clock the consumer (the variable resampler) takes
 * 48 * (1 + adjustment) frames. The controller sees the level before each
 * pull.
 */
function simulate(skewPpm: (t: number) => number, seconds: number) {
  const rate = 48000;
  const capacity = 4800;
  const target = 2400;
  const ctl = new SkewController({ sampleRate: rate, targetFrames: target });
  let level = target;
  let min = Infinity;
  let max = -Infinity;
  let seed = 99;
  const jitter = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return (seed / 4294967296) * 0.0008;
  };
  let sendTime = 0;
  let nextArrival = jitter();
  let pulled = 0; // fractional frames owed to the consumer
  const errors: { t: number; err: number }[] = [];
  for (let tick = 1; tick <= seconds * 1000; tick++) {
    const t = tick / 1000;
    while (nextArrival <= t) {
      level += 48;
      sendTime += 0.001 / (1 + skewPpm(sendTime) * 1e-6);
      nextArrival = sendTime + jitter();
    }
    max = Math.max(max, level);
    const adj = ctl.update(level, 0.001);
    pulled += 48 * (1 + adj * 1e-6);
    const take = Math.floor(pulled);
    pulled -= take;
    level -= take;
    min = Math.min(min, level);
    if (tick % 1000 === 0) errors.push({ t, err: ctl.estimatedSkewPpm - skewPpm(t) });
  }
  return { min, max, capacity, errors };
}

describe('skew controller', () => {
  it('holds a FIFO through +500 then -500 ppm for 10 simulated minutes', () => {
    const sim = simulate((t) => (t < 300 ? 500 : -500), 600);
    expect(sim.min).toBeGreaterThan(0);
    expect(sim.max).toBeLessThan(sim.capacity);
    const settled = sim.errors.filter(({ t }) => (t > 120 && t < 300) || t > 420);
    expect(settled.length).toBeGreaterThan(300);
    for (const { err } of settled) expect(Math.abs(err)).toBeLessThan(20);
  });

  it('stays inside ±maxPpm and reports the clamp when the skew is out of range', () => {
    const ctl = new SkewController({ sampleRate: 48000, targetFrames: 1000 });
    for (let k = 0; k < 100000; k++) expect(Math.abs(ctl.update(5000, 0.001))).toBeLessThanOrEqual(1000);
    expect(ctl.adjustmentPpm).toBe(1000);
    expect(ctl.estimatedSkewPpm).toBeLessThanOrEqual(1000);
  });

  it('without steering the same FIFO overflows (the test can fail)', () => {
    let level = 2400;
    for (let s = 0; s < 300; s++) level += 48000 * 500e-6;
    expect(level).toBeGreaterThan(4800);
  });
});
