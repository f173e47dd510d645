/**
 * A program mixes and writes only the channels it sends, and the others still read as zeros: a new
 * mixer (a restarted worker) on a ring full of old audio zeroes every channel once, and a freed channel
 * is zeroed in every slot before it is left alone. Real parts: the mixer and a sample ring, in one thread.
 */
import { describe, expect, it } from 'vitest';
import { Mixer } from './mixer.js';
import { MeterBoard } from './dsp-protocol.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';
import { BUS_CHANNELS, type InputBus } from '../audio/input.js';
import { SampleRing } from '../rtp/ring.js';
import type { StripSettings } from './channel-strip.js';

const RATE = 48000;
const STRIP: StripSettings = { bits: 24, gainDb: 0, mute: false, delayMs: 0, identityRoute: true };

/** Input i is the constant (i + 1) / 16 of full scale. */
const constants: InputBus = {
  read(out, frames) {
    for (let f = 0; f < frames; f++) for (let i = 0; i < BUS_CHANNELS; i++) out[f * BUS_CHANNELS + i] = (i + 1) / 16;
    return { sourceBits: 24, resampled: false };
  },
};

function setup() {
  const ring = SampleRing.create(PROGRAM_CHANNELS, RATE / 4);
  // Old audio in every slot of every channel, as a worker that died leaves it.
  ring.samples.fill(12345);
  const mixer = new Mixer({ id: 1, ring: ring.handle, sampleRate: RATE, meters: new MeterBoard(PROGRAM_CHANNELS).buffer, gated: false });
  mixer.setStrip(3, STRIP);
  mixer.setStrip(40, STRIP);
  // Channel 3 takes input 0, channel 40 input 5.
  const gains = Array.from({ length: PROGRAM_CHANNELS }, (_, o) => Array.from({ length: BUS_CHANNELS }, (_, i) => ((o === 3 && i === 0) || (o === 40 && i === 5) ? 1 : 0)));
  mixer.setRouting(gains, { kind: 'tone' }, () => constants);
  /** Runs the mixer and takes what it wrote, as the pacer would, `passes` times the ring's length; returns the last frame's channels. */
  const run = (passes: number): number[] => {
    let last: number[] = [];
    for (let taken = 0; taken < passes * ring.frames; ) {
      mixer.fill(false);
      for (let n = ring.fill(); n > 0; n--, taken++) {
        const o = ring.readSlot() * ring.channels;
        last = Array.from(ring.samples.subarray(o, o + ring.channels));
        ring.consume(1);
      }
    }
    return last;
  };
  return { ring, mixer, run };
}

describe('mixer channels', () => {
  it('writes the routed channels and zeros everywhere else after one pass of the ring', () => {
    const { ring, run } = setup();
    const frame = run(2);
    const expected = Array.from({ length: PROGRAM_CHANNELS }, (_, c) => (c === 3 ? 2 ** 23 / 16 : c === 40 ? (6 * 2 ** 23) / 16 : 0));
    expect(frame).toEqual(expected);
    // Every slot, not just the last frame read: the old audio is gone from the whole ring.
    for (let s = 0; s < ring.frames; s++) {
      const row = Array.from(ring.samples.subarray(s * ring.channels, (s + 1) * ring.channels));
      if (row.some((v, c) => v !== 0 && c !== 3 && c !== 40)) expect.fail(`slot ${s} holds ${row.join(',')}`);
    }
  });

  it('zeroes a freed channel in every slot', () => {
    const { ring, mixer, run } = setup();
    run(2);
    mixer.freeChannel(40);
    run(2);
    for (let s = 0; s < ring.frames; s++) {
      const o = s * ring.channels;
      expect(ring.samples[o + 40], `slot ${s}, channel 40`).toBe(0);
      expect(ring.samples[o + 3], `slot ${s}, channel 3`).toBe(2 ** 23 / 16);
    }
  });
});
