/**
 * Every stream of a config against the receiver profiles of what it feeds: its own profile, and each
 * speaker's patched to it (streams/profiles.ts has the rules). Issues are warnings: the config is saved
 * and runs, and the API, the console and `aes67 check` show them with their fixes.
 */
import { PROFILES, profileIssues, type ProfileIssue } from '../streams/profiles.js';
import type { Config } from './schema.js';

/** The issues of each stream, by stream id (a stream with none has an empty list). */
export function configProfileIssues(cfg: Config): Map<string, ProfileIssue[]> {
  const out = new Map(cfg.streams.map((s) => [s.id, s.profile ? profileIssues(s, PROFILES[s.profile]) : []]));
  const byId = new Map(cfg.streams.map((s) => [s.id, s]));
  for (const sp of cfg.speakers) {
    const s = sp.streamId === null ? undefined : byId.get(sp.streamId);
    if (!s || !sp.profile) continue;
    out.get(s.id)!.push(...profileIssues(s, PROFILES[sp.profile], { speakerId: sp.id, speakerName: sp.name, channel: sp.channel }));
  }
  return out;
}
