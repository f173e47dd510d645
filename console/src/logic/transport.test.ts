import { describe, expect, it } from 'vitest';
import type { Player, Track } from '../api/types.js';
import { optimisticTransport } from './transport.js';

const track: Track = { id: 'q1', path: 'tone.flac', title: 'E2E Tone', hasCover: false };
const stopped: Player = { state: 'stopped', queue: [track], current: null, positionS: 0 };

describe('optimisticTransport', () => {
  it('play from stopped names the first queued track with the playing state', () => {
    expect(optimisticTransport(stopped, 'play')).toEqual({ state: 'playing', current: 0 });
  });

  it('play after a pause keeps the current track', () => {
    const paused: Player = { ...stopped, queue: [track, { ...track, id: 'q2' }], state: 'paused', current: 1 };
    expect(optimisticTransport(paused, 'play')).toEqual({ state: 'playing', current: 1 });
  });

  it('play on an empty queue changes nothing (the daemon refuses it)', () => {
    expect(optimisticTransport({ ...stopped, queue: [] }, 'play')).toBeNull();
  });

  it('pause only pauses what plays; next and previous wait for the daemon', () => {
    expect(optimisticTransport({ ...stopped, state: 'playing', current: 0 }, 'pause')).toEqual({ state: 'paused' });
    expect(optimisticTransport(stopped, 'pause')).toBeNull();
    expect(optimisticTransport(stopped, 'next')).toBeNull();
    expect(optimisticTransport(stopped, 'previous')).toBeNull();
  });
});
