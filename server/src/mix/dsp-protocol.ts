/** Messages between the DSP host (main thread) and the DSP worker, and the shared meter board. */
import type { MessagePort } from 'node:worker_threads';
import type { RingHandle } from '../rtp/ring.js';
import type { StripSettings } from './channel-strip.js';
import type { InputSpec } from './inputs.js';
import type { LiveInputStats } from '../audio/input.js';


export interface ProgramSpec {
  /** The engine source id. */
  id: number;
  ring: RingHandle;
  sampleRate: number;
  /** A MeterBoard's buffer. */
  meters: SharedArrayBuffer;
  /** The ring starts with the input's first audio and finishes after its last (see Mixer.fill). */
  gated: boolean;
}

export type ToDsp =
  | { type: 'addProgram'; program: ProgramSpec }
  | { type: 'removeProgram'; id: number }
  | { type: 'setStrip'; id: number; channel: number; settings: StripSettings }
  /** The channel no longer belongs to a stream: no strip, digital silence. */
  | { type: 'freeChannel'; id: number; channel: number }
  /** gains[out][in] over PROGRAM_CHANNELS x BUS_CHANNELS; null (or no input) mixes silence. */
  | { type: 'setRouting'; id: number; gains: number[][] | null; input: InputSpec | null }
  | { type: 'identify'; id: number; channel: number; seconds: number }
  | { type: 'muteAll'; mute: boolean }
  | { type: 'attachFeed'; feed: number; port: MessagePort };

export type FromDsp =
  /** An input that threw is dropped (its program mixes silence) and reported. */
  | { type: 'inputFailed'; id: number; message: string }
  /** A live input's state, every STATS_MS while the program has one. */
  | { type: 'inputStats'; id: number; input: InputSpec; stats: LiveInputStats }
  /** The worker's scheduling, once at its start: its SCHED_FIFO priority read back and why not the one asked for. */
  | { type: 'thread'; realtime: { priority: number | null; reason: string }; nice: number | null };

/** What the worker is started with (its workerData). */
export interface DspInit {
  /** SCHED_FIFO priority for the worker (1-99), or 0 to stay an ordinary thread at nice -5. */
  realtimePriority: number;
}

/**
 * The DSP worker's SCHED_FIFO priority for a pacer at `pacerPriority`: ten below it, so the pacer still
 * preempts it, and above every ordinary thread. Ordinary scheduling did not hold: with autogroup (Debian's
 * default) nice values only rank threads within one session, and a busy loop elsewhere kept the worker
 * runnable but off the CPU for up to 104 ms while it needed 0.3 ms, past its 100 ms lead (underruns).
 * A pacer without real-time priority (0) leaves the worker without it too.
 */
export function dspRealtimePriority(pacerPriority: number): number {
  return pacerPriority === 0 ? 0 : Math.max(1, pacerPriority - 10);
}

/** How often the worker reports live inputs (the daemon's stats period). */
export const STATS_MS = 250;

export interface MeterValue {
  peakDb: number;
  rmsDb: number;
  /** Samples clamped by the quantiser since the strip was made. */
  clips: number;
}

const REQUESTED = 0;
const SERVED = 1;
const FIELDS = 3;

/**
 * A program's meters in shared memory. The main thread requests a reading; the worker, on its next round,
 * reads every strip's meter (which starts its next window) into the bank the request number selects and
 * marks it served. Two banks, so the main thread reads a complete reading while the next one is written.
 */
export class MeterBoard {
  readonly buffer: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly values: Float64Array;

  constructor(
    readonly channels: number,
    buffer?: SharedArrayBuffer,
  ) {
    this.buffer = buffer ?? new SharedArrayBuffer(8 + 2 * channels * FIELDS * Float64Array.BYTES_PER_ELEMENT);
    this.ctl = new Int32Array(this.buffer, 0, 2);
    this.values = new Float64Array(this.buffer, 8, 2 * channels * FIELDS);
    if (!buffer) for (let i = 0; i < this.values.length; i += FIELDS) this.values.set([-Infinity, -Infinity, 0], i);
  }

  private offset(bank: number, channel: number): number {
    return ((bank & 1) * this.channels + channel) * FIELDS;
  }

  /** Main thread: the reading last served (levels since the request before it). */
  read(channel: number): MeterValue {
    const o = this.offset(Atomics.load(this.ctl, SERVED), channel);
    return { peakDb: this.values[o], rmsDb: this.values[o + 1], clips: this.values[o + 2] };
  }

  /** Main thread: asks for a new reading. */
  request(): void {
    Atomics.add(this.ctl, REQUESTED, 1);
  }

  /** Worker: the request to serve, or null when there is none. */
  pending(): number | null {
    const r = Atomics.load(this.ctl, REQUESTED);
    return r === Atomics.load(this.ctl, SERVED) ? null : r;
  }

  /** Worker: writes one channel of the reading for `request`. */
  write(request: number, channel: number, peakDb: number, rmsDb: number, clips: number): void {
    const o = this.offset(request, channel);
    this.values[o] = peakDb;
    this.values[o + 1] = rmsDb;
    this.values[o + 2] = clips;
  }

  serve(request: number): void {
    Atomics.store(this.ctl, SERVED, request);
  }
}
