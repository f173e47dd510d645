/** The System page's log: what GET /logs gave when the page opened, then the lines the event stream brings. Pure. */
import type { LogEntry, LogLevel } from '../api/types.js';

export const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const key = (e: LogEntry) => `${e.time}\u0000${e.raw}`;

/** `fetched` then each live line not already in it, oldest first, the newest `max` kept. */
export function mergeLogs(fetched: LogEntry[], live: LogEntry[], max = 500): LogEntry[] {
  const seen = new Set(fetched.map(key));
  const out = [...fetched, ...live.filter((e) => !seen.has(key(e)))];
  return out.slice(Math.max(0, out.length - max));
}

export function atLeast(level: LogLevel, min: LogLevel): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

/** 2026-12-04T18:40:00.123Z as this browser's local time of day, to the millisecond. */
export function clock(iso: string): string {
  const d = new Date(iso);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
