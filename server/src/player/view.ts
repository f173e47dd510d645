import { z } from 'zod';

/**
 * The player and its library as the API and the events show them. The schemas document the responses
 * in the OpenAPI document; the types are what the player and the library build.
 */

/** A playable file (a library entry or a queued track). */
export const TrackSchema = z.object({
  id: z.string(),
  path: z.string(),
  title: z.string().optional(),
  artist: z.string().optional(),
  album: z.string().optional(),
  track: z.number().optional(),
  durationS: z.number().optional(),
  sampleRate: z.number().optional(),
  hasCover: z.boolean(),
});
export type Track = z.infer<typeof TrackSchema>;

export const PlayerState = z.enum(['stopped', 'playing', 'paused']);
export type PlayerState = z.infer<typeof PlayerState>;

export const PlayerSchema = z.object({
  state: PlayerState,
  queue: z.array(TrackSchema),
  current: z.number().nullable(),
  positionS: z.number(),
  error: z.string().optional(),
});
export type PlayerView = z.infer<typeof PlayerSchema>;

export const ScanStatusSchema = z.object({ scanning: z.boolean(), scanned: z.number(), total: z.number(), error: z.string().optional() });
export type ScanStatus = z.infer<typeof ScanStatusSchema>;

/** The library folder (`player.library`, absolute: a relative one resolved from the config file's folder) and its scan. */
export const LibraryStatusSchema = ScanStatusSchema.extend({ path: z.string() });
export type LibraryStatus = z.infer<typeof LibraryStatusSchema>;
