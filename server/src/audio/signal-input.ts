import { z } from 'zod';
import { BUS_CHANNELS, type InputBus, type InputInfo } from './input.js';
import { createSignal, type Signal } from './signals.js';
import { signalProblem, signalSpecSchema } from './signal-spec.js';

/** Plain, serialisable options: the DSP worker builds the input from these (validate with the schema). */
export const signalInputOptionsSchema = z.object({
  signal: signalSpecSchema,
  /** The program's sample rate. */
  rate: z.number().int().min(8000).max(384000),
  /** Bus inputs 0..channels-1 carry the signal (default 2); the rest are silent. */
  channels: z.number().int().min(1).max(BUS_CHANNELS).optional(),
});

export type SignalInputOptions = z.infer<typeof signalInputOptionsSchema>;

const FLOAT: InputInfo = { sourceBits: undefined, resampled: false };

/** A test signal on the daemon's input bus; generated in place, so it never blocks or allocates. */
export class SignalInput implements InputBus {
  private readonly signal: Signal;
  private readonly channels: number;

  constructor(opts: SignalInputOptions) {
    const problem = signalProblem(opts.signal, opts.rate);
    if (problem) throw new RangeError(problem);
    this.channels = opts.channels ?? 2;
    if (!Number.isInteger(this.channels) || this.channels < 1 || this.channels > BUS_CHANNELS) {
      throw new RangeError(`a signal input has 1 to ${BUS_CHANNELS} channels, not ${this.channels}`);
    }
    this.signal = createSignal(opts.signal, opts.rate);
  }

  read(out: Float64Array, frames: number): InputInfo {
    out.fill(0, 0, frames * BUS_CHANNELS);
    this.signal.render(out, frames, this.channels, BUS_CHANNELS);
    return FLOAT;
  }
}
