/** The player's audio at one program rate, in the DSP worker (feed-hub.ts feeds it). */
import { createResampler, Passthrough, prepareResampler, type Resampler } from '../dsp/index.js';
import { BUS_CHANNELS, type InputBus, type InputInfo } from '../audio/input.js';
import type { FeedFormat } from './feed-protocol.js';
import { INT24_TO_FLOAT } from '../audio/types.js';

const SILENCE: InputInfo = { sourceBits: 16, resampled: false };
/**
 * What a bus holds. With the feed's queue (feed-link.ts) the decoder runs about a second ahead of
 * what is heard, as before the mixing moved to the worker: that is what a blocked main thread can stall
 * for without a gap, and how far ahead a failing file is found.
 */
const BUS_S = 0.5;
/** A bus not read for this long belongs to a program the routing no longer feeds from the player. */
const ACTIVE_MS = 300;
/**
 * Audio the bus waits for before it plays after a clear (play, seek, skip, a restarted worker) or an
 * underrun. Read out block by block as the decoder's first blocks arrived, the audio would stutter as soon
 * as one came late, as it does on a loaded host right after the decoder (re)starts. Until the decoder is a
 * second ahead this is all that covers a main thread held off the CPU, and a virtual machine's host can
 * hold one of its CPUs for over 100 ms: with 0.1 s, a clean-clone run heard two dropouts (90 and 25 ms)
 * in the first half second of a track. The decoder runs many times faster than real time, so the extra
 * 0.2 s delays the start by a small part of that.
 */
const PRIME_S = 0.3;

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
  private readonly prime: number;
  /** Waiting for PRIME_S (or the queue's end) before playing. */
  private priming = true;
  /** What read() returns, filled in place: the mixer reads every few milliseconds and must not allocate. */
  private readonly info: InputInfo = { ...SILENCE, carried: 0, ended: false };

  constructor(
    readonly rate: number,
    private readonly listener: BusListener,
  ) {
    this.capacity = Math.round(rate * BUS_S);
    this.prime = Math.round(rate * PRIME_S);
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
    this.priming = true;
  }

  /**
   * Designs up to `budget` filter samples towards the resampler startTrack(format) needs; true once
   * startTrack costs no design (the same rates as now, or the table is built).
   */
  prepare(format: FeedFormat, budget: number): boolean {
    return this.keepsResampler(format) || prepareResampler({ inRate: format.sampleRate, outRate: this.rate }, budget);
  }

  /** Whether a track in `format` plays through the current resampler (same rate and channels). */
  private keepsResampler(format: FeedFormat): boolean {
    const r = this.resampler;
    return r !== null && r.inRate === format.sampleRate && r.channels === format.channels;
  }

  /** The next fed frames start `entryId` at `startS` seconds. Keeps the resampler across same-rate tracks: gapless. */
  startTrack(entryId: string, startS: number, format: FeedFormat): void {
    if (!this.keepsResampler(format)) {
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
    if (avail === 0 && !lis.drained()) this.priming = true;
    else if (avail >= this.prime || lis.drained()) this.priming = false;
    // All or nothing unless the queue is drained: a block never mixes audio with underrun silence.
    if (!lis.playing() || this.priming || avail === 0 || (avail < frames && !lis.drained())) {
      out.fill(0, 0, frames * BUS_CHANNELS);
      const over = lis.playing() && avail === 0 && lis.drained();
      if (over) this.report();
      return this.answer(SILENCE, 0, over && this.atEnd());
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
    return this.answer(info, n, lis.drained() && n === avail && this.atEnd());
  }

  /** Whether the read position has reached the end of the queue (its mark, put there by end()). */
  private atEnd(): boolean {
    return this.markAt(this.readPos)?.entryId === null;
  }

  private answer(from: InputInfo, carried: number, ended: boolean): InputInfo {
    const a = this.info;
    a.sourceBits = from.sourceBits;
    a.resampled = from.resampled;
    a.carried = carried;
    a.ended = ended;
    return a;
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
