import type { RingHandle } from './ring.js';
import type { Encoding } from '../streams/formats.js';
import type { DscpState } from './dscp.js';
import type { PacerThreadInfo } from './thread.js';

/** Per-stream counters in shared memory, written by the pacer, read by anyone. */
export const STAT_FIELDS = 8;
export const Stat = {
  Packets: 0,
  Bytes: 1,
  Late: 2,
  MaxLateUs: 3,
  Underruns: 4,
  LastSeq: 5,
  LastTimestamp: 6,
  SendErrors: 7,
} as const;

/** Pacer-wide counters in shared memory: its garbage-collection pauses, each one a stall of every stream. */
export const PACER_FIELDS = 3;
export const PacerStat = {
  GcPauses: 0,
  GcPauseTotalMs: 1,
  GcPauseMaxMs: 2,
} as const;

/** A packet later than this counts as late (AES67 receivers budget a few packet times). */
export const LATE_THRESHOLD_US = 250;

export interface SourceSpec {
  id: number;
  ring: RingHandle;
  sampleRate: number;
  framesPerPacket: number;
  /** Frames buffered before the first packet goes out (or end of input, whichever comes first). */
  prefillFrames: number;
}

export interface StreamSpec {
  id: number;
  sourceId: number;
  /** Stats slot in the shared counter array. */
  slot: number;
  firstChannel: number;
  channels: number;
  encoding: Encoding;
  payloadType: number;
  ssrc: number;
  initialSeq: number;
  address: string;
  port: number;
  ttl: number;
  interfaceAddress: string;
  loopback: boolean;
  /** 0..63; 0 leaves packets unmarked. */
  dscp: number;
}

export type ToPacer =
  | { type: 'addSource'; source: SourceSpec }
  | { type: 'removeSource'; id: number }
  | { type: 'addStream'; stream: StreamSpec }
  | { type: 'removeStream'; id: number }
  | { type: 'setUtcOffset'; seconds: number }
  /** New marking for the streams that follow the engine's DSCP, and a new send offset for every source. */
  | { type: 'setSending'; dscp: number; dscpStreams: number[]; sendOffsetMs: number }
  /** The interface's address changed: every stream gets a new socket bound to it (seq, ssrc and counters kept). */
  | { type: 'rebind'; seq: number; interfaceAddress: string }
  | { type: 'stop' };

export type FromPacer =
  | { type: 'streamReady'; id: number; dscp: DscpState }
  /** setSending applied: each re-marked stream's marking. */
  | { type: 'sendingSet'; streams: { id: number; dscp: DscpState }[] }
  | { type: 'streamError'; id: number; message: string }
  /** rebind done: the streams now sending from the new address, and those whose new socket failed (they keep the old one). */
  | { type: 'rebound'; seq: number; streams: { id: number; dscp: DscpState }[]; failed: { id: number; message: string }[] }
  | { type: 'sourceStarted'; id: number; firstSample: number }
  | { type: 'sourceEnded'; id: number }
  | ({ type: 'clockStep' } & ClockStep)
  | { type: 'pacerThread'; info: PacerInfo }
  | { type: 'stopped' };

/**
 * Every source's schedule moved: the system clock or the UTC offset stepped (all sources shift by stepMs),
 * or the pacer could not serve one source for over STALL_MS and re-anchored it to now, so its timestamps
 * jump ahead by skippedFrames (a multiple of its packet's frames) and its audio resumes where it stopped.
 */
export type ClockStep =
  | { stepMs: number; cause: 'system' | 'utcOffset' }
  | { stepMs: number; cause: 'stall'; sourceId: number; skippedFrames: number };

export interface PacerInfo extends PacerThreadInfo {
  /** Whether packets leave through the native addon's allocation-free send, or dgram and why. */
  send: { native: boolean; reason: string };
}

export interface PacerInit {
  stats: SharedArrayBuffer;
  /** PACER_FIELDS doubles (PacerStat). */
  pacer: SharedArrayBuffer;
  /** Int32 cell the main thread notifies to wake the pacer for a message. */
  wake: SharedArrayBuffer;
  utcOffsetS: number;
  sendOffsetMs: number;
  spinUs: number;
  /** Nice value the pacer thread asks for (negative needs CAP_SYS_NICE). */
  nice: number;
  /** SCHED_FIFO priority the pacer thread asks for (1-99; needs CAP_SYS_NICE), or 0 for none. */
  realtimePriority: number;
  /** Send and read the clock through the native addon when it loads (else dgram and performance.now). */
  nativeSend: boolean;
}
