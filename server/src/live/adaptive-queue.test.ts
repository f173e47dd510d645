/**
 * The browser listener's adaptive queue in simulation (issue 18 item 4 acceptance), in the style of
 * skew-buffer.test.ts: blocks of 10 ms on the stream's clock, each arriving 0 to 20 ms late (uniform,
 * seeded, in order as over TCP), pulled 128 frames at a time on a sound card's clock 300 ppm off either
 * way, for two minutes. After measuring it settles to beta * sigma_Q, never runs empty again, never
 * leaves its band, and the pitch glides (the output's second difference stays a sine's).
 */
import { describe, expect, it } from 'vitest';
import { Rng, testSeed } from '../../../test/harness/seed.js';
import { AdaptiveQueue } from './adaptive-queue.js';

const RATE = 48000;
const BLOCK = 480;
const PULL = 128;
const AMP = 0.5;
const FREQ = 1000;

interface Run {
  q: AdaptiveQueue;
  /** sigma of the level at each pull while measuring, as the test sees it (ms). */
  sigmaMs: number;
  settledAt: number;
  afterSettle: { underruns: number; concealed: number; corrections: number };
  /** Largest |second difference| of the output after settling (+1 s), and largest change of the ratio per pull (ppm). */
  worstJump: number;
  worstRatioStep: number;
  minLevelMs: number;
}

function simulate(seconds: number, skewPpm: number, jitterMs: number, seed: number): Run {
  const rng = new Rng(seed);
  const q = new AdaptiveQueue({ rate: RATE, outRate: RATE });
  const block = new Float32Array(BLOCK);
  const out = new Float64Array(PULL);
  let produced = 0;
  let nextArrival = (BLOCK / RATE) * 1000 + rng.float() * jitterMs;
  // The sound card's clock runs (1 + skew) against the stream's: its pulls come that much more often.
  const pullMs = ((PULL / RATE) * 1000) / (1 + skewPpm * 1e-6);
  const levels: number[] = [];
  let settledAt = -1;
  let playing = false;
  let base = { underruns: 0, concealed: 0, corrections: 0 };
  let [p1, p2, r1] = [NaN, NaN, NaN];
  let worstJump = 0;
  let worstRatioStep = 0;
  let minLevelMs = Infinity;
  for (let t = 0, k = 0; t < seconds * 1000; t += pullMs, k++) {
    while (nextArrival <= t) {
      for (let i = 0; i < BLOCK; i++) block[i] = AMP * Math.sin((2 * Math.PI * ((FREQ * (produced + i)) % RATE)) / RATE);
      q.write(block);
      produced += BLOCK;
      // Sent every 10 ms of the stream, each late by 0..jitter, never overtaking the one before.
      nextArrival = Math.max(nextArrival, ((produced + BLOCK) / RATE) * 1000 + rng.float() * jitterMs);
    }
    q.pull(out, PULL);
    const s = q.stats();
    if (s.phase === 'measuring') {
      // The queue measures once it plays (its output is the tone), not while it first fills.
      playing ||= out.some((v) => v !== 0);
      if (playing) levels.push(s.levelMs);
      continue;
    }
    if (settledAt < 0) {
      settledAt = t;
      base = { underruns: s.underruns, concealed: s.concealedFrames, corrections: s.corrections };
    }
    if (t < settledAt + 1000) continue;
    minLevelMs = Math.min(minLevelMs, s.levelMs);
    for (let i = 0; i < PULL; i++) {
      worstJump = Math.max(worstJump, Math.abs(out[i] - 2 * p1 + p2) || 0);
      [p2, p1] = [p1, out[i]];
    }
    worstRatioStep = Math.max(worstRatioStep, Math.abs(s.ratioPpm - r1) || 0);
    r1 = s.ratioPpm;
  }
  const s = q.stats();
  const mean = levels.reduce((a, b) => a + b, 0) / levels.length;
  const sigmaMs = Math.sqrt(levels.reduce((a, b) => a + (b - mean) ** 2, 0) / (levels.length - 1));
  return {
    q,
    sigmaMs,
    settledAt,
    afterSettle: { underruns: s.underruns - base.underruns, concealed: s.concealedFrames - base.concealed, corrections: s.corrections - base.corrections },
    worstJump,
    worstRatioStep,
    minLevelMs,
  };
}

/** A sine's own second difference: A * (2 pi f / fs)^2. */
const SINE_STEP2 = AMP * ((2 * Math.PI * FREQ) / RATE) ** 2;

describe('adaptive listening queue (JamBerry) in simulation', () => {
  const seed = testSeed('adaptive queue arrival jitter');
  for (const skewPpm of [300, -300]) {
    it(`0-20 ms jitter, sound card ${skewPpm > 0 ? '+' : ''}${skewPpm} ppm: settles at beta * sigma, then no underrun, no correction, no pitch step`, () => {
      const r = simulate(120, skewPpm, 20, seed);
      const s = r.q.stats();
      // settledAt is the simulation's own clock (ms of simulated audio), not wall time: the phase
      // change after 3 s of measuring, an event of the queue's, not a speed.
      expect(r.settledAt, 'settled after measuring 3 s').toBeGreaterThan(3000);
      expect(r.settledAt).toBeLessThan(4000);
      // sigma_Q of 10 ms blocks each late by U(0, 20 ms): the arrival jitter (5.8 ms) and the block sawtooth (2.9 ms).
      expect(r.sigmaMs).toBeGreaterThan(4);
      expect(r.sigmaMs).toBeLessThan(10);
      expect(s.sigmaMs / r.sigmaMs).toBeCloseTo(1, 1);
      expect(s.targetMs / (4 * s.sigmaMs)).toBeCloseTo(1, 2);
      expect(r.afterSettle).toEqual({ underruns: 0, concealed: 0, corrections: 0 });
      expect(r.minLevelMs).toBeGreaterThan(0);
      // The skew loop found the clock difference (the stream runs slow against a fast sound card).
      expect(Math.abs(s.skewPpm + skewPpm)).toBeLessThan(60);
      // What is heard: no sample steps out of the tone (a dropped or repeated block would be a multiple of this).
      expect(r.worstJump / SINE_STEP2).toBeLessThan(1.05);
      // The ratio glides: the resampler slews 2000 ppm per 100 ms at most, 53 ppm per pull of 128 frames.
      expect(r.worstRatioStep).toBeLessThanOrEqual(54);
    });
  }

  it('without jitter it settles at the floor of the block sawtooth, and a gap is concealed, not silenced', () => {
    const r = simulate(20, 0, 0, seed);
    const s = r.q.stats();
    expect(s.targetMs).toBeGreaterThanOrEqual(10);
    expect(s.targetMs).toBeLessThan(15);
    expect(r.afterSettle.underruns).toBe(0);

    // Starve a settled queue: the pulls after the last block repeat it, fading, instead of zeros.
    const q = new AdaptiveQueue({ rate: RATE, outRate: RATE, measureSeconds: 0.1, initialMs: 20 });
    const block = Float32Array.from({ length: BLOCK }, (_, i) => AMP * Math.sin((2 * Math.PI * FREQ * i) / RATE));
    const out = new Float64Array(PULL);
    for (let i = 0; i < 10; i++) q.write(block);
    let energy = 0;
    for (let i = 0; i < 200; i++) {
      q.pull(out, PULL);
      if (q.stats().underruns > 0) energy += out.reduce((a, v) => a + v * v, 0);
    }
    expect(q.stats().underruns).toBe(1);
    expect(q.stats().concealedFrames).toBeGreaterThan(0);
    expect(energy, 'concealment is not silence').toBeGreaterThan(0);
  });
});
