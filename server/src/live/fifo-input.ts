import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import { BUS_CHANNELS, type InputBus, type InputInfo } from '../audio/input.js';
import { PcmDecoder, RAW_FORMATS } from '../audio/raw-pcm.js';
import { SkewBuffer, type SkewStats } from './skew-buffer.js';

/** Plain, serialisable options: the DSP worker builds the input from these (validate with the schema). */
export const fifoInputOptionsSchema = z.object({
  /** Named pipe a live producer writes raw PCM into (MPD's fifo output, arecord > fifo). */
  path: z.string().min(1),
  format: z.enum(RAW_FORMATS),
  /** Declared rate of the PCM in the FIFO. */
  rate: z.number().int().min(8000).max(384000),
  /** Channels in the FIFO; they land on bus inputs firstInput.. onwards. */
  channels: z.number().int().min(1).max(BUS_CHANNELS),
  /** The program's rate: what read() is asked for, on the media clock. */
  programRate: z.number().int().min(8000).max(384000),
  /** Input buffer level to hold, ms (default 200). */
  targetMs: z.number().min(20).max(5000).optional(),
  /** First bus input the FIFO's channel 0 lands on (default 0). */
  firstInput: z.number().int().min(0).max(BUS_CHANNELS - 1).optional(),
  /** What the producer closing the FIFO means (default wait; see FifoSource in config/source.ts). */
  onEof: z.enum(['wait', 'end']).optional(),
});

export type FifoInputOptions = z.infer<typeof fifoInputOptionsSchema>;

export interface FifoInputStats extends SkewStats {
  /** Whether the FIFO is open. */
  open: boolean;
  /** Why it is not (missing, not a FIFO, read error), or null. */
  problem: string | null;
}

/** A pipe holds 64 KiB by default: one read of this size empties it. */
const READ_BYTES = 65536;
const REOPEN_MS = 1000;

/**
 * A live producer's FIFO on the daemon's input bus, skew-compensated (SkewBuffer). read() never
 * blocks: the FIFO is opened and read non-blocking, and drained on every call, so the producer is
 * never held up. A missing FIFO, or one nobody writes, reads as silence and is retried every second;
 * the producer may come and go (an absent producer shows as an underrun, then the buffer re-primes).
 */
export class FifoInput implements InputBus {
  private readonly buffer: SkewBuffer;
  private readonly decoder: PcmDecoder;
  private readonly bytes = Buffer.alloc(READ_BYTES);
  private readonly ints: Int32Array;
  private pulled = new Float64Array(0);
  private readonly channels: number;
  private readonly first: number;
  private fd: number | null = null;
  private nextOpen = 0;
  private problem: string | null = null;
  /** Whether a producer has written since the FIFO was opened: only then is an empty read its end. */
  private heard = false;
  private eof = false;
  /** What read() returns, filled in place (the mixer must not allocate). */
  private readonly info: InputInfo = { sourceBits: undefined, resampled: true, carried: 0, ended: false };

  constructor(private readonly opts: FifoInputOptions) {
    const { channels } = opts;
    this.first = opts.firstInput ?? 0;
    if (!Number.isInteger(channels) || channels < 1 || this.first < 0 || this.first + channels > BUS_CHANNELS) {
      throw new RangeError(`a FIFO input's ${channels} channels from input ${this.first} do not fit the ${BUS_CHANNELS}-input bus`);
    }
    this.channels = channels;
    this.decoder = new PcmDecoder(opts.format, channels);
    this.ints = new Int32Array(this.decoder.maxFrames(READ_BYTES) * channels + channels);
    this.buffer = new SkewBuffer({
      inRate: opts.rate,
      outRate: opts.programRate,
      channels,
      targetFrames: Math.round((opts.rate * (opts.targetMs ?? 200)) / 1000),
    });
    this.tryOpen();
  }

  stats(): FifoInputStats {
    return { ...this.buffer.stats(), open: this.fd !== null, problem: this.problem };
  }

  read(out: Float64Array, frames: number): InputInfo {
    if (this.fd === null && !this.eof && Date.now() >= this.nextOpen) this.tryOpen();
    if (this.fd !== null) this.drain(this.fd);
    const ch = this.channels;
    if (this.pulled.length < frames * ch) this.pulled = new Float64Array(frames * ch);
    const n = this.buffer.pull(this.pulled, frames);
    out.fill(0, 0, frames * BUS_CHANNELS);
    for (let i = 0; i < frames; i++) {
      const o = i * BUS_CHANNELS + this.first;
      for (let c = 0; c < ch; c++) out[o + c] = this.pulled[i * ch + c];
    }
    // Priming silence counts as carried: a live input's streams run from the start, as the daemon's do.
    // Started with the first audio instead, the mixer would take its whole lead out of the buffer at once.
    this.info.carried = n;
    this.info.ended = this.buffer.finished;
    return this.info;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private tryOpen(): void {
    this.nextOpen = Date.now() + REOPEN_MS;
    let fd: number;
    try {
      // Non-blocking: opening a FIFO's read end would otherwise wait for a writer.
      fd = openSync(this.opts.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.problem = code === 'ENOENT' ? `${this.opts.path}: no such FIFO (yet)` : `${this.opts.path}: ${(e as Error).message}`;
      return;
    }
    if (!fstatSync(fd).isFIFO()) {
      closeSync(fd);
      this.problem = `${this.opts.path} is not a FIFO (create one with mkfifo, or let MPD's fifo output create it)`;
      return;
    }
    this.fd = fd;
    this.problem = null;
  }

  /** The producer has gone for good: what is buffered still plays, then silence. */
  private endInput(): void {
    this.eof = true;
    this.close();
    this.buffer.end();
  }

  /** Reads everything the producer has written so far. */
  private drain(fd: number): void {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, this.bytes, 0, READ_BYTES, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return;
        this.problem = `${this.opts.path}: ${(e as Error).message}`;
        this.close();
        return;
      }
      // 0: no writer at the moment. Without onEof 'end' the producer may come back; nothing more to read now.
      if (n === 0) {
        if (this.heard && this.opts.onEof === 'end') this.endInput();
        return;
      }
      this.heard = true;
      const frames = this.decoder.decode(this.bytes, this.ints, n);
      this.buffer.writeInt24(this.ints, frames);
      if (n < READ_BYTES) return;
    }
  }
}
