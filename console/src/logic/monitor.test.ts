import { describe, expect, it } from 'vitest';
import type { MonitorFrame } from '../api/types.js';
import { HISTORY_FRAMES, addPoint, hashFor, keyFromHash, monitorUrl } from './monitor.js';

const frame = (at: number, late: number, lost: number, offset: number | null) =>
  ({ at, stats: { jitterMs: 0.02, late, lost, offsetMs: offset === null ? null : { last: offset, min: 0, max: 1, mean: 0.1 } } }) as unknown as MonitorFrame;

describe('monitor page logic', () => {
  it('reads and writes the stream in the hash, and builds the socket URL from the page', () => {
    expect(keyFromHash('#/monitor?stream=1')).toEqual({ kind: 'stream', id: '1' });
    expect(keyFromHash('#/monitor?remote=sap%3A10.0.0.5%2F42')).toEqual({ kind: 'remote', id: 'sap:10.0.0.5/42' });
    expect(keyFromHash('#/monitor')).toBeNull();
    expect(hashFor({ kind: 'remote', id: 'sap:10.0.0.5/42' })).toBe('#/monitor?remote=sap%3A10.0.0.5%2F42');
    expect(monitorUrl({ protocol: 'http:', host: '127.0.0.1:8067' }, { kind: 'stream', id: 'a b' })).toBe('ws://127.0.0.1:8067/api/v1/monitor?stream=a%20b');
    expect(monitorUrl({ protocol: 'https:', host: 'sender.local' }, { kind: 'stream', id: '1' })).toBe('wss://sender.local/api/v1/monitor?stream=1');
  });

  it('keeps late and lost packets per frame, not totals, and at most HISTORY_FRAMES points', () => {
    let h = addPoint([], null, frame(0, 3, 1, null));
    h = addPoint(h, frame(0, 3, 1, null), frame(250, 5, 1, 0.2));
    expect(h).toEqual([
      { t: 0, jitterMs: 0.02, offsetMs: null, late: 0, lost: 0 },
      { t: 250, jitterMs: 0.02, offsetMs: 0.2, late: 2, lost: 0 },
    ]);
    let long = h;
    for (let i = 0; i < HISTORY_FRAMES + 10; i++) long = addPoint(long, frame(i, 5, 1, 0), frame(i + 1, 5, 1, 0));
    expect(long.length).toBe(HISTORY_FRAMES);
    expect(long.at(-1)!.t).toBe(HISTORY_FRAMES + 10);
  });
});
