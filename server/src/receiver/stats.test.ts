import { describe, expect, it } from 'vitest';
import { ArrivalMeter, Jitter, mediaClockOffsetMs, wrap32 } from './stats.js';

describe('receive statistics', () => {
  it("jitter follows RFC 3550's J += (|D| - J)/16 on a known arrival schedule, across a timestamp wrap", () => {
    const rate = 48000;
    const ts0 = 2 ** 32 - 480; // wraps after ten packets of 48 frames
    // Packets every 1 ms in media time; each arrives 0.1 ms late plus an extra delay (ms) from this list.
    const extra = [0, 0.5, 0, 0, 2, 0.25, 0, 0, 0, 1, 0, 0, 0.75, 0, 0];
    const j = new Jitter(rate);
    let expected = 0;
    let prevTransit = NaN;
    for (const [k, e] of extra.entries()) {
      const arrivalMs = 5000 + k + 0.1 + e;
      const ts = (ts0 + 48 * k) % 2 ** 32;
      j.arrival(arrivalMs, ts);
      // RFC 3550 §6.4.1 in timestamp units, with the timestamps unwrapped by hand.
      const transit = (arrivalMs * rate) / 1000 - (ts0 + 48 * k);
      if (k > 0) expected += (Math.abs(transit - prevTransit) - expected) / 16;
      prevTransit = transit;
      expect(j.value).toBeCloseTo(expected, 6);
    }
    expect(j.ms).toBeCloseTo((expected * 1000) / rate, 9);
    // A steady stream has none.
    const steady = new Jitter(rate);
    for (let k = 0; k < 100; k++) steady.arrival(1 + k, (48 * k) % 2 ** 32);
    expect(steady.value).toBeCloseTo(0, 6);
  });

  // TAI ms as a double resolves 0.24 us today (rtp/timebase.ts): offsets are exact to that, not to nanoseconds.
  it('media-clock offset: a packet on the TAI grid arriving 0.3 ms after its time, at 48 and 96 kHz, with a mediaclk offset', () => {
    const taiMs = 1.8e12 + 0.125; // today's TAI in ms
    for (const rate of [48000, 96000]) {
      for (const mediaclk of [0, 123456789]) {
        const ts = (Math.round((taiMs * rate) / 1000) + mediaclk) % 2 ** 32;
        expect(mediaClockOffsetMs(ts, taiMs + 0.3, rate, mediaclk)).toBeCloseTo(0.3, 3);
        expect(mediaClockOffsetMs(ts, taiMs - 0.5, rate, mediaclk)).toBeCloseTo(-0.5, 3);
      }
    }
    expect(wrap32(2 ** 32 + 5)).toBe(5);
    expect(wrap32(-5)).toBe(-5);
    expect(wrap32(2 ** 31)).toBe(-(2 ** 31));
  });

  it('late: against the media time when timestamps follow TAI, against the earliest arrival when they do not', () => {
    const rate = 48000;
    const t0 = 1.8e12;
    const delays = [0.1, 0.2, 2.5, 0.1, 3, 1.9];
    const locked = new ArrivalMeter(rate, 0);
    const free = new ArrivalMeter(rate, 0);
    for (const [k, d] of delays.entries()) {
      const media = t0 + k;
      locked.arrival(Math.round((media * rate) / 1000) % 2 ** 32, media + d);
      free.arrival((777 + 48 * k) % 2 ** 32, media + d);
    }
    const l = locked.snapshot();
    expect(l).toMatchObject({ measured: 6, late: 2, locked: true });
    expect(l.offsetMs!.min).toBeCloseTo(0.1, 3);
    expect(l.offsetMs!.max).toBeCloseTo(3, 3);
    const f = free.snapshot();
    expect(f).toMatchObject({ measured: 6, late: 2, locked: false });
    expect(f.offsetMs!.min).toBeCloseTo(0, 3);
    expect(f.offsetMs!.max).toBeCloseTo(2.9, 3);
  });
});
