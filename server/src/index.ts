/**
 * The package's public surface: the types of the daemon's REST and WebSocket contract, for clients such
 * as the console. Type-only: the daemon runs from cli.ts, and a client bundles none of it. The one module
 * a client may bundle is the stream formats, a pure file exported on its own as `@aes67/server/formats`.
 */
export type { AuthStatus, InterfaceView, RemoteStreamDelta, ServerEvent, SliceEvent, Slices, Snapshot, SystemInfo } from './api/contract.js';
export type {
  Encoding,
  Preset,
  PresetBody,
  Ptime,
  PtpConfig,
  PtpSettingsPatchBody,
  RtpSettings,
  RtpSettingsPatchBody,
  Routing,
  RoutingBody,
  RoutingEntry,
  SampleRate,
  Speaker,
  SpeakerPatchBody,
  StreamCreateBody,
  StreamPatchBody,
  StreamSettings,
} from './config/schema.js';
export type { SpeakerCreateBody } from './config/speaker-create.js';
export type { FoundSpeaker } from './services/speakers.js';
export type { FifoSource, RoutingSource, SignalSource } from './config/source.js';
export type { SignalSpec } from './audio/signal-spec.js';
export type { RawFormat } from './audio/raw-pcm.js';
export type { StreamStats, StreamView } from './daemon/stream-view.js';
export type { MonitorFrame, MonitorVerdict } from './receiver/monitor.js';
export type { LogEntry, LogLevel } from './daemon/log-tail.js';
export type { MonitorMessage } from './api/monitor.js';
export type { LiveInputView } from './daemon/live-view.js';
export type { PtpView } from './clock/reference.js';
export type { HostInterface } from './net/interfaces.js';
export type { LibraryStatus, PlayerState, PlayerView, ScanStatus, Track } from './player/view.js';
export type { RemoteStream, RefClock } from '@aes67/sap';
export type { HistorySample } from '@aes67/ptp';
export type { ModuleStatus } from '@aes67/kernel-module';
