import { Passthrough } from './passthrough.js';
import { PolyphaseResampler, polyphaseDesign } from './polyphase-resampler.js';
import type { Resampler } from './resampler.js';

export interface ResamplerOptions {
  inRate: number;
  outRate: number;
  channels: number;
}

/**
 * Fixed-ratio resampler for a rate pair: an exact copy when the rates match,
 * otherwise one polyphase stage (a polyphase + half-band chain for 44.1 ->
 * 96 kHz measured only ~8 % cheaper with the SIMD kernel; see docs/dsp.md).
 */
export function createResampler(opts: ResamplerOptions): Resampler {
  const { inRate, outRate, channels } = opts;
  if (!(inRate > 0 && outRate > 0 && Number.isInteger(inRate) && Number.isInteger(outRate))) {
    throw new RangeError(`unsupported rates ${inRate} -> ${outRate}`);
  }
  if (!(Number.isInteger(channels) && channels > 0)) throw new RangeError(`bad channel count ${channels}`);
  if (inRate === outRate) return new Passthrough(inRate, channels);
  return new PolyphaseResampler({ inRate, outRate, channels });
}

/**
 * Designs up to `budget` prototype samples of the filter createResampler(opts) will need; true once it
 * needs none, so creating it costs no design (see PolyphaseDesign).
 */
export function prepareResampler(opts: Pick<ResamplerOptions, 'inRate' | 'outRate'>, budget: number): boolean {
  return opts.inRate === opts.outRate || polyphaseDesign(opts.inRate, opts.outRate).advance(budget);
}
