/**
 * Scheduling math for the pacer, kept pure. Media time is counted in samples since the TAI epoch
 * (below 2^53 for millennia at 192 kHz, so doubles are exact); the RTP timestamp is that count mod 2^32.
 */
const TWO_32 = 4294967296;

/**
 * Where a source is in media time: its next packet's first sample, and that packet's RTP timestamp and
 * due time. The pacer settles it once a tick, and settle() passes and returns no double: a double passed
 * to or returned from a call V8 does not inline is boxed into a fresh heap number, and whether V8
 * inlines a call varies. With inlining off (`--no-turbo-inlining`, which bench/pacer-gc/run.mjs runs
 * under) the pacer's calls with doubles made about 100 B of garbage a tick. The fields are doubles
 * stored in place.
 */
export interface MediaPosition {
  readonly sampleRate: number;
  /** Set in place when the offset changes live (the pacer's setSending); settle() then applies it. */
  sendOffsetMs: number;
  /** The next packet's first sample, counted from the TAI epoch. */
  mediaSample: number;
  /** Its RTP timestamp: mediaSample mod 2^32. */
  timestamp: number;
  /** When it is due on the wire: its media time in TAI ms plus sendOffsetMs (may be negative). */
  dueTaiMs: number;
}

/** A position before its first anchoring (NaN: the fields are doubles from the start). */
export function mediaPosition(sampleRate: number, sendOffsetMs: number): MediaPosition {
  return { sampleRate, sendOffsetMs, mediaSample: NaN, timestamp: NaN, dueTaiMs: NaN };
}

/** Derives the timestamp and due time from mediaSample. */
export function settle(p: MediaPosition): void {
  p.timestamp = p.mediaSample % TWO_32;
  p.dueTaiMs = (p.mediaSample * 1000) / p.sampleRate + p.sendOffsetMs;
}

/** First packet boundary at or after `taiMs`: packets sit on a grid of `framesPerPacket` samples. */
export function alignedSampleAt(taiMs: number, sampleRate: number, framesPerPacket: number): number {
  return Math.ceil((taiMs * sampleRate) / 1000 / framesPerPacket) * framesPerPacket;
}

/** TAI ms at which a packet whose first sample is `mediaSample` is due on the wire. */
export function dueTaiMs(mediaSample: number, sampleRate: number, sendOffsetMs: number): number {
  return (mediaSample * 1000) / sampleRate + sendOffsetMs;
}
