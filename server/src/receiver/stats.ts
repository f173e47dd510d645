/**
 * A stream's arrival statistics, measured against its RTP timestamps and a TAI/PTP clock reading taken
 * when each packet arrived: RFC 3550's inter-arrival jitter (§6.4.1, A.8) and the media-clock offset,
 * how far after (positive) or before its media time a packet arrives. For an AES67 sender the media time
 * of timestamp t is the TAI instant whose sample count since the epoch, plus the SDP's mediaclk offset,
 * is t mod 2^32; that offset is the link offset a receiver would need to play the packet. Pure.
 */

const TWO_32 = 4294967296;
/** Timestamps whose offset from TAI is within this follow the PTP clock; others have an origin of their own. */
export const LOCKED_LIMIT_MS = 1000;
/** Dante's shortest receive latency: a packet later than this after its media time misses it. */
export const DEFAULT_LATE_MS = 2;

/** `x` mod 2^32 as a signed difference in [-2^31, 2^31). */
export function wrap32(x: number): number {
  const m = ((x % TWO_32) + TWO_32) % TWO_32;
  return m >= TWO_32 / 2 ? m - TWO_32 : m;
}

/**
 * How far after its media time (ms, negative: before) a packet with RTP timestamp `ts` arrived at TAI
 * `arrivalTaiMs`. Within ±2^31 samples of now (6 h at 96 kHz), which is where a live stream's packets are.
 */
export function mediaClockOffsetMs(ts: number, arrivalTaiMs: number, sampleRate: number, mediaclkOffset: number): number {
  const nowSamples = (arrivalTaiMs * sampleRate) / 1000 + mediaclkOffset;
  return (-wrap32(ts - nowSamples) * 1000) / sampleRate;
}

/** RFC 3550 A.8 in timestamp units: J += (|D(i-1,i)| - J) / 16 over packets in arrival order. */
export class Jitter {
  /** Current estimate, in timestamp units. */
  value = 0;
  private prevTransit = NaN;

  constructor(readonly sampleRate: number) {}

  /** One packet's arrival (TAI or any steady clock, ms) and RTP timestamp. */
  arrival(arrivalMs: number, ts: number): number {
    const transit = (arrivalMs * this.sampleRate) / 1000 - ts;
    if (!Number.isNaN(this.prevTransit)) this.value += (Math.abs(wrap32(transit - this.prevTransit)) - this.value) / 16;
    this.prevTransit = transit;
    return this.value;
  }

  get ms(): number {
    return (this.value * 1000) / this.sampleRate;
  }
}

export interface ArrivalStats {
  /** Packets measured (every distinct arrival; duplicates are not). */
  measured: number;
  /** Arrived later than the threshold after their media time (see `locked`). */
  late: number;
  lateThresholdMs: number;
  /** RFC 3550 interarrival jitter, ms. */
  jitterMs: number;
  /**
   * Whether the timestamps follow TAI (the first packet's offset within LOCKED_LIMIT_MS): then the offsets
   * are absolute and `late` is against the media time; otherwise (a sender with a timestamp origin of its
   * own: GStreamer, ffmpeg) they are relative to the earliest arrival, and `late` is against that.
   */
  locked: boolean;
  offsetMs: { last: number; min: number; max: number; mean: number } | null;
}

export class ArrivalMeter {
  private readonly jitter: Jitter;
  private measured = 0;
  private late = 0;
  private locked = false;
  private base = 0;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private last = NaN;

  constructor(
    readonly sampleRate: number,
    readonly mediaclkOffset: number,
    readonly lateThresholdMs = DEFAULT_LATE_MS,
  ) {
    this.jitter = new Jitter(sampleRate);
  }

  /** One distinct packet, with the TAI (ms) it arrived at. */
  arrival(ts: number, arrivalTaiMs: number): void {
    this.jitter.arrival(arrivalTaiMs, ts);
    let offset = mediaClockOffsetMs(ts, arrivalTaiMs, this.sampleRate, this.mediaclkOffset);
    if (this.measured === 0) {
      this.locked = Math.abs(offset) <= LOCKED_LIMIT_MS;
      // An unrelated origin: offsets count from the first packet, then from the earliest (load only delays).
      this.base = this.locked ? 0 : offset;
    }
    offset -= this.base;
    this.measured++;
    this.last = offset;
    this.sum += offset;
    if (offset < this.min) this.min = offset;
    if (offset > this.max) this.max = offset;
    if (offset - (this.locked ? 0 : this.min) > this.lateThresholdMs) this.late++;
  }

  snapshot(): ArrivalStats {
    return {
      measured: this.measured,
      late: this.late,
      lateThresholdMs: this.lateThresholdMs,
      jitterMs: this.jitter.ms,
      locked: this.locked,
      offsetMs: this.measured === 0 ? null : { last: this.last, min: this.min, max: this.max, mean: this.sum / this.measured },
    };
  }
}
