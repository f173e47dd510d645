import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ringbuffer.js';
import { Backoff } from './backoff.js';
import { identityToLinuxptp, identityToSdp, linuxptpToSdp, parseIdentity } from './identity.js';
import { realtimeNowNs, taiNowNs } from './clock.js';

describe('RingBuffer', () => {
  it('keeps the newest items, oldest first', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.length).toBe(3);
    r.push(6);
    expect(r.toArray()).toEqual([4, 5, 6]);
    r.clear();
    expect(r.toArray()).toEqual([]);
  });
  it('rejects a useless capacity', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});

describe('Backoff', () => {
  it('doubles up to the cap and resets after a stable run', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 4000, stableMs: 10_000 });
    expect([0, 0, 0, 0, 0, 0].map(() => b.next(100))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(b.next(20_000)).toBe(500);
    expect(b.next(100)).toBe(1000);
  });
});

describe('clock identity forms', () => {
  const bytes = Uint8Array.from([0x00, 0x1d, 0xc1, 0xff, 0xfe, 0x50, 0x36, 0x33]);
  it('prints linuxptp and SDP forms', () => {
    expect(identityToLinuxptp(bytes)).toBe('001dc1.fffe.503633');
    expect(identityToSdp(bytes)).toBe('00-1D-C1-FF-FE-50-36-33');
    expect(linuxptpToSdp('001dc1.fffe.503633')).toBe('00-1D-C1-FF-FE-50-36-33');
  });
  it('parses both forms and rejects others', () => {
    expect(parseIdentity('00-1d-c1-ff-fe-50-36-33')).toEqual(bytes);
    expect(parseIdentity('001dc1.fffe.503633')).toEqual(bytes);
    expect(parseIdentity('001dc1fffe503633')).toBeNull();
  });
});

describe('taiNowNs', () => {
  it('is the system clock plus the UTC offset, with sub-millisecond steps', () => {
    const rt = realtimeNowNs();
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(rt - wall < 2_000_000n && wall - rt < 2_000_000n).toBe(true);
    expect(taiNowNs(37, 1_000n)).toBe(37_000_001_000n);
    const a = realtimeNowNs();
    const b = realtimeNowNs();
    expect(b >= a).toBe(true);
    expect(b - a < 1_000_000n).toBe(true);
  });
});
