import { describe, expect, it } from 'vitest';
import { channel, fitSine, levelDb, resampleAll, sine } from '../../../test/harness/analysis.js';
import { createResampler } from './create-resampler.js';
import { PolyphaseResampler } from './polyphase-resampler.js';
import { SAMPLE_RATES } from '../streams/formats.js';

const AMP = 10 ** (-1 / 20); // -1 dBFS
/** The rates files and live inputs come in at most often; the resampler takes any, these are the ones checked. */
const INPUT_RATES = [44100, 48000, 88200, 96000, 176400, 192000];

/** Resamples one second of a -1 dBFS stereo tone; fits the middle half of the left channel. */
function measureTone(inRate: number, outRate: number, freq: number) {
  const y = resampleAll(createResampler({ inRate, outRate, channels: 2 }), sine(freq, inRate, inRate, AMP, 2));
  const left = channel(y, 2, 0);
  const n = left.length;
  return fitSine(left, freq, outRate, Math.floor(n / 4), Math.floor((3 * n) / 4));
}

describe('fixed-ratio resampler quality (44.1 kHz input)', () => {
  for (const outRate of [48000, 96000]) {
    it(`THD+N at 1 kHz and 19 kHz, -> ${outRate}`, () => {
      expect(measureTone(44100, outRate, 1000).thdNDb).toBeLessThan(-190);
      expect(measureTone(44100, outRate, 19000).thdNDb).toBeLessThan(-190);
    });

    it(`passband flat to 20 kHz, -> ${outRate}`, () => {
      for (const f of [100, 10000, 20000]) {
        expect(Math.abs(levelDb(measureTone(44100, outRate, f).amplitude, AMP))).toBeLessThan(0.0001);
      }
    });

    it(`rejects the image of a 21 kHz tone, -> ${outRate}`, () => {
      // Everything but the tone itself, relative to the input tone.
      const fit = measureTone(44100, outRate, 21000);
      expect(levelDb(fit.residualRms, AMP / Math.SQRT2)).toBeLessThan(-180);
    });
  }
});

describe('timing and counts, common input rates to every stream rate', () => {
  for (const inRate of INPUT_RATES) {
    for (const outRate of SAMPLE_RATES) {
      it(`${inRate} -> ${outRate}: ceil(n*out/in) frames, output 0 aligned to input 0`, () => {
        const frames = Math.round(inRate * 0.05) + 7;
        const y = resampleAll(createResampler({ inRate, outRate, channels: 1 }), sine(997, inRate, frames, AMP));
        expect(y.length).toBe(Math.ceil((frames * outRate) / inRate));
        // A delay of d output samples would show as a phase of -2*pi*997*d/outRate.
        const n = y.length;
        const fit = fitSine(y, 997, outRate, Math.floor(n / 4), Math.floor((3 * n) / 4));
        expect(Math.abs(fit.phase)).toBeLessThan(1e-7);
        expect(fit.thdNDb).toBeLessThan(-150);
      });
    }
  }
});

describe('streaming', () => {
  it('random block sizes give exactly the one-shot output', () => {
    for (const [inRate, outRate] of [
      [44100, 48000],
      [44100, 96000],
      [192000, 44100],
    ]) {
      const channels = 3;
      const frames = 20000;
      const x = new Float32Array(frames * channels).map((_, k) => Math.sin(k * 0.37) * 0.5);
      const reference = resampleAll(createResampler({ inRate, outRate, channels }), x);
      const r = createResampler({ inRate, outRate, channels });
      const out = new Float64Array(reference.length + r.maxOutputFrames(0) * channels);
      const block = new Float64Array(r.maxOutputFrames(5000) * channels);
      let pos = 0;
      let seed = 12345;
      for (let from = 0; from < frames; ) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const n = Math.min(frames - from, 1 + (seed % 5000));
        const w = r.process(x.subarray(from * channels, (from + n) * channels), block);
        out.set(block.subarray(0, w * channels), pos);
        pos += w * channels;
        from += n;
      }
      const t = r.flush(block);
      out.set(block.subarray(0, t * channels), pos);
      pos += t * channels;
      expect(pos).toBe(reference.length);
      expect(out.subarray(0, pos)).toEqual(reference);
    }
  });

  it('is reusable after flush', () => {
    const r = createResampler({ inRate: 48000, outRate: 44100, channels: 1 });
    const x = sine(440, 48000, 3000, 0.5);
    expect(resampleAll(r, x)).toEqual(resampleAll(r, x));
  });

  it('rejects an undersized output buffer', () => {
    const r = createResampler({ inRate: 44100, outRate: 48000, channels: 2 });
    expect(() => r.process(new Float64Array(2000), new Float64Array(100))).toThrow(RangeError);
  });
});

describe('passthrough', () => {
  it('is bit-perfect when rates match, including Float32 input', () => {
    const r = createResampler({ inRate: 48000, outRate: 48000, channels: 2 });
    expect(r.latencyFrames).toBe(0);
    const x = new Float32Array(2048).map((_, k) => ((k * 7919) % 16777216) / 16777216 - 0.5);
    const out = new Float64Array(2048);
    expect(r.process(x, out)).toBe(1024);
    for (let k = 0; k < x.length; k++) expect(out[k]).toBe(x[k]);
    expect(r.flush(out)).toBe(0);
  });
});

describe('attenuation option', () => {
  it('trades quality for taps as designed', () => {
    const make = (attenuationDb: number) => new PolyphaseResampler({ inRate: 44100, outRate: 48000, channels: 1, attenuationDb });
    const cheap = make(140);
    expect(cheap.table.taps).toBeLessThan(make(175).table.taps);
    const y = resampleAll(cheap, sine(19000, 44100, 22050, AMP));
    const thdN = fitSine(y, 19000, 48000, 6000, 18000).thdNDb;
    expect(thdN).toBeLessThan(-140);
    expect(thdN).toBeGreaterThan(-170);
  });
});
