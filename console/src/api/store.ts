/**
 * The console's live state: a pure reducer over WebSocket events plus local optimistic changes.
 * Everything live comes from the event stream; REST answers only confirm or roll back a change.
 */
import type { LogEntry, PtpSample, PtpState, PtpStatus, RemoteStream, RemoteStreamDelta, ServerEvent, Snapshot, StatsMap } from './types.js';

/** About 2 minutes of offset samples at the rate the daemon pushes PTP updates. */
export const PTP_SAMPLES = 600;
export const STATE_HISTORY = 50;

export type Connection = 'connecting' | 'open' | 'closed';

export interface State extends Partial<Snapshot> {
  connection: Connection;
  stats: StatsMap;
  /** Packets per second per stream, from the difference of successive stats messages. */
  rates: Record<string, number>;
  prevStats: { at: number; packets: Record<string, number> } | null;
  ptpSamples: PtpSample[];
  ptpStates: { t: number; state: PtpState; reason: string }[];
  /** When the player slice last arrived, so the seek bar can advance between player events. */
  playerAt: number;
  /** The daemon's log lines as they came over the event stream since it connected (the newest LOG_LINES). */
  logs: LogEntry[];
}

export type Action =
  | { type: 'event'; event: ServerEvent; at: number }
  | { type: 'connection'; connection: Connection }
  | { type: 'ptpHistory'; samples: PtpSample[] }
  /** Optimistic local change or its rollback: replaces one top-level slice. */
  | { type: 'local'; patch: Partial<Snapshot> };

export const initialState: State = {
  connection: 'connecting',
  stats: {},
  rates: {},
  prevStats: null,
  ptpSamples: [],
  ptpStates: [],
  playerAt: 0,
  logs: [],
};

/** Log lines the console keeps: as many as the daemon does. */
export const LOG_LINES = 500;

function withPtp(state: State, ptp: PtpStatus, at: number): State {
  const last = state.ptpStates[state.ptpStates.length - 1];
  const ptpStates =
    last && last.state === ptp.state ? state.ptpStates : [...state.ptpStates, { t: ptp.since || at, state: ptp.state, reason: ptp.reason }].slice(-STATE_HISTORY);
  const ptpSamples =
    ptp.offsetNs === null && ptp.pathDelayNs === null
      ? state.ptpSamples
      : [...state.ptpSamples, { t: at, offsetNs: ptp.offsetNs, pathDelayNs: ptp.pathDelayNs }].slice(-PTP_SAMPLES);
  return { ...state, ptp, ptpStates, ptpSamples };
}

function withStats(state: State, stats: StatsMap, at: number): State {
  const packets: Record<string, number> = {};
  for (const [id, s] of Object.entries(stats)) packets[id] = s.counters.packets;
  const rates: Record<string, number> = { ...state.rates };
  const prev = state.prevStats;
  if (prev && at > prev.at) {
    for (const [id, n] of Object.entries(packets)) {
      const before = prev.packets[id];
      if (before !== undefined && n >= before) rates[id] = ((n - before) * 1000) / (at - prev.at);
    }
  }
  return { ...state, stats, rates, prevStats: { at, packets } };
}

/** Applies one remote-stream change, keeping the daemon's order (name, then id). */
export function withRemoteDelta(list: RemoteStream[], d: RemoteStreamDelta): RemoteStream[] {
  const id = d.op === 'removed' ? d.id : d.stream.id;
  const rest = list.filter((s) => s.id !== id);
  if (d.op === 'removed') return rest;
  return [...rest, d.stream].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.connection };
    case 'ptpHistory': {
      // History from REST goes before anything already received live.
      const first = state.ptpSamples[0]?.t ?? Infinity;
      const older = action.samples.filter((s) => s.t < first);
      return { ...state, ptpSamples: [...older, ...state.ptpSamples].slice(-PTP_SAMPLES) };
    }
    case 'local':
      return { ...state, ...action.patch };
    case 'event': {
      const { event, at } = action;
      switch (event.type) {
        case 'snapshot': {
          const { ptp, ...rest } = event.data;
          return withPtp({ ...state, ...rest, playerAt: at }, ptp, at);
        }
        case 'ptp':
          return withPtp(state, event.data, at);
        case 'stats':
          return withStats(state, event.data, at);
        case 'streams':
          return { ...state, streams: event.data };
        case 'speakers':
          return { ...state, speakers: event.data };
        case 'routing':
          return { ...state, routing: event.data };
        case 'player':
          return { ...state, player: event.data, playerAt: at };
        case 'library':
          return { ...state, library: event.data };
        case 'remoteStream':
          return { ...state, remoteStreams: withRemoteDelta(state.remoteStreams ?? [], event.data) };
        case 'liveInputs':
          return { ...state, liveInputs: event.data };
        case 'interface':
          return { ...state, interface: event.data };
        case 'log':
          return { ...state, logs: [...state.logs, event.data].slice(-LOG_LINES) };
      }
    }
  }
  return state;
}

/** Every message type the daemon sends; a type added to its ServerEvent fails to compile here until listed. */
const KNOWN: Record<ServerEvent['type'], true> = {
  snapshot: true, streams: true, speakers: true, routing: true, player: true, library: true, ptp: true, remoteStream: true, liveInputs: true, interface: true, stats: true, log: true,
};

/** Parses one WebSocket message; unknown or malformed messages give null rather than corrupting state. */
export function parseEvent(raw: string): ServerEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const { type, data } = v as { type?: unknown; data?: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(KNOWN, type) || typeof data !== 'object' || data === null) return null;
  return v as ServerEvent;
}
