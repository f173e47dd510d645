import type { RemoteStream } from '@aes67/sap';
import type { Routing, Speaker } from '../config/schema.js';
import type { PtpView } from '../clock/reference.js';
import type { LiveInputView } from './live-view.js';
import type { StreamView } from './stream-view.js';
import type { PlayerView } from '../player/view.js';

/** The parts of the daemon's state its events carry; each is sent whole whenever it changes. */
export interface Slices {
  streams: StreamView[];
  speakers: Speaker[];
  routing: Routing;
  player: PlayerView;
  ptp: PtpView;
  remoteStreams: RemoteStream[];
  liveInputs: LiveInputView[];
}

/** One slice's new value, as the daemon emits it (the API's event stream sends it on unchanged). */
export type SliceEvent = { [K in keyof Slices]: { type: K; data: Slices[K] } }[keyof Slices];
