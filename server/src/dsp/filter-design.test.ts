import { describe, expect, it } from 'vitest';
import { fft } from '../../../test/harness/analysis.js';
import { DEFAULT_ATTENUATION_DB, defaultBand, designPolyphase, startDesign } from './filter-design.js';
import { besselI0 } from './kaiser.js';

/** Magnitude response (dB, bins 0..n/2) of the prototype rebuilt from a polyphase table. */
function prototypeResponseDb(inRate: number, outRate: number, up: number, fftSize: number) {
  const table = designPolyphase({ inRate, outRate, attenuationDb: DEFAULT_ATTENUATION_DB, ...defaultBand(inRate, outRate) }, up);
  const re = new Float64Array(fftSize);
  const im = new Float64Array(fftSize);
  // Row p, tap m sits at (taps - 1 - m) * up + p samples of the up-sampled rate.
  for (let p = 0; p < up; p++) {
    for (let m = 0; m < table.taps; m++) re[(table.taps - 1 - m) * up + p] = table.coeffs[p * table.taps + m] / up;
  }
  fft(re, im);
  const db = new Float64Array(fftSize / 2 + 1);
  for (let k = 0; k < db.length; k++) db[k] = 10 * Math.log10(re[k] ** 2 + im[k] ** 2 + 1e-300);
  return { db, binHz: (inRate * up) / fftSize };
}

describe('filter design', () => {
  it('besselI0 matches reference values', () => {
    expect(besselI0(0)).toBe(1);
    expect(besselI0(1)).toBeCloseTo(1.2660658777520084, 14);
    expect(besselI0(15) / 339649.3732979139).toBeCloseTo(1, 12);
  });

  it('44.1 -> 48 kHz prototype: flat to 20 kHz, >= 170 dB down from 22.05 kHz', () => {
    const { db, binHz } = prototypeResponseDb(44100, 48000, 160, 1 << 18);
    let passDev = 0;
    let stopMax = -Infinity;
    for (let k = 0; k < db.length; k++) {
      const f = k * binHz;
      if (f <= 20000) passDev = Math.max(passDev, Math.abs(db[k]));
      if (f >= 22050) stopMax = Math.max(stopMax, db[k]);
    }
    expect(passDev).toBeLessThan(1e-6);
    expect(stopMax).toBeLessThan(-170);
  });

  it('a design in slices: ready only after its last slice, shared by key, and the table a whole design makes', () => {
    // 88.2 -> 48 kHz at 160 dB: a spec no other test designs, so the cache starts without it.
    const spec = { inRate: 88200, outRate: 48000, attenuationDb: 160, ...defaultBand(88200, 48000) };
    const sliced = startDesign(spec, 80);
    expect(startDesign(spec, 80), 'the design under way, by key').toBe(sliced);
    // taps/2 · phases + 1 prototype samples: 1000 per slice.
    const slices: boolean[] = [];
    while (slices.length < 1000 && !slices.at(-1)) slices.push(sliced.advance(1000));
    const taps = sliced.table!.taps;
    expect(slices.length).toBe(Math.ceil(((taps / 2) * 80 + 1) / 1000));
    expect(slices.slice(0, -1).every((done) => !done)).toBe(true);
    expect(designPolyphase(spec, 80), 'the finished table, from the cache').toBe(sliced.table);
    // The same spec designed whole (a different phase count keys a fresh design) matches row for row.
    const whole = designPolyphase(spec, 80, 81);
    expect(Array.from(whole.coeffs.subarray(0, 80 * taps))).toEqual(Array.from(sliced.table!.coeffs));
  });
});
