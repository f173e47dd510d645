import { describe, expect, it } from 'vitest';
import type { Routing, Speaker, Stream } from '../api/types.js';
import { cell, columns, feedFrom, inputCount, preset, setGain, sourceValue, SUM_GAIN_DB, toggle } from './patch.js';

const empty: Routing = { source: 'player', entries: [], preset: 'stereo' };
const stream = (id: string, channels = 1) => ({ id, name: `Stream ${id}`, channels }) as Stream;
const speaker = (name: string, streamId: string | null, channel = 0) => ({ id: name, name, streamId, channel }) as Speaker;

describe('patch matrix operations', () => {
  it('toggle adds a 0 dB cell, toggling again removes it, and the preset becomes custom', () => {
    const on = toggle(empty, 1, 's1', 0);
    expect(on.entries).toEqual([{ input: 1, streamId: 's1', channel: 0, gainDb: 0 }]);
    expect(on.preset).toBe('custom');
    expect(cell(on, 1, 's1', 0)?.gainDb).toBe(0);
    expect(cell(on, 0, 's1', 0)).toBeUndefined();
    expect(toggle(on, 1, 's1', 0).entries).toEqual([]);
  });

  it('setGain changes only the addressed cell, or creates it', () => {
    const r = toggle(toggle(empty, 0, 's1', 0), 1, 's1', 0);
    const g = setGain(r, 1, 's1', 0, -3);
    expect(cell(g, 1, 's1', 0)?.gainDb).toBe(-3);
    expect(cell(g, 0, 's1', 0)?.gainDb).toBe(0);
    expect(cell(setGain(empty, 0, 's2', 0, null), 0, 's2', 0)).toEqual({ input: 0, streamId: 's2', channel: 0, gainDb: null });
  });

  it('columns list every stream channel with the speakers it feeds', () => {
    const cols = columns([stream('a'), stream('b', 2)], [speaker('KH left', 'a'), speaker('Sub', 'b', 1), speaker('Idle', null)]);
    expect(cols.map((c) => [c.label, c.speakers])).toEqual([
      ['Stream a', ['KH left']],
      ['Stream b ch 1', []],
      ['Stream b ch 2', ['Sub']],
    ]);
  });

  it('inputCount is at least stereo and grows with entries', () => {
    expect(inputCount(undefined)).toBe(2);
    expect(inputCount({ ...empty, entries: [{ input: 5, streamId: 'a', channel: 0, gainDb: 0 }] })).toBe(6);
  });

  it('feedFrom replaces what feeds one stream channel and sums two inputs at -6 dB', () => {
    const r = toggle(toggle(empty, 0, 'a', 0), 0, 'b', 0);
    const both = feedFrom(r, 'a', 0, [0, 1]);
    expect(sourceValue(both.entries, 'a', 0)).toBe('0+1');
    expect(both.entries.filter((e) => e.streamId === 'a').every((e) => e.gainDb === SUM_GAIN_DB)).toBe(true);
    expect(sourceValue(both.entries, 'b', 0)).toBe('0');
    expect(sourceValue(feedFrom(both, 'a', 0, []).entries, 'a', 0)).toBe('');
  });
});

describe('presets', () => {
  it('stereo pair: Left to the first stream, Right to the second', () => {
    expect(preset('stereo', ['l', 'r']).entries).toEqual([
      { input: 0, streamId: 'l', channel: 0, gainDb: 0 },
      { input: 1, streamId: 'r', channel: 0, gainDb: 0 },
    ]);
  });
  it('mono: both inputs summed at -6.02 dB into every stream', () => {
    const r = preset('mono', ['a', 'b']);
    expect(r.preset).toBe('mono');
    expect(r.entries).toHaveLength(4);
    for (const id of ['a', 'b']) expect(sourceValue(r.entries, id, 0)).toBe('0+1');
    expect(r.entries.every((e) => e.gainDb === SUM_GAIN_DB)).toBe(true);
  });
  it('2.1: Left, Right, and the summed sub on the third stream', () => {
    const r = preset('2.1', ['l', 'r', 'sub']);
    expect(sourceValue(r.entries, 'l', 0)).toBe('0');
    expect(sourceValue(r.entries, 'r', 0)).toBe('1');
    expect(sourceValue(r.entries, 'sub', 0)).toBe('0+1');
    expect(cell(r, 0, 'sub', 0)?.gainDb).toBe(SUM_GAIN_DB);
  });
});
