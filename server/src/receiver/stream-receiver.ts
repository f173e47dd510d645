/**
 * One received stream, from datagrams to audio in order: parse (rtp-parse.ts), reorder (reorder.ts),
 * measure (stats.ts), and conceal what was lost for the frames the timestamps say are missing, by
 * continuing the waveform from where it last repeated (conceal.ts, JamBerry's pattern-based
 * concealment): much closer to the original than silence. Pure: the I/O edge (receiver.ts) hands in each datagram with the
 * TAI it arrived at.
 */
import type { Encoding } from '../streams/formats.js';
import { ReorderWindow, type ReorderCounts, type Released } from './reorder.js';
import { decodePayload, parseRtpHeader, payloadFrames } from './rtp-parse.js';
import { ArrivalMeter, DEFAULT_LATE_MS, wrap32, type ArrivalStats } from './stats.js';
import { Concealer } from './conceal.js';

export interface ReceiveFormat {
  encoding: Encoding;
  sampleRate: number;
  channels: number;
  payloadType: number;
  /** The SDP's packet time, which sizes the reorder window (a sender may still send other sizes). */
  ptimeMs: number;
  /** a=mediaclk:direct= offset. */
  mediaclkOffset: number;
}

export interface ReceiverOptions {
  /** How long a missing packet is waited for, in the SDP's packet times (default 20 ms worth, at least 4 packets). */
  windowMs?: number;
  lateThresholdMs?: number;
  /** Longest gap that is concealed; a longer one (a sender pausing) is left out (default 1 s). */
  maxConcealMs?: number;
}

export interface ReceiverStats extends ReorderCounts, ArrivalStats {
  /** Datagrams that were not RTP, of another payload type, or not whole frames. */
  rejected: number;
  /** Frames put out, concealed ones included, and how many of them were concealed. */
  frames: number;
  concealedFrames: number;
  ssrc: number | null;
}

/** Audio put out: interleaved frames at the encoding's depth, valid until the callback returns. */
export type AudioSink = (samples: Int32Array, frames: number, concealed: boolean) => void;

interface Held {
  ts: number;
  frames: number;
  samples: Int32Array;
}

export class StreamReceiver {
  private readonly window: ReorderWindow<Held>;
  private readonly meter: ArrivalMeter;
  private readonly maxConcealFrames: number;
  private rejected = 0;
  private frames = 0;
  private concealedFrames = 0;
  private ssrc: number | null = null;
  /** The timestamp the next released packet should carry, NaN before the first. */
  private nextTs = NaN;
  private lostSinceLast = 0;
  private readonly concealer: Concealer;

  constructor(
    readonly format: ReceiveFormat,
    private readonly sink: AudioSink,
    opts: ReceiverOptions = {},
  ) {
    const windowPackets = Math.max(4, Math.ceil((opts.windowMs ?? 20) / format.ptimeMs));
    this.window = new ReorderWindow(windowPackets);
    this.meter = new ArrivalMeter(format.sampleRate, format.mediaclkOffset, opts.lateThresholdMs ?? DEFAULT_LATE_MS);
    this.maxConcealFrames = Math.round(((opts.maxConcealMs ?? 1000) * format.sampleRate) / 1000);
    // 20 ms of history: several periods of any pitch above 100 Hz to continue from.
    this.concealer = new Concealer(format.channels, Math.round(format.sampleRate / 50));
  }

  /** Takes one datagram that arrived at TAI `arrivalTaiMs`; returns false when it was rejected. */
  datagram(d: Uint8Array, arrivalTaiMs: number): boolean {
    const h = parseRtpHeader(d);
    const f = this.format;
    const frames = typeof h === 'string' || h.payloadType !== f.payloadType ? -1 : payloadFrames(h.payloadEnd - h.payloadStart, f.encoding, f.channels);
    if (typeof h === 'string' || frames <= 0) {
      this.rejected++;
      return false;
    }
    this.ssrc = h.ssrc;
    const dupBefore = this.window.counts.duplicated;
    const samples = new Int32Array(frames * f.channels);
    decodePayload(d, h.payloadStart, f.encoding, samples.length, samples, 0);
    const released = this.window.push(h.seq, { ts: h.timestamp, frames, samples });
    if (this.window.counts.duplicated === dupBefore) this.meter.arrival(h.timestamp, arrivalTaiMs);
    this.emit(released);
    return true;
  }

  /** The stream ended: releases what the window holds (gaps before its last packet are lost). */
  finish(): void {
    this.emit(this.window.flush());
  }

  stats(): ReceiverStats {
    return { ...this.window.counts, ...this.meter.snapshot(), rejected: this.rejected, frames: this.frames, concealedFrames: this.concealedFrames, ssrc: this.ssrc };
  }

  private emit(released: Released<Held>[]): void {
    const ch = this.format.channels;
    for (const r of released) {
      if (r.kind === 'lost') {
        this.lostSinceLast++;
        continue;
      }
      const p = r.item;
      const gap = Number.isNaN(this.nextTs) ? 0 : wrap32(p.ts - this.nextTs);
      if (this.lostSinceLast > 0 && this.concealer.frames > 0 && gap > 0 && gap <= this.maxConcealFrames) {
        const fill = new Int32Array(gap * ch);
        this.concealer.fill(fill, gap);
        this.frames += gap;
        this.concealedFrames += gap;
        this.sink(fill, gap, true);
      }
      this.lostSinceLast = 0;
      this.nextTs = (p.ts + p.frames) % 4294967296;
      this.concealer.remember(p.samples, p.frames);
      this.frames += p.frames;
      this.sink(p.samples, p.frames, false);
    }
  }
}
