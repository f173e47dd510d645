import { describe, expect, it } from 'vitest';
import { fitSine } from '../../../test/harness/analysis.js';
import type { AudioSource } from '../audio/types.js';
import { atStreamRate } from './resample-source.js';

/** 997 Hz at half scale, 24-bit-scaled, stereo (right = -left), in irregular blocks. */
function tone(rate: number, frames: number): AudioSource {
  let pos = 0;
  let seed = 7;
  const planes = [new Int32Array(5000), new Int32Array(5000)];
  return {
    path: 'tone',
    format: { sampleRate: rate, channels: 2, bitsPerSample: 24, totalFrames: frames },
    async read() {
      seed = (seed * 69069 + 1) >>> 0;
      const n = Math.min(1 + (seed % 5000), frames - pos);
      if (n <= 0) return null;
      for (let i = 0; i < n; i++) {
        const v = Math.round(4194304 * Math.sin((2 * Math.PI * ((997 * (pos + i)) % rate)) / rate));
        planes[0][i] = v;
        planes[1][i] = -v;
      }
      pos += n;
      return { channels: planes, frames: n };
    },
    async close() {},
  };
}

async function collect(src: AudioSource): Promise<Float64Array[]> {
  const parts: number[][] = [[], []];
  for (let b = await src.read(); b; b = await src.read()) for (let c = 0; c < 2; c++) parts[c].push(...b.channels[c].subarray(0, b.frames));
  return parts.map((p) => Float64Array.from(p, (v) => v / 2 ** 23));
}

describe('atStreamRate', () => {
  it('returns the source itself when the rates match (bit-perfect path)', () => {
    const src = tone(48000, 100);
    expect(atStreamRate(src, 48000, 24)).toBe(src);
  });

  for (const bits of [24, 16] as const) {
    it(`44.1 kHz to 48 kHz at ${bits} bits: exact length, phase kept, clean`, async () => {
      const src = atStreamRate(tone(44100, 44100), 48000, bits);
      expect(src.format).toEqual({ sampleRate: 48000, channels: 2, bitsPerSample: bits, totalFrames: 48000 });
      const [left, right] = await collect(src);
      expect(left.length).toBe(48000);
      // Away from the start and end transients (the filter rings in from and out to silence).
      const fit = fitSine(left, 997, 48000, 2000, 46000);
      expect(fit.amplitude).toBeCloseTo(0.5, 5);
      expect(Math.abs(fit.phase)).toBeLessThan(1e-4);
      expect(fit.thdNDb).toBeLessThan(bits === 24 ? -130 : -85);
      expect(fitSine(right, 997, 48000, 2000, 46000).amplitude).toBeCloseTo(0.5, 5);
      if (bits === 16) expect(left.every((v) => Number.isInteger(v * 2 ** 15))).toBe(true);
    });
  }
});
