import { describe, expect, it } from 'vitest';
import { checkSignal, SignalComparer } from './check-signal.js';

/** Feeds `x` to the comparer in packets of `per` frames, the ones in `concealed` as concealed copies of the packet before. */
function feed(c: SignalComparer, x: Int32Array, per: number, concealed = new Set<number>()): void {
  for (let p = 0; p * per < x.length; p++) {
    const block = x.slice(p * per, (p + 1) * per);
    if (concealed.has(p)) c.push(x.slice((p - 1) * per, p * per), block.length, true);
    else c.push(block, block.length, false);
  }
}

const concat = (...xs: Int32Array[]) => {
  const out = new Int32Array(xs.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of xs) out.set(x, (at += x.length) - x.length);
  return out;
};

describe('the check signal', () => {
  it('is the same for every call, never zero, and at most -36 dBFS at 16 and 24 bits', () => {
    for (const bits of [16, 24] as const) {
      const a = checkSignal(48000, bits);
      expect(checkSignal(48000, bits)).toEqual(a);
      expect(a.includes(0)).toBe(false);
      const peak = Math.max(...a.map(Math.abs));
      expect(peak).toBeLessThanOrEqual(2 ** (bits - 7));
      // Noise over the whole span: at 24 bits nearly every sample distinct, at 16 every value but 0 used.
      if (bits === 24) expect(new Set(a).size).toBeGreaterThan(a.length * 0.9);
      else expect(new Set(a).size).toBe(2 ** (bits - 6) - 1);
    }
    expect(checkSignal(100, 24, 7)).not.toEqual(checkSignal(100, 24, 8));
  });

  it('is found after the silence before it and matches bit-exact, with trailing silence ignored', () => {
    const sig = checkSignal(4800, 24);
    const c = new SignalComparer(sig);
    feed(c, concat(new Int32Array(480), sig, new Int32Array(96)), 48);
    expect(c.result()).toEqual({ frames: 4800, exact: 4800, concealed: 0, differing: 0, firstDifference: -1, missing: 0 });
  });

  it('places a stream whose first packets were lost, and counts them and a cut-off end as missing', () => {
    const sig = checkSignal(4800, 16);
    const c = new SignalComparer(sig);
    feed(c, concat(new Int32Array(480), sig.subarray(96, 4752)), 48);
    expect(c.result()).toEqual({ frames: 4800, exact: 4656, concealed: 0, differing: 0, firstDifference: -1, missing: 144 });
  });

  it('counts concealed packets apart from differing samples, and reports the first difference', () => {
    const sig = checkSignal(4800, 24);
    const c = new SignalComparer(sig);
    const bad = sig.slice();
    bad[1000] ^= 0x100;
    bad[3000] = -bad[3000];
    feed(c, bad, 48, new Set([10, 11, 50]));
    expect(c.result()).toEqual({ frames: 4800, exact: 4800 - 144 - 2, concealed: 144, differing: 2, firstDifference: 1000, missing: 0 });
  });

  it('byte-swapped audio is not the signal: every sample differs', () => {
    const sig = checkSignal(960, 24);
    const swapped = sig.map((v) => ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff));
    const c = new SignalComparer(sig);
    feed(c, swapped, 48);
    expect(c.result()).toMatchObject({ exact: 0, differing: 960, firstDifference: 0 });
  });
});
