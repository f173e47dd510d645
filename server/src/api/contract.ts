import type { RemoteStream } from '@aes67/sap';
import type { Routing, Speaker } from '../config/schema.js';
import type { PtpView } from '../clock/reference.js';
import type { LiveInputView } from '../daemon/live-view.js';
import type { StreamStats, StreamView } from '../daemon/stream-view.js';
import type { PlayerView } from '../player/view.js';

/**
 * The daemon's REST and WebSocket contract as types (docs/api-contract.md): the shapes the routes answer
 * with and the event stream carries, which the package's index exports for clients such as the console.
 * The daemon builds its answers and events against these same types, so a change here is a change of
 * the contract.
 */

/** GET /system. */
export interface SystemInfo {
  version: string;
  interface: { name: string; address: string; up: boolean };
  /** The tail of the daemon's log. */
  logs: string[];
  /**
   * The RTP pacer thread as the kernel reports it (SCHED_FIFO priority, 0 for an ordinary thread, and why
   * not the one asked for), and its garbage-collection pauses since start: each delays every stream.
   */
  pacer: { realtimePriority: number; reason: string; nice: number | null; gcPauses: number; gcPauseMaxMs: number };
}

/** GET /auth/status. */
export interface AuthStatus {
  authRequired: boolean;
  authenticated: boolean;
}

/** The parts of the daemon's state the event stream carries; each is sent whole whenever it changes. */
export interface Slices {
  streams: StreamView[];
  speakers: Speaker[];
  routing: Routing;
  player: PlayerView;
  ptp: PtpView;
  remoteStreams: RemoteStream[];
  liveInputs: LiveInputView[];
}

/** One slice's new value, as the daemon emits it and the event stream sends it. */
export type SliceEvent = { [K in keyof Slices]: { type: K; data: Slices[K] } }[keyof Slices];

/** The first message on the event stream: every slice. */
export type Snapshot = Slices;

/** One message on GET /api/v1/events. */
export type ServerEvent = { type: 'snapshot'; data: Snapshot } | SliceEvent | { type: 'stats'; data: StreamStats };
