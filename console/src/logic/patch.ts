/**
 * Patch-matrix operations on Routing: source channels (rows) against stream channels (columns).
 * Pure, so the matrix component only renders and the rules are unit-tested.
 */
import type { Preset, Routing, RoutingEntry, Speaker, Stream } from '../api/types.js';

/** The player and tone source are stereo; entries may name more inputs (multichannel files). */
export const BASE_INPUTS = 2;
/** Summing two channels into one: -6.02 dB keeps a full-scale mono signal from clipping. */
export const SUM_GAIN_DB = -6.02;

export interface Column {
  streamId: string;
  channel: number;
  label: string;
  /** Names of the speakers this stream channel feeds. */
  speakers: string[];
}

export function inputLabel(i: number): string {
  return i === 0 ? 'Left' : i === 1 ? 'Right' : `Input ${i + 1}`;
}

export function inputCount(r: Routing | undefined): number {
  return Math.max(BASE_INPUTS, ...(r?.entries ?? []).map((e) => e.input + 1));
}

export function columns(streams: Stream[], speakers: Speaker[]): Column[] {
  const cols: Column[] = [];
  for (const s of streams) {
    for (let ch = 0; ch < s.channels; ch++) {
      cols.push({
        streamId: s.id,
        channel: ch,
        label: s.channels > 1 ? `${s.name} ch ${ch + 1}` : s.name,
        speakers: speakers.filter((sp) => sp.streamId === s.id && sp.channel === ch).map((sp) => sp.name),
      });
    }
  }
  return cols;
}

const same = (e: RoutingEntry, input: number, streamId: string, channel: number) =>
  e.input === input && e.streamId === streamId && e.channel === channel;

/** The gain of a cell, or undefined when that source channel does not feed that stream channel. */
export function cell(r: Routing, input: number, streamId: string, channel: number): RoutingEntry | undefined {
  return r.entries.find((e) => same(e, input, streamId, channel));
}

export function toggle(r: Routing, input: number, streamId: string, channel: number): Routing {
  const on = cell(r, input, streamId, channel);
  const entries = on
    ? r.entries.filter((e) => !same(e, input, streamId, channel))
    : [...r.entries, { input, streamId, channel, gainDb: 0 }];
  return { ...r, entries, preset: 'custom' };
}

export function setGain(r: Routing, input: number, streamId: string, channel: number, gainDb: number | null): Routing {
  const present = cell(r, input, streamId, channel);
  const entries = present
    ? r.entries.map((e) => (same(e, input, streamId, channel) ? { ...e, gainDb } : e))
    : [...r.entries, { input, streamId, channel, gainDb }];
  return { ...r, entries, preset: 'custom' };
}

/**
 * Presets over the chosen streams, channel 0 of each (mono streams, one per speaker):
 * - stereo: odd positions get Left, even get Right (L, R, L, R ...);
 * - mono: every stream gets Left + Right summed;
 * - 2.1: first Left, second Right, third the summed subwoofer feed.
 */
export function preset(p: Preset, streamIds: string[], source: Routing['source'] = 'player'): Routing {
  const entries: RoutingEntry[] = [];
  const sum = (streamId: string) => {
    entries.push({ input: 0, streamId, channel: 0, gainDb: SUM_GAIN_DB }, { input: 1, streamId, channel: 0, gainDb: SUM_GAIN_DB });
  };
  streamIds.forEach((streamId, i) => {
    if (p === 'mono' || (p === '2.1' && i === 2)) sum(streamId);
    else if (p === '2.1' && i > 2) return;
    else entries.push({ input: i % 2, streamId, channel: 0, gainDb: 0 });
  });
  return { source, entries, preset: p };
}

/** How many streams a preset needs to be meaningful. */
export function presetNeeds(p: Preset): number {
  return p === 'mono' ? 1 : p === 'stereo' ? 2 : 3;
}

/** Which source channels feed a stream channel, as "0", "1", "0+1" or "" when none. */
export function sourceValue(entries: RoutingEntry[], streamId: string | null, channel: number): string {
  return entries.filter((e) => e.streamId === streamId && e.channel === channel).map((e) => e.input).sort((a, b) => a - b).join('+');
}

/** Makes exactly `inputs` feed one stream channel; two or more are summed at SUM_GAIN_DB each. */
export function feedFrom(r: Routing, streamId: string, channel: number, inputs: number[]): Routing {
  const keep = r.entries.filter((e) => !(e.streamId === streamId && e.channel === channel));
  const gainDb = inputs.length > 1 ? SUM_GAIN_DB : 0;
  return { ...r, preset: 'custom', entries: [...keep, ...inputs.map((input) => ({ input, streamId, channel, gainDb }))] };
}
