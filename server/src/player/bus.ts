/**
 * The player's side of the DSP worker: FeedHub takes the ordered feed the main thread posts (see
 * daemon/feed-protocol.ts) and spreads it onto one PlayerBus per program rate, which resamples. Everything
 * here runs in the worker; the main thread only decodes.
 */
import type { MessagePort } from 'node:worker_threads';
import { createResampler, Passthrough, type Resampler } from '../dsp/index.js';
import { BUS_CHANNELS, type InputBus, type InputInfo } from '../daemon/input.js';
import { Status, type FeedFormat, type FromFeed, type ToFeed } from '../daemon/feed-protocol.js';

/** 24-bit-scaled integers to full scale ±1: exact, and the quantiser's x·2^23 gives them back. */
const INT24_TO_FLOAT = 1 / 2 ** 23;
const SILENCE: InputInfo = { sourceBits: 16, resampled: false };
/**
 * What a bus holds. With the feed's queue (daemon/feed-link.ts) the decoder runs about a second ahead of
 * what is heard, as before the mixing moved to the worker: that is what a blocked main thread can stall
 * for without a gap, and how far ahead a failing file is found.
 */
const BUS_S = 0.5;
/** A bus not read for this long belongs to a program the routing no longer feeds from the player. */
const ACTIVE_MS = 300;
/** Source frames moved onto the buses at a time, so a long decoder block never needs a whole bus free. */
const CHUNK = 1024;
/** The main thread hears of the position this often (and at once when the entry changes). */
const PROGRESS_MS = 50;

interface Mark {
  /** Absolute write frame where it starts. */
  at: number;
  /** Queue entry, or null: the end of the queue. */
  entryId: string | null;
  startS: number;
  info: InputInfo;
}

export interface BusListener {
  /** Whether reads consume audio (playing) or return silence (paused, stopped). */
  playing(): boolean;
  /** Nothing more will be fed, so a short final read is not an underrun. */
  drained(): boolean;
  /** Where the listener is after a read: entry and seconds into it, or null past the queue's end. */
  progress(entryId: string | null, positionS: number): void;
}

/**
 * The player's audio at one program's rate: resampled when the file's rate differs (an exact copy when it
 * matches) and spread onto the BUS_CHANNELS-wide input bus. It holds BUS_S; the mixer reads it
 * synchronously and never waits, getting silence instead.
 */
export class PlayerBus implements InputBus {
  private readonly capacity: number;
  private readonly ring: Float64Array;
  private readPos = 0;
  private writePos = 0;
  private marks: Mark[] = [];
  private resampler: Resampler | null = null;
  private inBuf = new Float64Array(0);
  private outBuf = new Float64Array(0);
  private lastRead = 0;

  constructor(
    readonly rate: number,
    private readonly listener: BusListener,
  ) {
    this.capacity = Math.round(rate * BUS_S);
    this.ring = new Float64Array(this.capacity * BUS_CHANNELS);
  }

  get active(): boolean {
    return Date.now() - this.lastRead < ACTIVE_MS;
  }

  /** Whether `frames` source frames at `rate` fit (resampler bound). */
  spaceFor(frames: number, rate: number): boolean {
    const bound = rate === this.rate ? frames : Math.ceil((frames * this.rate) / rate) + 64;
    return this.capacity - (this.writePos - this.readPos) >= bound;
  }

  /** Drops everything not yet heard (seek, skip, queue edits). */
  clear(): void {
    this.readPos = this.writePos;
    this.marks = [];
    this.resampler = null;
  }

  /** The next fed frames start `entryId` at `startS` seconds. Keeps the resampler across same-rate tracks: gapless. */
  startTrack(entryId: string, startS: number, format: FeedFormat): void {
    const r = this.resampler;
    if (!r || r.inRate !== format.sampleRate || r.channels !== format.channels) {
      this.flushResampler();
      this.resampler = createResampler({ inRate: format.sampleRate, outRate: this.rate, channels: format.channels });
    }
    const exact = this.resampler instanceof Passthrough;
    this.marks.push({ at: this.writePos, entryId, startS, info: { sourceBits: exact ? format.bitsPerSample : undefined, resampled: !exact } });
  }

  /** The queue ends here. */
  end(): void {
    this.flushResampler();
    this.marks.push({ at: this.writePos, entryId: null, startS: 0, info: SILENCE });
  }

  /** Frames `offset..offset+frames` of interleaved `samples`, as wide as the current track. */
  feed(samples: Int32Array, offset: number, frames: number): void {
    const r = this.resampler;
    if (!r) return;
    const ch = r.channels;
    if (this.inBuf.length < frames * ch) this.inBuf = new Float64Array(frames * ch);
    for (let k = 0, s = offset * ch, e = frames * ch; k < e; k++) this.inBuf[k] = samples[s + k] * INT24_TO_FLOAT;
    const need = r.maxOutputFrames(frames) * ch;
    if (this.outBuf.length < need) this.outBuf = new Float64Array(need);
    this.put(this.outBuf, r.process(this.inBuf, this.outBuf, frames), ch);
  }

  private flushResampler(): void {
    const r = this.resampler;
    if (!r || r instanceof Passthrough) return;
    const need = r.maxOutputFrames(0) * r.channels;
    if (this.outBuf.length < need) this.outBuf = new Float64Array(need);
    this.put(this.outBuf, r.flush(this.outBuf), r.channels);
  }

  /** Writes interleaved `ch`-channel frames onto the bus; a mono file feeds inputs 0 and 1 (a stereo pair). */
  private put(src: Float64Array, frames: number, ch: number): void {
    const n = Math.min(frames, this.capacity - (this.writePos - this.readPos));
    for (let i = 0; i < n; i++) {
      const o = ((this.writePos + i) % this.capacity) * BUS_CHANNELS;
      this.ring.fill(0, o, o + BUS_CHANNELS);
      for (let c = 0; c < ch; c++) this.ring[o + c] = src[i * ch + c];
      if (ch === 1) this.ring[o + 1] = src[i];
    }
    this.writePos += n;
  }

  read(out: Float64Array, frames: number): InputInfo {
    this.lastRead = Date.now();
    const avail = this.writePos - this.readPos;
    const lis = this.listener;
    // All or nothing unless the queue is drained: a block never mixes audio with underrun silence.
    if (!lis.playing() || avail === 0 || (avail < frames && !lis.drained())) {
      out.fill(0, 0, frames * BUS_CHANNELS);
      if (lis.playing() && avail === 0 && lis.drained()) this.report();
      return SILENCE;
    }
    const n = Math.min(avail, frames);
    for (let i = 0; i < n; i++) {
      const o = ((this.readPos + i) % this.capacity) * BUS_CHANNELS;
      out.set(this.ring.subarray(o, o + BUS_CHANNELS), i * BUS_CHANNELS);
    }
    out.fill(0, n * BUS_CHANNELS, frames * BUS_CHANNELS);
    const info = this.markAt(this.readPos)?.info ?? SILENCE;
    this.readPos += n;
    this.report();
    return info;
  }

  private markAt(pos: number): Mark | undefined {
    while (this.marks.length > 1 && this.marks[1].at <= pos) this.marks.shift();
    const m = this.marks[0];
    return m && m.at <= pos ? m : undefined;
  }

  private report(): void {
    const m = this.markAt(this.readPos);
    if (!m) return;
    this.listener.progress(m.entryId, m.entryId === null ? 0 : m.startS + (this.readPos - m.at) / this.rate);
  }
}

type Item = { type: 'track'; entryId: string; startS: number; format: FeedFormat } | { type: 'data'; samples: Int32Array; channels: number; done: number } | { type: 'end' };

/**
 * One player's feed in the worker: queues what the main thread posts, in order, and moves it onto every
 * rate's bus while the buses being read have room; reports what is heard back to the main thread.
 */
export class FeedHub implements BusListener {
  private readonly buses = new Map<number, PlayerBus>();
  private items: Item[] = [];
  private status: Int32Array<ArrayBufferLike> = new Int32Array(1);
  private taken = 0;
  private gen = 0;
  private isPlaying = false;
  private isDrained = true;
  /** The track being fed and how many of its frames are on the buses, so a bus made mid-track joins in. */
  private current: { entryId: string; startS: number; format: FeedFormat; fed: number } | null = null;
  private reported: { entryId: string | null | undefined; at: number } = { entryId: undefined, at: 0 };

  constructor(private readonly port: MessagePort) {
    port.on('message', (m: ToFeed) => this.onMessage(m));
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

  close(): void {
    this.port.close();
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
        this.pump();
        break;
      default:
        this.items.push(m);
        this.pump();
    }
  }

  /** Moves queued items onto the buses, in order, as far as the buses being read have room. */
  private pump(): void {
    while (this.items.length > 0) {
      const it = this.items[0];
      if (it.type === 'data') {
        const n = Math.min(CHUNK, it.samples.length / it.channels - it.done);
        const c = this.current;
        if (c && !this.room(n, c.format.sampleRate)) return;
        if (c) {
          for (const b of this.buses.values()) b.feed(it.samples, it.done, n);
          c.fed += n;
        }
        it.done += n;
        this.taken = (this.taken + n) >>> 0;
        Atomics.store(this.status, Status.Taken, this.taken | 0);
        if (it.done * it.channels < it.samples.length) continue;
      } else if (it.type === 'track') {
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
    return this.isPlaying;
  }

  drained(): boolean {
    return this.isDrained;
  }

  progress(entryId: string | null, positionS: number): void {
    const now = Date.now();
    if (entryId === this.reported.entryId && now - this.reported.at < PROGRESS_MS) return;
    this.reported = { entryId, at: now };
    // Past the queue's end nothing more is consumed, whether or not the main thread has heard yet.
    if (entryId === null) this.isPlaying = false;
    const m: FromFeed = { type: 'progress', gen: this.gen, entryId, positionS };
    this.port.postMessage(m);
  }
}
