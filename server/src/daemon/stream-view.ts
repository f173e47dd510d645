import { z } from 'zod';
import { ProfileId, StreamConfigSchema } from '../config/schema.js';
import { PROFILE_RULES } from '../streams/profiles.js';

/** A receiver-profile rule the stream breaks for its own profile or a speaker's (streams/profiles.ts). */
export const ProfileIssueView = z.object({
  profile: ProfileId,
  rule: z.enum(PROFILE_RULES),
  /** The speaker whose profile it is; null: the stream's own. */
  speakerId: z.string().nullable(),
  text: z.string(),
  fix: z.string(),
});

/**
 * A stream as the API and the events show it: its configuration with live counters, meters and DSCP
 * state. The schema documents the responses in the OpenAPI document; the type is what the daemon builds.
 */
export const StreamView = StreamConfigSchema.extend({
  counters: z.object({ packets: z.number(), bytes: z.number(), latePackets: z.number(), maxLatenessUs: z.number(), underruns: z.number(), sendErrors: z.number() }),
  /** Per stream channel, dBFS; null is -Infinity (silence), which JSON cannot carry. */
  meters: z.object({ peakDb: z.array(z.number().nullable()), rmsDb: z.array(z.number().nullable()), clips: z.number() }),
  dscp: z.object({ requested: z.number(), marked: z.boolean(), reason: z.string().optional() }),
  /** Why the stream is not sending, when it is not. */
  error: z.string().optional(),
  /** What the receivers it feeds would not take, each with its fix; saved and sent all the same. */
  profileIssues: z.array(ProfileIssueView),
});
export type StreamView = z.infer<typeof StreamView>;

/** The `stats` event, about 4 times a second: counters and meters per stream id. */
export type StreamStats = Record<string, Pick<StreamView, 'counters' | 'meters'>>;
