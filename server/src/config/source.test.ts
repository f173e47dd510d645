/**
 * routing.source: the old string sources still load, the signal and FIFO sources load with their
 * defaults and survive a save, and bad settings fail with the file, line, path and a reason.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults.js';
import { parseConfig } from './load.js';
import { serializeConfig } from './save.js';
import type { Config } from './schema.js';

const FILE = '/etc/aes67/config.yaml';

function withSource(source: unknown, edit: (c: Config) => void = () => undefined): string {
  const c = defaultConfig();
  edit(c);
  return serializeConfig({ ...c, routing: { ...c.routing, source } } as Config, FILE);
}

const sine = { kind: 'signal', signal: { kind: 'sine', frequency: 1000, levelDb: -20 } };
const fifo = { kind: 'fifo', path: '/run/mpd/aes67.fifo', format: 's16le', rate: 44100, channels: 2 };

describe('routing.source', () => {
  it.each(['tone', 'player'])('still loads the string source %s, and keeps it a string', (s) => {
    expect(parseConfig(withSource(s), FILE).routing.source).toBe(s);
  });

  it('loads a test signal with two channels by default', () => {
    expect(parseConfig(withSource(sine), FILE).routing.source).toEqual({ ...sine, channels: 2 });
  });

  it('loads a FIFO with a 200 ms target by default, and a saved one loads back the same', () => {
    const cfg = parseConfig(withSource(fifo), FILE);
    expect(cfg.routing.source).toEqual({ ...fifo, targetMs: 200 });
    for (const file of [FILE, '/etc/aes67/config.json']) expect(parseConfig(serializeConfig(cfg, file), file)).toEqual(cfg);
  });

  it.each([
    ['a relative FIFO path', { ...fifo, path: 'aes67.fifo' }, 'routing.source.path: an absolute path'],
    ['an unknown format', { ...fifo, format: 'S16_LE' }, 'routing.source.format: one of s16le, s24le, s24_3le, s32le, f32le'],
    ['a FIFO without a rate', { ...fifo, rate: undefined }, 'routing.source.rate: Invalid input: expected number'],
    ['a FIFO with 9 channels', { ...fifo, channels: 9 }, 'routing.source.channels: Too big'],
    ['a target buffer of 5 ms', { ...fifo, targetMs: 5 }, 'routing.source.targetMs: Too small'],
    ['an unknown FIFO setting', { ...fifo, bufferMs: 100 }, 'routing.source: Unrecognized key: "bufferMs"'],
    ['an unknown kind', { kind: 'alsa' }, "routing.source.kind: Invalid discriminator value. Expected 'signal' | 'fifo'"],
    ['an unknown source name', 'mic', 'routing.source: "player", "tone", or an object with kind "signal" or "fifo"'],
    ['an unknown signal', { kind: 'signal', signal: { kind: 'square', levelDb: -20 } }, 'routing.source.signal.kind: Invalid discriminator value'],
    ['a level above full scale', { kind: 'signal', signal: { kind: 'sine', frequency: 1000, levelDb: 3 } }, 'routing.source.signal.levelDb: Too big'],
  ])('rejects %s with the path and the reason', (_what, source, message) => {
    expect(() => parseConfig(withSource(source), FILE)).toThrow(`${FILE}:`);
    expect(() => parseConfig(withSource(source), FILE)).toThrow(message);
  });

  it('rejects a sine at or above the Nyquist frequency of a routed stream', () => {
    const hi = { kind: 'signal', signal: { kind: 'sine', frequency: 30000, levelDb: -20 } };
    expect(() => parseConfig(withSource(hi), FILE)).toThrow('routing.source: 30000 Hz is not below the Nyquist frequency (24000 Hz at 48000 Hz)');
  });

  it('rejects a FIFO routed to streams of two sample rates (it can be read once)', () => {
    const text = withSource(fifo, (c) => void (c.streams[1].sampleRate = 96000));
    expect(() => parseConfig(text, FILE)).toThrow('routing.source: a FIFO input feeds streams of one sample rate and packet time, but the routing uses 48000 Hz/1000 us and 96000 Hz/1000 us');
    // Disabled, the other stream has no program to feed, so it does not count.
    const disabled = withSource(fifo, (c) => Object.assign(c.streams[1], { sampleRate: 96000, enabled: false }));
    expect(parseConfig(disabled, FILE).routing.source).toMatchObject({ kind: 'fifo' });
  });
});
