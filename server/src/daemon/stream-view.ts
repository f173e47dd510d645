import { z } from 'zod';
import { StreamConfigSchema } from '../config/schema.js';

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
});
export type StreamView = z.infer<typeof StreamView>;

/** The `stats` event, about 4 times a second: counters and meters per stream id. */
export type StreamStats = Record<string, Pick<StreamView, 'counters' | 'meters'>>;
