import { describe, expect, it } from 'vitest';
import { SpeakerCreate } from './speaker-create.js';
import { presetForName, SPEAKER_PRESET_IDS, SPEAKER_PRESETS } from '../streams/speaker-presets.js';
import { PROFILES } from '../streams/profiles.js';

const issue = (body: unknown) => {
  const r = SpeakerCreate.safeParse(body);
  if (r.success) throw new Error(`accepted ${JSON.stringify(body)}`);
  return { field: r.error.issues[0].path.join('.'), message: r.error.issues[0].message };
};

describe('SpeakerCreate with presets', () => {
  it('fills the plain defaults without a preset', () => {
    expect(SpeakerCreate.parse({ name: 'L' })).toEqual({
      name: 'L', host: null, model: null, sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1, profile: null, streamId: null, channel: 0, gainDb: 0, mute: false, delayMs: 0,
    });
  });

  it('fills model, rate, encodings, channels and profile from a preset', () => {
    expect(SpeakerCreate.parse({ name: 'L', preset: 'neumann-kh-120-ii' })).toMatchObject({
      model: 'Neumann KH 120 II AES67', sampleRate: 48000, encodings: ['L24', 'L16'], maxChannels: 1, profile: 'neumann-kh',
    });
    expect(SpeakerCreate.parse({ name: 'G', preset: 'generic-aes67' })).toMatchObject({ model: 'AES67 receiver', maxChannels: 8, profile: 'aes67' });
  });

  it.each([
    ['a rate the model takes', { sampleRate: 96000 }, { sampleRate: 96000 }],
    ['one of its encodings', { encodings: ['L16'] }, { encodings: ['L16'] }],
    ['its own model name', { model: 'KH 120 II AES67 W' }, { model: 'KH 120 II AES67 W' }],
    ['no profile', { profile: null }, { profile: null }],
    ['another profile', { profile: 'dante' }, { profile: 'dante' }],
  ])('lets the request give %s over the preset', (_what, given, expected) => {
    expect(SpeakerCreate.parse({ name: 'L', preset: 'neumann-kh-150', ...given })).toMatchObject({ ...expected, maxChannels: 1 });
  });

  it.each([
    [{ sampleRate: 44100 }, 'sampleRate', 'the Neumann KH 120 II AES67 can be set to 48 or 96 kHz, not 44.1 kHz'],
    [{ encodings: ['L24', 'L32'] }, 'encodings.1', 'L16 or L24'],
    [{ maxChannels: 2 }, 'maxChannels', 'the Neumann KH 120 II AES67 plays only the first channel of a stream, not 2'],
    [{ preset: 'kh-9000' }, 'preset', `one of ${SPEAKER_PRESET_IDS.join(', ')}`],
  ])('refuses %j on its field with the reason', (given, field, message) => {
    expect(issue({ name: 'L', preset: 'neumann-kh-120-ii', ...given })).toEqual({ field, message });
  });

  it('refuses a rate a generic AES67 receiver need not take', () => {
    expect(issue({ name: 'G', preset: 'generic-aes67', sampleRate: 96000 })).toEqual({ field: 'sampleRate', message: 'the AES67 receiver can be set to 48 kHz, not 96 kHz' });
  });

  it("keeps every preset within its profile's rules", () => {
    for (const id of SPEAKER_PRESET_IDS) {
      const p = SPEAKER_PRESETS[id];
      const profile = PROFILES[p.profile];
      for (const r of p.rates) expect(profile.rates === null || profile.rates.includes(r), `${id} ${r}`).toBe(true);
      for (const e of p.encodings) expect(profile.encodings).toContain(e);
      if (profile.firstChannelOnly) expect(p.maxChannels).toBe(1);
    }
  });
});

describe('presetForName', () => {
  it.each([
    ['KH 120 II AES67 W 3021', 'neumann-kh-120-ii'],
    ['Neumann-KH150-AES67-1A2B', 'neumann-kh-150'],
    ['kh 80 dsp', 'neumann-kh-80'],
    ['KH 310 AES67', 'neumann-kh-310'],
    ['KH 1200', null],
    ['Anubis 61234', null],
  ])('%s names %s', (name, id) => {
    expect(presetForName(name)).toBe(id);
  });
});
