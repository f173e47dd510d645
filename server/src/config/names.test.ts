/**
 * Names reach the SDP's s= line, RAVENNA's mDNS instance names and RTSP paths: the schema refuses what
 * would break one of them (finding 2 of the hostile-input issue: `{"name":"a\nb"}` was saved and then
 * broke every later change), wherever a name enters: stream and speaker, create and patch.
 */
import { describe, expect, it } from 'vitest';
import { ConfigSchema, StreamCreate, StreamPatch } from './schema.js';
import { SpeakerCreate } from './speaker-create.js';
import { defaultConfig } from './defaults.js';
import { crossCheck } from './cross-check.js';
import { NAME_MAX_BYTES, nameProblem } from './names.js';
import { PROGRAM_CHANNELS } from '../streams/formats.js';

describe('names', () => {
  it.each([
    ['a line feed', 'a\nb', /control characters/],
    ['a carriage return', 'a\rb', /control characters/],
    ['NUL', 'a\u0000b', /control characters/],
    ['a tab', 'a\tb', /control characters/],
    ['DEL', 'a\u007fb', /control characters/],
    ['a C1 control', 'a\u0085b', /control characters/],
    ['a line separator', 'a\u2028b', /control characters/],
    ['a lone surrogate', 'a\ud800b', /valid Unicode/],
    ['only spaces', '   ', /only spaces/],
    ['64 bytes of UTF-8 in 32 characters', 'ü'.repeat(32), /at most 63 bytes of UTF-8 .*not 64/],
  ])('refuses %s', (_what, name, reason) => {
    expect(nameProblem(name)).toMatch(reason);
    for (const schema of [StreamCreate, StreamPatch, SpeakerCreate]) {
      const r = schema.safeParse({ name });
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.path.join('.'))).toContain('name');
    }
  });

  it.each([['Küche links'], ['Studio A · KH 120 II'], ['🔊 left'], ['x'.repeat(NAME_MAX_BYTES)], ['ü'.repeat(31) + 'x']])('accepts %s', (name) => {
    expect(nameProblem(name)).toBeNull();
    expect(StreamCreate.safeParse({ name }).success).toBe(true);
  });

  it('refuses a config file whose stream has a bad name, at load', () => {
    const cfg = defaultConfig();
    cfg.streams[0].name = 'left\r\nX-Injected: yes';
    const r = ConfigSchema.safeParse(cfg);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['streams', 0, 'name']);
  });
});

describe('one mixer program per rate and packet time', () => {
  it(`refuses enabled streams of one rate and packet time carrying more than ${PROGRAM_CHANNELS} channels, naming the stream`, () => {
    const cfg = defaultConfig();
    const base = cfg.streams[0];
    cfg.streams = Array.from({ length: PROGRAM_CHANNELS / 8 + 1 }, (_, i) => ({ ...base, id: `s${i}`, address: `239.69.1.${i + 1}`, channels: 8 }));
    cfg.speakers = [];
    cfg.routing.entries = [];
    expect(crossCheck(cfg)).toEqual({ path: ['streams', PROGRAM_CHANNELS / 8, 'channels'], message: expect.stringMatching(new RegExp(`carry ${PROGRAM_CHANNELS + 8} channels, at most ${PROGRAM_CHANNELS}`)), code: 'invalid' });
    cfg.streams[PROGRAM_CHANNELS / 8].enabled = false;
    expect(crossCheck(cfg)).toBeNull();
    cfg.streams[PROGRAM_CHANNELS / 8] = { ...cfg.streams[PROGRAM_CHANNELS / 8], enabled: true, ptimeUs: 125 };
    expect(crossCheck(cfg)).toBeNull();
  });
});
