/** The TAI clock: UTC offset, calibration against the system clock, and step detection. */
import { describe, expect, it } from 'vitest';
import { SystemTaiClock } from '../server/src/rtp/timebase.js';

/** A millisecond system clock that a test can step, like settimeofday would. */
function steppableUtc(): { now: () => number; step: (ms: number) => void } {
  let shift = 0;
  return { now: () => Math.floor(performance.timeOrigin + performance.now() + shift), step: (ms) => (shift += ms) };
}

describe('SystemTaiClock', () => {
  it('reads TAI as UTC + 37 s, calibrated to well under a millisecond', () => {
    const clock = new SystemTaiClock();
    const diff = clock.taiNowMs() - 37_000 - Date.now();
    // Date.now() truncates to the ms, so TAI-37 s sits in [now, now + 1) plus the calibration error.
    expect(diff).toBeGreaterThan(-0.2);
    expect(diff).toBeLessThan(1.2);
  });

  it('reports a UTC offset change as a step of the difference', () => {
    const clock = new SystemTaiClock(37);
    const mono = performance.now();
    const before = clock.taiNowMs(mono);
    expect(clock.setUtcOffset(38)).toBe(1000);
    expect(clock.taiNowMs(mono) - before).toBe(1000);
    expect(clock.setUtcOffset(37)).toBe(-1000);
    expect(clock.setUtcOffset(37)).toBe(0);
  });

  it.each([1000, -1000, 5])('detects a system clock step of %i ms once, then follows the new time', (ms) => {
    const utc = steppableUtc();
    const clock = new SystemTaiClock(37, utc.now);
    expect(clock.detectStep()).toBe(0);
    const mono = performance.now();
    const before = clock.taiNowMs(mono);
    utc.step(ms);
    const step = clock.detectStep();
    expect(Math.abs(step - ms)).toBeLessThan(1.5);
    expect(Math.abs(clock.taiNowMs(mono) - before - ms)).toBeLessThan(1.5);
    expect(clock.detectStep()).toBe(0);
  });

  it('ignores jitter under the 3 ms threshold', () => {
    const utc = steppableUtc();
    const clock = new SystemTaiClock(37, utc.now);
    utc.step(2);
    expect(clock.detectStep()).toBe(0);
  });
});
