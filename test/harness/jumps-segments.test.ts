/** The pure checks the receiver tests lean on: which RTP jumps a logged pacer stall explains, and audio split into runs. */
import { describe, expect, it } from 'vitest';
import { segments } from './pcm.js';
import { unexplainedJumps, type RtpPacket } from './rtp-capture.js';

const packets = (...steps: [seq: number, ts: number][]): RtpPacket[] => {
  const out: RtpPacket[] = [{ seq: 65534, ts: 2 ** 32 - 48, payload: Buffer.alloc(0) }];
  for (const [ds, dt] of steps) {
    const p = out[out.length - 1];
    out.push({ seq: (p.seq + ds) & 0xffff, ts: (p.ts + dt) >>> 0, payload: Buffer.alloc(0) });
  }
  return out;
};

describe('unexplainedJumps', () => {
  it('accepts a contiguous stream across sequence and timestamp wrap-around', () => {
    expect(unexplainedJumps(packets([1, 48], [1, 48], [1, 48]), 48, 0)).toEqual([]);
  });

  it('accepts one forward timestamp jump per logged stall, and no more', () => {
    const p = packets([1, 48], [1, 48 + 2880], [1, 48], [1, 48 + 4800]);
    expect(unexplainedJumps(p, 48, 2)).toEqual([]);
    expect(unexplainedJumps(p, 48, 1)).toEqual([
      { at: 2, seqStep: 1, tsStep: 2928 },
      { at: 4, seqStep: 1, tsStep: 4848 },
    ]);
  });

  it('never explains a skipped sequence number or a timestamp that goes back or repeats', () => {
    expect(unexplainedJumps(packets([2, 96], [1, 48], [1, 0], [1, -480]), 48, 10)).toEqual([
      { at: 1, seqStep: 2, tsStep: 96 },
      { at: 3, seqStep: 1, tsStep: 0 },
      { at: 4, seqStep: 1, tsStep: -480 },
    ]);
  });
});

describe('segments', () => {
  const ref = Int32Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 2003) - 1001 || 5);

  it('splits at silence and at a jump, each run located in the reference', () => {
    const rec = new Int32Array([...ref.subarray(100, 300), 0, 0, 0, ...ref.subarray(250, 400), ...ref.subarray(700, 800)]);
    expect(segments(ref, rec)).toEqual([
      { recAt: 0, refAt: 100, length: 200 },
      { recAt: 203, refAt: 250, length: 150 },
      { recAt: 353, refAt: 700, length: 100 },
    ]);
  });

  it('marks a run found nowhere in the reference', () => {
    const rec = new Int32Array([...ref.subarray(0, 100), 0, ...Array.from({ length: 80 }, () => 3)]);
    expect(segments(ref, rec)).toEqual([
      { recAt: 0, refAt: 0, length: 100 },
      { recAt: 101, refAt: -1, length: 80 },
    ]);
  });
});
