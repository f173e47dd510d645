import type { MessagePort } from 'node:worker_threads';
import { BUS_CHANNELS } from '../audio/input.js';
import { STATUS_CELLS, Status, type FeedFormat, type FromFeed, type ToFeed } from './feed-protocol.js';

/** Source audio the decoder may post ahead of what the worker's buses have taken (see BUS_S in player-bus.ts). */
const QUEUE_S = 0.5;

/** The main thread's end of a feed (see feed-protocol.ts): posts in order, counts what is still queued. */
export class FeedLink {
  private readonly status = new Int32Array(new SharedArrayBuffer(STATUS_CELLS * Int32Array.BYTES_PER_ELEMENT));
  private posted = 0;
  private rate = 48000;
  private channels = 2;

  constructor(
    private readonly port: MessagePort,
    onMessage: (m: FromFeed) => void,
  ) {
    port.on('message', onMessage);
    // The daemon's lifetime is the API server's; an open feed must not hold the process up.
    port.unref();
    this.post({ type: 'init', status: this.status.buffer as SharedArrayBuffer });
  }

  private post(m: ToFeed, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(m, transfer);
  }

  /** Whether `frames` more source frames may be posted now. */
  room(frames: number): boolean {
    const queued = (this.posted - Atomics.load(this.status, Status.Taken)) >>> 0;
    return queued === 0 || queued + frames <= QUEUE_S * this.rate;
  }

  playing(playing: boolean): void {
    this.post({ type: 'playing', playing });
  }

  clear(gen: number, decoding: boolean): void {
    this.post({ type: 'clear', gen, posted: this.posted, decoding });
  }

  track(entryId: string, startS: number, format: FeedFormat): void {
    this.rate = format.sampleRate;
    this.channels = Math.min(format.channels, BUS_CHANNELS);
    this.post({ type: 'track', entryId, startS, format: { ...format, channels: this.channels } });
  }

  /** Posts frames `offset..offset+frames` of a decoder block (copied: the decoder reuses its planes). */
  data(planes: Int32Array[], offset: number, frames: number): void {
    const ch = this.channels;
    const samples = new Int32Array(frames * ch);
    for (let c = 0; c < ch; c++) {
      const p = planes[c];
      for (let i = 0; i < frames; i++) samples[i * ch + c] = p[offset + i];
    }
    this.post({ type: 'data', samples, channels: ch }, [samples.buffer]);
    this.posted = (this.posted + frames) >>> 0;
  }

  end(): void {
    this.post({ type: 'end' });
  }

  close(): void {
    this.port.close();
  }
}
