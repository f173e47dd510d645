/** bench/pacing's analysis: packets missing from a capture neither shift the grid nor count as late. */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs bench script without type declarations
import { analyse } from '../bench/pacing/analyse.mjs';

interface Result { missing: number; p50: number; p99: number; max: number; gridMax: number }
const run = analyse as (rows: { timeMs: number; dst: string; seq: number }[], ptimeMs: number, warmupMs: number) => Result;

/** Two streams on a perfect 125 us grid, sequence numbers wrapping at 65536. */
function perfect(n: number): { timeMs: number; dst: string; seq: number }[] {
  const rows = [];
  for (let k = 0; k < n; k++) for (const dst of ['a', 'b']) rows.push({ timeMs: k * 0.125 + (dst === 'b' ? 0.01 : 0), dst, seq: (65000 + k) & 0xffff });
  return rows;
}

describe('pacing bench analysis', () => {
  it('a perfect sender scores zero jitter, across the sequence wrap', () => {
    const r = run(perfect(20000), 0.125, 100);
    expect(r.missing).toBe(0);
    expect(r.max).toBeCloseTo(125, 6);
    expect(r.gridMax).toBeCloseTo(0, 6);
  });

  it('packets lost by the capture are counted, not read as late departures or a grid shift', () => {
    const rows = perfect(20000).filter((_, i) => i % 1000 !== 999);
    const r = run(rows, 0.125, 100);
    expect(r.missing).toBeGreaterThan(0);
    expect(r.max).toBeCloseTo(125, 6);
    expect(r.gridMax).toBeCloseTo(0, 6);
  });

  it('a real stall shows in IDT and grid', () => {
    const rows = perfect(20000).map((x) => (x.dst === 'a' && x.seq === ((65000 + 10000) & 0xffff) ? { ...x, timeMs: x.timeMs + 2 } : x));
    const r = run(rows, 0.125, 100);
    expect(r.max).toBeCloseTo(2125, 6);
    expect(r.gridMax).toBeCloseTo(2000, 6);
  });
});
