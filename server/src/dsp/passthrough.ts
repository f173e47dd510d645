import { checkOutput, inputFrames, type Resampler } from './resampler.js';

/**
 * Bit-perfect path for matching rates: same interface as the resamplers, the
 * output is an exact copy of the input (Float32 input widens to Float64
 * exactly).
 */
export class Passthrough implements Resampler {
  readonly latencyFrames = 0;
  readonly inRate: number;
  readonly outRate: number;

  constructor(
    rate: number,
    readonly channels: number,
  ) {
    this.inRate = rate;
    this.outRate = rate;
  }

  maxOutputFrames(inputFrames: number): number {
    return inputFrames;
  }

  process(input: Float32Array | Float64Array, output: Float64Array, count?: number): number {
    const frames = inputFrames(input, this.channels, count);
    checkOutput(output, frames, this.channels);
    for (let k = 0, e = frames * this.channels; k < e; k++) output[k] = input[k];
    return frames;
  }

  flush(): number {
    return 0;
  }

  reset(): void {}
}
