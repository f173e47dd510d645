import { describe, expect, it } from 'vitest';
import { realtimeNowNs, taiNowNs } from './clock.js';

describe('taiNowNs', () => {
  it('is the system clock plus the UTC offset, finer than a millisecond', () => {
    // The subject is the clock itself: its reading lies between two of Date.now()'s (which truncates to the ms).
    /* eslint-disable no-restricted-syntax */
    const before = BigInt(Date.now()) * 1_000_000n;
    const rt = realtimeNowNs();
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    /* eslint-enable no-restricted-syntax */
    expect(rt >= before && rt < after).toBe(true);
    expect(taiNowNs(37, 1_000n)).toBe(37_000_001_000n);
    const reads = Array.from({ length: 100 }, () => realtimeNowNs());
    for (let i = 1; i < reads.length; i++) expect(reads[i] >= reads[i - 1]).toBe(true);
    expect(reads.some((ns) => ns % 1_000_000n !== 0n)).toBe(true);
  });
});
