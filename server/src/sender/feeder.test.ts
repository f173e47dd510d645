import { describe, expect, it } from 'vitest';
import { SampleRing } from '../rtp/ring.js';
import { AudioError, type AudioSource } from '../audio/types.js';
import { feed } from './feeder.js';

/** An in-memory source yielding a ramp starting at `start`, in blocks of `block` frames. */
function ramp(start: number, frames: number, block: number, failAfter?: number): AudioSource {
  let pos = 0;
  const planes = [new Int32Array(block), new Int32Array(block)];
  return {
    path: `ramp${start}`,
    format: { sampleRate: 48000, channels: 2, bitsPerSample: 24, totalFrames: frames },
    async read() {
      if (failAfter !== undefined && pos >= failAfter) throw new AudioError(`ramp${start}`, 'corrupt FLAC data');
      const n = Math.min(block, frames - pos);
      if (n <= 0) return null;
      for (let i = 0; i < n; i++) {
        planes[0][i] = start + pos + i;
        planes[1][i] = -(start + pos + i);
      }
      pos += n;
      return { channels: planes, frames: n };
    },
    async close() {},
  };
}

/** Drains the ring like the pacer would, 48 frames at a time, until end of input. */
async function drain(ring: SampleRing): Promise<number[]> {
  const left: number[] = [];
  for (;;) {
    const fill = ring.fill();
    if (fill === 0 && ring.eof) return left;
    const n = Math.min(fill, 48);
    let slot = ring.readSlot();
    for (let i = 0; i < n; i++) {
      left.push(ring.samples[slot * ring.channels]);
      expect(ring.samples[slot * ring.channels + 1] + left[left.length - 1]).toBe(0);
      slot = (slot + 1) % ring.frames;
    }
    ring.consume(n);
    await new Promise((r) => setImmediate(r));
  }
}

describe('feed', () => {
  it('puts consecutive tracks back to back with no gap, through a ring smaller than either', async () => {
    const ring = SampleRing.create(2, 256);
    const tracks = [ramp(0, 1000, 300), ramp(1000, 777, 128)];
    const errors: Error[] = [];
    const drained = drain(ring);
    await feed(ring, 2, { open: async (i) => tracks[i], onError: (_i, e) => errors.push(e), stopped: () => false });
    const got = await drained;
    expect(errors).toEqual([]);
    expect(got).toEqual(Array.from({ length: 1777 }, (_, i) => i));
  });

  it('skips a failing track and carries on with the next, reporting it once', async () => {
    const ring = SampleRing.create(2, 4096);
    const tracks = [ramp(0, 100, 50), ramp(5000, 1000, 100, 200), ramp(100, 50, 50)];
    const errors: string[] = [];
    const drained = drain(ring);
    await feed(ring, 3, { open: async (i) => tracks[i], onError: (i, e) => errors.push(`${i}: ${e.message}`), stopped: () => false });
    const got = await drained;
    expect(errors).toEqual(['1: ramp5000: corrupt FLAC data']);
    // What the bad track decoded before failing still plays; the next track follows without a gap.
    expect(got).toEqual([...Array.from({ length: 100 }, (_, i) => i), ...Array.from({ length: 200 }, (_, i) => 5000 + i), ...Array.from({ length: 50 }, (_, i) => 100 + i)]);
  });
});
