import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { openAudioFile } from '../audio/open.js';
import type { AudioSource } from '../audio/types.js';
import { ApiError } from '../api/errors.js';
import type { InputBus } from '../daemon/input.js';
import { PlayerBus, type BusListener } from './bus.js';
import type { Track } from './metadata.js';

export type PlayerState = 'stopped' | 'playing' | 'paused';

export interface PlayerView {
  state: PlayerState;
  queue: Track[];
  current: number | null;
  positionS: number;
  error?: string;
}

interface Entry {
  track: Track;
  /** Real path, checked inside the library when queued. */
  file: string;
}

const MAX_QUEUE = 1000;
/** "Previous" restarts the track when more than this has played, like every player. */
const RESTART_AFTER_S = 3;
const WAIT_MS = 10;

/**
 * Queue and transport. One decoder runs ahead of playback into a bus per program rate; what the mixer
 * reads back decides what is "current", so the state follows what is heard, not what is decoded.
 * Every jump (seek, next, queue edit under playback) starts a new decoder generation.
 */
export class Player extends EventEmitter<{ changed: [PlayerView] }> implements BusListener {
  private queue: Entry[] = [];
  private state: PlayerState = 'stopped';
  private currentId: string | null = null;
  private positionS = 0;
  private error: string | undefined;
  private readonly buses = new Map<number, PlayerBus>();
  private gen = 0;
  private decodingId: string | null = null;
  private decoderDone = true;
  private nextEntryId = 1;
  private tick: NodeJS.Timeout;

  constructor(private readonly log: Logger) {
    super();
    // Position moves continuously; clients get it once a second rather than with every mixer block.
    this.tick = setInterval(() => this.state === 'playing' && this.changed(), 1000);
    this.tick.unref();
  }

  input(rate: number): InputBus {
    let bus = this.buses.get(rate);
    if (!bus) this.buses.set(rate, (bus = new PlayerBus(rate, this)));
    return bus;
  }

  view(): PlayerView {
    const i = this.index(this.currentId);
    return {
      state: this.state,
      queue: this.queue.map((e) => e.track),
      current: i,
      positionS: Math.round(this.positionS * 1000) / 1000,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  private changed(): void {
    this.emit('changed', this.view());
  }

  private index(id: string | null): number | null {
    const i = this.queue.findIndex((e) => e.track.id === id);
    return i < 0 ? null : i;
  }

  private entryAt(id: string): number {
    const i = this.index(id);
    if (i === null) throw new ApiError(404, 'not_found', `no queued track '${id}'`);
    return i;
  }

  add(track: Omit<Track, 'id'>, file: string): Track {
    if (this.queue.length >= MAX_QUEUE) throw new ApiError(409, 'queue_full', `the queue holds at most ${MAX_QUEUE} tracks`);
    const t: Track = { ...track, id: `q${this.nextEntryId++}` };
    this.queue.push({ track: t, file });
    this.changed();
    return t;
  }

  remove(id: string): void {
    const i = this.entryAt(id);
    const playing = this.currentId === id;
    const next = this.queue[i + 1]?.track.id ?? null;
    this.queue.splice(i, 1);
    if (playing) this.jump(next, 0);
    else this.afterEdit();
    this.changed();
  }

  move(id: string, to: number): void {
    const i = this.entryAt(id);
    if (to >= this.queue.length) throw new ApiError(400, 'invalid', `to: must be below ${this.queue.length}`, 'to');
    const [e] = this.queue.splice(i, 1);
    this.queue.splice(to, 0, e);
    this.afterEdit();
    this.changed();
  }

  /** The decoder may already have run into a track that is no longer next: decode again from here. */
  private afterEdit(): void {
    if (this.state !== 'stopped' && this.decodingId !== this.currentId) this.jump(this.currentId, this.positionS);
  }

  play(): void {
    if (this.queue.length === 0) throw new ApiError(409, 'empty_queue', 'the queue is empty');
    this.error = undefined;
    if (this.state === 'paused') this.state = 'playing';
    else if (this.state === 'stopped') {
      this.state = 'playing';
      this.jump(this.currentId ?? this.queue[0].track.id, this.positionS);
    }
    this.changed();
  }

  pause(): void {
    if (this.state === 'playing') this.state = 'paused';
    this.changed();
  }

  next(): void {
    const i = this.requireCurrent();
    this.jump(this.queue[i + 1]?.track.id ?? null, 0);
    this.changed();
  }

  previous(): void {
    const i = this.requireCurrent();
    this.jump(this.positionS > RESTART_AFTER_S ? this.queue[i].track.id : this.queue[Math.max(0, i - 1)].track.id, 0);
    this.changed();
  }

  seek(positionS: number): void {
    const i = this.requireCurrent();
    const d = this.queue[i].track.durationS;
    if (d !== undefined && positionS > d) throw new ApiError(400, 'invalid', `positionS: beyond the track's ${d} s`, 'positionS');
    this.jump(this.queue[i].track.id, positionS);
    this.changed();
  }

  private requireCurrent(): number {
    const i = this.index(this.currentId) ?? (this.queue.length > 0 ? 0 : null);
    if (i === null) throw new ApiError(409, 'empty_queue', 'the queue is empty');
    return i;
  }

  /** Continue from `id` at `positionS` (null: past the end, which stops). */
  private jump(id: string | null, positionS: number): void {
    this.gen++;
    for (const bus of this.buses.values()) bus.clear();
    this.currentId = id;
    this.positionS = positionS;
    if (id === null) {
      this.state = 'stopped';
      this.decoderDone = true;
      return;
    }
    if (this.state !== 'stopped') void this.decode(this.gen, id, positionS);
  }

  // BusListener, called from the mixer: cheap, never throws.
  playing(): boolean {
    return this.state === 'playing';
  }

  drained(): boolean {
    return this.decoderDone;
  }

  progress(entryId: string | null, positionS: number): void {
    if (entryId === null) {
      this.currentId = null;
      this.positionS = 0;
      this.state = 'stopped';
      queueMicrotask(() => this.changed());
      return;
    }
    const moved = entryId !== this.currentId;
    this.currentId = entryId;
    this.positionS = positionS;
    if (moved) queueMicrotask(() => this.changed());
  }

  private async decode(gen: number, firstId: string, startS: number): Promise<void> {
    this.decoderDone = false;
    let id: string | null = firstId;
    let skipS = startS;
    while (id !== null && gen === this.gen) {
      const entry = this.queue[this.index(id) ?? -1];
      if (!entry) break;
      this.decodingId = id;
      await this.decodeOne(gen, entry, skipS);
      skipS = 0;
      const i = this.index(id);
      id = i === null ? null : (this.queue[i + 1]?.track.id ?? null);
    }
    if (gen !== this.gen) return;
    for (const bus of this.buses.values()) bus.end();
    this.decoderDone = true;
  }

  /** One file into the buses; a file that fails is reported and skipped, the stream carries on. */
  private async decodeOne(gen: number, entry: Entry, skipS: number): Promise<void> {
    let src: AudioSource | undefined;
    try {
      src = await openAudioFile(entry.file);
      const fmt = src.format;
      let skip = Math.round(skipS * fmt.sampleRate);
      let started = false;
      for (let block = await src.read(); block && gen === this.gen; block = await src.read()) {
        const off = Math.min(skip, block.frames);
        skip -= off;
        if (off === block.frames) continue;
        if (!started) {
          for (const bus of this.buses.values()) bus.startTrack(entry.track.id, skipS, fmt);
          started = true;
        }
        while (gen === this.gen && !this.hasSpace(block.frames - off, fmt.sampleRate)) await new Promise((r) => setTimeout(r, WAIT_MS));
        if (gen !== this.gen) return;
        for (const bus of this.buses.values()) bus.feed(block.channels, off, block.frames - off);
      }
    } catch (e) {
      if (gen !== this.gen) return;
      this.error = `skipped ${entry.track.path}: ${(e as Error).message.replace(entry.file, entry.track.path)}`;
      this.log.warn({ track: entry.track.path, err: this.error }, 'player skipped a track');
      this.changed();
    } finally {
      await src?.close();
    }
  }

  /**
   * Room in every bus a program is reading. With none reading (routing not on the player), nothing is
   * heard, so the decoder waits instead of racing through the queue.
   */
  private hasSpace(frames: number, rate: number): boolean {
    const active = [...this.buses.values()].filter((b) => b.active);
    return active.length > 0 && active.every((b) => b.spaceFor(frames, rate));
  }

  stop(): void {
    this.gen++;
    clearInterval(this.tick);
  }
}
