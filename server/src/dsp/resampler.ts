/**
 * Common interface of the streaming resamplers.
 *
 * Sample layout: interleaved frames (`frames * channels` values), float,
 * nominal full scale ±1. Input may be a Float32Array or Float64Array; output
 * is always a caller-owned Float64Array, so no call allocates.
 *
 * Timing: output frame n corresponds to input time n * inRate / outRate
 * (frame 0 of the output is aligned to frame 0 of the input). The filter's
 * look-ahead is therefore not visible as a delay in the data, only as
 * `latencyFrames` of input that must arrive before the matching output can
 * be produced; `flush()` emits those held-back frames at end of stream.
 */
export interface Resampler {
  readonly inRate: number;
  readonly outRate: number;
  readonly channels: number;
  /** Input frames held back by the filter look-ahead (0 for the passthrough). */
  readonly latencyFrames: number;
  /** Upper bound of frames one `process()` of `inputFrames`, or a `flush()`, writes. */
  maxOutputFrames(inputFrames: number): number;
  /**
   * Consumes the first `frames` frames of `input` (default: all of it) and
   * writes the frames that became computable to the start of `output`, which
   * must hold `maxOutputFrames(frames)`. Returns the number of frames written.
   * `input` is only read during the call; `output` is owned by the caller.
   */
  process(input: Float32Array | Float64Array, output: Float64Array, frames?: number): number;
  /**
   * Ends the stream: writes the remaining frames so that in total exactly
   * ceil(inputFrames * outRate / inRate) frames were produced, then resets.
   */
  flush(output: Float64Array): number;
  /** Drops all state and starts a new stream. */
  reset(): void;
}

/** Validates and returns the number of input frames to consume. */
export function inputFrames(input: Float32Array | Float64Array, channels: number, frames?: number): number {
  const held = Math.floor(input.length / channels);
  if (frames === undefined) {
    if (input.length % channels !== 0) {
      throw new RangeError(`input length ${input.length} is not a multiple of ${channels} channels`);
    }
    return held;
  }
  if (!Number.isInteger(frames) || frames < 0 || frames > held) {
    throw new RangeError(`frames ${frames} outside 0..${held}`);
  }
  return frames;
}

export function checkOutput(output: Float64Array, frames: number, channels: number): void {
  if (output.length < frames * channels) {
    throw new RangeError(`output holds ${output.length / channels} frames, need ${frames}`);
  }
}
