/** The RTP engine's options and what it hands back (engine.ts): the engine's public types. */
import type { SampleRing } from './ring.js';
import type { Encoding } from '../streams/formats.js';
import type { DscpState } from './dscp.js';

export interface EngineOptions {
  utcOffsetS?: number;
  /** Send each packet this long after its first sample's media time (may be negative). */
  sendOffsetMs?: number;
  /**
   * The most the pacer busy-waits before a deadline (default 250). It wakes early by the measured
   * 95th percentile of its wake-up latency, within this cap and a quarter of the packet time.
   */
  spinUs?: number;
  /**
   * Nice value for the pacer thread alone (default -10), so other threads and processes on a busy
   * host delay it less. Below 0 needs CAP_SYS_NICE (or RLIMIT_NICE); without it the pacer keeps the
   * process's priority, which `pacerThread()` reports.
   */
  pacerNice?: number;
  /**
   * SCHED_FIFO priority for the pacer thread alone (1-99, default 40: below the kernel's threaded
   * interrupt handlers at 50, which must still deliver the packets), or 0 for none. An ordinary thread,
   * even at nice -10, waits for a busy kernel thread to reach a preemption point before it runs; on the
   * bench VM that cost up to 4 ms every 512 ms (docs/performance.md). Needs CAP_SYS_NICE or
   * RLIMIT_RTPRIO; without it the engine warns once and the pacer runs at `pacerNice`.
   */
  pacerRealtimePriority?: number;
  maxStreams?: number;
  /**
   * Send through the native addon's allocation-free send(2) (default true). false sends through Node's
   * dgram, which allocates per packet, so the pacer pauses for garbage collection (docs/rtp-engine.md).
   */
  nativeSend?: boolean;
  /** DSCP for streams that do not set their own (AES67 media: 34, AF41); 0 sends unmarked. */
  dscp?: number;
}

export interface SourceOptions {
  channels: number;
  sampleRate: number;
  ptimeUs: number;
  /** Ring capacity; also the most audio the producer can run ahead. */
  bufferMs?: number;
  prefillMs?: number;
}

export interface StreamOptions {
  sourceId: number;
  firstChannel: number;
  channels: number;
  encoding: Encoding;
  payloadType: number;
  address: string;
  port: number;
  ttl: number;
  /** The multicast interface's IPv4 address; or give `interface` instead. */
  interfaceAddress?: string;
  /** The multicast interface by name (eth0) or IPv4 address; resolved when the stream is added. */
  interface?: string;
  /** Multicast loopback: whether this host's own sockets also receive the stream. */
  loopback: boolean;
  dscp?: number;
}

export interface StreamCounters {
  packets: number;
  bytes: number;
  latePackets: number;
  maxLatenessUs: number;
  underruns: number;
  /** Packets the kernel refused (socket queue full, unreachable); each cause is also a 'streamError'. */
  sendErrors: number;
  lastSeq: number;
  lastTimestamp: number;
  /** Whether the packets carry the requested DSCP, and why not. */
  dscp: DscpState;
}

/** Garbage-collection pauses of the pacer thread since the engine started; each delays every stream. */
export interface PacerCounters {
  gcPauses: number;
  gcPauseTotalMs: number;
  gcPauseMaxMs: number;
}

export interface EngineSource {
  id: number;
  ring: SampleRing;
  framesPerPacket: number;
}

export interface EngineStream {
  id: number;
  ssrc: number;
  initialSeq: number;
}
