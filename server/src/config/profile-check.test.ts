import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults.js';
import { configProfileIssues } from './profile-check.js';
import type { Config } from './schema.js';

describe("a config's profile issues", () => {
  it('checks each stream against its own profile and each profiled speaker patched to it', () => {
    const d = defaultConfig();
    const cfg: Config = {
      ...d,
      streams: [{ ...d.streams[0], sampleRate: 96000 }, { ...d.streams[1], ptimeUs: 4000, profile: 'aes67' }],
      speakers: [
        { ...d.speakers[0], profile: 'dante' },
        { ...d.speakers[1], profile: null },
      ],
    };
    const issues = configProfileIssues(cfg);
    expect([...issues.keys()]).toEqual(['1', '2']);
    expect(issues.get('1')!.map((i) => [i.profile, i.rule, i.speakerId])).toEqual([['dante', 'rate', 'left']]);
    expect(issues.get('2')!.map((i) => [i.profile, i.rule, i.speakerId])).toEqual([['aes67', 'ptime', null]]);
    // The embedded default names no profile: nothing to say.
    expect([...configProfileIssues(d).values()].flat()).toEqual([]);
  });
});
