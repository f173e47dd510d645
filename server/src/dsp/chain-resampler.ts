import { checkOutput, inputFrames, type Resampler } from './resampler.js';

/**
 * Two resamplers in series (e.g. 44.1 -> 48 kHz polyphase, then a 2x
 * half-band to 96 kHz). Alignment composes: both stages map output time to
 * input time with zero offset. Only the total count needs care, since
 * 2 * ceil(x) can exceed ceil(2x) by one; flush() trims that frame.
 */
export class ChainResampler implements Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly channels: number;
  readonly latencyFrames: number;
  /** Intermediate-rate frames; grows to the largest block seen, then is reused. */
  private mid: Float64Array;
  private readonly tail: Float64Array;
  private inputCount = 0;
  private outputCount = 0;

  constructor(
    private readonly first: Resampler,
    private readonly second: Resampler,
  ) {
    if (first.outRate !== second.inRate || first.channels !== second.channels) {
      throw new RangeError('chained resamplers do not match');
    }
    this.inRate = first.inRate;
    this.outRate = second.outRate;
    this.channels = first.channels;
    this.latencyFrames = first.latencyFrames + Math.ceil((second.latencyFrames * first.inRate) / first.outRate);
    this.mid = new Float64Array(first.maxOutputFrames(4096) * this.channels);
    this.tail = new Float64Array(second.maxOutputFrames(0) * this.channels);
  }

  maxOutputFrames(inputFrames: number): number {
    return this.second.maxOutputFrames(this.first.maxOutputFrames(inputFrames));
  }

  process(input: Float32Array | Float64Array, output: Float64Array, count?: number): number {
    const frames = inputFrames(input, this.channels, count);
    checkOutput(output, this.maxOutputFrames(frames), this.channels);
    const need = this.first.maxOutputFrames(frames) * this.channels;
    if (this.mid.length < need) this.mid = new Float64Array(need);
    const n = this.first.process(input, this.mid, frames);
    const written = this.second.process(this.mid, output, n);
    this.inputCount += frames;
    this.outputCount += written;
    return written;
  }

  flush(output: Float64Array): number {
    checkOutput(output, this.maxOutputFrames(0), this.channels);
    const n = this.first.flush(this.mid);
    let written = this.second.process(this.mid, output, n);
    const t = this.second.flush(this.tail);
    output.set(this.tail.subarray(0, t * this.channels), written * this.channels);
    written += t;
    const total = Math.ceil((this.inputCount * this.outRate) / this.inRate);
    written = Math.min(written, total - this.outputCount);
    this.reset();
    return written;
  }

  reset(): void {
    this.first.reset();
    this.second.reset();
    this.inputCount = 0;
    this.outputCount = 0;
  }
}
