import type { MessagePort } from 'node:worker_threads';
import type { InputBus } from '../audio/input.js';
import { Status, type FeedFormat, type FromFeed, type ToFeed } from './feed-protocol.js';
import { PlayerBus, type BusListener } from './player-bus.js';

/** Source frames moved onto the buses at a time, so a long decoder block never needs a whole bus free. */
const CHUNK = 1024;
/**
 * What the buses take (and resample) per worker round: the bus holds half a second, and filling that in
 * one go (as after a play or a seek) held the worker past its rings' lead, cold, on a loaded host. Rounds
 * come every 5 ms, so this (170 ms at 48 kHz) still fills the bus at 30 times real time.
 */
const PUMP_FRAMES = 8 * CHUNK;
/** Filter samples designed per round when a track needs a new resampler (see PolyphaseDesign): a few ms cold. */
const DESIGN_SLICE = 2000;
/** The main thread hears of the position this often (and at once when the entry changes). */
const PROGRESS_MS = 50;

type Item = { type: 'track'; entryId: string; startS: number; format: FeedFormat } | { type: 'data'; samples: Int32Array; channels: number; done: number } | { type: 'end' };

/**
 * The DSP worker's end of a player feed (see feed-protocol.ts): queues what the main thread posts, in
 * order, and moves it onto one PlayerBus per program rate while the buses being read have room; reports
 * what is heard back to the main thread.
 */
export class FeedHub implements BusListener {
  private readonly buses = new Map<number, PlayerBus>();
  private items: Item[] = [];
  private status: Int32Array<ArrayBufferLike> = new Int32Array(1);
  private taken = 0;
  private gen = 0;
  private isPlaying = false;
  /**
   * The generation whose queue end the buses have reached. Nothing is consumed past it, whatever
   * 'playing' says: the main thread's play after the end posts 'playing' and its 'clear' as two messages,
   * and a mixer read between them must not undo the play (it once did, by clearing isPlaying, which no
   * later message set again: the player said "playing" and sent silence).
   */
  private endedGen = -1;
  private isDrained = true;
  /** The track being fed and how many of its frames are on the buses, so a bus made mid-track joins in. */
  private current: { entryId: string; startS: number; format: FeedFormat; fed: number } | null = null;
  private reported: { entryId: string | null | undefined; at: number } = { entryId: undefined, at: 0 };
  /** What is left of this round's PUMP_FRAMES and DESIGN_SLICE (newRound). */
  private pumpLeft = PUMP_FRAMES;
  private designLeft = DESIGN_SLICE;

  /** `now` is Date.now unless a test holds the clock still, so how many reports go out does not depend on its speed. */
  constructor(
    private readonly port: MessagePort,
    private readonly now: () => number = Date.now,
  ) {
    port.on('message', (m: ToFeed) => this.onMessage(m));
  }

  /** A worker round begins: the buses may take PUMP_FRAMES and design DESIGN_SLICE again, over all its reads. */
  newRound(): void {
    this.pumpLeft = PUMP_FRAMES;
    this.designLeft = DESIGN_SLICE;
  }

  /** The feed at a program's rate, as that program's input. */
  input(rate: number): InputBus {
    let bus = this.buses.get(rate);
    if (!bus) {
      bus = new PlayerBus(rate, this);
      const c = this.current;
      if (c) bus.startTrack(c.entryId, c.startS + c.fed / c.format.sampleRate, c.format);
      this.buses.set(rate, bus);
    }
    const b = bus;
    return {
      read: (out, frames) => {
        this.pump();
        return b.read(out, frames);
      },
    };
  }

  private onMessage(m: ToFeed): void {
    switch (m.type) {
      case 'init':
        this.status = new Int32Array(m.status);
        break;
      case 'playing':
        this.isPlaying = m.playing;
        break;
      case 'clear':
        this.gen = m.gen;
        this.items = [];
        this.taken = m.posted;
        Atomics.store(this.status, Status.Taken, this.taken | 0);
        for (const b of this.buses.values()) b.clear();
        this.current = null;
        this.isDrained = !m.decoding;
        this.reported = { entryId: undefined, at: 0 };
        break;
      case 'data':
        this.items.push({ ...m, done: 0 });
        break;
      default:
        this.items.push(m);
    }
  }

  /**
   * Moves queued items onto the buses, in order, as far as the buses being read have room and the round's
   * budget goes; a track that needs a new filter waits while it is designed a slice per round. Only mixer
   * reads pump, so the work is spread over the worker's rounds whatever bursts the main thread posts.
   */
  private pump(): void {
    while (this.items.length > 0 && this.pumpLeft > 0) {
      const it = this.items[0];
      if (it.type === 'data') {
        const n = Math.min(CHUNK, this.pumpLeft, it.samples.length / it.channels - it.done);
        const c = this.current;
        if (c && !this.room(n, c.format.sampleRate)) return;
        if (c) {
          for (const b of this.buses.values()) b.feed(it.samples, it.done, n);
          c.fed += n;
        }
        it.done += n;
        this.pumpLeft -= n;
        this.taken = (this.taken + n) >>> 0;
        Atomics.store(this.status, Status.Taken, this.taken | 0);
        if (it.done * it.channels < it.samples.length) continue;
      } else if (it.type === 'track') {
        for (const b of this.buses.values()) {
          if (b.prepare(it.format, this.designLeft)) continue;
          this.designLeft = 0;
          return;
        }
        for (const b of this.buses.values()) b.startTrack(it.entryId, it.startS, it.format);
        this.current = { ...it, fed: 0 };
      } else {
        for (const b of this.buses.values()) b.end();
        this.current = null;
        this.isDrained = true;
      }
      this.items.shift();
    }
  }

  /**
   * Room in every bus a program is reading. With none reading (routing not on the player), nothing is
   * heard, so the feed waits instead of racing through the queue.
   */
  private room(frames: number, rate: number): boolean {
    let active = 0;
    for (const b of this.buses.values()) {
      if (!b.active) continue;
      active++;
      if (!b.spaceFor(frames, rate)) return false;
    }
    return active > 0;
  }

  // BusListener, called from the mixer: cheap, never throws.
  playing(): boolean {
    return this.isPlaying && this.endedGen !== this.gen;
  }

  drained(): boolean {
    return this.isDrained;
  }

  progress(entryId: string | null, positionS: number): void {
    const now = this.now();
    if (entryId === this.reported.entryId && now - this.reported.at < PROGRESS_MS) return;
    this.reported = { entryId, at: now };
    // Past the queue's end nothing more is consumed, whether or not the main thread has heard yet.
    if (entryId === null) this.endedGen = this.gen;
    const m: FromFeed = { type: 'progress', gen: this.gen, entryId, positionS };
    this.port.postMessage(m);
  }
}
