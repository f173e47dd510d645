import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { AudioError, type AudioSource } from '../audio/types.js';
import { DomainError } from '../errors.js';
import { FeedLink } from '../mix/feed-link.js';
import type { FeedSource, FromFeed } from '../mix/feed-protocol.js';
import type { PlayerState, PlayerView, Track } from './view.js';

/**
 * What a queued track plays: a library file opens its file (checked inside the library when queued);
 * `aes67 play` queues files, test signals and raw PCM the same way. Opened again on every jump to it.
 */
export type OpenTrack = () => Promise<AudioSource>;

interface Entry {
  track: Track;
  open: OpenTrack;
  /** The file it plays, when it is one: its cover stays this file's after the library folder changes. */
  file?: string;
}

const MAX_QUEUE = 1000;
/** "Previous" restarts the track when more than this has played, like every player. */
const RESTART_AFTER_S = 3;
const WAIT_MS = 10;

/**
 * Queue and transport. One decoder runs ahead of playback and posts source-rate audio to the DSP worker,
 * which resamples it for every program rate (mix/player-bus.ts); what the mixer there reads back decides what
 * is "current", so the state follows what is heard, not what is decoded. Every jump (seek, next, queue
 * edit under playback) starts a new decoder generation; reports of an older one are ignored.
 */
export class Player extends EventEmitter<{ changed: [PlayerView]; skipped: [path: string, reason: string] }> implements FeedSource {
  private queue: Entry[] = [];
  private state: PlayerState = 'stopped';
  private currentId: string | null = null;
  private positionS = 0;
  private error: string | undefined;
  /** The feed into the current DSP worker; null until a program reads the player. */
  private link: FeedLink | null = null;
  private gen = 0;
  private decodingId: string | null = null;
  private nextEntryId = 1;
  private tick: NodeJS.Timeout;

  constructor() {
    super();
    // Position moves continuously; clients get it once a second rather than with every mixer block.
    this.tick = setInterval(() => this.state === 'playing' && this.changed(), 1000);
    this.tick.unref();
  }

  /** The player as a program's input. One feed serves every rate: the worker resamples per program. */
  input(_rate: number): FeedSource {
    return this;
  }

  /** A new DSP worker's port. Whatever the previous one held is gone: decode again from what was heard. */
  connect(): MessagePort {
    this.link?.close();
    const { port1, port2 } = new MessageChannel();
    this.link = new FeedLink(port1, (m) => this.onFeed(m));
    this.link.playing(this.state === 'playing');
    if (this.state !== 'stopped') this.jump(this.currentId, this.positionS);
    return port2;
  }

  private setState(state: PlayerState): void {
    this.state = state;
    this.link?.playing(state === 'playing');
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
    if (i === null) throw new DomainError('not_found', 'not_found', `no queued track '${id}'`);
    return i;
  }

  add(track: Omit<Track, 'id'>, open: OpenTrack, file?: string): Track {
    if (this.queue.length >= MAX_QUEUE) throw new DomainError('conflict', 'queue_full', `the queue holds at most ${MAX_QUEUE} tracks`);
    const t: Track = { ...track, id: `q${this.nextEntryId++}` };
    this.queue.push({ track: t, open, ...(file !== undefined ? { file } : {}) });
    this.changed();
    return t;
  }

  /** The file a queued track plays (undefined: no such track, or it plays no file). */
  fileOf(id: string): string | undefined {
    return this.queue[this.index(id) ?? -1]?.file;
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
    if (to >= this.queue.length) throw new DomainError('invalid', 'invalid', `to: must be below ${this.queue.length}`, 'to');
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
    if (this.queue.length === 0) throw new DomainError('conflict', 'empty_queue', 'the queue is empty');
    this.error = undefined;
    if (this.state === 'paused') this.setState('playing');
    else if (this.state === 'stopped') {
      this.setState('playing');
      this.jump(this.currentId ?? this.queue[0].track.id, this.positionS);
    }
    this.changed();
  }

  pause(): void {
    if (this.state === 'playing') this.setState('paused');
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
    if (d !== undefined && positionS > d) throw new DomainError('invalid', 'invalid', `positionS: beyond the track's ${d} s`, 'positionS');
    this.jump(this.queue[i].track.id, positionS);
    this.changed();
  }

  private requireCurrent(): number {
    const i = this.index(this.currentId) ?? (this.queue.length > 0 ? 0 : null);
    if (i === null) throw new DomainError('conflict', 'empty_queue', 'the queue is empty');
    return i;
  }

  /** Continue from `id` at `positionS` (null: past the end, which stops). */
  private jump(id: string | null, positionS: number): void {
    this.gen++;
    const decoding = id !== null && this.state !== 'stopped';
    this.link?.clear(this.gen, decoding);
    this.currentId = id;
    this.positionS = positionS;
    if (id === null) this.setState('stopped');
    if (decoding) void this.decode(this.gen, id, positionS);
  }

  /** What the worker's mixer heard. Only while playing, as when the mixer asked the player synchronously. */
  private onFeed(m: FromFeed): void {
    if (m.gen !== this.gen || this.state !== 'playing') return;
    if (m.entryId === null) {
      this.currentId = null;
      this.positionS = 0;
      this.setState('stopped');
      this.changed();
      return;
    }
    const moved = m.entryId !== this.currentId;
    this.currentId = m.entryId;
    this.positionS = m.positionS;
    if (moved) this.changed();
  }

  private async decode(gen: number, firstId: string, startS: number): Promise<void> {
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
    if (gen === this.gen) this.link?.end();
  }

  /** One file into the feed; a file that fails is reported and skipped, the stream carries on. */
  private async decodeOne(gen: number, entry: Entry, skipS: number): Promise<void> {
    let src: AudioSource | undefined;
    try {
      src = await entry.open();
      const fmt = src.format;
      let skip = Math.round(skipS * fmt.sampleRate);
      let started = false;
      for (let block = await src.read(); block && gen === this.gen; block = await src.read()) {
        const off = Math.min(skip, block.frames);
        skip -= off;
        if (off === block.frames) continue;
        if (!started) {
          this.link?.track(entry.track.id, skipS, fmt);
          started = true;
        }
        while (gen === this.gen && !(this.link?.room(block.frames - off) ?? false)) await new Promise((r) => setTimeout(r, WAIT_MS));
        if (gen !== this.gen) return;
        this.link?.data(block.channels, off, block.frames - off);
      }
    } catch (e) {
      if (gen !== this.gen) return;
      // An AudioError's message starts with the file's path; the track's path already says which file.
      const reason = e instanceof AudioError ? e.reason : (e as Error).message;
      this.error = `skipped ${entry.track.path}: ${reason}`;
      this.emit('skipped', entry.track.path, reason);
      this.changed();
    } finally {
      await src?.close();
    }
  }

  stop(): void {
    this.gen++;
    clearInterval(this.tick);
    this.link?.close();
  }
}
