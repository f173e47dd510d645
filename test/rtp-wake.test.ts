/** The pacer's wake-up margin follows the measured oversleep, within its caps. */
import { describe, expect, it } from 'vitest';
import { WakeMargin } from '../server/src/rtp/wake.js';

describe('WakeMargin', () => {
  it('starts at the cap, then follows the 95th percentile of oversleep plus 10 us', () => {
    const m = new WakeMargin(0.25);
    expect(m.marginMs(1)).toBe(0.25);
    // 256 samples: 0..255 us of oversleep; p95 = 243 us -> capped at 250 us.
    for (let i = 0; i < 256; i++) m.record(i / 1000);
    expect(m.marginMs(1)).toBeCloseTo(0.25, 9);
    // A quiet machine: 20-39 us, evenly; the p95 sample (243rd of 256) is 38 us.
    for (let i = 0; i < 256; i++) m.record((20 + (i % 20)) / 1000);
    expect(m.marginMs(1)).toBeCloseTo(0.038 + 0.01, 9);
  });

  it('never exceeds a quarter of the packet time, never drops under 20 us, ignores early wake-ups', () => {
    const m = new WakeMargin(0.25);
    for (let i = 0; i < 256; i++) m.record(0.2);
    expect(m.marginMs(0.125)).toBeCloseTo(0.03125, 9);
    for (let i = 0; i < 256; i++) m.record(0.001);
    for (let i = 0; i < 300; i++) m.record(-5);
    expect(m.marginMs(1)).toBeCloseTo(0.02, 9);
  });

  it('spins not at all when the cap is 0', () => {
    const m = new WakeMargin(0);
    for (let i = 0; i < 256; i++) m.record(0.05);
    expect(m.marginMs(1)).toBe(0);
  });
});
