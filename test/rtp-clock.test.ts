/**
 * The TAI clock: TAI ns interface, UTC offset, calibration against the system clock, step detection.
 * The clocks are this file's subject, so it reads them; each bound brackets a reading between two reads
 * of the clock it is checked against, and none of them is a duration or a speed.
 */
/* eslint-disable no-restricted-syntax */
import { describe, expect, it } from 'vitest';
import { SystemTaiClock } from '../server/src/rtp/timebase.js';

/** A millisecond system clock that a test can step, like settimeofday would. */
function steppableUtc(): { now: () => number; step: (ms: number) => void } {
  let shift = 0;
  return { now: () => Math.floor(performance.timeOrigin + performance.now() + shift), step: (ms) => (shift += ms) };
}

const NS_PER_MS = 1_000_000n;

describe('SystemTaiClock', () => {
  it('reads TAI ns as Date.now() + 37 s, within the error its calibration measured', () => {
    const clock = new SystemTaiClock();
    // The bound the clock states for itself, not a margin guessed for this machine: a stall while it
    // calibrated widens it, and the readings must still lie within it.
    const err = clock.calibrationErrorNs;
    expect(err).toBeGreaterThan(0n);
    for (let i = 0; i < 20; i++) {
      const before = BigInt(Date.now());
      const tai = clock.nowTaiNs() - 37_000n * NS_PER_MS;
      const after = BigInt(Date.now());
      // Date.now() truncates to the ms: UTC lies in [before, after + 1 ms), plus the calibration error.
      expect(tai).toBeGreaterThanOrEqual(before * NS_PER_MS - err);
      expect(tai).toBeLessThan((after + 1n) * NS_PER_MS + err);
    }
  });

  it('never goes backwards between steps', () => {
    const clock = new SystemTaiClock();
    let last = clock.nowTaiNs();
    for (let i = 0; i < 100_000; i++) {
      const now = clock.nowTaiNs();
      if (now < last) expect.fail(`read ${i}: ${now} < ${last}`);
      last = now;
    }
  });

  it('the pacer path (double ms) is the same mapping as the ns interface', () => {
    const clock = new SystemTaiClock(37);
    const first = clock.taiMsAt(performance.now());
    const ns = Number(clock.nowTaiNs()) / 1e6;
    const last = clock.taiMsAt(performance.now());
    // The ns read lies between the two double reads; 0.01 ms covers a double's 0.24 us at today's TAI
    // and the few microseconds to which the two monotonic clocks' origins are matched.
    expect(ns).toBeGreaterThanOrEqual(first - 0.01);
    expect(ns).toBeLessThanOrEqual(last + 0.01);
  });

  it('reports a UTC offset change as a step of the difference', () => {
    const clock = new SystemTaiClock(37);
    const mono = performance.now();
    const before = clock.taiMsAt(mono);
    const beforeNs = clock.nowTaiNs();
    expect(clock.setUtcOffset(38)).toBe(1000);
    expect(clock.taiMsAt(mono) - before).toBe(1000);
    const afterNs = clock.nowTaiNs();
    // TAI moved by the step plus the time between the two reads, which the monotonic clock brackets.
    const elapsedNs = BigInt(Math.ceil((performance.now() - mono) * 1e6)) + 10_000n;
    expect(afterNs - beforeNs - 1_000_000_000n >= 0n).toBe(true);
    expect(afterNs - beforeNs - 1_000_000_000n <= elapsedNs).toBe(true);
    expect(clock.setUtcOffset(37)).toBe(-1000);
    expect(clock.setUtcOffset(37)).toBe(0);
  });

  it.each([1000, -1000, 5])('detects a system clock step of %i ms once, then follows the new time', (ms) => {
    const utc = steppableUtc();
    const clock = new SystemTaiClock(37, utc.now);
    expect(clock.detectStep()).toBe(0);
    const mono = performance.now();
    const before = clock.taiMsAt(mono);
    const errorBefore = clock.calibrationErrorNs;
    utc.step(ms);
    const step = clock.detectStep();
    // Each calibration is off by at most the error it measured (plus the steppable clock's rounding to
    // whole ms, which calibration pins to the tick); a step within 3 ms of those errors is indistinguishable
    // from a misread, and the clock then keeps its mapping.
    const bound = Number(errorBefore + clock.calibrationErrorNs) / 1e6 + 0.001;
    if (step === 0) {
      expect(bound, `a ${ms} ms step missed with calibration errors of only ${bound} ms`).toBeGreaterThan(Math.abs(ms) - 3);
      return;
    }
    expect(Math.abs(step - ms)).toBeLessThanOrEqual(bound);
    expect(Math.abs(clock.taiMsAt(mono) - before - ms)).toBeLessThanOrEqual(bound);
    expect(clock.detectStep()).toBe(0);
  });

  it('takes neither a stall between its clock reads nor one misread for a step (a busy VM)', () => {
    let mode: 'ok' | 'stall' | 'misread' = 'ok';
    const utcNow = (): number => {
      if (mode === 'stall') {
        const until = performance.now() + 6;
        while (performance.now() < until);
      }
      const ms = Date.now() + (mode === 'misread' ? 6 : 0);
      mode = 'ok';
      return ms;
    };
    const clock = new SystemTaiClock(37, utcNow);
    const mono = performance.now();
    const before = clock.taiMsAt(mono);
    mode = 'stall';
    expect(clock.detectStep()).toBe(0);
    mode = 'misread';
    expect(clock.detectStep()).toBe(0);
    expect(clock.taiMsAt(mono)).toBe(before);
  });

  it('ignores jitter under the 3 ms threshold', () => {
    const utc = steppableUtc();
    const clock = new SystemTaiClock(37, utc.now);
    utc.step(2);
    expect(clock.detectStep()).toBe(0);
  });
});
