import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ringbuffer.js';

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
