import { describe, expect, it } from 'vitest';
import { realtimeNowNs, taiNowNs } from './clock.js';

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
