import { describe, expect, it } from 'vitest';
import { Rng, testSeed } from '../../../test/harness/seed.js';
import { MAX_DROPOUT, ReorderWindow, type Released } from './reorder.js';

/**
 * A sender's packets 0..n-1 (sequence numbers from `start`, wrapping at 2^16) after a network that drops,
 * duplicates and delays some: each packet is displaced by up to `maxDisplace` positions.
 */
function schedule(rng: Rng, n: number, maxDisplace: number) {
  const dropped = new Set<number>();
  const arrivals: { key: number; i: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (rng.int(100) < 2) {
      dropped.add(i);
      continue;
    }
    arrivals.push({ key: i + rng.float() * maxDisplace, i });
    if (rng.int(100) < 2) arrivals.push({ key: i + rng.float() * maxDisplace, i });
  }
  arrivals.sort((a, b) => a.key - b.key);
  return { dropped, order: arrivals.map((a) => a.i) };
}

describe('reorder window', () => {
  it('a seeded shuffled, duplicated and dropped schedule: released in order, each drop lost once, counts exact', () => {
    const rng = new Rng(testSeed('reorder window'));
    const n = 20000;
    const window = 16;
    const start = 65536 - 7000; // wraps through 65535 -> 0
    const { dropped, order } = schedule(rng, n, window - 1);
    const w = new ReorderWindow<number>(window);
    const out: Released<number>[] = [];
    // What the counts must be, worked out from the schedule itself.
    const seen = new Set<number>();
    let highest = -1;
    let duplicates = 0;
    let reordered = 0;
    for (const i of order) {
      if (seen.has(i)) duplicates++;
      else if (i < highest) reordered++;
      seen.add(i);
      highest = Math.max(highest, i);
      out.push(...w.push((start + i) & 0xffff, i));
    }
    out.push(...w.flush());
    // Every number from the first to the last that arrived released exactly once, in order, as the
    // packet or as lost (a drop before the first or after the last is invisible to any receiver).
    const lo = Math.min(...order);
    const hi = Math.max(...order);
    const lost = [...dropped].filter((i) => i > lo && i < hi);
    expect(out.map((r) => r.ext - start)).toEqual(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
    expect(out.filter((r) => r.kind === 'lost').map((r) => r.ext - start)).toEqual(lost);
    for (const r of out) if (r.kind === 'packet') expect(r.item).toBe(r.ext - start);
    expect(w.counts).toEqual({ received: n - dropped.size, duplicated: duplicates, reordered, lost: lost.length, tooLate: 0, restarts: 0 });
    expect(reordered).toBeGreaterThan(1000);
  });

  it('a packet displaced past the window is lost, then counted too late, not released twice', () => {
    const w = new ReorderWindow<number>(4);
    const released: string[] = [];
    const push = (seq: number) => released.push(...w.push(seq, seq).map((r) => `${r.kind}:${r.ext}`));
    for (const seq of [10, 12, 13, 14, 15, 11, 16, 16]) push(seq);
    expect(released).toEqual(['packet:10', 'lost:11', 'packet:12', 'packet:13', 'packet:14', 'packet:15', 'packet:16']);
    expect(w.counts).toMatchObject({ received: 7, lost: 1, tooLate: 1, reordered: 1, duplicated: 1 });
  });

  it('a jump beyond MAX_DROPOUT is a restart: what is held goes out, the jump is not loss', () => {
    const w = new ReorderWindow<number>(2);
    const first = [100, 101, 103].flatMap((s) => w.push(s, s));
    expect(first.map((r) => `${r.kind}:${r.ext}`)).toEqual(['packet:100', 'packet:101']);
    const restart = 103 + MAX_DROPOUT + 1;
    expect(w.push(restart, 0).map((r) => `${r.kind}:${r.ext}`)).toEqual(['lost:102', 'packet:103']);
    expect(w.counts).toMatchObject({ lost: 1, restarts: 1, received: 4 });
    // The window starts again at the new number: nothing between is lost.
    expect(w.push(restart + 1, 0).map((r) => `${r.kind}:${r.ext}`)).toEqual([`packet:${restart}`, `packet:${restart + 1}`]);
    expect(w.counts.lost).toBe(1);
  });
});
