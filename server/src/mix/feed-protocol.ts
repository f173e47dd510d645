/**
 * The player's feed into the DSP worker. The main thread decodes files and posts source-rate blocks, track
 * starts, the queue's end and clears over a MessagePort of their own, as one ordered stream: a mark can
 * never overtake the audio it belongs to, and a clear drops exactly what was posted before it. The worker
 * (feed-hub.ts) resamples per program rate and reports back what is heard. Back-pressure: the
 * worker publishes in shared memory how many posted frames its buses have taken; the decoder waits while
 * too many are still queued.
 */
import type { MessagePort } from 'node:worker_threads';

export interface FeedFormat {
  sampleRate: number;
  /** At most BUS_CHANNELS: the sender drops the rest. */
  channels: number;
  bitsPerSample: number;
}

export type ToFeed =
  /** First message on a port: the shared status cells (Int32, see Status). */
  | { type: 'init'; status: SharedArrayBuffer }
  | { type: 'playing'; playing: boolean }
  /** Drops everything not yet heard. `posted`: frames sent so far (mod 2^32); `decoding`: whether audio follows. */
  | { type: 'clear'; gen: number; posted: number; decoding: boolean }
  | { type: 'track'; entryId: string; startS: number; format: FeedFormat }
  /** Interleaved 24-bit-scaled frames of the current track, `channels` wide. */
  | { type: 'data'; samples: Int32Array; channels: number }
  /** The queue ends here. */
  | { type: 'end' };

/** What is heard: the entry (null past the queue's end) and seconds into it, for decoder generation `gen`. */
export interface FromFeed {
  type: 'progress';
  gen: number;
  entryId: string | null;
  positionS: number;
}

/** Int32 cells of the status buffer. */
export const Status = {
  /** Frames (mod 2^32) the worker has taken into its buses or dropped on a clear. */
  Taken: 0,
} as const;
export const STATUS_CELLS = 1;

/**
 * A main-thread producer that feeds a worker-hosted input through a port of its own. The DSP host calls
 * connect() once per worker: a restarted worker gets a fresh port, and the source starts over from what
 * was last heard.
 */
export interface FeedSource {
  connect(): MessagePort;
}
