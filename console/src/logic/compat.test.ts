import { describe, expect, it } from 'vitest';
import { canPlay, type SpeakerCaps } from './compat.js';

const kh120: SpeakerCaps = { sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1 };
const mono48 = { sampleRate: 48000, encoding: 'L24', channels: 1 };

describe('canPlay (RX patch compatibility)', () => {
  it('accepts a mono L24 48 kHz stream on a 48 kHz KH 120', () => {
    expect(canPlay(kh120, mono48)).toEqual({ ok: true, reason: '', problems: [] });
  });

  it('refuses a 44.1 kHz stream with the wrong-rate reason naming both rates', () => {
    const c = canPlay(kh120, { ...mono48, sampleRate: 44100 });
    expect(c.ok).toBe(false);
    expect(c.problems).toEqual(['rate']);
    expect(c.reason).toBe('wrong rate: stream is 44.1 kHz, speaker is set to 48 kHz');
  });

  it('refuses an encoding the speaker does not take', () => {
    const c = canPlay({ ...kh120, encodings: ['L24'] }, { ...mono48, encoding: 'L16' });
    expect(c.problems).toEqual(['encoding']);
    expect(c.reason).toBe('wrong encoding: stream is L16, speaker takes L24');
    expect(canPlay(kh120, { ...mono48, encoding: 'AM824' }).reason).toMatch(/wrong encoding: stream is AM824/);
  });

  it('refuses a stream with more channels than the speaker takes', () => {
    const c = canPlay(kh120, { ...mono48, channels: 2 });
    expect(c.problems).toEqual(['channels']);
    expect(c.reason).toBe('too many channels: stream has 2, speaker takes at most 1');
    expect(canPlay({ ...kh120, maxChannels: 8 }, { ...mono48, channels: 8 }).ok).toBe(true);
  });

  it('lists every problem, rate first, when several apply', () => {
    const c = canPlay(kh120, { sampleRate: 96000, encoding: 'L16', channels: 4 });
    expect(canPlay({ ...kh120, encodings: ['L24'] }, { sampleRate: 96000, encoding: 'L16', channels: 4 }).problems).toEqual(['rate', 'encoding', 'channels']);
    expect(c.problems).toEqual(['rate', 'channels']);
    expect(c.reason.split('; ')).toHaveLength(2);
  });
});
