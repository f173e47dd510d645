import { describe, expect, it } from 'vitest';
import { bandPower, powerSpectrum, sine } from '../../../test/harness/analysis.js';
import { Gain } from './gain.js';

const RATE = 48000;

/** Power outside 500..1500 Hz, relative to the 1 kHz tone, around a gain change at 0.5 s. */
function splatterDb(rampMs: number, changeTo: (g: Gain) => void): number {
  const x = sine(1000, RATE, RATE, 10 ** (-1 / 20));
  const g = new Gain({ channels: 1, sampleRate: RATE, rampMs });
  g.process(x.subarray(0, RATE / 2));
  changeTo(g);
  g.process(x.subarray(RATE / 2));
  const n = 8192;
  const spec = powerSpectrum(x, RATE / 2 - n / 2, n);
  const tone = bandPower(spec, RATE, 500, 1500);
  const rest = bandPower(spec, RATE, 0, 500) + bandPower(spec, RATE, 1500, RATE / 2);
  return 10 * Math.log10(rest / tone);
}

/**
 * Splatter more than 500 Hz away from the tone, relative to the tone. The
 * analysis floor (window leakage, no gain change) is about -106 dB; a 15 ms
 * raised-cosine ramp measures about -83 dB, an unramped step about -25 dB.
 */
const BOUND_DB = -80;

describe('gain', () => {
  it('a ramped -20 dB change and a ramped mute stay below the splatter bound', () => {
    expect(splatterDb(15, (g) => g.setGainDb(-20))).toBeLessThan(BOUND_DB);
    expect(splatterDb(15, (g) => g.setMuted(true))).toBeLessThan(BOUND_DB);
  });

  it('the bound is meaningful: an unramped change exceeds it by far, no change stays far below', () => {
    expect(splatterDb(15, () => {})).toBeLessThan(BOUND_DB - 20);
    expect(splatterDb(1000 / RATE, (g) => g.setGainDb(-20))).toBeGreaterThan(BOUND_DB + 30);
  });

  it('reaches the target after the ramp and is exact at unity', () => {
    const g = new Gain({ channels: 2, sampleRate: RATE, rampMs: 10 });
    const x = new Float64Array(2 * 960).fill(0.5);
    g.setGainDb(-6);
    g.process(x);
    expect(x[2 * 479]).toBeGreaterThan(0.5 * 10 ** (-6 / 20));
    expect(x[2 * 479]).toBeLessThan(0.5);
    expect(x[2 * 959]).toBeCloseTo(0.5 * 10 ** (-6 / 20), 15);
    g.setGainDb(0);
    g.process(new Float64Array(2 * 480));
    expect(g.isUnity).toBe(true);
    const y = new Float64Array([0.1, -0.3, 1 / 3, 0.7]);
    const copy = y.slice();
    g.process(y);
    expect(y).toEqual(copy);
  });

  it('clamps to +12 dB, supports -Infinity and mute', () => {
    const g = new Gain({ channels: 1, sampleRate: RATE, rampMs: 1 });
    g.setGainDb(40);
    expect(g.gainDb).toBe(12);
    g.setGainDb(-Infinity);
    const x = new Float64Array(100).fill(1);
    g.process(x);
    expect(x[99]).toBe(0);
    g.setGainDb(0);
    g.setMuted(true);
    expect(g.muted).toBe(true);
    g.process(x.fill(1));
    expect(x[99]).toBe(0);
  });

  it('a change during a ramp continues from the current factor', () => {
    const g = new Gain({ channels: 1, sampleRate: RATE, rampMs: 10 });
    g.setGainDb(-40);
    g.process(new Float64Array(240));
    const mid = g.factor;
    g.setGainDb(0);
    expect(g.factor).toBe(mid);
    const x = new Float64Array(480).fill(1);
    g.process(x);
    for (let k = 1; k < x.length; k++) expect(x[k]).toBeGreaterThanOrEqual(x[k - 1]);
  });
});
