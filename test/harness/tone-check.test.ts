/**
 * The gapless checks must catch what a broken pipeline does at a track boundary: a dropped or repeated
 * frame, inserted silence, a restarted filter (a dip). A clean sine passes with room to spare.
 */
import { describe, expect, it } from 'vitest';
import { activeRange, breaks, longestZeroRun, maxStep, sineFit } from './tone-check.js';

const A = 0.5 * 2 ** 23;
const F = 997 / 48000;
const N = 48000;
const CUT = 20_017;
const bound = A * 2 * Math.PI * F + 2;

function sine(n: number, from = 0): number[] {
  return Array.from({ length: n }, (_, i) => Math.round(A * Math.sin(2 * Math.PI * F * (from + i))));
}

function check(samples: number[]): { step: number; zeros: number; error: number; frames: number } {
  const x = Int32Array.from([0, 0, 0, ...samples, 0, 0]);
  const r = activeRange(x, 16)!;
  return { step: maxStep(x, r).value, zeros: longestZeroRun(x, r).length, error: sineFit(x, r, F).maxError, frames: r.end - r.start };
}

describe('tone checks', () => {
  it('pass one continuous sine, and find where it is', () => {
    const c = check(sine(N));
    expect(c.frames).toBe(N - 1); // sample 0 of the sine is 0
    expect(c.step).toBeLessThanOrEqual(bound);
    expect(c.zeros).toBeLessThanOrEqual(1);
    expect(c.error).toBeLessThan(1);
  });

  it('catch a dropped frame, a repeated frame and inserted silence at the cut', () => {
    const dropped = check([...sine(CUT), ...sine(N - CUT, CUT + 1)]);
    const repeated = check([...sine(CUT + 1), ...sine(N - CUT, CUT)]);
    const silence = check([...sine(CUT), ...new Array<number>(48).fill(0), ...sine(N - CUT, CUT)]);
    for (const c of [dropped, repeated, silence]) expect(c.error).toBeGreaterThan(0.05 * A);
    expect(silence.zeros).toBe(48);
    expect(silence.step).toBeGreaterThan(bound);
  });

  it('find each break in a sine once, and none in a clean one', () => {
    const w = 2 * Math.PI * F;
    const limit = A * w * w * 1.01;
    const r = { start: 0, end: N };
    expect(breaks(Int32Array.from(sine(N)), r, limit)).toEqual([]);
    const skipped = Int32Array.from([...sine(CUT), ...sine(N - CUT, CUT + 4800)]);
    expect(breaks(skipped, r, limit)).toEqual([CUT]);
    const twice = Int32Array.from([...sine(CUT), ...sine(CUT, CUT + 300), ...sine(N - 2 * CUT, 2 * CUT + 700)]);
    expect(breaks(twice, r, limit)).toEqual([CUT, 2 * CUT]);
  });

  it('catch a filter that restarts at the cut: the level dips over a few frames', () => {
    const x = sine(N).map((v, i) => v * Math.min(1, Math.abs(i - CUT) / 8));
    expect(check(x).error).toBeGreaterThan(0.05 * A);
  });
});
