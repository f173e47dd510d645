/** Typed REST client for /api/v1 (docs/api-contract.md). Every failure becomes an ApiError. */
import type {
  AuthStatus, HistorySample, HostInterface, InterfaceView, LibraryStatus, LogEntry, ModuleStatus, Player, Preset, PresetBody, PtpConfig, PtpSettingsPatchBody, Routing, RoutingBody, RtpSettings, RtpSettingsPatchBody, Speaker,
  FoundSpeaker, SpeakerCreateBody, SpeakerPatch, Stream, StreamCreateBody, StreamPatchBody, SystemInfo, Track,
} from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Dotted path of the bad field on 400s, so forms can show the message beside it. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const BASE = '/api/v1';

function isErrorBody(v: unknown): v is { error: { code: string; message: string; field?: string } } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

async function request<T>(method: string, path: string, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the daemon (${(e as Error).message})`);
  }
  const text = await res.text();
  if (!res.ok) {
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: fall through to the status line
    }
    if (isErrorBody(parsed)) throw new ApiError(res.status, parsed.error.code, parsed.error.message, parsed.error.field);
    throw new ApiError(res.status, 'http', `${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }
  if (as === 'text') return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  streams: () => request<Stream[]>('GET', '/streams'),
  createStream: (s: StreamCreateBody) => request<Stream>('POST', '/streams', s),
  updateStream: (id: string, s: StreamPatchBody) => request<Stream>('PATCH', `/streams/${encodeURIComponent(id)}`, s),
  deleteStream: (id: string) => request<void>('DELETE', `/streams/${encodeURIComponent(id)}`),
  sdp: (id: string) => request<string>('GET', `/streams/${encodeURIComponent(id)}/sdp`, undefined, 'text'),
  sdpUrl: (id: string) => `${BASE}/streams/${encodeURIComponent(id)}/sdp`,

  foundSpeakers: () => request<FoundSpeaker[]>('GET', '/found-speakers'),
  createSpeaker: (b: SpeakerCreateBody) => request<Speaker>('POST', '/speakers', b),
  deleteSpeaker: (id: string) => request<void>('DELETE', `/speakers/${encodeURIComponent(id)}`),
  updateSpeaker: (id: string, p: SpeakerPatch) => request<Speaker>('PATCH', `/speakers/${encodeURIComponent(id)}`, p),
  identify: (id: string) => request<unknown>('POST', `/speakers/${encodeURIComponent(id)}/identify`),

  putRouting: (r: RoutingBody) => request<Routing>('PUT', '/routing', r),
  preset: (preset: Preset, streamIds: string[]) => request<Routing>('POST', '/routing/preset', { preset, streamIds } satisfies PresetBody),

  enqueue: (path: string) => request<Track>('POST', '/player/queue', { path }),
  dequeue: (trackId: string) => request<void>('DELETE', `/player/queue/${encodeURIComponent(trackId)}`),
  move: (trackId: string, to: number) => request<Player>('POST', '/player/queue/move', { trackId, to }),
  transport: (action: 'play' | 'pause' | 'next' | 'previous') => request<Player>('POST', `/player/${action}`),
  seek: (positionS: number) => request<Player>('POST', '/player/seek', { positionS }),

  library: (q: string) => request<Track[]>('GET', `/library?q=${encodeURIComponent(q)}`),
  scan: () => request<LibraryStatus>('POST', '/library/scan'),
  setLibrary: (path: string) => request<LibraryStatus>('PUT', '/player/library', { path }),
  coverUrl: (trackId: string) => `${BASE}/library/cover/${encodeURIComponent(trackId)}`,

  ptpHistory: () => request<HistorySample[]>('GET', '/ptp/history'),
  ptpSettings: () => request<PtpConfig>('GET', '/ptp/settings'),
  patchPtpSettings: (s: PtpSettingsPatchBody) => request<PtpConfig>('PATCH', '/ptp/settings', s),
  rtpSettings: () => request<RtpSettings>('GET', '/rtp/settings'),
  patchRtpSettings: (s: RtpSettingsPatchBody) => request<RtpSettings>('PATCH', '/rtp/settings', s),

  module: () => request<ModuleStatus>('GET', '/module'),
  loadModule: () => request<unknown>('POST', '/module/load'),
  unloadModule: () => request<unknown>('POST', '/module/unload'),
  system: () => request<SystemInfo>('GET', '/system'),
  interfaces: () => request<HostInterface[]>('GET', '/system/interfaces'),
  setInterface: (name: string) => request<InterfaceView>('PUT', '/system/interface', { interface: name }),
  logs: () => request<LogEntry[]>('GET', '/logs?limit=500'),

  authStatus: () => request<AuthStatus>('GET', '/auth/status'),
  login: (password: string) => request<unknown>('POST', '/auth/login', { password }),
  logout: () => request<unknown>('POST', '/auth/logout'),
};

/** ws:// or wss:// URL of the event stream on the page's own origin (the Vite proxy forwards it in dev). */
export function eventsUrl(loc: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${BASE}/events`;
}
