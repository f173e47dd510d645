import { describe, expect, it } from 'vitest';
import { PROFILE_IDS, PROFILES, profileIssues, type ProfileRule, type StreamFacts } from './profiles.js';

const ok: StreamFacts = { name: 'Left', address: '239.69.0.1', port: 5004, encoding: 'L24', sampleRate: 48000, channels: 1, ptimeUs: 1000 };
const feed = { speakerId: 'l', speakerName: 'KH Left', channel: 0 };

/** One stream per rule, breaking only that rule. */
const breaking: Record<Exclude<ProfileRule, 'channel'>, Partial<StreamFacts>> = {
  rate: { sampleRate: 96000 },
  encoding: { encoding: 'L16' },
  ptime: { ptimeUs: 4000 },
  channels: { channels: 16 },
  prefix: { address: '239.1.2.3' },
  port: { port: 5006 },
};

/** Which rule each profile sets, as the table of docs/configuration.md says. */
const expected: Record<string, ProfileRule[]> = {
  aes67: ['rate', 'ptime', 'channels'],
  dante: ['rate', 'ptime', 'channels', 'prefix', 'port'],
  'neumann-kh': ['ptime', 'channel'],
  merging: [],
};

describe('receiver profiles', () => {
  it('a 48 kHz L24 mono 1 ms stream on 239.69.0.1:5004 suits every profile', () => {
    for (const id of PROFILE_IDS) expect(profileIssues(ok, PROFILES[id], feed), id).toEqual([]);
  });

  it('each profile catches exactly the rules it sets, one rule broken at a time', () => {
    for (const id of PROFILE_IDS) {
      const caught: ProfileRule[] = [];
      for (const [rule, change] of Object.entries(breaking) as [ProfileRule, Partial<StreamFacts>][]) {
        const issues = profileIssues({ ...ok, ...change }, PROFILES[id], feed);
        expect(issues.every((i) => i.rule === rule && i.profile === id && i.speakerId === 'l'), `${id} ${rule}`).toBe(true);
        if (issues.length) caught.push(rule);
      }
      if (profileIssues(ok, PROFILES[id], { ...feed, channel: 1 }).length) caught.push('channel');
      expect(caught, id).toEqual(expected[id]);
      // Every rule a profile sets names its source.
      for (const rule of caught) expect(PROFILES[id].sources[rule], `${id} ${rule} source`).toBeTruthy();
    }
  });

  it('words each issue with its fix', () => {
    const dante = PROFILES.dante;
    expect(profileIssues({ ...ok, ptimeUs: 4000 }, dante, null)).toEqual([
      { profile: 'dante', rule: 'ptime', speakerId: null, text: 'Receivers of the Dante in AES67 mode profile take only packet times of 125 µs, 250 µs, 333 µs or 1 ms; "Left" uses 4 ms', fix: 'set "Left" to 1 ms packets' },
    ]);
    expect(profileIssues({ ...ok, sampleRate: 96000 }, dante, { speakerId: 'd', speakerName: 'Desk', channel: 0 })[0]).toMatchObject({
      text: 'Desk (Dante in AES67 mode) takes only 48 kHz; "Left" is 96 kHz',
      fix: 'set "Left" to 48 kHz',
    });
    expect(profileIssues({ ...ok, address: '239.70.0.1' }, dante, null)[0].fix).toBe('move "Left" into 239.69.0.0/16, or change the receivers\' multicast prefix to match');
    expect(profileIssues({ ...ok, channels: 2, sampleRate: 44100 }, PROFILES['neumann-kh'], { ...feed, channel: 1 }).map((i) => [i.rule, i.text])).toEqual([
      ['rate', 'KH Left (Neumann KH AES67 speaker) takes only 48 kHz or 96 kHz; "Left" is 44.1 kHz'],
      ['channel', 'KH Left (Neumann KH AES67 speaker) plays only the first channel of a stream; it is patched to channel 2 of "Left" and would play channel 1'],
    ]);
  });

  it("the multicast prefix is a range, not a string prefix: 239.69.255.255 is in Dante's, 239.6.9.1 and 239.690 are not", () => {
    const prefix = (address: string) => profileIssues({ ...ok, address }, PROFILES.dante).length === 0;
    expect([prefix('239.69.0.0'), prefix('239.69.255.255'), prefix('239.6.9.1'), prefix('239.68.255.255'), prefix('239.70.0.0')]).toEqual([true, true, false, false, false]);
  });
});
