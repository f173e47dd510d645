/**
 * The Monitor page's plumbing, pure: which stream the hash names (#/monitor?stream=1, ?remote=<id>),
 * the monitor socket's URL, and the history of the statistics the plots draw.
 */
import type { MonitorFrame } from '../api/types.js';

export type MonitorKey = { kind: 'stream' | 'remote'; id: string };

/** The stream a `#/monitor?...` hash asks for, or null. */
export function keyFromHash(hash: string): MonitorKey | null {
  const q = new URLSearchParams(hash.split('?')[1] ?? '');
  const stream = q.get('stream');
  const remote = q.get('remote');
  if (stream) return { kind: 'stream', id: stream };
  if (remote) return { kind: 'remote', id: remote };
  return null;
}

export function hashFor(key: MonitorKey): string {
  return `#/monitor?${key.kind}=${encodeURIComponent(key.id)}`;
}

export function monitorUrl(loc: { protocol: string; host: string }, key: MonitorKey): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/v1/monitor?${key.kind}=${encodeURIComponent(key.id)}`;
}

/** One point of the plots: when, and what changed since the frame before. */
export interface MonitorPoint {
  t: number;
  jitterMs: number;
  offsetMs: number | null;
  /** Late and lost packets since the previous frame. */
  late: number;
  lost: number;
}

/** Seconds of history the plots keep (4 frames a second). */
export const HISTORY_FRAMES = 240;

export function addPoint(history: MonitorPoint[], prev: MonitorFrame | null, f: MonitorFrame): MonitorPoint[] {
  const point = {
    t: f.at,
    jitterMs: f.stats.jitterMs,
    offsetMs: f.stats.offsetMs?.last ?? null,
    late: prev ? Math.max(0, f.stats.late - prev.stats.late) : 0,
    lost: prev ? Math.max(0, f.stats.lost - prev.stats.lost) : 0,
  };
  const next = [...history, point];
  return next.length > HISTORY_FRAMES ? next.slice(next.length - HISTORY_FRAMES) : next;
}
