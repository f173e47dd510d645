import type { StreamStats } from '../daemon/stream-view.js';
import type { DaemonEvent, RemoteStreamDelta, SliceEvent, Slices } from '../daemon/events.js';
import type { InterfaceView } from '../daemon/interface-follower.js';
import type { LogEntry } from '../daemon/log-tail.js';

export type { DaemonEvent, InterfaceView, LogEntry, RemoteStreamDelta, SliceEvent, Slices };

/**
 * The daemon's REST and WebSocket contract as types (docs/api-contract.md): the shapes the routes answer
 * with and the event stream carries, which the package's index exports for clients such as the console.
 * The daemon's events (daemon/events.ts) are the event stream's slices, so a change there is a change of
 * the contract too.
 */

/** GET /system. */
export interface SystemInfo {
  version: string;
  /** The media interface: its address now (null while it has none), whether packets can leave, and why not. */
  interface: InterfaceView;
  /** The file changes are saved to, or null when nothing is saved (the embedded default, `aes67 play`). */
  configFile: string | null;
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

/** The first message on the event stream: every slice. */
export type Snapshot = Slices;

/** One message on GET /api/v1/events. */
export type ServerEvent = { type: 'snapshot'; data: Snapshot } | DaemonEvent | { type: 'stats'; data: StreamStats } | { type: 'log'; data: LogEntry };
