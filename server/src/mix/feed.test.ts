/**
 * The player's feed between threads, both ends in one thread over a real MessageChannel: a clear drops
 * exactly what was posted before it, marks never overtake their audio, reports carry the generation,
 * back-pressure holds the decoder, and a bus made mid-track joins at the right place.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { FeedHub } from './feed-hub.js';
import { FeedLink } from './feed-link.js';
import { BUS_CHANNELS } from '../audio/input.js';
import type { FromFeed } from './feed-protocol.js';

const RATE = 48000;
const FMT = { sampleRate: RATE, channels: 2, bitsPerSample: 24 };
const BLOCK = 240;

let open: { close(): void }[] = [];
afterEach(() => {
  for (const p of open) p.close();
  open = [];
});

/**
 * A link and a hub on one channel. The hub's clock stands still, so it reports the position once per
 * entry however long the reads take. `settle` resolves once every message either end posted has been
 * handled at the other: each port counts what it posts and what its listener, registered after the
 * link's or hub's own, has seen.
 */
function pair(now: () => number = () => 0): { link: FeedLink; hub: FeedHub; reports: FromFeed[]; settle: () => Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const posts = [vi.spyOn(port1, 'postMessage'), vi.spyOn(port2, 'postMessage')];
  const reports: FromFeed[] = [];
  const link = new FeedLink(port1, (m) => reports.push(m));
  const hub = new FeedHub(port2, now);
  const seen = [0, 0];
  port2.on('message', () => seen[0]++);
  port1.on('message', () => seen[1]++);
  const settle = async () => {
    for (let i = 0; i < 100_000 && (seen[0] < posts[0].mock.calls.length || seen[1] < posts[1].mock.calls.length); i++) await new Promise((r) => setImmediate(r));
    expect(seen, 'messages handled at each end').toEqual(posts.map((p) => p.mock.calls.length));
  };
  return { link, hub, reports, settle };
}

/** A bus read as the worker reads it when its ring wants one block a round: a new round before each read. */
function roundInput(hub: FeedHub, rate: number): { read(out: Float64Array, frames: number): unknown } {
  const bus = hub.input(rate);
  return {
    read: (out, frames) => {
      hub.newRound();
      return bus.read(out, frames);
    },
  };
}

/** Stereo planes whose left channel counts up from `from` (24-bit-scaled integers), right = -left. */
function planes(from: number, frames: number): Int32Array[] {
  const l = Int32Array.from({ length: frames }, (_, i) => from + i);
  return [l, l.map((x) => -x)];
}

/** Reads `blocks` blocks from the bus and returns the left channel as integers again. */
function readLeft(bus: { read(out: Float64Array, frames: number): unknown }, blocks: number): number[] {
  const out = new Float64Array(BLOCK * BUS_CHANNELS);
  const left: number[] = [];
  for (let b = 0; b < blocks; b++) {
    bus.read(out, BLOCK);
    for (let i = 0; i < BLOCK; i++) left.push(Math.round(out[i * BUS_CHANNELS] * 2 ** 23));
  }
  return left;
}

describe('player feed', () => {
  it('drops exactly what was posted before a clear, though the hub had not taken it yet', async () => {
    const { link, hub, reports, settle } = pair();
    const bus = roundInput(hub, RATE);
    link.playing(true);
    link.clear(1, true);
    link.track('a', 0, FMT);
    link.data(planes(1000, 4800), 0, 4800);
    link.clear(2, true);
    link.track('b', 7, FMT);
    // 0.3 s: what a bus waits for after a clear before it plays (priming, player-bus.ts).
    link.data(planes(500_000, 14400), 0, 14400);
    await settle();
    readLeft(bus, 1); // the first read makes the bus active; nothing is taken before a program reads it
    readLeft(bus, 1); // priming: a round moves at most 8192 frames onto the bus (feed-hub.ts), so 0.3 s takes two
    const heard = readLeft(bus, 10);
    expect(heard).toEqual(Array.from({ length: 2400 }, (_, i) => 500_000 + i));
    await settle();
    // One report: the entry did not change, and the hub's clock did not move.
    expect(reports).toEqual([{ type: 'progress', gen: 2, entryId: 'b', positionS: 7 + BLOCK / RATE }]);
  });

  it('moves to the next entry exactly at its first frame, and past the end reports null and stops', async () => {
    const { link, hub, reports, settle } = pair();
    const bus = roundInput(hub, RATE);
    readLeft(bus, 1);
    link.playing(true);
    link.clear(1, true);
    link.track('a', 0, FMT);
    link.data(planes(1, 1000), 0, 1000);
    link.track('b', 0, FMT);
    link.data(planes(100_001, 440), 0, 440);
    link.end();
    await settle();
    const heard = readLeft(bus, 8);
    // Gapless: a's 1000 frames, then b's 440 at once, then silence (the final short block is not held back).
    expect(heard.slice(0, 1440)).toEqual([...Array.from({ length: 1000 }, (_, i) => 1 + i), ...Array.from({ length: 440 }, (_, i) => 100_001 + i)]);
    expect(heard.slice(1440).every((x) => x === 0)).toBe(true);
    await settle();
    expect(reports.map((r) => r.entryId)).toEqual(['a', 'b', null]);
    expect(reports[1].positionS).toBeCloseTo((1200 - 1000) / RATE, 6);
  });

  it('plays again after the queue ended, though the mixer read the end between the play and its clear', async () => {
    let clock = 0;
    const { link, hub, reports, settle } = pair(() => clock);
    const bus = roundInput(hub, RATE);
    readLeft(bus, 1);
    link.playing(true);
    link.clear(1, true);
    link.track('a', 0, FMT);
    link.data(planes(1, 480), 0, 480);
    link.end();
    await settle();
    readLeft(bus, 4);
    await settle();
    expect(reports.map((r) => [r.gen, r.entryId])).toEqual([[1, 'a'], [1, null]]);
    // The main thread heard the end and stopped; a later play posts 'playing', and its clear arrives
    // only after the mixer has read (and reported) the end once more.
    link.playing(false);
    clock = 1000;
    link.playing(true);
    await settle();
    readLeft(bus, 1);
    link.clear(2, true);
    link.track('b', 0, FMT);
    link.data(planes(100_001, 14400), 0, 14400);
    await settle();
    readLeft(bus, 1); // priming, as above
    const heard = readLeft(bus, 10);
    expect(heard.slice(0, 2400)).toEqual(Array.from({ length: 2400 }, (_, i) => 100_001 + i));
  });

  it('holds the decoder at 0.5 s queued until a program reads, and a bus made mid-track joins in place', async () => {
    const { link, hub, settle } = pair();
    link.clear(1, true);
    link.track('a', 2, FMT);
    let posted = 0;
    while (link.room(4800)) {
      link.data(planes(posted, 4800), 0, 4800);
      posted += 4800;
    }
    expect(posted).toBe(RATE / 2);
    await settle();
    expect(link.room(4800)).toBe(false);
    const first = roundInput(hub, RATE);
    link.playing(true);
    await settle();
    // A round moves at most 8192 frames onto the buses (feed-hub.ts): the first read makes the bus active,
    // the bus primes (0.3 s) over the next two, and three rounds take the whole queue (0.5 s): the decoder may
    // post again.
    readLeft(first, 2);
    expect(readLeft(first, 3)).toEqual(Array.from({ length: 720 }, (_, i) => i));
    expect(link.room(4800)).toBe(true);
    const second = roundInput(hub, 96000);
    link.data(planes(posted, 4800), 0, 4800);
    await settle();
    readLeft(second, 1);
    readLeft(first, 10);
    // The joined bus waits for 0.3 s before it plays (priming): at 96 kHz, with the filter's start-up, that
    // takes three more posts of 4800 frames, while the first bus plays on.
    for (let k = 1; k <= 3; k++) {
      link.data(planes(posted + k * 4800, 4800), 0, 4800);
      await settle();
      readLeft(first, 20);
    }
    // Resampled to 96 kHz, the count goes up half a step per frame from where the feed was when the bus
    // joined (past the filter's start-up).
    const joined = readLeft(second, 2);
    for (let n = 300; n < 480; n++) expect(Math.abs(joined[n] - (posted + n / 2))).toBeLessThanOrEqual(2);
  });
});
