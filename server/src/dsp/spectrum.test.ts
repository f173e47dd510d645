import { describe, expect, it } from 'vitest';
import { Spectrum } from './spectrum.js';

function sine(freq: number, rate: number, frames: number, amp: number, full: number): Int32Array {
  return Int32Array.from({ length: frames }, (_, i) => Math.round(amp * full * Math.sin((2 * Math.PI * freq * i) / rate)));
}

describe('monitor spectrum', () => {
  it('a -18 dBFS sine reads -18 dB in its third-octave band and far below elsewhere', () => {
    const full = 2 ** 23;
    for (const [freq, rate] of [[1000, 48000], [400, 48000], [5000, 96000], [1000, 44100]]) {
      const s = new Spectrum(rate);
      s.push(sine(freq, rate, 8192, 10 ** (-18 / 20), full), 8192, 1, 0, 1 / full);
      const bands = s.compute();
      const at = s.bandsHz.findIndex((f) => Math.abs(Math.log2(freq / f)) <= 1 / 6);
      expect(bands[at], `${freq} Hz at ${rate}`).toBeGreaterThan(-18.6);
      expect(bands[at]).toBeLessThan(-17.4);
      const others = [...bands].filter((_, b) => Math.abs(b - at) > 2);
      expect(Math.max(...others), `${freq} Hz: other bands`).toBeLessThan(-70);
    }
  });

  it('reads the channel it is asked for from interleaved frames, and silence as -Infinity', () => {
    const full = 2 ** 15;
    const s = new Spectrum(48000, 1024);
    const inter = new Int32Array(2048 * 2);
    const tone = sine(2000, 48000, 2048, 0.5, full);
    for (let i = 0; i < 2048; i++) inter[2 * i + 1] = tone[i];
    s.push(inter, 2048, 2, 0, 1 / full);
    expect(Math.max(...s.compute())).toBe(-Infinity);
    s.push(inter, 2048, 2, 1, 1 / full);
    const bands = s.compute();
    expect(s.bandsHz[bands.indexOf(Math.max(...bands))]).toBe(2000);
    expect(s.bandsHz.at(-1)).toBe(20000);
    expect(new Spectrum(44100).bandsHz.at(-1)).toBe(20000);
    expect(() => new Spectrum(48000, 1000)).toThrow(/power of two/);
  });
});
