/**
 * The pacer's streams, set up and torn down off the hot path: each one's socket (stream-socket.ts), its
 * packet buffers preallocated with the static header written once, its counters' slot, and whether it
 * still needs event-loop turns (its socket is being set up, or it sends through dgram).
 */
import type dgram from 'node:dgram';
import { bytesPerSample } from '../streams/formats.js';
import { RTP_HEADER_BYTES, writeStaticHeader } from './packet.js';
import { openStreamSocket } from './stream-socket.js';
import { markSocket, type DscpState } from './dscp.js';
import type { UdpAddon } from './udp-addon.js';
import { STAT_FIELDS, type StreamSpec } from './protocol.js';

/** Buffers per stream in flight: dgram's send may hold one briefly when the socket queue is full. */
export const BUFFERS_PER_STREAM = 8;

export interface StreamState {
  spec: StreamSpec;
  socket: dgram.Socket;
  ready: boolean;
  buffers: Buffer[];
  next: number;
  seq: number;
  packetBytes: number;
  stat: number;
  /** The connected socket's fd for the addon's send, or -1 to send through dgram. */
  fd: number;
  /** errno of the last failed send reported, so a failing stream reports each cause once. */
  reportedErrno: number;
  /** Counted in eventLoopStreams: its socket is being set up, or it sends through dgram. */
  needsEventLoop: boolean;
  /** Rebinds asked for; a new socket that a later rebind superseded is closed when it connects. */
  generation: number;
}

export interface RebindOutcome {
  rebound: { id: number; dscp: DscpState }[];
  failed: { id: number; message: string }[];
}

export interface PacerStreamEvents {
  /** The socket is connected: the stream can join its source's ticks. */
  ready(st: StreamState, dscp: DscpState): void;
  /** A socket option was refused or the socket failed. */
  error(id: number, message: string): void;
}

export class PacerStreams {
  private readonly byId = new Map<number, StreamState>();
  /** Streams that need event-loop turns; the pacer yields every turn while any do. */
  eventLoopStreams = 0;

  constructor(
    private readonly stats: Float64Array,
    private readonly native: UdpAddon | string,
    private readonly on: PacerStreamEvents,
  ) {}

  add(spec: StreamSpec, framesPerPacket: number): void {
    const packetBytes = RTP_HEADER_BYTES + bytesPerSample(spec.encoding) * spec.channels * framesPerPacket;
    const buffers = Array.from({ length: BUFFERS_PER_STREAM }, () => {
      const b = Buffer.alloc(packetBytes);
      writeStaticHeader(b, spec.payloadType, spec.ssrc);
      return b;
    });
    // The callbacks run after bind and connect, when `state` exists.
    const socket = openStreamSocket(spec, {
      error: (message) => this.on.error(spec.id, message),
      ready: (fd, dscp) => {
        if (typeof this.native !== 'string') state.fd = fd ?? -1;
        if (state.fd >= 0) this.releaseEventLoop(state);
        state.ready = true;
        this.on.ready(state, dscp);
      },
    });
    const state: StreamState = { spec, socket, ready: false, buffers, next: 0, seq: spec.initialSeq, packetBytes, stat: spec.slot * STAT_FIELDS, fd: -1, reportedErrno: 0, needsEventLoop: true, generation: 0 };
    this.eventLoopStreams++;
    this.stats.fill(0, state.stat, state.stat + STAT_FIELDS);
    this.byId.set(spec.id, state);
  }

  /** Closes the stream's socket; returns the stream, for the caller to drop from its source. */
  remove(id: number): StreamState | undefined {
    const s = this.byId.get(id);
    if (!s) return undefined;
    this.byId.delete(id);
    this.releaseEventLoop(s);
    s.socket.close();
    return s;
  }

  /**
   * Marks the stream's packets with another DSCP. Null when the stream is gone, or still being set up:
   * its spec is changed in place, which the set-up reads when it marks the socket (and streamReady reports).
   */
  remark(id: number, dscp: number): DscpState | null {
    const st = this.byId.get(id);
    if (!st) return null;
    st.spec.dscp = dscp;
    return st.ready ? markSocket(st.socket, dscp) : null;
  }

  /**
   * Gives every ready stream a new socket bound to `interfaceAddress` (the interface was renumbered or
   * re-created). The old socket keeps sending until the new one is connected (its packets fail while its
   * address is gone and count in sendErrors), so seq, ssrc, timestamps and counters run on unbroken.
   * A stream whose new socket fails keeps the old one; `done` gets each stream's outcome.
   */
  rebind(interfaceAddress: string, done: (outcome: RebindOutcome) => void): void {
    const all = [...this.byId.values()].filter((st) => st.ready);
    const outcome: RebindOutcome = { rebound: [], failed: [] };
    let left = all.length;
    if (left === 0) return done(outcome);
    const finish = () => {
      if (--left === 0) done(outcome);
    };
    for (const st of all) {
      const generation = ++st.generation;
      st.spec.interfaceAddress = interfaceAddress;
      // The new socket's bind and connect need event-loop turns.
      this.eventLoopStreams++;
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.eventLoopStreams--;
        return true;
      };
      const socket = openStreamSocket(st.spec, {
        error: (message) => {
          if (!settle()) {
            if (st.socket === socket) this.on.error(st.spec.id, message);
            return;
          }
          socket.close();
          outcome.failed.push({ id: st.spec.id, message });
          finish();
        },
        ready: (fd, dscp) => {
          if (!settle()) return;
          if (generation !== st.generation || this.byId.get(st.spec.id) !== st) {
            socket.close();
            return finish();
          }
          const old = st.socket;
          st.socket = socket;
          st.fd = typeof this.native !== 'string' ? (fd ?? -1) : -1;
          if (st.fd >= 0) this.releaseEventLoop(st);
          else if (!st.needsEventLoop) {
            st.needsEventLoop = true;
            this.eventLoopStreams++;
          }
          // A failure of the new socket is a new cause: report it once again.
          st.reportedErrno = 0;
          old.close();
          outcome.rebound.push({ id: st.spec.id, dscp });
          finish();
        },
      });
    }
  }

  /** Whether every stream added for the source has its socket ready. */
  allReady(sourceId: number): boolean {
    for (const st of this.byId.values()) if (st.spec.sourceId === sourceId && !st.ready) return false;
    return true;
  }

  /** The streams' ids, all or one source's. */
  ids(sourceId?: number): number[] {
    return [...this.byId.values()].filter((st) => sourceId === undefined || st.spec.sourceId === sourceId).map((st) => st.spec.id);
  }

  private releaseEventLoop(st: StreamState): void {
    if (!st.needsEventLoop) return;
    st.needsEventLoop = false;
    this.eventLoopStreams--;
  }
}
