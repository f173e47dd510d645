/** Media-time math: packet grid, due times, RTP timestamps, and the frames-per-packet table. */
import { describe, expect, it } from 'vitest';
import { alignedSampleAt, mediaPosition, settle } from '../server/src/rtp/schedule.js';
import { framesPerPacket, ptimeMs } from '../server/src/streams/formats.js';

/** The due time (TAI ms) and RTP timestamp of the packet whose first sample is `mediaSample`. */
function at(mediaSample: number, sampleRate: number, sendOffsetMs: number): { due: number; ts: number } {
  const p = mediaPosition(sampleRate, sendOffsetMs);
  p.mediaSample = mediaSample;
  settle(p);
  return { due: p.dueTaiMs, ts: p.timestamp };
}

describe('framesPerPacket', () => {
  it.each([
    [48000, 125, 6], [48000, 250, 12], [48000, 333, 16], [48000, 1000, 48], [48000, 4000, 192],
    [96000, 125, 12], [96000, 250, 24], [96000, 333, 32], [96000, 1000, 96], [96000, 4000, 384],
    [44100, 125, 6], [44100, 333, 16], [44100, 1000, 48], [44100, 4000, 192],
    [88200, 250, 24], [88200, 1000, 96],
  ])('%i Hz, %i us -> %i frames', (rate, ptime, frames) => {
    expect(framesPerPacket(rate, ptime)).toBe(frames);
  });

  it('writes the a=ptime other senders write', () => {
    expect(ptimeMs(44100, 48)).toBe(1.08843537415);
    expect(ptimeMs(48000, 16)).toBe(0.33333333333);
    expect(ptimeMs(96000, 12)).toBe(0.125);
  });
});

describe('grid and due times', () => {
  it('aligns to the next packet boundary at or after a TAI instant', () => {
    // 1.7e12 ms TAI at 48 kHz = 8.16e13 samples, a multiple of 48.
    expect(alignedSampleAt(1.7e12, 48000, 48)).toBe(8.16e13);
    expect(alignedSampleAt(1.7e12 + 0.001, 48000, 48)).toBe(8.16e13 + 48);
    expect(alignedSampleAt(1.7e12 + 1, 48000, 48)).toBe(8.16e13 + 48);
    expect(alignedSampleAt(1.7e12 + 1.01, 48000, 48)).toBe(8.16e13 + 96);
  });

  it('puts packet k at its media time plus the send offset, exactly on the grid', () => {
    const first = alignedSampleAt(1.7e12 + 0.3, 96000, 12);
    for (let k = 0; k < 10_000; k += 997) {
      const { due } = at(first + k * 12, 96000, 0.5);
      expect(due - at(first, 96000, 0.5).due).toBeCloseTo(k * 0.125, 6);
      expect(due - (first + k * 12) / 96).toBeCloseTo(0.5, 6);
    }
    expect(at(4800, 48000, -2).due).toBe(98);
  });

  it('wraps RTP timestamps at 2^32 and keeps them exact for TAI-scale sample counts', () => {
    expect(at(2 ** 32 + 5, 48000, 0).ts).toBe(5);
    const s = alignedSampleAt(1.7e12, 96000, 96);
    expect(at(s, 96000, 0).ts).toBe(Number(BigInt(s) % 2n ** 32n));
    expect(at(s + 96, 96000, 0).ts - at(s, 96000, 0).ts).toBe(96);
  });
});
