/** The pacer's wake-up margin follows the measured oversleep, within its caps. */
import { describe, expect, it } from 'vitest';
import { WakeMargin } from '../server/src/rtp/wake.js';

/** The pacer's cells, as WakeMargin reads and writes them. */
const cells = new Float64Array(4);
const [NOW, DUE, PERIOD, WAKE] = [0, 1, 2, 3];

function marginMs(m: WakeMargin, periodMs: number): number {
  cells[DUE] = 1000;
  cells[PERIOD] = periodMs;
  m.setWake(cells, DUE, PERIOD, WAKE);
  return cells[DUE] - cells[WAKE];
}

function record(m: WakeMargin, oversleepMs: number): void {
  cells[WAKE] = 500;
  cells[NOW] = 500 + oversleepMs;
  m.record(cells, NOW, WAKE);
}

describe('WakeMargin', () => {
  it('starts at the cap, then follows the 95th percentile of oversleep plus 10 us', () => {
    const m = new WakeMargin(0.25);
    expect(marginMs(m, 1)).toBe(0.25);
    // 256 samples: 0..255 us of oversleep; p95 = 243 us -> capped at 250 us.
    for (let i = 0; i < 256; i++) record(m, i / 1000);
    expect(marginMs(m, 1)).toBeCloseTo(0.25, 9);
    // A quiet machine: 20-39 us, evenly; the p95 sample (243rd of 256) is 38 us.
    for (let i = 0; i < 256; i++) record(m, (20 + (i % 20)) / 1000);
    expect(marginMs(m, 1)).toBeCloseTo(0.038 + 0.01, 9);
  });

  it('never exceeds a quarter of the packet time, never drops under 20 us, ignores early wake-ups', () => {
    const m = new WakeMargin(0.25);
    for (let i = 0; i < 256; i++) record(m, 0.2);
    expect(marginMs(m, 0.125)).toBeCloseTo(0.03125, 9);
    for (let i = 0; i < 256; i++) record(m, 0.001);
    for (let i = 0; i < 300; i++) record(m, -5);
    expect(marginMs(m, 1)).toBeCloseTo(0.02, 9);
  });

  it('spins not at all when the cap is 0', () => {
    const m = new WakeMargin(0);
    for (let i = 0; i < 256; i++) record(m, 0.05);
    expect(marginMs(m, 1)).toBe(0);
  });
});
