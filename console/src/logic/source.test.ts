import { describe, expect, it } from 'vitest';
import type { RoutingSource } from '../api/types.js';
import { DEFAULT_DRAFT, describeSource, draftFrom, liveSummary, sourceField, sourceKind, toSource } from './source.js';

const sine: RoutingSource = { kind: 'signal', signal: { kind: 'sine', frequency: 997, levelDb: -20 }, channels: 2 };
const sweep: RoutingSource = { kind: 'signal', signal: { kind: 'sweep', f1: 20, f2: 20000, seconds: 5, levelDb: -12 }, channels: 1 };
const fifo: RoutingSource = { kind: 'fifo', path: '/run/mpd/aes67.fifo', format: 's24_3le', rate: 44100, channels: 2, targetMs: 150 };

describe('routing source form', () => {
  it.each([['player'], ['tone'], [sine], [sweep], [fifo]] as [RoutingSource][])('round-trips %j through the draft', (s) => {
    expect(toSource(sourceKind(s), draftFrom(s))).toEqual(s);
  });

  it('sends numbers as typed, so the daemon decides what is out of range', () => {
    const s = toSource('signal', { ...DEFAULT_DRAFT, frequency: '30000', levelDb: '3' });
    expect(s).toEqual({ kind: 'signal', signal: { kind: 'sine', frequency: 30000, levelDb: 3 }, channels: 2 });
    expect(toSource('fifo', { ...DEFAULT_DRAFT, path: '  relative.fifo ' })).toMatchObject({ path: 'relative.fifo', format: 's16le', rate: 48000, targetMs: 200 });
  });

  it("maps the API's field paths to the form's fields", () => {
    expect(sourceField('source.signal.frequency')).toBe('frequency');
    expect(sourceField('source.signal.kind')).toBe('signal');
    expect(sourceField('source.path')).toBe('path');
    expect(sourceField('source.targetMs')).toBe('targetMs');
    expect(sourceField('source')).toBeNull();
    expect(sourceField('entries.0.input')).toBeNull();
    expect(sourceField(undefined)).toBeNull();
  });

  it('describes each source in one line', () => {
    expect(describeSource('player')).toBe('player');
    expect(describeSource(sine)).toBe('sine 997 Hz, -20 dBFS');
    expect(describeSource(sweep)).toBe('sweep 20-20000 Hz over 5 s, -12 dBFS');
    expect(describeSource(fifo)).toBe('FIFO /run/mpd/aes67.fifo (s24_3le, 44.1 kHz, 2 ch)');
  });

  it('summarises a live input: why it is not open, priming, or playing with its skew', () => {
    const base = { open: true, problem: null, running: true, skewPpm: -23.44, bufferMs: 201.26, targetMs: 200 };
    expect(liveSummary({ ...base, open: false, problem: '/run/a.fifo: no such FIFO (yet)' })).toBe('Not open: /run/a.fifo: no such FIFO (yet)');
    expect(liveSummary({ ...base, running: false, bufferMs: 40 })).toBe('Waiting for audio (buffer 40 of 200 ms)');
    expect(liveSummary(base)).toBe('Playing, buffer 201.3 ms (target 200 ms), skew −23.4 ppm');
  });
});
