import { describe, expect, it } from 'vitest';
import { monitorVerdict } from './monitor.js';
import type { ReceiverStats } from './stream-receiver.js';

const stats = (over: Partial<ReceiverStats>): ReceiverStats => ({
  received: 0, duplicated: 0, reordered: 0, lost: 0, tooLate: 0, restarts: 0, measured: 0, late: 0, lateThresholdMs: 2, jitterMs: 0,
  locked: true, offsetMs: null, rejected: 0, frames: 0, concealedFrames: 0, ssrc: null, ...over,
});

describe("the monitor's verdict", () => {
  it('says what a Dante receiver would drop: late and lost packets of those sent', () => {
    expect(monitorVerdict(stats({}))).toEqual({ dropPercent: 0, tone: 'idle', text: 'No packets yet.' });
    expect(monitorVerdict(stats({ received: 1000, measured: 1000 }))).toEqual({ dropPercent: 0, tone: 'ok', text: 'A Dante receiver would drop 0 % of these packets (0 late by more than 2 ms, 0 lost, of 1000).' });
    const v = monitorVerdict(stats({ received: 996, measured: 996, late: 2, lost: 4 }));
    expect([v.dropPercent, v.tone, v.text]).toEqual([0.6, 'warning', 'A Dante receiver would drop 0.60 % of these packets (2 late by more than 2 ms, 4 lost, of 1000).']);
    expect(monitorVerdict(stats({ received: 200000, measured: 200000, late: 1 })).text).toMatch(/^A Dante receiver would drop < 0\.01 % /);
  });

  it('a stream whose timestamps are not on PTP time is a warning whatever its lateness', () => {
    const v = monitorVerdict(stats({ received: 100, measured: 100, locked: false }));
    expect(v.tone).toBe('warning');
    expect(v.text).toBe("The timestamps do not follow this host's PTP time, so a Dante receiver would not play these packets in time; against the earliest arrival, 0 % come too late (0 late by more than 2 ms, 0 lost, of 100).");
  });
});
