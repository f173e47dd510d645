import type { RemoteStream } from '@aes67/sap';
import type { Routing, Speaker } from '../config/schema.js';
import type { PtpView } from '../clock/reference.js';
import type { LiveInputView } from './live-view.js';
import type { StreamView } from './stream-view.js';
import type { LibraryStatus, PlayerView } from '../player/view.js';
import type { InterfaceView } from './interface-follower.js';

/** The parts of the daemon's state its events carry; each is sent whole whenever it changes. */
export interface Slices {
  streams: StreamView[];
  speakers: Speaker[];
  routing: Routing;
  player: PlayerView;
  /** The library folder and its scan; sent as the scan goes (every 20 files), and when it ends. */
  library: LibraryStatus;
  ptp: PtpView;
  remoteStreams: RemoteStream[];
  liveInputs: LiveInputView[];
  /** The media interface: address, link state, and why it is unusable (sent on every change). */
  interface: InterfaceView;
}

/** The slices sent whole on every change; the remote-stream list, which can hold thousands of SDPs, is not. */
type WholeSlice = Exclude<keyof Slices, 'remoteStreams'>;

/** One slice's new value, as the daemon emits it (the API's event stream sends it on unchanged). */
export type SliceEvent = { [K in WholeSlice]: { type: K; data: Slices[K] } }[WholeSlice];

/** One change to the remote-stream list: the stream that came or changed, or the id of one that went. */
export type RemoteStreamDelta = { op: 'added' | 'updated'; stream: RemoteStream } | { op: 'removed'; id: string };

/**
 * What the daemon emits: a whole slice, or a remote-stream delta. A SAP or mDNS change costs one
 * stream's encoding, not the whole list's (a busy network re-announces many times a second).
 */
export type DaemonEvent = SliceEvent | { type: 'remoteStream'; data: RemoteStreamDelta };
