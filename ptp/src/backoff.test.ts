import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the cap and resets after a stable run', () => {
    const b = new Backoff({ initialMs: 500, maxMs: 4000, stableMs: 10_000 });
    expect([0, 0, 0, 0, 0, 0].map(() => b.next(100))).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
    expect(b.next(20_000)).toBe(500);
    expect(b.next(100)).toBe(1000);
  });
});
