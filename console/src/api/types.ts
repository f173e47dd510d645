/**
 * Entities of the daemon's REST + WebSocket contract (docs/api-contract.md).
 * Numbers that may be -Infinity in the daemon arrive as null in JSON, so they are typed `number | null`.
 */
export type Encoding = 'L16' | 'L24';
export type SampleRate = 44100 | 48000 | 96000;
export type Ptime = 125 | 250 | 333 | 1000 | 4000;

export interface Counters {
  packets: number;
  bytes: number;
  latePackets: number;
  maxLatenessUs: number;
  underruns: number;
  sendErrors: number;
}
export interface Meters {
  peakDb: (number | null)[];
  rmsDb: (number | null)[];
  clips: number;
}
export interface Stream {
  id: string;
  name: string;
  address: string;
  port: number;
  ttl: number;
  encoding: Encoding;
  sampleRate: SampleRate;
  channels: number;
  ptimeUs: Ptime;
  payloadType: number;
  enabled: boolean;
  sessionId: string;
  sdpVersion: string;
  counters: Counters;
  meters: Meters;
  dscp: { requested: number; marked: boolean; reason?: string };
}
/** What POST /streams and PATCH /streams/:id accept. */
export type StreamInput = Omit<Stream, 'id' | 'sessionId' | 'sdpVersion' | 'counters' | 'meters' | 'dscp' | 'address' | 'port'> & {
  address?: string;
  port?: number;
};

export interface Speaker {
  id: string;
  name: string;
  host: string | null;
  model: string | null;
  sampleRate: SampleRate;
  encodings: Encoding[];
  maxChannels: number;
  streamId: string | null;
  channel: number;
  gainDb: number | null;
  mute: boolean;
  delayMs: number;
  /** Not in the first contract draft; shown as "unknown" when the daemon does not send them. */
  online?: boolean;
  ptpState?: string;
}
export type SpeakerPatch = Partial<Pick<Speaker, 'name' | 'host' | 'streamId' | 'channel' | 'gainDb' | 'mute' | 'delayMs' | 'sampleRate'>>;

export type Preset = 'stereo' | 'mono' | '2.1';
export interface RoutingEntry {
  input: number;
  streamId: string;
  channel: number;
  gainDb: number | null;
}
export type SignalSpec =
  | { kind: 'sine'; frequency: number; levelDb: number }
  | { kind: 'pink'; levelDb: number; seed?: number }
  | { kind: 'sweep'; f1: number; f2: number; seconds: number; levelDb: number }
  | { kind: 'identify'; levelDb: number };
export type RawFormat = 's16le' | 's24le' | 's24_3le' | 's32le' | 'f32le';
export interface SignalSource {
  kind: 'signal';
  signal: SignalSpec;
  channels: number;
}
export interface FifoSource {
  kind: 'fifo';
  path: string;
  format: RawFormat;
  rate: number;
  channels: number;
  targetMs: number;
}
/** What the programs play; the two without settings are plain strings (docs/configuration.md). */
export type RoutingSource = 'player' | 'tone' | SignalSource | FifoSource;
export interface Routing {
  source: RoutingSource;
  entries: RoutingEntry[];
  preset: Preset | 'custom';
}
/** A FIFO source's state (GET /inputs/live, the liveInputs event). */
export interface LiveInput {
  kind: 'fifo';
  path: string;
  format: RawFormat;
  rate: number;
  channels: number;
  programRate: number;
  open: boolean;
  problem: string | null;
  running: boolean;
  skewPpm: number;
  ratioPpm: number;
  bufferMs: number;
  targetMs: number;
  capacityMs: number;
  underruns: number;
  overruns: number;
  droppedFrames: number;
}

export interface Track {
  id: string;
  path: string;
  title?: string;
  artist?: string;
  album?: string;
  track?: number;
  durationS?: number;
  sampleRate?: number;
  hasCover: boolean;
}
export interface Player {
  state: 'stopped' | 'playing' | 'paused';
  queue: Track[];
  current: number | null;
  positionS: number;
  error?: string;
}
export interface LibraryStatus {
  scanning: boolean;
  scanned: number;
  total: number;
}

export type PtpState = 'disabled' | 'starting' | 'listening' | 'locking' | 'locked' | 'holdover' | 'unlocked';
export interface PtpStatus {
  state: PtpState;
  reason: string;
  gmIdentity: string | null;
  gmIdentitySdp: string | null;
  domain: number;
  offsetNs: number | null;
  pathDelayNs: number | null;
  utcOffset: number;
  portState: string | null;
  since: number;
  policy: 'keep-streaming' | 'mute';
}
export interface PtpSample {
  t: number;
  offsetNs: number | null;
  pathDelayNs: number | null;
}
export interface PtpSettings {
  domain: number;
  policy: PtpStatus['policy'];
}

export interface RemoteStream {
  id: string;
  source: 'sap' | 'mdns';
  name: string;
  origin: string;
  address: string;
  port: number;
  encoding: string;
  sampleRate: number;
  channels: number;
  ptimeMs: number;
  ptp: string | null;
  lastSeen: number;
  own: boolean;
  sdp: string;
}

/** Subset of the kernel-module package's ModuleStatus that the console shows. */
export interface ModuleStatus {
  moduleName: string;
  kernelRelease: string | null;
  moduleSupport: boolean;
  loaded: boolean;
  version: string | null;
  refcount: number | null;
  usedBy: string[];
  devices: string[];
}

export interface SystemInfo {
  version: string;
  interface: { name: string; address: string | null; up: boolean };
  logs: string[];
}
export interface AuthStatus {
  authRequired: boolean;
  authenticated: boolean;
}

export interface Snapshot {
  streams: Stream[];
  speakers: Speaker[];
  routing: Routing;
  player: Player;
  ptp: PtpStatus;
  remoteStreams: RemoteStream[];
  liveInputs: LiveInput[];
}
export type StatsMap = Record<string, { counters: Counters; meters: Meters }>;

export type ServerEvent =
  | { type: 'snapshot'; data: Snapshot }
  | { type: 'streams'; data: Stream[] }
  | { type: 'speakers'; data: Speaker[] }
  | { type: 'routing'; data: Routing }
  | { type: 'player'; data: Player }
  | { type: 'ptp'; data: PtpStatus }
  | { type: 'remoteStreams'; data: RemoteStream[] }
  | { type: 'liveInputs'; data: LiveInput[] }
  | { type: 'stats'; data: StatsMap };
