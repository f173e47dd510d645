import { describe, expect, it } from 'vitest';
import { fitSine } from '../../../test/harness/analysis.js';
import { SkewBuffer } from './skew-buffer.js';

const RATE = 48000;
const AMP = 0.5;

/** Producer sample m of a 1 kHz sine: exact phase for any m. */
function tone(m: number, rate: number): number {
  return AMP * Math.sin((2 * Math.PI * ((1000 * m) % rate)) / rate);
}

/** xorshift32 in [0, 1): reproducible arrival jitter. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Sine fit over x[from, to) at the frequency (within ±0.05 Hz of `near`) that leaves the least residual. */
function bestFit(x: Float64Array, near: number, from: number, to: number): ReturnType<typeof fitSine> & { frequency: number } {
  let lo = near - 0.05;
  let hi = near + 0.05;
  for (let i = 0; i < 60; i++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (fitSine(x, a, RATE, from, to).residualRms < fitSine(x, b, RATE, from, to).residualRms) hi = b;
    else lo = a;
  }
  const frequency = (lo + hi) / 2;
  return { ...fitSine(x, frequency, RATE, from, to), frequency };
}

interface Phase {
  seconds: number;
  skewPpm: number;
}

interface Run {
  /** Per consumer second: [level, estimate, ratio]. */
  perSecond: { minLevel: number; maxLevel: number; estimate: number; maxRatio: number }[];
  worstJump: number;
  buffer: SkewBuffer;
  output: Float64Array | null;
}

/**
 * Two clocks, simulated: the producer writes `chunk`-frame periods on its own clock, which runs at
 * (1 + skew) of ours, each arriving 0-2 ms late; the consumer pulls 48 kHz-worth of frames every 1 ms.
 * Nothing waits in real time, so ten minutes take seconds.
 */
function simulate(phases: Phase[], opts: { inRate: number; targetFrames: number; chunk: number; keepOutput?: boolean }): Run {
  const { inRate, targetFrames, chunk } = opts;
  const buffer = new SkewBuffer({ inRate, outRate: RATE, channels: 2, targetFrames });
  const jitter = rng(0x1234567);
  const period = new Float64Array(chunk * 2);
  const out = new Float64Array(48 * 2);
  const total = phases.reduce((s, p) => s + p.seconds, 0);
  const kept = opts.keepOutput ? new Float64Array(total * RATE) : null;
  let producerTime = 0;
  let produced = 0;
  let due = chunk / inRate + 0.002 * jitter();
  let prev1 = NaN;
  let prev2 = NaN;
  let worstJump = 0;
  const perSecond: Run['perSecond'] = [];
  let tick = 0;
  for (const phase of phases) {
    for (let t = 0; t < phase.seconds * 1000; t++, tick++) {
      producerTime += 0.001 * (1 + phase.skewPpm * 1e-6);
      while (producerTime >= due) {
        for (let i = 0; i < chunk; i++) {
          const v = tone(produced + i, inRate);
          period[2 * i] = v;
          period[2 * i + 1] = -v;
        }
        buffer.write(period, chunk);
        produced += chunk;
        due = produced / inRate + chunk / inRate + 0.002 * jitter();
      }
      buffer.pull(out, 48);
      const s = buffer.stats();
      const sec = Math.floor(tick / 1000);
      const row = (perSecond[sec] ??= { minLevel: Infinity, maxLevel: -Infinity, estimate: 0, maxRatio: 0 });
      if (s.running) {
        row.minLevel = Math.min(row.minLevel, s.level);
        row.maxLevel = Math.max(row.maxLevel, s.level);
      }
      row.estimate = s.estimatedSkewPpm;
      row.maxRatio = Math.max(row.maxRatio, Math.abs(s.ratioPpm));
      for (let k = 0; k < 48; k++) {
        const y = out[2 * k];
        if (kept) kept[tick * 48 + k] = y;
        // The first second holds the resampler's onset transient (the sine starts abruptly).
        if (s.running && tick > 1000) worstJump = Math.max(worstJump, Math.abs(y - 2 * prev1 + prev2));
        if (s.running) {
          prev2 = prev1;
          prev1 = y;
        }
      }
    }
  }
  return { perSecond, worstJump, buffer, output: kept };
}

describe('live input skew compensation (issue 6 acceptance)', () => {
  it('holds a FIFO fed 500 ppm fast then 500 ppm slow for 10 minutes: no dropouts, skew within 20 ppm', () => {
    const target = 9600; // 200 ms at 48 kHz
    const run = simulate(
      [
        { seconds: 300, skewPpm: 500 },
        { seconds: 300, skewPpm: -500 },
      ],
      { inRate: RATE, targetFrames: target, chunk: 1024 },
    );
    const s = run.buffer.stats();
    expect(s.underruns, 'underruns').toBe(0);
    expect(s.overruns, 'overruns').toBe(0);
    // Priming takes the first 200 ms; from then on the level stays well inside (0, capacity).
    const running = run.perSecond.slice(1);
    const low = Math.min(...running.map((r) => r.minLevel));
    const high = Math.max(...running.map((r) => r.maxLevel));
    expect(low).toBeGreaterThan(target - 1200);
    expect(high).toBeLessThan(target + 1200);
    // The requested and the running ratio never leave ±0.1 %.
    expect(Math.max(...run.perSecond.map((r) => r.maxRatio))).toBeLessThanOrEqual(1000);
    // Settled in each phase (90 s after its start) the estimate stays within 20 ppm of the truth.
    for (const [from, to, truth] of [
      [90, 300, 500],
      [390, 600, -500],
    ]) {
      for (let sec = from; sec < to; sec++) expect(Math.abs(run.perSecond[sec].estimate - truth), `second ${sec}`).toBeLessThan(20);
    }
    // No glitch: the second difference of the output sine never exceeds that of a clean sine.
    const w = (2 * Math.PI * 1000 * 1.001) / RATE;
    expect(run.worstJump).toBeLessThan(AMP * w * w * 1.001);
    console.log(
      `skew acceptance: level ${low}..${high} frames (target ${target}), estimate at 299 s ${run.perSecond[299].estimate.toFixed(2)} ppm, ` +
        `at 599 s ${run.perSecond[599].estimate.toFixed(2)} ppm, worst second difference ${run.worstJump.toExponential(3)}`,
    );
  });

  it('converts 44.1 kHz to 48 kHz while it compensates, and the tone stays at 1 kHz', () => {
    const run = simulate([{ seconds: 90, skewPpm: 300 }], { inRate: 44100, targetFrames: 8820, chunk: 940, keepOutput: true });
    expect(run.buffer.stats().underruns + run.buffer.stats().overruns).toBe(0);
    expect(Math.abs(run.perSecond[89].estimate - 300)).toBeLessThan(20);
    // A clean sine at the stream rate: the producer's 1 kHz is 1000.3 Hz on our clock. The loop keeps
    // trimming the ratio by a few ppm (that is its job), so each 20 ms window is fitted at its own
    // best frequency; what is left is distortion or a glitch.
    const out = run.output!;
    for (let sec = 80; sec < 90; sec++) {
      const fit = bestFit(out, 1000 * (1 + 300e-6), sec * RATE, sec * RATE + 960);
      expect(Math.abs(fit.frequency / 1000.3 - 1), `second ${sec}: ${fit.frequency} Hz`).toBeLessThan(50e-6);
      expect(fit.amplitude, `second ${sec}`).toBeCloseTo(AMP, 5);
      expect(fit.thdNDb, `second ${sec}`).toBeLessThan(-80);
    }
  });
});

describe('SkewBuffer edges', () => {
  const ramp = (from: number, frames: number): Float64Array => Float64Array.from({ length: frames }, (_, i) => (from + i) / 1e6);

  it('primes to the target before it plays, and re-primes after an underrun', () => {
    const b = new SkewBuffer({ inRate: RATE, outRate: RATE, channels: 1, targetFrames: 480 });
    const out = new Float64Array(48);
    b.write(ramp(0, 400), 400);
    expect(b.pull(out, 48)).toBe(48);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(b.stats().running).toBe(false);
    // Primed means the target plus the resampler's look-ahead, which its first output takes at once.
    b.write(ramp(400, 300), 300);
    b.pull(out, 48);
    expect(b.stats().running).toBe(true);
    for (let i = 0; i < 20; i++) b.pull(out, 48);
    expect(b.stats().underruns).toBe(1);
    expect(b.stats().running).toBe(false);
  });

  it('starts at the target when the consumer comes late, dropping the oldest excess, and holds it', () => {
    const target = 4800;
    const b = new SkewBuffer({ inRate: RATE, outRate: RATE, channels: 1, targetFrames: target });
    const out = new Float64Array(48);
    let written = 0;
    const period = (): void => {
      b.write(ramp(written, 480), 480);
      written += 480;
    };
    // 10 ms periods while nobody pulls, 40 ms past the point where a punctual consumer would have started.
    while (written < target + 4 * 480 + 200) period();
    const first = new Float64Array(480);
    b.pull(first, 480);
    const s = b.stats();
    expect(s.running).toBe(true);
    expect(s.droppedFrames).toBeGreaterThanOrEqual(3 * 480);
    // What plays is what was kept, from its first frame on (past the filter's edge: frame 240).
    expect(first[240] * 1e6).toBeCloseTo(s.droppedFrames + 240, 1);
    expect(written - s.droppedFrames - s.level).toBeLessThan(480 + 200);
    // Then both clocks agree: a minute later the level still sits within a period of the target.
    for (let ms = 0; ms < 60_000; ms++) {
      if (ms % 10 === 0) period();
      b.pull(out, 48);
    }
    expect(Math.abs(b.stats().filteredLevel - target)).toBeLessThan(480);
    expect(b.stats()).toMatchObject({ underruns: 0, overruns: 0 });
  });

  it('counts an overrun and falls back to the target keeping the newest audio', () => {
    const b = new SkewBuffer({ inRate: RATE, outRate: RATE, channels: 1, targetFrames: 480, capacityFrames: 960 });
    b.write(ramp(0, 900), 900);
    b.write(ramp(900, 100), 100);
    const s = b.stats();
    expect(s.overruns).toBe(1);
    expect(s.level).toBe(480);
    expect(s.droppedFrames).toBe(520);
  });

  it('drains to the last frame after the producer ends (passthrough ratio)', () => {
    const b = new SkewBuffer({ inRate: RATE, outRate: RATE, channels: 1, targetFrames: 480 });
    b.write(ramp(0, 1000), 1000);
    b.end();
    const got: number[] = [];
    const out = new Float64Array(64);
    for (let i = 0; i < 100 && !b.finished; i++) {
      const n = b.pull(out, 64);
      got.push(...out.subarray(0, n));
    }
    expect(b.finished).toBe(true);
    // The count follows the ratio history, which the controller moved (±1 frame, docs/dsp.md).
    expect(Math.abs(got.length - 1000)).toBeLessThanOrEqual(1);
    // The content is the ramp, read within a fraction of a frame of where it was (the ratio is steered).
    expect(Math.abs(got[500] - 500 / 1e6)).toBeLessThan(0.1 / 1e6);
  });

  it('rejects a target it cannot hold', () => {
    expect(() => new SkewBuffer({ inRate: RATE, outRate: RATE, channels: 2, targetFrames: 10 })).toThrow('must be at least 32');
  });
});
