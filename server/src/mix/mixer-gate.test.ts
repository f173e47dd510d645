/**
 * A gated program (aes67 play's) plays its input once: its ring stays empty until the player's audio
 * begins, then holds exactly the queue's frames, bit for bit, and is finished after the last one, so the
 * pacer's first packet carries the first sample and the source ends after the last. The daemon's
 * programs (not gated) run on, silence included. Real parts: the feed over a MessageChannel, the
 * player's bus, the mixer and a sample ring, in one thread.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { FeedHub } from './feed-hub.js';
import { FeedLink } from './feed-link.js';
import { Mixer } from './mixer.js';
import { MeterBoard } from './dsp-protocol.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';
import { BUS_CHANNELS } from '../audio/input.js';
import { SampleRing } from '../rtp/ring.js';

const RATE = 48000;
const FMT = { sampleRate: RATE, channels: 2, bitsPerSample: 24 };

let open: { close(): void }[] = [];
afterEach(() => {
  for (const p of open) p.close();
  open = [];
});

/**
 * A program reading the player's feed, input 0 routed at unity to channel 0 (a 24-bit stream). With
 * `unroutedRounds`, the worker runs that many rounds before the routing arrives, as when the routing
 * message comes after the program's.
 */
function program(gated: boolean, unroutedRounds = 0) {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const posts = [vi.spyOn(port1, 'postMessage'), vi.spyOn(port2, 'postMessage')];
  const seen = [0, 0];
  const link = new FeedLink(port1, () => undefined);
  const hub = new FeedHub(port2, () => 0);
  port2.on('message', () => seen[0]++);
  port1.on('message', () => seen[1]++);
  const settle = async () => {
    for (let i = 0; i < 100_000 && (seen[0] < posts[0].mock.calls.length || seen[1] < posts[1].mock.calls.length); i++) await new Promise((r) => setImmediate(r));
  };
  const ring = SampleRing.create(PROGRAM_CHANNELS, RATE / 4);
  const mixer = new Mixer({ id: 1, ring: ring.handle, sampleRate: RATE, meters: new MeterBoard(PROGRAM_CHANNELS).buffer, gated });
  mixer.setStrip(0, { bits: 24, gainDb: 0, mute: false, delayMs: 0, identityRoute: true });
  for (let r = 0; r < unroutedRounds; r++) mixer.fill(false);
  const gains = Array.from({ length: PROGRAM_CHANNELS }, (_, o) => Array.from({ length: BUS_CHANNELS }, (_, i) => (o === 0 && i === 0 ? 1 : 0)));
  mixer.setRouting(gains, { kind: 'player', feed: 1 }, () => hub.input(RATE));
  /** One worker round: the feed's budget renews, the mixer tops its ring up. */
  const round = () => {
    hub.newRound();
    mixer.fill(false);
  };
  /** Takes everything in the ring, as the pacer would: channel 0's samples. */
  const drain = (): number[] => {
    const out: number[] = [];
    for (let n = ring.fill(); n > 0; n--) {
      out.push(ring.samples[ring.readSlot() * ring.channels]);
      ring.consume(1);
    }
    return out;
  };
  return { link, mixer, ring, settle, drain, round };
}

/** Stereo planes whose left channel counts up from `from` (24-bit-scaled integers). */
function planes(from: number, frames: number): Int32Array[] {
  const l = Int32Array.from({ length: frames }, (_, i) => from + i);
  return [l, l.map((x) => -x)];
}

describe('a gated program', () => {
  it('writes nothing while it has no routing yet (the silence before it must not start the stream)', () => {
    const { ring } = program(true, 5);
    expect(ring.fill()).toBe(0);
    // A daemon's program (not gated) runs on: its silence goes out.
    expect(program(false, 1).ring.fill()).toBeGreaterThan(0);
  });

  it('writes nothing before the audio, then the queue exactly, then finishes the ring', async () => {
    const { link, ring, settle, drain, round } = program(true);
    // Nothing queued yet, then playing but still priming: the ring stays empty.
    round();
    link.playing(true);
    link.clear(1, true);
    await settle();
    round();
    expect(ring.fill()).toBe(0);
    link.track('a', 0, FMT);
    link.data(planes(1, 3000), 0, 3000);
    link.track('b', 0, FMT);
    link.data(planes(200_001, 2017), 0, 2017);
    link.end();
    await settle();
    const heard: number[] = [];
    for (let i = 0; i < 100 && !ring.eof; i++) {
      round();
      heard.push(...drain());
    }
    heard.push(...drain());
    expect(ring.eof).toBe(true);
    expect(heard).toEqual([...Array.from({ length: 3000 }, (_, i) => 1 + i), ...Array.from({ length: 2017 }, (_, i) => 200_001 + i)]);
    // Finished: nothing more is written.
    round();
    expect(ring.fill()).toBe(0);
  });

  it('a queue whose every input failed finishes the ring without writing', async () => {
    const { link, ring, settle, round } = program(true);
    round();
    link.playing(true);
    link.clear(1, true);
    link.end();
    await settle();
    round();
    expect(ring.fill()).toBe(0);
    expect(ring.eof).toBe(true);
  });

  it('the daemon\'s programs are not gated: silence from the start, and on past the end', async () => {
    const { link, ring, settle, drain, round } = program(false);
    round();
    expect(ring.fill()).toBeGreaterThan(0);
    expect(drain().every((x) => x === 0)).toBe(true);
    link.playing(true);
    link.clear(1, true);
    link.track('a', 0, FMT);
    link.data(planes(1, 1000), 0, 1000);
    link.end();
    await settle();
    for (let i = 0; i < 20; i++) {
      round();
      drain();
    }
    expect(ring.eof).toBe(false);
    round();
    expect(ring.fill()).toBeGreaterThan(0);
  });
});
