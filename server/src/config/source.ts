import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { RAW_FORMATS } from '../audio/raw-pcm.js';
import { signalProblem, signalSpecSchema } from '../audio/signal-spec.js';

/**
 * What the programs play (`routing.source`). The two sources without settings stay plain strings, as
 * configs before the signal and FIFO sources wrote them; the others are objects told apart by `kind`.
 */

const BUS_INPUTS = 8;

export const SignalSource = z
  .object({
    kind: z.literal('signal'),
    signal: signalSpecSchema,
    /** Bus inputs 0..channels-1 carry the signal; the rest are silent. */
    channels: z.number().int().min(1).max(BUS_INPUTS).default(2),
  })
  .strict();

export const FifoSource = z
  .object({
    kind: z.literal('fifo'),
    /** A named pipe a live producer on its own clock writes raw PCM into (MPD's fifo output, arecord). */
    path: z
      .string()
      .min(1)
      .max(4096)
      .refine((p) => isAbsolute(p), 'an absolute path (the daemon does not resolve FIFO paths against its working directory)')
      .refine((p) => !p.includes('\0'), 'no NUL characters'),
    format: z.enum(RAW_FORMATS, { error: `one of ${RAW_FORMATS.join(', ')} (s24le is 24 bits in 4 bytes, s24_3le packed 3 bytes)` }),
    /** Declared rate of the PCM in the FIFO. */
    rate: z.number().int().min(8000).max(384000),
    /** Channels in the FIFO; channel n lands on bus input n. */
    channels: z.number().int().min(1).max(BUS_INPUTS),
    /** Input buffer level the skew compensation holds: the input's latency. */
    targetMs: z.number().min(20).max(5000).default(200),
    /**
     * When the producer closes the FIFO: wait (the default) for it to come back, as MPD's fifo output does
     * across pauses, or end: play out the buffer and stop reading (`aes67 play --live` exits then).
     */
    onEof: z.enum(['wait', 'end']).optional(),
  })
  .strict();

const SOURCE_HELP = '"player", "tone", or an object with kind "signal" or "fifo" (see docs/configuration.md)';

export const RoutingSource = z.union([z.enum(['player', 'tone']), z.discriminatedUnion('kind', [SignalSource, FifoSource])], { error: SOURCE_HELP });
export type RoutingSource = z.infer<typeof RoutingSource>;
export type FifoSource = z.infer<typeof FifoSource>;
export type SignalSource = z.infer<typeof SignalSource>;

export interface SourceStream {
  id: string;
  sampleRate: number;
  ptimeUs: number;
  enabled: boolean;
}

/**
 * Why `source` cannot feed the enabled streams the routing uses, or null. A signal must lie below each
 * of their Nyquist frequencies. A FIFO can be read only once, and one live input is built per program
 * (one sample rate and packet time), so every routed stream must share one.
 */
export function sourceProblem(source: RoutingSource, routed: SourceStream[]): string | null {
  if (typeof source === 'string') return null;
  const live = routed.filter((s) => s.enabled);
  if (source.kind === 'signal') {
    for (const rate of new Set(live.map((s) => s.sampleRate))) {
      const problem = signalProblem(source.signal, rate);
      if (problem) return problem;
    }
    return null;
  }
  const groups = [...new Set(live.map((s) => `${s.sampleRate} Hz/${s.ptimeUs} us`))];
  if (groups.length <= 1) return null;
  return `a FIFO input feeds streams of one sample rate and packet time, but the routing uses ${groups.join(' and ')}`;
}
