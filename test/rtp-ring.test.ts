/** The shared sample ring: fill/space accounting, slot wraparound, and 2^32 counter wraparound. */
import { describe, expect, it } from 'vitest';
import { SampleRing } from '../server/src/rtp/ring.js';

function planes(channels: number, frames: number, base: number): Int32Array[] {
  return Array.from({ length: channels }, (_, c) => Int32Array.from({ length: frames }, (_, f) => base + f * 10 + c));
}

describe('SampleRing', () => {
  it('rounds capacity up to a power of two and limits writes to the free space', () => {
    const ring = SampleRing.create(2, 100);
    expect(ring.frames).toBe(128);
    expect(ring.write(planes(2, 200, 0), 0, 200)).toBe(128);
    expect(ring.fill()).toBe(128);
    expect(ring.space()).toBe(0);
    ring.consume(28);
    expect(ring.space()).toBe(28);
  });

  it('keeps frames in order across the slot wrap, zero-filling channels the producer lacks', () => {
    const ring = SampleRing.create(3, 64);
    ring.write(planes(2, 50, 0), 0, 50);
    ring.consume(50);
    ring.write(planes(2, 40, 1000), 0, 40); // slots 50..63 then 0..25
    let slot = ring.readSlot();
    expect(slot).toBe(50);
    for (let f = 0; f < 40; f++) {
      expect(ring.samples[slot * 3]).toBe(1000 + f * 10);
      expect(ring.samples[slot * 3 + 1]).toBe(1000 + f * 10 + 1);
      expect(ring.samples[slot * 3 + 2]).toBe(0);
      slot = (slot + 1) % ring.frames;
    }
  });

  it('survives the 2^32 wrap of its frame counters', () => {
    const ring = SampleRing.create(1, 64);
    const nearWrap = 2 ** 32 - 20;
    // Int32 cells hold the counters; store the wrapped value as the producer would after ~25 hours at 48 kHz.
    ring.ctl[0] = nearWrap | 0;
    ring.ctl[1] = nearWrap | 0;
    expect(ring.fill()).toBe(0);
    expect(ring.write(planes(1, 50, 0), 0, 50)).toBe(50);
    expect(ring.fill()).toBe(50);
    const slot = ring.readSlot();
    expect(slot).toBe(nearWrap % 64);
    ring.consume(30);
    expect(ring.fill()).toBe(20);
    expect(ring.ctl[1] >>> 0).toBe((nearWrap + 30) % 2 ** 32);
    expect(ring.samples[ring.readSlot()]).toBe(300);
  });

  it('signals end of input', () => {
    const ring = SampleRing.create(1, 64);
    expect(ring.eof).toBe(false);
    ring.finish();
    expect(ring.eof).toBe(true);
  });
});

describe('SampleRing producer wake-ups', () => {
  // The wish a waiting producer publishes (ctl[3]) is cleared by whoever wakes it: the consumer when the
  // room is free, or the producer itself on its timeout. Reading it tells what happened without a clock.
  const WANT = 3;
  // Longer than any test may run: a wait that resolves at all did not time out.
  const NEVER_MS = 600_000;

  it('wakes a waiting producer only once the room it asked for is free', async () => {
    const ring = SampleRing.create(1, 64);
    ring.write(planes(1, 64, 0), 0, 64);
    const waiting = ring.waitForSpace(NEVER_MS);
    expect(ring.ctl[WANT]).toBe(16); // a quarter of the ring
    ring.consume(8); // a packet or two: not yet a quarter
    expect(ring.ctl[WANT], 'no wake-up for 8 free frames').toBe(16);
    ring.consume(8);
    expect(ring.ctl[WANT], 'woken at 16 free frames').toBe(0);
    await waiting;
  });

  it('returns at once when the room is already free, and honours a smaller request', async () => {
    const ring = SampleRing.create(1, 64);
    ring.write(planes(1, 60, 0), 0, 60);
    await ring.waitForSpace(NEVER_MS, 4);
    expect(ring.ctl[WANT]).toBe(0);
    const waiting = ring.waitForSpace(NEVER_MS, 6);
    expect(ring.ctl[WANT]).toBe(6);
    ring.consume(2);
    await waiting;
    expect(ring.ctl[WANT]).toBe(0);
  });

  it('times out when the consumer does not move, and withdraws its wish', async () => {
    const ring = SampleRing.create(1, 64);
    ring.write(planes(1, 64, 0), 0, 64);
    const waiting = ring.waitForSpace(50);
    expect(ring.ctl[WANT]).toBe(16);
    await waiting;
    expect(ring.space()).toBe(0);
    expect(ring.ctl[WANT]).toBe(0);
  });
});
