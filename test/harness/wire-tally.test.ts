import { describe, expect, it } from 'vitest';
import { sapCadence, unexplained, WireTally } from './wire-tally.js';

const rtp = (seq: number, ts: number, payload = '', dst = '239.1.1.1') => `1.0,10.0.0.1,${dst},5004,${seq},${ts},,,,${payload}`;
const sap = (t: number, version: string, type = '0') => `${t},10.0.0.1,239.255.255.255,9875,,,${type},4242,${version},`;

describe('WireTally', () => {
  it('finds sequence gaps, duplicates and timestamp steps beyond the packets, across the 16-bit wrap', () => {
    const t = new WireTally(48);
    for (const [seq, ts] of [[65534, 0], [65535, 48], [0, 96], [2, 192], [2, 192], [3, 240 + 4800]]) t.row(rtp(seq, ts));
    const g = t.report().groups.get('239.1.1.1')!;
    expect(g.packets).toBe(6);
    expect(g.gaps).toEqual([{ at: 3, missing: 1, t: 1 }, { at: 4, missing: -1, t: 1 }]);
    // The duplicate repeats its timestamp: step 0 for seq step 0 is no jump; the last packet skipped 4800 frames.
    expect(g.jumps).toEqual([{ at: 5, excessFrames: 4800 }]);
  });

  it('tells sound from digital silence by the samples, as runs with their peaks', () => {
    const t = new WireTally(2, 24);
    for (const p of ['00:00:00:00:00:00', '00:00:00:ff:ff:ff', 'ff:ff:fe:00:00:00', '00:00:00:00:00:00']) t.row(rtp(0, 0, p));
    expect(t.report().groups.get('239.1.1.1')!.sound).toEqual([
      { audible: false, packets: 1, peak: 0 },
      { audible: true, packets: 2, peak: 2 },
      { audible: false, packets: 1, peak: 0 },
    ]);
  });

  it('keeps announcements and deletions per session; the cadence leaves out each version\'s first interval and faults', () => {
    const t = new WireTally(48);
    for (const row of [sap(10, '1'), sap(11, '1'), sap(12, '1'), sap(12.1, '2'), sap(13.1, '2'), sap(20, '2'), sap(21, '2'), sap(22, '2', '1')]) t.row(row);
    const s = t.report().sap.get('4242')!;
    expect(s.deletes).toBe(1);
    expect(s.announces.map((a) => a.version)).toEqual(['1', '1', '1', '2', '2', '2', '2']);
    // Left out: each version's first interval (10-11 and the at-once 12.1-13.1), and 13.1-20 over the fault.
    expect(sapCadence(s, [[15, 16]])).toEqual({ intervals: 2, meanS: expect.closeTo(1, 9) });
    expect(sapCadence(s).meanS).toBeCloseTo((1 + 6.9 + 1) / 3, 9);
  });
});

describe('unexplained', () => {
  it('matches each reported step once: a stall by its frames, a clock step by its length in samples', () => {
    const jumps = [{ at: 1, excessFrames: 2688 }, { at: 5, excessFrames: 48000 }, { at: 9, excessFrames: 2688 }, { at: 12, excessFrames: -4 }];
    const steps = [{ cause: 'stall', sourceId: 1, skippedFrames: 2688 }, { cause: 'system', stepMs: 1000 }] as const;
    expect(unexplained(jumps, [...steps], 48000)).toEqual([{ at: 9, excessFrames: 2688 }, { at: 12, excessFrames: -4 }]);
  });
});
