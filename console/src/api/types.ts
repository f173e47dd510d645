/**
 * Entities of the daemon's REST + WebSocket contract (docs/api-contract.md). The daemon's own types are
 * the one source (`@aes67/server`, type-only, so the bundle gets none of its code); this file gives them
 * the console's names and derives the few shapes only the console has.
 *
 * JSON has no -Infinity: where the daemon's value can be -Infinity (meters, gains) or absent (PTP
 * offsets) its types already say `number | null`, so the daemon's in-memory shapes are the JSON shapes.
 */
import type { HistorySample, LibraryStatus, PlayerView, PtpView, StreamSettings, StreamView } from '@aes67/server';

export type {
  AuthStatus, Encoding, FifoSource, HostInterface, InterfaceView, LiveInputView as LiveInput, LogEntry, LogLevel, ModuleStatus, MonitorFrame, MonitorMessage, Preset, PresetBody, Ptime, PtpConfig, PtpSettingsPatchBody,
  RawFormat, RemoteStream, RemoteStreamDelta, RefClock, Routing, RoutingBody, RoutingEntry, RoutingSource, RtpSettings, RtpSettingsPatchBody, SampleRate, ServerEvent, SignalSource, SignalSpec,
  FoundSpeaker, Snapshot, Speaker, SpeakerCreateBody, SpeakerPatchBody as SpeakerPatch, StreamCreateBody, StreamPatchBody, StreamStats as StatsMap, SystemInfo, Track,
} from '@aes67/server';

export type Stream = StreamView;
export type Counters = StreamView['counters'];
export type Meters = StreamView['meters'];
export type Player = PlayerView;
export type { LibraryStatus };
export type PtpStatus = PtpView;
export type PtpState = PtpView['state'];
export type { HistorySample };

/**
 * What the stream form sends to POST /streams and PATCH /streams/:id: every setting as typed, address
 * and port left to the daemon when empty (a stricter StreamCreateBody, which lets defaults fill in).
 */
export type StreamInput = Omit<StreamSettings, 'address' | 'port'> & Partial<Pick<StreamSettings, 'address' | 'port'>>;

/**
 * One point of the PTP plots: from GET /ptp/history (always both values) or from a live `ptp` event,
 * where either may be null while no grandmaster is followed.
 */
export type PtpSample = Pick<HistorySample, 't'> & Pick<PtpView, 'offsetNs' | 'pathDelayNs'>;
