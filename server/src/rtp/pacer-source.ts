/** A source as the pacer keeps it: its ring, the streams cut from it, and where it is in media time. */
import { SampleRing } from './ring.js';
import { mediaPosition, type MediaPosition } from './schedule.js';
import type { StreamState } from './pacer-streams.js';
import type { SourceSpec } from './protocol.js';

/**
 * After a short stall (under the pacer's STALL_MS) the overdue packets still go out, but spaced at least
 * this far apart (or a quarter packet time, if shorter), so a receiver never sees more than 2 packets of
 * a 1 ms stream in 250 us; at that spacing a 1 ms stream catches up about 6x faster than real time.
 */
const CATCH_UP_GAP_MS = 0.15;

export interface SourceState {
  spec: SourceSpec;
  ring: SampleRing;
  streams: StreamState[];
  started: boolean;
  pos: MediaPosition;
  dueMono: number;
  /** No tick before this (catch-up spacing after a stall). */
  earliestMono: number;
  catchUpGapMs: number;
  periodMs: number;
}

export function sourceState(spec: SourceSpec, sendOffsetMs: number): SourceState {
  return {
    spec,
    ring: new SampleRing(spec.ring),
    streams: [],
    started: false,
    pos: mediaPosition(spec.sampleRate, sendOffsetMs),
    dueMono: 0,
    earliestMono: 0,
    catchUpGapMs: Math.min(CATCH_UP_GAP_MS, (spec.framesPerPacket * 250) / spec.sampleRate),
    periodMs: (spec.framesPerPacket * 1000) / spec.sampleRate,
  };
}
