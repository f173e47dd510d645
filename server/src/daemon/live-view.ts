import { z } from 'zod';
import { RAW_FORMATS } from '../audio/raw-pcm.js';
import type { LiveReport } from '../mix/dsp-host.js';
import { shownLevel } from '../live/skew-buffer.js';

/** A live input as the API, the events and the metrics show it (GET /api/v1/inputs/live). */
export const LiveInputView = z.object({
  kind: z.literal('fifo'),
  path: z.string(),
  format: z.enum(RAW_FORMATS),
  /** The FIFO's declared rate and channels, and the rate of the program it feeds. */
  rate: z.number(),
  channels: z.number(),
  programRate: z.number(),
  /** Whether the FIFO is open, and why not (missing, not a FIFO, a read error). */
  open: z.boolean(),
  problem: z.string().nullable(),
  /** Playing from the buffer (false while it primes after the start or an underrun). */
  running: z.boolean(),
  /** The producer's clock against the media clock (positive: producer fast); meaningful once settled (~1 min). */
  skewPpm: z.number(),
  /** The resampling adjustment in force now. */
  ratioPpm: z.number(),
  /** The buffer level: low-passed while playing (the raw level is a sawtooth of the producer's writes), the fill while priming. */
  bufferMs: z.number(),
  targetMs: z.number(),
  capacityMs: z.number(),
  underruns: z.number(),
  overruns: z.number(),
  droppedFrames: z.number(),
});
export type LiveInputView = z.infer<typeof LiveInputView>;

const tenth = (x: number): number => Math.round(x * 10) / 10;

/** The worker's report in the units people read: milliseconds and ppm to a tenth. */
export function liveInputView(r: LiveReport): LiveInputView | null {
  const { input, stats } = r;
  if (input.kind !== 'fifo') return null;
  const ms = (frames: number) => tenth((frames * 1000) / input.rate);
  return {
    kind: 'fifo',
    path: input.path,
    format: input.format,
    rate: input.rate,
    channels: input.channels,
    programRate: r.sampleRate,
    open: stats.open,
    problem: stats.problem,
    running: stats.running,
    skewPpm: tenth(stats.estimatedSkewPpm),
    ratioPpm: tenth(stats.ratioPpm),
    bufferMs: ms(shownLevel(stats)),
    targetMs: ms(stats.targetFrames),
    capacityMs: ms(stats.capacityFrames),
    underruns: stats.underruns,
    overruns: stats.overruns,
    droppedFrames: stats.droppedFrames,
  };
}
