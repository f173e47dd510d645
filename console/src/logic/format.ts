/** Display formatting shared by pages; pure so tests can pin the wording. */
import type { RefClock } from '../api/types.js';

export function khz(rate: number): string {
  return `${(rate / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kHz`;
}

/** dB with one decimal; null and -Infinity mean silence and show as −∞. */
export function db(v: number | null | undefined): string {
  if (v === null || v === undefined || v === -Infinity) return '−∞ dB';
  return `${v > 0 ? '+' : ''}${v.toFixed(1)} dB`;
}

export function ptime(us: number): string {
  return us >= 1000 ? `${us / 1000} ms` : `${us} µs`;
}

export function ns(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  return Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)} µs` : `${Math.round(v)} ns`;
}

export function duration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '--:--';
  const t = Math.max(0, Math.floor(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

export function ago(t: number, now: number): string {
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

/** A remote stream's clock reference (its SDP's ts-refclk). */
export function refClock(r: RefClock): string {
  return r.kind === 'ptp' ? `PTP ${r.gmid} domain ${r.domain}` : 'traceable clock (no PTP)';
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
