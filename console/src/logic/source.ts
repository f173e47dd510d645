/**
 * The routing source as a form: which kind, and the settings of a test signal or a FIFO as typed text.
 * Numbers are sent as typed so the daemon's validation decides, and its field errors come back by name.
 */
import type { RawFormat, RoutingSource, SignalSpec } from '../api/types.js';

/** The plain-string sources and the kinds of the object ones. */
export type SourceKind = Exclude<RoutingSource, object> | Extract<RoutingSource, object>['kind'];

export const SOURCE_KINDS: [SourceKind, string][] = [
  ['player', 'Player'],
  ['tone', 'Test tone'],
  ['signal', 'Test signal'],
  ['fifo', 'Live input (FIFO)'],
];
export const SIGNAL_KINDS: [SignalSpec['kind'], string][] = [
  ['sine', 'Sine'],
  ['pink', 'Pink noise'],
  ['sweep', 'Log sweep'],
  ['identify', 'Identify (input n beeps n + 1 times)'],
];
export const RAW_FORMATS: [RawFormat, string][] = [
  ['s16le', 's16le (16-bit)'],
  ['s24le', 's24le (24 bits in 4 bytes, ALSA S24_LE)'],
  ['s24_3le', 's24_3le (24 bits packed, ALSA S24_3LE)'],
  ['s32le', 's32le (32-bit)'],
  ['f32le', 'f32le (float)'],
];

export type SourceDraft = Record<'signal' | 'frequency' | 'levelDb' | 'f1' | 'f2' | 'seconds' | 'channels' | 'path' | 'format' | 'rate' | 'targetMs', string>;

export const DEFAULT_DRAFT: SourceDraft = {
  signal: 'sine', frequency: '1000', levelDb: '-18', f1: '20', f2: '20000', seconds: '10', channels: '2',
  path: '', format: 's16le', rate: '48000', targetMs: '200',
};

export function sourceKind(s: RoutingSource): SourceKind {
  return typeof s === 'string' ? s : s.kind;
}

/** The draft that shows `s` (defaults for what it does not set). */
export function draftFrom(s: RoutingSource): SourceDraft {
  if (typeof s === 'string') return DEFAULT_DRAFT;
  if (s.kind === 'fifo') return { ...DEFAULT_DRAFT, path: s.path, format: s.format, rate: String(s.rate), channels: String(s.channels), targetMs: String(s.targetMs) };
  const g = s.signal;
  const d: SourceDraft = { ...DEFAULT_DRAFT, signal: g.kind, levelDb: String(g.levelDb), channels: String(s.channels) };
  if (g.kind === 'sine') d.frequency = String(g.frequency);
  if (g.kind === 'sweep') Object.assign(d, { f1: String(g.f1), f2: String(g.f2), seconds: String(g.seconds) });
  return d;
}

function signalOf(d: SourceDraft): SignalSpec {
  const levelDb = Number(d.levelDb);
  switch (d.signal) {
    case 'sine':
      return { kind: 'sine', frequency: Number(d.frequency), levelDb };
    case 'sweep':
      return { kind: 'sweep', f1: Number(d.f1), f2: Number(d.f2), seconds: Number(d.seconds), levelDb };
    case 'pink':
      return { kind: 'pink', levelDb };
    default:
      return { kind: 'identify', levelDb };
  }
}

export function toSource(kind: SourceKind, d: SourceDraft): RoutingSource {
  switch (kind) {
    case 'player':
    case 'tone':
      return kind;
    case 'signal':
      return { kind: 'signal', signal: signalOf(d), channels: Number(d.channels) };
    case 'fifo':
      return { kind: 'fifo', path: d.path.trim(), format: d.format as RawFormat, rate: Number(d.rate), channels: Number(d.channels), targetMs: Number(d.targetMs) };
  }
}

/** Maps the API's field path ("source.signal.frequency", "source.path") to a draft field. */
export function sourceField(path: string | undefined): keyof SourceDraft | null {
  const parts = path?.split('.') ?? [];
  if (parts[0] !== 'source' || parts.length < 2) return null;
  const last = parts[parts.length - 1];
  if (parts[1] === 'signal' && last === 'kind') return 'signal';
  return last in DEFAULT_DRAFT ? (last as keyof SourceDraft) : null;
}

/** One line for captions and summaries. */
export function describeSource(s: RoutingSource): string {
  if (s === 'player') return 'player';
  if (s === 'tone') return 'test tone';
  if (s.kind === 'fifo') return `FIFO ${s.path} (${s.format}, ${s.rate / 1000} kHz, ${s.channels} ch)`;
  const g = s.signal;
  const level = `${g.levelDb} dBFS`;
  switch (g.kind) {
    case 'sine':
      return `sine ${g.frequency} Hz, ${level}`;
    case 'sweep':
      return `sweep ${g.f1}-${g.f2} Hz over ${g.seconds} s, ${level}`;
    case 'pink':
      return `pink noise, ${level}`;
    case 'identify':
      return `identify, ${level}`;
  }
}

/** A ppm figure with its sign, to a tenth. */
export const signedPpm = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

/** The live input's state in words: what a person checks first. */
export function liveSummary(l: { open: boolean; problem: string | null; running: boolean; skewPpm: number; bufferMs: number; targetMs: number }): string {
  if (!l.open) return `Not open: ${l.problem ?? 'unknown reason'}`;
  if (!l.running) return `Waiting for audio (buffer ${l.bufferMs.toFixed(0)} of ${l.targetMs.toFixed(0)} ms)`;
  return `Playing, buffer ${l.bufferMs.toFixed(1)} ms (target ${l.targetMs.toFixed(0)} ms), skew ${signedPpm(l.skewPpm)} ppm`;
}
