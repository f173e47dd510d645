import { describe, expect, it } from 'vitest';
import { sine } from '../../../test/harness/analysis.js';
import { monoSum, RoutingMatrix, stereoPair, twoPointOne } from './matrix.js';
import { createMeterReading, Meter } from './meter.js';

describe('meter', () => {
  it('reads peak and RMS in dBFS per channel and restarts after read', () => {
    const m = new Meter(2);
    const x = sine(1000, 48000, 4800, 0.5, 2);
    for (let k = 1; k < x.length; k += 2) x[k] *= 0.1;
    m.process(x.subarray(0, 4800));
    m.process(x.subarray(4800));
    const r = createMeterReading(2);
    m.read(r);
    expect(r.frames).toBe(4800);
    expect(r.peakDb[0]).toBeCloseTo(20 * Math.log10(0.5), 6);
    expect(r.rmsDb[0]).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 6);
    expect(r.peakDb[1]).toBeCloseTo(20 * Math.log10(0.05), 6);
    m.read(r);
    expect(r.peakDb[0]).toBe(-Infinity);
    expect(r.rmsDb[1]).toBe(-Infinity);
  });
});

describe('routing matrix', () => {
  const lr = new Float64Array([0.25, -0.5, 1, 1, -1, 0.5]);

  it('stereo pair is an exact copy and reports identity', () => {
    const m = stereoPair();
    const out = new Float64Array(6);
    expect(m.process(lr, out)).toBe(3);
    expect(out).toEqual(lr);
    expect(m.isIdentity).toBe(true);
  });

  it('mono sum gives (L+R)/2 on every output without clipping in-phase full scale', () => {
    const m = monoSum(3);
    const out = new Float64Array(9);
    m.process(lr, out);
    expect(Array.from(out)).toEqual([-0.125, -0.125, -0.125, 1, 1, 1, -0.25, -0.25, -0.25]);
    expect(m.isIdentity).toBe(false);
  });

  it('2.1 gives L, R and (L+R)/2', () => {
    const out = new Float64Array(9);
    twoPointOne().process(lr, out);
    expect(Array.from(out)).toEqual([0.25, -0.5, -0.125, 1, 1, 1, -1, 0.5, -0.25]);
  });

  it('routes any sum of inputs with gains, and validates routes', () => {
    const m = new RoutingMatrix(3, 1);
    m.set(0, 0, 0.5);
    m.set(0, 2, -2);
    expect(m.get(0, 2)).toBe(-2);
    const out = new Float64Array(1);
    m.process(new Float32Array([1, 7, 0.25]), out);
    expect(out[0]).toBe(0);
    expect(() => m.set(1, 0, 1)).toThrow(RangeError);
    expect(() => m.set(0, 0, NaN)).toThrow(RangeError);
  });
});
